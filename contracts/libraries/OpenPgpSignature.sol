// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";
import {IEd25519Verifier} from "../interfaces/IEd25519Verifier.sol";
import {Sha1} from "./Sha1.sol";

/// @title OpenPgpSignature
/// @notice Checks a detached OpenPGP signature over a 32-byte message digest under the wave-2 signature profile
///         (docs/client-profile.md section 2), and verifies OpenPGP v4 signatures under a key (used for the
///         message signature and for subkey binding signatures). Every deviation of the message signature is
///         reported as a {Status}, never a revert: under the profile, a signature outside it is itself the
///         fault. A computation that fails (SHA-256 at 0x02, MODEXP at 0x05, P-256 at 0x100, or the external
///         Ed25519/SHA-512 verifier: out of gas, or inputs the chain refuses) is never a verdict: it reverts
///         with {OpenPgpSignaturePrecompileFailed}, so that no gas limit chosen by a caller can turn an honest
///         signature into a BadSignature.
/// @dev The rules, in the order in which the first broken one names the verdict (TypeScript:
///      `src/message/pgp-profile.ts`):
///      1. one packet with tag 2: new-format header `C2` (length in one octet < 192, two octets 192..223, or
///         `FF` + four octets, any value) or old-format `88`/`89`/`8A` (one, two, four length octets); `8B`
///         (indeterminate), partial lengths, a body past the end or shorter than 6: PacketLength; any other
///         first octet: PacketTag; bytes after the packet: TrailingData;
///      2. version 4; type 0x00 or 0x01; public-key algorithm 1, 19, 22 or 27; hash 8, 9 or 10;
///      3. both subpacket areas within the body, filled exactly by whole subpackets of at least one octet
///         (Subpackets), checked for both areas before any subpacket is read; then, subpacket by subpacket
///         (hashed area, then unhashed): a critical subpacket of a type other than 2, 3, 16, 33 is
///         SubpacketNotAllowed; a hashed creation time (2) not of 4 octets, or an issuer key ID (16, either
///         area) not of 8 octets, is Subpackets; an issuer fingerprint (33) that is not `04` + 20 octets is an
///         issuer naming no key;
///      4. exactly one creation time in the hashed area (an unhashed one is ignored);
///      5. at least one issuer subpacket (16 or 33) in either area;
///      6. the values fill the rest of the body exactly (MPIs: bit count and ceil(bits / 8) octets, leading
///         zeros allowed): RSA one MPI; ECDSA two MPIs with 0 < r, s < N; EdDSA legacy two MPIs of at most
///         32 significant octets; Ed25519 64 octets;
///      7. the signer: with no signing subkey the primary key (issuers checked last, after the arithmetic);
///         else every issuer subpacket must name the same candidate (IssuerMismatch); candidates' SHA-1
///         fingerprints are computed subkeys first, then the primary key, stopping at the first named (the same
///         candidate as in the spec's order, primary first, unless two signing keys of one key share a 64-bit
///         key ID and only key IDs name the signer);
///      8. signature algorithm = signer's; 9. creation time >= signer's; then, RSA, s no longer than n (Mpi);
///      10. left 16 bits = first two octets of h for some allowed data (raw digest first for type 0x00, then
///          its 64 lowercase hex characters; type 0x01: only the hex characters);
///      11. the arithmetic under the signer (BadSignature unless it holds for a data form whose left 16 bits
///          match).
library OpenPgpSignature {
    /// @notice Verdict of a check. Everything but `Valid` is a BAD_SIGNATURE fault. The names follow the
    ///         message library's `ProfileViolationCode`s; `BadSignature` is its "crypto" stage. Numbers are
    ///         unchanged since wave 1.
    enum Status {
        Valid, // 0: within the profile and the arithmetic holds under the signer
        Empty, // 1: no bytes
        PacketTag, // 2: not a signature packet (C2, 88, 89, 8A, 8B)
        PacketLength, // 3: partial, indeterminate or truncated packet length, or a body shorter than 6
        TrailingData, // 4: bytes after the packet
        Version, // 5: version != 4
        SignatureType, // 6: type not 0x00 or 0x01
        PublicKeyAlgorithm, // 7: algorithm not 1, 19, 22 or 27
        HashAlgorithm, // 8: hash not 8, 9 or 10 (SHA-256, SHA-384, SHA-512)
        Subpackets, // 9: malformed subpacket area, or an interpreted subpacket of the wrong size
        SubpacketNotAllowed, // 10: a critical subpacket of a type other than 2, 3, 16, 33
        CreationTime, // 11: not exactly one creation time in the hashed area
        IssuerMissing, // 12: no issuer subpacket (16 or 33) in either area
        IssuerMismatch, // 13: issuer subpackets naming no signing key of the key, or different ones
        Mpi, // 14: malformed, left-over or out-of-range signature values
        AlgorithmMismatch, // 15: signature algorithm != signer's algorithm
        KeyNewerThanSignature, // 16: signature created before the signer
        SignedHashMismatch, // 17: left 16 bits match no allowed signed data
        BadSignature // 18: the arithmetic fails under the signer
    }

    /// @notice The computation at `precompile` (0x02 SHA-256, 0x05 MODEXP, 0x100 P-256, or the Ed25519
    ///         verifier contract) failed: it ran out of gas or refused its input. No verdict is possible; the
    ///         caller may retry with more gas.
    error OpenPgpSignaturePrecompileFailed(address precompile);

    uint8 internal constant RSA_ALGORITHM = 1;
    uint8 internal constant ECDSA_ALGORITHM = 19;
    uint8 internal constant EDDSA_LEGACY_ALGORITHM = 22;
    uint8 internal constant ED25519_ALGORITHM = 27;

    /// @notice A signing key of a transferable public key: its packet body is `key[bodyStart:bodyEnd]`, its
    ///         algorithm fields start at `fieldsStart` (checked by `OpenPgpKey`).
    struct Signer {
        uint8 algorithm;
        uint32 created;
        uint256 bodyStart;
        uint256 bodyEnd;
        uint256 fieldsStart;
    }

    /// @notice What the check needs beyond the key: whether the chain has the P-256 precompile at 0x100
    ///         (else OpenZeppelin's Solidity P-256), and the Ed25519/SHA-512 verifier contract.
    struct Env {
        bool p256Precompile;
        IEd25519Verifier ed25519;
    }

    /// @notice Where the parts of a signature packet body are (offsets into its bytes) and what its
    ///         subpackets say.
    struct Layout {
        uint256 bodyStart;
        uint256 bodyEnd;
        uint256 sigType;
        uint256 alg;
        uint256 hashAlg;
        uint256 hashedLength; // 6 + hashed area length
        uint256 left16;
        uint256 valuesStart;
        uint256 created;
        uint256 v1; // first value's significant octets (RSA s, ECDSA r, EdDSA R): offset and length
        uint256 v1Len;
        uint256 v2; // second value (ECDSA s, EdDSA S)
        uint256 v2Len;
        bytes20 issuerFingerprint;
        bytes8 issuerKeyId;
        uint256 issuers; // bit 0: an issuer seen; bit 1: a fingerprint seen; bit 2: issuers disagree or name no key
    }

    uint256 private constant _P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551;
    uint256 private constant _P256_HALF_N =
        0x7FFFFFFF800000007FFFFFFFFFFFFFFFDE737D56D38BCF4279DCE5617E3192A8;

    // 00 || DigestInfo prefix (up to and including the digest's OCTET STRING header), with NULL parameters
    // (20 octets) and without (18 octets), per hash.
    uint256 private constant _DI256_NULL = 0x0000_3031300d060960864801650304020105000420;
    uint256 private constant _DI256 = 0x0000_302f300b06096086480165030402010420;
    uint256 private constant _DI384_NULL = 0x0000_3041300d060960864801650304020205000430;
    uint256 private constant _DI384 = 0x0000_303f300b06096086480165030402020430;
    uint256 private constant _DI512_NULL = 0x0000_3051300d060960864801650304020305000440;
    uint256 private constant _DI512 = 0x0000_304f300b06096086480165030402030440;

    // ------------------------------------------------------------------ the message signature

    /// @notice Checks `sig` over `digest` under the key `key` whose signing keys are `signers` (primary first,
    ///         then the signing subkeys in key order, as `OpenPgpKey.signers` returns them).
    /// @return st the verdict.
    /// @return algorithm the signer's algorithm once the signer is known, else the primary key's.
    function check(
        bytes32 digest,
        bytes memory sig,
        bytes memory key,
        Signer[] memory signers,
        Env memory env
    ) internal view returns (Status st, uint8 algorithm) {
        algorithm = signers[0].algorithm;
        Layout memory sl;
        (st, sl) = parse(sig);
        if (st != Status.Valid) return (st, algorithm);

        // Rule 7: the signer.
        Signer memory signer = signers[0];
        bool issuerLast = signers.length == 1;
        if (!issuerLast) {
            if (sl.issuers & 4 != 0) return (Status.IssuerMismatch, algorithm);
            // The subkeys are tried before the primary key: the candidate named is the same whatever the order
            // (equal fingerprints are equal key bodies), and a subkey signature then costs one SHA-1, not two.
            uint256 n = signers.length;
            uint256 i = 1;
            for (; i <= n; ++i) {
                if (_names(sl, fingerprint(key, signers[i % n]))) break;
            }
            if (i > n) return (Status.IssuerMismatch, algorithm);
            signer = signers[i % n];
            algorithm = signer.algorithm;
        }
        // Rules 8 and 9, then the RSA value's length.
        if (sl.alg != signer.algorithm) return (Status.AlgorithmMismatch, algorithm);
        if (sl.created < signer.created) return (Status.KeyNewerThanSignature, algorithm);
        if (sl.alg == RSA_ALGORITHM && sl.v1Len > _modulusLength(key, signer)) return (Status.Mpi, algorithm);

        st = _signed(digest, sig, sl, key, signer, env);
        if (st != Status.Valid) return (st, algorithm);
        if (issuerLast && (sl.issuers & 4 != 0 || !_names(sl, fingerprint(key, signer)))) {
            return (Status.IssuerMismatch, algorithm);
        }
        return (Status.Valid, algorithm);
    }

    /// Rules 10 and 11: SignedHashMismatch, BadSignature or Valid (the arithmetic holds).
    function _signed(
        bytes32 digest,
        bytes memory sig,
        Layout memory sl,
        bytes memory key,
        Signer memory signer,
        Env memory env
    ) private view returns (Status) {
        // Rules 10 and 11: the raw digest first (binary signatures), then its hex characters. One buffer:
        // [64 octets of data][hashed part][04 FF len]; the raw form is its last 32 data octets.
        bytes memory m = _signedData(sig, sl);
        bool matched;
        bool valid;
        if (sl.sigType == 0) {
            bytes memory raw;
            assembly ("memory-safe") {
                raw := add(m, 0x20)
                mstore(raw, sub(mload(m), 32))
                mstore(add(raw, 0x20), digest)
            }
            (matched, valid) = _form(raw, sig, sl, key, signer, env);
        }
        if (!valid) {
            bytes32 hexHi = _hex16(uint128(uint256(digest) >> 128));
            bytes32 hexLo = _hex16(uint128(uint256(digest)));
            assembly ("memory-safe") {
                mstore(add(m, 0x20), hexHi)
                mstore(add(m, 0x40), hexLo)
            }
            (bool m2, bool v2) = _form(m, sig, sl, key, signer, env);
            matched = matched || m2;
            valid = v2;
        }
        if (!matched) return Status.SignedHashMismatch;
        if (!valid) return Status.BadSignature;
        return Status.Valid;
    }

    /// @notice Rules 1-6 on a whole signature packet (key-independent); locates the fields.
    function parse(bytes memory sig) internal pure returns (Status, Layout memory) {
        (Status st, uint256 bodyStart) = _packet(sig);
        if (st != Status.Valid) {
            Layout memory none;
            return (st, none);
        }
        return parseBody(sig, bodyStart, sig.length, true);
    }

    /// Rule 1: the packet header; where the body starts (it ends at the end of `sig`).
    function _packet(bytes memory sig) private pure returns (Status, uint256 bodyStart) {
        uint256 len = sig.length;
        if (len == 0) return (Status.Empty, 0);
        uint256 w = _w(sig, 0);
        uint256 t = w >> 248;
        uint256 bodyLen;
        if (t == 0xC2) {
            if (len < 2) return (Status.PacketLength, 0);
            uint256 a = (w >> 240) & 0xff;
            if (a < 192) {
                bodyStart = 2;
                bodyLen = a;
            } else if (a < 224) {
                if (len < 3) return (Status.PacketLength, 0);
                bodyStart = 3;
                bodyLen = ((a - 192) << 8) + ((w >> 232) & 0xff) + 192;
            } else if (a == 255) {
                if (len < 6) return (Status.PacketLength, 0);
                bodyStart = 6;
                bodyLen = (w >> 208) & 0xffffffff;
            } else {
                return (Status.PacketLength, 0); // partial body length
            }
        } else if (t == 0x88) {
            if (len < 2) return (Status.PacketLength, 0);
            bodyStart = 2;
            bodyLen = (w >> 240) & 0xff;
        } else if (t == 0x89) {
            if (len < 3) return (Status.PacketLength, 0);
            bodyStart = 3;
            bodyLen = (w >> 232) & 0xffff;
        } else if (t == 0x8A) {
            if (len < 5) return (Status.PacketLength, 0);
            bodyStart = 5;
            bodyLen = (w >> 216) & 0xffffffff;
        } else if (t == 0x8B) {
            return (Status.PacketLength, 0); // indeterminate length
        } else {
            return (Status.PacketTag, 0);
        }
        if (bodyStart + bodyLen > len) return (Status.PacketLength, 0);
        if (bodyStart + bodyLen != len) return (Status.TrailingData, 0);
        if (bodyLen < 6) return (Status.PacketLength, 0);
        return (Status.Valid, bodyStart);
    }

    /// @notice Rules 2-6 on the signature packet body `b[start:end)` (at least 6 octets). With `strict`
    ///         false (binding and back signatures, docs/client-profile.md section 1) the type is not checked
    ///         (the caller does), and subpackets are only framed: any type and critical bit, no creation time
    ///         or issuer required.
    function parseBody(
        bytes memory b,
        uint256 start,
        uint256 end,
        bool strict
    ) internal pure returns (Status, Layout memory sl) {
        unchecked {
            sl.bodyStart = start;
            sl.bodyEnd = end;
            if (end < start + 6) return (Status.PacketLength, sl);
            uint256 head = _w(b, start) >> 208;
            if (head >> 40 != 4) return (Status.Version, sl);
            sl.sigType = (head >> 32) & 0xff;
            if (strict && sl.sigType > 1) return (Status.SignatureType, sl);
            uint256 alg = (head >> 24) & 0xff;
            if (
                alg != RSA_ALGORITHM &&
                alg != ECDSA_ALGORITHM &&
                alg != EDDSA_LEGACY_ALGORITHM &&
                alg != ED25519_ALGORITHM
            ) {
                return (Status.PublicKeyAlgorithm, sl);
            }
            sl.alg = alg;
            uint256 hashAlg = (head >> 16) & 0xff;
            if (hashAlg < 8 || hashAlg > 10) return (Status.HashAlgorithm, sl);
            sl.hashAlg = hashAlg;

            // Rule 3: the areas within the body and framed (both before any subpacket rule), then the subpackets.
            sl.hashedLength = 6 + (head & 0xffff);
            uint256 hashedEnd = start + sl.hashedLength;
            if (hashedEnd + 2 > end) return (Status.Subpackets, sl);
            uint256 hashedCode;
            uint256 creations;
            if (strict) {
                (hashedCode, creations) = _subpackets(b, start + 6, hashedEnd, false, sl, 0);
                if (hashedCode == 99) return (Status.Subpackets, sl);
            } else if (!framed(b, start + 6, hashedEnd)) {
                return (Status.Subpackets, sl);
            }
            uint256 unhashedEnd = hashedEnd + 2 + (_w(b, hashedEnd) >> 240);
            if (unhashedEnd + 2 > end) return (Status.Subpackets, sl);
            if (strict) {
                uint256 unhashedCode;
                (unhashedCode, creations) = _subpackets(b, hashedEnd + 2, unhashedEnd, true, sl, creations);
                if (unhashedCode == 99) return (Status.Subpackets, sl);
                if (hashedCode != 0) return (Status(hashedCode), sl);
                if (unhashedCode != 0) return (Status(unhashedCode), sl);
                // Rules 4 and 5.
                if (creations != 1) return (Status.CreationTime, sl);
                if (sl.issuers & 1 == 0) return (Status.IssuerMissing, sl);
            } else if (!framed(b, hashedEnd + 2, unhashedEnd)) {
                return (Status.Subpackets, sl);
            }
            sl.left16 = _w(b, unhashedEnd) >> 240;
            sl.valuesStart = unhashedEnd + 2;
            return (_values(b, sl), sl);
        }
    }

    /// @notice True when whole subpackets of at least one octet (the type) fill `b[start:end)` exactly.
    function framed(bytes memory b, uint256 start, uint256 end) internal pure returns (bool ok) {
        assembly ("memory-safe") {
            let base := add(b, 0x20)
            ok := 1
            for {
                let i := start
            } lt(i, end) {} {
                let w := mload(add(base, i))
                let a := byte(0, w)
                let n
                switch lt(a, 192)
                case 1 {
                    n := a
                    i := add(i, 1)
                }
                default {
                    switch lt(a, 255)
                    case 1 {
                        if gt(add(i, 2), end) {
                            ok := 0
                            break
                        }
                        n := add(add(shl(8, sub(a, 192)), byte(1, w)), 192)
                        i := add(i, 2)
                    }
                    default {
                        if gt(add(i, 5), end) {
                            ok := 0
                            break
                        }
                        n := shr(224, shl(8, w))
                        i := add(i, 5)
                    }
                }
                i := add(i, n)
                if or(iszero(n), gt(i, end)) {
                    ok := 0
                    break
                }
            }
        }
    }

    /// @notice Whether whole subpackets fill `b[start:end)` exactly and one of them is a key-flags subpacket
    ///         (27, critical or not) with the sign bit (0x02) in its first octet.
    function signFlag(bytes memory b, uint256 start, uint256 end) internal pure returns (bool sign) {
        assembly ("memory-safe") {
            let base := add(b, 0x20)
            let ok := 1
            for {
                let i := start
            } lt(i, end) {} {
                let w := mload(add(base, i))
                let a := byte(0, w)
                let n
                switch lt(a, 192)
                case 1 {
                    n := a
                    i := add(i, 1)
                }
                default {
                    switch lt(a, 255)
                    case 1 {
                        if gt(add(i, 2), end) {
                            ok := 0
                            break
                        }
                        n := add(add(shl(8, sub(a, 192)), byte(1, w)), 192)
                        i := add(i, 2)
                    }
                    default {
                        if gt(add(i, 5), end) {
                            ok := 0
                            break
                        }
                        n := shr(224, shl(8, w))
                        i := add(i, 5)
                    }
                }
                if or(iszero(n), gt(add(i, n), end)) {
                    ok := 0
                    break
                }
                let t := mload(add(base, i))
                if and(and(eq(and(byte(0, t), 0x7f), 27), gt(n, 1)), and(shr(1, byte(1, t)), 1)) {
                    sign := 1
                }
                i := add(i, n)
            }
            sign := and(sign, ok)
        }
    }

    /// @notice The subpacket at `i` of an area ending at `end`: where its type octet is (`typeAt`), where it
    ///         ends, and whether it is whole (length octets and at least the type octet within the area).
    function subpacketAt(
        bytes memory b,
        uint256 i,
        uint256 end
    ) internal pure returns (uint256 typeAt, uint256 next, bool ok) {
        unchecked {
            uint256 w = _w(b, i);
            uint256 a = w >> 248;
            uint256 n;
            if (a < 192) {
                n = a;
                typeAt = i + 1;
            } else if (a < 255) {
                if (i + 2 > end) return (0, 0, false);
                n = ((a - 192) << 8) + ((w >> 240) & 0xff) + 192;
                typeAt = i + 2;
            } else {
                if (i + 5 > end) return (0, 0, false);
                n = (w >> 216) & 0xffffffff;
                typeAt = i + 5;
            }
            next = typeAt + n;
            ok = n != 0 && next <= end;
        }
    }

    /// Rule 3 over one area: its framing (code 99 when whole subpackets do not fill it), and the first subpacket
    /// rule broken (a Status), counting hashed creation times and recording the issuers
    /// (Layout words: 0x100 created, 0x1a0 issuerFingerprint, 0x1c0 issuerKeyId, 0x1e0 issuers).
    function _subpackets(
        bytes memory b,
        uint256 i,
        uint256 end,
        bool unhashed,
        Layout memory sl,
        uint256 creations
    ) private pure returns (uint256 code, uint256) {
        assembly ("memory-safe") {
            // Records an issuer naming key ID `id` (left-aligned), with fingerprint `fp` when `hasFp`.
            function issuer(lay, id, hasFp, fp) {
                let f := mload(add(lay, 0x1e0))
                if and(and(f, 1), iszero(eq(id, mload(add(lay, 0x1c0))))) {
                    f := or(f, 4)
                }
                mstore(add(lay, 0x1c0), id)
                if hasFp {
                    if and(and(shr(1, f), 1), iszero(eq(fp, mload(add(lay, 0x1a0))))) {
                        f := or(f, 4)
                    }
                    mstore(add(lay, 0x1a0), fp)
                    f := or(f, 2)
                }
                mstore(add(lay, 0x1e0), or(f, 1))
            }

            // The checks of one subpacket: type octet at `tp`, body of `bodyLen` octets after it.
            function one(tp, bodyLen, unh, lay, cr) -> c, cr2 {
                cr2 := cr
                let t := byte(0, mload(tp))
                let typ := and(t, 0x7f)
                if gt(t, 0x7f) {
                    if iszero(or(or(eq(typ, 2), eq(typ, 3)), or(eq(typ, 16), eq(typ, 33)))) {
                        c := 10 // SubpacketNotAllowed
                        leave
                    }
                }
                switch typ
                case 2 {
                    if iszero(unh) {
                        if iszero(eq(bodyLen, 4)) {
                            c := 9 // Subpackets
                            leave
                        }
                        mstore(add(lay, 0x100), shr(224, mload(add(tp, 1))))
                        cr2 := add(cr, 1)
                    }
                }
                case 16 {
                    if iszero(eq(bodyLen, 8)) {
                        c := 9
                        leave
                    }
                    issuer(lay, shl(192, shr(192, mload(add(tp, 1)))), 0, 0)
                }
                case 33 {
                    switch and(eq(bodyLen, 21), eq(byte(0, mload(add(tp, 1))), 4))
                    case 1 {
                        let fp := shl(96, shr(96, mload(add(tp, 2))))
                        issuer(lay, shl(192, and(shr(96, fp), 0xffffffffffffffff)), 1, fp)
                    }
                    default {
                        mstore(add(lay, 0x1e0), or(mload(add(lay, 0x1e0)), 5)) // an issuer naming no (v4) key
                    }
                }
            }

            // All subpackets of the area [p, areaEnd) of the bytes at `base`: ok = 0 when whole subpackets do
            // not fill it exactly; c = the first subpacket rule broken (0: none).
            function walk(base, p, areaEnd, unh, lay, cr) -> ok, c, cr2 {
                ok := 1
                cr2 := cr
                for {} lt(p, areaEnd) {} {
                    let w := mload(add(base, p))
                    let a := byte(0, w)
                    let n
                    switch lt(a, 192)
                    case 1 {
                        n := a
                        p := add(p, 1)
                    }
                    default {
                        switch lt(a, 255)
                        case 1 {
                            if gt(add(p, 2), areaEnd) {
                                ok := 0
                                leave
                            }
                            n := add(add(shl(8, sub(a, 192)), byte(1, w)), 192)
                            p := add(p, 2)
                        }
                        default {
                            if gt(add(p, 5), areaEnd) {
                                ok := 0
                                leave
                            }
                            n := shr(224, shl(8, w))
                            p := add(p, 5)
                        }
                    }
                    if or(iszero(n), gt(add(p, n), areaEnd)) {
                        ok := 0
                        leave
                    }
                    if iszero(c) {
                        c, cr2 := one(add(base, p), sub(n, 1), unh, lay, cr2)
                    }
                    p := add(p, n)
                }
            }

            let framedOk
            framedOk, code, creations := walk(add(b, 0x20), i, end, unhashed, sl, creations)
            if iszero(framedOk) {
                code := 99
            }
        }
        return (code, creations);
    }

    /// Whether the (agreeing) issuers name the key of fingerprint `fp`.
    function _names(Layout memory sl, bytes20 fp) private pure returns (bool) {
        if (sl.issuers & 2 != 0) return sl.issuerFingerprint == fp;
        return sl.issuerKeyId == bytes8(uint64(uint160(fp)));
    }

    /// Rule 6: the values for the signature's algorithm fill the rest of the body exactly.
    function _values(bytes memory b, Layout memory sl) private pure returns (Status) {
        unchecked {
            uint256 p = sl.valuesStart;
            uint256 end = sl.bodyEnd;
            uint256 alg = sl.alg;
            bool ok;
            if (alg == ED25519_ALGORITHM) {
                sl.v1 = p;
                sl.v1Len = 32;
                sl.v2 = p + 32;
                sl.v2Len = 32;
                return p + 64 == end ? Status.Valid : Status.Mpi;
            }
            (ok, p, sl.v1, sl.v1Len) = _mpi(b, p, end);
            if (!ok) return Status.Mpi;
            if (alg != RSA_ALGORITHM) {
                (ok, p, sl.v2, sl.v2Len) = _mpi(b, p, end);
                if (!ok || sl.v1Len > 32 || sl.v2Len > 32) return Status.Mpi;
                if (alg == ECDSA_ALGORITHM) {
                    uint256 r = _num(b, sl.v1, sl.v1Len);
                    uint256 s = _num(b, sl.v2, sl.v2Len);
                    if (r == 0 || s == 0 || r >= _P256_N || s >= _P256_N) return Status.Mpi;
                }
            }
            return p == end ? Status.Valid : Status.Mpi;
        }
    }

    /// An MPI at `p` ending by `end`: the offset after it, and its value's octets with leading zero octets
    /// stripped (offset, length).
    function _mpi(
        bytes memory b,
        uint256 p,
        uint256 end
    ) private pure returns (bool ok, uint256 next, uint256 v, uint256 vLen) {
        unchecked {
            if (p + 2 > end) return (false, 0, 0, 0);
            next = p + 2 + ((_w(b, p) >> 240) + 7) / 8;
            if (next > end) return (false, 0, 0, 0);
            v = p + 2;
            while (v < next && _w(b, v) >> 248 == 0) ++v;
            return (true, next, v, next - v);
        }
    }

    // ------------------------------------------------------------------ hashing and arithmetic

    /// Left 16 bits and arithmetic for one data form, `m` the whole signed data: (left 16 bits match, valid).
    function _form(
        bytes memory m,
        bytes memory sig,
        Layout memory sl,
        bytes memory key,
        Signer memory signer,
        Env memory env
    ) private view returns (bool matched, bool valid) {
        (bytes32 hi, bytes32 lo) = _digest(m, sl.hashAlg, env);
        if (uint256(hi) >> 240 != sl.left16) return (false, false);
        return (true, verifyHash(key, signer, hi, lo, sig, sl, env));
    }

    /// [64 octets left for the data][body[0 : hashed length]][04 FF uint32be(hashed length)].
    function _signedData(bytes memory b, Layout memory sl) private pure returns (bytes memory m) {
        uint256 n = sl.hashedLength;
        uint256 start = sl.bodyStart;
        m = new bytes(64 + n + 6);
        assembly ("memory-safe") {
            let dst := add(m, 0x60)
            mcopy(dst, add(add(b, 0x20), start), n)
            mstore(add(dst, n), or(or(shl(248, 0x04), shl(240, 0xff)), shl(208, n)))
        }
    }

    /// @notice h = H(prefix || body[0 : hashed length] || 04 FF || uint32be(hashed length)), H the signature's
    ///         hash: (hi, lo) = the digest's octets 0..31 and 32..63 (lo zero for SHA-256; for SHA-384 its
    ///         octets 32..47 left-aligned).
    function signedHash(
        bytes memory prefix,
        bytes memory b,
        Layout memory sl,
        Env memory env
    ) internal view returns (bytes32 hi, bytes32 lo) {
        uint256 pl = prefix.length;
        uint256 n = sl.hashedLength;
        uint256 start = sl.bodyStart;
        bytes memory m = new bytes(pl + n + 6);
        assembly ("memory-safe") {
            let dst := add(m, 0x20)
            mcopy(dst, add(prefix, 0x20), pl)
            mcopy(add(dst, pl), add(add(b, 0x20), start), n)
            let t := add(add(dst, pl), n)
            mstore(t, or(or(shl(248, 0x04), shl(240, 0xff)), shl(208, n)))
        }
        return _digest(m, sl.hashAlg, env);
    }

    /// H(m) for the hash `hashAlg` (8, 9, 10), as (octets 0..31, octets 32..63 or 32..47 left-aligned).
    function _digest(
        bytes memory m,
        uint256 hashAlg,
        Env memory env
    ) private view returns (bytes32 hi, bytes32 lo) {
        if (hashAlg == 8) {
            bool ok;
            assembly ("memory-safe") {
                ok := staticcall(gas(), 0x02, add(m, 0x20), mload(m), 0x00, 0x20)
                hi := mload(0x00)
            }
            if (!ok) revert OpenPgpSignaturePrecompileFailed(address(0x02));
        } else {
            IEd25519Verifier ed = env.ed25519;
            try ed.sha512(m, hashAlg == 9) returns (bytes32 h, bytes32 h2) {
                (hi, lo) = (h, h2);
            } catch {
                revert OpenPgpSignaturePrecompileFailed(address(ed));
            }
        }
    }

    /// @notice Whether the signature whose values `sl` locates in `sig` is valid under `signer` (a key of
    ///         `key`, same algorithm as the signature) for the hash (hi, lo) of `sl.hashAlg`. Reverts when a
    ///         computation fails.
    function verifyHash(
        bytes memory key,
        Signer memory signer,
        bytes32 hi,
        bytes32 lo,
        bytes memory sig,
        Layout memory sl,
        Env memory env
    ) internal view returns (bool) {
        uint256 alg = signer.algorithm;
        if (alg == RSA_ALGORITHM)
            return _rsa(key, signer.fieldsStart, hi, lo, sl.hashAlg, sig, sl.v1, sl.v1Len);
        if (alg == ECDSA_ALGORITHM) return _ecdsa(key, signer.fieldsStart, hi, sig, sl, env.p256Precompile);
        return _eddsa(key, signer, hi, lo, sig, sl, env.ed25519);
    }

    /// ECDSA P-256 over the leftmost 256 bits of h (FIPS 186-4 truncation for SHA-384/512); s or N - s.
    function _ecdsa(
        bytes memory key,
        uint256 f,
        bytes32 hi,
        bytes memory sig,
        Layout memory sl,
        bool precompile
    ) private view returns (bool) {
        uint256 r = _num(sig, sl.v1, sl.v1Len);
        uint256 s = _num(sig, sl.v2, sl.v2Len);
        if (s > _P256_HALF_N) s = _P256_N - s;
        return _p256(hi, r, s, bytes32(_w(key, f + 12)), bytes32(_w(key, f + 44)), precompile);
    }

    /// Ed25519, legacy (A after the OID and the MPI's 40 prefix) or RFC 9580 (32 raw octets); the message is
    /// the whole hash (32, 48 or 64 octets).
    function _eddsa(
        bytes memory key,
        Signer memory signer,
        bytes32 hi,
        bytes32 lo,
        bytes memory sig,
        Layout memory sl,
        IEd25519Verifier ed
    ) private view returns (bool) {
        uint256 f = signer.fieldsStart;
        bytes32 a = bytes32(_w(key, signer.algorithm == EDDSA_LEGACY_ALGORITHM ? f + 13 : f));
        bytes32 rr = bytes32(_num(sig, sl.v1, sl.v1Len));
        bytes32 ss = bytes32(_num(sig, sl.v2, sl.v2Len));
        uint256 hl = sl.hashAlg == 8 ? 32 : (sl.hashAlg == 9 ? 48 : 64);
        bytes memory m = new bytes(hl);
        assembly ("memory-safe") {
            mstore(add(m, 0x20), hi)
            if gt(hl, 32) {
                mstore(add(m, 0x40), lo)
            }
        }
        try ed.verify(a, rr, ss, m) returns (bool v) {
            return v;
        } catch {
            revert OpenPgpSignaturePrecompileFailed(address(ed));
        }
    }

    /// RSASSA-PKCS1-v1_5 (RFC 8017 section 8.2.2) with the modulus MPI at `f` of `key` and e = 65537 (the
    /// profile's only exponent): s (left-padded) < n, and s^e mod n = 00 01 FF..FF 00 || DigestInfo || h with
    /// the DigestInfo's NULL parameters present or absent.
    function _rsa(
        bytes memory key,
        uint256 f,
        bytes32 hi,
        bytes32 lo,
        uint256 hashAlg,
        bytes memory sig,
        uint256 v,
        uint256 vLen
    ) private view returns (bool) {
        unchecked {
            uint256 k = ((_w(key, f) >> 240) + 7) >> 3;
            if (vLen > k) return false;
            // s < n, s as the modulus length (n's first octet is non-zero: OpenPgpKey wants a minimal MPI).
            if (vLen == k) {
                for (uint256 i = 0; i < k; i += 32) {
                    uint256 p = i + 32 > k ? k - 32 : i;
                    uint256 sp = _w(sig, v + p);
                    uint256 np = _w(key, f + 2 + p);
                    if (sp < np) break;
                    if (sp > np || p == k - 32) return false;
                }
            }
            return _emValid(_modexp(key, f, k, sig, v, vLen), k, hi, lo, hashAlg);
        }
    }

    /// s^65537 mod n, n the `k`-octet modulus MPI at `f` of `key`, s the `vLen` octets at `v` of `sig`.
    function _modexp(
        bytes memory key,
        uint256 f,
        uint256 k,
        bytes memory sig,
        uint256 v,
        uint256 vLen
    ) private view returns (bytes memory em) {
        // MODEXP input: lengths (k, 3, k), s left-padded, 010001, n. Output k octets.
        em = new bytes(k);
        bool ok;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, k)
            mstore(add(ptr, 0x20), 3)
            mstore(add(ptr, 0x40), k)
            let sp := add(ptr, 0x60)
            mcopy(sp, add(em, 0x20), sub(k, vLen)) // zeros (fresh memory)
            mcopy(add(sp, sub(k, vLen)), add(add(sig, 0x20), v), vLen)
            let ep := add(sp, k)
            mstore(ep, shl(232, 0x010001))
            mcopy(add(ep, 3), add(add(key, 0x22), f), k)
            ok := staticcall(gas(), 0x05, ptr, add(add(0x63, k), k), add(em, 0x20), k)
        }
        if (!ok) revert OpenPgpSignaturePrecompileFailed(address(0x05));
    }

    /// Whether the `k`-octet `em` is 00 01 FF..FF 00 || DigestInfo || h for the hash `hashAlg` = (hi, lo).
    function _emValid(
        bytes memory em,
        uint256 k,
        bytes32 hi,
        bytes32 lo,
        uint256 hashAlg
    ) private pure returns (bool) {
        unchecked {
            // h at the end.
            uint256 hl = hashAlg == 8 ? 32 : (hashAlg == 9 ? 48 : 64);
            uint256 hp = k - hl;
            if (bytes32(_w(em, hp)) != hi) return false;
            if (hl == 48 && bytes16(bytes32(_w(em, hp + 32))) != bytes16(lo)) return false;
            if (hl == 64 && bytes32(_w(em, hp + 32)) != lo) return false;
            // 00 || DigestInfo before it, with NULL (20 octets) or without (18).
            (uint256 withNull, uint256 without) = hashAlg == 8
                ? (_DI256_NULL, _DI256)
                : (hashAlg == 9 ? (_DI384_NULL, _DI384) : (_DI512_NULL, _DI512));
            uint256 paddingEnd;
            if (_w(em, hp - 20) >> 96 == withNull) {
                paddingEnd = hp - 20;
            } else if (_w(em, hp - 18) >> 112 == without) {
                paddingEnd = hp - 18;
            } else {
                return false;
            }
            if (_w(em, 0) >> 240 != 0x0001) return false;
            // PS: octets 2 .. paddingEnd are all FF.
            uint256 q = 2;
            for (; q + 32 <= paddingEnd; q += 32) {
                if (_w(em, q) != type(uint256).max) return false;
            }
            uint256 rest = paddingEnd - q; // < 32
            if (rest != 0 && _w(em, q) >> (256 - 8 * rest) != (1 << (8 * rest)) - 1) return false;
            return true;
        }
    }

    /// ECDSA P-256 over `h` with 0 < r < N and 0 < s <= N / 2 (checked and normalised by the caller) under a
    /// point on the curve (checked by `OpenPgpKey`). With the precompile, one call.
    function _p256(
        bytes32 h,
        uint256 r,
        uint256 s,
        bytes32 x,
        bytes32 y,
        bool precompile
    ) private view returns (bool valid) {
        if (!precompile) return P256.verifySolidity(h, bytes32(r), bytes32(s), x, y);
        bool ok;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, h)
            mstore(add(ptr, 0x20), r)
            mstore(add(ptr, 0x40), s)
            mstore(add(ptr, 0x60), x)
            mstore(add(ptr, 0x80), y)
            mstore(0x00, 0)
            ok := staticcall(gas(), 0x100, ptr, 0xa0, 0x00, 0x20)
            valid := eq(mload(0x00), 1)
        }
        // The precompile answers an invalid signature with empty output; a failed call is out of gas.
        if (!ok) revert OpenPgpSignaturePrecompileFailed(address(0x100));
    }

    // ------------------------------------------------------------------ keys

    /// @notice The version-4 fingerprint of `signer`: SHA-1(0x99 || uint16be(body length) || body).
    function fingerprint(bytes memory key, Signer memory signer) internal pure returns (bytes20) {
        bytes memory pre = keyPrefix(key, signer);
        uint256 ptr;
        assembly ("memory-safe") {
            ptr := add(pre, 0x20)
        }
        return Sha1.hash(ptr, pre.length);
    }

    /// @notice 0x99 || uint16be(body length) || body: how a v4 key packet is hashed.
    function keyPrefix(bytes memory key, Signer memory signer) internal pure returns (bytes memory pre) {
        uint256 start = signer.bodyStart;
        uint256 bodyLen = signer.bodyEnd - start;
        pre = new bytes(3 + bodyLen);
        assembly ("memory-safe") {
            let ptr := add(pre, 0x20)
            mstore8(ptr, 0x99)
            mstore8(add(ptr, 1), shr(8, bodyLen))
            mstore8(add(ptr, 2), and(bodyLen, 0xff))
            mcopy(add(ptr, 3), add(add(key, 0x20), start), bodyLen)
        }
    }

    /// The modulus length in octets of an RSA signer.
    function _modulusLength(bytes memory key, Signer memory signer) private pure returns (uint256) {
        return ((_w(key, signer.fieldsStart) >> 240) + 7) >> 3;
    }

    // ------------------------------------------------------------------ readers

    /// The 32 lowercase hex characters of the 16 octets `x`: each octet's two nibbles spread to two octets
    /// (bytes moved left by 64, 32, 16 and 8 bits as their index asks), then each nibble v mapped to '0' + v,
    /// plus 39 when
    /// v > 9 ('a' is '0' + 49).
    function _hex16(uint128 x) private pure returns (bytes32) {
        uint256 v = uint256(x);
        v = ((v & 0xffffffffffffffff0000000000000000) << 64) | (v & 0xffffffffffffffff);
        v =
            ((v & 0xffffffff000000000000000000000000ffffffff00000000) << 32) |
            (v & 0x00ffffffff000000000000000000000000ffffffff);
        v =
            ((v & 0xffff000000000000ffff000000000000ffff000000000000ffff0000) << 16) |
            (v & 0xffff000000000000ffff000000000000ffff000000000000ffff);
        v =
            ((v & 0xff000000ff000000ff000000ff000000ff000000ff000000ff000000ff00) << 8) |
            (v & 0xff000000ff000000ff000000ff000000ff000000ff000000ff000000ff);
        v =
            ((v & 0xf000f000f000f000f000f000f000f000f000f000f000f000f000f000f000f0) << 4) |
            (v & 0x0f000f000f000f000f000f000f000f000f000f000f000f000f000f000f000f);
        // v now holds one nibble per octet, most significant first.
        uint256 letters =
            ((v + 0x0606060606060606060606060606060606060606060606060606060606060606) >> 4) &
                0x0101010101010101010101010101010101010101010101010101010101010101;
        return bytes32(v + 0x3030303030303030303030303030303030303030303030303030303030303030 + letters * 39);
    }

    /// The number held by the `len` (<= 32) octets of `b` at `p`.
    function _num(bytes memory b, uint256 p, uint256 len) private pure returns (uint256) {
        if (len == 0) return 0;
        return _w(b, p) >> ((32 - len) << 3);
    }

    /// The 32 octets of `b` from `i` (memory past `b` reads as whatever it holds: callers bound-check).
    function _w(bytes memory b, uint256 i) private pure returns (uint256 r) {
        assembly ("memory-safe") {
            r := mload(add(add(b, 0x20), i))
        }
    }
}
