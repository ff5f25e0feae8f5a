// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IStakingVault} from "./interfaces/IStakingVault.sol";

/// @title StakingVault
/// @notice Holds staked PUSH: per-node bonded stake, a bounded unbonding queue per node, reporter rewards and
///         the treasury share of slashes. Driven only by the NodeRegistry (see {IStakingVault}).
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

    /// @dev Per-node stake, one slot. The unbonding queue is a ring buffer of MAX_UNBONDING_ENTRIES slots:
    ///      the pending entries are at positions head, head+1, ..., head+count-1 (mod MAX_UNBONDING_ENTRIES).
    struct NodeStake {
        uint96 bonded;
        uint96 unbonding;
        uint32 locks;
        uint8 head;
        uint8 count;
    }

    /// @custom:storage-location erc7201:push.storage.StakingVault
    struct StakingVaultStorage {
        uint128 totalBonded;
        uint128 totalUnbonding;
        uint128 totalRewards;
        uint128 treasury;
        mapping(address node => NodeStake) stakes;
        mapping(address node => UnbondingEntry[MAX_UNBONDING_ENTRIES]) queues;
        mapping(address reporter => uint256) rewards;
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
    // Registry-only
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IStakingVault
    function deposit(
        address node,
        address from,
        uint256 amount
    ) external onlyRegistry nonReentrant returns (uint256 bonded) {
        StakingVaultStorage storage $ = _s();
        NodeStake storage st = $.stakes[node];
        uint256 room = type(uint96).max - uint256(st.bonded) - st.unbonding;
        if (amount > room) revert StakingVaultAmountTooLarge(amount, room);
        bonded = st.bonded + amount;
        st.bonded = uint96(bonded);
        $.totalBonded += uint128(amount);
        emit StakeDeposited(node, from, amount, bonded);

        uint256 before = _token.balanceOf(address(this));
        _token.safeTransferFrom(from, address(this), amount);
        uint256 received = _token.balanceOf(address(this)) - before;
        if (received != amount) revert StakingVaultFeeOnTransfer(amount, received);
    }

    /// @inheritdoc IStakingVault
    function requestUnbond(
        address node,
        uint256 amount,
        uint64 releaseAt
    ) external onlyRegistry returns (uint256 bonded) {
        StakingVaultStorage storage $ = _s();
        NodeStake memory st = $.stakes[node];
        if (amount > st.bonded) revert StakingVaultInsufficientStake(node, amount, st.bonded);
        if (st.count == MAX_UNBONDING_ENTRIES)
            revert StakingVaultUnbondingQueueFull(node, MAX_UNBONDING_ENTRIES);
        releaseAt = _push($, node, st, amount, releaseAt);
        $.stakes[node] = st;
        $.totalBonded -= uint128(amount);
        $.totalUnbonding += uint128(amount);
        emit UnbondingStarted(node, amount, releaseAt, st.bonded);
        return st.bonded;
    }

    /// @inheritdoc IStakingVault
    function unbondAll(
        address node,
        uint64 releaseAt
    ) external onlyRegistry returns (uint256 amount, uint256 unbonding) {
        StakingVaultStorage storage $ = _s();
        NodeStake memory st = $.stakes[node];
        amount = st.bonded;
        if (amount == 0) return (0, st.unbonding);
        if (st.count == MAX_UNBONDING_ENTRIES) {
            // Full queue: merge into the newest entry, whose release time can only move later.
            UnbondingEntry storage last = $.queues[node][_index(st.head, st.count - 1)];
            last.amount += uint96(amount);
            if (last.releaseAt > releaseAt) releaseAt = last.releaseAt;
            last.releaseAt = releaseAt;
            st.bonded = 0;
            st.unbonding += uint96(amount);
        } else {
            releaseAt = _push($, node, st, amount, releaseAt);
        }
        $.stakes[node] = st;
        $.totalBonded -= uint128(amount);
        $.totalUnbonding += uint128(amount);
        emit UnbondingStarted(node, amount, releaseAt, 0);
        return (amount, st.unbonding);
    }

    /// @inheritdoc IStakingVault
    function withdraw(
        address node,
        address to
    ) external onlyRegistry nonReentrant returns (uint256 amount, uint256 remaining) {
        StakingVaultStorage storage $ = _s();
        NodeStake memory st = $.stakes[node];
        if (st.locks != 0) revert StakingVaultWithdrawalsLocked(node, st.locks);
        UnbondingEntry[MAX_UNBONDING_ENTRIES] storage queue = $.queues[node];
        uint64 nextReleaseAt;
        while (st.count != 0) {
            UnbondingEntry storage e = queue[st.head];
            if (e.releaseAt > block.timestamp) {
                nextReleaseAt = e.releaseAt;
                break;
            }
            amount += e.amount;
            delete queue[st.head];
            st.head = uint8(_index(st.head, 1));
            --st.count;
        }
        if (amount == 0) revert StakingVaultNothingToWithdraw(node, nextReleaseAt);
        st.unbonding -= uint96(amount);
        $.stakes[node] = st;
        $.totalUnbonding -= uint128(amount);
        emit StakeWithdrawn(node, to, amount, st.unbonding);
        _token.safeTransfer(to, amount);
        remaining = uint256(st.bonded) + st.unbonding;
    }

    /// @inheritdoc IStakingVault
    function slash(
        address node,
        uint256 amount,
        address reporter,
        uint16 rewardBps
    ) external onlyRegistry returns (uint256 slashed, uint256 bondedBefore, uint256 remaining) {
        StakingVaultStorage storage $ = _s();
        NodeStake memory st = $.stakes[node];
        bondedBefore = st.bonded;
        uint256 held = uint256(st.bonded) + st.unbonding;
        slashed = amount < held ? amount : held;
        if (slashed == 0) return (0, bondedBefore, held);

        uint256 fromBonded = slashed < st.bonded ? slashed : st.bonded;
        uint256 fromUnbonding = slashed - fromBonded;
        st.bonded -= uint96(fromBonded);
        if (fromUnbonding != 0) {
            st.unbonding -= uint96(fromUnbonding);
            UnbondingEntry[MAX_UNBONDING_ENTRIES] storage queue = $.queues[node];
            uint256 left = fromUnbonding;
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
        $.stakes[node] = st;

        uint256 reward = reporter == address(0) ? 0 : (slashed * rewardBps) / 10_000;
        $.totalBonded -= uint128(fromBonded);
        $.totalUnbonding -= uint128(fromUnbonding);
        if (reward != 0) {
            $.rewards[reporter] += reward;
            $.totalRewards += uint128(reward);
        }
        $.treasury += uint128(slashed - reward);
        emit StakeSlashed(node, reporter, slashed, fromBonded, fromUnbonding, reward);
        remaining = held - slashed;
    }

    /// @inheritdoc IStakingVault
    function lockWithdrawals(address node) external onlyRegistry {
        NodeStake storage st = _s().stakes[node];
        uint256 locks = st.locks + 1;
        st.locks = uint32(locks);
        emit WithdrawalsLocked(node, locks);
    }

    /// @inheritdoc IStakingVault
    function unlockWithdrawals(address node) external onlyRegistry {
        NodeStake storage st = _s().stakes[node];
        if (st.locks == 0) revert StakingVaultNotLocked(node);
        uint256 locks = st.locks - 1;
        st.locks = uint32(locks);
        emit WithdrawalsUnlocked(node, locks);
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
        NodeStake storage st = _s().stakes[node];
        return (st.bonded, st.unbonding);
    }

    /// @inheritdoc IStakingVault
    function unbondingEntries(address node) external view returns (UnbondingEntry[] memory entries) {
        StakingVaultStorage storage $ = _s();
        NodeStake memory st = $.stakes[node];
        entries = new UnbondingEntry[](st.count);
        for (uint256 i = 0; i < st.count; ++i) {
            entries[i] = $.queues[node][_index(st.head, i)];
        }
    }

    /// @inheritdoc IStakingVault
    function withdrawalLocks(address node) external view returns (uint256) {
        return _s().stakes[node].locks;
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

    /// @dev Appends an entry (the queue is not full) and moves `amount` from bonded to unbonding in `st`.
    ///      Keeps release times non-decreasing along the queue; returns the release time used.
    function _push(
        StakingVaultStorage storage $,
        address node,
        NodeStake memory st,
        uint256 amount,
        uint64 releaseAt
    ) private returns (uint64) {
        UnbondingEntry[MAX_UNBONDING_ENTRIES] storage queue = $.queues[node];
        if (st.count != 0) {
            uint64 lastRelease = queue[_index(st.head, st.count - 1)].releaseAt;
            if (lastRelease > releaseAt) releaseAt = lastRelease;
        }
        queue[_index(st.head, st.count)] = UnbondingEntry(uint96(amount), releaseAt);
        ++st.count;
        st.bonded -= uint96(amount);
        st.unbonding += uint96(amount);
        return releaseAt;
    }

    function _index(uint256 head, uint256 offset) private pure returns (uint256) {
        return (head + offset) % MAX_UNBONDING_ENTRIES;
    }

    function _authorizeUpgrade(address) internal override onlyRole(GOVERNOR_ROLE) {}
}
