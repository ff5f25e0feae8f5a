import * as openpgp from "openpgp";
import {
  ALLOWED_ALGORITHMS,
  CURVE_OID,
  MAX_KEY_BYTES,
  MAX_RSA_BITS,
  MIN_RSA_BITS,
  RSA_EXPONENT,
  curveName,
  describeAlgorithm,
  type AllowedAlgorithmId,
} from "./algorithms";
import { canonicalPublicKey, checkKeyStructure, decodeKeyInput, type KeyInput } from "./canonical";
import { KeyValidationError, errorMessage, type KeyValidationCode } from "./errors";
import { parsePrimaryKeyPacket, type PrimaryKeyPacket } from "./packets";
import { KeyProfileError, checkKeyProfile, type KeyProfileErrorName } from "./profile";
import { parseCaip10, type WalletBinding } from "./caip10";

/** A public key that passed the strict profile. */
export interface ValidatedKey {
  /** Canonical binary transferable public key (what is sent to the contract). */
  bytes: Uint8Array;
  /** keccak256(bytes), 0x-prefixed. */
  keyHash: string;
  /** v4 fingerprint of the primary key, 40 lowercase hex digits. */
  fingerprint: string;
  /** 16 lowercase hex digits. */
  keyId: string;
  /** OpenPGP algorithm id of the primary key, as the contract records it: 1, 19, 22 or 27. */
  algorithm: AllowedAlgorithmId;
  /** "ECDSA NIST P-256", "RSA-3072", "EdDSA Ed25519 (legacy)", "Ed25519". */
  algorithmName: string;
  /** RSA only: modulus size in bits. */
  rsaBits?: number;
  createdAt: Date;
  /** When the key expires, or null if it does not. */
  expiresAt: Date | null;
  userIDs: string[];
  /** The user ID openpgp.js treats as primary. */
  primaryUserID: string;
  /** CAIP-10 wallet addresses found in the user IDs (`eip155:<chainId>:<address>`). */
  wallets: WalletBinding[];
  /** Fingerprints (40 hex digits) of the signing subkeys the key profile found (bindings verified). */
  signingSubkeys: string[];
  /** Whether the key has a valid encryption (sub)key, i.e. can receive PGP-encrypted messages. */
  canEncrypt: boolean;
  /** Facts that do not make the key invalid but that its owner should know (one sentence each). */
  warnings: string[];
  /** The parsed key (openpgp.js object). */
  key: openpgp.PublicKey;
}

export interface ValidateOptions {
  /** Validity is judged at this time (default: now). */
  date?: Date;
}

/**
 * Validates a public key against the registry's strict profile and returns it in canonical form.
 * Throws KeyValidationError with one sentence and a code: NOT_A_KEY, MULTIPLE_KEYS, PRIVATE_KEY,
 * UNSUPPORTED_VERSION, UNSUPPORTED_ALGORITHM, RSA_TOO_SHORT, RSA_TOO_LONG, RSA_EXPONENT, OVERSIZE,
 * NOT_YET_VALID, REVOKED, EXPIRED, BAD_SELF_SIGNATURE, PRIMARY_CANNOT_SIGN (no key openpgp.js accepts
 * signatures from: neither a sign-flagged primary key nor a signing subkey). Structure, algorithm and size
 * are checked first: on the raw input for a precise reason, then the key profile (`checkKeyProfile`, the
 * contract's verdict) on the canonical bytes; then revocation, self-signature and expiry at `date`. An OpenPGP key revocation counts
 * at every date (as in openpgp.js): a key carrying a valid revocation signature is never accepted.
 */
export async function validatePublicKey(
  input: KeyInput,
  options: ValidateOptions = {},
): Promise<ValidatedKey> {
  const date = options.date ?? new Date();

  // 1. Structure and algorithm on the raw input, so keys openpgp.js cannot read still get a precise reason.
  const raw = await decodeKeyInput(input);
  checkKeyStructure(raw);
  checkPrimaryPacket(safeParsePrimary(raw), { encoding: false });

  // 2. Canonical form; the contract checks these bytes against the key profile, and so does this.
  const canonical = await canonicalPublicKey(raw);
  let profile;
  try {
    profile = checkKeyProfile(canonical.bytes);
  } catch (e) {
    throw profileRefusal(e, canonical.bytes.length);
  }
  const primary = checkPrimaryPacket(safeParsePrimary(canonical.bytes));

  // 3. Time, revocation and self-signatures.
  const key = canonical.key;
  const createdAt = key.getCreationTime();
  if (createdAt.getTime() > date.getTime()) {
    throw new KeyValidationError(
      "NOT_YET_VALID",
      `The key's creation time ${iso(createdAt)} is later than the validation time ${iso(date)}.`,
    );
  }
  if (await key.isRevoked(undefined, undefined, date)) {
    throw new KeyValidationError("REVOKED", "The key has been revoked by its owner.");
  }
  const primaryUser = await primaryUserAt(key, date);
  const expiration = await key.getExpirationTime();
  const expiresAt = expiration instanceof Date ? expiration : null;
  if (expiresAt !== null && expiresAt.getTime() <= date.getTime()) {
    throw new KeyValidationError("EXPIRED", `The key expired at ${iso(expiresAt)}.`);
  }
  try {
    await key.verifyPrimaryKey(date);
  } catch (e) {
    throw classifyVerifyError(e);
  }
  // openpgp.js (which every node runs beside the profile) must accept signatures of one of its keys: the
  // primary key with the sign flag, or a signing subkey (the profile's signing subkeys, bindings verified).
  const profileSigners = new Set(profile.signingKeys.map((k) => k.fingerprint.slice(2)));
  try {
    const signing = await key.getSigningKey(undefined, date);
    if (!profileSigners.has(signing.getFingerprint())) throw new Error("not a signing key of the profile");
  } catch (e) {
    throw new KeyValidationError(
      "PRIMARY_CANNOT_SIGN",
      "Neither the key's primary key nor any of its subkeys is certified for signing, so no node would accept its messages.",
      { cause: e },
    );
  }
  const canEncrypt = await key.getEncryptionKey(undefined, date).then(
    () => true,
    () => false,
  );

  const warnings: string[] = [];
  if (!canEncrypt) {
    warnings.push("The key has no valid encryption subkey: nobody can send it PGP-encrypted messages.");
  }
  const userIDs = key.getUserIDs();
  return {
    bytes: canonical.bytes,
    keyHash: canonical.keyHash,
    fingerprint: canonical.fingerprint,
    keyId: key.getKeyID().toHex(),
    algorithm: primary.algorithm as AllowedAlgorithmId,
    algorithmName: describeAlgorithm(primary.algorithm, primary),
    ...(primary.rsaBits !== undefined ? { rsaBits: primary.rsaBits } : {}),
    createdAt,
    expiresAt,
    userIDs,
    primaryUserID: primaryUser.user.userID?.userID ?? "",
    wallets: userIDs.flatMap((u) => parseCaip10(u) ?? []),
    signingSubkeys: profile.signingKeys.filter((k) => k.subkey).map((k) => k.fingerprint.slice(2)),
    canEncrypt,
    warnings,
    key,
  };
}

/**
 * Checks the primary key packet against the key profile: version 4, an allowed algorithm (RSA, ECDSA on
 * NIST P-256, Ed25519), RSA of 2048 to 4096 bits with e = 65537, and the field encodings the contract
 * requires (minimal MPIs, uncompressed P-256 point, fields filling the packet; skipped with
 * `encoding: false`, for raw input that canonicalisation rewrites). Returns the parsed packet. The full
 * verdict on key bytes (every packet, the point on the curve) is `checkKeyProfile`.
 */
export function checkPrimaryPacket(
  p: PrimaryKeyPacket,
  options: { encoding?: boolean } = {},
): PrimaryKeyPacket & { algorithm: AllowedAlgorithmId } {
  if (p.version !== 4) {
    throw new KeyValidationError(
      "UNSUPPORTED_VERSION",
      `The key is an OpenPGP version ${p.version} key; only version 4 keys are supported.`,
    );
  }
  const allowed = "RSA of 2048 to 4096 bits, ECDSA on NIST P-256, or Ed25519 (EdDSA legacy or RFC 9580)";
  if (!(ALLOWED_ALGORITHMS as readonly number[]).includes(p.algorithm)) {
    throw new KeyValidationError(
      "UNSUPPORTED_ALGORITHM",
      `The key's algorithm ${describeAlgorithm(p.algorithm, p)} is not supported; use ${allowed}.`,
    );
  }
  if (p.algorithm === 19 && p.curveOid !== CURVE_OID.nistP256) {
    throw new KeyValidationError(
      "UNSUPPORTED_ALGORITHM",
      `The key's algorithm ECDSA on ${curveName(p.curveOid ?? "")} is not supported; use ${allowed}.`,
    );
  }
  if (p.algorithm === 22 && p.curveOid !== CURVE_OID.ed25519Legacy) {
    throw new KeyValidationError(
      "UNSUPPORTED_ALGORITHM",
      `The key's algorithm EdDSA on ${curveName(p.curveOid ?? "")} is not supported; use ${allowed}.`,
    );
  }
  if (p.algorithm === 1 && (p.rsaBits ?? 0) < MIN_RSA_BITS) {
    throw new KeyValidationError(
      "RSA_TOO_SHORT",
      `The RSA key has a ${p.rsaBits ?? 0}-bit modulus; at least ${MIN_RSA_BITS} bits are required.`,
    );
  }
  if (p.algorithm === 1 && (p.rsaBits ?? 0) > MAX_RSA_BITS) {
    throw new KeyValidationError(
      "RSA_TOO_LONG",
      `The RSA key has a ${p.rsaBits ?? 0}-bit modulus; at most ${MAX_RSA_BITS} bits are allowed (the chain must verify its signatures at a bounded cost).`,
    );
  }
  if (p.algorithm === 1 && p.rsaExponent !== undefined && BigInt(p.rsaExponent) !== BigInt(RSA_EXPONENT)) {
    throw new KeyValidationError(
      "RSA_EXPONENT",
      `The RSA key's public exponent is ${exponentText(p.rsaExponent)}; only ${RSA_EXPONENT} is allowed.`,
    );
  }
  if (options.encoding !== false && p.malformed !== undefined) {
    throw new KeyValidationError("NOT_A_KEY", `The key's primary key packet is malformed: ${p.malformed}.`);
  }
  return p as PrimaryKeyPacket & { algorithm: AllowedAlgorithmId };
}

/** The exponent in decimal when short, else its size. */
function exponentText(hex: string): string {
  const bits = BigInt(hex).toString(2).length;
  return bits <= 64 ? BigInt(hex).toString() : `a ${bits}-bit number`;
}

/** The KeyValidationCode of each key-profile refusal (anything else: NOT_A_KEY). */
const PROFILE_CODES: Partial<Record<KeyProfileErrorName, KeyValidationCode>> = {
  KeyRegistryKeyTooLarge: "OVERSIZE",
  OpenPgpKeySecretKeyPacket: "PRIVATE_KEY",
  OpenPgpKeyMultipleKeys: "MULTIPLE_KEYS",
  OpenPgpKeyUnsupportedVersion: "UNSUPPORTED_VERSION",
  OpenPgpKeyUnsupportedAlgorithm: "UNSUPPORTED_ALGORITHM",
  OpenPgpKeyUnsupportedCurve: "UNSUPPORTED_ALGORITHM",
  OpenPgpKeyRsaModulusTooSmall: "RSA_TOO_SHORT",
  OpenPgpKeyRsaModulusTooLarge: "RSA_TOO_LONG",
  OpenPgpKeyRsaExponentNotAllowed: "RSA_EXPONENT",
};

/** A key-profile refusal of canonical bytes as a KeyValidationError (the profile error is the cause). */
function profileRefusal(e: unknown, size: number): KeyValidationError {
  if (!(e instanceof KeyProfileError))
    return new KeyValidationError("NOT_A_KEY", errorMessage(e), { cause: e });
  if (e.error === "KeyRegistryKeyTooLarge") {
    return new KeyValidationError(
      "OVERSIZE",
      `The key is ${size.toLocaleString("en-US")} bytes in canonical form, over the ${MAX_KEY_BYTES.toLocaleString("en-US")}-byte limit.`,
      { cause: e },
    );
  }
  const code = PROFILE_CODES[e.error] ?? "NOT_A_KEY";
  return new KeyValidationError(code, `The key is outside the key profile: ${e.message} (${e.error}).`, {
    cause: e,
  });
}

function safeParsePrimary(bytes: Uint8Array): PrimaryKeyPacket {
  try {
    return parsePrimaryKeyPacket(bytes);
  } catch (e) {
    throw new KeyValidationError("NOT_A_KEY", "The input is not an OpenPGP public key.", { cause: e });
  }
}

/** The primary user with a valid self-certification at `date`, or a classified error. */
async function primaryUserAt(key: openpgp.PublicKey, date: Date): Promise<openpgp.PrimaryUser> {
  try {
    return await key.getPrimaryUser(date);
  } catch (e) {
    const message = errorMessage(e);
    if (/revoked/i.test(message)) {
      throw new KeyValidationError("REVOKED", "The key's user ID has been revoked by its owner.", {
        cause: e,
      });
    }
    // Valid when time is ignored: the self-signature itself has expired.
    const timeless = await key.getPrimaryUser(null as unknown as Date).then(
      (u) => u,
      () => null,
    );
    if (timeless !== null) {
      const until = timeless.selfCertification.getExpirationTime();
      const when = until instanceof Date ? ` at ${iso(until)}` : "";
      throw new KeyValidationError("EXPIRED", `The key's self-signature expired${when}.`, { cause: e });
    }
    throw badSelfSignature(e);
  }
}

function classifyVerifyError(e: unknown): KeyValidationError {
  const message = errorMessage(e);
  if (/revoked/i.test(message))
    return new KeyValidationError("REVOKED", "The key has been revoked by its owner.");
  if (/expired/i.test(message))
    return new KeyValidationError("EXPIRED", "The key has expired.", { cause: e });
  return badSelfSignature(e);
}

function badSelfSignature(cause: unknown): KeyValidationError {
  return new KeyValidationError(
    "BAD_SELF_SIGNATURE",
    "The key has no valid self-signature binding a user ID to it (it was altered or is corrupt).",
    { cause },
  );
}

function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}
