/**
 * The parts of the Slashing contract's ABI the validator uses (contracts/interfaces/ISlashing.sol), as
 * human-readable fragments: the validator runs without TypeChain types, and a test checks every fragment
 * against the compiled artifact.
 */
import { Interface } from "ethers";

const MESSAGE =
  "(uint8 version,address from,address to,uint64 timestamp,uint8 contentType,uint8 encryption," +
  "bytes32 contentHash,uint32 contentSize,bytes32 senderKey,bytes32 recipientKey,bytes32 previous)";
const ATTESTATION =
  "(bytes32 digest,bytes32 signatureHash,uint32 signatureSize,uint64 sequence,uint64 attestedAt)";
/** `ISlashing.Claim`: who is rewarded, and the salt of the commitment (commit-reveal). */
const CLAIM = "(address reporter,bytes32 salt)";

export const SLASHING_FRAGMENTS = [
  `function proveMalformed(${MESSAGE} message, ${ATTESTATION} attestation, bytes nodeSignature, ${CLAIM} claim) returns (bytes32 offenceId, uint256 slashed)`,
  `function proveUnauthorizedSender(${MESSAGE} message, ${ATTESTATION} attestation, bytes nodeSignature, ${CLAIM} claim) returns (bytes32 offenceId, uint256 slashed)`,
  `function proveWrongEncryption(${MESSAGE} message, ${ATTESTATION} attestation, bytes nodeSignature, bytes32 recipientActiveKey, ${CLAIM} claim) returns (bytes32 offenceId, uint256 slashed)`,
  `function proveBadSignature(${MESSAGE} message, ${ATTESTATION} attestation, bytes nodeSignature, bytes signature, bytes publicKey, ${CLAIM} claim) returns (bytes32 offenceId, uint256 slashed)`,
  `function proveEquivocation(${ATTESTATION} a, bytes signatureA, ${ATTESTATION} b, bytes signatureB, ${CLAIM} claim) returns (bytes32 offenceId, uint256 slashed)`,
  "function commitProof(bytes32 commitment)",
  "function commitmentBlock(bytes32 commitment) view returns (uint256)",
  "function MAX_SIGNATURE_SIZE() view returns (uint256)",
  "function messageOffenceId(address node, bytes32 digest) pure returns (bytes32)",
  "function isOffenceConsumed(bytes32 offenceId) view returns (bool)",
  "function effectiveLimits(uint64 attestedAt) view returns (uint256 stateLag, uint256 maxContentSize, uint256 maxClockSkew)",
  "function nodeRegistry() view returns (address)",
  "function keyRegistry() view returns (address)",
  "function paused() view returns (bool)",
  "event FaultProven(bytes32 indexed offenceId, address indexed node, uint8 indexed faultCode, address reporter, bytes32 digest, uint8 detail, uint256 slashed)",
  "error SlashingZeroAddress()",
  "error SlashingInvalidNodeSignature()",
  "error SlashingNodeWithoutStake(address signer)",
  "error SlashingDigestMismatch(bytes32 attested, bytes32 computed)",
  "error SlashingSignatureHashMismatch(bytes32 attested, bytes32 computed)",
  "error SlashingSenderKeyMismatch(bytes32 senderKey, bytes32 computed)",
  "error SlashingNoFault(uint8 faultCode)",
  "error SlashingStateLag(address owner, bytes32 keyHash, uint64 changedAt, uint64 attestedAt)",
  "error SlashingOffenceConsumed(bytes32 offenceId)",
  "error SlashingIdenticalAttestations()",
  "error SlashingSequenceMismatch(uint64 sequenceA, uint64 sequenceB)",
  "error SlashingSignerMismatch(address signerA, address signerB)",
  "error SlashingCommitmentMissing(bytes32 commitment)",
  "error SlashingCommitmentTooFresh(bytes32 commitment, uint256 committedAt)",
  "error SlashingPaused()",
] as const;

/** Errors of libraries and OpenZeppelin bases that a proof may revert with. */
export const SLASHING_DEPENDENCY_ERRORS = [
  "error EnforcedPause()",
  "error ReentrancyGuardReentrantCall()",
  "error OpenPgpKeyTruncated()",
  "error OpenPgpKeyNotAPacket(uint256 offset, uint8 octet)",
  "error OpenPgpKeyIndeterminateLength(uint256 offset)",
  "error OpenPgpKeyPartialLength(uint8 lengthOctet)",
  "error OpenPgpKeyNonMinimalLength(uint256 offset, uint256 length)",
  "error OpenPgpKeySecretKeyPacket(uint256 offset, uint8 tag)",
  "error OpenPgpKeyNotPublicKeyPacket(uint8 tag)",
  "error OpenPgpKeyMultipleKeys(uint256 offset)",
  "error OpenPgpKeyPacketNotAllowed(uint256 offset, uint8 tag)",
  "error OpenPgpKeyUnsupportedVersion(uint8 version)",
  "error OpenPgpKeyUnsupportedAlgorithm(uint8 algorithm)",
  "error OpenPgpKeyUnsupportedCurve(uint8 algorithm, bytes oid)",
  "error OpenPgpKeyRsaModulusTooSmall(uint256 bits)",
  "error OpenPgpKeyRsaModulusTooLarge(uint256 bits)",
  "error OpenPgpKeyRsaExponentNotAllowed(bytes exponent)",
  "error OpenPgpKeyMalformedMpi(uint256 offset)",
  "error OpenPgpKeyInvalidPoint()",
  "error OpenPgpKeyPacketLengthMismatch(uint256 packetEnd, uint256 fieldsEnd)",
  "error OpenPgpKeyWrongAlgorithm(uint8 expected, uint8 actual)",
  "error OpenPgpKeyBadSubkeyBinding(uint256 offset)",
  "error OpenPgpSignaturePrecompileFailed(address precompile)",
] as const;

export const SLASHING_INTERFACE = new Interface([...SLASHING_FRAGMENTS, ...SLASHING_DEPENDENCY_ERRORS]);

/** `ISlashing.FaultCode` values. */
export const FAULT_CODE = {
  MALFORMED: 1,
  UNAUTHORIZED_SENDER: 2,
  WRONG_ENCRYPTION: 3,
  BAD_SIGNATURE: 4,
  EQUIVOCATION: 5,
} as const;

export type ProvableFaultCode = keyof typeof FAULT_CODE;

/** The proof entry point of each fault class. */
export const PROOF_METHOD: Record<ProvableFaultCode, string> = {
  MALFORMED: "proveMalformed",
  UNAUTHORIZED_SENDER: "proveUnauthorizedSender",
  WRONG_ENCRYPTION: "proveWrongEncryption",
  BAD_SIGNATURE: "proveBadSignature",
  EQUIVOCATION: "proveEquivocation",
};

/** NodeRegistry / KeyRegistry views the validator reads. */
export const NODE_REGISTRY_INTERFACE = new Interface([
  "function isActive(address node) view returns (bool)",
  "function stakeOf(address node) view returns (uint256 bonded, uint256 unbonding)",
]);

const PUSH_HEADER =
  "(uint8 sigType,address from,address to,uint64 timestamp,bytes32 senderKey,bytes32 recipientKey," +
  "uint32 preimageSize,bytes32 toDID)";
const PUSH_VALUE = "(uint8 kind,bytes data)";
const PUSH_BODY =
  `(bytes fromDID,bytes fromCAIP10,bytes toCAIP10,${PUSH_VALUE} messageObj,bytes messageType,bytes encType,` +
  `${PUSH_VALUE} sessionKey,${PUSH_VALUE} encryptedSecret)`;
const PUSH_HASHES =
  "(bytes32 fromDID,bytes32 fromCAIP10,bytes32 toCAIP10,bytes32 messageObj,bytes32 messageType," +
  "bytes32 encType,bytes32 sessionKey,bytes32 encryptedSecret)";
const RETURNS = "returns (bytes32 offenceId, uint256 slashed)";

/**
 * The proof entry points and errors of PushProofs (contracts/interfaces/IPushProofs.sol), the contract that
 * proves faults of Push Chat SDK messages (docs/push-format.md) and slashes through Slashing.slashPushFault.
 */
export const PUSH_PROOFS_FRAGMENTS = [
  `function provePushMalformed(${PUSH_HEADER} header, ${PUSH_BODY} body, ${ATTESTATION} attestation, bytes nodeSignature, ${CLAIM} claim) ${RETURNS}`,
  `function provePushMalformedHashed(${PUSH_HEADER} header, ${PUSH_HASHES} hashes, ${ATTESTATION} attestation, bytes nodeSignature, ${CLAIM} claim) ${RETURNS}`,
  `function provePushUnauthorizedSender(${PUSH_HEADER} header, ${PUSH_HASHES} hashes, ${ATTESTATION} attestation, bytes nodeSignature, ${CLAIM} claim) ${RETURNS}`,
  `function provePushWrongEncryption(${PUSH_HEADER} header, ${PUSH_HASHES} hashes, ${ATTESTATION} attestation, bytes nodeSignature, bytes32 recipientActiveKey, ${CLAIM} claim) ${RETURNS}`,
  `function provePushBadSignature(${PUSH_HEADER} header, ${PUSH_BODY} body, ${ATTESTATION} attestation, bytes nodeSignature, bytes signature, bytes publicKey, ${CLAIM} claim) ${RETURNS}`,
  "function slashing() view returns (address)",
  "error PushProofsZeroAddress()",
  "error PushProofsDigestMismatch(bytes32 attested, bytes32 computed)",
  "error PushProofsNoFault(uint8 faultCode)",
  "error PushProofsSignatureHashMismatch(bytes32 attested, bytes32 computed)",
  "error PushProofsSenderKeyMismatch(bytes32 senderKey, bytes32 computed)",
  "error PushProofsSigType(uint8 sigType)",
  "error PushJsonSha256Failed()",
] as const;

/** PushProofs' fragments with the errors a Push proof may bubble up from Slashing and the verifier. */
export const PUSH_PROOFS_INTERFACE = new Interface([
  ...PUSH_PROOFS_FRAGMENTS,
  ...SLASHING_FRAGMENTS.filter((f) => f.startsWith("error ")),
  ...SLASHING_DEPENDENCY_ERRORS,
]);

/** The PushProofs entry points, by name. */
export const PUSH_PROOF_METHODS = [
  "provePushMalformed",
  "provePushMalformedHashed",
  "provePushUnauthorizedSender",
  "provePushWrongEncryption",
  "provePushBadSignature",
] as const;
