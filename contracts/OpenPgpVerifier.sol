// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOpenPgpVerifier} from "./interfaces/IOpenPgpVerifier.sol";
import {OpenPgpKey} from "./libraries/OpenPgpKey.sol";
import {OpenPgpSignature} from "./libraries/OpenPgpSignature.sol";

/// @title OpenPgpVerifier
/// @notice Stateless checker of detached OpenPGP signatures under the Push strict profile (see
///         {OpenPgpSignature}), used by the slashing contract to prove BAD_SIGNATURE and open to anyone (the
///         validator can `eth_call` it before sending a proof). Kept apart from the slashing contract so that
///         the latter stays under the contract size limit.
contract OpenPgpVerifier is IOpenPgpVerifier {
    /// @inheritdoc IOpenPgpVerifier
    function check(
        bytes32 digest,
        bytes calldata signature,
        bytes calldata publicKey
    ) external view returns (uint8 algorithm, uint8 status) {
        bytes memory key = publicKey;
        algorithm = OpenPgpKey.algorithm(key);
        OpenPgpSignature.Status st;
        if (algorithm == OpenPgpKey.ECDSA) {
            (bytes32 x, bytes32 y) = OpenPgpKey.p256Key(key);
            st = OpenPgpSignature.verifyP256(digest, signature, x, y);
        } else if (algorithm == OpenPgpKey.RSA) {
            (bytes memory n, bytes memory e) = OpenPgpKey.rsaKey(key);
            st = OpenPgpSignature.verifyRsa(digest, signature, n, e);
        } else {
            st = OpenPgpSignature.checkEdDsa(digest, signature, algorithm);
        }
        status = uint8(st);
    }
}
