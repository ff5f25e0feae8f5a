// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";

/// @title OpenPgpKey
/// @notice Checks a binary OpenPGP transferable public key (RFC 4880 / RFC 9580) against the Push key profile
///         and reads its primary key. The profile admits only keys whose signatures the chain verifies at a
///         bounded cost: RSA with a modulus of 2048 to 4096 bits and public exponent 65537 exactly, ECDSA on
///         NIST P-256, and Ed25519 (algorithm 27). The same profile, rule for rule and in the same order, is
///         `checkKeyProfile` in `src/keys/profile.ts`, which the key tooling, the node and the validator apply.
/// @dev Every packet of the key is read (DESIGN section 9, docs/key-profile.md):
///      - each packet has a new-format header: tag octet `C0 | tag`, then a body length in one octet (< 192),
///        two octets (first in 192..223), or `FF` and four octets only for a length of 8384 or more (the
///        minimal encoding); partial body lengths (first octet 224..254) are refused; the body ends within
///        the key, and the packets fill the key exactly;
///      - the first packet is the primary public key (tag 6), no other packet is (one key per input), no
///        packet is a secret key or secret subkey (tags 5, 7), and the others are signatures (2), user IDs
///        (13), public subkeys (14) or user attributes (17): what openpgp.js writes for a public key;
///      - primary key body = `04` (version), 4-byte creation time, algorithm, algorithm fields:
///        - RSA (1): MPI n (2048 to 4096 bits), MPI e = 65537 (`0011 010001`);
///        - ECDSA (19): `08 2A8648CE3D030107`, MPI of `04 || x || y` (515 bits), a point on the curve;
///        - Ed25519 (27): 32 raw octets.
///      An MPI is a 2-byte big-endian bit count and the bytes; it must be minimal (first byte non-zero and
///      the bit count exact), so a small RSA modulus cannot pass as a large one. The fields must fill the
///      primary packet body exactly. Subkeys, user IDs and signatures are not interpreted (messages are
///      signed by the primary key). Everything else reverts with one of the errors below.
library OpenPgpKey {
    uint8 internal constant RSA = 1;
    uint8 internal constant ECDSA = 19;
    uint8 internal constant ED25519 = 27;

    /// @notice Smallest RSA modulus accepted, in bits.
    uint256 internal constant MIN_RSA_BITS = 2048;
    /// @notice Largest RSA modulus accepted, in bits: MODEXP then costs at most 131,072 gas (EIP-7883, e = 65537) and
    ///         stays far below the EIP-7823 input bound of 8192 bits.
    uint256 internal constant MAX_RSA_BITS = 4096;
    /// @notice The only RSA public exponent accepted (a larger one makes MODEXP cost grow with its length).
    uint256 internal constant RSA_EXPONENT = 65537;

    uint8 private constant _PUBLIC_KEY = 6;
    uint8 private constant _VERSION = 4;
    /// OID of NIST P-256 (1.2.840.10045.3.1.7), as the 8 bytes that follow the OID length octet.
    bytes8 private constant _OID_P256 = 0x2A8648CE3D030107;
    /// Tags allowed after the primary key, as a bit set: signature 2, user ID 13, public subkey 14, user
    /// attribute 17.
    uint256 private constant _ALLOWED_TAGS = (1 << 2) | (1 << 13) | (1 << 14) | (1 << 17);

    /// @notice The bytes end before a packet or one of the primary key's fields does (or there are none).
    error OpenPgpKeyTruncated();
    /// @notice The packet at byte `offset` does not start with a new-format tag octet (`C0 | tag`): an
    ///         old-format header or bytes that are not a packet; `tagOctet` is the octet found.
    error OpenPgpKeyNotNewFormat(uint256 offset, uint8 tagOctet);
    /// @notice A packet length uses a partial body length (first octet 224..254), not allowed for keys.
    error OpenPgpKeyPartialLength(uint8 lengthOctet);
    /// @notice The packet at byte `offset` encodes its body length `length` in five octets where fewer do.
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
    /// @notice The key packet version is not 4.
    error OpenPgpKeyUnsupportedVersion(uint8 version);
    /// @notice The primary key's algorithm is not RSA (1), ECDSA (19) or Ed25519 (27).
    error OpenPgpKeyUnsupportedAlgorithm(uint8 algorithm);
    /// @notice The curve OID is not NIST P-256; `oid` is the OID found.
    error OpenPgpKeyUnsupportedCurve(uint8 algorithm, bytes oid);
    /// @notice The RSA modulus has `bits` bits, fewer than 2048.
    error OpenPgpKeyRsaModulusTooSmall(uint256 bits);
    /// @notice The RSA modulus has `bits` bits, more than 4096.
    error OpenPgpKeyRsaModulusTooLarge(uint256 bits);
    /// @notice The RSA public exponent is `exponent` (big-endian), not 65537.
    error OpenPgpKeyRsaExponentNotAllowed(bytes exponent);
    /// @notice The MPI starting at byte `offset` of the key is not minimal or has the wrong size.
    error OpenPgpKeyMalformedMpi(uint256 offset);
    /// @notice The P-256 point is not on the curve (or not uncompressed).
    error OpenPgpKeyInvalidPoint();
    /// @notice The algorithm fields end at `fieldsEnd` but the packet body ends at `packetEnd`.
    error OpenPgpKeyPacketLengthMismatch(uint256 packetEnd, uint256 fieldsEnd);
    /// @notice The key is a valid key of algorithm `actual`, but the caller asked for `expected`.
    error OpenPgpKeyWrongAlgorithm(uint8 expected, uint8 actual);

    /// @notice Where the parts of the primary key packet are.
    /// @param algorithm OpenPGP public-key algorithm (1, 19 or 27).
    /// @param creationTime the key's creation time (seconds since 1970).
    /// @param fieldsStart offset in the key bytes of the first algorithm-specific field.
    /// @param packetEnd offset just past the primary key packet (start of the next packet, if any).
    struct PrimaryKey {
        uint8 algorithm;
        uint32 creationTime;
        uint256 fieldsStart;
        uint256 packetEnd;
    }

    /// @notice Checks all of `key` against the profile and locates its primary key; reverts if not allowed.
    function primaryKey(bytes memory key) internal pure returns (PrimaryKey memory pk) {
        (uint256 alg, uint256 created, uint256 fieldsStart, uint256 packetEnd) = _parse(key);
        _otherPackets(key, packetEnd);
        pk = PrimaryKey(uint8(alg), uint32(created), fieldsStart, packetEnd);
    }

    /// @notice The algorithm of `key`'s primary key, after the full check of {primaryKey}.
    function algorithm(bytes memory key) internal pure returns (uint8 alg) {
        (uint256 a, , , uint256 packetEnd) = _parse(key);
        _otherPackets(key, packetEnd);
        alg = uint8(a);
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
            if (t & 0xC0 != 0xC0) revert OpenPgpKeyNotNewFormat(p, uint8(t));
            tag = t & 0x3f;
            uint256 a = (w >> 240) & 0xff;
            uint256 bodyLen;
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
            end = bodyStart + bodyLen;
            if (end > len) revert OpenPgpKeyTruncated();
            if (tag == 5 || tag == 7) revert OpenPgpKeySecretKeyPacket(p, uint8(tag));
        }
    }

    /// The packets after the primary key, from `p` to the end of `key`: well formed and of allowed tags.
    function _otherPackets(bytes memory key, uint256 p) private pure {
        uint256 len = key.length;
        while (p < len) {
            (uint256 tag, , uint256 end) = _header(key, p);
            if (tag == _PUBLIC_KEY) revert OpenPgpKeyMultipleKeys(p);
            if ((_ALLOWED_TAGS >> tag) & 1 == 0) revert OpenPgpKeyPacketNotAllowed(p, uint8(tag));
            p = end;
        }
    }

    /// The primary key packet, fully checked, without the struct. Reads with `mload` at offsets checked
    /// against the packet end first (bytes read past them are masked or ignored); offsets stay below 2^33, so
    /// the arithmetic is unchecked.
    function _parse(
        bytes memory key
    ) private pure returns (uint256 alg, uint256 created, uint256 f, uint256 end) {
        unchecked {
            (uint256 tag, uint256 bodyStart, uint256 packetEnd) = _header(key, 0);
            if (tag != _PUBLIC_KEY) revert OpenPgpKeyNotPublicKeyPacket(uint8(tag));
            end = packetEnd;
            if (end - bodyStart < 6) revert OpenPgpKeyTruncated();

            // body: version (1), creation time (4), algorithm (1), fields
            uint256 w = _b(key, bodyStart);
            if (w >> 248 != _VERSION) revert OpenPgpKeyUnsupportedVersion(uint8(w >> 248));
            alg = (w >> 208) & 0xff;
            created = (w >> 216) & 0xffffffff;
            f = bodyStart + 6;

            uint256 fieldsEnd;
            if (alg == ECDSA) {
                // 08 <8-byte OID> 0203 04 <x> <y>
                uint256 p = _oid(key, f, end, 8, bytes32(_OID_P256), ECDSA);
                fieldsEnd = p + 67;
                if (fieldsEnd > end) revert OpenPgpKeyTruncated();
                w = _b(key, p);
                if (w >> 240 != 515) revert OpenPgpKeyMalformedMpi(p);
                if ((w >> 232) & 0xff != 0x04) revert OpenPgpKeyInvalidPoint();
                if (!P256.isValidPublicKey(_b32(key, p + 3), _b32(key, p + 35)))
                    revert OpenPgpKeyInvalidPoint();
            } else if (alg == RSA) {
                (uint256 nEnd, uint256 nBits) = _mpi(key, f, end);
                if (nBits < MIN_RSA_BITS) revert OpenPgpKeyRsaModulusTooSmall(nBits);
                if (nBits > MAX_RSA_BITS) revert OpenPgpKeyRsaModulusTooLarge(nBits);
                (fieldsEnd, ) = _mpi(key, nEnd, end);
                // e = 65537: bit count 17, bytes 01 00 01.
                if (_b(key, nEnd) >> 216 != (17 << 24) | RSA_EXPONENT) {
                    revert OpenPgpKeyRsaExponentNotAllowed(_slice(key, nEnd + 2, fieldsEnd - nEnd - 2));
                }
            } else if (alg == ED25519) {
                fieldsEnd = f + 32;
                if (fieldsEnd > end) revert OpenPgpKeyTruncated();
            } else {
                revert OpenPgpKeyUnsupportedAlgorithm(uint8(alg));
            }
            if (fieldsEnd != end) revert OpenPgpKeyPacketLengthMismatch(end, fieldsEnd);
        }
    }

    /// @notice The creation time of `key`'s primary key, after the full check of {primaryKey}.
    function creationTime(bytes memory key) internal pure returns (uint32) {
        return primaryKey(key).creationTime;
    }

    /// @notice The RSA modulus `n` and public exponent `e` (big-endian, minimal) of an RSA primary key, in
    ///         the form OpenZeppelin's `RSA.pkcs1Sha256` takes. Reverts unless `key` is an allowed RSA key.
    function rsaKey(bytes memory key) internal pure returns (bytes memory n, bytes memory e) {
        PrimaryKey memory pk = primaryKey(key);
        if (pk.algorithm != RSA) revert OpenPgpKeyWrongAlgorithm(RSA, pk.algorithm);
        uint256 p = pk.fieldsStart;
        uint256 nLen = (_u16(key, p) + 7) >> 3;
        n = _slice(key, p + 2, nLen);
        p += 2 + nLen;
        e = _slice(key, p + 2, (_u16(key, p) + 7) >> 3);
    }

    /// @notice The affine coordinates of a NIST P-256 primary key, as OpenZeppelin's `P256.verify` takes them.
    ///         Reverts unless `key` is an allowed ECDSA key (on the curve).
    function p256Key(bytes memory key) internal pure returns (bytes32 x, bytes32 y) {
        PrimaryKey memory pk = primaryKey(key);
        if (pk.algorithm != ECDSA) revert OpenPgpKeyWrongAlgorithm(ECDSA, pk.algorithm);
        uint256 p = pk.fieldsStart + 9 + 3; // OID length + OID, then MPI bit count and the 04 prefix
        x = _b32(key, p);
        y = _b32(key, p + 32);
    }

    /// @notice The 32-byte public key of an Ed25519 (27) primary key.
    function ed25519Key(bytes memory key) internal pure returns (bytes32 a) {
        PrimaryKey memory pk = primaryKey(key);
        if (pk.algorithm == ED25519) return _b32(key, pk.fieldsStart);
        revert OpenPgpKeyWrongAlgorithm(ED25519, pk.algorithm);
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
