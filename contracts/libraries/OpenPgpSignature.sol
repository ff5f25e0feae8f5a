// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";
import {RSA} from "@openzeppelin/contracts/utils/cryptography/RSA.sol";

/// @title OpenPgpSignature
/// @notice Checks a detached OpenPGP signature over a 32-byte message digest under the strict signature profile
///         of the Push network (DESIGN sections 4 and 9), reading it straight from calldata. Any deviation from
///         the profile is reported as a status, never a revert: under the profile, a signature outside it is
///         itself the fault.
/// @dev The profile, byte for byte (nodes and the validator must apply exactly these rules, in addition to
///      openpgp.js's own verification; anything openpgp.js accepts that breaks a rule here is a fault):
///      1. Exactly one packet: the first octet is `C2` (new-format signature packet); the body length is
///         one octet (0..191), two octets (first octet 192..223) or `FF` and four octets (partial lengths,
///         224..254, are outside the profile); the body ends exactly at the end of the bytes.
///      2. Body: version `04`, signature type `00` (binary), public-key algorithm equal to the primary key's
///         (1 RSA, 19 ECDSA, 22 or 27 EdDSA), hash algorithm `08` (SHA-256).
///      3. The hashed subpacket area (2-byte length) and the unhashed one (2-byte length) each lie within the
///         body and are filled exactly by whole subpackets: a subpacket length of one octet (0..191), two
///         octets (first octet 192..254) or `FF` and four octets, then that many octets, none running past
///         the end of its area. Subpacket contents are not interpreted (issuer, creation time, notations...).
///      4. Then the 2-octet left 16 bits of the hash, then the signature values, which end exactly at the end
///         of the body: RSA one MPI s of at most the modulus' byte length; ECDSA two MPIs r, s of at most 32
///         bytes each; EdDSA legacy (22) two MPIs of at most 32 bytes each; Ed25519 (27) exactly 64 octets.
///         An MPI is a 2-byte big-endian bit count b and then ceil(b / 8) bytes, read as a big-endian number
///         (a bit count larger than the number needs is accepted, as openpgp.js does).
///      5. hash = SHA-256(digest || body[0 : 6 + hashedLength] || 04 FF || uint32be(6 + hashedLength)); its
///         first two bytes equal the left 16 bits; and the signature verifies under the primary key:
///         RSASSA-PKCS1-v1_5 with SHA-256 (s left-padded to the modulus length; OpenZeppelin `RSA`), or ECDSA
///         P-256 with 0 < r, s < n, where (r, s) and (r, n - s) are equally valid (openpgp.js accepts high s;
///         OpenZeppelin `P256` wants low s, so s is normalised first).
///      Issuer subpackets are not read: "made by the primary key" is decided cryptographically (a signature
///      by a subkey or another key does not verify under the primary key). OpenPGP.js also rejects a
///      signature whose issuer key ID is not the primary key's, one without a creation time, one created in
///      the future or expired, or with an unknown critical subpacket; the contract does not prove those (they
///      are never faults here), so the contract never calls a signature bad that openpgp.js plus rules 1-4
///      accept.
library OpenPgpSignature {
    /// @notice Verdict of a check. Everything but `Valid` is a BAD_SIGNATURE fault.
    enum Status {
        Valid, // within the profile and cryptographically valid (EdDSA: within the profile, left 16 bits match)
        NotOnePacket, // rule 1
        Truncated, // the body ends before a fixed field, an area length or the left 16 bits
        UnsupportedVersion, // rule 2: version != 4
        NotBinarySignature, // rule 2: signature type != 0x00
        AlgorithmMismatch, // rule 2: signature algorithm != primary key algorithm
        NotSha256, // rule 2: hash algorithm != 8
        MalformedSubpackets, // rule 3
        MalformedValues, // rule 4
        HashPrefixMismatch, // rule 5: left 16 bits differ from the hash
        BadSignature // rule 5: the signature does not verify under the primary key
    }

    uint8 internal constant RSA_ALGORITHM = 1;
    uint8 internal constant ECDSA_ALGORITHM = 19;
    uint8 internal constant EDDSA_LEGACY_ALGORITHM = 22;
    uint8 internal constant ED25519_ALGORITHM = 27;

    uint256 private constant _SIGNATURE_TAG = 0xC2;
    uint256 private constant _SHA256 = 8;
    /// Order of the P-256 group and half of it.
    uint256 private constant _P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551;
    uint256 private constant _P256_HALF_N =
        0x7FFFFFFF800000007FFFFFFFFFFFFFFFDE737D56D38BCF4279DCE5617E3192A8;

    /// @notice Where the parts of a signature packet are, as offsets into the signature bytes.
    struct Layout {
        uint256 bodyStart; // the version octet; the hashed part starts here
        uint256 hashedLength; // 6 + length of the hashed subpacket area
        uint256 left16; // the left 16 bits of the hash, as stated in the packet
        uint256 valuesStart; // the first signature value (MPI or raw octets)
    }

    /// @notice Checks `signature` over `digest` under the P-256 public key (`x`, `y`) (rules 1-5).
    function verifyP256(
        bytes32 digest,
        bytes calldata signature,
        bytes32 x,
        bytes32 y
    ) internal view returns (Status) {
        (Status st, Layout memory layout) = parse(signature, ECDSA_ALGORITHM);
        if (st != Status.Valid) return st;
        (uint256 r, uint256 rLen, uint256 next) = _mpi(signature, layout.valuesStart);
        (uint256 s, uint256 sLen, uint256 end) = _mpi(signature, next);
        if (rLen > 32 || sLen > 32 || end != signature.length) return Status.MalformedValues;
        bytes32 h = signedHash(digest, signature, layout);
        if (uint256(h) >> 240 != layout.left16) return Status.HashPrefixMismatch;
        if (r == 0 || r >= _P256_N || s == 0 || s >= _P256_N) return Status.BadSignature;
        if (s > _P256_HALF_N) s = _P256_N - s;
        return P256.verify(h, bytes32(r), bytes32(s), x, y) ? Status.Valid : Status.BadSignature;
    }

    /// @notice Checks `signature` over `digest` under the RSA public key (`n`, `e`) (rules 1-5). `n` must be
    ///         at least 256 bytes long (OpenZeppelin `RSA` refuses smaller moduli).
    function verifyRsa(
        bytes32 digest,
        bytes calldata signature,
        bytes memory n,
        bytes memory e
    ) internal view returns (Status) {
        (Status st, Layout memory layout) = parse(signature, RSA_ALGORITHM);
        if (st != Status.Valid) return st;
        uint256 p = layout.valuesStart;
        if (p + 2 > signature.length) return Status.MalformedValues;
        uint256 sLen = (_u16(signature, p) + 7) >> 3;
        if (p + 2 + sLen != signature.length || sLen > n.length) return Status.MalformedValues;
        bytes32 h = signedHash(digest, signature, layout);
        if (uint256(h) >> 240 != layout.left16) return Status.HashPrefixMismatch;
        // s, left-padded with zeros to the modulus length.
        bytes memory s = new bytes(n.length);
        assembly ("memory-safe") {
            calldatacopy(add(add(s, 0x20), sub(mload(n), sLen)), add(signature.offset, add(p, 2)), sLen)
        }
        return RSA.pkcs1Sha256(h, s, e, n) ? Status.Valid : Status.BadSignature;
    }

    /// @notice Checks rules 1-4 and the left 16 bits of rule 5 for an EdDSA key (`keyAlgorithm` 22 or 27).
    ///         `Valid` means only that: whether the signature verifies cannot be decided on chain.
    function checkEdDsa(
        bytes32 digest,
        bytes calldata signature,
        uint8 keyAlgorithm
    ) internal view returns (Status) {
        (Status st, Layout memory layout) = parse(signature, keyAlgorithm);
        if (st != Status.Valid) return st;
        if (keyAlgorithm == ED25519_ALGORITHM) {
            if (layout.valuesStart + 64 != signature.length) return Status.MalformedValues;
        } else {
            (, uint256 rLen, uint256 next) = _mpi(signature, layout.valuesStart);
            (, uint256 sLen, uint256 end) = _mpi(signature, next);
            if (rLen > 32 || sLen > 32 || end != signature.length) return Status.MalformedValues;
        }
        bytes32 h = signedHash(digest, signature, layout);
        if (uint256(h) >> 240 != layout.left16) return Status.HashPrefixMismatch;
        return Status.Valid;
    }

    /// @notice Checks rules 1-3 and locates the fields of rule 4, for a primary key of `keyAlgorithm`.
    function parse(
        bytes calldata signature,
        uint8 keyAlgorithm
    ) internal pure returns (Status, Layout memory layout) {
        uint256 len = signature.length;
        if (len < 2 || _u8(signature, 0) != _SIGNATURE_TAG) return (Status.NotOnePacket, layout);
        uint256 a = _u8(signature, 1);
        uint256 bodyLen;
        if (a < 192) {
            layout.bodyStart = 2;
            bodyLen = a;
        } else if (a < 224) {
            if (len < 3) return (Status.NotOnePacket, layout);
            layout.bodyStart = 3;
            bodyLen = ((a - 192) << 8) + _u8(signature, 2) + 192;
        } else if (a == 255) {
            if (len < 6) return (Status.NotOnePacket, layout);
            layout.bodyStart = 6;
            bodyLen = _u32(signature, 2);
        } else {
            return (Status.NotOnePacket, layout); // partial body length
        }
        if (layout.bodyStart + bodyLen != len) return (Status.NotOnePacket, layout);
        if (bodyLen < 6) return (Status.Truncated, layout);

        uint256 p = layout.bodyStart;
        // version, type, public-key algorithm, hash algorithm, hashed area length: one read.
        uint256 head = uint256(_b32(signature, p)) >> 208;
        if (head >> 40 != 4) return (Status.UnsupportedVersion, layout);
        if ((head >> 32) & 0xff != 0) return (Status.NotBinarySignature, layout);
        if ((head >> 24) & 0xff != keyAlgorithm) return (Status.AlgorithmMismatch, layout);
        if ((head >> 16) & 0xff != _SHA256) return (Status.NotSha256, layout);

        layout.hashedLength = 6 + (head & 0xffff);
        uint256 hashedEnd = p + layout.hashedLength;
        if (hashedEnd + 2 > len) return (Status.Truncated, layout);
        if (!_subpacketsFill(signature, p + 6, hashedEnd)) return (Status.MalformedSubpackets, layout);
        uint256 unhashedEnd = hashedEnd + 2 + _u16(signature, hashedEnd);
        if (unhashedEnd + 2 > len) return (Status.Truncated, layout);
        if (!_subpacketsFill(signature, hashedEnd + 2, unhashedEnd))
            return (Status.MalformedSubpackets, layout);
        layout.left16 = _u16(signature, unhashedEnd);
        layout.valuesStart = unhashedEnd + 2;
        return (Status.Valid, layout);
    }

    /// @notice SHA-256(digest || hashed part || 04 FF || uint32be(hashed part length)): the hash signed.
    function signedHash(
        bytes32 digest,
        bytes calldata signature,
        Layout memory layout
    ) internal view returns (bytes32 h) {
        uint256 start = layout.bodyStart;
        uint256 n = layout.hashedLength; // < 2^17, fits the 4-byte trailer
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, digest)
            calldatacopy(add(ptr, 0x20), add(signature.offset, start), n)
            mstore(add(add(ptr, 0x20), n), or(shl(248, 0x04), or(shl(240, 0xff), shl(208, n))))
            if iszero(staticcall(gas(), 0x02, ptr, add(n, 38), 0x00, 0x20)) {
                revert(0, 0)
            }
            h := mload(0x00)
        }
    }

    // ------------------------------------------------------------------ private readers

    /// True when whole subpackets fill [start, end) exactly (rule 3). `end` is within the bytes.
    function _subpacketsFill(bytes calldata b, uint256 start, uint256 end) private pure returns (bool) {
        uint256 i = start;
        while (i < end) {
            uint256 a = _u8(b, i);
            if (a < 192) {
                i += 1 + a;
            } else if (a < 255) {
                if (i + 2 > end) return false;
                i += 2 + ((a - 192) << 8) + _u8(b, i + 1) + 192;
            } else {
                if (i + 5 > end) return false;
                i += 5 + _u32(b, i + 1);
            }
        }
        return i == end;
    }

    /// Reads the MPI at `p`: its value (when at most 32 bytes; otherwise meaningless), its byte length and
    /// the offset after it. An MPI running past the end gives an `end` past `b.length`.
    function _mpi(
        bytes calldata b,
        uint256 p
    ) private pure returns (uint256 value, uint256 byteLen, uint256 end) {
        if (p + 2 > b.length) return (0, 0, type(uint256).max);
        byteLen = (_u16(b, p) + 7) >> 3;
        end = p + 2 + byteLen;
        if (byteLen != 0 && byteLen <= 32 && end <= b.length) {
            value = uint256(_b32(b, p + 2)) >> ((32 - byteLen) << 3);
        }
    }

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
