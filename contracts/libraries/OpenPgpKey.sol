// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";
import {OpenPgpSignature} from "./OpenPgpSignature.sol";
import {IOpenPgpKeyErrors} from "../interfaces/IOpenPgpKeyErrors.sol";

/// @title OpenPgpKey
/// @notice Checks a binary OpenPGP transferable public key against the wave-2 key profile
///         (docs/client-profile.md section 1) and finds its signing keys: the primary key and every signing
///         subkey. The profile admits v4 keys whose signatures the chain verifies: RSA with a modulus of 2048
///         to 4096 bits and e = 65537, ECDSA on NIST P-256, EdDSA legacy (22) on Ed25519 and Ed25519 (27).
///         The same profile, rule for rule and in the same order, is `checkKeyProfile` in `src/keys/profile.ts`.
/// @dev Order of the checks (the first broken one names the error):
///      1. the first packet's header (new format `C0 | tag`, or old format `80 | tag << 2 | lengthType` with
///         lengthType 0, 1, 2; lengthType 3 {OpenPgpKeyIndeterminateLength}; bit 7 clear
///         {OpenPgpKeyNotAPacket}; new-format partial lengths refused, five-octet lengths only for >= 8384;
///         the body within the key; not a secret packet), tag 6, then the primary key's fields;
///      2. every later packet's header, in key order: no second tag 6, only tags 2, 13, 14, 17;
///      3. the subkeys, in key order: a subkey followed (among the signature packets directly after it) by a
///         v4 signature of type 0x18 whose hashed area (well framed) holds a key-flags subpacket (27) with bit
///         0x02 in its first octet is a signing subkey; its fields are checked as the primary's, then (with
///         `verifyBindings`) each such sign-flagged binding, in order, must verify under the primary key and
///         carry a back signature (embedded signature subpacket 32, either area) that verifies under the
///         subkey, else {OpenPgpKeyBadSubkeyBinding} at the binding's offset. Other subkeys are not read.
///      An MPI of a key is a 2-byte bit count and the bytes, minimal (first byte non-zero, bit count exact).
library OpenPgpKey {
    uint8 internal constant RSA = 1;
    uint8 internal constant ECDSA = 19;
    uint8 internal constant EDDSA_LEGACY = 22;
    uint8 internal constant ED25519 = 27;

    /// @notice Smallest RSA modulus accepted, in bits.
    uint256 internal constant MIN_RSA_BITS = 2048;
    /// @notice Largest RSA modulus accepted, in bits: MODEXP then costs at most 131,072 gas (EIP-7883, e = 65537) and
    ///         stays far below the EIP-7823 input bound of 8192 bits.
    uint256 internal constant MAX_RSA_BITS = 4096;
    /// @notice The only RSA public exponent accepted (a larger one makes MODEXP cost grow with its length).
    uint256 internal constant RSA_EXPONENT = 65537;

    uint8 private constant _PUBLIC_KEY = 6;
    uint8 private constant _PUBLIC_SUBKEY = 14;
    uint8 private constant _SIGNATURE = 2;
    uint8 private constant _VERSION = 4;
    /// OID of NIST P-256 (1.2.840.10045.3.1.7), as the 8 bytes that follow the OID length octet.
    bytes8 private constant _OID_P256 = 0x2A8648CE3D030107;
    /// OID of Ed25519 for EdDSA legacy (1.3.6.1.4.1.11591.15.1), the 9 bytes after the OID length octet.
    bytes9 private constant _OID_ED25519 = 0x2B06010401DA470F01;
    /// Tags allowed after the primary key, as a bit set: signature 2, user ID 13, public subkey 14, user
    /// attribute 17.
    uint256 private constant _ALLOWED_TAGS = (1 << 2) | (1 << 13) | (1 << 14) | (1 << 17);

    /// @notice Where the parts of the primary key packet are.
    /// @param algorithm OpenPGP public-key algorithm (1, 19, 22 or 27).
    /// @param creationTime the key's creation time (seconds since 1970).
    /// @param fieldsStart offset in the key bytes of the first algorithm-specific field.
    /// @param packetEnd offset just past the primary key packet (start of the next packet, if any).
    struct PrimaryKey {
        uint8 algorithm;
        uint32 creationTime;
        uint256 fieldsStart;
        uint256 packetEnd;
    }

    /// @notice Checks all of `key` against the profile and returns its signing keys: the primary key first,
    ///         then the signing subkeys in key order. With `verifyBindings`, every sign-flagged binding
    ///         signature is verified (registration); without, a signing subkey is one with a sign-flagged
    ///         binding, verified or not (the proof: registration verified it). Reverts if not allowed.
    function signers(
        bytes memory key,
        bool verifyBindings,
        OpenPgpSignature.Env memory env
    ) internal view returns (OpenPgpSignature.Signer[] memory out) {
        unchecked {
            (uint256 tag, uint256 bodyStart, uint256 end) = _header(key, 0);
            if (tag != _PUBLIC_KEY) revert IOpenPgpKeyErrors.OpenPgpKeyNotPublicKeyPacket(uint8(tag));
            OpenPgpSignature.Signer memory primary = _fields(key, bodyStart, end, env);
            // Every later packet's header and tag; count the signing subkeys.
            uint256 len = key.length;
            uint256 subkeys;
            (bodyStart, subkeys) = _packets(key, end);
            out = new OpenPgpSignature.Signer[](1 + subkeys);
            out[0] = primary;
            uint256 count = 1;
            uint256 p = bodyStart; // the first signing subkey
            while (subkeys != 0 && p < len) {
                (tag, bodyStart, end) = _header(key, p);
                if (tag != _PUBLIC_SUBKEY) {
                    p = end;
                    continue;
                }
                bool signing;
                (signing, out[count], p) = _subkey(
                    key,
                    primary,
                    (bodyStart << 128) | end,
                    verifyBindings,
                    env
                );
                if (signing) {
                    ++count;
                    --subkeys;
                }
            }
            assembly ("memory-safe") {
                mstore(out, count)
            }
        }
    }

    /// The packets from `p` on: each header well formed, no second primary key, only allowed tags. Returns the
    /// offset of the first signing subkey (a subkey with a sign-flagged binding among the signature packets
    /// directly after it) and the number of signing subkeys.
    function _packets(bytes memory key, uint256 p) private pure returns (uint256 first, uint256 signing) {
        unchecked {
            uint256 len = key.length;
            uint256 subkey; // offset of the current subkey + 1 while its signatures are read, 0 otherwise
            while (p < len) {
                (uint256 tag, uint256 bodyStart, uint256 end) = _header(key, p);
                if (tag == _PUBLIC_KEY) revert IOpenPgpKeyErrors.OpenPgpKeyMultipleKeys(p);
                if ((_ALLOWED_TAGS >> tag) & 1 == 0)
                    revert IOpenPgpKeyErrors.OpenPgpKeyPacketNotAllowed(p, uint8(tag));
                if (tag == _PUBLIC_SUBKEY) {
                    subkey = p + 1;
                } else if (tag != _SIGNATURE) {
                    subkey = 0;
                } else if (subkey != 0 && _signFlagged(key, bodyStart, end)) {
                    if (signing++ == 0) first = subkey - 1;
                    subkey = 0; // counted once
                }
                p = end;
            }
        }
    }

    /// The subkey packet whose body is `key[bounds >> 128 : uint128(bounds))`: whether it is a signing subkey
    /// (a sign-flagged binding
    /// among the signature packets directly after it), its fields if so (checked, and its bindings verified
    /// with `verifyBindings`), and where the packets after its signatures start.
    function _subkey(
        bytes memory key,
        OpenPgpSignature.Signer memory primary,
        uint256 bounds,
        bool verifyBindings,
        OpenPgpSignature.Env memory env
    ) private view returns (bool signing, OpenPgpSignature.Signer memory sub, uint256 next) {
        uint256 len = key.length;
        uint256 bodyStart = bounds >> 128;
        uint256 end = bounds & type(uint128).max;
        next = end;
        while (next < len) {
            (uint256 t, uint256 sb, uint256 se) = _header(key, next);
            if (t != _SIGNATURE) break;
            if (!signing && _signFlagged(key, sb, se)) signing = true;
            next = se;
        }
        if (signing) {
            sub = _fields(key, bodyStart, end, env);
            if (verifyBindings) _verifyBindings(key, primary, sub, end, next, env);
        }
    }

    /// @notice Checks all of `key` (bindings not verified) and locates its primary key; reverts if not allowed.
    function primaryKey(
        bytes memory key,
        OpenPgpSignature.Env memory env
    ) internal view returns (PrimaryKey memory pk) {
        OpenPgpSignature.Signer memory s = signers(key, false, env)[0];
        pk = PrimaryKey(s.algorithm, s.created, s.fieldsStart, s.bodyEnd);
    }

    /// @notice The RSA modulus `n` and public exponent `e` (big-endian, minimal) of an RSA primary key.
    ///         Reverts unless `key` is an allowed RSA key.
    function rsaKey(
        bytes memory key,
        OpenPgpSignature.Env memory env
    ) internal view returns (bytes memory n, bytes memory e) {
        PrimaryKey memory pk = primaryKey(key, env);
        if (pk.algorithm != RSA) revert IOpenPgpKeyErrors.OpenPgpKeyWrongAlgorithm(RSA, pk.algorithm);
        uint256 p = pk.fieldsStart;
        uint256 nLen = (_u16(key, p) + 7) >> 3;
        n = _slice(key, p + 2, nLen);
        p += 2 + nLen;
        e = _slice(key, p + 2, (_u16(key, p) + 7) >> 3);
    }

    /// @notice The affine coordinates of a NIST P-256 primary key. Reverts unless `key` is an allowed ECDSA key.
    function p256Key(
        bytes memory key,
        OpenPgpSignature.Env memory env
    ) internal view returns (bytes32 x, bytes32 y) {
        PrimaryKey memory pk = primaryKey(key, env);
        if (pk.algorithm != ECDSA) revert IOpenPgpKeyErrors.OpenPgpKeyWrongAlgorithm(ECDSA, pk.algorithm);
        uint256 p = pk.fieldsStart + 9 + 3; // OID length + OID, then MPI bit count and the 04 prefix
        x = _b32(key, p);
        y = _b32(key, p + 32);
    }

    /// @notice The 32-byte Ed25519 public key A of an Ed25519 (27) or EdDSA legacy (22) primary key.
    function ed25519Key(bytes memory key, OpenPgpSignature.Env memory env) internal view returns (bytes32 a) {
        PrimaryKey memory pk = primaryKey(key, env);
        if (pk.algorithm == ED25519) return _b32(key, pk.fieldsStart);
        if (pk.algorithm == EDDSA_LEGACY) return _b32(key, pk.fieldsStart + 13);
        revert IOpenPgpKeyErrors.OpenPgpKeyWrongAlgorithm(ED25519, pk.algorithm);
    }

    /// Reads the packet header at `p`: checks the tag octet's form, the length encoding and that the body ends
    /// within the key; returns the tag, where the body starts and where the packet ends.
    function _header(
        bytes memory key,
        uint256 p
    ) private pure returns (uint256 tag, uint256 bodyStart, uint256 end) {
        unchecked {
            uint256 len = key.length;
            if (p + 2 > len) revert IOpenPgpKeyErrors.OpenPgpKeyTruncated();
            uint256 w = _b(key, p);
            uint256 t = w >> 248;
            if (t & 0x80 == 0) revert IOpenPgpKeyErrors.OpenPgpKeyNotAPacket(p, uint8(t));
            uint256 a = (w >> 240) & 0xff;
            uint256 bodyLen;
            if (t & 0x40 != 0) {
                tag = t & 0x3f;
                if (a < 192) {
                    bodyStart = p + 2;
                    bodyLen = a;
                } else if (a < 224) {
                    if (p + 3 > len) revert IOpenPgpKeyErrors.OpenPgpKeyTruncated();
                    bodyStart = p + 3;
                    bodyLen = ((a - 192) << 8) + ((w >> 232) & 0xff) + 192;
                } else if (a == 255) {
                    if (p + 6 > len) revert IOpenPgpKeyErrors.OpenPgpKeyTruncated();
                    bodyStart = p + 6;
                    bodyLen = (w >> 208) & 0xffffffff;
                    if (bodyLen < 8384) revert IOpenPgpKeyErrors.OpenPgpKeyNonMinimalLength(p, bodyLen);
                } else {
                    revert IOpenPgpKeyErrors.OpenPgpKeyPartialLength(uint8(a));
                }
            } else {
                tag = (t >> 2) & 0x0f;
                uint256 lengthType = t & 3;
                if (lengthType == 0) {
                    bodyStart = p + 2;
                    bodyLen = a;
                } else if (lengthType == 1) {
                    if (p + 3 > len) revert IOpenPgpKeyErrors.OpenPgpKeyTruncated();
                    bodyStart = p + 3;
                    bodyLen = (w >> 232) & 0xffff;
                } else if (lengthType == 2) {
                    if (p + 5 > len) revert IOpenPgpKeyErrors.OpenPgpKeyTruncated();
                    bodyStart = p + 5;
                    bodyLen = (w >> 216) & 0xffffffff;
                } else {
                    revert IOpenPgpKeyErrors.OpenPgpKeyIndeterminateLength(p);
                }
            }
            end = bodyStart + bodyLen;
            if (end > len) revert IOpenPgpKeyErrors.OpenPgpKeyTruncated();
            if (tag == 5 || tag == 7) revert IOpenPgpKeyErrors.OpenPgpKeySecretKeyPacket(p, uint8(tag));
        }
    }

    /// The key packet body `key[bodyStart:end)` (primary key or signing subkey), fully checked. Reads with
    /// `mload` at offsets checked against the packet end first (bytes read past them are masked or ignored);
    /// offsets stay below 2^33, so the arithmetic is unchecked.
    function _fields(
        bytes memory key,
        uint256 bodyStart,
        uint256 end,
        OpenPgpSignature.Env memory env
    ) private view returns (OpenPgpSignature.Signer memory s) {
        unchecked {
            if (end - bodyStart < 6) revert IOpenPgpKeyErrors.OpenPgpKeyTruncated();
            // body: version (1), creation time (4), algorithm (1), fields
            uint256 w = _b(key, bodyStart);
            if (w >> 248 != _VERSION) revert IOpenPgpKeyErrors.OpenPgpKeyUnsupportedVersion(uint8(w >> 248));
            uint256 alg = (w >> 208) & 0xff;
            uint256 f = bodyStart + 6;
            s = OpenPgpSignature.Signer(uint8(alg), uint32(w >> 216), bodyStart, end, f);

            uint256 fieldsEnd;
            if (alg == ECDSA) {
                // 08 <8-byte OID> 0203 04 <x> <y>
                uint256 p = _oid(key, f, end, 8, bytes32(_OID_P256), ECDSA);
                fieldsEnd = p + 67;
                if (fieldsEnd > end) revert IOpenPgpKeyErrors.OpenPgpKeyTruncated();
                w = _b(key, p);
                if (w >> 240 != 515) revert IOpenPgpKeyErrors.OpenPgpKeyMalformedMpi(p);
                if ((w >> 232) & 0xff != 0x04) revert IOpenPgpKeyErrors.OpenPgpKeyInvalidPoint();
                if (!P256.isValidPublicKey(_b32(key, p + 3), _b32(key, p + 35)))
                    revert IOpenPgpKeyErrors.OpenPgpKeyInvalidPoint();
            } else if (alg == RSA) {
                (uint256 nEnd, uint256 nBits) = _mpi(key, f, end);
                if (nBits < MIN_RSA_BITS) revert IOpenPgpKeyErrors.OpenPgpKeyRsaModulusTooSmall(nBits);
                if (nBits > MAX_RSA_BITS) revert IOpenPgpKeyErrors.OpenPgpKeyRsaModulusTooLarge(nBits);
                (fieldsEnd, ) = _mpi(key, nEnd, end);
                // e = 65537: bit count 17, bytes 01 00 01.
                if (_b(key, nEnd) >> 216 != (17 << 24) | RSA_EXPONENT) {
                    revert IOpenPgpKeyErrors.OpenPgpKeyRsaExponentNotAllowed(
                        _slice(key, nEnd + 2, fieldsEnd - nEnd - 2)
                    );
                }
            } else if (alg == EDDSA_LEGACY) {
                // 09 <9-byte OID> 0107 40 <A>
                uint256 p = _oid(key, f, end, 9, bytes32(_OID_ED25519), EDDSA_LEGACY);
                fieldsEnd = p + 35;
                if (fieldsEnd > end) revert IOpenPgpKeyErrors.OpenPgpKeyTruncated();
                w = _b(key, p);
                if (w >> 240 != 263) revert IOpenPgpKeyErrors.OpenPgpKeyMalformedMpi(p);
                if ((w >> 232) & 0xff != 0x40) revert IOpenPgpKeyErrors.OpenPgpKeyInvalidPoint();
                _canonical(_b32(key, p + 3), env);
            } else if (alg == ED25519) {
                fieldsEnd = f + 32;
                if (fieldsEnd > end) revert IOpenPgpKeyErrors.OpenPgpKeyTruncated();
                _canonical(_b32(key, f), env);
            } else {
                revert IOpenPgpKeyErrors.OpenPgpKeyUnsupportedAlgorithm(uint8(alg));
            }
            if (fieldsEnd != end) revert IOpenPgpKeyErrors.OpenPgpKeyPacketLengthMismatch(end, fieldsEnd);
        }
    }

    /// Reverts with {OpenPgpKeyInvalidPoint} unless `a` is a canonical Ed25519 point encoding.
    function _canonical(bytes32 a, OpenPgpSignature.Env memory env) private view {
        bool ok;
        try env.ed25519.isCanonicalPoint(a) returns (bool c) {
            ok = c;
        } catch {
            revert OpenPgpSignature.OpenPgpSignaturePrecompileFailed(address(env.ed25519));
        }
        if (!ok) revert IOpenPgpKeyErrors.OpenPgpKeyInvalidPoint();
    }

    /// Whether the signature packet body `key[start:end)` is a v4 subkey binding (0x18) whose hashed area,
    /// well framed, holds a key-flags subpacket (27) with the sign bit (0x02) in its first octet.
    function _signFlagged(bytes memory key, uint256 start, uint256 end) private pure returns (bool) {
        unchecked {
            if (end < start + 6) return false;
            uint256 w = _b(key, start);
            if (w >> 248 != 4 || (w >> 240) & 0xff != 0x18) return false;
            uint256 hashedEnd = start + 6 + ((w >> 208) & 0xffff);
            if (hashedEnd > end) return false;
            return OpenPgpSignature.signFlag(key, start + 6, hashedEnd);
        }
    }

    /// Each sign-flagged binding signature among the packets `key[from:to)` (all signature packets) verifies
    /// under `primary` with a back signature by `sub`; else reverts {OpenPgpKeyBadSubkeyBinding}.
    function _verifyBindings(
        bytes memory key,
        OpenPgpSignature.Signer memory primary,
        OpenPgpSignature.Signer memory sub,
        uint256 from,
        uint256 to,
        OpenPgpSignature.Env memory env
    ) private view {
        bytes memory prefix = bytes.concat(
            OpenPgpSignature.keyPrefix(key, primary),
            OpenPgpSignature.keyPrefix(key, sub)
        );
        uint256 q = from;
        while (q < to) {
            (, uint256 sb, uint256 se) = _header(key, q);
            if (_signFlagged(key, sb, se) && !_bindingValid(key, prefix, primary, sub, sb, se, env)) {
                revert IOpenPgpKeyErrors.OpenPgpKeyBadSubkeyBinding(q);
            }
            q = se;
        }
    }

    /// The binding signature body `key[start:end)` verifies under `primary` and carries a valid back signature.
    function _bindingValid(
        bytes memory key,
        bytes memory prefix,
        OpenPgpSignature.Signer memory primary,
        OpenPgpSignature.Signer memory sub,
        uint256 start,
        uint256 end,
        OpenPgpSignature.Env memory env
    ) private view returns (bool) {
        (OpenPgpSignature.Status st, OpenPgpSignature.Layout memory sl) = OpenPgpSignature.parseBody(
            key,
            start,
            end,
            false
        );
        if (st != OpenPgpSignature.Status.Valid || sl.alg != primary.algorithm) return false;
        if (!_verifies(key, prefix, primary, sl, env)) return false;
        return _hasBackSignature(key, prefix, sub, sl, env);
    }

    /// A valid back signature by `sub` in an embedded signature subpacket (32) of the binding `sl`, hashed area
    /// first, then unhashed.
    function _hasBackSignature(
        bytes memory key,
        bytes memory prefix,
        OpenPgpSignature.Signer memory sub,
        OpenPgpSignature.Layout memory sl,
        OpenPgpSignature.Env memory env
    ) private view returns (bool) {
        uint256 hashedEnd = sl.bodyStart + sl.hashedLength;
        uint256 unhashedEnd = sl.valuesStart - 2;
        uint256 i = sl.bodyStart + 6;
        while (i < unhashedEnd) {
            if (i == hashedEnd) {
                i += 2;
                continue;
            }
            (uint256 at, uint256 next, ) = OpenPgpSignature.subpacketAt(
                key,
                i,
                i < hashedEnd ? hashedEnd : unhashedEnd
            );
            if ((_b(key, at) >> 248) & 0x7f == 32 && _backSignature(key, prefix, sub, at + 1, next, env))
                return true;
            i = next;
        }
        return false;
    }

    /// The embedded signature body `key[start:end)` is a valid v4 primary key binding (0x19) by `sub`.
    function _backSignature(
        bytes memory key,
        bytes memory prefix,
        OpenPgpSignature.Signer memory sub,
        uint256 start,
        uint256 end,
        OpenPgpSignature.Env memory env
    ) private view returns (bool) {
        (OpenPgpSignature.Status st, OpenPgpSignature.Layout memory sl) = OpenPgpSignature.parseBody(
            key,
            start,
            end,
            false
        );
        if (st != OpenPgpSignature.Status.Valid || sl.sigType != 0x19 || sl.alg != sub.algorithm)
            return false;
        return _verifies(key, prefix, sub, sl, env);
    }

    function _verifies(
        bytes memory key,
        bytes memory prefix,
        OpenPgpSignature.Signer memory signer,
        OpenPgpSignature.Layout memory sl,
        OpenPgpSignature.Env memory env
    ) private view returns (bool) {
        (bytes32 hi, bytes32 lo) = OpenPgpSignature.signedHash(prefix, key, sl, env);
        return OpenPgpSignature.verifyHash(key, signer, hi, lo, key, sl, env);
    }

    // ------------------------------------------------------------------ private readers

    /// Checks the OID at `p` (length octet `oidLen` then the OID `want`, left-aligned); returns the offset after.
    function _oid(
        bytes memory key,
        uint256 p,
        uint256 end,
        uint256 oidLen,
        bytes32 want,
        uint8 alg
    ) private pure returns (uint256) {
        unchecked {
            if (p + 1 > end) revert IOpenPgpKeyErrors.OpenPgpKeyTruncated();
            uint256 found = _u8(key, p);
            if (p + 1 + found > end) revert IOpenPgpKeyErrors.OpenPgpKeyTruncated();
            if (found != oidLen || _b32(key, p + 1) & _mask(found) != want) {
                revert IOpenPgpKeyErrors.OpenPgpKeyUnsupportedCurve(alg, _slice(key, p + 1, found));
            }
            return p + 1 + found;
        }
    }

    /// Reads a minimal MPI at `p` that must end by `end`; returns the offset after it and its bit count.
    function _mpi(
        bytes memory key,
        uint256 p,
        uint256 end
    ) private pure returns (uint256 next, uint256 bits) {
        unchecked {
            if (p + 2 > end) revert IOpenPgpKeyErrors.OpenPgpKeyTruncated();
            bits = _u16(key, p);
            if (bits == 0) revert IOpenPgpKeyErrors.OpenPgpKeyMalformedMpi(p);
            uint256 n = (bits + 7) >> 3;
            next = p + 2 + n;
            if (next > end) revert IOpenPgpKeyErrors.OpenPgpKeyTruncated();
            // The top byte must hold exactly the top (bits - 8 * (n - 1)) bits, its highest one set.
            uint256 top = _u8(key, p + 2);
            uint256 topBits = bits - ((n - 1) << 3);
            if (top >> (topBits - 1) != 1) revert IOpenPgpKeyErrors.OpenPgpKeyMalformedMpi(p);
        }
    }

    /// The top `len` bytes set (len <= 32).
    function _mask(uint256 len) private pure returns (bytes32) {
        return bytes32(type(uint256).max << ((32 - len) << 3));
    }

    /// Copies `len` bytes of `b` from `start` (bounds checked by the callers).
    function _slice(bytes memory b, uint256 start, uint256 len) private pure returns (bytes memory out) {
        out = new bytes(len);
        assembly ("memory-safe") {
            mcopy(add(out, 0x20), add(add(b, 0x20), start), len)
        }
    }

    /// The 32 bytes of `b` from `i`; bytes past the end of `b` read as whatever memory holds (callers
    /// bound-check what they use or mask it).
    function _b32(bytes memory b, uint256 i) private pure returns (bytes32 r) {
        assembly ("memory-safe") {
            r := mload(add(add(b, 0x20), i))
        }
    }

    function _b(bytes memory b, uint256 i) private pure returns (uint256 r) {
        assembly ("memory-safe") {
            r := mload(add(add(b, 0x20), i))
        }
    }

    function _u8(bytes memory b, uint256 i) private pure returns (uint256) {
        return _b(b, i) >> 248;
    }

    function _u16(bytes memory b, uint256 i) private pure returns (uint256) {
        return _b(b, i) >> 240;
    }
}
