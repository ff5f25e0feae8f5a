// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {IStakingVault} from "./interfaces/IStakingVault.sol";
import {ISlashingCourt} from "./interfaces/ISlashingCourt.sol";

/// @title NodeRegistry
/// @notice Push Node records, roles, status graph and staking parameters; the entry point for registration,
///         unstake requests, status changes and pause, and for the slashing contract (see {INodeRegistry}). Stake
///         itself is held by the {IStakingVault}, which operators call directly to top up and withdraw.
/// @dev Calls into the vault happen after this contract's checks and, where the outcome does not depend on the
///      vault's answer, after its effects. Where it does (jailing after an unstake, stake left after an exit or
///      a slash), the record is updated right after the call; the vault is our own contract and both
///      contracts are `nonReentrant` on every path that moves tokens. Every status change here is mirrored to the
///      vault ({IStakingVault.setStatus} or inside {IStakingVault.requestUnbond}), which keeps the per-role
///      active stake and checks top-ups and withdrawals on its own.
contract NodeRegistry is
    INodeRegistry,
    Initializable,
    AccessControlUpgradeable,
    UUPSUpgradeable,
    EIP712Upgradeable,
    ReentrancyGuardTransient
{
    /// @notice Governance (the timelock): parameters, unpause, upgrades, role admin.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    /// @notice May pause operator functions; cannot unpause.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    /// @notice The slashing contract: {slash}, {lockWithdrawals}, {unlockWithdrawals}.
    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");
    /// @notice EIP-712 type of a signer's consent to be registered by `operator` (see {registerNode}).
    bytes32 public constant SIGNER_CONSENT_TYPEHASH = keccak256(
        "SignerConsent(address signer,address operator)"
    );

    uint8 public constant VALIDATOR = 0;
    uint8 public constant STORAGE = 1;
    uint8 public constant DELIVERY = 2;
    uint8 public constant ARCHIVE = 3;
    /// @notice Number of roles; valid roles are 0 .. ROLE_COUNT - 1.
    uint8 public constant ROLE_COUNT = 4;

    /// @notice Longest endpoint in bytes.
    uint256 public constant MAX_ENDPOINT_LENGTH = 256;
    /// @notice Largest reporter reward of a slash, in basis points (50%).
    uint16 public constant MAX_REWARD_BPS = 5000;

    uint64 public constant MAX_UNBONDING_PERIOD = 60 days;
    uint64 private constant MIN_UNBONDING_PERIOD = 7 days;
    uint64 private constant MIN_UNBONDING_PERIOD_SHORT = 7 minutes;
    uint8 public constant MIN_SLASHES_BEFORE_BAN = 1;
    uint8 public constant MAX_SLASHES_BEFORE_BAN = 10;

    /// @custom:storage-location erc7201:push.storage.NodeRegistry
    struct NodeRegistryStorage {
        // One slot, read by every operator call (the pause flag lives here rather than in OpenZeppelin's
        // Pausable storage to save a cold storage read per call; errors and events are the same).
        IStakingVault vault;
        uint64 unbondingPeriod;
        uint8 slashesBeforeBan;
        bool shortTimeBounds;
        bool paused;
        mapping(address node => Node) nodes;
        // Appended in a later version: read by governance setters only.
        ISlashingCourt faultWindowSource;
    }

    // keccak256(abi.encode(uint256(keccak256("push.storage.NodeRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION =
        0x62f905f862e2836792ad906b2cd8b25e89763b5d553b4a59c022e78a73d21a00;

    function _s() private pure returns (NodeRegistryStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }

    modifier onlyVault() {
        if (msg.sender != address(_s().vault)) revert NodeRegistryNotVault(msg.sender);
        _;
    }

    modifier whenNotPaused() {
        if (_s().paused) revert EnforcedPause();
        _;
    }

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Initializes the proxy. `governor` gets DEFAULT_ADMIN_ROLE and GOVERNOR_ROLE, `guardian` gets
    ///         GUARDIAN_ROLE. `shortTimeBounds_` (local networks and testnets only) lowers the minimum unbonding
    ///         period from 7 days to 7 minutes, forever. `initialParams` must be within bounds. The vault proxy
    ///         `vault_` must already exist (the minimum stakes are stored there).
    function initialize(
        address vault_,
        address governor,
        address guardian,
        bool shortTimeBounds_,
        Params calldata initialParams
    ) external initializer {
        if (vault_ == address(0) || governor == address(0) || guardian == address(0)) {
            revert NodeRegistryZeroAddress();
        }
        __AccessControl_init();
        __EIP712_init("Push Node Registry", "1");
        NodeRegistryStorage storage $ = _s();
        $.vault = IStakingVault(vault_);
        $.shortTimeBounds = shortTimeBounds_;
        _grantRole(DEFAULT_ADMIN_ROLE, governor);
        _grantRole(GOVERNOR_ROLE, governor);
        _grantRole(GUARDIAN_ROLE, guardian);
        for (uint8 role = 0; role < ROLE_COUNT; ++role) _checkMinStake(initialParams.minStake[role]);
        _setUnbondingPeriod(initialParams.unbondingPeriod);
        _setSlashesBeforeBan(initialParams.slashesBeforeBan);
        for (uint8 role = 0; role < ROLE_COUNT; ++role) _setMinStake(role, initialParams.minStake[role]);
    }

    // ------------------------------------------------------------------------------------------------
    // Operators
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc INodeRegistry
    function registerNode(
        address signer,
        uint8 role,
        string calldata endpoint,
        uint256 amount,
        bytes calldata signerConsent
    ) external whenNotPaused nonReentrant {
        _register(signer, role, endpoint, amount, signerConsent);
    }

    /// @inheritdoc INodeRegistry
    function registerNodeWithPermit(
        address signer,
        uint8 role,
        string calldata endpoint,
        uint256 amount,
        bytes calldata signerConsent,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external whenNotPaused nonReentrant {
        _permit(amount, deadline, v, r, s);
        _register(signer, role, endpoint, amount, signerConsent);
    }

    /// @inheritdoc INodeRegistry
    function signerConsentDigest(address signer, address operator) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(SIGNER_CONSENT_TYPEHASH, signer, operator)));
    }

    /// @inheritdoc INodeRegistry
    function requestUnstake(address node, uint256 amount) external whenNotPaused nonReentrant {
        NodeRegistryStorage storage $ = _s();
        // The vault checks the operator (its record is keyed by operator) and the status (its mirror) and does
        // nothing when they or the amount do not allow the request; the checks below then name the reason.
        (Status status, bool jailed) = $.vault.requestUnbond(node, msg.sender, amount, _releaseAt($));
        if (status != Status.Active && status != Status.Jailed) {
            Node storage known = _operatorNode($, node);
            revert NodeRegistryInvalidStatus(node, known.status);
        }
        if (amount == 0) revert NodeRegistryZeroAmount();
        if (jailed) {
            $.nodes[node].status = Status.Jailed;
            emit NodeStatusChanged(node, Status.Active, Status.Jailed, StatusReason.UnderStake);
        }
    }

    /// @inheritdoc INodeRegistry
    function unjail(address node) external whenNotPaused nonReentrant {
        NodeRegistryStorage storage $ = _s();
        Node storage n = _operatorNode($, node);
        if (n.status != Status.Jailed) revert NodeRegistryInvalidStatus(node, n.status);
        uint8 role = n.role;
        IStakingVault vault_ = $.vault;
        (uint256 bonded, ) = vault_.stakeOf(node);
        uint256 min = vault_.minStake(role);
        if (bonded < min) revert NodeRegistryStakeBelowMinimum(role, bonded, min);
        n.status = Status.Active;
        vault_.setStatus(node, Status.Active, 0);
        emit NodeStatusChanged(node, Status.Jailed, Status.Active, StatusReason.Unjailed);
    }

    /// @inheritdoc INodeRegistry
    function exit(address node) external whenNotPaused nonReentrant {
        NodeRegistryStorage storage $ = _s();
        Node storage n = _operatorNode($, node);
        Status status = n.status;
        if (status != Status.Active && status != Status.Jailed)
            revert NodeRegistryInvalidStatus(node, status);
        (, uint256 unbonding) = $.vault.setStatus(node, Status.Exiting, _releaseAt($));
        Status to = Status.Exiting;
        if (unbonding == 0) {
            to = Status.Exited;
            $.vault.setStatus(node, Status.Exited, 0);
        }
        n.status = to;
        emit NodeStatusChanged(node, status, to, StatusReason.ExitRequested);
    }

    /// @inheritdoc INodeRegistry
    function completeExit(address node) external onlyVault {
        Node storage n = _s().nodes[node];
        n.status = Status.Exited;
        emit NodeStatusChanged(node, Status.Exiting, Status.Exited, StatusReason.StakeWithdrawn);
    }

    /// @inheritdoc INodeRegistry
    function updateEndpoint(address node, string calldata endpoint) external whenNotPaused {
        Node storage n = _operatorNode(_s(), node);
        if (n.status == Status.Exited || n.status == Status.Banned)
            revert NodeRegistryInvalidStatus(node, n.status);
        _checkEndpoint(endpoint);
        emit NodeEndpointUpdated(node, endpoint);
    }

    // ------------------------------------------------------------------------------------------------
    // Slashing hooks
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc INodeRegistry
    function slash(
        address node,
        uint256 amount,
        address reporter,
        uint16 rewardBps
    ) external onlyRole(SLASHER_ROLE) returns (uint256 slashed) {
        NodeRegistryStorage storage $ = _s();
        slashed = _slash($, _knownNode($, node), node, amount, 0, reporter, rewardBps);
    }

    /// @inheritdoc INodeRegistry
    function slashShare(
        address node,
        uint16 stakeBps,
        address reporter,
        uint16 rewardBps
    ) external onlyRole(SLASHER_ROLE) returns (uint256 slashed) {
        if (stakeBps == 0 || stakeBps > 10_000) {
            revert NodeRegistryParameterOutOfBounds("stakeBps", stakeBps, 1, 10_000);
        }
        NodeRegistryStorage storage $ = _s();
        Node storage n = $.nodes[node];
        if (n.status == Status.None) return 0;
        slashed = _slash($, n, node, 0, stakeBps, reporter, rewardBps);
    }

    /// @inheritdoc INodeRegistry
    function lockWithdrawals(address node, uint256 amount) external onlyRole(SLASHER_ROLE) {
        NodeRegistryStorage storage $ = _s();
        _knownNode($, node);
        $.vault.lockWithdrawals(node, amount);
    }

    /// @inheritdoc INodeRegistry
    function unlockWithdrawals(address node, uint256 amount) external onlyRole(SLASHER_ROLE) {
        NodeRegistryStorage storage $ = _s();
        _knownNode($, node);
        $.vault.unlockWithdrawals(node, amount);
    }

    /// @inheritdoc INodeRegistry
    function notePause(bool paused_) external onlyRole(SLASHER_ROLE) {
        _s().vault.notePause(msg.sender, paused_);
    }

    /// @dev A slasher that loses its role (revoked or renounced) can no longer report its unpause, so its noted
    ///      pause ends with the role: otherwise the vault's exposure clock would stand still forever and no
    ///      unbonding entry of any node would ever mature (audit of wave 2, test/audit/slasher-revocation).
    function _revokeRole(bytes32 role, address account) internal override returns (bool revoked) {
        revoked = super._revokeRole(role, account);
        if (revoked && role == SLASHER_ROLE) _s().vault.notePause(account, false);
    }

    // ------------------------------------------------------------------------------------------------
    // Governance and guardian
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc INodeRegistry
    function setMinStake(uint8 role, uint256 minStake_) external onlyRole(GOVERNOR_ROLE) {
        _setMinStake(role, minStake_);
    }

    /// @inheritdoc INodeRegistry
    function setUnbondingPeriod(uint64 period) external onlyRole(GOVERNOR_ROLE) {
        _setUnbondingPeriod(period);
    }

    /// @inheritdoc INodeRegistry
    function setFaultWindowSource(address source) external onlyRole(GOVERNOR_ROLE) {
        NodeRegistryStorage storage $ = _s();
        $.faultWindowSource = ISlashingCourt(source);
        (uint64 min, uint64 max) = unbondingPeriodBounds();
        if ($.unbondingPeriod < min) {
            revert NodeRegistryParameterOutOfBounds("unbondingPeriod", $.unbondingPeriod, min, max);
        }
        emit FaultWindowSourceSet(source);
    }

    /// @inheritdoc INodeRegistry
    function setSlashesBeforeBan(uint8 count) external onlyRole(GOVERNOR_ROLE) {
        _setSlashesBeforeBan(count);
    }

    /// @inheritdoc INodeRegistry
    function pause() external onlyRole(GUARDIAN_ROLE) whenNotPaused {
        NodeRegistryStorage storage $ = _s();
        $.paused = true;
        emit Paused(msg.sender);
        $.vault.setPaused(true);
    }

    /// @inheritdoc INodeRegistry
    function unpause() external onlyRole(GOVERNOR_ROLE) {
        NodeRegistryStorage storage $ = _s();
        if (!$.paused) revert ExpectedPause();
        $.paused = false;
        emit Unpaused(msg.sender);
        $.vault.setPaused(false);
    }

    /// @inheritdoc INodeRegistry
    function paused() external view returns (bool) {
        return _s().paused;
    }

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc INodeRegistry
    function nodeOf(address node) external view returns (Node memory) {
        return _s().nodes[node];
    }

    /// @inheritdoc INodeRegistry
    function isActive(address node) external view returns (bool) {
        return _s().nodes[node].status == Status.Active;
    }

    /// @inheritdoc INodeRegistry
    function stakeOf(address node) external view returns (uint256 bonded, uint256 unbonding) {
        return _s().vault.stakeOf(node);
    }

    /// @inheritdoc INodeRegistry
    function unbondingEntries(address node) external view returns (IStakingVault.UnbondingEntry[] memory) {
        return _s().vault.unbondingEntries(node);
    }

    /// @inheritdoc INodeRegistry
    function activeStake(uint8 role) external view returns (uint256) {
        return _s().vault.activeStake(_validRole(role));
    }

    /// @inheritdoc INodeRegistry
    function minStake(uint8 role) external view returns (uint256) {
        return _s().vault.minStake(_validRole(role));
    }

    /// @inheritdoc INodeRegistry
    function unbondingPeriod() external view returns (uint64) {
        return _s().unbondingPeriod;
    }

    /// @inheritdoc INodeRegistry
    function slashesBeforeBan() external view returns (uint8) {
        return _s().slashesBeforeBan;
    }

    /// @inheritdoc INodeRegistry
    function params() external view returns (Params memory p) {
        NodeRegistryStorage storage $ = _s();
        for (uint8 role = 0; role < ROLE_COUNT; ++role) {
            p.minStake[role] = uint96($.vault.minStake(role));
        }
        p.unbondingPeriod = $.unbondingPeriod;
        p.slashesBeforeBan = $.slashesBeforeBan;
    }

    /// @inheritdoc INodeRegistry
    function shortTimeBounds() external view returns (bool) {
        return _s().shortTimeBounds;
    }

    /// @inheritdoc INodeRegistry
    function unbondingPeriodBounds() public view returns (uint64 min, uint64 max) {
        NodeRegistryStorage storage $ = _s();
        min = $.shortTimeBounds ? MIN_UNBONDING_PERIOD_SHORT : MIN_UNBONDING_PERIOD;
        max = MAX_UNBONDING_PERIOD;
        if (address($.faultWindowSource) != address(0)) {
            uint64 window = $.faultWindowSource.params().faultWindow;
            if (window >= min) min = window + 1;
        }
    }

    /// @inheritdoc INodeRegistry
    function faultWindowSource() external view returns (address) {
        return address(_s().faultWindowSource);
    }

    /// @inheritdoc INodeRegistry
    function vault() external view returns (IStakingVault) {
        return _s().vault;
    }

    // ------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------

    function _register(
        address signer,
        uint8 role,
        string calldata endpoint,
        uint256 amount,
        bytes calldata signerConsent
    ) private {
        if (signer == address(0)) revert NodeRegistryZeroAddress();
        _validRole(role);
        _checkEndpoint(endpoint);
        NodeRegistryStorage storage $ = _s();
        Node storage n = $.nodes[signer];
        if (n.status != Status.None) revert NodeRegistrySignerAlreadyRegistered(signer);
        IStakingVault vault_ = $.vault;
        uint256 min = vault_.minStake(role);
        if (amount < min) revert NodeRegistryStakeBelowMinimum(role, amount, min);
        // The signer consents to this operator: nobody can bind someone else's signer key to their own node.
        (address consenting, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(
            signerConsentDigest(signer, msg.sender),
            signerConsent
        );
        if (err != ECDSA.RecoverError.NoError || consenting != signer) {
            revert NodeRegistryInvalidSignerConsent(signer, msg.sender);
        }

        $.nodes[signer] = Node({
            operator: msg.sender,
            role: role,
            status: Status.Active,
            registeredAt: uint64(block.timestamp),
            slashCount: 0
        });
        emit NodeRegistered(signer, msg.sender, role, endpoint);
        emit NodeStatusChanged(signer, Status.None, Status.Active, StatusReason.Registered);
        vault_.register(signer, msg.sender, role, amount);
    }

    /// @dev Front-run-safe permit: a failed permit (e.g. already submitted by someone else) is ignored and the
    ///      deposit relies on the allowance, which reverts with the token's error when insufficient.
    function _permit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) private {
        IStakingVault vault_ = _s().vault;
        address token_ = address(vault_.token());
        try IERC20Permit(token_).permit(msg.sender, address(vault_), amount, deadline, v, r, s) {} catch {}
    }

    /// Slashes `node` (record `n`) through the vault, which also mirrors the status change, in one call; then
    /// records the slash count and the new status. The status the node takes when something is slashed is
    /// decided here beforehand: Banned when the count reaches the limit, else Jailed when Active, else unchanged
    /// (the vault turns an Exiting node whose last stake goes into Exited).
    function _slash(
        NodeRegistryStorage storage $,
        Node storage n,
        address node,
        uint256 amount,
        uint16 stakeBps,
        address reporter,
        uint16 rewardBps
    ) private returns (uint256 slashed) {
        if (rewardBps > MAX_REWARD_BPS) revert NodeRegistryRewardTooHigh(rewardBps, MAX_REWARD_BPS);
        Status status = n.status;
        uint8 count = n.slashCount;
        if (count < type(uint8).max) ++count;
        Status to = status;
        StatusReason reason = StatusReason.Slashed;
        uint64 releaseAt;
        if (status != Status.Banned && count >= $.slashesBeforeBan) {
            to = Status.Banned;
            reason = StatusReason.SlashLimitReached;
            releaseAt = _releaseAt($);
        } else if (status == Status.Active) {
            to = Status.Jailed;
        }
        uint256 remaining;
        (slashed, remaining) = $.vault.slash(
            node,
            n.operator,
            amount,
            stakeBps,
            reporter,
            rewardBps,
            to,
            releaseAt
        );
        if (slashed == 0) return 0;
        if (to == Status.Exiting && remaining == 0) {
            to = Status.Exited;
            reason = StatusReason.StakeSlashedAway;
        }
        n.slashCount = count;
        if (to != status) {
            n.status = to;
            emit NodeStatusChanged(node, status, to, reason);
        }
        emit NodeSlashed(node, slashed, count);
    }

    function _knownNode(NodeRegistryStorage storage $, address node) private view returns (Node storage n) {
        n = $.nodes[node];
        if (n.status == Status.None) revert NodeRegistryUnknownNode(node);
    }

    function _operatorNode(
        NodeRegistryStorage storage $,
        address node
    ) private view returns (Node storage n) {
        n = _knownNode($, node);
        if (n.operator != msg.sender) revert NodeRegistryNotOperator(node, msg.sender, n.operator);
    }

    function _releaseAt(NodeRegistryStorage storage $) private view returns (uint64) {
        return uint64(block.timestamp) + $.unbondingPeriod;
    }

    function _validRole(uint8 role) private pure returns (uint8) {
        if (role >= ROLE_COUNT) revert NodeRegistryUnknownRole(role);
        return role;
    }

    function _checkEndpoint(string calldata endpoint) private pure {
        uint256 len = bytes(endpoint).length;
        if (len == 0) revert NodeRegistryEmptyEndpoint();
        if (len > MAX_ENDPOINT_LENGTH) revert NodeRegistryEndpointTooLong(len, MAX_ENDPOINT_LENGTH);
    }

    function _checkMinStake(uint256 value) private pure {
        if (value == 0 || value > type(uint96).max) {
            revert NodeRegistryParameterOutOfBounds("minStake", value, 1, type(uint96).max);
        }
    }

    function _setMinStake(uint8 role, uint256 value) private {
        _validRole(role);
        _checkMinStake(value);
        _s().vault.setMinStake(role, value);
        emit MinStakeSet(role, value);
    }

    function _setUnbondingPeriod(uint64 period) private {
        (uint64 min, uint64 max) = unbondingPeriodBounds();
        if (period < min || period > max)
            revert NodeRegistryParameterOutOfBounds("unbondingPeriod", period, min, max);
        _s().unbondingPeriod = period;
        emit UnbondingPeriodSet(period);
    }

    function _setSlashesBeforeBan(uint8 count) private {
        if (count < MIN_SLASHES_BEFORE_BAN || count > MAX_SLASHES_BEFORE_BAN) {
            revert NodeRegistryParameterOutOfBounds(
                "slashesBeforeBan",
                count,
                MIN_SLASHES_BEFORE_BAN,
                MAX_SLASHES_BEFORE_BAN
            );
        }
        _s().slashesBeforeBan = count;
        emit SlashesBeforeBanSet(count);
    }

    /// The EIP-712 name and version are constants (no storage reads when hashing).
    function _EIP712Name() internal pure override returns (string memory) {
        return "Push Node Registry";
    }

    function _EIP712Version() internal pure override returns (string memory) {
        return "1";
    }

    function _authorizeUpgrade(address) internal override onlyRole(GOVERNOR_ROLE) {}
}
