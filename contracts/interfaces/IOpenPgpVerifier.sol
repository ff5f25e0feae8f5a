// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOpenPgpKeyErrors} from "./IOpenPgpKeyErrors.sol";

/// @title IOpenPgpVerifier
/// @notice Checks OpenPGP transferable public keys against the key profile and detached OpenPGP signatures over
///         a 32-byte digest against the signature profile (docs/client-profile.md; rules in `OpenPgpKey` and
///         `OpenPgpSignature`, the same rule for rule as `src/keys/profile.ts` and `src/message/pgp-profile.ts`).
interface IOpenPgpVerifier is IOpenPgpKeyErrors {
    /// @notice The constructor was given the zero address for the Ed25519 verifier.
    error OpenPgpVerifierZeroAddress();

    /// @notice Checks all of `publicKey` against the key profile (section 1), verifying the binding and back
    ///         signature of every signing subkey; reverts with an `OpenPgpKey` error when it is outside.
    /// @dev A failed computation (precompile or Ed25519 verifier out of gas) reverts with
    ///      `OpenPgpSignaturePrecompileFailed`; never an `OpenPgpKey` error for a key the profile admits. The
    ///      size cap (8,192 bytes) is the registry's, not checked here.
    /// @return algorithm the primary key's OpenPGP algorithm (1 RSA, 19 ECDSA, 22 EdDSA legacy, 27 Ed25519).
    function checkKey(bytes calldata publicKey) external view returns (uint8 algorithm);

    /// @notice Checks `signature` over `digest` under the signing keys of `publicKey` (its primary key and its
    ///         signing subkeys; subkey bindings are not verified again: registration did it).
    /// @dev Reverts with an `OpenPgpKey` error when `publicKey` is outside the key profile, and with
    ///      `OpenPgpSignaturePrecompileFailed(precompile)` when a computation (SHA-256, MODEXP, P-256, the
    ///      Ed25519/SHA-512 verifier) fails, out of gas for instance: no verdict is possible then, and none is
    ///      returned. Gas for a valid signature is bounded per key type (test/keys/VerifierGas.test.ts).
    /// @return algorithm the signer's OpenPGP algorithm once the signer is known (rule 7), else the primary's.
    /// @return status an `OpenPgpSignature.Status`: 0 (Valid) when within the profile and the arithmetic holds
    ///         under the signer; anything else names the first rule the signature breaks.
    function check(
        bytes32 digest,
        bytes calldata signature,
        bytes calldata publicKey
    ) external view returns (uint8 algorithm, uint8 status);
}
