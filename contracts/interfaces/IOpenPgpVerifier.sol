// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IOpenPgpVerifier
/// @notice Checks a detached OpenPGP signature over a 32-byte digest under the Push strict signature profile
///         (rules in `OpenPgpSignature`), against the primary key of a binary transferable public key.
interface IOpenPgpVerifier {
    /// @notice Checks `signature` over `digest` under the primary key of `publicKey`.
    /// @dev Reverts with an `OpenPgpKey` error when `publicKey` is outside the key profile (RSA of 2048 to 4096
    ///      bits with e = 65537, NIST P-256, Ed25519; every packet checked, see docs/key-profile.md), and with
    ///      `OpenPgpSignaturePrecompileFailed(precompile)` when a precompile call (SHA-256, MODEXP, P-256)
    ///      fails, out of gas for instance: no verdict is possible then, and none is returned. Gas for a valid
    ///      signature is bounded per key type (measured in test/keys/VerifierGas.test.ts, docs/key-profile.md).
    /// @return algorithm the primary key's OpenPGP algorithm (1 RSA, 19 ECDSA, 27 Ed25519).
    /// @return status an `OpenPgpSignature.Status`: 0 (Valid) when within the profile and the arithmetic holds
    ///         (for EdDSA keys 0 only means within the profile: the arithmetic is not checked on chain);
    ///         anything else names the rule the signature breaks.
    function check(
        bytes32 digest,
        bytes calldata signature,
        bytes calldata publicKey
    ) external view returns (uint8 algorithm, uint8 status);
}
