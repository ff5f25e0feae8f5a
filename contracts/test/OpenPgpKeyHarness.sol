// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IEd25519Verifier} from "../interfaces/IEd25519Verifier.sol";
import {OpenPgpKey} from "../libraries/OpenPgpKey.sol";
import {OpenPgpSignature} from "../libraries/OpenPgpSignature.sol";

/// @notice Exposes the OpenPgpKey library's functions for tests (P-256 in Solidity, no precompile assumed).
contract OpenPgpKeyHarness {
    IEd25519Verifier private immutable _ed;

    constructor(IEd25519Verifier ed) {
        _ed = ed;
    }

    function _env() private view returns (OpenPgpSignature.Env memory) {
        return OpenPgpSignature.Env(false, _ed);
    }

    function primaryKey(bytes calldata key) external view returns (OpenPgpKey.PrimaryKey memory) {
        return OpenPgpKey.primaryKey(key, _env());
    }

    function algorithm(bytes calldata key) external view returns (uint8) {
        return OpenPgpKey.primaryKey(key, _env()).algorithm;
    }

    function creationTime(bytes calldata key) external view returns (uint32) {
        return OpenPgpKey.primaryKey(key, _env()).creationTime;
    }

    function rsaKey(bytes calldata key) external view returns (bytes memory n, bytes memory e) {
        return OpenPgpKey.rsaKey(key, _env());
    }

    function p256Key(bytes calldata key) external view returns (bytes32 x, bytes32 y) {
        return OpenPgpKey.p256Key(key, _env());
    }

    function ed25519Key(bytes calldata key) external view returns (bytes32) {
        return OpenPgpKey.ed25519Key(key, _env());
    }

    /// The signing keys (primary first), bindings verified when `verifyBindings`.
    function signers(
        bytes calldata key,
        bool verifyBindings
    ) external view returns (OpenPgpSignature.Signer[] memory) {
        return OpenPgpKey.signers(key, verifyBindings, _env());
    }

    /// Gas of the key check alone (no binding verification), measured inside the call (key already in memory).
    function algorithmGas(bytes calldata key) external view returns (uint8 alg, uint256 gasUsed) {
        bytes memory k = key;
        OpenPgpSignature.Env memory env = _env();
        uint256 before = gasleft();
        alg = OpenPgpKey.signers(k, false, env)[0].algorithm;
        gasUsed = before - gasleft();
    }
}
