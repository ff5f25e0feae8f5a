/**
 * The Push Chat SDK's payload format (issue 13), beside the EIP-712 envelope: message and profile
 * bodies, their signed preimages, and their validation.
 */
export * from "./types";
export { PushDecodeError } from "./errors";
export { decodePushMessage, decodePushProfile } from "./decode";
export { jsonString } from "./json";
export {
  pushPreimage,
  pushSignedHex,
  pushProfilePreimage,
  pushProfileSignedHex,
  sha256Hex,
  parseVerificationProof,
  PushProofError,
} from "./preimage";
export type { ParsedVerificationProof } from "./preimage";
export {
  checkPushSignatureProfile,
  pushSignatureProfile,
  verifyPushSignature,
  signatureIssuerKeyIds,
  keyHasKeyId,
  SIGNATURE_CLOCK_TOLERANCE_MS,
} from "./signature";
export type { PushProfileRefusal } from "./signature";
export { openpgpVerdictKnown } from "./openpgp-agreement";
export { verifyPushProfile, armoredKeyOfProfile, dearmorPublicKey } from "./profile";
export type { PushProfileResult, PushProfileRule } from "./profile";
export { validatePushMessage, addressOfDid, DEFAULT_PUSH_CHECK_PARAMS } from "./validate";
export type {
  PushCheckParams,
  PushFault,
  PushFaultRule,
  PushKeyLookup,
  PushValidateContext,
  PushValidateResult,
  RegisteredPushKey,
} from "./validate";
export { pushKeyLookupOf } from "./keys";
export {
  PUSH_MESSAGE_TYPE,
  PUSH_SIGNED_TYPE,
  PUSH_VALUE_TYPE,
  PUSH_MESSAGE_TYPEHASH,
  PUSH_SIGNED_TYPEHASH,
  PUSH_VALUE_TYPEHASH,
  PUSH_MESSAGE_TYPES,
  PushValueKind,
  wtf8,
  messageObjValue,
  pushSignedFieldsOf,
  pushAttestedMessageOf,
  pushFieldHashes,
  pushMessageStructHash,
  pushMessageDigest,
  attestPushMessage,
} from "./attest";
export type {
  PushValue,
  PushSignedFields,
  PushHeader,
  PushFieldHashes,
  PushAttestedMessage,
  PushAttestationMeta,
} from "./attest";
export {
  PushMalformedReason,
  pushPreimageLength,
  isDidOf,
  pushHeaderReason,
  pushMalformedReason,
} from "./judge";
export type { PushProofLimits } from "./judge";
export {
  encodePushAttested,
  encodePushHeader,
  decodePushAttested,
  PushAttestedDecodeError,
} from "./attested-json";
export type { PushAttestedMessageJson, PushValueJson } from "./attested-json";
