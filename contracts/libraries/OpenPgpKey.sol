// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";
import {OpenPgpSignature} from "./OpenPgpSignature.sol";

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

    /// @notice The bytes end before a packet or one of a key's fields does (or there are none).
    error OpenPgpKeyTruncated();
    /// @notice The octet `octet` at byte `offset`, where a packet starts, has bit 7 clear: not a packet.
    error OpenPgpKeyNotAPacket(uint256 offset, uint8 octet);
    /// @notice The old-format packet at byte `offset` has an indeterminate length (length type 3).
    error OpenPgpKeyIndeterminateLength(uint256 offset);
    /// @notice A new-format packet length uses a partial body length (first octet 224..254), not allowed for keys.
    error OpenPgpKeyPartialLength(uint8 lengthOctet);
    /// @notice The new-format packet at byte `offset` encodes its body length `length` in five octets where fewer do.
    error OpenPgpKeyNonMinimalLength(uint256 offset, uint256 length);
    /// @notice The packet at byte `offset` is a secret key (5) or secret subkey (7) packet: private key
    ///         material must never be published.
    error OpenPgpKeySecretKeyPacket(uint256 offset, uint8 tag);
    /// @notice The first packet has tag `tag`, not 6 (public key).
    error OpenPgpKeyNotPublicKeyPacket(uint8 tag);
    /// @notice The packet at byte `offset` is a second primary public key packet: one key per input.
    error OpenPgpKeyMultipleKeys(uint256 offset);
    /// @notice The packet at byte `offset` has tag `tag`, which a transferable public key does not hold.
    error OpenPgpKeyPacketNotAllowed(uint256 offset, uint8 tag);
    /// @notice The key packet version (primary key or signing subkey) is not 4.
    error OpenPgpKeyUnsupportedVersion(uint8 version);
    /// @notice The algorithm of the primary key or of a signing subkey is not 1, 19, 22 or 27.
    error OpenPgpKeyUnsupportedAlgorithm(uint8 algorithm);
    /// @notice The curve OID is not the one of the algorithm (P-256 for 19, Ed25519 for 22); `oid` is the OID found.
    error OpenPgpKeyUnsupportedCurve(uint8 algorithm, bytes oid);
    /// @notice The RSA modulus has `bits` bits, fewer than 2048.
    error OpenPgpKeyRsaModulusTooSmall(uint256 bits);
    /// @notice The RSA modulus has `bits` bits, more than 4096.
    error OpenPgpKeyRsaModulusTooLarge(uint256 bits);
    /// @notice The RSA public exponent is `exponent` (big-endian), not 65537.
    error OpenPgpKeyRsaExponentNotAllowed(bytes exponent);
    /// @notice The MPI starting at byte `offset` of the key is not minimal or has the wrong size.
    error OpenPgpKeyMalformedMpi(uint256 offset);
    /// @notice The P-256 point is not on the curve (or not uncompressed), or the Ed25519 point encoding is not
    ///         canonical (or the legacy MPI's prefix is not 40).
    error OpenPgpKeyInvalidPoint();
    /// @notice The algorithm fields end at `fieldsEnd` but the packet body ends at `packetEnd`.
    error OpenPgpKeyPacketLengthMismatch(uint256 packetEnd, uint256 fieldsEnd);
    /// @notice The key is a valid key of algorithm `actual`, but the caller asked for `expected`.
    error OpenPgpKeyWrongAlgorithm(uint8 expected, uint8 actual);
    /// @notice The sign-flagged subkey binding signature at byte `offset` does not verify (binding or back
    ///         signature), or is not a readable v4 binding of the primary key's algorithm.
    error OpenPgpKeyBadSubkeyBinding(uint256 offset);

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
            if (tag != _PUBLIC_KEY) revert OpenPgpKeyNotPublicKeyPacket(uint8(tag));
            OpenPgpSignature.Signer memory primary = _fields(key, bodyStart, end, env);
            // Every later packet's header and tag; count the subkeys.
            uint256 len = key.length;
            uint256 subkeys;
            uint256 p = end;
            while (p < len) {
                (tag, , end) = _header(key, p);
                if (tag == _PUBLIC_KEY) revert OpenPgpKeyMultipleKeys(p);
                if ((_ALLOWED_TAGS >> tag) & 1 == 0) revert OpenPgpKeyPacketNotAllowed(p, uint8(tag));
                if (tag == _PUBLIC_SUBKEY) ++subkeys;
                p = end;
            }
            out = new OpenPgpSignature.Signer[](1 + subkeys);
            out[0] = primary;
            uint256 count = 1;
            p = primary.bodyEnd;
            while (subkeys != 0 && p < len) {
                (tag, , end) = _header(key, p);
                if (tag != _PUBLIC_SUBKEY) {
                    p = end;
                    continue;
                }
                --subkeys;
                bool signing;
                (signing, out[count], p) = _subkey(key, primary, p, verifyBindings, env);
                if (signing) ++count;
            }
            assembly ("memory-safe") {
                mstore(out, count)
            }
        }
    }

    /// The subkey packet at `p`: whether it is a signing subkey (a sign-flagged binding
    /// among the signature packets directly after it), its fields if so (checked, and its bindings verified
    /// with `verifyBindings`), and where the packets after its signatures start.
    function _subkey(
        bytes memory key,
        OpenPgpSignature.Signer memory primary,
        uint256 p,
        bool verifyBindings,
        OpenPgpSignature.Env memory env
    ) private view returns (bool signing, OpenPgpSignature.Signer memory sub, uint256 next) {
        uint256 len = key.length;
        (, uint256 bodyStart, uint256 end) = _header(key, p);
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
        if (pk.algorithm != RSA) revert OpenPgpKeyWrongAlgorithm(RSA, pk.algorithm);
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
        if (pk.algorithm != ECDSA) revert OpenPgpKeyWrongAlgorithm(ECDSA, pk.algorithm);
        uint256 p = pk.fieldsStart + 9 + 3; // OID length + OID, then MPI bit count and the 04 prefix
        x = _b32(key, p);
        y = _b32(key, p + 32);
    }

    /// @notice The 32-byte Ed25519 public key A of an Ed25519 (27) or EdDSA legacy (22) primary key.
    function ed25519Key(bytes memory key, OpenPgpSignature.Env memory env) internal view returns (bytes32 a) {
        PrimaryKey memory pk = primaryKey(key, env);
        if (pk.algorithm == ED25519) return _b32(key, pk.fieldsStart);
        if (pk.algorithm == EDDSA_LEGACY) return _b32(key, pk.fieldsStart + 13);
        revert OpenPgpKeyWrongAlgorithm(ED25519, pk.algorithm);
    }

    /// Reads the packet header at `p`: checks the tag octet's form, the length encoding and that the body ends
    /// within the key; returns the tag, where the body starts and where the packet ends.
    function _header(
        bytes memory key,
        uint256 p
    ) private pure returns (uint256 tag, uint256 bodyStart, uint256 end) {
        unchecked {
            uint256 len = key.length;
            if (p + 2 > len) revert OpenPgpKeyTruncated();
            uint256 w = _b(key, p);
            uint256 t = w >> 248;
            if (t & 0x80 == 0) revert OpenPgpKeyNotAPacket(p, uint8(t));
            uint256 a = (w >> 240) & 0xff;
            uint256 bodyLen;
            if (t & 0x40 != 0) {
                tag = t & 0x3f;
                if (a < 192) {
                    bodyStart = p + 2;
                    bodyLen = a;
                } else if (a < 224) {
                    if (p + 3 > len) revert OpenPgpKeyTruncated();
                    bodyStart = p + 3;
                    bodyLen = ((a - 192) << 8) + ((w >> 232) & 0xff) + 192;
                } else if (a == 255) {
                    if (p + 6 > len) revert OpenPgpKeyTruncated();
                    bodyStart = p + 6;
                    bodyLen = (w >> 208) & 0xffffffff;
                    if (bodyLen < 8384) revert OpenPgpKeyNonMinimalLength(p, bodyLen);
                } else {
                    revert OpenPgpKeyPartialLength(uint8(a));
                }
            } else {
                tag = (t >> 2) & 0x0f;
                uint256 lengthType = t & 3;
                if (lengthType == 0) {
                    bodyStart = p + 2;
                    bodyLen = a;
                } else if (lengthType == 1) {
                    if (p + 3 > len) revert OpenPgpKeyTruncated();
                    bodyStart = p + 3;
                    bodyLen = (w >> 232) & 0xffff;
                } else if (lengthType == 2) {
                    if (p + 5 > len) revert OpenPgpKeyTruncated();
                    bodyStart = p + 5;
                    bodyLen = (w >> 216) & 0xffffffff;
                } else {
                    revert OpenPgpKeyIndeterminateLength(p);
                }
            }
            end = bodyStart + bodyLen;
            if (end > len) revert OpenPgpKeyTruncated();
            if (tag == 5 || tag == 7) revert OpenPgpKeySecretKeyPacket(p, uint8(tag));
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
            if (end - bodyStart < 6) revert OpenPgpKeyTruncated();
            // body: version (1), creation time (4), algorithm (1), fields
            uint256 w = _b(key, bodyStart);
            if (w >> 248 != _VERSION) revert OpenPgpKeyUnsupportedVersion(uint8(w >> 248));
            uint256 alg = (w >> 208) & 0xff;
            uint256 f = bodyStart + 6;
            s = OpenPgpSignature.Signer(uint8(alg), uint32(w >> 216), bodyStart, end, f);

            uint256 fieldsEnd;
            if (alg == ECDSA) {
                // 08 <8-byte OID> 0203 04 <x> <y>
                uint256 p = _oid(key, f, end, 8, bytes32(_OID_P256), ECDSA);
                fieldsEnd = p + 67;
                if (fieldsEnd > end) revert OpenPgpKeyTruncated();
                w = _b(key, p);
                if (w >> 240 != 515) revert OpenPgpKeyMalformedMpi(p);
                if ((w >> 232) & 0xff != 0x04) revert OpenPgpKeyInvalidPoint();
                if (!P256.isValidPublicKey(_b32(key, p + 3), _b32(key, p + 35))) revert OpenPgpKeyInvalidPoint();
            } else if (alg == RSA) {
                (uint256 nEnd, uint256 nBits) = _mpi(key, f, end);
                if (nBits < MIN_RSA_BITS) revert OpenPgpKeyRsaModulusTooSmall(nBits);
                if (nBits > MAX_RSA_BITS) revert OpenPgpKeyRsaModulusTooLarge(nBits);
                (fieldsEnd, ) = _mpi(key, nEnd, end);
                // e = 65537: bit count 17, bytes 01 00 01.
                if (_b(key, nEnd) >> 216 != (17 << 24) | RSA_EXPONENT) {
                    revert OpenPgpKeyRsaExponentNotAllowed(_slice(key, nEnd + 2, fieldsEnd - nEnd - 2));
                }
            } else if (alg == EDDSA_LEGACY) {
                // 09 <9-byte OID> 0107 40 <A>
                uint256 p = _oid(key, f, end, 9, bytes32(_OID_ED25519), EDDSA_LEGACY);
                fieldsEnd = p + 35;
                if (fieldsEnd > end) revert OpenPgpKeyTruncated();
                w = _b(key, p);
                if (w >> 240 != 263) revert OpenPgpKeyMalformedMpi(p);
                if ((w >> 232) & 0xff != 0x40) revert OpenPgpKeyInvalidPoint();
                _canonical(_b32(key, p + 3), env);
            } else if (alg == ED25519) {
                fieldsEnd = f + 32;
                if (fieldsEnd > end) revert OpenPgpKeyTruncated();
                _canonical(_b32(key, f), env);
            } else {
                revert OpenPgpKeyUnsupportedAlgorithm(uint8(alg));
            }
            if (fieldsEnd != end) revert OpenPgpKeyPacketLengthMismatch(end, fieldsEnd);
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
        if (!ok) revert OpenPgpKeyInvalidPoint();
    }

    /// Whether the signature packet body `key[start:end)` is a v4 subkey binding (0x18) whose hashed area,
    /// well framed, holds a key-flags subpacket (27) with the sign bit (0x02) in its first octet.
    function _signFlagged(bytes memory key, uint256 start, uint256 end) private pure returns (bool) {
        unchecked {
            if (end < start + 6) return false;
            uint256 w = _b(key, start);
            if (w >> 248 != 4 || (w >> 240) & 0xff != 0x18) return false;
            uint256 hashedEnd = start + 6 + ((w >> 208) & 0xffff);
            if (hashedEnd > end || !OpenPgpSignature.framed(key, start + 6, hashedEnd)) return false;
            uint256 i = start + 6;
            while (i < hashedEnd) {
                (uint256 at, uint256 next, ) = OpenPgpSignature.subpacketAt(key, i, hashedEnd);
                uint256 sw = _b(key, at);
                if ((sw >> 248) & 0x7f == 27 && next > at + 1 && (sw >> 240) & 0x02 != 0) return true;
                i = next;
            }
            return false;
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
                revert OpenPgpKeyBadSubkeyBinding(q);
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
        (OpenPgpSignature.Status st, OpenPgpSignature.Layout memory l) = OpenPgpSignature.parseBody(
            key,
            start,
            end,
            false
        );
        if (st != OpenPgpSignature.Status.Valid || l.alg != primary.algorithm) return false;
        if (!_verifies(key, prefix, primary, l, env)) return false;
        return _hasBackSignature(key, prefix, sub, l, env);
    }

    /// A valid back signature by `sub` in an embedded signature subpacket (32) of the binding `l`, hashed area
    /// first, then unhashed.
    function _hasBackSignature(
        bytes memory key,
        bytes memory prefix,
        OpenPgpSignature.Signer memory sub,
        OpenPgpSignature.Layout memory l,
        OpenPgpSignature.Env memory env
    ) private view returns (bool) {
        uint256 hashedEnd = l.bodyStart + l.hashedLength;
        uint256 unhashedEnd = l.valuesStart - 2;
        uint256 i = l.bodyStart + 6;
        while (i < unhashedEnd) {
            if (i == hashedEnd) {
                i += 2;
                continue;
            }
            (uint256 at, uint256 next, ) = OpenPgpSignature.subpacketAt(key, i, i < hashedEnd ? hashedEnd : unhashedEnd);
            if ((_b(key, at) >> 248) & 0x7f == 32 && _backSignature(key, prefix, sub, at + 1, next, env)) return true;
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
        (OpenPgpSignature.Status st, OpenPgpSignature.Layout memory l) = OpenPgpSignature.parseBody(
            key,
            start,
            end,
            false
        );
        if (st != OpenPgpSignature.Status.Valid || l.sigType != 0x19 || l.alg != sub.algorithm) return false;
        return _verifies(key, prefix, sub, l, env);
    }

    function _verifies(
        bytes memory key,
        bytes memory prefix,
        OpenPgpSignature.Signer memory signer,
        OpenPgpSignature.Layout memory l,
        OpenPgpSignature.Env memory env
    ) private view returns (bool) {
        (bytes32 hi, bytes32 lo) = OpenPgpSignature.signedHash(prefix, key, l, env);
        return OpenPgpSignature.verifyHash(key, signer, hi, lo, key, l, env);
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
            if (p + 1 > end) revert OpenPgpKeyTruncated();
            uint256 found = _u8(key, p);
            if (p + 1 + found > end) revert OpenPgpKeyTruncated();
            if (found != oidLen || _b32(key, p + 1) & _mask(found) != want) {
                revert OpenPgpKeyUnsupportedCurve(alg, _slice(key, p + 1, found));
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
            if (p + 2 > end) revert OpenPgpKeyTruncated();
            bits = _u16(key, p);
            if (bits == 0) revert OpenPgpKeyMalformedMpi(p);
            uint256 n = (bits + 7) >> 3;
            next = p + 2 + n;
            if (next > end) revert OpenPgpKeyTruncated();
            // The top byte must hold exactly the top (bits - 8 * (n - 1)) bits, its highest one set.
            uint256 top = _u8(key, p + 2);
            uint256 topBits = bits - ((n - 1) << 3);
            if (top >> (topBits - 1) != 1) revert OpenPgpKeyMalformedMpi(p);
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
