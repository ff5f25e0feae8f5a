// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IKeyRegistry} from "./IKeyRegistry.sol";
import {INodeRegistry} from "./INodeRegistry.sol";
import {IOpenPgpVerifier} from "./IOpenPgpVerifier.sol";

/// @title ISlashing
/// @notice Fault proofs against Push Nodes (DESIGN sections 4, 5 and 7). A node is its signer address; it
///         attests messages by signing an EIP-712 `Attestation` in this contract's domain
///         {name: "Push Nodes", version: "1", chainId, verifyingContract: this contract}.
///
///         Provable faults (MALFORMED, UNAUTHORIZED_SENDER, WRONG_ENCRYPTION, BAD_SIGNATURE for RSA and P-256
///         keys, EQUIVOCATION) are checked here, have no time limit while the node holds stake (bonded or
///         unbonding, whatever its status). Each proof is the reveal of a commitment ({commitProof}) made in an
///         earlier block by the reporter it names, who earns `reporterRewardBps` of the slashed amount whoever
///         sends the reveal: copying a pending proof transaction gains nothing. What cannot be proven on chain
///         (BAD_SIGNATURE under an Ed25519 key, UNAVAILABLE) goes to the {ISlashingCourt}: bonded disputes
///         decided by governance and quorum reports of validators; governance slashes go there too.
///
///         Invariants (DESIGN section 7) this contract keeps, with the node registry:
///         - (3) a slash never exceeds the node's stake (bonded + unbonding); the reward never exceeds the slash;
///         - (5) each offenceId is consumed at most once, whoever submits it;
///         - (7) while not paused, a valid fault proof against a node with stake never reverts.
///         A proof against an honest message, a forged or cross-chain attestation, an unregistered node, a
///         key-state fault grounded on a key record that changed within the state lag, an equal pair called
///         equivocation: each reverts with a named error below and moves no token.
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

    /// @notice Parameters of fault proofs (DESIGN section 3), set one at a time with {setParam}.
    enum Param {
        StateLag, // seconds; key records that changed less than this before attestedAt cannot ground a fault
        MessageFaultSlashBps, // slash for a provable message fault (and for the court's disputes and reports)
        EquivocationSlashBps, // slash for equivocation, bps of stake
        ReporterRewardBps, // share of each slash credited to the reporter
        MaxContentSize, // bytes; a larger `contentSize` is MALFORMED
        MaxClockSkew // seconds; |timestamp - attestedAt| above it is MALFORMED
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
        ClockSkew, // |timestamp - attestedAt| > maxClockSkew
        SignatureTooLarge // attestation.signatureSize > MAX_SIGNATURE_SIZE (the signature is not needed)
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

    /// @notice A node's attestation (DESIGN section 4 as changed by wave 2), EIP-712 in this contract's domain:
    ///         `Attestation(bytes32 digest,bytes32 signatureHash,uint32 signatureSize,uint64 sequence,
    ///         uint64 attestedAt)` (one line, no space).
    ///         `signatureHash = keccak256(OpenPGP signature bytes)` and `signatureSize` is their length: a size over
    ///         `MAX_SIGNATURE_SIZE` is MALFORMED without the signature ({proveMalformed}), and a signature whose
    ///         length differs from `signatureSize` is BAD_SIGNATURE ({proveBadSignature}). An honest node counts
    ///         `sequence` up by one per attestation and never lets `attestedAt` decrease as `sequence` grows:
    ///         two attestations breaking either rule are EQUIVOCATION ({proveEquivocation}).
    struct Attestation {
        bytes32 digest;
        bytes32 signatureHash;
        uint32 signatureSize;
        uint64 sequence;
        uint64 attestedAt;
    }

    /// @notice Who a proof pays, and the salt of its commitment: the proof of offence `offenceId` needs
    ///         `keccak256(abi.encode(reporter, salt, offenceId))` committed with {commitProof} in an earlier block.
    ///         The reward goes to `reporter`, whoever sends the proof; a zero `reporter` reverts with
    ///         {SlashingZeroAddress}.
    struct Claim {
        address reporter;
        bytes32 salt;
    }

    /// @notice Current parameter values: times in seconds, shares in basis points of the node's stake
    ///         (bonded + unbonding) or, for the reward, of the slashed amount.
    struct Params {
        uint32 stateLag;
        uint32 maxContentSize;
        uint32 maxClockSkew;
        uint16 messageFaultSlashBps;
        uint16 equivocationSlashBps;
        uint16 reporterRewardBps;
    }

    // ------------------------------------------------------------------------------------------------
    // Errors
    // ------------------------------------------------------------------------------------------------

    /// @notice An address given to the constructor or {initialize}, or a proof's `claim.reporter`, was zero.
    error SlashingZeroAddress();
    /// @notice Fault proofs are paused (or {pause} was called while paused).
    error SlashingPaused();
    /// @notice {unpause} was called while not paused.
    error SlashingNotPaused();
    /// @notice The attestation signature is malformed, malleable (high s) or not 65 bytes long.
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
    ///         state lag before `attestedAt` (and not after the message timestamp): a node is not punished for
    ///         chain-state lag.
    error SlashingStateLag(address owner, bytes32 keyHash, uint64 changedAt, uint64 attestedAt);
    /// @notice This offence was already slashed, whoever sent it.
    error SlashingOffenceConsumed(bytes32 offenceId);
    /// @notice The two attestations are identical: not an equivocation.
    error SlashingIdenticalAttestations();
    /// @notice The two attestations have different sequence numbers and the one with the larger sequence is not
    ///         dated earlier (`attestedAt`) than the other: not an equivocation.
    error SlashingSequenceMismatch(uint64 sequenceA, uint64 sequenceB);
    /// @notice The two attestations were signed by different signers: not an equivocation.
    error SlashingSignerMismatch(address signerA, address signerB);
    /// @notice No commitment `commitment` = keccak256(abi.encode(claim.reporter, claim.salt, offenceId)) was
    ///         made with {commitProof} (or a proof of the same offence already used it).
    error SlashingCommitmentMissing(bytes32 commitment);
    /// @notice `commitment` was made in block `committedAt`, the current block: the proof must come in a later
    ///         block than its commitment.
    error SlashingCommitmentTooFresh(bytes32 commitment, uint256 committedAt);
    /// @notice Governance tried to set `param` to `value`, outside its hard bounds [`min`, `max`].
    error SlashingParamOutOfBounds(Param param, uint256 value, uint256 min, uint256 max);

    // ------------------------------------------------------------------------------------------------
    // Events
    // ------------------------------------------------------------------------------------------------

    /// @notice A fault proof was accepted: `offenceId` is consumed forever and `slashed` was taken from
    ///         `node`'s stake (bonded first, then unbonding), `reporterRewardBps` of it credited to `reporter`
    ///         (the proof's `claim.reporter`, not necessarily its sender) in the vault (see the vault's
    ///         `StakeSlashed` of the same transaction). Emitted once per offenceId, ever. `digest` is the attested
    ///         message digest (for EQUIVOCATION, the digest in the first attestation given); `detail` is the
    ///         {MalformedReason} for MALFORMED; for BAD_SIGNATURE the `OpenPgpSignature.Status`, or
    ///         `SIGNATURE_SIZE_MISMATCH` (255) when the signature's length differs from the attested
    ///         `signatureSize`; for EQUIVOCATION 0 (two attestations with one sequence) or 1 (`attestedAt`
    ///         decreasing as `sequence` grows); else 0.
    event FaultProven(
        bytes32 indexed offenceId,
        address indexed node,
        uint8 indexed faultCode,
        address reporter,
        bytes32 digest,
        uint8 detail,
        uint256 slashed
    );

    /// @notice Governance set `param` from `oldValue` to `newValue`.
    event ParamSet(Param indexed param, uint256 oldValue, uint256 newValue);

    /// @notice The guardian `account` paused fault proofs (same event as OpenZeppelin's Pausable).
    event Paused(address account);

    /// @notice Governance `account` unpaused fault proofs (same event as OpenZeppelin's Pausable).
    event Unpaused(address account);

    /// @notice The court consumed `offenceId` (it decided the offence; no proof here can slash it again).
    event OffenceConsumedByCourt(bytes32 indexed offenceId);

    // ------------------------------------------------------------------------------------------------
    // Fault proofs (anyone; revert with {SlashingPaused} while paused)
    //
    // Commit-reveal: a watcher that found offence `offenceId` first calls {commitProof} with
    // keccak256(abi.encode(reporter, salt, offenceId)) (reporter: the address to reward; salt: a fresh random
    // value), then, in a later block, the prove function with `claim = Claim(reporter, salt)`. The commitment
    // shows nothing of the offence; the reveal pays `reporter` whoever sends it, so a copy of a pending proof
    // pays the original reporter, and a copier's own claim has no commitment from an earlier block. The
    // commitment is deleted when its proof slashes. Offence ids: {messageOffenceId} for every message fault
    // (MALFORMED, UNAUTHORIZED_SENDER, WRONG_ENCRYPTION, BAD_SIGNATURE: one invalid message is one offence,
    // whatever the fault code and whichever contract decides it), and
    // keccak256(abi.encode(uint8(FaultCode.Equivocation), node, uint64 sequence)) for EQUIVOCATION.
    //
    // The accused operator may report its own node: it then gets the reporter's share back, so the effective
    // penalty of a self-report is slash * (1 - reporterRewardBps / 10_000) (half the slash at the default 50%).
    // ------------------------------------------------------------------------------------------------

    /// @notice Records `commitment` = keccak256(abi.encode(reporter, salt, offenceId)) at the current block, if it
    ///         was not recorded before (first writer; a repeated commit is a no-op). Not paused by {pause}.
    ///         Emits no event: the whole transaction stays under 50,000 gas (a new storage slot and the proxy's
    ///         delegatecall take 26,800 of it); the commitment is in the calldata and in {commitmentBlock}.
    function commitProof(bytes32 commitment) external;

    /// @notice Proves that the node that signed `attestation` (of `message`) attested a MALFORMED message (the
    ///         signature is not needed, even for {MalformedReason.SignatureTooLarge}).
    /// @return offenceId {messageOffenceId}(node, digest), now consumed.
    /// @return slashed the amount taken from the node.
    function proveMalformed(
        Message calldata message,
        Attestation calldata attestation,
        bytes calldata nodeSignature,
        Claim calldata claim
    ) external returns (bytes32 offenceId, uint256 slashed);

    /// @notice Proves UNAUTHORIZED_SENDER: `senderKey` was not a key of `from` active at `timestamp`.
    function proveUnauthorizedSender(
        Message calldata message,
        Attestation calldata attestation,
        bytes calldata nodeSignature,
        Claim calldata claim
    ) external returns (bytes32 offenceId, uint256 slashed);

    /// @notice Proves WRONG_ENCRYPTION: PGP content whose `recipientKey` was not active for `to` at
    ///         `timestamp`, or plaintext although `recipientActiveKey` was an active key of `to` then
    ///         (`recipientActiveKey` is ignored for PGP content).
    function proveWrongEncryption(
        Message calldata message,
        Attestation calldata attestation,
        bytes calldata nodeSignature,
        bytes32 recipientActiveKey,
        Claim calldata claim
    ) external returns (bytes32 offenceId, uint256 slashed);

    /// @notice Proves BAD_SIGNATURE: `signature` hashes to the attested signatureHash and either its length differs
    ///         from the attested `signatureSize` (`detail` = `SIGNATURE_SIZE_MISMATCH`, 255; `publicKey` is then
    ///         not read), or it is outside the signature profile, or does not verify over the digest under its
    ///         signer among the signing keys of `publicKey` (hashing to `senderKey`; RSA, NIST P-256, EdDSA legacy
    ///         or Ed25519; `detail` is the broken rule, an `OpenPgpSignature.Status`). A key the verifier cannot
    ///         read reverts with the verifier's `OpenPgpKey` error, a failed computation with its
    ///         `OpenPgpSignaturePrecompileFailed`. A node that serves a signature hashing to neither the attested
    ///         hash nor proving anything here is not serving what it attested: UNAVAILABLE, for the court.
    function proveBadSignature(
        Message calldata message,
        Attestation calldata attestation,
        bytes calldata nodeSignature,
        bytes calldata signature,
        bytes calldata publicKey,
        Claim calldata claim
    ) external returns (bytes32 offenceId, uint256 slashed);

    /// @notice Proves EQUIVOCATION by one signer's two attestations `a` and `b` (in either order) that no honest
    ///         feed holds together: the same sequence with different contents (`detail` 0), or a larger sequence
    ///         dated strictly earlier (`attestedAt`) than a smaller one (`detail` 1; an honest node's attestedAt
    ///         never decreases as its sequence grows, so a node can backdate an attestation at most to the date
    ///         of its previous one).
    /// @return offenceId keccak256(abi.encode(uint8(EQUIVOCATION), node, uint64 sequence)), `sequence` being the
    ///         common sequence or the larger of the two: one slash per node and sequence, whatever the pair and
    ///         its order.
    function proveEquivocation(
        Attestation calldata a,
        bytes calldata signatureA,
        Attestation calldata b,
        bytes calldata signatureB,
        Claim calldata claim
    ) external returns (bytes32 offenceId, uint256 slashed);

    // ------------------------------------------------------------------------------------------------
    // Governance (GOVERNOR_ROLE) and guardian
    // ------------------------------------------------------------------------------------------------

    /// @notice Sets `param` to `value` within its hard bounds ({paramBounds}).
    function setParam(Param param, uint256 value) external;

    /// @notice Pauses fault proofs (GUARDIAN_ROLE).
    function pause() external;

    /// @notice Unpauses (GOVERNOR_ROLE only).
    function unpause() external;

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @notice All parameters.
    function params() external view returns (Params memory);

    /// @notice Whether fault proofs are paused.
    function paused() external view returns (bool);

    /// @notice Hard bounds of `param`.
    function paramBounds(Param param) external pure returns (uint256 min, uint256 max);

    /// @notice The limits used to judge an attestation made at `attestedAt`: those in force at `attestedAt`
    ///         (from the history of limit changes, found by binary search), or, when `attestedAt` is less than
    ///         `LIMIT_CHANGE_WINDOW` (one day, the largest state lag) after the change that set them, the most
    ///         lenient of every limit in force during the window before that change (nodes may not have seen
    ///         it yet). So no change makes an honest attestation faulty, and a limit raised later does not make
    ///         an earlier fault unprovable.
    function effectiveLimits(
        uint64 attestedAt
    ) external view returns (uint256 stateLag, uint256 maxContentSize, uint256 maxClockSkew);

    /// @notice Largest `signatureSize` a node may attest (4096 bytes): a larger one is MALFORMED.
    function MAX_SIGNATURE_SIZE() external view returns (uint256);

    /// @notice {FaultProven.detail} of a BAD_SIGNATURE proven by a signature length differing from the attested
    ///         `signatureSize` (255, outside the `OpenPgpSignature.Status` values).
    function SIGNATURE_SIZE_MISMATCH() external view returns (uint8);

    /// @notice The block in which `commitment` was recorded by {commitProof}, or 0 (never, or used by its proof).
    function commitmentBlock(bytes32 commitment) external view returns (uint256);

    /// @notice Whether `offenceId` was consumed.
    function isOffenceConsumed(bytes32 offenceId) external view returns (bool);

    /// @notice The EIP-712 digest of `message` in the chat domain (what the sender's OpenPGP key signs).
    function messageDigest(Message calldata message) external pure returns (bytes32);

    /// @notice The EIP-712 digest of `attestation` in this contract's domain (what the node signs).
    function attestationDigest(Attestation calldata attestation) external view returns (bytes32);

    /// @notice The node registry slashed through (this contract holds its SLASHER_ROLE).
    function nodeRegistry() external view returns (INodeRegistry);

    /// @notice The key registry that decides key-state faults.
    function keyRegistry() external view returns (IKeyRegistry);

    /// @notice The OpenPGP signature verifier of BAD_SIGNATURE proofs (stateless; an immutable of the
    ///         implementation, replaced by a governance upgrade).
    function verifier() external view returns (IOpenPgpVerifier);

    /// @notice The offence id of any fault of the message `digest` attested by `node`:
    ///         keccak256(abi.encode(node, digest)). One invalid message is one offence, whatever fault code
    ///         proves it and whichever contract (this one or the court) decides it.
    function messageOffenceId(address node, bytes32 digest) external pure returns (bytes32);

    // ------------------------------------------------------------------------------------------------
    // The court (COURT_ROLE)
    // ------------------------------------------------------------------------------------------------

    /// @notice Consumes `offenceId` in the ledger shared with the court (COURT_ROLE): the court calls it when
    ///         it decides an offence that a proof here could also reach (e.g. BAD_SIGNATURE by dispute), so that
    ///         one offence is slashed once. Reverts with {SlashingOffenceConsumed} if already consumed.
    function consumeOffence(bytes32 offenceId) external;

    // ------------------------------------------------------------------------------------------------
    // Push Chat message faults (docs/push-format.md)
    // ------------------------------------------------------------------------------------------------

    /// @notice {slashPushFault} was called with a fault code that is not a message fault (MALFORMED,
    ///         UNAUTHORIZED_SENDER, WRONG_ENCRYPTION, BAD_SIGNATURE).
    error SlashingNotMessageFault(uint8 faultCode);

    /// @notice Slashes the node that signed `attestation` for the message fault `faultCode` (1-4) of the message
    ///         `attestation.digest`, which the caller (PUSH_PROVER_ROLE: the `PushProofs` contract) has checked
    ///         from calldata: opens the attestation (the node's EIP-712 signature; malleable or malformed ones
    ///         revert), then does what every `prove*` does after its fault check: the offence
    ///         {messageOffenceId}(node, digest), shared with the envelope proofs and the court, must be fresh, the
    ///         claim's commitment made in an earlier block, and the node must hold stake; emits {FaultProven} with
    ///         `detail`. Reverts with {SlashingPaused} while paused.
    function slashPushFault(
        Attestation calldata attestation,
        bytes calldata nodeSignature,
        FaultCode faultCode,
        uint8 detail,
        Claim calldata claim
    ) external returns (bytes32 offenceId, uint256 slashed);

    /// @notice Whether `owner`'s key `keyHash` was active at `timestamp` (key registry), as a proof of an
    ///         attestation made at `attestedAt` decides it: reverts with {SlashingStateLag} when the answer rests
    ///         on a change of the key record made at or before `timestamp` but less than the state lag (effective
    ///         at `attestedAt`) before `attestedAt`. The UNAUTHORIZED_SENDER and WRONG_ENCRYPTION rule of every
    ///         proof, for the Push Chat prover.
    function keyActiveAt(
        address owner,
        bytes32 keyHash,
        uint64 timestamp,
        uint64 attestedAt
    ) external view returns (bool);
}
