// Names of OpenPgpSignature.Status values, shared by the verifier tests.

/** OpenPgpSignature.Status names, as the message library's ProfileViolationCode (BAD_SIGNATURE: "crypto"). */
export const STATUS_CODES = [
  "VALID",
  "EMPTY",
  "PACKET_TAG",
  "PACKET_LENGTH",
  "TRAILING_DATA",
  "VERSION",
  "SIGNATURE_TYPE",
  "PUBLIC_KEY_ALGORITHM",
  "HASH_ALGORITHM",
  "SUBPACKETS",
  "SUBPACKET_NOT_ALLOWED",
  "CREATION_TIME",
  "ISSUER_MISSING",
  "ISSUER_MISMATCH",
  "MPI",
  "ALGORITHM_MISMATCH",
  "KEY_NEWER_THAN_SIGNATURE",
  "SIGNED_HASH_MISMATCH",
  "BAD_SIGNATURE",
] as const;

/** Key-dependent rules the contract checks before "the issuer is the primary key" (which the library checks
 *  first among the key-dependent rules). */
export const CHECKED_BEFORE_ISSUER: readonly string[] = [
  "KEY_NEWER_THAN_SIGNATURE",
  "MPI",
  "SIGNED_HASH_MISMATCH",
  "BAD_SIGNATURE",
];
