// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {StakingVault} from "../StakingVault.sol";

/// @notice Test-only upgrade of StakingVault: same state, one new function.
contract StakingVaultV2 is StakingVault {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address token_, address registry_) StakingVault(token_, registry_) {}

    function version() external pure returns (uint256) {
        return 2;
    }
}
