// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IStakingVault
/// @notice Custody of staked PUSH for Push Nodes. Per node (a node is its signer address) the vault keeps the
///         bonded stake and a bounded FIFO queue of unbonding entries. Stake that is unbonding stays slashable
///         until it is withdrawn. Slashed tokens are split between the reporter (credited, pulled with
///         {claimRewards}) and the treasury (held here and paid out by governance with {sendTreasury}).
///
///         Every state-changing function except {claimRewards} and {sendTreasury} is callable only by the
///         NodeRegistry, which is the single entry point for operators and for the slashing contract.
///
///         Accounting invariant (DESIGN section 7, invariant 1), holding after every transaction:
///         `token.balanceOf(vault) == totalBonded() + totalUnbonding() + totalRewards() + treasuryBalance()`
///         (plus any tokens sent to the vault by plain transfer, which no one can recover).
interface IStakingVault {
    /// @notice One unbonding entry: `amount` becomes withdrawable at `releaseAt` (unix seconds).
    ///         Packed in one storage slot. Entries of a node are kept in request order and their `releaseAt`
    ///         never decreases along the queue.
    struct UnbondingEntry {
        uint96 amount;
        uint64 releaseAt;
    }

    // ------------------------------------------------------------------------------------------------
    // Errors
    // ------------------------------------------------------------------------------------------------

    /// @notice A registry-only function was called by `caller`.
    error StakingVaultNotRegistry(address caller);
    /// @notice An address argument that must be set was zero.
    error StakingVaultZeroAddress();
    /// @notice `amount` does not fit the vault's uint96 accounting (`max` is the largest accepted value).
    error StakingVaultAmountTooLarge(uint256 amount, uint256 max);
    /// @notice The token delivered `received` instead of `expected` (fee-on-transfer or rebasing tokens are refused).
    error StakingVaultFeeOnTransfer(uint256 expected, uint256 received);
    /// @notice `node` asked to unbond `requested` but has only `bonded` bonded.
    error StakingVaultInsufficientStake(address node, uint256 requested, uint256 bonded);
    /// @notice `node` already has `max` pending unbonding entries; withdraw matured ones first.
    error StakingVaultUnbondingQueueFull(address node, uint256 max);
    /// @notice `node` has no matured unbonding entry. `nextReleaseAt` is when the oldest entry matures
    ///         (0 when the node has no unbonding entry at all).
    error StakingVaultNothingToWithdraw(address node, uint64 nextReleaseAt);
    /// @notice Withdrawals of `node` are locked by `locks` open disputes.
    error StakingVaultWithdrawalsLocked(address node, uint256 locks);
    /// @notice {unlockWithdrawals} was called for `node` while it has no lock.
    error StakingVaultNotLocked(address node);
    /// @notice `account` has no reporter reward to claim.
    error StakingVaultNothingToClaim(address account);
    /// @notice Governance asked to send `amount` from the treasury share but only `held` is held.
    error StakingVaultInsufficientTreasury(uint256 amount, uint256 held);

    // ------------------------------------------------------------------------------------------------
    // Events
    // ------------------------------------------------------------------------------------------------

    /// @notice `amount` tokens were pulled from `from` and bonded to `node`; `bonded` is the node's bonded
    ///         stake afterwards. Emitted for registration and top-ups. Indexers may sum these (minus unbonding
    ///         and slashes) to rebuild bonded stake; `bonded` is authoritative.
    event StakeDeposited(address indexed node, address indexed from, uint256 amount, uint256 bonded);

    /// @notice `amount` of `node`'s bonded stake moved to its unbonding queue and becomes withdrawable at
    ///         `releaseAt`; `bonded` is the node's bonded stake afterwards. Emitted for unstake requests, exits
    ///         and bans. When a ban finds the queue full, the amount is merged into the newest entry, whose
    ///         release time becomes `releaseAt` (never earlier than before).
    event UnbondingStarted(address indexed node, uint256 amount, uint64 releaseAt, uint256 bonded);

    /// @notice `amount` of matured unbonding stake of `node` was sent to `to` (its operator); `unbonding` is
    ///         what remains in the node's queue.
    event StakeWithdrawn(address indexed node, address indexed to, uint256 amount, uint256 unbonding);

    /// @notice `amount` was slashed from `node`: `fromBonded` from bonded stake first, then `fromUnbonding`
    ///         from unbonding entries (oldest first). `reward` of it was credited to `reporter`, the rest
    ///         (`amount - reward`) to the treasury share. `amount` never exceeds the node's stake.
    event StakeSlashed(
        address indexed node,
        address indexed reporter,
        uint256 amount,
        uint256 fromBonded,
        uint256 fromUnbonding,
        uint256 reward
    );

    /// @notice A dispute locked withdrawals of `node`; `locks` is the number of open locks afterwards.
    event WithdrawalsLocked(address indexed node, uint256 locks);

    /// @notice A dispute released its lock on `node`; withdrawals resume when `locks` is 0.
    event WithdrawalsUnlocked(address indexed node, uint256 locks);

    /// @notice `reporter` was paid `amount` of its accumulated slashing rewards (its balance is now 0).
    event RewardClaimed(address indexed reporter, uint256 amount);

    /// @notice Governance sent `amount` of the treasury share to `to`.
    event TreasuryPaid(address indexed to, uint256 amount);

    // ------------------------------------------------------------------------------------------------
    // Registry-only (state changes driven by NodeRegistry)
    // ------------------------------------------------------------------------------------------------

    /// @notice Pulls `amount` from `from` (which must have approved the vault) and bonds it to `node`.
    /// @return bonded The node's bonded stake afterwards.
    function deposit(address node, address from, uint256 amount) external returns (uint256 bonded);

    /// @notice Moves `amount` of `node`'s bonded stake to a new unbonding entry maturing at `releaseAt`
    ///         (raised to the newest entry's release time if that is later).
    /// @return bonded The node's bonded stake afterwards.
    function requestUnbond(address node, uint256 amount, uint64 releaseAt) external returns (uint256 bonded);

    /// @notice Moves all of `node`'s bonded stake to unbonding (exit or ban). Never reverts for a full queue:
    ///         the amount is then merged into the newest entry. Does nothing when nothing is bonded.
    /// @return amount The amount moved.
    /// @return unbonding The node's unbonding stake afterwards.
    function unbondAll(address node, uint64 releaseAt) external returns (uint256 amount, uint256 unbonding);

    /// @notice Sends every matured unbonding entry of `node` to `to`.
    /// @return amount The amount sent.
    /// @return remaining The node's bonded plus unbonding stake afterwards.
    function withdraw(address node, address to) external returns (uint256 amount, uint256 remaining);

    /// @notice Slashes min(`amount`, bonded + unbonding) from `node`, bonded first, then unbonding entries
    ///         oldest first; credits `rewardBps` of it to `reporter` and the rest to the treasury share
    ///         (everything to the treasury when `reporter` is the zero address). The registry bounds `rewardBps`.
    /// @return slashed The amount slashed.
    /// @return bondedBefore The node's bonded stake before the slash.
    /// @return remaining The node's bonded plus unbonding stake afterwards.
    function slash(
        address node,
        uint256 amount,
        address reporter,
        uint16 rewardBps
    ) external returns (uint256 slashed, uint256 bondedBefore, uint256 remaining);

    /// @notice Adds one withdrawal lock on `node` (an open dispute).
    function lockWithdrawals(address node) external;

    /// @notice Removes one withdrawal lock from `node`.
    function unlockWithdrawals(address node) external;

    // ------------------------------------------------------------------------------------------------
    // Reporters and governance
    // ------------------------------------------------------------------------------------------------

    /// @notice Pays the caller all of its accumulated slashing rewards.
    function claimRewards() external returns (uint256 amount);

    /// @notice Sends `amount` of the held treasury share to `to`. GOVERNOR_ROLE only.
    function sendTreasury(address to, uint256 amount) external;

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @notice The staked token (PUSH).
    function token() external view returns (IERC20);

    /// @notice The NodeRegistry allowed to drive the vault.
    function registry() external view returns (address);

    /// @notice `node`'s bonded stake and the sum of its unbonding entries.
    function stakeOf(address node) external view returns (uint256 bonded, uint256 unbonding);

    /// @notice `node`'s pending unbonding entries, oldest first.
    function unbondingEntries(address node) external view returns (UnbondingEntry[] memory);

    /// @notice Number of open withdrawal locks on `node`.
    function withdrawalLocks(address node) external view returns (uint256);

    /// @notice Sum of all nodes' bonded stake.
    function totalBonded() external view returns (uint256);

    /// @notice Sum of all nodes' unbonding entries.
    function totalUnbonding() external view returns (uint256);

    /// @notice Sum of unclaimed reporter rewards.
    function totalRewards() external view returns (uint256);

    /// @notice Treasury share of slashes held by the vault.
    function treasuryBalance() external view returns (uint256);

    /// @notice Unclaimed reporter reward of `reporter`.
    function rewardsOf(address reporter) external view returns (uint256);
}
