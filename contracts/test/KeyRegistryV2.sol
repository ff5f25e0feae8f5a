// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {KeyRegistry} from "../KeyRegistry.sol";
import {IOpenPgpVerifier} from "../interfaces/IOpenPgpVerifier.sol";

/// @notice A compatible next version of the key registry, for upgrade tests. It adds a function and no
///         state, so it needs no initializer of its own.
/// @custom:oz-upgrades-from contracts/KeyRegistry.sol:KeyRegistry
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract KeyRegistryV2 is KeyRegistry {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IOpenPgpVerifier verifier) KeyRegistry(verifier) {}

    function version() external pure returns (string memory) {
        return "2";
    }
}
