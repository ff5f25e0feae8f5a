// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOpenPgpVerifier} from "./interfaces/IOpenPgpVerifier.sol";
import {IEd25519Verifier} from "./interfaces/IEd25519Verifier.sol";
import {OpenPgpKey} from "./libraries/OpenPgpKey.sol";
import {OpenPgpSignature} from "./libraries/OpenPgpSignature.sol";

/// @title OpenPgpVerifier
/// @notice Stateless checker of OpenPGP keys and detached signatures under the wave-2 client profile
///         (docs/client-profile.md): the key registry calls {checkKey} at registration, the slashing contract
///         calls {check} to prove BAD_SIGNATURE, and anyone may call both (the validator `eth_call`s {check}
///         before sending a proof). Ed25519 and SHA-384/512, which have no precompile, are computed by the
///         stateless {ED25519} contract, kept apart so that this one stays under the contract size limit.
contract OpenPgpVerifier is IOpenPgpVerifier {
    /// @notice Whether this chain has the P-256 verification precompile at 0x100 (EIP-7951 on Ethereum since
    ///         Fusaka, RIP-7212 on Polygon PoS), found at deployment by verifying a known-valid signature.
    bool public immutable P256_PRECOMPILE;
    /// @notice The Ed25519 and SHA-384/512 computations (a stateless contract; a failed call reverts).
    IEd25519Verifier public immutable ED25519;

    /// @notice `ed25519` is the stateless Ed25519/SHA-512 contract; the zero address reverts.
    constructor(IEd25519Verifier ed25519) {
        if (address(ed25519) == address(0)) revert OpenPgpVerifierZeroAddress();
        ED25519 = ed25519;
        // Wycheproof ecdsa_secp256r1_sha256_p1363 vector with small r and s (as OpenZeppelin's P256 uses).
        (bool ok, bytes memory out) = address(0x100).staticcall(
            abi.encode(
                0xbb5a52f42f9c9261ed4361f59422a1e30036e7c32b270c8807a419feca605023,
                uint256(5),
                uint256(1),
                0xa71af64de5126a4a4e02b7922d66ce9415ce88a4c9d25514d91082c8725ac957,
                0x5d47723c8fbe580bb369fec9c2665d8e30a435b9932645482e7c9f11e872296b
            )
        );
        P256_PRECOMPILE = ok && out.length == 32 && abi.decode(out, (uint256)) == 1;
    }

    /// @inheritdoc IOpenPgpVerifier
    function checkKey(bytes calldata publicKey) external view returns (uint8 algorithm) {
        return OpenPgpKey.signers(publicKey, true, _env())[0].algorithm;
    }

    /// @inheritdoc IOpenPgpVerifier
    function check(
        bytes32 digest,
        bytes calldata signature,
        bytes calldata publicKey
    ) external view returns (uint8 algorithm, uint8 status) {
        OpenPgpSignature.Env memory env = _env();
        bytes memory key = publicKey;
        OpenPgpSignature.Signer[] memory signers = OpenPgpKey.signers(key, false, env);
        OpenPgpSignature.Status st;
        (st, algorithm) = OpenPgpSignature.check(digest, signature, key, signers, env);
        status = uint8(st);
    }

    function _env() private view returns (OpenPgpSignature.Env memory) {
        return OpenPgpSignature.Env(P256_PRECOMPILE, ED25519);
    }
}
