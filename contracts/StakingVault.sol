// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IStakingVault} from "./interfaces/IStakingVault.sol";
import {INodeRegistry} from "./interfaces/INodeRegistry.sol";

/// @title StakingVault
/// @notice Holds staked PUSH: per-node bonded stake, a bounded unbonding queue per node, reporter rewards and
///         the treasury share of slashes. Operators top up and withdraw here directly; everything else is driven
///         by the NodeRegistry (see {IStakingVault}).
/// @dev Gas: a top-up or a withdrawal touches one proxy, one per-node slot (keyed by operator and node, so that
///      a caller who is not the operator finds an empty record without reading a separate operator slot), the
///      global totals slot (which also holds the pause flag) and, for an Active node's top-up, its role slot.
contract StakingVault is
    IStakingVault,
    Initializable,
    AccessControlUpgradeable,
    UUPSUpgradeable,
    ReentrancyGuardTransient
{
    using SafeERC20 for IERC20;

    /// @notice Governance (the timelock): upgrades and treasury payouts.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");

    /// @notice Largest number of pending unbonding entries per node.
    uint256 public constant MAX_UNBONDING_ENTRIES = 8;

    /// @inheritdoc IStakingVault
    uint256 public constant MAX_DEPOSIT_AGE = 30 days;

    uint256 private constant ROLE_COUNT = 4;

    /// @dev Per-node stake, one slot. The unbonding queue is a ring buffer of MAX_UNBONDING_ENTRIES slots:
    ///      the pending entries are at positions head, head+1, ..., head+count-1 (mod MAX_UNBONDING_ENTRIES).
    ///      `role` and `status` mirror the registry's record (status None = no record for this operator).
    struct NodeStake {
        uint96 bonded;
        uint96 unbonding;
        uint32 locks;
        uint8 head;
        uint8 count;
        uint8 role;
        INodeRegistry.Status status;
    }

    /// @dev Per-node extras, one slot, read only by quorum reports, deposits and locked withdrawals.
    ///      `depositedAt` is the time of the last deposit (registration or top-up); `agedBase` is the bonded stake
    ///      held before the first deposit of the current run of deposits less than MAX_DEPOSIT_AGE apart, so it
    ///      was deposited at least MAX_DEPOSIT_AGE before any later deposit; `locked` is the sum of the amounts of
    ///      the open withdrawal locks (`NodeStake.locks` counts them).
    struct NodeExtra {
        uint48 depositedAt;
        uint96 agedBase;
        uint96 locked;
    }

    /// @dev Per-role stake accounting, one slot.
    struct RoleStake {
        uint128 activeStake;
        uint96 minStake;
    }

    /// @custom:storage-location erc7201:push.storage.StakingVault
    struct StakingVaultStorage {
        // One slot, read and written by every top-up and withdrawal.
        uint128 totalBonded;
        uint120 totalUnbonding;
        bool paused;
        uint128 totalRewards;
        uint128 treasury;
        mapping(address operator => mapping(address node => NodeStake)) stakes;
        mapping(address node => address operator) operators;
        mapping(address node => UnbondingEntry[MAX_UNBONDING_ENTRIES]) queues;
        mapping(address reporter => uint256) rewards;
        RoleStake[ROLE_COUNT] roles;
        // Appended in wave 2: the provers' pause clock, quorum stake age and withdrawal locks by amount.
        PauseClock pauseClock;
        mapping(address source => bool) pausedBy;
        mapping(address node => NodeExtra) extras;
    }

    /// @dev The exposure clock: seconds during which at least one prover was paused. One slot.
    struct PauseClock {
        uint64 total; // seconds of the pauses that ended
        uint64 since; // start of the ongoing pause (when depth > 0)
        uint8 depth; // provers paused now
    }

    // keccak256(abi.encode(uint256(keccak256("push.storage.StakingVault")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION =
        0x78b6cc298eb5b6078290599ac8f51ff6743f04d6b5617cf29bbe9ba508556100;

    function _s() private pure returns (StakingVaultStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }

    /// @dev The staked token and the registry never change for a deployment, so they are immutables of the
    ///      implementation (saving a cold storage read on every call); every implementation of a deployment,
    ///      including upgrades, is constructed with the same two addresses.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IERC20 private immutable _token;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable _registry;

    modifier onlyRegistry() {
        if (msg.sender != _registry) revert StakingVaultNotRegistry(msg.sender);
        _;
    }

    /// @notice Implementation for the staked `token_`, driven by the NodeRegistry proxy `registry_`.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address token_, address registry_) {
        if (token_ == address(0) || registry_ == address(0)) revert StakingVaultZeroAddress();
        _token = IERC20(token_);
        _registry = registry_;
        _disableInitializers();
    }

    /// @notice Initializes the proxy: `governor` gets DEFAULT_ADMIN_ROLE and GOVERNOR_ROLE.
    function initialize(address governor) external initializer {
        if (governor == address(0)) revert StakingVaultZeroAddress();
        __AccessControl_init();
        _grantRole(DEFAULT_ADMIN_ROLE, governor);
        _grantRole(GOVERNOR_ROLE, governor);
    }

    // ------------------------------------------------------------------------------------------------
    // Operators
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IStakingVault
    function stake(address node, uint256 amount) external nonReentrant {
        _stake(node, amount);
    }

    /// @inheritdoc IStakingVault
    function stakeWithPermit(
        address node,
        uint256 amount,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant {
        // Front-run-safe permit: a failed permit (e.g. already submitted by someone else) is ignored and the
        // deposit relies on the allowance, which reverts with the token's error when insufficient.
        try
            IERC20Permit(address(_token)).permit(msg.sender, address(this), amount, deadline, v, r, s)
        {} catch {}
        _stake(node, amount);
    }

    /// @inheritdoc IStakingVault
    function withdraw(address node) external nonReentrant returns (uint256 amount) {
        StakingVaultStorage storage $ = _s();
        if ($.paused) revert EnforcedPause();
        NodeStake storage ref = $.stakes[msg.sender][node];
        NodeStake memory st = ref;
        if (st.status == INodeRegistry.Status.None) _revertNotOperator($, node);
        // Open disputes lock an amount: what leaves must keep their sum in the node's stake.
        uint256 free = type(uint256).max;
        uint256 locked;
        if (st.locks != 0) {
            locked = $.extras[node].locked;
            uint256 held = uint256(st.bonded) + st.unbonding;
            free = held > locked ? held - locked : 0;
        }
        UnbondingEntry[MAX_UNBONDING_ENTRIES] storage queue = $.queues[node];
        uint64 nextReleaseAt;
        // Entries hold their release time on the exposure clock (time minus the provers' paused time).
        uint64 paused = _pausedNow($);
        uint64 exposureNow = uint64(block.timestamp) - paused;
        while (st.count != 0) {
            UnbondingEntry storage e = queue[st.head];
            if (e.releaseAt > exposureNow) {
                nextReleaseAt = e.releaseAt + paused;
                break;
            }
            if (e.amount > free - amount) {
                // The lock holds the rest of this entry (and of the later ones) back.
                uint256 part = free - amount;
                if (part == 0 && amount == 0) revert StakingVaultWithdrawalsLocked(node, locked);
                e.amount -= uint96(part);
                amount += part;
                break;
            }
            amount += e.amount;
            delete queue[st.head];
            st.head = uint8(_index(st.head, 1));
            --st.count;
        }
        if (amount == 0) revert StakingVaultNothingToWithdraw(node, nextReleaseAt);
        st.unbonding -= uint96(amount);
        // An Exiting node has nothing bonded; once its queue is empty it is Exited.
        bool exited = st.status == INodeRegistry.Status.Exiting && st.unbonding == 0;
        ref.unbonding = st.unbonding;
        ref.head = st.head;
        ref.count = st.count;
        if (exited) ref.status = INodeRegistry.Status.Exited;
        $.totalUnbonding -= uint120(amount);
        emit StakeWithdrawn(node, msg.sender, amount, st.unbonding);
        if (exited) INodeRegistry(_registry).completeExit(node);
        _token.safeTransfer(msg.sender, amount);
    }

    // ------------------------------------------------------------------------------------------------
    // Registry-only
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IStakingVault
    function register(
        address node,
        address operator,
        uint8 role,
        uint256 amount
    ) external onlyRegistry nonReentrant {
        StakingVaultStorage storage $ = _s();
        if (amount > type(uint96).max) revert StakingVaultAmountTooLarge(amount, type(uint96).max);
        $.operators[node] = operator;
        NodeStake storage st = $.stakes[operator][node];
        st.bonded = uint96(amount);
        st.role = role;
        st.status = INodeRegistry.Status.Active;
        _noteDeposit($.extras[node], 0);
        $.roles[role].activeStake += uint128(amount);
        $.totalBonded += uint128(amount);
        emit StakeDeposited(node, operator, amount, amount);
        _pull(operator, amount);
    }

    /// @inheritdoc IStakingVault
    function requestUnbond(
        address node,
        address operator,
        uint256 amount,
        uint64 releaseAt
    ) external onlyRegistry returns (INodeRegistry.Status status, bool jailed) {
        StakingVaultStorage storage $ = _s();
        NodeStake memory st = $.stakes[operator][node];
        status = st.status;
        if (amount == 0 || (status != INodeRegistry.Status.Active && status != INodeRegistry.Status.Jailed)) {
            return (status, false);
        }
        if (amount > st.bonded) revert StakingVaultInsufficientStake(node, amount, st.bonded);
        if (st.count == MAX_UNBONDING_ENTRIES)
            revert StakingVaultUnbondingQueueFull(node, MAX_UNBONDING_ENTRIES);
        uint256 bondedBefore = st.bonded;
        releaseAt = _push($, node, st, amount, releaseAt);
        uint256 bonded = st.bonded;
        if (status == INodeRegistry.Status.Active) {
            RoleStake storage rs = $.roles[st.role];
            if (bonded < rs.minStake) {
                jailed = true;
                st.status = INodeRegistry.Status.Jailed;
                rs.activeStake -= uint128(bondedBefore);
            } else {
                rs.activeStake -= uint128(amount);
            }
        }
        $.stakes[operator][node] = st;
        $.totalBonded -= uint128(amount);
        $.totalUnbonding += uint120(amount);
        emit UnbondingStarted(node, amount, releaseAt, bonded);
    }

    /// @inheritdoc IStakingVault
    function setStatus(
        address node,
        INodeRegistry.Status status,
        uint64 releaseAt
    ) external onlyRegistry returns (uint256 moved, uint256 unbonding) {
        StakingVaultStorage storage $ = _s();
        NodeStake storage ref = $.stakes[$.operators[node]][node];
        NodeStake memory st = ref;
        if (st.status == INodeRegistry.Status.Active && status != INodeRegistry.Status.Active) {
            $.roles[st.role].activeStake -= st.bonded;
        } else if (st.status != INodeRegistry.Status.Active && status == INodeRegistry.Status.Active) {
            $.roles[st.role].activeStake += st.bonded;
        }
        st.status = status;
        moved = st.bonded;
        if ((status == INodeRegistry.Status.Exiting || status == INodeRegistry.Status.Banned) && moved != 0) {
            releaseAt = _moveAll($, node, st, moved, releaseAt);
            $.totalBonded -= uint128(moved);
            $.totalUnbonding += uint120(moved);
            emit UnbondingStarted(node, moved, releaseAt, 0);
        } else {
            moved = 0;
        }
        ref.bonded = st.bonded;
        ref.unbonding = st.unbonding;
        ref.count = st.count;
        ref.status = st.status;
        unbonding = st.unbonding;
    }

    /// @inheritdoc IStakingVault
    /// @dev One call does the slash and the status change that follows it (the registry used to make a second
    ///      call for the status): the node's slot, the totals and the role slot are each written once.
    function slash(
        address node,
        address operator,
        uint256 amount,
        uint16 stakeBps,
        address reporter,
        uint16 rewardBps,
        INodeRegistry.Status status,
        uint64 releaseAt
    ) external onlyRegistry returns (uint256 slashed, uint256 remaining) {
        StakingVaultStorage storage $ = _s();
        NodeStake storage ref = $.stakes[operator][node];
        NodeStake memory st = ref;
        uint256 fromBonded;
        (slashed, fromBonded, remaining) = _take($, node, st, amount, stakeBps);
        if (slashed == 0) return (0, remaining);
        _book($, node, reporter, rewardBps, slashed, fromBonded);
        _slashStatus($, node, ref, st, status, fromBonded, remaining, releaseAt);
    }

    /// @inheritdoc IStakingVault
    function lockWithdrawals(address node, uint256 amount) external onlyRegistry {
        StakingVaultStorage storage $ = _s();
        NodeStake storage st = $.stakes[$.operators[node]][node];
        NodeExtra storage x = $.extras[node];
        uint256 locks = st.locks + 1;
        uint256 locked = x.locked + amount;
        if (locked > type(uint96).max) revert StakingVaultAmountTooLarge(locked, type(uint96).max);
        st.locks = uint32(locks);
        x.locked = uint96(locked);
        emit WithdrawalsLocked(node, amount, locks, locked);
    }

    /// @inheritdoc IStakingVault
    function unlockWithdrawals(address node, uint256 amount) external onlyRegistry {
        StakingVaultStorage storage $ = _s();
        NodeStake storage st = $.stakes[$.operators[node]][node];
        if (st.locks == 0) revert StakingVaultNotLocked(node);
        NodeExtra storage x = $.extras[node];
        uint256 locks = st.locks - 1;
        // Locks taken before amounts existed hold 0; the last lock released frees everything.
        uint256 locked = locks == 0 || amount >= x.locked ? 0 : x.locked - amount;
        st.locks = uint32(locks);
        x.locked = uint96(locked);
        emit WithdrawalsUnlocked(node, amount, locks, locked);
    }

    /// @inheritdoc IStakingVault
    function notePause(address source, bool paused_) external onlyRegistry {
        StakingVaultStorage storage $ = _s();
        if ($.pausedBy[source] == paused_) return;
        $.pausedBy[source] = paused_;
        PauseClock memory c = $.pauseClock;
        if (paused_) {
            if (c.depth == 0) c.since = uint64(block.timestamp);
            ++c.depth;
        } else {
            --c.depth;
            if (c.depth == 0) c.total += uint64(block.timestamp) - c.since;
        }
        $.pauseClock = c;
        emit ProverPauseNoted(source, paused_, _pausedNow($));
    }

    /// @inheritdoc IStakingVault
    function setMinStake(uint8 role, uint256 minStake_) external onlyRegistry {
        _s().roles[role].minStake = uint96(minStake_);
    }

    /// @inheritdoc IStakingVault
    function setPaused(bool paused_) external onlyRegistry {
        _s().paused = paused_;
    }

    // ------------------------------------------------------------------------------------------------
    // Reporters and governance
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IStakingVault
    function claimRewards() external nonReentrant returns (uint256 amount) {
        StakingVaultStorage storage $ = _s();
        amount = $.rewards[msg.sender];
        if (amount == 0) revert StakingVaultNothingToClaim(msg.sender);
        $.rewards[msg.sender] = 0;
        $.totalRewards -= uint128(amount);
        emit RewardClaimed(msg.sender, amount);
        _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IStakingVault
    function sendTreasury(address to, uint256 amount) external onlyRole(GOVERNOR_ROLE) nonReentrant {
        if (to == address(0)) revert StakingVaultZeroAddress();
        StakingVaultStorage storage $ = _s();
        if (amount > $.treasury) revert StakingVaultInsufficientTreasury(amount, $.treasury);
        $.treasury -= uint128(amount);
        emit TreasuryPaid(to, amount);
        _token.safeTransfer(to, amount);
    }

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IStakingVault
    function token() external view returns (IERC20) {
        return _token;
    }

    /// @inheritdoc IStakingVault
    function registry() external view returns (address) {
        return _registry;
    }

    /// @inheritdoc IStakingVault
    function stakeOf(address node) external view returns (uint256 bonded, uint256 unbonding) {
        NodeStake storage st = _nodeStake(node);
        return (st.bonded, st.unbonding);
    }

    /// @inheritdoc IStakingVault
    function operatorOf(address node) external view returns (address) {
        return _s().operators[node];
    }

    /// @inheritdoc IStakingVault
    function statusOf(address node) external view returns (INodeRegistry.Status) {
        return _nodeStake(node).status;
    }

    /// @inheritdoc IStakingVault
    function activeStake(uint8 role) external view returns (uint256) {
        return role < ROLE_COUNT ? _s().roles[role].activeStake : 0;
    }

    /// @inheritdoc IStakingVault
    function minStake(uint8 role) external view returns (uint256) {
        return role < ROLE_COUNT ? _s().roles[role].minStake : 0;
    }

    /// @inheritdoc IStakingVault
    function paused() external view returns (bool) {
        return _s().paused;
    }

    /// @inheritdoc IStakingVault
    /// @dev `releaseAt` is shown in wall-clock time as of now: the stored exposure-clock time plus the paused
    ///      time so far (it moves later while a prover is paused).
    function unbondingEntries(address node) external view returns (UnbondingEntry[] memory entries) {
        StakingVaultStorage storage $ = _s();
        NodeStake memory st = _nodeStake(node);
        uint64 paused = _pausedNow($);
        entries = new UnbondingEntry[](st.count);
        for (uint256 i = 0; i < st.count; ++i) {
            UnbondingEntry memory e = $.queues[node][_index(st.head, i)];
            e.releaseAt += paused;
            entries[i] = e;
        }
    }

    /// @inheritdoc IStakingVault
    function pausedDuration() external view returns (uint256) {
        return _pausedNow(_s());
    }

    /// @inheritdoc IStakingVault
    function withdrawalLocks(address node) external view returns (uint256) {
        return _nodeStake(node).locks;
    }

    /// @inheritdoc IStakingVault
    function lockedAmount(address node) external view returns (uint256) {
        return _s().extras[node].locked;
    }

    /// @inheritdoc IStakingVault
    function quorumStakesOf(
        address[] calldata nodes,
        uint8 role,
        uint256 age
    ) external view returns (uint256 counted, uint256 invalid) {
        if (age > MAX_DEPOSIT_AGE) revert StakingVaultAgeTooLong(age, MAX_DEPOSIT_AGE);
        StakingVaultStorage storage $ = _s();
        for (uint256 i; i < nodes.length; ++i) {
            address node = nodes[i];
            NodeStake storage st = $.stakes[$.operators[node]][node];
            (INodeRegistry.Status status, uint8 nodeRole, uint256 bonded) = (st.status, st.role, st.bonded);
            if (status != INodeRegistry.Status.Active || nodeRole != role) return (counted, i + 1);
            NodeExtra storage x = $.extras[node];
            (uint256 depositedAt, uint256 agedBase) = (x.depositedAt, x.agedBase);
            if (block.timestamp - depositedAt >= age) counted += bonded;
            else counted += agedBase < bonded ? agedBase : bonded;
        }
    }

    /// @inheritdoc IStakingVault
    function totalBonded() external view returns (uint256) {
        return _s().totalBonded;
    }

    /// @inheritdoc IStakingVault
    function totalUnbonding() external view returns (uint256) {
        return _s().totalUnbonding;
    }

    /// @inheritdoc IStakingVault
    function totalRewards() external view returns (uint256) {
        return _s().totalRewards;
    }

    /// @inheritdoc IStakingVault
    function treasuryBalance() external view returns (uint256) {
        return _s().treasury;
    }

    /// @inheritdoc IStakingVault
    function rewardsOf(address reporter) external view returns (uint256) {
        return _s().rewards[reporter];
    }

    // ------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------

    function _stake(address node, uint256 amount) private {
        StakingVaultStorage storage $ = _s();
        if ($.paused) revert EnforcedPause();
        NodeStake storage ref = $.stakes[msg.sender][node];
        uint256 bonded = ref.bonded;
        INodeRegistry.Status status = ref.status;
        if (status != INodeRegistry.Status.Active && status != INodeRegistry.Status.Jailed) {
            if (status == INodeRegistry.Status.None) _revertNotOperator($, node);
            revert StakingVaultInvalidStatus(node, status);
        }
        if (amount == 0) revert StakingVaultZeroAmount();
        uint256 room = type(uint96).max - bonded - ref.unbonding;
        if (amount > room) revert StakingVaultAmountTooLarge(amount, room);
        _noteDeposit($.extras[node], bonded);
        bonded += amount;
        ref.bonded = uint96(bonded);
        if (status == INodeRegistry.Status.Active) $.roles[ref.role].activeStake += uint128(amount);
        $.totalBonded += uint128(amount);
        emit StakeDeposited(node, msg.sender, amount, bonded);
        _pull(msg.sender, amount);
    }

    /// @dev Records a deposit to a node that held `bondedBefore` bonded: a deposit MAX_DEPOSIT_AGE or more after
    ///      the previous one starts a new run, whose aged base is what the node held before it.
    function _noteDeposit(NodeExtra storage x, uint256 bondedBefore) private {
        if (block.timestamp - x.depositedAt >= MAX_DEPOSIT_AGE) x.agedBase = uint96(bondedBefore);
        x.depositedAt = uint48(block.timestamp);
    }

    /// @dev Pulls exactly `amount` from `from`; refuses tokens that deliver less (balance-difference check).
    function _pull(address from, uint256 amount) private {
        uint256 before = _token.balanceOf(address(this));
        _token.safeTransferFrom(from, address(this), amount);
        uint256 received = _token.balanceOf(address(this)) - before;
        if (received != amount) revert StakingVaultFeeOnTransfer(amount, received);
    }

    /// @dev The caller has no record for `node`: either nobody registered it or someone else operates it.
    function _revertNotOperator(StakingVaultStorage storage $, address node) private view {
        address operator = $.operators[node];
        if (operator == address(0)) revert StakingVaultUnknownNode(node);
        revert StakingVaultNotOperator(node, msg.sender, operator);
    }

    function _nodeStake(address node) private view returns (NodeStake storage) {
        StakingVaultStorage storage $ = _s();
        return $.stakes[$.operators[node]][node];
    }

    /// @dev Slashes min(`amount`, or `stakeBps` of the stake when not zero, bonded + unbonding) from `st`, bonded
    ///      first, then unbonding entries oldest first (deleting emptied entries of `node`'s queue). Returns the
    ///      amount slashed, the part of it taken from bonded stake, and the stake left.
    function _take(
        StakingVaultStorage storage $,
        address node,
        NodeStake memory st,
        uint256 amount,
        uint16 stakeBps
    ) private returns (uint256 slashed, uint256 fromBonded, uint256 remaining) {
        uint256 held = uint256(st.bonded) + st.unbonding;
        if (stakeBps != 0) {
            amount = (held * stakeBps) / 10_000;
            if (amount == 0) amount = 1; // a node with stake always loses something
        }
        slashed = amount < held ? amount : held;
        remaining = held - slashed;
        if (slashed == 0) return (0, 0, remaining);
        fromBonded = slashed < st.bonded ? slashed : st.bonded;
        st.bonded -= uint96(fromBonded);
        uint256 left = slashed - fromBonded;
        if (left != 0) {
            st.unbonding -= uint96(left);
            UnbondingEntry[MAX_UNBONDING_ENTRIES] storage queue = $.queues[node];
            // Oldest entries first; at most MAX_UNBONDING_ENTRIES iterations.
            while (left != 0) {
                UnbondingEntry storage e = queue[st.head];
                if (e.amount > left) {
                    e.amount -= uint96(left);
                    left = 0;
                } else {
                    left -= e.amount;
                    delete queue[st.head];
                    st.head = uint8(_index(st.head, 1));
                    --st.count;
                }
            }
        }
    }

    /// @dev Books a slash of `slashed` (`fromBonded` of it bonded, the rest unbonding): totals, the reporter's
    ///      reward and the treasury share.
    function _book(
        StakingVaultStorage storage $,
        address node,
        address reporter,
        uint16 rewardBps,
        uint256 slashed,
        uint256 fromBonded
    ) private {
        uint256 fromUnbonding = slashed - fromBonded;
        uint256 reward = reporter == address(0) ? 0 : (slashed * rewardBps) / 10_000;
        // New values first, then the writes side by side: each totals slot is written once.
        uint128 totalBonded_ = $.totalBonded - uint128(fromBonded);
        uint120 totalUnbonding_ = $.totalUnbonding - uint120(fromUnbonding);
        uint128 totalRewards_ = $.totalRewards + uint128(reward);
        uint128 treasury_ = $.treasury + uint128(slashed - reward);
        $.totalBonded = totalBonded_;
        $.totalUnbonding = totalUnbonding_;
        $.totalRewards = totalRewards_;
        $.treasury = treasury_;
        if (reward != 0) $.rewards[reporter] += reward;
        emit StakeSlashed(node, reporter, slashed, fromBonded, fromUnbonding, reward);
    }

    /// @dev The status change that comes with a slash of `fromBonded` bonded stake leaving `remaining` (as
    ///      {setStatus} would do it), and the write of `st` to `ref`: the node takes `status` (Exited instead of
    ///      Exiting when nothing remains); leaving Active takes the bonded stake it had out of the role's active
    ///      stake; Banned moves all bonded stake to unbonding maturing at `releaseAt`.
    function _slashStatus(
        StakingVaultStorage storage $,
        address node,
        NodeStake storage ref,
        NodeStake memory st,
        INodeRegistry.Status status,
        uint256 fromBonded,
        uint256 remaining,
        uint64 releaseAt
    ) private {
        if (status == INodeRegistry.Status.Exiting && remaining == 0) status = INodeRegistry.Status.Exited;
        if (st.status == INodeRegistry.Status.Active) {
            $.roles[st.role].activeStake -= uint128(
                status == INodeRegistry.Status.Active ? fromBonded : fromBonded + st.bonded
            );
        }
        st.status = status;
        uint256 moved = status == INodeRegistry.Status.Banned ? st.bonded : 0;
        if (moved != 0) releaseAt = _moveAll($, node, st, moved, releaseAt);
        ref.bonded = st.bonded;
        ref.unbonding = st.unbonding;
        ref.head = st.head;
        ref.count = st.count;
        ref.status = st.status;
        if (moved != 0) {
            $.totalBonded -= uint128(moved);
            $.totalUnbonding += uint120(moved);
            emit UnbondingStarted(node, moved, releaseAt, 0);
        }
    }

    /// @dev Moves `moved` (all of `st`'s bonded stake) to unbonding maturing at `releaseAt`; never reverts for a
    ///      full queue: the amount is then merged into the newest entry, whose release time can only move later.
    ///      Returns the release time used.
    function _moveAll(
        StakingVaultStorage storage $,
        address node,
        NodeStake memory st,
        uint256 moved,
        uint64 releaseAt
    ) private returns (uint64) {
        if (st.count != MAX_UNBONDING_ENTRIES) return _push($, node, st, moved, releaseAt);
        UnbondingEntry storage last = $.queues[node][_index(st.head, st.count - 1)];
        last.amount += uint96(moved);
        uint64 paused = _pausedNow($);
        releaseAt -= paused; // on the exposure clock
        if (last.releaseAt > releaseAt) releaseAt = last.releaseAt;
        last.releaseAt = releaseAt;
        st.bonded = 0;
        st.unbonding += uint96(moved);
        return releaseAt + paused;
    }

    /// @dev Appends an entry (the queue is not full) and moves `amount` from bonded to unbonding in `st`.
    ///      Keeps release times non-decreasing along the queue; returns the release time used (in wall-clock
    ///      time; the entry stores it on the exposure clock, i.e. minus the provers' paused time so far).
    function _push(
        StakingVaultStorage storage $,
        address node,
        NodeStake memory st,
        uint256 amount,
        uint64 releaseAt
    ) private returns (uint64) {
        UnbondingEntry[MAX_UNBONDING_ENTRIES] storage queue = $.queues[node];
        uint64 paused = _pausedNow($);
        releaseAt -= paused; // stored on the exposure clock
        if (st.count != 0) {
            uint64 lastRelease = queue[_index(st.head, st.count - 1)].releaseAt;
            if (lastRelease > releaseAt) releaseAt = lastRelease;
        }
        queue[_index(st.head, st.count)] = UnbondingEntry(uint96(amount), releaseAt);
        ++st.count;
        st.bonded -= uint96(amount);
        st.unbonding += uint96(amount);
        return releaseAt + paused;
    }

    /// @dev Seconds the provers have been paused, the ongoing pause included.
    function _pausedNow(StakingVaultStorage storage $) private view returns (uint64) {
        PauseClock memory c = $.pauseClock;
        return c.depth == 0 ? c.total : c.total + uint64(block.timestamp) - c.since;
    }

    function _index(uint256 head, uint256 offset) private pure returns (uint256) {
        return (head + offset) % MAX_UNBONDING_ENTRIES;
    }

    function _authorizeUpgrade(address) internal override onlyRole(GOVERNOR_ROLE) {}
}
