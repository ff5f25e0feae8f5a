// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";

import {ISlashing} from "./interfaces/ISlashing.sol";
import {IKeyRegistry} from "./interfaces/IKeyRegistry.sol";
import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {IOpenPgpVerifier} from "./interfaces/IOpenPgpVerifier.sol";
import {OpenPgpSignature} from "./libraries/OpenPgpSignature.sol";
import {PushTypedData} from "./libraries/PushTypedData.sol";

/// @title Slashing
/// @notice Verifies fault proofs against Push Nodes and slashes them through the node registry. See
///         {ISlashing} for the rules and DESIGN sections 4, 5 and 7.
/// @dev Holds the node registry's SLASHER_ROLE; never holds tokens (so no reentrancy guard: it calls only the
///      registries and the verifier, all trusted). BAD_SIGNATURE proofs are checked by a separate stateless
///      {IOpenPgpVerifier} (it keeps this contract under the code size limit). Gas: the registries are
///      immutables, and the parameters, the most lenient limits and the pause flag share one storage slot, so a
///      proof reads two slots of its own (that one and its offence) besides what the registries read. A proof
///      that goes through makes one call to the node registry ({INodeRegistry.slashShare}), which makes one to the
///      vault: the node's stake is not read beforehand (only on failure paths, to keep the error order).
contract Slashing is ISlashing, Initializable, UUPSUpgradeable, AccessControlUpgradeable, EIP712Upgradeable {
    /// @notice Governance (the timelock): parameters, verifier, upgrades, unpause.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    /// @notice May pause; cannot unpause.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    /// @notice The slashing court: may consume offences it decides ({consumeOffence}).
    bytes32 public constant COURT_ROLE = keccak256("COURT_ROLE");
    /// @notice The Push Chat message prover (`PushProofs`): may slash a message fault it checked ({slashPushFault}).
    bytes32 public constant PUSH_PROVER_ROLE = keccak256("PUSH_PROVER_ROLE");

    /// @notice Largest allowed state lag: a change of a limit older than this is known to every honest node.
    uint256 public constant LIMIT_CHANGE_WINDOW = 1 days;

    /// @notice Largest OpenPGP signature a node may attest, in bytes (see {ISlashing.Attestation}). What the
    ///         profile admits stays far below it: an RSA-4096 signature with the subpackets GnuPG and Sequoia write
    ///         (creation time, issuer fingerprint, issuer key id, salt notation) is about 600-800 bytes, a P-256 one
    ///         about 170. Every signature up to this size fits a proof transaction with a wide margin (calldata of
    ///         4 KiB is under 70,000 gas, far below the EIP-7825 per-transaction cap and mempool size limits), so
    ///         the attestation's `signatureSize` makes an oversize signature provable without revealing it.
    uint256 public constant MAX_SIGNATURE_SIZE = 4096;

    /// @notice {FaultProven.detail} of a BAD_SIGNATURE whose signature length differs from the attested
    ///         `signatureSize` (outside the `OpenPgpSignature.Status` values 0-18).
    uint8 public constant SIGNATURE_SIZE_MISMATCH = 255;

    /// @notice Everything a proof reads, in one storage slot: the parameters, when one of the three limits that
    ///         decide faults last changed with the lenient values of that change (the last entry of the limits
    ///         history, see {effectiveLimits}), and the pause flag. Bounds keep every value within its field.
    struct Config {
        uint24 stateLag;
        uint32 maxContentSize;
        uint24 maxClockSkew;
        uint16 messageFaultSlashBps;
        uint16 equivocationSlashBps;
        uint16 reporterRewardBps;
        uint40 limitsChangedAt;
        uint24 lenientStateLag;
        uint32 lenientMaxContentSize;
        uint24 lenientMaxClockSkew;
        bool paused;
    }

    /// @notice One entry of the limits history: from `since` on, attestations are judged by the first three
    ///         limits, except those made less than LIMIT_CHANGE_WINDOW after `since`, judged by the `lenient*`
    ///         ones: the most lenient of the limits in force at any time in the window before `since` (this
    ///         entry's, the previous entry's, and the previous entry's lenient ones if it is itself that recent).
    struct LimitsCheckpoint {
        uint40 since;
        uint24 stateLag;
        uint32 maxContentSize;
        uint24 maxClockSkew;
        uint24 lenientStateLag;
        uint32 lenientMaxContentSize;
        uint24 lenientMaxClockSkew;
    }

    /// @custom:storage-location erc7201:push.storage.Slashing
    struct SlashingStorage {
        Config config;
        mapping(bytes32 offenceId => bool) consumed;
        // wave 2 (appended)
        mapping(bytes32 commitment => uint256 blockNumber) commitments; // {commitProof}; deleted when used
        LimitsCheckpoint[] limitsHistory; // append-only, `since` strictly increasing; entry 0 since 0
    }

    // keccak256(abi.encode(uint256(keccak256("push.storage.Slashing")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_SLOT =
        0x5f5069bf6bdda55391bd776c4dc41784ba01d792961a2e44994c02b43902e100;

    /// @dev The registries and the verifier are immutables of the implementation: the registries never change
    ///      for a deployment, and the verifier is replaced by a governance upgrade (same registries, new
    ///      verifier as constructor arguments). No storage read for any of them.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    INodeRegistry private immutable _registry;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IKeyRegistry private immutable _keys;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IOpenPgpVerifier private immutable _verifier;

    function _s() private pure returns (SlashingStorage storage $) {
        assembly {
            $.slot := _STORAGE_SLOT
        }
    }

    modifier whenNotPaused() {
        if (_s().config.paused) revert SlashingPaused();
        _;
    }

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(INodeRegistry registry, IKeyRegistry keys, IOpenPgpVerifier verifier_) {
        if (
            address(registry) == address(0) || address(keys) == address(0) || address(verifier_) == address(0)
        ) {
            revert SlashingZeroAddress();
        }
        _registry = registry;
        _keys = keys;
        _verifier = verifier_;
        _disableInitializers();
    }

    /// @notice Sets up roles and the default parameters (DESIGN section 3): state lag 10 minutes, max content
    ///         size 64 KiB, max clock skew 15 minutes, message fault slash 10%, equivocation slash 50%, reporter
    ///         reward 50%.
    function initialize(address admin, address governor, address guardian) external initializer {
        if (admin == address(0) || governor == address(0) || guardian == address(0))
            revert SlashingZeroAddress();
        __AccessControl_init();
        __EIP712_init("Push Nodes", "1");
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNOR_ROLE, governor);
        _grantRole(GUARDIAN_ROLE, guardian);

        _s().config = Config({
            stateLag: 10 minutes,
            maxContentSize: 64 * 1024,
            maxClockSkew: 15 minutes,
            messageFaultSlashBps: 1_000,
            equivocationSlashBps: 5_000,
            reporterRewardBps: 5_000,
            limitsChangedAt: 0,
            lenientStateLag: 10 minutes,
            lenientMaxContentSize: 64 * 1024,
            lenientMaxClockSkew: 15 minutes,
            paused: false
        });
        _s().limitsHistory.push(
            LimitsCheckpoint({
                since: 0,
                stateLag: 10 minutes,
                maxContentSize: 64 * 1024,
                maxClockSkew: 15 minutes,
                lenientStateLag: 10 minutes,
                lenientMaxContentSize: 64 * 1024,
                lenientMaxClockSkew: 15 minutes
            })
        );
    }

    // ================================================================================================
    // Fault proofs
    // ================================================================================================

    /// @inheritdoc ISlashing
    function proveMalformed(
        Message calldata message,
        Attestation calldata attestation,
        bytes calldata nodeSignature,
        Claim calldata claim
    ) external whenNotPaused returns (bytes32 offenceId, uint256 slashed) {
        address node;
        bytes32 digest;
        (node, digest, offenceId) = _open(message, attestation, nodeSignature);
        MalformedReason reason = _malformedReason(message, attestation);
        if (reason == MalformedReason.None) _noFault(node, FaultCode.Malformed);
        slashed = _slash(offenceId, node, FaultCode.Malformed, digest, uint8(reason), claim);
    }

    /// @inheritdoc ISlashing
    function proveUnauthorizedSender(
        Message calldata message,
        Attestation calldata attestation,
        bytes calldata nodeSignature,
        Claim calldata claim
    ) external whenNotPaused returns (bytes32 offenceId, uint256 slashed) {
        address node;
        bytes32 digest;
        (node, digest, offenceId) = _open(message, attestation, nodeSignature);
        if (_keyActive(node, message.from, message.senderKey, message.timestamp, attestation.attestedAt)) {
            _noFault(node, FaultCode.UnauthorizedSender);
        }
        slashed = _slash(offenceId, node, FaultCode.UnauthorizedSender, digest, 0, claim);
    }

    /// @inheritdoc ISlashing
    function proveWrongEncryption(
        Message calldata message,
        Attestation calldata attestation,
        bytes calldata nodeSignature,
        bytes32 recipientActiveKey,
        Claim calldata claim
    ) external whenNotPaused returns (bytes32 offenceId, uint256 slashed) {
        address node;
        bytes32 digest;
        (node, digest, offenceId) = _open(message, attestation, nodeSignature);
        bool fault;
        if (message.encryption == 1) {
            // PGP content: the key it is encrypted to must be one of the recipient's, active then.
            fault =
                !_keyActive(
                    node,
                    message.to,
                    message.recipientKey,
                    message.timestamp,
                    attestation.attestedAt
                );
        } else if (message.encryption == 0) {
            // Plaintext is only for recipients without an active key.
            fault = _keyActive(
                node,
                message.to,
                recipientActiveKey,
                message.timestamp,
                attestation.attestedAt
            );
        }
        if (!fault) _noFault(node, FaultCode.WrongEncryption);
        slashed = _slash(offenceId, node, FaultCode.WrongEncryption, digest, 0, claim);
    }

    /// @inheritdoc ISlashing
    function proveBadSignature(
        Message calldata message,
        Attestation calldata attestation,
        bytes calldata nodeSignature,
        bytes calldata signature,
        bytes calldata publicKey,
        Claim calldata claim
    ) external whenNotPaused returns (bytes32 offenceId, uint256 slashed) {
        address node;
        bytes32 digest;
        (node, digest, offenceId) = _open(message, attestation, nodeSignature);
        bytes32 sigHash = keccak256(signature);
        if (sigHash != attestation.signatureHash) {
            _requireStake(node);
            revert SlashingSignatureHashMismatch(attestation.signatureHash, sigHash);
        }
        // The attested signature, but not of the attested size: a fault whatever the signature says.
        if (signature.length != attestation.signatureSize) {
            return (
                offenceId,
                _slash(offenceId, node, FaultCode.BadSignature, digest, SIGNATURE_SIZE_MISMATCH, claim)
            );
        }
        bytes32 keyHash = keccak256(publicKey);
        if (keyHash != message.senderKey) {
            _requireStake(node);
            revert SlashingSenderKeyMismatch(message.senderKey, keyHash);
        }

        uint8 status;
        try _verifier.check(digest, signature, publicKey) returns (uint8, uint8 status_) {
            status = status_;
        } catch (bytes memory reason) {
            // Key bytes outside the profile, or a failed computation: the verifier's error, unless the node has
            // no stake (checked first).
            _requireStake(node);
            assembly ("memory-safe") {
                revert(add(reason, 0x20), mload(reason))
            }
        }
        if (status == uint8(OpenPgpSignature.Status.Valid)) _noFault(node, FaultCode.BadSignature);
        slashed = _slash(offenceId, node, FaultCode.BadSignature, digest, status, claim);
    }

    /// @inheritdoc ISlashing
    function proveEquivocation(
        Attestation calldata a,
        bytes calldata signatureA,
        Attestation calldata b,
        bytes calldata signatureB,
        Claim calldata claim
    ) external whenNotPaused returns (bytes32 offenceId, uint256 slashed) {
        uint64 sequence = a.sequence;
        uint8 detail;
        if (sequence != b.sequence) {
            // Different sequences: a fault only if the larger one is dated strictly earlier (attestedAt went back).
            uint64 sequenceB = b.sequence;
            if (sequence < sequenceB ? a.attestedAt <= b.attestedAt : b.attestedAt <= a.attestedAt) {
                revert SlashingSequenceMismatch(sequence, sequenceB);
            }
            if (sequenceB > sequence) sequence = sequenceB;
            detail = 1;
        }
        address node = _equivocator(a, signatureA, b, signatureB);
        offenceId = keccak256(abi.encode(uint8(FaultCode.Equivocation), node, sequence));
        slashed = _slash(offenceId, node, FaultCode.Equivocation, a.digest, detail, claim);
    }

    /// @inheritdoc ISlashing
    function commitProof(bytes32 commitment) external {
        mapping(bytes32 => uint256) storage commitments = _s().commitments;
        if (commitments[commitment] == 0) commitments[commitment] = block.number;
    }

    // ================================================================================================
    // Push Chat message faults (checked by the PUSH_PROVER_ROLE contract)
    // ================================================================================================

    /// @inheritdoc ISlashing
    function slashPushFault(
        Attestation calldata attestation,
        bytes calldata nodeSignature,
        FaultCode faultCode,
        uint8 detail,
        Claim calldata claim
    ) external whenNotPaused onlyRole(PUSH_PROVER_ROLE) returns (bytes32 offenceId, uint256 slashed) {
        if (faultCode == FaultCode.None || faultCode > FaultCode.BadSignature) {
            revert SlashingNotMessageFault(uint8(faultCode));
        }
        address node = _recover(_hashTypedDataV4(PushTypedData.attestationHash(attestation)), nodeSignature);
        bytes32 digest = attestation.digest;
        offenceId = keccak256(abi.encode(node, digest));
        slashed = _slash(offenceId, node, faultCode, digest, detail, claim);
    }

    /// @inheritdoc ISlashing
    function keyActiveAt(
        address owner,
        bytes32 keyHash,
        uint64 timestamp,
        uint64 attestedAt
    ) external view returns (bool) {
        return _keyActive(address(0), owner, keyHash, timestamp, attestedAt);
    }

    // ================================================================================================
    // Governance and guardian
    // ================================================================================================

    /// @inheritdoc ISlashing
    function setParam(Param param, uint256 value) external onlyRole(GOVERNOR_ROLE) {
        (uint256 min, uint256 max) = paramBounds(param);
        if (value < min || value > max) revert SlashingParamOutOfBounds(param, value, min, max);
        Config storage c = _s().config;
        uint256 old;
        if (param == Param.StateLag) {
            old = c.stateLag;
            c.stateLag = uint24(value);
            _checkpointLimits(c);
        } else if (param == Param.MaxContentSize) {
            old = c.maxContentSize;
            c.maxContentSize = uint32(value);
            _checkpointLimits(c);
        } else if (param == Param.MaxClockSkew) {
            old = c.maxClockSkew;
            c.maxClockSkew = uint24(value);
            _checkpointLimits(c);
        } else if (param == Param.MessageFaultSlashBps) {
            old = c.messageFaultSlashBps;
            c.messageFaultSlashBps = uint16(value);
        } else if (param == Param.EquivocationSlashBps) {
            old = c.equivocationSlashBps;
            c.equivocationSlashBps = uint16(value);
        } else {
            old = c.reporterRewardBps;
            c.reporterRewardBps = uint16(value);
        }
        emit ParamSet(param, old, value);
    }

    /// @inheritdoc ISlashing
    function pause() external onlyRole(GUARDIAN_ROLE) {
        Config storage c = _s().config;
        if (c.paused) revert SlashingPaused();
        c.paused = true;
        emit Paused(msg.sender);
        // Stops the vault's unbonding clock: a pause never shortens a node's exposure.
        _registry.notePause(true);
    }

    /// @inheritdoc ISlashing
    function unpause() external onlyRole(GOVERNOR_ROLE) {
        Config storage c = _s().config;
        if (!c.paused) revert SlashingNotPaused();
        c.paused = false;
        emit Unpaused(msg.sender);
        _registry.notePause(false);
    }

    // ================================================================================================
    // Views
    // ================================================================================================

    /// @inheritdoc ISlashing
    function params() external view returns (Params memory) {
        Config memory c = _s().config;
        return
            Params({
                stateLag: c.stateLag,
                maxContentSize: c.maxContentSize,
                maxClockSkew: c.maxClockSkew,
                messageFaultSlashBps: c.messageFaultSlashBps,
                equivocationSlashBps: c.equivocationSlashBps,
                reporterRewardBps: c.reporterRewardBps
            });
    }

    /// @inheritdoc ISlashing
    function paused() external view returns (bool) {
        return _s().config.paused;
    }

    /// @inheritdoc ISlashing
    function paramBounds(Param param) public pure returns (uint256 min, uint256 max) {
        if (param == Param.StateLag) return (1 minutes, LIMIT_CHANGE_WINDOW);
        if (param == Param.MessageFaultSlashBps) return (100, 5_000);
        if (param == Param.EquivocationSlashBps) return (1_000, 10_000);
        if (param == Param.ReporterRewardBps) return (0, 5_000);
        if (param == Param.MaxContentSize) return (1024, 16 * 1024 * 1024);
        return (1 minutes, 1 days); // MaxClockSkew
    }

    /// @inheritdoc ISlashing
    function effectiveLimits(
        uint64 attestedAt
    ) external view returns (uint256 stateLag, uint256 maxContentSize, uint256 maxClockSkew) {
        return _effectiveLimits(attestedAt);
    }

    /// @inheritdoc ISlashing
    function commitmentBlock(bytes32 commitment) external view returns (uint256) {
        return _s().commitments[commitment];
    }

    /// @inheritdoc ISlashing
    function consumeOffence(bytes32 offenceId) external onlyRole(COURT_ROLE) {
        SlashingStorage storage $ = _s();
        if ($.consumed[offenceId]) revert SlashingOffenceConsumed(offenceId);
        $.consumed[offenceId] = true;
        emit OffenceConsumedByCourt(offenceId);
    }

    /// @inheritdoc ISlashing
    function messageOffenceId(address node, bytes32 digest) external pure returns (bytes32) {
        return keccak256(abi.encode(node, digest));
    }

    /// @inheritdoc ISlashing
    function isOffenceConsumed(bytes32 offenceId) external view returns (bool) {
        return _s().consumed[offenceId];
    }

    /// @inheritdoc ISlashing
    function messageDigest(Message calldata message) external pure returns (bytes32) {
        return PushTypedData.messageDigest(message);
    }

    /// @inheritdoc ISlashing
    function attestationDigest(Attestation calldata attestation) external view returns (bytes32) {
        return _hashTypedDataV4(PushTypedData.attestationHash(attestation));
    }

    /// @inheritdoc ISlashing
    function nodeRegistry() external view returns (INodeRegistry) {
        return _registry;
    }

    /// @inheritdoc ISlashing
    function keyRegistry() external view returns (IKeyRegistry) {
        return _keys;
    }

    /// @inheritdoc ISlashing
    function verifier() external view returns (IOpenPgpVerifier) {
        return _verifier;
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

    /// Common start of a message fault proof: the attestation must be of `message`, and the offence (one per node
    /// and message, whatever the fault code) must be fresh ({_slash} checks it again, warm, for the proofs that do
    /// not start here). Returns the attestation's signer, the message digest and the offence id. Whether the
    /// signer is a node with stake is learnt from the slash (see {_requireStake}).
    function _open(
        Message calldata message,
        Attestation calldata attestation,
        bytes calldata nodeSignature
    ) private view returns (address node, bytes32 digest, bytes32 offenceId) {
        node = _recover(_hashTypedDataV4(PushTypedData.attestationHash(attestation)), nodeSignature);
        digest = PushTypedData.messageDigest(message);
        if (digest != attestation.digest) {
            _requireStake(node);
            revert SlashingDigestMismatch(attestation.digest, digest);
        }
        offenceId = keccak256(abi.encode(node, digest));
        if (_s().consumed[offenceId]) {
            _requireStake(node);
            revert SlashingOffenceConsumed(offenceId);
        }
    }

    /// The common signer of two different attestations; reverts unless they differ and one signer signed both.
    function _equivocator(
        Attestation calldata a,
        bytes calldata signatureA,
        Attestation calldata b,
        bytes calldata signatureB
    ) private view returns (address signerA) {
        bytes32 hashA = PushTypedData.attestationHash(a);
        bytes32 hashB = PushTypedData.attestationHash(b);
        if (hashA == hashB) revert SlashingIdenticalAttestations();
        signerA = _recover(_hashTypedDataV4(hashA), signatureA);
        address signerB = _recover(_hashTypedDataV4(hashB), signatureB);
        if (signerA != signerB) revert SlashingSignerMismatch(signerA, signerB);
    }

    function _recover(bytes32 hash, bytes calldata signature) private pure returns (address signer) {
        ECDSA.RecoverError err;
        (signer, err, ) = ECDSA.tryRecoverCalldata(hash, signature);
        if (err != ECDSA.RecoverError.NoError) revert SlashingInvalidNodeSignature();
    }

    /// Reverts with {SlashingNodeWithoutStake} when `node` holds no stake (unregistered, withdrawn, slashed away).
    /// A proof against such a node fails for that reason before any other found after the attestation's signer
    /// is known; the stake is read only on those failure paths, since a proof that goes through learns it from the
    /// slash itself (the registry returns 0 for a node without stake).
    function _requireStake(address node) private view {
        (uint256 bonded, uint256 unbonding) = _registry.stakeOf(node);
        if (bonded + unbonding == 0) revert SlashingNodeWithoutStake(node);
    }

    /// The proof shows no fault: reverts with {SlashingNoFault} (or {SlashingNodeWithoutStake}).
    function _noFault(address node, FaultCode faultCode) private view {
        _requireStake(node);
        revert SlashingNoFault(uint8(faultCode));
    }

    /// Consumes `offenceId` (reverting if it was) and the claim's commitment (reverting unless it was made in an
    /// earlier block), and slashes `node` for `faultCode`: the fault class's share of its bonded plus unbonding
    /// stake, computed by the vault, with the reporter's share credited to `claim.reporter`.
    function _slash(
        bytes32 offenceId,
        address node,
        FaultCode faultCode,
        bytes32 digest,
        uint8 detail,
        Claim calldata claim
    ) private returns (uint256 slashed) {
        SlashingStorage storage $ = _s();
        if ($.consumed[offenceId]) {
            _requireStake(node);
            revert SlashingOffenceConsumed(offenceId);
        }
        address reporter = claim.reporter;
        if (reporter == address(0)) revert SlashingZeroAddress();
        bytes32 commitment = keccak256(abi.encode(reporter, claim.salt, offenceId));
        uint256 committedAt = $.commitments[commitment];
        if (committedAt == 0 || committedAt >= block.number) {
            _requireStake(node); // a node without stake is the first error, as for every failed proof
            if (committedAt == 0) revert SlashingCommitmentMissing(commitment);
            revert SlashingCommitmentTooFresh(commitment, committedAt);
        }
        delete $.commitments[commitment];
        $.consumed[offenceId] = true;
        Config storage c = $.config;
        uint16 bps = faultCode == FaultCode.Equivocation ? c.equivocationSlashBps : c.messageFaultSlashBps;
        slashed = _registry.slashShare(node, bps, reporter, c.reporterRewardBps);
        if (slashed == 0) revert SlashingNodeWithoutStake(node);
        emit FaultProven(offenceId, node, uint8(faultCode), reporter, digest, detail, slashed);
    }

    /// The first reason `m` (attested by `a`) is MALFORMED, or None.
    function _malformedReason(
        Message calldata m,
        Attestation calldata a
    ) private view returns (MalformedReason) {
        uint64 attestedAt = a.attestedAt;
        if (m.version != 1) return MalformedReason.Version;
        if (m.from == address(0) || m.to == address(0)) return MalformedReason.ZeroAddress;
        if (m.from == m.to) return MalformedReason.SameAddress;
        (, uint256 maxContentSize, uint256 maxClockSkew) = _effectiveLimits(attestedAt);
        if (m.contentSize > maxContentSize) return MalformedReason.ContentTooLarge;
        if (m.contentType > 4) return MalformedReason.ContentType;
        if (m.encryption > 1) return MalformedReason.Encryption;
        uint64 t = m.timestamp;
        uint256 skew = t > attestedAt ? t - attestedAt : attestedAt - t;
        if (skew > maxClockSkew) return MalformedReason.ClockSkew;
        if (a.signatureSize > MAX_SIGNATURE_SIZE) return MalformedReason.SignatureTooLarge;
        return MalformedReason.None;
    }

    /// Whether `owner`'s key `keyHash` was active at `timestamp` (as `IKeyRegistry.isActiveAt`), reverting when
    /// the answer rests on a change of the record that a node attesting at `attestedAt` may not have seen: one
    /// at or before `timestamp` (later ones do not change the answer) but less than the state lag before
    /// `attestedAt` (or, before that, when the proof's `node` has no stake: see {_requireStake}; `node` zero: not
    /// checked, for {keyActiveAt}).
    function _keyActive(
        address node,
        address owner,
        bytes32 keyHash,
        uint64 timestamp,
        uint64 attestedAt
    ) private view returns (bool) {
        IKeyRegistry.KeyRecord memory r = _keys.keyOf(owner, keyHash);
        if (r.addedAt == 0) return false; // never added: no record, nothing a node could have missed
        (uint256 lag, , ) = _effectiveLimits(attestedAt);
        if (r.addedAt <= timestamp && r.addedAt + lag > attestedAt) {
            if (node != address(0)) _requireStake(node);
            revert SlashingStateLag(owner, keyHash, r.addedAt, attestedAt);
        }
        if (r.revokedAt != 0 && r.revokedAt <= timestamp && r.revokedAt + lag > attestedAt) {
            if (node != address(0)) _requireStake(node);
            revert SlashingStateLag(owner, keyHash, r.revokedAt, attestedAt);
        }
        return r.addedAt <= timestamp && (r.revokedAt == 0 || timestamp < r.revokedAt);
    }

    /// The limits for an attestation made at `attestedAt` (see {effectiveLimits}). Attestations made since the
    /// last change (the common case) are judged from the config slot alone; older ones from the history, found by
    /// binary search (O(log n) reads for n changes).
    function _effectiveLimits(
        uint64 attestedAt
    ) private view returns (uint256 stateLag, uint256 maxContentSize, uint256 maxClockSkew) {
        SlashingStorage storage $ = _s();
        Config storage c = $.config;
        uint256 changedAt = c.limitsChangedAt;
        if (attestedAt >= changedAt) {
            if (attestedAt >= changedAt + LIMIT_CHANGE_WINDOW)
                return (c.stateLag, c.maxContentSize, c.maxClockSkew);
            return (c.lenientStateLag, c.lenientMaxContentSize, c.lenientMaxClockSkew);
        }
        LimitsCheckpoint[] storage h = $.limitsHistory;
        // The last entry with since <= attestedAt (entry 0 has since 0). The last entry itself has
        // since == changedAt > attestedAt, so the search runs over the others.
        uint256 low = 0;
        uint256 high = h.length - 1;
        while (high - low > 1) {
            uint256 mid = (low + high) / 2;
            if (h[mid].since > attestedAt) high = mid;
            else low = mid;
        }
        LimitsCheckpoint storage cp = h[low];
        if (attestedAt >= uint256(cp.since) + LIMIT_CHANGE_WINDOW) {
            return (cp.stateLag, cp.maxContentSize, cp.maxClockSkew);
        }
        return (cp.lenientStateLag, cp.lenientMaxContentSize, cp.lenientMaxClockSkew);
    }

    /// Records the current limits of `c` as in force from now on: a new history entry (or the last one updated,
    /// when it was made in this same second), whose lenient limits are the most lenient of the new ones, those of
    /// the previous entry and, if the previous entry is less than LIMIT_CHANGE_WINDOW old, its lenient ones (the
    /// limits in force at some time during the window before now). Mirrors the last entry into `c` for
    /// {_effectiveLimits}. Constant cost.
    function _checkpointLimits(Config storage c) private {
        LimitsCheckpoint[] storage h = _s().limitsHistory;
        uint40 nowTs = uint40(block.timestamp);
        LimitsCheckpoint memory prev = h[h.length - 1];
        LimitsCheckpoint memory next = LimitsCheckpoint({
            since: nowTs,
            stateLag: c.stateLag,
            maxContentSize: c.maxContentSize,
            maxClockSkew: c.maxClockSkew,
            lenientStateLag: c.stateLag,
            lenientMaxContentSize: c.maxContentSize,
            lenientMaxClockSkew: c.maxClockSkew
        });
        if (prev.since == nowTs || uint256(prev.since) + LIMIT_CHANGE_WINDOW > nowTs) {
            // The previous entry's lenient limits cover its own and those before it within its window.
            _widen(next, prev.lenientStateLag, prev.lenientMaxContentSize, prev.lenientMaxClockSkew);
        }
        if (prev.since == nowTs) {
            h[h.length - 1] = next;
        } else {
            _widen(next, prev.stateLag, prev.maxContentSize, prev.maxClockSkew);
            h.push(next);
        }
        c.limitsChangedAt = nowTs;
        c.lenientStateLag = next.lenientStateLag;
        c.lenientMaxContentSize = next.lenientMaxContentSize;
        c.lenientMaxClockSkew = next.lenientMaxClockSkew;
    }

    function _widen(
        LimitsCheckpoint memory cp,
        uint24 stateLag,
        uint32 maxContentSize,
        uint24 maxClockSkew
    ) private pure {
        if (stateLag > cp.lenientStateLag) cp.lenientStateLag = stateLag;
        if (maxContentSize > cp.lenientMaxContentSize) cp.lenientMaxContentSize = maxContentSize;
        if (maxClockSkew > cp.lenientMaxClockSkew) cp.lenientMaxClockSkew = maxClockSkew;
    }
}
