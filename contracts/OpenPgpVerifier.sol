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
        OpenPgpSignature.Key memory key;
        key.keyBytes = publicKey;
        OpenPgpKey.PrimaryKey memory pk = OpenPgpKey.primaryKey(key.keyBytes);
        algorithm = pk.algorithm;
        key.algorithm = algorithm;
        key.created = pk.creationTime;
        key.bodyStart = pk.fieldsStart - 6;
        key.bodyEnd = pk.packetEnd;
        if (algorithm == OpenPgpKey.ECDSA) {
            (key.x, key.y) = OpenPgpKey.p256Key(key.keyBytes);
        } else if (algorithm == OpenPgpKey.RSA) {
            (key.n, key.e) = OpenPgpKey.rsaKey(key.keyBytes);
        }
        status = uint8(OpenPgpSignature.check(digest, signature, key));
    }
}
