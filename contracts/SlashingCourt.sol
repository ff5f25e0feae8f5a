// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
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
    using Checkpoints for Checkpoints.Trace208;

    /// @notice Governance (the timelock): decisions, governance slashes, parameters, upgrades, unpause.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    /// @notice May pause; cannot unpause.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @inheritdoc ISlashingCourt
    /// @dev 1,024 signatures cost about 13.4 million gas (docs/court.md), under the 16,777,216 gas cap of a
    ///      transaction (EIP-7825): a set of 1,000 equal validators can report.
    uint256 public constant MAX_REPORT_SIGNERS = 1_024;

    /// @inheritdoc ISlashingCourt
    uint256 public constant UNAVAILABLE_PERIOD = 7 days;

    /// @inheritdoc ISlashingCourt
    uint256 public constant MAX_OPEN_DISPUTES_PER_NODE = 4;

    /// @notice Default share of an expired dispute's bond kept (bps), also what a zero stored value means.
    uint256 public constant DEFAULT_EXPIRED_BOND_KEPT_BPS = 5_000;

    /// @notice Role id of VALIDATOR nodes in the node registry.
    uint8 public constant VALIDATOR_ROLE_ID = 0;

    uint256 private constant _BPS = 10_000;
    uint256 private constant _SIGNATURE_LENGTH = 65;

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
        // Appended in wave 2 (reporter binding, one ledger, quorum, disputes):
        mapping(bytes32 commitment => uint256 blockNumber) commitments;
        mapping(address node => uint256) openDisputes;
        mapping(bytes32 offenceId => uint256 disputeId) disputeOfOffence; // the open dispute of an offence
        // Cumulative validator stake removed from active stake by this court's slashes, keyed by timestamp.
        Checkpoints.Trace208 removedStake;
        uint16 expiredBondKeptBps; // 0: DEFAULT_EXPIRED_BOND_KEPT_BPS (proxies initialized before wave 2)
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
        $.expiredBondKeptBps = uint16(DEFAULT_EXPIRED_BOND_KEPT_BPS);
    }

    // ================================================================================================
    // Quorum reports
    // ================================================================================================

    /// @inheritdoc ISlashingCourt
    function submitReport(
        Report calldata report,
        bytes calldata signatures
    ) external whenNotPaused nonReentrant returns (bytes32 offenceId, uint256 slashed) {
        if (report.faultCode != uint8(ISlashing.FaultCode.Unavailable)) {
            revert SlashingCourtFaultNotAllowed(report.faultCode);
        }
        CourtStorage storage $ = _s();
        Params memory p = $.params;
        _checkFaultWindow(report.reportedAt, p.faultWindow);
        _checkSignatureCount(signatures.length);
        uint256 stake = _stakeOf(report.node);
        offenceId = _unavailableId(report.node, report.reportedAt);
        _requireFresh(offenceId);

        (uint256 signedStake, uint256 required) = _quorum(report, signatures, p);
        if (signedStake == 0 || signedStake < required) {
            revert SlashingCourtQuorumNotReached(signedStake, required);
        }
        $.consumed[offenceId] = true;
        slashed = _slashForFault(report.node, stake, report.reporter, 0);
        emit QuorumReportAccepted(
            offenceId,
            report.node,
            report.faultCode,
            report.reporter,
            report.evidenceHash,
            report.reportedAt,
            signedStake,
            required,
            slashed
        );
    }

    // ================================================================================================
    // Disputes
    // ================================================================================================

    /// @inheritdoc ISlashingCourt
    /// @dev Deliberately without the pause check, the reentrancy guard (no token moves) and an event: a
    ///      commitment is one new storage slot, under 50,000 gas per transaction (test/slashing/court-findings).
    function commitDispute(bytes32 commitment) external {
        mapping(bytes32 => uint256) storage commitments = _s().commitments;
        uint256 committedAt = commitments[commitment];
        if (committedAt != 0) revert SlashingCourtAlreadyCommitted(commitment, committedAt);
        commitments[commitment] = block.number;
    }

    /// @inheritdoc ISlashingCourt
    function openDispute(
        address node,
        uint8 faultCode,
        uint64 occurredAt,
        bytes32 digest,
        bytes calldata evidence,
        bytes32 salt
    ) external whenNotPaused nonReentrant returns (uint256 disputeId) {
        bytes32 evidenceHash = keccak256(evidence);
        _useCommitment(
            disputeCommitment(msg.sender, salt, node, faultCode, _subject(faultCode, digest, evidenceHash))
        );
        disputeId = _record(node, faultCode, occurredAt, digest, evidenceHash);
        CourtStorage storage $ = _s();
        Dispute storage d = $.disputes[disputeId];
        _emitOpened(disputeId, d, evidence);
        $.registry.lockWithdrawals(node, d.locked);
        $.token.safeTransferFrom(msg.sender, address(this), d.bond);
    }

    /// @inheritdoc ISlashingCourt
    function acceptDispute(
        uint256 disputeId
    ) external onlyRole(GOVERNOR_ROLE) nonReentrant returns (uint256 slashed) {
        CourtStorage storage $ = _s();
        Dispute storage d = _decidable(disputeId);
        (bytes32 offenceId, bool inSlashing) = _offenceOf(d);
        if (inSlashing) {
            if ($.slashing.isOffenceConsumed(offenceId)) revert SlashingCourtOffenceConsumed(offenceId);
        } else {
            _requireFresh(offenceId);
            $.consumed[offenceId] = true;
        }
        d.status = DisputeStatus.Accepted;
        (address node, address disputer, uint256 bond) = (d.node, d.disputer, d.bond);
        _close(d, offenceId);

        if (inSlashing) $.slashing.consumeOffence(offenceId);
        $.registry.unlockWithdrawals(node, d.locked);
        (uint256 bonded, uint256 unbonding) = $.registry.stakeOf(node);
        uint256 stake = bonded + unbonding;
        // At least the amount the dispute's lock held: a node that withdrew the rest while the dispute was open
        // still loses what accepting it would have slashed at opening (audit of wave 2).
        if (stake != 0) slashed = _slashForFault(node, stake, disputer, d.locked);
        emit DisputeAccepted(disputeId, offenceId, slashed);
        $.token.safeTransfer(disputer, bond);
    }

    /// @inheritdoc ISlashingCourt
    function rejectDispute(uint256 disputeId) external onlyRole(GOVERNOR_ROLE) nonReentrant {
        CourtStorage storage $ = _s();
        Dispute storage d = _decidable(disputeId);
        d.status = DisputeStatus.Rejected;
        (bytes32 offenceId, ) = _offenceOf(d);
        _close(d, offenceId);
        (address node, uint256 bond, address treasury_) = (d.node, d.bond, $.treasury);
        emit DisputeRejected(disputeId, treasury_, bond);
        $.registry.unlockWithdrawals(node, d.locked);
        $.token.safeTransfer(treasury_, bond);
    }

    /// @inheritdoc ISlashingCourt
    function expireDispute(uint256 disputeId) external nonReentrant {
        CourtStorage storage $ = _s();
        Dispute storage d = _openDispute(disputeId);
        if (block.timestamp <= d.decideBy) revert SlashingCourtDecisionPeriodNotOver(disputeId, d.decideBy);
        d.status = DisputeStatus.Expired;
        (bytes32 offenceId, ) = _offenceOf(d);
        _close(d, offenceId);
        (address node, address disputer, uint256 bond) = (d.node, d.disputer, d.bond);
        uint256 kept = (bond * _expiredBondKeptBps()) / _BPS;
        emit DisputeExpired(disputeId, bond - kept, kept);
        $.registry.unlockWithdrawals(node, d.locked);
        if (kept != 0) $.token.safeTransfer($.treasury, kept);
        if (bond != kept) $.token.safeTransfer(disputer, bond - kept);
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
        } else if (param == Param.ExpiredBondKeptBps) {
            old = _expiredBondKeptBps();
            _s().expiredBondKeptBps = uint16(value);
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
        // Stops the vault's unbonding clock: a pause never shortens a node's exposure.
        _s().registry.notePause(true);
    }

    /// @inheritdoc ISlashingCourt
    function unpause() external onlyRole(GOVERNOR_ROLE) {
        _unpause();
        _s().registry.notePause(false);
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
        if (param == Param.ExpiredBondKeptBps) return (1_000, _BPS);
        return (1, 1_000); // GovernanceSlashCapBps
    }

    /// @inheritdoc ISlashingCourt
    function shortTimeBounds() external view returns (bool) {
        return _s().shortTimeBounds;
    }

    /// @inheritdoc ISlashingCourt
    function isOffenceConsumed(bytes32 offenceId) external view returns (bool) {
        CourtStorage storage $ = _s();
        return $.consumed[offenceId] || $.slashing.isOffenceConsumed(offenceId);
    }

    /// @inheritdoc ISlashingCourt
    function unavailableOffenceId(address node, uint64 at) external pure returns (bytes32) {
        return _unavailableId(node, at);
    }

    /// @inheritdoc ISlashingCourt
    function disputeCommitment(
        address disputer,
        bytes32 salt,
        address node,
        uint8 faultCode,
        bytes32 subject
    ) public pure returns (bytes32) {
        return keccak256(abi.encode(disputer, salt, node, faultCode, subject));
    }

    /// @inheritdoc ISlashingCourt
    function commitmentBlock(bytes32 commitment) external view returns (uint256) {
        return _s().commitments[commitment];
    }

    /// @inheritdoc ISlashingCourt
    function openDisputesOf(address node) external view returns (uint256) {
        return _s().openDisputes[node];
    }

    /// @inheritdoc ISlashingCourt
    function requiredStake(address node) external view returns (uint256) {
        CourtStorage storage $ = _s();
        Params memory p = $.params;
        INodeRegistry registry = $.registry;
        return _required(registry.vault(), node, p);
    }

    /// @inheritdoc ISlashingCourt
    function recentlyRemovedStake() external view returns (uint256) {
        return _recentlyRemoved(_s().params.faultWindow);
    }

    /// @inheritdoc ISlashingCourt
    function expiredBondKeptBps() external view returns (uint256) {
        return _expiredBondKeptBps();
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

    /// Slashes `messageFaultSlashBps` of `stake` (at least 1, and at least `floor`) from `node`, crediting
    /// `reporter` the reward; both shares are the fault-proof contract's parameters. Validator stake the slash
    /// takes out of active stake (the slash, and the rest when the node is jailed or banned) is recorded in
    /// `removedStake`, so that it stays in the stake a report needs for a fault window.
    function _slashForFault(
        address node,
        uint256 stake,
        address reporter,
        uint256 floor
    ) private returns (uint256 slashed) {
        CourtStorage storage $ = _s();
        ISlashing.Params memory sp = $.slashing.params();
        IStakingVault vault = $.registry.vault();
        uint256 activeBefore = vault.activeStake(VALIDATOR_ROLE_ID);
        uint256 amount = _share(stake, sp.messageFaultSlashBps);
        if (amount < floor) amount = floor;
        slashed = $.registry.slash(node, amount, reporter, sp.reporterRewardBps);
        uint256 activeAfter = vault.activeStake(VALIDATOR_ROLE_ID);
        if (activeAfter < activeBefore) {
            Checkpoints.Trace208 storage removed = $.removedStake;
            removed.push(uint48(block.timestamp), removed.latest() + uint208(activeBefore - activeAfter));
        }
    }

    /// Validator stake the court's slashes removed from active stake within the last `window` seconds
    /// (removals at times t with now - t <= window).
    function _recentlyRemoved(uint256 window) private view returns (uint256) {
        Checkpoints.Trace208 storage removed = _s().removedStake;
        uint256 total = removed.latest();
        if (total == 0 || block.timestamp <= window) return total;
        return total - removed.upperLookupRecent(uint48(block.timestamp - window - 1));
    }

    /// `bps` of `stake`, at least 1.
    function _share(uint256 stake, uint256 bps) private pure returns (uint256 amount) {
        amount = (stake * bps) / _BPS;
        if (amount == 0) amount = 1;
    }

    /// The stake one dispute holds at risk: what accepting it would slash now.
    function _atRisk(uint256 stake) private view returns (uint256) {
        return _share(stake, _s().slashing.params().messageFaultSlashBps);
    }

    /// The stake a report against `node` needs: the quorum (rounded up) of active validator stake plus what the
    /// court's slashes removed within the fault window, minus the accused's own bonded stake when it is an
    /// Active validator.
    function _required(IStakingVault vault, address node, Params memory p) private view returns (uint256) {
        uint256 total = vault.activeStake(VALIDATOR_ROLE_ID) + _recentlyRemoved(p.faultWindow);
        address[] memory accused = new address[](1);
        accused[0] = node;
        (uint256 bonded, uint256 invalid) = vault.quorumStakesOf(accused, VALIDATOR_ROLE_ID, 0);
        if (invalid == 0) total -= bonded; // an Active validator: all of its bonded stake (age 0)
        return (total * p.quorumNumerator + p.quorumDenominator - 1) / p.quorumDenominator;
    }

    /// Sums the aged bonded stake (`IStakingVault.quorumStakesOf`, age: the fault window) of the report's
    /// signers (65-byte r || s || v signatures, packed) and computes the stake required ({_required}). One
    /// vault call for all signers.
    function _quorum(
        Report calldata report,
        bytes calldata signatures,
        Params memory p
    ) private view returns (uint256 signedStake, uint256 required) {
        IStakingVault vault = _s().registry.vault();
        address node = report.node;
        required = _required(vault, node, p);
        uint256 age = p.faultWindow;
        bytes32 digest = _hashTypedDataV4(PushTypedData.reportHash(report));
        address previous;
        address[] memory signers = new address[](signatures.length / _SIGNATURE_LENGTH);
        uint256 n;
        for (uint256 offset; offset < signatures.length; offset += _SIGNATURE_LENGTH) {
            address signer = _signerAt(signatures, offset, digest);
            if (signer <= previous) revert SlashingCourtSignersNotAscending(previous, signer);
            previous = signer;
            if (signer == node) continue; // the accused's own stake counts on neither side
            signers[n++] = signer;
        }
        assembly ("memory-safe") {
            mstore(signers, n)
        }
        uint256 invalid;
        (signedStake, invalid) = vault.quorumStakesOf(signers, VALIDATOR_ROLE_ID, age);
        if (invalid != 0) revert SlashingCourtNotActiveValidator(signers[invalid - 1]);
    }

    /// The signer of the 65-byte signature (r || s || v) at `offset` of the packed `signatures` over `digest`.
    function _signerAt(
        bytes calldata signatures,
        uint256 offset,
        bytes32 digest
    ) private pure returns (address signer) {
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            let at := add(signatures.offset, offset)
            r := calldataload(at)
            s := calldataload(add(at, 0x20))
            v := byte(0, calldataload(add(at, 0x40)))
        }
        ECDSA.RecoverError err;
        (signer, err, ) = ECDSA.tryRecover(digest, v, r, s);
        if (err != ECDSA.RecoverError.NoError) revert SlashingCourtInvalidSignature();
    }

    /// Packed signatures: a whole number of 65-byte signatures, at most MAX_REPORT_SIGNERS.
    function _checkSignatureCount(uint256 length) private pure {
        if (length % _SIGNATURE_LENGTH != 0) revert SlashingCourtInvalidSignature();
        uint256 count = length / _SIGNATURE_LENGTH;
        if (count > MAX_REPORT_SIGNERS) revert SlashingCourtTooManySigners(count, MAX_REPORT_SIGNERS);
    }

    /// The offence a dispute is about, checked free: BAD_SIGNATURE names the attested message (the fault-proof
    /// contract's ledger), UNAVAILABLE the period of `occurredAt` (this contract's ledger); neither consumed nor
    /// already under an open dispute.
    function _disputeOffence(
        address node,
        uint8 faultCode,
        uint64 occurredAt,
        bytes32 digest
    ) private view returns (bytes32 offenceId) {
        CourtStorage storage $ = _s();
        if (faultCode == uint8(ISlashing.FaultCode.BadSignature)) {
            if (digest == bytes32(0)) revert SlashingCourtInvalidDigest(faultCode, digest);
            offenceId = $.slashing.messageOffenceId(node, digest);
            if ($.slashing.isOffenceConsumed(offenceId)) revert SlashingCourtOffenceConsumed(offenceId);
        } else if (faultCode == uint8(ISlashing.FaultCode.Unavailable)) {
            if (digest != bytes32(0)) revert SlashingCourtInvalidDigest(faultCode, digest);
            offenceId = _unavailableId(node, occurredAt);
            _requireFresh(offenceId);
        } else {
            revert SlashingCourtFaultNotAllowed(faultCode);
        }
        uint256 open = $.disputeOfOffence[offenceId];
        if (open != 0) revert SlashingCourtOffenceDisputed(offenceId, open);
    }

    /// Checks a dispute opening (window, stake, offence, per-node cap) and records it, open.
    function _record(
        address node,
        uint8 faultCode,
        uint64 occurredAt,
        bytes32 digest,
        bytes32 evidenceHash
    ) private returns (uint256 disputeId) {
        CourtStorage storage $ = _s();
        Params memory p = $.params;
        _checkFaultWindow(occurredAt, p.faultWindow);
        uint256 stake = _stakeOf(node);
        bytes32 offenceId = _disputeOffence(node, faultCode, occurredAt, digest);
        uint256 open = $.openDisputes[node];
        if (open >= MAX_OPEN_DISPUTES_PER_NODE) {
            revert SlashingCourtTooManyOpenDisputes(node, MAX_OPEN_DISPUTES_PER_NODE);
        }
        disputeId = ++$.disputeCount;
        $.openDisputes[node] = open + 1;
        $.disputeOfOffence[offenceId] = disputeId;
        $.disputes[disputeId] = Dispute({
            node: node,
            faultCode: faultCode,
            status: DisputeStatus.Open,
            openedAt: uint64(block.timestamp),
            disputer: msg.sender,
            bond: p.disputeBond,
            occurredAt: occurredAt,
            decideBy: uint64(block.timestamp) + p.disputeDecisionPeriod,
            evidenceHash: evidenceHash,
            offenceId: offenceId,
            locked: uint96(_atRisk(stake))
        });
    }

    /// What a dispute commitment binds besides the disputer, salt, node and fault: the message digest of
    /// BAD_SIGNATURE, the evidence hash of UNAVAILABLE.
    function _subject(uint8 faultCode, bytes32 digest, bytes32 evidenceHash) private pure returns (bytes32) {
        return faultCode == uint8(ISlashing.FaultCode.BadSignature) ? digest : evidenceHash;
    }

    /// Uses up `commitment`, which must have been made in an earlier block.
    function _useCommitment(bytes32 commitment) private {
        mapping(bytes32 => uint256) storage commitments = _s().commitments;
        uint256 committedAt = commitments[commitment];
        if (committedAt == 0) revert SlashingCourtNoCommitment(commitment);
        if (committedAt >= block.number) revert SlashingCourtCommitmentTooFresh(commitment, committedAt);
        delete commitments[commitment];
    }

    function _emitOpened(uint256 disputeId, Dispute storage d, bytes calldata evidence) private {
        emit DisputeOpened(
            disputeId,
            d.node,
            d.disputer,
            d.faultCode,
            d.occurredAt,
            d.decideBy,
            d.bond,
            d.offenceId,
            d.locked,
            evidence
        );
    }

    /// The offence of dispute `d` and whether it lives in the fault-proof contract's ledger. Disputes opened
    /// before wave 2 stored no offence id: theirs is the old evidence-based id, in this contract's ledger.
    function _offenceOf(Dispute storage d) private view returns (bytes32 offenceId, bool inSlashing) {
        offenceId = d.offenceId;
        if (offenceId == bytes32(0)) return (_legacyOffenceId(d.faultCode, d.node, d.evidenceHash), false);
        inSlashing = d.faultCode == uint8(ISlashing.FaultCode.BadSignature);
    }

    /// Bookkeeping of a dispute leaving Open (disputes opened before wave 2 were not counted).
    function _close(Dispute storage d, bytes32 offenceId) private {
        if (d.offenceId == bytes32(0)) return;
        CourtStorage storage $ = _s();
        --$.openDisputes[d.node];
        delete $.disputeOfOffence[offenceId];
    }

    function _expiredBondKeptBps() private view returns (uint256) {
        uint256 bps = _s().expiredBondKeptBps;
        return bps == 0 ? DEFAULT_EXPIRED_BOND_KEPT_BPS : bps;
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

    function _legacyOffenceId(
        uint8 faultCode,
        address node,
        bytes32 evidenceHash
    ) private pure returns (bytes32) {
        return keccak256(abi.encode(faultCode, node, evidenceHash));
    }

    /// One UNAVAILABLE offence per node per UNAVAILABLE_PERIOD (the period of `at`).
    function _unavailableId(address node, uint64 at) private pure returns (bytes32) {
        return
            keccak256(
                abi.encode(uint8(ISlashing.FaultCode.Unavailable), node, uint256(at) / UNAVAILABLE_PERIOD)
            );
    }
}
