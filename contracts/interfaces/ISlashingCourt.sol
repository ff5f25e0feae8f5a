// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {INodeRegistry} from "./INodeRegistry.sol";
import {ISlashing} from "./ISlashing.sol";

/// @title ISlashingCourt
/// @notice Slashing for what cannot be proven on chain (DESIGN sections 3 and 5): bonded disputes decided by
///         governance (BAD_SIGNATURE under an Ed25519 key, UNAVAILABLE), quorum reports signed by validators
///         (UNAVAILABLE), and governance slashes capped per action. The slash amount of disputes and reports
///         and the reporter reward are the {ISlashing} parameters `messageFaultSlashBps` and
///         `reporterRewardBps`. Reports are EIP-712 in this contract's domain
///         {name: "Push Nodes", version: "1", chainId, verifyingContract: this contract}.
///
///         Invariants: (3) a slash never exceeds the node's stake and the reward never exceeds the slash (the
///         registry caps both); (5) each offenceId (`keccak256(abi.encode(uint8 faultCode, node,
///         evidenceHash))`, shared by reports and disputes) is consumed at most once. A dispute locks the node's
///         withdrawals until it closes; every dispute closes (accepted, rejected, or expired by anyone after
///         the decision period). A quorum short by one validator or with a repeated signer, an over-cap
///         governance slash: each reverts with a named error below and moves no token.
interface ISlashingCourt {
    // ------------------------------------------------------------------------------------------------
    // Types
    // ------------------------------------------------------------------------------------------------

    /// @notice Court parameters (DESIGN section 3), set one at a time with {setParam}; the quorum with
    ///         {setQuorum}.
    enum Param {
        FaultWindow, // seconds; disputes and quorum reports must come within it (and below the unbonding period)
        DisputeBond, // token wei pulled from whoever opens a dispute
        DisputeDecisionPeriod, // seconds governance has to accept or reject an open dispute
        GovernanceSlashCapBps // cap of one governance slash, bps of the node's stake
    }

    /// @notice Lifecycle of a dispute: Open -> Accepted | Rejected (governance, within the decision period)
    ///         or Open -> Expired (anyone, after it).
    enum DisputeStatus {
        None,
        Open,
        Accepted,
        Rejected,
        Expired
    }

    /// @notice A quorum report, EIP-712 in this contract's domain, signed by validator nodes' signers.
    struct Report {
        address node;
        uint8 faultCode;
        bytes32 evidenceHash;
        uint64 reportedAt;
    }

    /// @notice A dispute record.
    struct Dispute {
        address node;
        uint8 faultCode;
        DisputeStatus status;
        uint64 openedAt;
        address disputer;
        uint96 bond;
        uint64 occurredAt;
        uint64 decideBy; // last second governance may accept or reject
        bytes32 evidenceHash; // keccak256 of the evidence bytes emitted in {DisputeOpened}
    }

    /// @notice Current parameter values. A quorum report needs
    ///         ceil(quorumNumerator / quorumDenominator x active validator stake).
    struct Params {
        uint32 faultWindow;
        uint32 disputeDecisionPeriod;
        uint16 governanceSlashCapBps;
        uint16 quorumNumerator;
        uint16 quorumDenominator;
        uint96 disputeBond;
    }

    // ------------------------------------------------------------------------------------------------
    // Errors
    // ------------------------------------------------------------------------------------------------

    /// @notice An address given to {initialize} or {setTreasury} was zero.
    error SlashingCourtZeroAddress();
    /// @notice A report signature is malformed, malleable (high s) or not 65 bytes long.
    error SlashingCourtInvalidSignature();
    /// @notice `node` is not a registered node holding stake (bonded or unbonding).
    error SlashingCourtNodeWithoutStake(address node);
    /// @notice This offence was already slashed (report or accepted dispute).
    error SlashingCourtOffenceConsumed(bytes32 offenceId);
    /// @notice `faultCode` is not allowed here (disputes: BAD_SIGNATURE or UNAVAILABLE; reports: UNAVAILABLE).
    error SlashingCourtFaultNotAllowed(uint8 faultCode);
    /// @notice `at` is in the future or older than the fault window allows (`now - at > faultWindow`).
    error SlashingCourtOutsideFaultWindow(uint64 at, uint64 faultWindow);
    /// @notice Report signers must be strictly ascending addresses (no repeats); `signer` came after `previous`.
    error SlashingCourtSignersNotAscending(address previous, address signer);
    /// @notice `signer` of a quorum report is not the signer of an Active VALIDATOR node.
    error SlashingCourtNotActiveValidator(address signer);
    /// @notice A quorum report has `count` signatures, more than `max`.
    error SlashingCourtTooManySigners(uint256 count, uint256 max);
    /// @notice The report signers hold `signedStake` of active validator stake; `requiredStake` is needed.
    error SlashingCourtQuorumNotReached(uint256 signedStake, uint256 requiredStake);
    /// @notice A governance slash of `amount` exceeds the per-action cap `cap`.
    error SlashingCourtOverCap(uint256 amount, uint256 cap);
    /// @notice An amount that must be positive was zero.
    error SlashingCourtZeroAmount();
    /// @notice No dispute has id `disputeId`.
    error SlashingCourtUnknownDispute(uint256 disputeId);
    /// @notice Dispute `disputeId` is `status`, not Open.
    error SlashingCourtDisputeNotOpen(uint256 disputeId, DisputeStatus status);
    /// @notice Dispute `disputeId` could be decided until `decideBy` only; anyone may now expire it.
    error SlashingCourtDecisionPeriodOver(uint256 disputeId, uint64 decideBy);
    /// @notice Dispute `disputeId` can be expired only after `decideBy`.
    error SlashingCourtDecisionPeriodNotOver(uint256 disputeId, uint64 decideBy);
    /// @notice Governance tried to set `param` to `value`, outside its hard bounds [`min`, `max`].
    error SlashingCourtParamOutOfBounds(Param param, uint256 value, uint256 min, uint256 max);
    /// @notice The quorum `numerator / denominator` is not within [1/2, 1] (denominator 1..10000).
    error SlashingCourtQuorumOutOfBounds(uint256 numerator, uint256 denominator);

    // ------------------------------------------------------------------------------------------------
    // Events
    // ------------------------------------------------------------------------------------------------

    /// @notice A quorum report against `node` was accepted: `offenceId` is consumed and `slashed` taken, with
    ///         `reporter` (the sender) credited the reward. Signers holding `signedStake` signed it;
    ///         `requiredStake` was needed.
    event QuorumReportAccepted(
        bytes32 indexed offenceId,
        address indexed node,
        uint8 indexed faultCode,
        address reporter,
        bytes32 evidenceHash,
        uint64 reportedAt,
        uint256 signedStake,
        uint256 requiredStake,
        uint256 slashed
    );

    /// @notice Governance slashed `node` for `reason`: `slashed` taken (all of it to the treasury share of
    ///         the vault), `amount` asked.
    event GovernanceSlashed(address indexed node, uint256 amount, uint256 slashed, string reason);

    /// @notice `disputer` opened dispute `disputeId` against `node` for `faultCode`, which occurred at
    ///         `occurredAt`, with `bond` pulled from it; `node`'s withdrawals are locked until the dispute
    ///         closes, and governance may decide until `decideBy`. `evidence` is stored only here;
    ///         `keccak256(evidence)` is the dispute's `evidenceHash`.
    event DisputeOpened(
        uint256 indexed disputeId,
        address indexed node,
        address indexed disputer,
        uint8 faultCode,
        uint64 occurredAt,
        uint64 decideBy,
        uint256 bond,
        bytes evidence
    );

    /// @notice Governance accepted dispute `disputeId`: `offenceId` is consumed, `slashed` was taken from the
    ///         node with the disputer as reporter, the bond returned to the disputer, the lock released.
    event DisputeAccepted(uint256 indexed disputeId, bytes32 indexed offenceId, uint256 slashed);

    /// @notice Governance rejected dispute `disputeId`: the bond went to `treasury`, the lock was released.
    event DisputeRejected(uint256 indexed disputeId, address treasury, uint256 bond);

    /// @notice Dispute `disputeId` lapsed undecided: the bond was returned to the disputer, the lock released.
    event DisputeExpired(uint256 indexed disputeId);

    /// @notice Governance set `param` from `oldValue` to `newValue`.
    event ParamSet(Param indexed param, uint256 oldValue, uint256 newValue);

    /// @notice Governance set the quorum of reports to `numerator / denominator` of active validator stake.
    event QuorumSet(uint256 numerator, uint256 denominator);

    /// @notice Governance set the address that receives forfeited dispute bonds.
    event TreasurySet(address treasury);

    // ------------------------------------------------------------------------------------------------
    // Quorum reports and disputes (revert with OpenZeppelin's `EnforcedPause()` while paused)
    // ------------------------------------------------------------------------------------------------

    /// @notice Slashes `messageFaultSlashBps` of the node's stake for a quorum report (UNAVAILABLE) made within
    ///         the fault window and signed by Active VALIDATOR nodes whose bonded stake reaches the quorum of
    ///         active validator stake (rounded up), the accused node's own stake left out of both sides.
    ///         `signatures` (65 bytes each) must recover to strictly ascending addresses.
    function submitReport(
        Report calldata report,
        bytes[] calldata signatures
    ) external returns (bytes32 offenceId, uint256 slashed);

    /// @notice Opens a dispute against `node` (registered, with stake) for BAD_SIGNATURE or UNAVAILABLE that
    ///         occurred at `occurredAt` (within the fault window), pulling the dispute bond from the caller
    ///         (approve this contract first) and locking the node's withdrawals.
    function openDispute(
        address node,
        uint8 faultCode,
        uint64 occurredAt,
        bytes calldata evidence
    ) external returns (uint256 disputeId);

    /// @notice Anyone closes an open dispute after its decision period: the bond goes back to the disputer.
    ///         Works while paused.
    function expireDispute(uint256 disputeId) external;

    // ------------------------------------------------------------------------------------------------
    // Governance (GOVERNOR_ROLE; work while paused) and guardian
    // ------------------------------------------------------------------------------------------------

    /// @notice Accepts an open dispute within its decision period: slashes `messageFaultSlashBps` of the
    ///         node's stake (the disputer is the reporter), returns the bond, releases the lock.
    function acceptDispute(uint256 disputeId) external returns (uint256 slashed);

    /// @notice Rejects an open dispute within its decision period: the bond goes to the treasury.
    function rejectDispute(uint256 disputeId) external;

    /// @notice Slashes `amount` of `node`'s stake for `reason`, at most `governanceSlashCapBps` of its stake
    ///         (bonded + unbonding); all of it goes to the treasury share.
    function slash(address node, uint256 amount, string calldata reason) external returns (uint256 slashed);

    /// @notice Sets `param` to `value` within its hard bounds ({paramBounds}).
    function setParam(Param param, uint256 value) external;

    /// @notice Sets the quorum of reports to `numerator / denominator` (within [1/2, 1], denominator <= 10000).
    function setQuorum(uint256 numerator, uint256 denominator) external;

    /// @notice Sets the address that receives forfeited dispute bonds.
    function setTreasury(address treasury) external;

    /// @notice Pauses reports and new disputes (GUARDIAN_ROLE).
    function pause() external;

    /// @notice Unpauses (GOVERNOR_ROLE only).
    function unpause() external;

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @notice All court parameters.
    function params() external view returns (Params memory);

    /// @notice Hard bounds of `param` on this deployment (time lower bounds depend on {shortTimeBounds}; the
    ///         fault window also stays below the registry's unbonding period).
    function paramBounds(Param param) external view returns (uint256 min, uint256 max);

    /// @notice Whether the short (minutes instead of days) time bounds of local networks and testnets apply.
    function shortTimeBounds() external view returns (bool);

    /// @notice Whether `offenceId` was consumed.
    function isOffenceConsumed(bytes32 offenceId) external view returns (bool);

    /// @notice The EIP-712 digest of `report` in this contract's domain (what validators sign).
    function reportDigest(Report calldata report) external view returns (bytes32);

    /// @notice Dispute `disputeId`.
    function dispute(uint256 disputeId) external view returns (Dispute memory);

    /// @notice Number of disputes ever opened (ids are 1..disputeCount).
    function disputeCount() external view returns (uint256);

    /// @notice Upper bound on the signatures of one quorum report.
    function MAX_REPORT_SIGNERS() external view returns (uint256);

    /// @notice The fault-proof contract whose slash and reward parameters apply here.
    function slashing() external view returns (ISlashing);

    /// @notice The node registry slashed through (this contract holds its SLASHER_ROLE).
    function nodeRegistry() external view returns (INodeRegistry);

    /// @notice The token of dispute bonds (the staking vault's PUSH).
    function token() external view returns (IERC20);

    /// @notice Where forfeited dispute bonds go.
    function treasury() external view returns (address);

    /// @notice Total seconds the court has been paused, the ongoing pause included (grows every second while
    ///         paused). The staking vault adds it to unbonding periods (see `ISlashing.pausedDuration`).
    function pausedDuration() external view returns (uint256);
}
