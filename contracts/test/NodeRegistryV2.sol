// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {NodeRegistry} from "../NodeRegistry.sol";

/// @notice Test-only upgrade of NodeRegistry: adds a field in its own ERC-7201 namespace and a function. It
///         initialises no new state, so it needs no initializer of its own.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract NodeRegistryV2 is NodeRegistry {
    /// @custom:storage-location erc7201:push.storage.NodeRegistryV2
    struct NodeRegistryV2Storage {
        uint256 marker;
    }

    // keccak256(abi.encode(uint256(keccak256("push.storage.NodeRegistryV2")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant V2_LOCATION = 0xcca4c460fb5d565a20c7d0596b99264e4bfa7854984fac513bc0772d4f0e2000;

    function _v2() private pure returns (NodeRegistryV2Storage storage $) {
        assembly {
            $.slot := V2_LOCATION
        }
    }

    function version() external pure returns (uint256) {
        return 2;
    }

    function setMarker(uint256 value) external onlyRole(GOVERNOR_ROLE) {
        _v2().marker = value;
    }

    function marker() external view returns (uint256) {
        return _v2().marker;
    }
}
