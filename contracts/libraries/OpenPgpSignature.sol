// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Sha1} from "./Sha1.sol";

/// @title OpenPgpSignature
/// @notice Checks a detached OpenPGP signature over a 32-byte message digest under the strict signature
///         profile of the Push network (DESIGN sections 4 and 9), reading it straight from calldata. Every
///         deviation of the signature is reported as a {Status}, never a revert: under the profile, a
///         signature outside it is itself the fault. A precompile call that fails (SHA-256 at 0x02, MODEXP at
///         0x05, P-256 at 0x100: out of gas, or inputs the chain refuses) is never a verdict: it reverts with
///         {OpenPgpSignaturePrecompileFailed}, so that no gas limit chosen by a caller can turn an honest
///         signature into a BadSignature.
/// @dev The profile is the one the message library enforces (`src/message/pgp-profile.ts`), rule by rule:
///      1. exactly one packet: first octet `C2`; body length in one octet (< 192), two octets (first octet
///         192..223) or `FF` + four octets (only for lengths >= 8384: minimal encoding); no partial length;
///         nothing after the packet;
///      2. version 4, signature type 0x00, public-key algorithm 1, 19 or 27, hash algorithm 8;
///      3. both subpacket areas lie within the body and are filled exactly by whole subpackets (length of one
///         octet < 192, two octets 192..254, or `FF` + four; at least one octet, the type, each); hashed
///         subpackets only of types 2 (creation time, 4 bytes, exactly one), 16 (issuer key ID, 8 bytes),
///         33 (issuer fingerprint, `04` + 20 bytes) - these three critical or not - and 20 (notation data,
///         well formed, not critical); unhashed subpackets only 16 and 33, not critical;
///      4. an issuer subpacket (16 or 33) in the hashed area; all issuer subpackets name one key, the
///         primary key (fingerprint = SHA-1(0x99 || uint16be(body length) || primary key packet body), key ID
///         = its low 8 bytes);
///      5. signature creation time >= key creation time;
///      6. the left 16 bits equal the first two bytes of
///         h = SHA-256(digest || body[0 : 6 + hashed length] || 04 FF || uint32be(6 + hashed length));
///      7. signature values filling the rest of the body exactly: RSA one canonical MPI (exact bit count,
///         non-zero) no longer than the modulus; ECDSA two canonical MPIs 0 < r, s < n; Ed25519 64 octets;
///      and the arithmetic: RSASSA-PKCS1-v1_5 with SHA-256 over the same bytes (s left-padded to the
///      modulus length; OpenZeppelin `RSA.pkcs1Sha256`'s rules, padding compared by words), or ECDSA P-256
///      over h, where (r, s) and (r, n - s) are equally valid (openpgp.js makes high s half of the time;
///      OpenZeppelin `P256` wants low s, so s is normalised first). Ed25519 arithmetic is not checked on chain.
///      The message library additionally runs openpgp.js; a signature it refuses while every rule and the
///      arithmetic hold (e.g. a key whose own self-signatures expired it) is not a fault here.
///      Cost: the issuer rule needs the SHA-1 key fingerprint, so it is checked last, only when everything
///      else holds (an honest signature or a well-made forgery): a typical bad signature costs no SHA-1.
library OpenPgpSignature {
    /// @notice Verdict of a check. Everything but `Valid` is a BAD_SIGNATURE fault. The names follow the
    ///         message library's `ProfileViolationCode`s; `BadSignature` is its "crypto" stage.
    enum Status {
        Valid, // 0: within the profile and the arithmetic holds (EdDSA: within the profile; arithmetic unchecked)
        Empty, // 1: no bytes
        PacketTag, // 2: not a new-format signature packet (C2)
        PacketLength, // 3: partial, truncated or non-minimal packet length
        TrailingData, // 4: bytes after the packet
        Version, // 5: version != 4
        SignatureType, // 6: type != 0x00
        PublicKeyAlgorithm, // 7: algorithm not 1, 19 or 27
        HashAlgorithm, // 8: hash != 8 (SHA-256)
        Subpackets, // 9: malformed subpacket area or subpacket
        SubpacketNotAllowed, // 10: a subpacket type or critical bit the profile does not allow
        CreationTime, // 11: not exactly one creation time
        IssuerMissing, // 12: no issuer subpacket in the hashed area
        IssuerMismatch, // 13: issuer subpackets naming different keys, or not the primary key
        Mpi, // 14: malformed, non-canonical or out-of-range signature values
        AlgorithmMismatch, // 15: signature algorithm != primary key algorithm
        KeyNewerThanSignature, // 16: signature created before the key
        SignedHashMismatch, // 17: left 16 bits differ from the hash
        BadSignature // 18: the arithmetic fails under the primary key
    }

    /// @notice The precompile at `precompile` (0x02 SHA-256, 0x05 MODEXP, 0x100 P-256) failed: it ran out of gas
    ///         or refused its input. No verdict is possible; the caller may retry with more gas.
    error OpenPgpSignaturePrecompileFailed(address precompile);

    uint8 internal constant RSA_ALGORITHM = 1;
    uint8 internal constant ECDSA_ALGORITHM = 19;
    uint8 internal constant EDDSA_LEGACY_ALGORITHM = 22;
    uint8 internal constant ED25519_ALGORITHM = 27;

    /// @notice What the check needs of the primary key. `keyBytes[bodyStart:bodyEnd]` is the primary key
    ///         packet body (for the fingerprint); `x`, `y` are set for P-256 keys, `n`, `e` for RSA keys.
    ///         `p256Precompile`: the chain has the P-256 verification precompile at 0x100 (EIP-7951 /
    ///         RIP-7212); otherwise OpenZeppelin's Solidity implementation is used.
    struct Key {
        bool p256Precompile;
        uint8 algorithm;
        uint32 created;
        bytes32 x;
        bytes32 y;
        bytes n;
        bytes e;
        bytes keyBytes;
        uint256 bodyStart;
        uint256 bodyEnd;
    }

    /// @notice Where the parts of a signature packet are (offsets into the signature bytes) and what its
    ///         subpackets say.
    struct Layout {
        uint256 bodyStart;
        uint256 hashedLength; // 6 + hashed subpacket area length
        uint256 left16;
        uint256 valuesStart;
        uint256 created;
        bytes8 issuerKeyId;
        bytes20 issuerFingerprint;
        bool hasFingerprint;
    }

    /// 00 || DigestInfo prefix of SHA-256 with NULL parameters (20 bytes), and without them (18 bytes).
    uint256 private constant _DIGEST_INFO_NULL = 0x0000_3031_300d_0609_608648016503040201_0500_0420;
    uint256 private constant _DIGEST_INFO_NO_NULL = 0x00_302f_300b_0609_608648016503040201_0420;
    uint256 private constant _P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551;
    uint256 private constant _P256_HALF_N =
        0x7FFFFFFF800000007FFFFFFFFFFFFFFFDE737D56D38BCF4279DCE5617E3192A8;

    /// @notice Checks `signature` over `digest` under the primary key `key`: rules 1-7, then the arithmetic
    ///         (RSA and P-256 only), then the issuer against the key fingerprint.
    function check(
        bytes32 digest,
        bytes calldata signature,
        Key memory key
    ) internal view returns (Status st) {
        Layout memory layout;
        (st, layout) = parse(signature);
        if (st != Status.Valid) return st;
        if (_u8(signature, layout.bodyStart + 2) != key.algorithm) return Status.AlgorithmMismatch;
        if (layout.created < key.created) return Status.KeyNewerThanSignature;
        bytes32 h = signedHash(digest, signature, layout);
        uint256 alg = key.algorithm;
        if (alg == RSA_ALGORITHM) {
            (uint256 sLen, uint256 sStart) = _mpiBytes(signature, layout.valuesStart);
            if (sLen > key.n.length) return Status.Mpi;
            if (uint256(h) >> 240 != layout.left16) return Status.SignedHashMismatch;
            if (!_rsaValid(h, signature, sStart, sLen, key)) return Status.BadSignature;
        } else if (alg == ECDSA_ALGORITHM) {
            if (uint256(h) >> 240 != layout.left16) return Status.SignedHashMismatch;
            (uint256 r, uint256 s) = _ecdsaValues(signature, layout.valuesStart);
            if (s > _P256_HALF_N) s = _P256_N - s;
            if (!_p256Valid(h, r, s, key)) return Status.BadSignature;
        } else if (uint256(h) >> 240 != layout.left16) {
            return Status.SignedHashMismatch;
        }
        if (!_issuerIsPrimary(layout, key)) return Status.IssuerMismatch;
        return Status.Valid;
    }

    /// @notice Checks the key-independent rules (1-3, 4 but the primary-key part, 7 but the RSA length) and
    ///         locates the fields.
    function parse(bytes calldata signature) internal pure returns (Status, Layout memory layout) {
        uint256 len = signature.length;
        if (len == 0) return (Status.Empty, layout);
        if (_u8(signature, 0) != 0xC2) return (Status.PacketTag, layout);
        if (len < 2) return (Status.PacketLength, layout);
        uint256 a = _u8(signature, 1);
        uint256 bodyLen;
        if (a < 192) {
            layout.bodyStart = 2;
            bodyLen = a;
        } else if (a < 224) {
            if (len < 3) return (Status.PacketLength, layout);
            layout.bodyStart = 3;
            bodyLen = ((a - 192) << 8) + _u8(signature, 2) + 192;
        } else if (a == 255) {
            if (len < 6) return (Status.PacketLength, layout);
            layout.bodyStart = 6;
            bodyLen = _u32(signature, 2);
            if (bodyLen < 8384) return (Status.PacketLength, layout);
        } else {
            return (Status.PacketLength, layout); // partial body length
        }
        if (layout.bodyStart + bodyLen > len) return (Status.PacketLength, layout);
        if (layout.bodyStart + bodyLen != len) return (Status.TrailingData, layout);
        if (bodyLen < 6) return (Status.PacketLength, layout);

        uint256 p = layout.bodyStart;
        // version, type, public-key algorithm, hash algorithm, hashed area length: one read.
        uint256 head = uint256(_b32(signature, p)) >> 208;
        if (head >> 40 != 4) return (Status.Version, layout);
        if ((head >> 32) & 0xff != 0) return (Status.SignatureType, layout);
        uint256 alg = (head >> 24) & 0xff;
        if (alg != RSA_ALGORITHM && alg != ECDSA_ALGORITHM && alg != ED25519_ALGORITHM) {
            return (Status.PublicKeyAlgorithm, layout);
        }
        if ((head >> 16) & 0xff != 8) return (Status.HashAlgorithm, layout);

        layout.hashedLength = 6 + (head & 0xffff);
        Status st = _subpacketAreas(signature, layout);
        if (st != Status.Valid) return (st, layout);
        return (_checkValues(signature, alg, layout.valuesStart), layout);
    }

    /// @notice SHA-256(digest || hashed part || 04 FF || uint32be(hashed part length)): the hash signed.
    function signedHash(
        bytes32 digest,
        bytes calldata signature,
        Layout memory layout
    ) internal view returns (bytes32 h) {
        uint256 start = layout.bodyStart;
        uint256 n = layout.hashedLength; // < 2^17, fits the 4-byte trailer
        bool ok;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, digest)
            calldatacopy(add(ptr, 0x20), add(signature.offset, start), n)
            mstore(add(add(ptr, 0x20), n), or(shl(248, 0x04), or(shl(240, 0xff), shl(208, n))))
            ok := staticcall(gas(), 0x02, ptr, add(n, 38), 0x00, 0x20)
            h := mload(0x00)
        }
        if (!ok) revert OpenPgpSignaturePrecompileFailed(address(0x02));
    }

    // ------------------------------------------------------------------ private checks

    /// Rule 3 (areas within the body, well formed), then the subpackets; sets the left 16 bits and where the
    /// values start.
    function _subpacketAreas(bytes calldata b, Layout memory layout) private pure returns (Status) {
        uint256 len = b.length;
        uint256 base;
        assembly ("memory-safe") {
            base := b.offset
        }
        uint256 hashedEnd = layout.bodyStart + layout.hashedLength;
        if (hashedEnd + 2 > len) return Status.Subpackets;
        if (!_wellFormed(base, layout.bodyStart + 6, hashedEnd)) return Status.Subpackets;
        uint256 unhashedEnd = hashedEnd + 2 + _u16(b, hashedEnd);
        if (unhashedEnd + 2 > len) return Status.Subpackets;
        if (!_wellFormed(base, hashedEnd + 2, unhashedEnd)) return Status.Subpackets;
        layout.left16 = _u16(b, unhashedEnd);
        layout.valuesStart = unhashedEnd + 2;
        return _readSubpackets(base, layout.bodyStart + 6, hashedEnd, unhashedEnd, layout);
    }

    /// True when whole subpackets of at least one octet fill [start, end) of the calldata at `base` exactly.
    function _wellFormed(uint256 base, uint256 start, uint256 end) private pure returns (bool ok) {
        assembly ("memory-safe") {
            ok := 1
            for {
                let i := start
            } lt(i, end) {} {
                let w := calldataload(add(base, i))
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

    /// Rules 3 (types, critical bits, sizes) and 4 (issuer present and consistent) over well-formed areas:
    /// the hashed one is [hashedStart, hashedEnd), the unhashed one [hashedEnd + 2, unhashedEnd). Writes the
    /// creation time and the issuer into `layout` (fields at 0x80 created, 0xa0 issuerKeyId, 0xc0
    /// issuerFingerprint, 0xe0 hasFingerprint).
    function _readSubpackets(
        uint256 base,
        uint256 hashedStart,
        uint256 hashedEnd,
        uint256 unhashedEnd,
        Layout memory layout
    ) private pure returns (Status) {
        uint256 st;
        // flags, bits: 0 issuer in the hashed area, 1 an issuer seen, 2 issuers differ, 3 unhashed area;
        // from bit 8 up: the number of creation time subpackets
        uint256 flags;
        assembly ("memory-safe") {
            // One subpacket: type octet at `i`, then `bodyLen` octets. `f` carries the flags (bit 3: this is
            // the unhashed area). Returns a Status (0 = fine) and the flags.
            function subpacket(cd, i, bodyLen, lay, fl) -> status, f {
                f := fl
                let unhashed := and(shr(3, f), 1)
                let t := byte(0, calldataload(add(cd, i)))
                let critical := gt(t, 0x7f)
                t := and(t, 0x7f)
                i := add(cd, add(i, 1)) // now the body
                switch t
                case 2 {
                    if unhashed {
                        status := 10 // SubpacketNotAllowed
                        leave
                    }
                    if iszero(eq(bodyLen, 4)) {
                        status := 11 // CreationTime
                        leave
                    }
                    mstore(add(lay, 0x80), shr(224, calldataload(i)))
                    f := add(f, 0x100)
                }
                case 20 {
                    if or(unhashed, critical) {
                        status := 10
                        leave
                    }
                    let nw := calldataload(add(i, 4))
                    if or(
                        lt(bodyLen, 8),
                        iszero(eq(bodyLen, add(8, add(shr(240, nw), and(shr(224, nw), 0xffff)))))
                    ) {
                        status := 9 // Subpackets
                        leave
                    }
                }
                default {
                    if iszero(or(eq(t, 16), eq(t, 33))) {
                        status := 10
                        leave
                    }
                    if and(unhashed, critical) {
                        status := 10
                        leave
                    }
                    let id
                    switch t
                    case 16 {
                        if iszero(eq(bodyLen, 8)) {
                            status := 9
                            leave
                        }
                        id := shl(192, shr(192, calldataload(i)))
                    }
                    default {
                        if or(iszero(eq(bodyLen, 21)), iszero(eq(byte(0, calldataload(i)), 4))) {
                            status := 9
                            leave
                        }
                        let fp := shl(96, shr(96, calldataload(add(i, 1))))
                        if and(mload(add(lay, 0xe0)), iszero(eq(fp, mload(add(lay, 0xc0))))) {
                            f := or(f, 4)
                        }
                        mstore(add(lay, 0xc0), fp)
                        mstore(add(lay, 0xe0), 1)
                        id := shl(192, and(shr(96, fp), 0xffffffffffffffff))
                    }
                    if and(shr(1, and(f, 2)), iszero(eq(id, mload(add(lay, 0xa0))))) {
                        f := or(f, 4)
                    }
                    mstore(add(lay, 0xa0), id)
                    f := or(f, or(2, iszero(unhashed)))
                }
            }

            // All subpackets of the area [i, end) (well formed: lengths already checked by _wellFormed).
            function walk(cd, i, end, lay, fl) -> status, f {
                f := fl
                for {} lt(i, end) {} {
                    let w := calldataload(add(cd, i))
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
                            n := add(add(shl(8, sub(a, 192)), byte(1, w)), 192)
                            i := add(i, 2)
                        }
                        default {
                            n := shr(224, shl(8, w))
                            i := add(i, 5)
                        }
                    }
                    status, f := subpacket(cd, i, sub(n, 1), lay, f)
                    if status {
                        leave
                    }
                    i := add(i, n)
                }
            }

            st, flags := walk(base, hashedStart, hashedEnd, layout, 0)
            if iszero(st) {
                st, flags := walk(base, add(hashedEnd, 2), unhashedEnd, layout, or(flags, 8))
            }
        }
        if (st != 0) return Status(st);
        if (flags >> 8 != 1) return Status.CreationTime;
        if (flags & 1 == 0) return Status.IssuerMissing;
        if (flags & 4 != 0) return Status.IssuerMismatch;
        return Status.Valid;
    }

    /// Rule 7 for `alg`: canonical MPIs (or 64 Ed25519 octets) filling the body exactly.
    function _checkValues(bytes calldata b, uint256 alg, uint256 p) private pure returns (Status) {
        uint256 end;
        if (alg == RSA_ALGORITHM) {
            bool ok;
            (ok, end) = _canonicalMpi(b, p);
            if (!ok) return Status.Mpi;
        } else if (alg == ECDSA_ALGORITHM) {
            bool ok;
            (ok, end) = _canonicalMpi(b, p);
            if (!ok || end - p > 34) return Status.Mpi;
            uint256 rEnd = end;
            (ok, end) = _canonicalMpi(b, rEnd);
            if (!ok || end - rEnd > 34) return Status.Mpi;
            (uint256 r, uint256 s) = _ecdsaValues(b, p);
            if (r >= _P256_N || s >= _P256_N) return Status.Mpi;
        } else {
            end = p + 64;
        }
        return end == b.length ? Status.Valid : Status.Mpi;
    }

    /// Whether a canonical MPI (non-zero, exact bit count) starts at `p` within the bytes; the offset after it.
    function _canonicalMpi(bytes calldata b, uint256 p) private pure returns (bool, uint256) {
        if (p + 2 > b.length) return (false, 0);
        uint256 bits = _u16(b, p);
        uint256 n = (bits + 7) >> 3;
        uint256 end = p + 2 + n;
        if (bits == 0 || end > b.length) return (false, 0);
        // The top byte holds exactly the top (bits - 8 * (n - 1)) bits, its highest one set.
        return (_u8(b, p + 2) >> (bits - ((n - 1) << 3) - 1) == 1, end);
    }

    /// Byte length and start of the MPI at `p` (checked by {parse}).
    function _mpiBytes(bytes calldata b, uint256 p) private pure returns (uint256 len, uint256 start) {
        return ((_u16(b, p) + 7) >> 3, p + 2);
    }

    /// The two ECDSA MPIs at `p` as numbers (each at most 32 bytes, checked by {parse}).
    function _ecdsaValues(bytes calldata b, uint256 p) private pure returns (uint256 r, uint256 s) {
        (uint256 rLen, uint256 rStart) = _mpiBytes(b, p);
        (uint256 sLen, uint256 sStart) = _mpiBytes(b, rStart + rLen);
        r = uint256(_b32(b, rStart)) >> ((32 - rLen) << 3);
        s = uint256(_b32(b, sStart)) >> ((32 - sLen) << 3);
    }

    /// ECDSA P-256 over `h` with 0 < r < n and 0 < s <= n / 2 (checked and normalised by the caller) under a
    /// key on the curve (checked by `OpenPgpKey`). With the precompile, one call (OpenZeppelin's `P256.verify`
    /// would call it twice for a bad signature, to tell a bad signature from a missing precompile).
    function _p256Valid(bytes32 h, uint256 r, uint256 s, Key memory key) private view returns (bool valid) {
        if (!key.p256Precompile) return P256.verifySolidity(h, bytes32(r), bytes32(s), key.x, key.y);
        bytes32 x = key.x;
        bytes32 y = key.y;
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

    function _rsaValid(
        bytes32 h,
        bytes calldata signature,
        uint256 sStart,
        uint256 sLen,
        Key memory key
    ) private view returns (bool) {
        // s, left-padded with zeros to the modulus length.
        bytes memory s = new bytes(key.n.length);
        assembly ("memory-safe") {
            calldatacopy(add(add(s, 0x20), sub(mload(s), sLen)), add(signature.offset, sStart), sLen)
        }
        return _pkcs1Sha256(h, s, key.e, key.n);
    }

    /// RSASSA-PKCS1-v1_5 verification with SHA-256 (RFC 8017 section 8.2.2), as OpenZeppelin's
    /// `RSA.pkcs1Sha256` decides it - s < n, and s^e mod n = 00 01 FF..FF 00 || DigestInfo(SHA-256) || h with
    /// the DigestInfo's NULL parameters present or absent - but with the padding compared 32 bytes at a time
    /// (OpenZeppelin checks it byte by byte: about 7,000 gas more for a 2048-bit key). OpenSSL, hence
    /// openpgp.js, accepts only the form with NULL, so this never calls bad a signature openpgp.js accepts.
    /// `s` has the modulus length; the modulus is at least 256 bytes (`OpenPgpKey` wants 2048 bits or more).
    function _pkcs1Sha256(
        bytes32 h,
        bytes memory s,
        bytes memory e,
        bytes memory n
    ) private view returns (bool) {
        uint256 k = n.length;
        if (k < 256 || s.length != k) return false;
        // s < n: compare from the most significant end, 32 bytes at a time (the last window may overlap).
        for (uint256 i = 0; i < k; i += 32) {
            uint256 p = i + 32 > k ? k - 32 : i;
            uint256 sp = uint256(_mword(s, p));
            uint256 np = uint256(_mword(n, p));
            if (sp < np) break;
            if (sp > np || p == k - 32) return false;
        }
        (bool ok, bytes memory em) = Math.tryModExp(s, e, n);
        // A failed MODEXP (out of gas, or inputs the chain refuses: EIP-7823) says nothing of the signature.
        if (!ok) revert OpenPgpSignaturePrecompileFailed(address(0x05));
        if (em.length != k) return false;
        if (uint256(_mword(em, 0)) >> 240 != 0x0001) return false;
        if (_mword(em, k - 32) != h) return false;
        // 00 || DigestInfo prefix, with NULL parameters (20 bytes) or without (18 bytes).
        uint256 paddingEnd;
        if (uint256(_mword(em, k - 50)) >> 248 == 0x31) {
            paddingEnd = k - 52;
            if (uint256(_mword(em, paddingEnd)) >> 96 != _DIGEST_INFO_NULL) return false;
        } else if (uint256(_mword(em, k - 48)) >> 248 == 0x2f) {
            paddingEnd = k - 50;
            if (uint256(_mword(em, paddingEnd)) >> 112 != _DIGEST_INFO_NO_NULL) return false;
        } else {
            return false;
        }
        // PS: bytes 2 .. paddingEnd are all FF.
        uint256 q = 2;
        for (; q + 32 <= paddingEnd; q += 32) {
            if (uint256(_mword(em, q)) != type(uint256).max) return false;
        }
        uint256 rest = paddingEnd - q; // < 32
        if (rest != 0 && uint256(_mword(em, q)) >> (256 - 8 * rest) != (1 << (8 * rest)) - 1) return false;
        return true;
    }

    /// The 32 bytes of `b` from offset `p` (within `b` for every use above).
    function _mword(bytes memory b, uint256 p) private pure returns (bytes32 w) {
        assembly ("memory-safe") {
            w := mload(add(add(b, 0x20), p))
        }
    }

    /// Rule 4's primary-key part: the issuer fingerprint (if any) or key ID is the primary key's.
    function _issuerIsPrimary(Layout memory layout, Key memory key) private pure returns (bool) {
        bytes20 fp = fingerprint(key);
        if (layout.hasFingerprint) return layout.issuerFingerprint == fp;
        return layout.issuerKeyId == bytes8(uint64(uint160(fp)));
    }

    /// @notice The version-4 fingerprint of `key`: SHA-1(0x99 || uint16be(body length) || body).
    function fingerprint(Key memory key) internal pure returns (bytes20) {
        uint256 bodyLen = key.bodyEnd - key.bodyStart;
        bytes memory pre = new bytes(3 + bodyLen);
        bytes memory kb = key.keyBytes;
        uint256 start = key.bodyStart;
        uint256 ptr;
        assembly ("memory-safe") {
            ptr := add(pre, 0x20)
            mstore8(ptr, 0x99)
            mstore8(add(ptr, 1), shr(8, bodyLen))
            mstore8(add(ptr, 2), and(bodyLen, 0xff))
            mcopy(add(ptr, 3), add(add(kb, 0x20), start), bodyLen)
        }
        return Sha1.hash(ptr, 3 + bodyLen);
    }

    // ------------------------------------------------------------------ private readers

    /// The 32 bytes of `b` from `i` (calldata past `b` reads as whatever follows; callers bound-check).
    function _b32(bytes calldata b, uint256 i) private pure returns (bytes32 r) {
        assembly ("memory-safe") {
            r := calldataload(add(b.offset, i))
        }
    }

    function _u8(bytes calldata b, uint256 i) private pure returns (uint256) {
        return uint256(_b32(b, i)) >> 248;
    }

    function _u16(bytes calldata b, uint256 i) private pure returns (uint256) {
        return uint256(_b32(b, i)) >> 240;
    }

    function _u32(bytes calldata b, uint256 i) private pure returns (uint256) {
        return uint256(_b32(b, i)) >> 224;
    }
}
