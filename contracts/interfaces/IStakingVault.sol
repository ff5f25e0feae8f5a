// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {INodeRegistry} from "./INodeRegistry.sol";

/// @title IStakingVault
/// @notice Custody of staked PUSH for Push Nodes. Per node (a node is its signer address) the vault keeps the
///         bonded stake and a bounded FIFO queue of unbonding entries. Stake that is unbonding stays slashable
///         until it is withdrawn. Slashed tokens are split between the reporter (credited, pulled with
///         {claimRewards}) and the treasury (held here and paid out by governance with {sendTreasury}).
///
///         Operators call the vault directly for the calls that move their tokens: {stake} / {stakeWithPermit}
///         (top-up) and {withdraw}. Everything else (registration, unstake requests, status changes, slashing,
///         parameters, pause) goes through the NodeRegistry, which drives the registry-only functions here.
///         To serve operators without a call into the registry, the vault keeps, per node, its operator (set
///         once at registration), role and a mirror of its registry status (written by the registry on every
///         status change), the per-role minimum stake and the active stake per role
///         (`activeStake(role)` = sum of the bonded stake of nodes whose status is Active). The only call
///         from the vault into the registry is {INodeRegistry.completeExit}, when a withdrawal empties an
///         Exiting node.
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
    /// @notice A withdrawal of `node` would leave less than `locked` (the amount open disputes hold at risk) in
    ///         its bonded plus unbonding stake; nothing matured can leave now.
    error StakingVaultWithdrawalsLocked(address node, uint256 locked);
    /// @notice {quorumStakesOf} was asked about an age above {MAX_DEPOSIT_AGE} (`max`).
    error StakingVaultAgeTooLong(uint256 age, uint256 max);
    /// @notice {unlockWithdrawals} was called for `node` while it has no lock.
    error StakingVaultNotLocked(address node);
    /// @notice `account` has no reporter reward to claim.
    error StakingVaultNothingToClaim(address account);
    /// @notice Governance asked to send `amount` from the treasury share but only `held` is held.
    error StakingVaultInsufficientTreasury(uint256 amount, uint256 held);
    /// @notice `node` was never registered.
    error StakingVaultUnknownNode(address node);
    /// @notice `caller` is not the operator of `node` (`operator` is).
    error StakingVaultNotOperator(address node, address caller, address operator);
    /// @notice The action is not allowed while `node` is in `status` (a top-up needs Active or Jailed).
    error StakingVaultInvalidStatus(address node, INodeRegistry.Status status);
    /// @notice An amount argument was zero.
    error StakingVaultZeroAmount();
    /// @notice An operator function was called while paused (same error as OpenZeppelin's Pausable and the
    ///         registry's). The guardian pauses the registry and the vault together.
    error EnforcedPause();

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

    /// @notice The prover `source` paused (`paused`) or unpaused its fault proofs; `pausedDuration` is the
    ///         exposure clock's total paused time afterwards (see {IStakingVault.pausedDuration}).
    event ProverPauseNoted(address indexed source, bool paused, uint256 pausedDuration);

    /// @notice A dispute locked `amount` of `node`'s stake: from now on a withdrawal must leave at least
    ///         `locked` (the sum over its open locks, of which there are `locks`) in bonded plus unbonding stake.
    event WithdrawalsLocked(address indexed node, uint256 amount, uint256 locks, uint256 locked);

    /// @notice A dispute released its lock of `amount` on `node`; `locks` locks holding `locked` remain
    ///         (withdrawals are free when `locks` is 0).
    event WithdrawalsUnlocked(address indexed node, uint256 amount, uint256 locks, uint256 locked);

    /// @notice `reporter` was paid `amount` of its accumulated slashing rewards (its balance is now 0).
    event RewardClaimed(address indexed reporter, uint256 amount);

    /// @notice Governance sent `amount` of the treasury share to `to`.
    event TreasuryPaid(address indexed to, uint256 amount);

    // ------------------------------------------------------------------------------------------------
    // Operators (revert with `EnforcedPause()` while paused)
    // ------------------------------------------------------------------------------------------------

    /// @notice Tops up `node`'s bonded stake by `amount` pulled from the caller, which must be the node's
    ///         operator and must have approved the vault. Active or Jailed nodes only; a Jailed node stays
    ///         Jailed until {INodeRegistry.unjail}.
    function stake(address node, uint256 amount) external;

    /// @notice {stake} with an EIP-2612 permit for the vault (spender) signed by the caller. A permit that fails
    ///         (e.g. already used by a front-runner) is ignored; the allowance must then suffice.
    function stakeWithPermit(
        address node,
        uint256 amount,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice Sends all matured unbonding stake of `node` to its operator (the caller). An Exiting node with
    ///         nothing left becomes Exited (the registry emits the status change). Reverts while a dispute
    ///         locks the node's withdrawals.
    /// @return amount The amount sent.
    function withdraw(address node) external returns (uint256 amount);

    // ------------------------------------------------------------------------------------------------
    // Registry-only (state changes driven by NodeRegistry)
    // ------------------------------------------------------------------------------------------------

    /// @notice Records a new `node` of `operator` with `role` (status Active) and bonds `amount` pulled from
    ///         `operator`, who must have approved the vault. The registry has checked the role minimum.
    function register(address node, address operator, uint8 role, uint256 amount) external;

    /// @notice Moves `amount` of `node`'s bonded stake (held for `operator`) to a new unbonding entry maturing
    ///         at `releaseAt` (raised to the newest entry's release time if that is later). An Active node whose
    ///         bonded stake falls below its role minimum is marked Jailed here; the registry records it.
    ///         Does nothing when `amount` is 0 or the node (as held for `operator`) is not Active or Jailed: the
    ///         registry then reverts with the matching error (this saves it a storage read on the normal path).
    /// @return status The node's status as recorded for `operator` before the call (None: no such record).
    /// @return jailed Whether the node went from Active to Jailed.
    function requestUnbond(
        address node,
        address operator,
        uint256 amount,
        uint64 releaseAt
    ) external returns (INodeRegistry.Status status, bool jailed);

    /// @notice Mirrors a registry status change of `node` to `status`, moving its bonded stake in or out of the
    ///         role's active stake. Exiting and Banned also move all bonded stake to unbonding (maturing at
    ///         `releaseAt`); this never reverts for a full queue: the amount is then merged into the newest entry.
    /// @return moved The amount moved from bonded to unbonding.
    /// @return unbonding The node's unbonding stake afterwards.
    function setStatus(
        address node,
        INodeRegistry.Status status,
        uint64 releaseAt
    ) external returns (uint256 moved, uint256 unbonding);

    /// @notice Slashes min(`amount`, bonded + unbonding) from `node` (held for `operator`, which the registry
    ///         passes from its record), bonded first, then unbonding entries oldest first; credits `rewardBps` of
    ///         it to `reporter` and the rest to the treasury share (everything to the treasury when `reporter` is
    ///         the zero address). When `stakeBps` is not zero, `amount` is ignored and the amount is `stakeBps` of
    ///         the node's bonded plus unbonding stake (at least 1 when it has any). The registry bounds
    ///         `rewardBps`. When something is slashed the node's status mirror becomes `status` in the same call
    ///         (the registry passes Jailed, Banned or the current status; leaving Active takes the node's bonded
    ///         stake out of the role's active stake, and Banned also moves it all to unbonding maturing at
    ///         `releaseAt`, as {setStatus} does); an Exiting node whose last stake is slashed becomes Exited.
    ///         Nothing changes when nothing is slashed.
    /// @return slashed The amount slashed.
    /// @return remaining The node's bonded plus unbonding stake afterwards.
    function slash(
        address node,
        address operator,
        uint256 amount,
        uint16 stakeBps,
        address reporter,
        uint16 rewardBps,
        INodeRegistry.Status status,
        uint64 releaseAt
    ) external returns (uint256 slashed, uint256 remaining);

    /// @notice Adds one withdrawal lock of `amount` on `node` (an open dispute): {withdraw} then pays only what
    ///         leaves the sum of the open locks' amounts in the node's bonded plus unbonding stake.
    function lockWithdrawals(address node, uint256 amount) external;

    /// @notice Removes one withdrawal lock of `amount` from `node` (the amount its lock was given).
    function unlockWithdrawals(address node, uint256 amount) external;

    /// @notice Records that the prover `source` (a slashing contract, through the registry) paused or
    ///         unpaused its proofs. While any prover is paused the vault's exposure clock stands still: no
    ///         unbonding entry matures, and every entry matures that much later (see {pausedDuration}).
    ///         Repeating the current state of `source` changes nothing.
    function notePause(address source, bool paused) external;

    /// @notice Sets the minimum bonded stake of `role` (the registry checks the bounds and emits the event).
    function setMinStake(uint8 role, uint256 minStake) external;

    /// @notice Pauses or unpauses {stake}, {stakeWithPermit} and {withdraw} together with the registry.
    function setPaused(bool paused) external;

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

    /// @notice The operator of `node` (zero when never registered).
    function operatorOf(address node) external view returns (address);

    /// @notice The vault's mirror of `node`'s registry status (always equal to the registry's).
    function statusOf(address node) external view returns (INodeRegistry.Status);

    /// @notice Sum of the bonded stake of Active nodes of `role` (O(1)). Any uint8 is accepted (0 beyond roles).
    function activeStake(uint8 role) external view returns (uint256);

    /// @notice Minimum bonded stake of `role` (set through the registry).
    function minStake(uint8 role) external view returns (uint256);

    /// @notice Whether {stake}, {stakeWithPermit} and {withdraw} are paused.
    function paused() external view returns (bool);

    /// @notice `node`'s pending unbonding entries, oldest first.
    function unbondingEntries(address node) external view returns (UnbondingEntry[] memory);

    /// @notice Seconds during which at least one prover (Slashing, SlashingCourt) was paused, the ongoing
    ///         pause included. Unbonding entries mature on the exposure clock (time minus this), so a guardian
    ///         pause of the provers never shortens the time unbonding stake stays slashable.
    function pausedDuration() external view returns (uint256);

    /// @notice Number of open withdrawal locks on `node`.
    function withdrawalLocks(address node) external view returns (uint256);

    /// @notice Sum of the amounts of `node`'s open withdrawal locks: a withdrawal must leave this much in its
    ///         bonded plus unbonding stake.
    function lockedAmount(address node) external view returns (uint256);

    /// @notice Largest `age` {quorumStakesOf} answers for (30 days, the hard upper bound of the court's fault window).
    function MAX_DEPOSIT_AGE() external view returns (uint256);

    /// @notice What quorum reports count of `nodes`, in one call: the sum of their `aged` bonded stake, the part
    ///         of each one's bonded stake not deposited within the last `age` seconds (at most
    ///         {MAX_DEPOSIT_AGE}). All of `nodes` must be Active nodes of `role`; otherwise `invalid` is the index + 1
    ///         of the first that is not (and `counted` is meaningless). `aged` is a lower bound: a node whose
    ///         deposits follow each other less than {MAX_DEPOSIT_AGE} apart counts only what it held before the
    ///         first of them until `age` has passed since the last; a node registered less than `age` ago counts
    ///         nothing; with `age` 0 all bonded stake counts. O(nodes.length).
    function quorumStakesOf(
        address[] calldata nodes,
        uint8 role,
        uint256 age
    ) external view returns (uint256 counted, uint256 invalid);

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
