import * as openpgp from "openpgp";
import { getBytes } from "ethers";
import { parsedKey } from "./key-cache";
import type { ParsedKey } from "./key-cache";
import { parsePrimaryKey, PK_ECDSA, PK_RSA } from "./pgp-key";
import type { PrimaryKey } from "./pgp-key";
import { checkSignatureAgainstKey, parseSignaturePacket } from "./pgp-profile";
import type { ParsedSignature } from "./pgp-profile";
import { SignatureProfileError } from "./pgp-packets";
import type { ProfileViolationCode } from "./pgp-packets";
import { isHighS, verifyRawSignature } from "./pgp-raw";

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
 * Signs the 32 digest bytes under the strict profile: binary data, detached, v4, SHA-256, by the PRIMARY
 * key (openpgp.js would otherwise pick the newest signing subkey). Returns the raw signature packet.
 * Throws if the key cannot make a profile signature (e.g. an EdDSA-legacy key, which openpgp.js signs
 * with SHA-512 regardless, or a primary key without the sign flag). `privateKey` must be decrypted.
 */
export async function signDigest(
  digest: DigestLike,
  privateKey: openpgp.PrivateKey,
  options: SignDigestOptions = {},
): Promise<Uint8Array> {
  const data = digestBytes(digest);
  const message = await openpgp.createMessage({ binary: data });
  const signature = await openpgp.sign({
    message,
    signingKeys: privateKey,
    signingKeyIDs: privateKey.getKeyID(),
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
  const key = parsePrimaryKey(privateKey.toPublic().write());
  const parsed = parseSignaturePacket(bytes);
  checkSignatureAgainstKey(parsed, key, data);
  return bytes;
}

/** Where a signature failed: the stage decides whether the fault is provable on chain. */
export type VerdictStage =
  /** digest is not 32 bytes: a caller error, not a message fault. */
  | "input"
  /** the key bytes are outside the profile (algorithm, size, packet form): no profile signature exists. */
  | "key"
  /** the signature packet breaks the strict profile (provable on chain for RSA and P-256 keys). */
  | "profile"
  /** the profile holds but the arithmetic fails (provable on chain for RSA and P-256 keys). */
  | "crypto"
  /** arithmetic holds but openpgp.js refuses (e.g. a key expired or revoked by its own self-signatures):
   *  honest nodes refuse it too, but the contract, which reads only the primary key packet, cannot tell. */
  | "openpgp";

export type SignatureVerdict =
  | { ok: true; key: PrimaryKey; signature: ParsedSignature; highS: boolean }
  | {
      ok: false;
      stage: VerdictStage;
      /** The profile rule broken, for stages "key" and "profile". */
      code?: ProfileViolationCode;
      reason: string;
      /** The primary key's algorithm when the key could be read. */
      keyAlgorithm?: number;
    };

/**
 * The full check nodes and the validator apply: the strict profile (byte level), then openpgp.js
 * verification at the signature's own creation time (so a verdict never depends on the clock). When
 * openpgp.js refuses, the contract's arithmetic (verifyRawSignature) tells a "crypto" failure (provable)
 * from an openpgp.js-only refusal. Keys are parsed once and cached (key-cache.ts). Never throws: any
 * bad input gives {ok: false, stage, reason}.
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
  try {
    parsed = parseSignaturePacket(signature);
    checkSignatureAgainstKey(parsed, key, data);
  } catch (e) {
    return { ...profileFailure("profile", e), keyAlgorithm: key.algorithm };
  }
  try {
    const [pgpKey, pgpSignature, message] = await Promise.all([
      cached.openpgp(),
      openpgp.readSignature({ binarySignature: signature }),
      openpgp.createMessage({ binary: data }),
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
    // Classify with the contract's arithmetic: did the math fail (provable), or only openpgp.js's
    // key-level checks? (When openpgp.js accepts, the arithmetic holds too: the same equations, and
    // (r, s) is valid iff (r, N - s) is; test vectors and the differential tests check it.)
    const mathOk = verifyRawSignature(parsed, key, data);
    return {
      ok: false,
      stage: mathOk ? "openpgp" : "crypto",
      reason: mathOk
        ? `openpgp.js refuses the signature: ${(e as Error).message}`
        : "the signature does not verify under the primary key",
      keyAlgorithm: key.algorithm,
    };
  }
  const highS = parsed.values.kind === "ecdsa" && isHighS(parsed.values.s);
  return { ok: true, key, signature: parsed, highS };
}

function profileFailure(
  stage: "key" | "profile",
  e: unknown,
): { ok: false; stage: VerdictStage; code?: ProfileViolationCode; reason: string } {
  if (e instanceof SignatureProfileError) return { ok: false, stage, code: e.code, reason: e.message };
  return { ok: false, stage, reason: (e as Error)?.message ?? String(e) };
}

/** True when the contract can verify signatures of this key algorithm (RSA, ECDSA P-256). */
export function provableOnChain(keyAlgorithm: number | undefined): boolean {
  return keyAlgorithm === PK_RSA || keyAlgorithm === PK_ECDSA;
}
