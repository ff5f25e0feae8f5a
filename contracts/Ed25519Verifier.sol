// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IEd25519Verifier} from "./interfaces/IEd25519Verifier.sol";
import {Ed25519} from "./libraries/Ed25519.sol";
import {Sha512} from "./libraries/Sha512.sol";

/// @title Ed25519Verifier
/// @notice Stateless Ed25519 (RFC 8032, cofactored verification) and SHA-384/512 for the OpenPGP verifier,
///         which calls it (kept apart so that `OpenPgpVerifier` stays under the 24,576-byte code size limit).
///         No state, no owner: anyone may call it.
contract Ed25519Verifier is IEd25519Verifier {
    /// @inheritdoc IEd25519Verifier
    function verify(
        bytes32 publicKey,
        bytes32 r,
        bytes32 s,
        bytes calldata message
    ) external view returns (bool) {
        return Ed25519.verify(publicKey, r, s, message);
    }

    /// @inheritdoc IEd25519Verifier
    function isCanonicalPoint(bytes32 a) external view returns (bool) {
        return Ed25519.isCanonicalPoint(a);
    }

    /// @inheritdoc IEd25519Verifier
    function sha512(bytes calldata data, bool sha384) external pure returns (bytes32 hi, bytes32 lo) {
        if (!sha384) return Sha512.sha512(data);
        bytes16 lo16;
        (hi, lo16) = Sha512.sha384(data);
        lo = bytes32(lo16);
    }
}
