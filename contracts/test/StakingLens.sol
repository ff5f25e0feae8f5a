// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {IStakingVault} from "../interfaces/IStakingVault.sol";

/// @notice Test-only: reads the whole staking state in one call (keeps the model-based test fast).
contract StakingLens {
    struct NodeView {
        INodeRegistry.Node record;
        INodeRegistry.Status vaultStatus;
        uint256 bonded;
        uint256 unbonding;
        uint256 locks;
        IStakingVault.UnbondingEntry[] queue;
    }

    struct State {
        uint256 balance;
        uint256 totalBonded;
        uint256 totalUnbonding;
        uint256 totalRewards;
        uint256 treasury;
        uint256[4] activeStake;
        bool paused;
        bool vaultPaused;
        NodeView[] nodes;
    }

    function read(INodeRegistry registry, address[] calldata nodes) external view returns (State memory s) {
        IStakingVault vault = registry.vault();
        s.balance = IERC20(address(vault.token())).balanceOf(address(vault));
        s.totalBonded = vault.totalBonded();
        s.totalUnbonding = vault.totalUnbonding();
        s.totalRewards = vault.totalRewards();
        s.treasury = vault.treasuryBalance();
        for (uint8 r = 0; r < 4; ++r) s.activeStake[r] = registry.activeStake(r);
        s.paused = registry.paused();
        s.vaultPaused = vault.paused();
        s.nodes = new NodeView[](nodes.length);
        for (uint256 i = 0; i < nodes.length; ++i) {
            NodeView memory v = s.nodes[i];
            v.record = registry.nodeOf(nodes[i]);
            v.vaultStatus = vault.statusOf(nodes[i]);
            (v.bonded, v.unbonding) = vault.stakeOf(nodes[i]);
            v.locks = vault.withdrawalLocks(nodes[i]);
            v.queue = vault.unbondingEntries(nodes[i]);
        }
    }
}
