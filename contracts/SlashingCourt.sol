// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";

import {ISlashingCourt} from "./interfaces/ISlashingCourt.sol";
import {ISlashing} from "./interfaces/ISlashing.sol";
import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {IStakingVault} from "./interfaces/IStakingVault.sol";
import {PushTypedData} from "./libraries/PushTypedData.sol";

/// @title SlashingCourt
/// @notice Disputes, quorum reports and governance slashes against Push Nodes. See {ISlashingCourt}.
/// @dev Holds the node registry's SLASHER_ROLE, and dispute bonds while disputes are open.
contract SlashingCourt is
    ISlashingCourt,
    Initializable,
    UUPSUpgradeable,
    AccessControlUpgradeable,
    PausableUpgradeable,
    EIP712Upgradeable,
    ReentrancyGuardTransient
{
    using SafeERC20 for IERC20;

    /// @notice Governance (the timelock): decisions, governance slashes, parameters, upgrades, unpause.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    /// @notice May pause; cannot unpause.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @inheritdoc ISlashingCourt
    uint256 public constant MAX_REPORT_SIGNERS = 256;

    /// @notice Role id of VALIDATOR nodes in the node registry.
    uint8 public constant VALIDATOR_ROLE_ID = 0;

    uint256 private constant _BPS = 10_000;

    /// @custom:storage-location erc7201:push.storage.SlashingCourt
    struct CourtStorage {
        ISlashing slashing;
        INodeRegistry registry;
        IERC20 token;
        address treasury;
        bool shortTimeBounds;
        Params params;
        uint256 disputeCount;
        mapping(bytes32 offenceId => bool) consumed;
        mapping(uint256 disputeId => Dispute) disputes;
        uint64 pausedSince; // when the ongoing pause began (0 when not paused)
        uint64 pausedTotal; // seconds of the pauses that ended
    }

    // keccak256(abi.encode(uint256(keccak256("push.storage.SlashingCourt")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_SLOT =
        0x7f28234e880079191bd18bca99a6c7ab73a4cb3bca1bfdee75b318d39f400a00;

    function _s() private pure returns (CourtStorage storage $) {
        assembly {
            $.slot := _STORAGE_SLOT
        }
    }

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets up roles, the contracts, the treasury and the default parameters (DESIGN section 3): fault
    ///         window 14 days, dispute bond 1,000 tokens, decision period 14 days, governance slash cap 10%,
    ///         quorum 2/3. The bond token is the staking vault's. `shortTimeBounds_` (local networks and
    ///         testnets only) lowers the lower bounds of the fault window and the decision period from a day
    ///         to a minute; it can never change afterwards.
    function initialize(
        address admin,
        address governor,
        address guardian,
        ISlashing slashing_,
        address treasury_,
        bool shortTimeBounds_
    ) external initializer {
        if (
            admin == address(0) ||
            governor == address(0) ||
            guardian == address(0) ||
            address(slashing_) == address(0) ||
            treasury_ == address(0)
        ) revert SlashingCourtZeroAddress();
        __AccessControl_init();
        __Pausable_init();
        __EIP712_init("Push Nodes", "1");
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNOR_ROLE, governor);
        _grantRole(GUARDIAN_ROLE, guardian);

        CourtStorage storage $ = _s();
        INodeRegistry registry = slashing_.nodeRegistry();
        $.slashing = slashing_;
        $.registry = registry;
        $.token = IStakingVault(registry.vault()).token();
        $.treasury = treasury_;
        $.shortTimeBounds = shortTimeBounds_;
        $.params = Params({
            faultWindow: 14 days,
            disputeDecisionPeriod: 14 days,
            governanceSlashCapBps: 1_000,
            quorumNumerator: 2,
            quorumDenominator: 3,
            disputeBond: 1_000 ether
        });
    }

    // ================================================================================================
    // Quorum reports
    // ================================================================================================

    /// @inheritdoc ISlashingCourt
    function submitReport(
        Report calldata report,
        bytes[] calldata signatures
    ) external whenNotPaused nonReentrant returns (bytes32 offenceId, uint256 slashed) {
        if (report.faultCode != uint8(ISlashing.FaultCode.Unavailable)) {
            revert SlashingCourtFaultNotAllowed(report.faultCode);
        }
        Params memory p = _s().params;
        _checkFaultWindow(report.reportedAt, p.faultWindow);
        if (signatures.length > MAX_REPORT_SIGNERS) {
            revert SlashingCourtTooManySigners(signatures.length, MAX_REPORT_SIGNERS);
        }
        uint256 stake = _stakeOf(report.node);
        offenceId = _offenceId(report.faultCode, report.node, report.evidenceHash);
        _requireFresh(offenceId);

        (uint256 signedStake, uint256 requiredStake) = _quorum(report, signatures, p);
        if (signedStake == 0 || signedStake < requiredStake) {
            revert SlashingCourtQuorumNotReached(signedStake, requiredStake);
        }
        _s().consumed[offenceId] = true;
        slashed = _slashForFault(report.node, stake, msg.sender);
        emit QuorumReportAccepted(
            offenceId,
            report.node,
            report.faultCode,
            msg.sender,
            report.evidenceHash,
            report.reportedAt,
            signedStake,
            requiredStake,
            slashed
        );
    }

    // ================================================================================================
    // Disputes
    // ================================================================================================

    /// @inheritdoc ISlashingCourt
    function openDispute(
        address node,
        uint8 faultCode,
        uint64 occurredAt,
        bytes calldata evidence
    ) external whenNotPaused nonReentrant returns (uint256 disputeId) {
        if (
            faultCode != uint8(ISlashing.FaultCode.BadSignature) &&
            faultCode != uint8(ISlashing.FaultCode.Unavailable)
        ) revert SlashingCourtFaultNotAllowed(faultCode);
        CourtStorage storage $ = _s();
        Params memory p = $.params;
        _checkFaultWindow(occurredAt, p.faultWindow);
        _stakeOf(node);
        bytes32 evidenceHash = keccak256(evidence);
        _requireFresh(_offenceId(faultCode, node, evidenceHash));

        disputeId = ++$.disputeCount;
        uint64 decideBy = uint64(block.timestamp) + p.disputeDecisionPeriod;
        $.disputes[disputeId] = Dispute({
            node: node,
            faultCode: faultCode,
            status: DisputeStatus.Open,
            openedAt: uint64(block.timestamp),
            disputer: msg.sender,
            bond: p.disputeBond,
            occurredAt: occurredAt,
            decideBy: decideBy,
            evidenceHash: evidenceHash
        });
        emit DisputeOpened(
            disputeId,
            node,
            msg.sender,
            faultCode,
            occurredAt,
            decideBy,
            p.disputeBond,
            evidence
        );
        $.registry.lockWithdrawals(node);
        $.token.safeTransferFrom(msg.sender, address(this), p.disputeBond);
    }

    /// @inheritdoc ISlashingCourt
    function acceptDispute(
        uint256 disputeId
    ) external onlyRole(GOVERNOR_ROLE) nonReentrant returns (uint256 slashed) {
        CourtStorage storage $ = _s();
        Dispute storage d = _decidable(disputeId);
        bytes32 offenceId = _offenceId(d.faultCode, d.node, d.evidenceHash);
        _requireFresh(offenceId);
        d.status = DisputeStatus.Accepted;
        $.consumed[offenceId] = true;
        (address node, address disputer, uint256 bond) = (d.node, d.disputer, d.bond);

        $.registry.unlockWithdrawals(node);
        (uint256 bonded, uint256 unbonding) = $.registry.stakeOf(node);
        uint256 stake = bonded + unbonding;
        if (stake != 0) slashed = _slashForFault(node, stake, disputer);
        emit DisputeAccepted(disputeId, offenceId, slashed);
        $.token.safeTransfer(disputer, bond);
    }

    /// @inheritdoc ISlashingCourt
    function rejectDispute(uint256 disputeId) external onlyRole(GOVERNOR_ROLE) nonReentrant {
        CourtStorage storage $ = _s();
        Dispute storage d = _decidable(disputeId);
        d.status = DisputeStatus.Rejected;
        (address node, uint256 bond, address treasury_) = (d.node, d.bond, $.treasury);
        emit DisputeRejected(disputeId, treasury_, bond);
        $.registry.unlockWithdrawals(node);
        $.token.safeTransfer(treasury_, bond);
    }

    /// @inheritdoc ISlashingCourt
    function expireDispute(uint256 disputeId) external nonReentrant {
        CourtStorage storage $ = _s();
        Dispute storage d = _openDispute(disputeId);
        if (block.timestamp <= d.decideBy) revert SlashingCourtDecisionPeriodNotOver(disputeId, d.decideBy);
        d.status = DisputeStatus.Expired;
        (address node, address disputer, uint256 bond) = (d.node, d.disputer, d.bond);
        emit DisputeExpired(disputeId);
        $.registry.unlockWithdrawals(node);
        $.token.safeTransfer(disputer, bond);
    }

    // ================================================================================================
    // Governance and guardian
    // ================================================================================================

    /// @inheritdoc ISlashingCourt
    function slash(
        address node,
        uint256 amount,
        string calldata reason
    ) external onlyRole(GOVERNOR_ROLE) nonReentrant returns (uint256 slashed) {
        if (amount == 0) revert SlashingCourtZeroAmount();
        CourtStorage storage $ = _s();
        uint256 cap = (_stakeOf(node) * $.params.governanceSlashCapBps) / _BPS;
        if (amount > cap) revert SlashingCourtOverCap(amount, cap);
        slashed = $.registry.slash(node, amount, address(0), 0);
        emit GovernanceSlashed(node, amount, slashed, reason);
    }

    /// @inheritdoc ISlashingCourt
    function setParam(Param param, uint256 value) external onlyRole(GOVERNOR_ROLE) {
        (uint256 min, uint256 max) = paramBounds(param);
        if (value < min || value > max) revert SlashingCourtParamOutOfBounds(param, value, min, max);
        Params storage p = _s().params;
        uint256 old;
        if (param == Param.FaultWindow) {
            old = p.faultWindow;
            p.faultWindow = uint32(value);
        } else if (param == Param.DisputeBond) {
            old = p.disputeBond;
            p.disputeBond = uint96(value);
        } else if (param == Param.DisputeDecisionPeriod) {
            old = p.disputeDecisionPeriod;
            p.disputeDecisionPeriod = uint32(value);
        } else {
            old = p.governanceSlashCapBps;
            p.governanceSlashCapBps = uint16(value);
        }
        emit ParamSet(param, old, value);
    }

    /// @inheritdoc ISlashingCourt
    function setQuorum(uint256 numerator, uint256 denominator) external onlyRole(GOVERNOR_ROLE) {
        if (
            denominator == 0 || denominator > _BPS || numerator > denominator || 2 * numerator < denominator
        ) {
            revert SlashingCourtQuorumOutOfBounds(numerator, denominator);
        }
        Params storage p = _s().params;
        p.quorumNumerator = uint16(numerator);
        p.quorumDenominator = uint16(denominator);
        emit QuorumSet(numerator, denominator);
    }

    /// @inheritdoc ISlashingCourt
    function setTreasury(address treasury_) external onlyRole(GOVERNOR_ROLE) {
        if (treasury_ == address(0)) revert SlashingCourtZeroAddress();
        _s().treasury = treasury_;
        emit TreasurySet(treasury_);
    }

    /// @inheritdoc ISlashingCourt
    function pause() external onlyRole(GUARDIAN_ROLE) {
        _pause();
        CourtStorage storage $ = _s();
        $.pausedSince = uint64(block.timestamp);
        // Stops the vault's unbonding clock: a pause never shortens a node's exposure.
        $.registry.notePause(true);
    }

    /// @inheritdoc ISlashingCourt
    function unpause() external onlyRole(GOVERNOR_ROLE) {
        _unpause();
        CourtStorage storage $ = _s();
        $.pausedTotal += uint64(block.timestamp) - $.pausedSince;
        $.pausedSince = 0;
        $.registry.notePause(false);
    }

    /// @inheritdoc ISlashingCourt
    function pausedDuration() external view returns (uint256) {
        CourtStorage storage $ = _s();
        uint256 since = $.pausedSince;
        return $.pausedTotal + (since == 0 ? 0 : block.timestamp - since);
    }

    // ================================================================================================
    // Views
    // ================================================================================================

    /// @inheritdoc ISlashingCourt
    function params() external view returns (Params memory) {
        return _s().params;
    }

    /// @inheritdoc ISlashingCourt
    function paramBounds(Param param) public view returns (uint256 min, uint256 max) {
        CourtStorage storage $ = _s();
        uint256 minTime = $.shortTimeBounds ? 1 minutes : 1 days;
        if (param == Param.FaultWindow) {
            // Stake must not finish unbonding before a fault can no longer be reported.
            uint256 unbonding = $.registry.unbondingPeriod();
            return (minTime, unbonding <= 30 days ? unbonding - 1 : 30 days);
        }
        if (param == Param.DisputeBond) return (1, type(uint96).max);
        if (param == Param.DisputeDecisionPeriod) return (minTime, 30 days);
        return (1, 1_000); // GovernanceSlashCapBps
    }

    /// @inheritdoc ISlashingCourt
    function shortTimeBounds() external view returns (bool) {
        return _s().shortTimeBounds;
    }

    /// @inheritdoc ISlashingCourt
    function isOffenceConsumed(bytes32 offenceId) external view returns (bool) {
        return _s().consumed[offenceId];
    }

    /// @inheritdoc ISlashingCourt
    function reportDigest(Report calldata report) external view returns (bytes32) {
        return _hashTypedDataV4(PushTypedData.reportHash(report));
    }

    /// @inheritdoc ISlashingCourt
    function dispute(uint256 disputeId) external view returns (Dispute memory) {
        return _s().disputes[disputeId];
    }

    /// @inheritdoc ISlashingCourt
    function disputeCount() external view returns (uint256) {
        return _s().disputeCount;
    }

    /// @inheritdoc ISlashingCourt
    function slashing() external view returns (ISlashing) {
        return _s().slashing;
    }

    /// @inheritdoc ISlashingCourt
    function nodeRegistry() external view returns (INodeRegistry) {
        return _s().registry;
    }

    /// @inheritdoc ISlashingCourt
    function token() external view returns (IERC20) {
        return _s().token;
    }

    /// @inheritdoc ISlashingCourt
    function treasury() external view returns (address) {
        return _s().treasury;
    }

    // ================================================================================================
    // Internals
    // ================================================================================================

    function _authorizeUpgrade(address) internal override onlyRole(GOVERNOR_ROLE) {}

    /// The EIP-712 name and version are constants (no storage reads when hashing).
    function _EIP712Name() internal pure override returns (string memory) {
        return "Push Nodes";
    }

    function _EIP712Version() internal pure override returns (string memory) {
        return "1";
    }

    /// Bonded + unbonding stake of `node`; reverts when it has none (unregistered, withdrawn, slashed away).
    function _stakeOf(address node) private view returns (uint256 stake) {
        (uint256 bonded, uint256 unbonding) = _s().registry.stakeOf(node);
        stake = bonded + unbonding;
        if (stake == 0) revert SlashingCourtNodeWithoutStake(node);
    }

    function _requireFresh(bytes32 offenceId) private view {
        if (_s().consumed[offenceId]) revert SlashingCourtOffenceConsumed(offenceId);
    }

    /// Slashes `messageFaultSlashBps` of `stake` (at least 1) from `node`, crediting `reporter` the reward;
    /// both shares are the fault-proof contract's parameters.
    function _slashForFault(address node, uint256 stake, address reporter) private returns (uint256) {
        CourtStorage storage $ = _s();
        ISlashing.Params memory sp = $.slashing.params();
        uint256 amount = (stake * sp.messageFaultSlashBps) / _BPS;
        if (amount == 0) amount = 1;
        return $.registry.slash(node, amount, reporter, sp.reporterRewardBps);
    }

    /// Sums the bonded stake of the report's signers and computes the stake required, leaving the accused
    /// node's own stake out of both.
    function _quorum(
        Report calldata report,
        bytes[] calldata signatures,
        Params memory p
    ) private view returns (uint256 signedStake, uint256 requiredStake) {
        INodeRegistry registry = _s().registry;
        address node = report.node;
        uint256 total = registry.activeStake(VALIDATOR_ROLE_ID);
        INodeRegistry.Node memory accused = registry.nodeOf(node);
        if (accused.status == INodeRegistry.Status.Active && accused.role == VALIDATOR_ROLE_ID) {
            (uint256 accusedBonded, ) = registry.stakeOf(node);
            total -= accusedBonded;
        }
        requiredStake = (total * p.quorumNumerator + p.quorumDenominator - 1) / p.quorumDenominator;

        bytes32 digest = _hashTypedDataV4(PushTypedData.reportHash(report));
        address previous;
        for (uint256 i; i < signatures.length; ++i) {
            (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, signatures[i]);
            if (err != ECDSA.RecoverError.NoError) revert SlashingCourtInvalidSignature();
            if (signer <= previous) revert SlashingCourtSignersNotAscending(previous, signer);
            previous = signer;
            if (signer == node) continue; // the accused's own stake counts on neither side
            INodeRegistry.Node memory v = registry.nodeOf(signer);
            if (v.status != INodeRegistry.Status.Active || v.role != VALIDATOR_ROLE_ID) {
                revert SlashingCourtNotActiveValidator(signer);
            }
            (uint256 bonded, ) = registry.stakeOf(signer);
            signedStake += bonded;
        }
    }

    function _checkFaultWindow(uint64 at, uint64 window) private view {
        if (at > block.timestamp || block.timestamp - at > window) {
            revert SlashingCourtOutsideFaultWindow(at, window);
        }
    }

    function _openDispute(uint256 disputeId) private view returns (Dispute storage d) {
        d = _s().disputes[disputeId];
        if (d.status == DisputeStatus.None) revert SlashingCourtUnknownDispute(disputeId);
        if (d.status != DisputeStatus.Open) revert SlashingCourtDisputeNotOpen(disputeId, d.status);
    }

    function _decidable(uint256 disputeId) private view returns (Dispute storage d) {
        d = _openDispute(disputeId);
        if (block.timestamp > d.decideBy) revert SlashingCourtDecisionPeriodOver(disputeId, d.decideBy);
    }

    function _offenceId(uint8 faultCode, address node, bytes32 evidenceHash) private pure returns (bytes32) {
        return keccak256(abi.encode(faultCode, node, evidenceHash));
    }
}
