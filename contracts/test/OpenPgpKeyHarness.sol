// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OpenPgpKey} from "../libraries/OpenPgpKey.sol";

/// @notice Exposes the OpenPgpKey library's functions for tests.
contract OpenPgpKeyHarness {
    function primaryKey(bytes calldata key) external pure returns (OpenPgpKey.PrimaryKey memory) {
        return OpenPgpKey.primaryKey(key);
    }

    function algorithm(bytes calldata key) external pure returns (uint8) {
        return OpenPgpKey.algorithm(key);
    }

    function creationTime(bytes calldata key) external pure returns (uint32) {
        return OpenPgpKey.creationTime(key);
    }

    function rsaKey(bytes calldata key) external pure returns (bytes memory n, bytes memory e) {
        return OpenPgpKey.rsaKey(key);
    }

    function p256Key(bytes calldata key) external pure returns (bytes32 x, bytes32 y) {
        return OpenPgpKey.p256Key(key);
    }

    function ed25519Key(bytes calldata key) external pure returns (bytes32) {
        return OpenPgpKey.ed25519Key(key);
    }

    /// Gas of `algorithm` alone, measured inside the call (key already in memory).
    function algorithmGas(bytes calldata key) external view returns (uint8 alg, uint256 gasUsed) {
        bytes memory k = key;
        uint256 before = gasleft();
        alg = OpenPgpKey.algorithm(k);
        gasUsed = before - gasleft();
    }
}
