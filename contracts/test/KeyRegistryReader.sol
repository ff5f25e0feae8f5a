// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IKeyRegistry} from "../interfaces/IKeyRegistry.sol";

/// @notice Batches `isActiveAt` queries for the model-based test: one call answers every
///         (owner, keyHash, timestamp) combination, in that nesting order.
contract KeyRegistryReader {
    function activeMatrix(
        IKeyRegistry registry,
        address[] calldata owners,
        bytes32[] calldata keyHashes,
        uint64[] calldata times
    ) external view returns (bool[] memory out) {
        out = new bool[](owners.length * keyHashes.length * times.length);
        uint256 k;
        for (uint256 o = 0; o < owners.length; ++o) {
            for (uint256 h = 0; h < keyHashes.length; ++h) {
                for (uint256 t = 0; t < times.length; ++t) {
                    out[k++] = registry.isActiveAt(owners[o], keyHashes[h], times[t]);
                }
            }
        }
    }
}
