import { getBytes } from "ethers";
import { signatureHashOf } from "./attestation";
import { contentHashOf, isEncryptedTo } from "./content";
import { messageDigest } from "./digest";
import { CheckContextError } from "./errors";
import { keyHashOf } from "./pgp-key";
import { provableOnChain, verifyDigestSignature } from "./pgp-sign";
import {
  ContentType,
  Encryption,
  MAX_SIGNATURE_SIZE,
  MESSAGE_VERSION,
  ZERO_ADDRESS,
  ZERO_BYTES32,
} from "./types";
import type { Attestation, Envelope } from "./types";

/**
 * The one validation function shared by the Push Node (before it attests) and the validator (after a
 * node attested). Pure apart from the key view it is given.
 *
 * PRECEDENCE (the first failing check is returned; provable checks come first so that a watcher always
 * gets a provable fault when there is one):
 *   1. MALFORMED, provable, in this order: VERSION (not 1), FROM_ZERO, TO_ZERO, FROM_EQUALS_TO,
 *      CONTENT_TYPE (> 4), ENCRYPTION (> 1), CONTENT_SIZE (contentSize > maxContentSize),
 *      CLOCK_SKEW (|timestamp - attestedAt| > maxClockSkew; without an attestation, against ctx.now),
 *      SIGNATURE_SIZE (the attestation's signatureSize, or without an attestation the signature's length,
 *      is over MAX_SIGNATURE_SIZE: proven from the attestation alone, the signature is not revealed; the
 *      contract's MalformedReason.SignatureTooLarge, checked last there too).
 *   2. UNAUTHORIZED_SENDER, provable: SENDER_KEY_INACTIVE (senderKey not active for `from` at timestamp).
 *   3. WRONG_ENCRYPTION, provable: RECIPIENT_KEY_INACTIVE (PGP, recipientKey not active for `to` at
 *      timestamp), PLAINTEXT_TO_KEYED_RECIPIENT (plaintext, `to` had an active key at timestamp).
 *   4. BAD_SIGNATURE: SIGNATURE_SIZE_MISMATCH (with an attestation: the signature, whose bytes hash to the
 *      attested signatureHash, is not signatureSize bytes long; provable by revealing it, whatever the key),
 *      then SIGNATURE (verifyDigestSignature fails: the client profile of docs/client-profile.md, rules
 *      1-11, then openpgp.js; the node refuses what either refuses). Provable when a profile rule or the
 *      arithmetic fails, for every key algorithm of the profile (RSA, P-256, EdDSA legacy, Ed25519);
 *      openpgp.js-only refusals go to a dispute.
 *   5. Envelope consistency, not provable on chain (the content is not part of the typed struct):
 *      MALFORMED CONTENT_SIZE_MISMATCH, MALFORMED CONTENT_HASH_MISMATCH, MALFORMED PLAINTEXT_RECIPIENT_KEY
 *      (plaintext with a non-zero recipientKey), WRONG_ENCRYPTION NOT_ENCRYPTED_TO_RECIPIENT (PGP content
 *      that is not an OpenPGP message with a session key for the recipientKey).
 *
 * STATE LAG (DESIGN section 5), only when an attestation is given, exactly as the Slashing contract
 * applies it: a check of step 2 or 3 that fails is skipped (listed in `excused`) when the deciding key
 * record - (from, senderKey), (to, recipientKey), or for plaintext the (to, key) record anyActiveKeyAt
 * returned - was added, or revoked, at or before the message timestamp (a later change does not change
 * the answer) and less than `stateLag` before attestedAt: `changedAt <= timestamp && changedAt + stateLag >
 * attestedAt`, for addedAt and for revokedAt separately. So the watcher skips no fault the contract would
 * take, and proves none it would refuse with `SlashingStateLag`.
 */

export type FaultCode = "MALFORMED" | "UNAUTHORIZED_SENDER" | "WRONG_ENCRYPTION" | "BAD_SIGNATURE";

export type FaultRule =
  | "VERSION"
  | "FROM_ZERO"
  | "TO_ZERO"
  | "FROM_EQUALS_TO"
  | "CONTENT_TYPE"
  | "ENCRYPTION"
  | "CONTENT_SIZE"
  | "SIGNATURE_SIZE"
  | "CLOCK_SKEW"
  | "SENDER_KEY_INACTIVE"
  | "RECIPIENT_KEY_INACTIVE"
  | "PLAINTEXT_TO_KEYED_RECIPIENT"
  | "SIGNATURE_SIZE_MISMATCH"
  | "SIGNATURE"
  | "CONTENT_SIZE_MISMATCH"
  | "CONTENT_HASH_MISMATCH"
  | "PLAINTEXT_RECIPIENT_KEY"
  | "NOT_ENCRYPTED_TO_RECIPIENT";

export interface Fault {
  code: FaultCode;
  rule: FaultRule;
  reason: string;
  /** Whether the slashing contract can verify this fault from the typed data, keys and registry. */
  provable: boolean;
}

export type CheckResult = ({ ok: true } | ({ ok: false } & Fault)) & {
  /** Key-state faults skipped because the deciding record changed within the state lag. */
  excused: Fault[];
};

/** What checkMessage needs to know about registered keys. All times are unix seconds. */
export interface KeyView {
  /** Whether keyHash is a key of owner, active at time t (`KeyRegistry.isActiveAt`). */
  keyActiveAt(owner: string, keyHash: string, t: bigint): Promise<boolean>;
  /**
   * A key of owner active at t, or null. When several are, return the one added earliest (the
   * longest-standing one), so the state-lag rule is applied to the strongest evidence.
   */
  anyActiveKeyAt(owner: string, t: bigint): Promise<string | null>;
  /** The canonical public key bytes for keyHash (from `KeyAdded`), or null when unknown. */
  publicKeyBytes(keyHash: string): Promise<Uint8Array | null>;
  /** When the (owner, keyHash) record was added and revoked (null: not revoked), or null when none. */
  recordTimes(owner: string, keyHash: string): Promise<RecordTimes | null>;
}

/** The times of a key record, as `KeyRegistry.keyOf` reports them (unix seconds). */
export interface RecordTimes {
  addedAt: bigint;
  revokedAt: bigint | null;
}

/**
 * The Slashing contract's state-lag rule: whether a node attesting at `attestedAt` may not have seen a
 * change of the record that decides whether the key was active at `timestamp`.
 */
export function withinStateLag(
  r: RecordTimes,
  timestamp: bigint,
  attestedAt: bigint,
  stateLag: bigint,
): boolean {
  const unseen = (changedAt: bigint) => changedAt <= timestamp && changedAt + stateLag > attestedAt;
  return unseen(r.addedAt) || (r.revokedAt !== null && unseen(r.revokedAt));
}

export interface CheckParams {
  /** Max content size in bytes (DESIGN default 64 KiB). */
  maxContentSize: number;
  /** Max |timestamp - attestedAt| in seconds (default 15 minutes). */
  maxClockSkew: bigint;
  /** State lag in seconds (default 10 minutes). */
  stateLag: bigint;
}

export const DEFAULT_CHECK_PARAMS: CheckParams = {
  maxContentSize: 64 * 1024,
  maxClockSkew: 15n * 60n,
  stateLag: 10n * 60n,
};

export interface CheckContext {
  keys: KeyView;
  params?: Partial<CheckParams>;
  /** Reference time for the clock-skew rule when no attestation is given (default: the clock). */
  now?: bigint;
}

/** Whether an attestation is the attestation of this envelope (digest and signatureHash match). */
export function attestationMatches(envelope: Envelope, attestation: Attestation): boolean {
  return (
    attestation.digest.toLowerCase() === messageDigest(envelope) &&
    attestation.signatureHash.toLowerCase() === signatureHashOf(envelope.signature)
  );
}

/**
 * Validates an envelope (and, for a watcher, the attestation a node made of it). Returns {ok: true} or
 * the first fault in the precedence above. Throws CheckContextError only when the context is
 * inconsistent (attestation of another envelope, key bytes missing or not matching their keyHash).
 */
export async function checkMessage(
  envelope: Envelope,
  attestation: Attestation | undefined,
  ctx: CheckContext,
): Promise<CheckResult> {
  const p: CheckParams = { ...DEFAULT_CHECK_PARAMS, ...ctx.params };
  if (attestation !== undefined && !attestationMatches(envelope, attestation)) {
    throw new CheckContextError("the attestation is not for this envelope (digest or signatureHash differs)");
  }
  const excused: Fault[] = [];
  const done = (f: Fault): CheckResult => ({ ok: false, ...f, excused });
  const m = envelope;

  // 1. MALFORMED (provable)
  const malformed = (rule: FaultRule, reason: string): CheckResult =>
    done({ code: "MALFORMED", rule, reason, provable: true });
  if (m.version !== MESSAGE_VERSION)
    return malformed("VERSION", `version ${m.version}, must be ${MESSAGE_VERSION}`);
  if (m.from === ZERO_ADDRESS) return malformed("FROM_ZERO", "from is the zero address");
  if (m.to === ZERO_ADDRESS) return malformed("TO_ZERO", "to is the zero address");
  if (m.from.toLowerCase() === m.to.toLowerCase())
    return malformed("FROM_EQUALS_TO", "from and to are equal");
  if (m.contentType > ContentType.Meta)
    return malformed("CONTENT_TYPE", `unknown contentType ${m.contentType}`);
  if (m.encryption > Encryption.PGP) return malformed("ENCRYPTION", `unknown encryption ${m.encryption}`);
  if (m.contentSize > p.maxContentSize) {
    return malformed("CONTENT_SIZE", `contentSize ${m.contentSize} is over the limit of ${p.maxContentSize}`);
  }
  const reference = attestation?.attestedAt ?? ctx.now ?? BigInt(Math.floor(Date.now() / 1000));
  const skew = m.timestamp > reference ? m.timestamp - reference : reference - m.timestamp;
  if (skew > p.maxClockSkew) {
    const what = attestation ? "attestedAt" : "the node's clock";
    return malformed("CLOCK_SKEW", `timestamp is ${skew} s from ${what}, more than ${p.maxClockSkew} s`);
  }
  const signatureSize = attestation?.signatureSize ?? m.signature.length;
  if (signatureSize > MAX_SIGNATURE_SIZE) {
    const what = attestation ? "the attested signatureSize" : "the signature";
    return malformed(
      "SIGNATURE_SIZE",
      `${what} is ${signatureSize} bytes, over the limit of ${MAX_SIGNATURE_SIZE}`,
    );
  }

  const lagged = async (owner: string, keyHash: string): Promise<boolean> => {
    if (attestation === undefined) return false;
    const r = await ctx.keys.recordTimes(owner, keyHash);
    return r !== null && withinStateLag(r, m.timestamp, attestation.attestedAt, p.stateLag);
  };
  const keyFault = async (f: Fault, owner: string, keyHash: string): Promise<CheckResult | null> => {
    if (await lagged(owner, keyHash)) {
      excused.push({ ...f, provable: false, reason: `${f.reason} (record changed within the state lag)` });
      return null;
    }
    return done(f);
  };

  // 2. UNAUTHORIZED_SENDER
  if (!(await ctx.keys.keyActiveAt(m.from, m.senderKey, m.timestamp))) {
    const r = await keyFault(
      {
        code: "UNAUTHORIZED_SENDER",
        rule: "SENDER_KEY_INACTIVE",
        reason: `senderKey ${m.senderKey} is not a key of ${m.from} active at ${m.timestamp}`,
        provable: true,
      },
      m.from,
      m.senderKey,
    );
    if (r) return r;
  }

  // 3. WRONG_ENCRYPTION
  if (m.encryption === Encryption.PGP) {
    if (!(await ctx.keys.keyActiveAt(m.to, m.recipientKey, m.timestamp))) {
      const r = await keyFault(
        {
          code: "WRONG_ENCRYPTION",
          rule: "RECIPIENT_KEY_INACTIVE",
          reason: `recipientKey ${m.recipientKey} is not a key of ${m.to} active at ${m.timestamp}`,
          provable: true,
        },
        m.to,
        m.recipientKey,
      );
      if (r) return r;
    }
  } else {
    const active = await ctx.keys.anyActiveKeyAt(m.to, m.timestamp);
    if (active !== null) {
      const r = await keyFault(
        {
          code: "WRONG_ENCRYPTION",
          rule: "PLAINTEXT_TO_KEYED_RECIPIENT",
          reason: `plaintext sent to ${m.to}, who had the active key ${active} at ${m.timestamp}`,
          provable: true,
        },
        m.to,
        active,
      );
      if (r) return r;
    }
  }

  // 4. BAD_SIGNATURE
  if (attestation !== undefined && m.signature.length !== attestation.signatureSize) {
    return done({
      code: "BAD_SIGNATURE",
      rule: "SIGNATURE_SIZE_MISMATCH",
      reason: `the signature is ${m.signature.length} bytes, the attestation says signatureSize ${attestation.signatureSize}`,
      provable: true,
    });
  }
  const senderKeyBytes = await keyBytes(ctx.keys, m.senderKey);
  const digest = messageDigest(m);
  const verdict = await verifyDigestSignature(getBytes(digest), m.signature, senderKeyBytes);
  if (!verdict.ok) {
    const provable =
      (verdict.stage === "profile" || verdict.stage === "crypto") && provableOnChain(verdict.keyAlgorithm);
    return done({
      code: "BAD_SIGNATURE",
      rule: "SIGNATURE",
      reason: `${verdict.stage}: ${verdict.reason}`,
      provable,
    });
  }

  // 5. envelope consistency (not provable)
  const notProvable = (code: FaultCode, rule: FaultRule, reason: string): CheckResult =>
    done({ code, rule, reason, provable: false });
  if (m.content.length !== m.contentSize) {
    return notProvable(
      "MALFORMED",
      "CONTENT_SIZE_MISMATCH",
      `content is ${m.content.length} bytes, contentSize says ${m.contentSize}`,
    );
  }
  if (contentHashOf(m.content) !== m.contentHash.toLowerCase()) {
    return notProvable("MALFORMED", "CONTENT_HASH_MISMATCH", "sha256(content) differs from contentHash");
  }
  if (m.encryption === Encryption.Plaintext && m.recipientKey.toLowerCase() !== ZERO_BYTES32) {
    return notProvable(
      "MALFORMED",
      "PLAINTEXT_RECIPIENT_KEY",
      "plaintext message with a non-zero recipientKey",
    );
  }
  if (
    m.encryption === Encryption.PGP &&
    !(await isEncryptedTo(m.content, await keyBytes(ctx.keys, m.recipientKey)))
  ) {
    return notProvable(
      "WRONG_ENCRYPTION",
      "NOT_ENCRYPTED_TO_RECIPIENT",
      "content is not an OpenPGP message encrypted to the recipientKey",
    );
  }
  return { ok: true, excused };
}

async function keyBytes(keys: KeyView, keyHash: string): Promise<Uint8Array> {
  const bytes = await keys.publicKeyBytes(keyHash);
  if (bytes === null) throw new CheckContextError(`the key view has no bytes for key ${keyHash}`);
  if (keyHashOf(bytes) !== keyHash.toLowerCase()) {
    throw new CheckContextError(`the key view's bytes for ${keyHash} hash to ${keyHashOf(bytes)}`);
  }
  return bytes;
}
