// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IOpenPgpKeyErrors
/// @notice The errors of the key profile (`OpenPgpKey`, docs/client-profile.md section 1). Declared here so that
///         the ABI of every contract a refused key reverts through (`OpenPgpVerifier.checkKey`, `KeyRegistry.addKey`)
///         names them; the off-chain twin is `checkKeyProfile` in `src/keys/profile.ts`.
interface IOpenPgpKeyErrors {
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
}
