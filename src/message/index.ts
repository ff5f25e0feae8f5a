/**
 * The message library (DESIGN section 4, the fixed wire standard), shared by the Push Node, the
 * validator, the client tasks and the slashing tests. See README "Message standard".
 */
export * from "./types";
export { EnvelopeDecodeError, CheckContextError } from "./errors";
export {
  encodeEnvelope,
  decodeEnvelope,
  parseEnvelope,
  stringifyEnvelope,
  encodeSignedAttestation,
  decodeSignedAttestation,
  messageOf,
  attestationOf,
  MESSAGE_FIELDS,
  ENVELOPE_FIELDS,
  SIGNED_ATTESTATION_FIELDS,
  MAX_SIGNATURE_BYTES,
} from "./envelope";
export type { EnvelopeJson, SignedAttestationJson, DecodeOptions } from "./envelope";
export {
  MESSAGE_TYPE,
  MESSAGE_TYPEHASH,
  MESSAGE_TYPES,
  CHAT_DOMAIN,
  CHAT_DOMAIN_SEPARATOR,
  messageStructHash,
  messageDigest,
} from "./digest";
export {
  ATTESTATION_TYPE,
  ATTESTATION_TYPEHASH,
  ATTESTATION_TYPES,
  attestationDomain,
  attestationDomainSeparator,
  attestationStructHash,
  attestationDigest,
  signatureHashOf,
  signAttestation,
  recoverAttestationSigner,
  sameAttestation,
  detectNonMonotonic,
  detectEquivocation,
} from "./attestation";
export type { EquivocationFault, NonMonotonicFault } from "./attestation";
export { SignatureProfileError } from "./pgp-packets";
export type { ProfileViolationCode, Subpacket } from "./pgp-packets";
export {
  parsePrimaryKey,
  keyHashOf,
  PK_RSA,
  PK_ECDSA,
  PK_EDDSA_LEGACY,
  PK_ED25519,
  HASH_SHA256,
  HASH_SHA384,
  HASH_SHA512,
} from "./pgp-key";
export type { PrimaryKey, PrimaryKeyParams, SigningKey } from "./pgp-key";
export {
  parseSignaturePacket,
  checkSignatureAgainstKey,
  checkDigestSignature,
  dataForms,
  digestHexText,
  issuerNames,
  signedData,
  signedHash,
  P256_N,
} from "./pgp-profile";
export type { DataForm, Issuer, ParsedSignature, SignatureMatch, SignatureValues } from "./pgp-profile";
export { verifyRawSignature, isHighS, lowS } from "./pgp-raw";
export { signDigest, verifyDigestSignature, provableOnChain } from "./pgp-sign";
export type { DigestLike, SignDigestOptions, SignatureVerdict, VerdictStage } from "./pgp-sign";
export {
  contentHashOf,
  cidOf,
  contentHashOfCid,
  encryptContent,
  decryptContent,
  encryptionKeyIdsOf,
  isEncryptedTo,
} from "./content";
export type { PublicKeyInput } from "./content";
export { checkMessage, attestationMatches, withinStateLag, DEFAULT_CHECK_PARAMS } from "./check";
export type {
  CheckContext,
  CheckParams,
  CheckResult,
  Fault,
  FaultCode,
  FaultRule,
  KeyView,
  RecordTimes,
} from "./check";
export { composeEnvelope } from "./compose";
export type { ComposeInput } from "./compose";
export {
  craftSignature,
  craftKeyWithBinding,
  toOldFormat,
  creationTimeSubpacket,
  issuerKeyIdSubpacket,
  issuerFingerprintSubpacket,
  notationSubpacket,
} from "./pgp-craft";
export type { BindingOptions, CraftOptions } from "./pgp-craft";
export { MemoryKeyView } from "./memory-key-view";
export type { KeyRecord } from "./memory-key-view";
export { readDetachedSignature, NotASignatureError } from "./pgp-armor";
export * from "./push";
export { validateAnyMessage, recogniseMessage, describeAnyVerdict } from "./validate-any";
export type {
  AnyMessageContext,
  AnyMessageFault,
  AnyMessageRefusal,
  AnyMessageResult,
  AnyMessageValid,
  MessageFormat,
  RecognisedMessage,
} from "./validate-any";
