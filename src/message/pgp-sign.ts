import * as openpgp from "openpgp";
import { getBytes } from "ethers";
import { parsedKey } from "./key-cache";
import type { ParsedKey } from "./key-cache";
import { parsePrimaryKey, PK_ECDSA, PK_ED25519, PK_EDDSA_LEGACY, PK_RSA } from "./pgp-key";
import type { PrimaryKey, SigningKey } from "./pgp-key";
import { checkDigestSignature, checkSignatureAgainstKey, parseSignaturePacket } from "./pgp-profile";
import type { DataForm, ParsedSignature } from "./pgp-profile";
import { SignatureProfileError } from "./pgp-packets";
import type { ProfileViolationCode } from "./pgp-packets";
import { isHighS } from "./pgp-raw";

/** A 32-byte digest as 0x hex or bytes. */
export type DigestLike = string | Uint8Array;

export interface SignDigestOptions {
  /** Signature creation time (default: now). */
  date?: Date;
  /**
   * openpgp.js adds a random salt notation to v4 signatures (default true). Turn off for reproducible
   * RSA / Ed25519 test vectors; ECDSA signatures stay randomised by node:crypto either way.
   */
  saltNotation?: boolean;
}

function digestBytes(digest: DigestLike): Uint8Array {
  const b = typeof digest === "string" ? getBytes(digest) : digest;
  if (b.length !== 32) throw new RangeError(`digest must be 32 bytes, got ${b.length}`);
  return b;
}

/**
 * Signs the 32 digest bytes under the profile: binary data (type 0x00), detached, v4, SHA-256 preferred
 * (openpgp.js may pick a stronger hash the key prefers), by the primary key when openpgp.js accepts it
 * for signing, else by the signing subkey openpgp.js picks. Returns the raw signature packet, after
 * checking it against the profile (rules 1-11). `privateKey` must be decrypted.
 */
export async function signDigest(
  digest: DigestLike,
  privateKey: openpgp.PrivateKey,
  options: SignDigestOptions = {},
): Promise<Uint8Array> {
  const data = digestBytes(digest);
  const primaryCanSign = await privateKey.getSigningKey(privateKey.getKeyID(), options.date).then(
    () => true,
    () => false,
  );
  const message = await openpgp.createMessage({ binary: data });
  const signature = await openpgp.sign({
    message,
    signingKeys: privateKey,
    ...(primaryCanSign ? { signingKeyIDs: privateKey.getKeyID() } : {}),
    detached: true,
    format: "binary",
    date: options.date,
    config: {
      preferredHashAlgorithm: openpgp.enums.hash.sha256,
      nonDeterministicSignaturesViaNotation: options.saltNotation ?? true,
    },
  });
  const bytes = signature as Uint8Array;
  // Self-check: what we hand out must pass the profile we enforce.
  checkDigestSignature(data, bytes, parsePrimaryKey(privateKey.toPublic().write()));
  return bytes;
}

/** Where a signature failed: the stage decides whether the fault is provable on chain. */
export type VerdictStage =
  /** digest is not 32 bytes: a caller error, not a message fault. */
  | "input"
  /** the key bytes are outside the profile (algorithm, size, packet form): no profile signature exists. */
  | "key"
  /** the signature breaks a profile rule 1-10 (provable on chain). */
  | "profile"
  /** rules 1-10 hold but the arithmetic fails (rule 11, code BAD_SIGNATURE; provable on chain). */
  | "crypto"
  /** the profile holds but openpgp.js refuses (e.g. a key expired or revoked by its own self-signatures,
   *  a primary key without the sign flag): honest nodes refuse it too, but the contract cannot tell. */
  | "openpgp";

export type SignatureVerdict =
  | {
      ok: true;
      key: PrimaryKey;
      /** The key that made the signature: the primary key or a signing subkey. */
      signer: SigningKey;
      /** The signed data: the raw digest or its 64 hex characters. */
      form: DataForm;
      signature: ParsedSignature;
      highS: boolean;
    }
  | {
      ok: false;
      stage: VerdictStage;
      /** The profile rule broken, for stages "key", "profile" and "crypto" (BAD_SIGNATURE). */
      code?: ProfileViolationCode;
      reason: string;
      /** The primary key's algorithm when the key could be read. */
      keyAlgorithm?: number;
    };

/**
 * The full check nodes and the validator apply: the profile (rules 1-11, with the chain's arithmetic),
 * then openpgp.js verification of the same data form at the signature's own creation time (so a verdict
 * never depends on the clock): the node refuses what either refuses. Keys are parsed once and cached
 * (key-cache.ts). Never throws: any bad input gives {ok: false, stage, reason}.
 */
export async function verifyDigestSignature(
  digest: DigestLike,
  signature: Uint8Array,
  publicKeyBytes: Uint8Array,
): Promise<SignatureVerdict> {
  let data: Uint8Array;
  try {
    data = digestBytes(digest);
  } catch (e) {
    return { ok: false, stage: "input", reason: (e as Error).message };
  }
  let cached: ParsedKey;
  try {
    cached = parsedKey(publicKeyBytes);
  } catch (e) {
    return profileFailure("key", e);
  }
  const key = cached.primary;
  let parsed: ParsedSignature;
  let match;
  try {
    parsed = parseSignaturePacket(signature);
    match = checkSignatureAgainstKey(parsed, key, data);
  } catch (e) {
    const crypto = e instanceof SignatureProfileError && e.code === "BAD_SIGNATURE";
    return { ...profileFailure(crypto ? "crypto" : "profile", e), keyAlgorithm: key.algorithm };
  }
  try {
    const [pgpKey, pgpSignature, message] = await Promise.all([
      cached.openpgp(),
      openpgp.readSignature({ binarySignature: signature }),
      parsed.signatureType === 0x01
        ? openpgp.createMessage({ text: Buffer.from(match.data).toString("ascii") })
        : openpgp.createMessage({ binary: match.data }),
    ]);
    const result = await openpgp.verify({
      message,
      signature: pgpSignature,
      verificationKeys: pgpKey,
      date: new Date(parsed.created * 1000),
    });
    if (result.signatures.length !== 1) throw new Error(`${result.signatures.length} signatures`);
    await result.signatures[0].verified;
  } catch (e) {
    return {
      ok: false,
      stage: "openpgp",
      reason: `openpgp.js refuses the signature: ${(e as Error).message}`,
      keyAlgorithm: key.algorithm,
    };
  }
  const highS = parsed.values.kind === "ecdsa" && isHighS(parsed.values.s);
  return { ok: true, key, signer: match.signer, form: match.form, signature: parsed, highS };
}

function profileFailure(
  stage: "key" | "profile" | "crypto",
  e: unknown,
): { ok: false; stage: VerdictStage; code?: ProfileViolationCode; reason: string } {
  if (e instanceof SignatureProfileError) return { ok: false, stage, code: e.code, reason: e.message };
  return { ok: false, stage, reason: (e as Error)?.message ?? String(e) };
}

/**
 * True when the contract can verify signatures of keys of this primary-key algorithm: every algorithm of
 * the profile (RSA, ECDSA P-256, EdDSA legacy and Ed25519) since the client profile.
 */
export function provableOnChain(keyAlgorithm: number | undefined): boolean {
  return (
    keyAlgorithm === PK_RSA ||
    keyAlgorithm === PK_ECDSA ||
    keyAlgorithm === PK_EDDSA_LEGACY ||
    keyAlgorithm === PK_ED25519
  );
}
