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
///         registry caps both); (5) each offenceId is consumed at most once, whoever submits it: an UNAVAILABLE
///         offence is `keccak256(abi.encode(uint8(UNAVAILABLE), node, at / UNAVAILABLE_PERIOD))` (one per node
///         per period, shared by reports and disputes, in this contract's ledger); a BAD_SIGNATURE offence is
///         `slashing.messageOffenceId(node, digest)` in the fault-proof contract's ledger, so that a proof and a
///         dispute of one attested message slash once. A dispute locks `messageFaultSlashBps` of the node's
///         stake (the amount at risk) until it closes; at most MAX_OPEN_DISPUTES_PER_NODE are open per node and
///         one per offence; every dispute closes (accepted, rejected, or expired by anyone after the decision
///         period). A quorum short by one validator or with a repeated signer, an over-cap governance slash:
///         each reverts with a named error below and moves no token. See docs/court.md.
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
        GovernanceSlashCapBps, // cap of one governance slash, bps of the node's stake
        ExpiredBondKeptBps // bps of the bond of an expired dispute kept (to the treasury); 1,000 to 10,000
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
    ///         `reportedAt` is when the node was unavailable (it picks the offence's period); `reporter` is who
    ///         the signers agree gets the reporter reward, whoever sends the transaction (zero: nobody, all of
    ///         the slash goes to the treasury).
    struct Report {
        address node;
        uint8 faultCode;
        bytes32 evidenceHash;
        uint64 reportedAt;
        address reporter;
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
        bytes32 offenceId; // what accepting it consumes (zero for disputes opened before wave 2)
        uint96 locked; // the amount of the node's stake its withdrawal lock holds
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
    /// @notice A report signature is malformed or malleable (high s), or the packed signatures are not a
    ///         multiple of 65 bytes long.
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
    /// @notice No commitment {commitDispute} matches this opening (`commitment`, computed with the caller).
    error SlashingCourtNoCommitment(bytes32 commitment);
    /// @notice `commitment` was made in block `committedAt`; a dispute can be opened from the next block on.
    error SlashingCourtCommitmentTooFresh(bytes32 commitment, uint256 committedAt);
    /// @notice `commitment` was already made, in block `committedAt` (the first commitment stands).
    error SlashingCourtAlreadyCommitted(bytes32 commitment, uint256 committedAt);
    /// @notice `node` already has `max` open disputes.
    error SlashingCourtTooManyOpenDisputes(address node, uint256 max);
    /// @notice Dispute `disputeId` about `offenceId` is open; one dispute per offence at a time.
    error SlashingCourtOffenceDisputed(bytes32 offenceId, uint256 disputeId);
    /// @notice A BAD_SIGNATURE dispute must name the attested message digest; an UNAVAILABLE one must pass zero.
    error SlashingCourtInvalidDigest(uint8 faultCode, bytes32 digest);
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
    ///         `reporter` (the address the signers signed, not the sender) credited the reward. Signers holding
    ///         `signedStake` of aged stake signed it; `requiredStake` was needed.
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

    /// @notice `disputer` (who committed to it in an earlier block) opened dispute `disputeId` against `node`
    ///         for `faultCode`, which occurred at `occurredAt`, about `offenceId`, with `bond` pulled from it;
    ///         `locked` of `node`'s stake cannot be withdrawn until the dispute closes, and governance may decide
    ///         until `decideBy`. `evidence` is stored only here; `keccak256(evidence)` is the dispute's
    ///         `evidenceHash`.
    event DisputeOpened(
        uint256 indexed disputeId,
        address indexed node,
        address indexed disputer,
        uint8 faultCode,
        uint64 occurredAt,
        uint64 decideBy,
        uint256 bond,
        bytes32 offenceId,
        uint256 locked,
        bytes evidence
    );

    /// @notice Governance accepted dispute `disputeId`: `offenceId` is consumed, `slashed` was taken from the
    ///         node with the disputer as reporter, the bond returned to the disputer, the lock released.
    event DisputeAccepted(uint256 indexed disputeId, bytes32 indexed offenceId, uint256 slashed);

    /// @notice Governance rejected dispute `disputeId`: the bond went to `treasury`, the lock was released.
    event DisputeRejected(uint256 indexed disputeId, address treasury, uint256 bond);

    /// @notice Dispute `disputeId` lapsed undecided: `refunded` of the bond went back to the disputer, `kept`
    ///         (ExpiredBondKeptBps of it) to the treasury, the lock was released.
    event DisputeExpired(uint256 indexed disputeId, uint256 refunded, uint256 kept);

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
    ///         the fault window, crediting the reward to `report.reporter`. The signers must be Active VALIDATOR
    ///         nodes; each counts its bonded stake not deposited within the fault window (see
    ///         `IStakingVault.quorumStakesOf`), and together they must reach the quorum (rounded up) of: active
    ///         validator stake, plus the validator stake the court's slashes removed from it within the fault
    ///         window, minus the accused's own bonded stake when it is an Active validator ({requiredStake}).
    ///         `signatures` are 65-byte signatures (r || s || v) packed one after the other (at most
    ///         MAX_REPORT_SIGNERS: 1,000 signers are 65,000 bytes of calldata, within the 128 KiB a node relays);
    ///         they must recover to strictly ascending addresses; the accused's own signature counts for nothing.
    function submitReport(
        Report calldata report,
        bytes calldata signatures
    ) external returns (bytes32 offenceId, uint256 slashed);

    /// @notice Records `commitment` (see {disputeCommitment}) with the current block number, first writer only.
    ///         {openDispute} accepts it from the next block on. Works while paused. Emits no event (a commitment
    ///         reveals nothing, and stays under 50,000 gas a transaction): read it back with {commitmentBlock};
    ///         {DisputeOpened} reports the dispute.
    function commitDispute(bytes32 commitment) external;

    /// @notice Opens a dispute against `node` (registered, with stake) for BAD_SIGNATURE (naming the attested
    ///         message `digest`) or UNAVAILABLE (`digest` zero) that occurred at `occurredAt` (within the fault
    ///         window). The caller must have committed {disputeCommitment}(caller, `salt`, `node`, `faultCode`,
    ///         subject) in an earlier block, where subject is `digest` for BAD_SIGNATURE and
    ///         `keccak256(evidence)` for UNAVAILABLE; the commitment is used up. Pulls the dispute bond from the
    ///         caller (approve this contract first) and locks `messageFaultSlashBps` of the node's stake.
    ///         Reverts when the offence was consumed (here or, for BAD_SIGNATURE, by a fault proof), another
    ///         dispute about it is open, or the node has MAX_OPEN_DISPUTES_PER_NODE open disputes.
    ///         Residual race: a copy-cat who sees this opening in the mempool can still commit in a block N and
    ///         open in block N + 1 if this opening is not mined by then (docs/court.md).
    function openDispute(
        address node,
        uint8 faultCode,
        uint64 occurredAt,
        bytes32 digest,
        bytes calldata evidence,
        bytes32 salt
    ) external returns (uint256 disputeId);

    /// @notice Anyone closes an open dispute after its decision period: ExpiredBondKeptBps of the bond goes to
    ///         the treasury, the rest back to the disputer. Works while paused.
    function expireDispute(uint256 disputeId) external;

    // ------------------------------------------------------------------------------------------------
    // Governance (GOVERNOR_ROLE; work while paused) and guardian
    // ------------------------------------------------------------------------------------------------

    /// @notice Accepts an open dispute within its decision period: consumes its offence (for BAD_SIGNATURE in
    ///         the fault-proof contract's ledger, so that no proof of that message slashes again), slashes
    ///         `messageFaultSlashBps` of the node's stake (the disputer is the reporter), returns the bond,
    ///         releases the lock. Reverts with {SlashingCourtOffenceConsumed} if the offence was consumed since.
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

    /// @notice Whether `offenceId` was consumed, here or in the fault-proof contract's ledger.
    function isOffenceConsumed(bytes32 offenceId) external view returns (bool);

    /// @notice The offence of `node` being UNAVAILABLE at time `at`: one per node per UNAVAILABLE_PERIOD.
    function unavailableOffenceId(address node, uint64 at) external pure returns (bytes32);

    /// @notice keccak256(abi.encode(disputer, salt, node, faultCode, subject)): what {commitDispute} records.
    function disputeCommitment(
        address disputer,
        bytes32 salt,
        address node,
        uint8 faultCode,
        bytes32 subject
    ) external pure returns (bytes32);

    /// @notice The block in which `commitment` was made (0: never, or used by {openDispute}).
    function commitmentBlock(bytes32 commitment) external view returns (uint256);

    /// @notice Number of open disputes against `node`.
    function openDisputesOf(address node) external view returns (uint256);

    /// @notice The aged stake a quorum report against `node` needs now (see {submitReport}).
    function requiredStake(address node) external view returns (uint256);

    /// @notice Validator stake removed from active stake by this court's slashes within the last fault window
    ///         (still counted in {requiredStake}).
    function recentlyRemovedStake() external view returns (uint256);

    /// @notice Bps of an expired dispute's bond kept and sent to the treasury.
    function expiredBondKeptBps() external view returns (uint256);

    /// @notice Length of the period of UNAVAILABLE offences (7 days): at most one per node per period.
    function UNAVAILABLE_PERIOD() external view returns (uint256);

    /// @notice Most disputes open at once against one node.
    function MAX_OPEN_DISPUTES_PER_NODE() external view returns (uint256);

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
}
