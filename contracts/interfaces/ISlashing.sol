// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IKeyRegistry} from "./IKeyRegistry.sol";
import {INodeRegistry} from "./INodeRegistry.sol";

/// @title ISlashing
/// @notice Fault proofs, governance slashes, disputes and quorum reports against Push Nodes (DESIGN sections
///         4, 5 and 7). A node is its signer address; it attests messages by signing an EIP-712 `Attestation`
///         in this contract's domain {name: "Push Nodes", version: "1", chainId, verifyingContract: this}.
///
///         Provable faults (MALFORMED, UNAUTHORIZED_SENDER, WRONG_ENCRYPTION, BAD_SIGNATURE for RSA and P-256
///         keys, EQUIVOCATION) are checked on chain, have no time limit while the node holds stake (bonded or
///         unbonding, whatever its status) and are slashed by anyone who sends the proof, who earns
///         `reporterRewardBps` of the slashed amount. What cannot be proven (BAD_SIGNATURE under an Ed25519
///         key, UNAVAILABLE) goes to a bonded dispute decided by governance, or to a quorum report signed by
///         validators holding at least `quorumBps` of active validator stake.
///
///         Invariants (DESIGN section 7) this contract keeps, with the node registry:
///         - (3) a slash never exceeds the node's stake (bonded + unbonding); the reward never exceeds the slash;
///         - (5) each offenceId is consumed at most once, whoever submits it;
///         - (7) while not paused, a valid fault proof against a node with stake never reverts.
///         A proof against an honest message, a forged or cross-chain attestation, an unregistered node, a
///         key-state fault grounded on a key record younger than the state lag, an equal pair called
///         equivocation, a short or repeated quorum, an over-cap governance slash: each reverts with a named
///         error below and moves no token.
interface ISlashing {
    // ------------------------------------------------------------------------------------------------
    // Types
    // ------------------------------------------------------------------------------------------------

    /// @notice Fault classes of DESIGN section 5 (`uint8` values in events, reports and offence ids).
    enum FaultCode {
        None,
        Malformed, // 1
        UnauthorizedSender, // 2
        WrongEncryption, // 3
        BadSignature, // 4
        Equivocation, // 5
        Unavailable // 6
    }

    /// @notice Governance parameters (DESIGN section 3), set one at a time with {setParam}.
    enum Param {
        StateLag, // seconds; key records younger than this at attestation time cannot ground a fault
        FaultWindow, // seconds; disputes and quorum reports must come within it
        MessageFaultSlashBps, // slash for a provable message fault, dispute or quorum report, bps of stake
        EquivocationSlashBps, // slash for equivocation, bps of stake
        ReporterRewardBps, // share of each slash credited to the reporter
        DisputeBond, // PUSH (wei) pulled from whoever opens a dispute
        MaxContentSize, // bytes; a larger `contentSize` is MALFORMED
        MaxClockSkew, // seconds; |timestamp - attestedAt| above it is MALFORMED
        QuorumBps, // share of active validator stake a quorum report needs (rounded up)
        DisputeDecisionPeriod, // seconds governance has to accept or reject an open dispute
        GovernanceSlashCapBps // cap of one governance slash, bps of stake
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

    /// @notice Why a message is MALFORMED (the first reason found, in this order), in {FaultProven.detail}.
    enum MalformedReason {
        None,
        Version, // version != 1
        ZeroAddress, // from or to is zero
        SameAddress, // from == to
        ContentTooLarge, // contentSize > maxContentSize
        ContentType, // contentType > 4
        Encryption, // encryption > 1
        ClockSkew // |timestamp - attestedAt| > maxClockSkew
    }

    /// @notice The chat message of DESIGN section 4 (fixed wire standard). Its digest is the EIP-712 hash in
    ///         the domain {name: "Push Chat", version: "1"} (no chainId, no verifyingContract).
    struct Message {
        uint8 version;
        address from;
        address to;
        uint64 timestamp;
        uint8 contentType;
        uint8 encryption;
        bytes32 contentHash;
        uint32 contentSize;
        bytes32 senderKey;
        bytes32 recipientKey;
        bytes32 previous;
    }

    /// @notice A node's attestation (DESIGN section 4), EIP-712 in this contract's domain.
    ///         `signatureHash = keccak256(OpenPGP signature bytes)`.
    struct Attestation {
        bytes32 digest;
        bytes32 signatureHash;
        uint64 sequence;
        uint64 attestedAt;
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

    /// @notice Current parameter values. Times in seconds, shares in basis points, the bond in token wei.
    struct Params {
        uint32 stateLag;
        uint32 faultWindow;
        uint16 messageFaultSlashBps;
        uint16 equivocationSlashBps;
        uint16 reporterRewardBps;
        uint16 quorumBps;
        uint16 governanceSlashCapBps;
        uint32 maxContentSize;
        uint32 maxClockSkew;
        uint32 disputeDecisionPeriod;
        uint96 disputeBond;
    }

    // ------------------------------------------------------------------------------------------------
    // Errors
    // ------------------------------------------------------------------------------------------------

    /// @notice An address given to {initialize} or {setTreasury} was zero.
    error SlashingZeroAddress();
    /// @notice The attestation (or report) signature is malformed, malleable (high s) or not 65 bytes.
    error SlashingInvalidNodeSignature();
    /// @notice `signer`, recovered from an attestation, is not a registered node holding stake (a forged
    ///         attestation, one signed for another chain or contract, an unregistered or fully withdrawn node).
    error SlashingNodeWithoutStake(address signer);
    /// @notice The attestation's digest is not the digest of the message given with it.
    error SlashingDigestMismatch(bytes32 attested, bytes32 computed);
    /// @notice The OpenPGP signature bytes given do not hash to the attested `signatureHash`.
    error SlashingSignatureHashMismatch(bytes32 attested, bytes32 computed);
    /// @notice The public key bytes given do not hash to the message's `senderKey`.
    error SlashingSenderKeyMismatch(bytes32 senderKey, bytes32 computed);
    /// @notice The message is not faulty for `faultCode` (a proof against an honest message).
    error SlashingNoFault(uint8 faultCode);
    /// @notice The key record of `owner`/`keyHash` that decides the fault changed at `changedAt`, less than the
    ///         state lag before `attestedAt`: a node is not punished for chain-state lag.
    error SlashingStateLag(address owner, bytes32 keyHash, uint64 changedAt, uint64 attestedAt);
    /// @notice The sender key is Ed25519 and the signature is within the strict profile: its validity cannot be
    ///         checked on chain; open a dispute ({openDispute}, fault BAD_SIGNATURE) instead.
    error SlashingEd25519NeedsDispute(bytes32 senderKey);
    /// @notice This offence was already slashed (or its dispute accepted), whoever sent it.
    error SlashingOffenceConsumed(bytes32 offenceId);
    /// @notice The two attestations are identical: not an equivocation.
    error SlashingIdenticalAttestations();
    /// @notice The two attestations have different sequence numbers: not an equivocation.
    error SlashingSequenceMismatch(uint64 sequenceA, uint64 sequenceB);
    /// @notice The two attestations were signed by different signers: not an equivocation.
    error SlashingSignerMismatch(address signerA, address signerB);
    /// @notice `faultCode` is not allowed here (disputes: BAD_SIGNATURE or UNAVAILABLE; reports: UNAVAILABLE).
    error SlashingFaultNotAllowed(uint8 faultCode);
    /// @notice `at` is in the future or older than the fault window allows (`now - at > faultWindow`).
    error SlashingOutsideFaultWindow(uint64 at, uint64 faultWindow);
    /// @notice Report signers must be strictly ascending addresses (no repeats); `signer` came after `previous`.
    error SlashingSignersNotAscending(address previous, address signer);
    /// @notice `signer` of a quorum report is not the signer of an Active VALIDATOR node.
    error SlashingNotActiveValidator(address signer);
    /// @notice A quorum report has more signatures than `max`.
    error SlashingTooManySigners(uint256 count, uint256 max);
    /// @notice The report signers hold `signedStake` of active validator stake; `requiredStake` is needed.
    error SlashingQuorumNotReached(uint256 signedStake, uint256 requiredStake);
    /// @notice A governance slash of `amount` exceeds the per-action cap `cap` (governanceSlashCapBps of stake).
    error SlashingOverCap(uint256 amount, uint256 cap);
    /// @notice An amount that must be positive was zero.
    error SlashingZeroAmount();
    /// @notice No dispute has id `disputeId`.
    error SlashingUnknownDispute(uint256 disputeId);
    /// @notice Dispute `disputeId` is `status`, not Open.
    error SlashingDisputeNotOpen(uint256 disputeId, DisputeStatus status);
    /// @notice Dispute `disputeId` can be decided until `decideBy` only; after that anyone may expire it.
    error SlashingDecisionPeriodOver(uint256 disputeId, uint64 decideBy);
    /// @notice Dispute `disputeId` can be expired only after `decideBy`.
    error SlashingDecisionPeriodNotOver(uint256 disputeId, uint64 decideBy);
    /// @notice Governance tried to set `param` to `value`, outside its hard bounds [`min`, `max`].
    error SlashingParamOutOfBounds(Param param, uint256 value, uint256 min, uint256 max);

    // ------------------------------------------------------------------------------------------------
    // Events
    // ------------------------------------------------------------------------------------------------

    /// @notice A fault proof was accepted: `offenceId` is consumed forever and `slashed` was taken from
    ///         `node`'s stake (bonded first, then unbonding), `reporterRewardBps` of it credited to `reporter`
    ///         in the vault. Emitted once per offenceId, ever. `digest` is the attested message digest (for
    ///         EQUIVOCATION, the EIP-712 hash of the first attestation given); `detail` is the
    ///         {MalformedReason} for MALFORMED, the `OpenPgpSignature.Status` for BAD_SIGNATURE, else 0.
    event FaultProven(
        bytes32 indexed offenceId,
        address indexed node,
        uint8 indexed faultCode,
        address reporter,
        bytes32 digest,
        uint8 detail,
        uint256 slashed
    );

    /// @notice A quorum report against `node` was accepted: `offenceId` (= {evidenceOffenceId} of the report's
    ///         fault, node and evidence) is consumed and `slashed` taken; `signedStake` of `requiredStake`
    ///         signed it. `reporter` (the sender) earns the reward.
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

    /// @notice Governance slashed `node` for `reason`: `slashed` taken (all to the treasury), `amount` asked.
    event GovernanceSlashed(address indexed node, uint256 amount, uint256 slashed, string reason);

    /// @notice `disputer` opened dispute `disputeId` against `node` for `faultCode`, which occurred at
    ///         `occurredAt`, with `bond` pulled from it; `node`'s withdrawals are locked until the dispute
    ///         closes. `evidence` is stored only here; `keccak256(evidence)` is in the dispute record.
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

    /// @notice Governance accepted dispute `disputeId`: its offence (`offenceId`) is consumed, `slashed` was
    ///         taken from the node with the disputer as reporter, the bond returned, the lock released.
    event DisputeAccepted(uint256 indexed disputeId, bytes32 indexed offenceId, uint256 slashed);

    /// @notice Governance rejected dispute `disputeId`: the bond went to the treasury, the lock was released.
    event DisputeRejected(uint256 indexed disputeId, address treasury, uint256 bond);

    /// @notice Dispute `disputeId` lapsed undecided: the bond was returned to the disputer, the lock released.
    event DisputeExpired(uint256 indexed disputeId);

    /// @notice Governance set `param` from `oldValue` to `newValue`.
    event ParamSet(Param indexed param, uint256 oldValue, uint256 newValue);

    /// @notice Governance set the address that receives forfeited dispute bonds.
    event TreasurySet(address treasury);

    // ------------------------------------------------------------------------------------------------
    // Fault proofs (anyone; revert with OpenZeppelin's `EnforcedPause()` while paused)
    // ------------------------------------------------------------------------------------------------

    /// @notice Proves that the node that signed `attestation` (of `message`) attested a MALFORMED message.
    /// @return offenceId keccak256(faultCode, node, digest), now consumed.
    /// @return slashed the amount taken from the node.
    function proveMalformed(
        Message calldata message,
        Attestation calldata attestation,
        bytes calldata nodeSignature
    ) external returns (bytes32 offenceId, uint256 slashed);

    /// @notice Proves UNAUTHORIZED_SENDER: `senderKey` was not a key of `from` active at `timestamp`.
    function proveUnauthorizedSender(
        Message calldata message,
        Attestation calldata attestation,
        bytes calldata nodeSignature
    ) external returns (bytes32 offenceId, uint256 slashed);

    /// @notice Proves WRONG_ENCRYPTION: PGP content whose `recipientKey` was not active for `to` at
    ///         `timestamp`, or plaintext although `recipientActiveKey` was an active key of `to` then
    ///         (`recipientActiveKey` is ignored for PGP content).
    function proveWrongEncryption(
        Message calldata message,
        Attestation calldata attestation,
        bytes calldata nodeSignature,
        bytes32 recipientActiveKey
    ) external returns (bytes32 offenceId, uint256 slashed);

    /// @notice Proves BAD_SIGNATURE: `signature` (hashing to the attested signatureHash) is outside the strict
    ///         profile, or does not verify over the digest under the primary key of `publicKey` (hashing to
    ///         `senderKey`; RSA >= 2048 bits or NIST P-256). For an Ed25519 key only a profile violation is
    ///         provable; otherwise this reverts with {SlashingEd25519NeedsDispute}.
    function proveBadSignature(
        Message calldata message,
        Attestation calldata attestation,
        bytes calldata nodeSignature,
        bytes calldata signature,
        bytes calldata publicKey
    ) external returns (bytes32 offenceId, uint256 slashed);

    /// @notice Proves EQUIVOCATION: one signer signed two different attestations with the same sequence.
    /// @return offenceId keccak256(EQUIVOCATION, node, sequence): one slash per node and sequence, whatever
    ///         the pair and its order.
    function proveEquivocation(
        Attestation calldata a,
        bytes calldata signatureA,
        Attestation calldata b,
        bytes calldata signatureB
    ) external returns (bytes32 offenceId, uint256 slashed);

    /// @notice Slashes for a quorum report (UNAVAILABLE) signed by Active VALIDATOR nodes whose bonded stake
    ///         reaches `quorumBps` of active validator stake (rounded up), the accused node's own stake left out
    ///         of both sides. `signatures` (65 bytes each) must recover to strictly ascending addresses.
    function submitReport(
        Report calldata report,
        bytes[] calldata signatures
    ) external returns (bytes32 offenceId, uint256 slashed);

    // ------------------------------------------------------------------------------------------------
    // Disputes
    // ------------------------------------------------------------------------------------------------

    /// @notice Opens a dispute against `node` (registered, with stake) for BAD_SIGNATURE or UNAVAILABLE that
    ///         occurred at `occurredAt` (within the fault window), pulling the dispute bond from the caller
    ///         (approve this contract first) and locking the node's withdrawals. Reverts while paused.
    function openDispute(
        address node,
        uint8 faultCode,
        uint64 occurredAt,
        bytes calldata evidence
    ) external returns (uint256 disputeId);

    /// @notice Governance accepts an open dispute within its decision period: slashes `messageFaultSlashBps`
    ///         of the node's stake (the disputer is the reporter), returns the bond, releases the lock.
    function acceptDispute(uint256 disputeId) external returns (uint256 slashed);

    /// @notice Governance rejects an open dispute within its decision period: the bond goes to the treasury.
    function rejectDispute(uint256 disputeId) external;

    /// @notice Anyone closes an open dispute after its decision period: the bond goes back to the disputer.
    function expireDispute(uint256 disputeId) external;

    // ------------------------------------------------------------------------------------------------
    // Governance (GOVERNOR_ROLE) and guardian
    // ------------------------------------------------------------------------------------------------

    /// @notice Slashes `amount` of `node`'s stake for `reason`, at most `governanceSlashCapBps` of its stake
    ///         (bonded + unbonding); all of it goes to the treasury share.
    function slash(address node, uint256 amount, string calldata reason) external returns (uint256 slashed);

    /// @notice Sets `param` to `value` within its hard bounds ({paramBounds}).
    function setParam(Param param, uint256 value) external;

    /// @notice Sets the address that receives forfeited dispute bonds.
    function setTreasury(address treasury) external;

    /// @notice Pauses proofs, reports and new disputes (GUARDIAN_ROLE). Decisions and expiry still work.
    function pause() external;

    /// @notice Unpauses (GOVERNOR_ROLE only).
    function unpause() external;

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @notice All parameters.
    function params() external view returns (Params memory);

    /// @notice Hard bounds of `param` on this deployment (time lower bounds depend on {shortTimeBounds}).
    function paramBounds(Param param) external view returns (uint256 min, uint256 max);

    /// @notice Whether the short (minutes instead of days) time bounds of local networks and testnets apply.
    function shortTimeBounds() external view returns (bool);

    /// @notice The limits used to judge an attestation made at `attestedAt`: the current ones, or the most
    ///         lenient ever configured when a parameter changed less than a day (the largest state lag) before
    ///         it, so that no parameter change makes an earlier honest attestation faulty.
    function effectiveLimits(
        uint64 attestedAt
    ) external view returns (uint256 stateLag, uint256 maxContentSize, uint256 maxClockSkew);

    /// @notice Whether `offenceId` was consumed.
    function isOffenceConsumed(bytes32 offenceId) external view returns (bool);

    /// @notice keccak256(abi.encode(faultCode, node, digest)): the offence of a message fault.
    function messageOffenceId(uint8 faultCode, address node, bytes32 digest) external pure returns (bytes32);

    /// @notice keccak256(abi.encode(EQUIVOCATION, node, sequence)).
    function equivocationOffenceId(address node, uint64 sequence) external pure returns (bytes32);

    /// @notice keccak256(abi.encode(faultCode, node, evidenceHash)): the offence of a quorum report or dispute.
    function evidenceOffenceId(
        uint8 faultCode,
        address node,
        bytes32 evidenceHash
    ) external pure returns (bytes32);

    /// @notice The EIP-712 digest of `message` in the chat domain (what the sender's OpenPGP key signs).
    function messageDigest(Message calldata message) external pure returns (bytes32);

    /// @notice The EIP-712 digest of `attestation` in this contract's domain (what the node signs).
    function attestationDigest(Attestation calldata attestation) external view returns (bytes32);

    /// @notice The EIP-712 digest of `report` in this contract's domain (what validators sign).
    function reportDigest(Report calldata report) external view returns (bytes32);

    /// @notice Dispute `disputeId`.
    function dispute(uint256 disputeId) external view returns (Dispute memory);

    /// @notice Number of disputes ever opened (ids are 1..disputeCount).
    function disputeCount() external view returns (uint256);

    /// @notice Upper bound on the signatures of one quorum report.
    function MAX_REPORT_SIGNERS() external view returns (uint256);

    /// @notice The node registry slashed through (this contract holds its SLASHER_ROLE).
    function nodeRegistry() external view returns (INodeRegistry);

    /// @notice The key registry that decides key-state faults.
    function keyRegistry() external view returns (IKeyRegistry);

    /// @notice The PUSH token of dispute bonds.
    function token() external view returns (IERC20);

    /// @notice Where forfeited dispute bonds go.
    function treasury() external view returns (address);
}
