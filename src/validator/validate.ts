/**
 * Full re-validation of one feed item (an envelope with the node's attestation), as DESIGN section 6 asks:
 * schema (decode), digest, attestation signature (recovers to the node's signer), key lookup and the
 * OpenPGP signature, through the message library's `checkMessage`. Items of kind "push" (a Push Chat SDK
 * message, PushFeedItemJson) get the same attestation checks, then `judgePushMessage` (digest, then the
 * faults PushProofs proves; docs/push-format.md section 7). Pure apart from the KeyView; runs in the main
 * thread or in worker threads (worker-pool.ts).
 */
import {
  CheckContextError,
  EnvelopeDecodeError,
  MAX_SIGNATURE_SIZE,
  attestationMatches,
  attestationStructHash,
  checkMessage,
  decodeEnvelope,
  decodeSignedAttestation,
  messageDigest,
} from "../message";
import type {
  AttestationDomain,
  CheckParams,
  Envelope,
  Fault,
  KeyView,
  SignedAttestation,
  SignedAttestationJson,
} from "../message";
import { attestationSigner } from "./attestation-signer";
import { decodePushAttested } from "../message/push/attested-json";
import type { PushAttestedMessage } from "../message/push/attest";
import { judgePushMessage } from "../message/push/verdict";
import type { PushJudgeLimits, PushJudgedFault } from "../message/push/verdict";

/** Largest content the validator decodes (the max content size parameter is at most 16 MiB). */
export const MAX_DECODED_CONTENT = 16 * 1024 * 1024;

export type ItemVerdict =
  /** No usable attestation: the item cannot even be placed in the sequence. */
  | { kind: "unreadable"; reason: string }
  /** The attestation does not recover to the node's signer (or is malleable): the feed lies. */
  | { kind: "forged"; sequence: bigint; attestedAt: bigint; reason: string }
  /** A genuine attestation by the node; `outcome` says what was wrong with the message, if anything. */
  | {
      kind: "attested";
      attestation: SignedAttestationJson;
      sequence: bigint;
      attestedAt: bigint;
      structHash: string;
      outcome: Outcome;
    };

export type Outcome =
  | { status: "valid"; excused: number }
  /** A fault of DESIGN section 5; `provable` says whether the contract can check it. */
  | { status: "fault"; fault: Fault }
  /** The envelope does not decode: the node attested something that is not a message (not provable). */
  | { status: "undecodable"; reason: string }
  /** The attestation's digest or signatureHash is not that of the envelope served with it. */
  | { status: "mismatch"; reason: string }
  /** The key index is inconsistent for this message (bytes missing): validate again later. */
  | { status: "index"; reason: string }
  /** A Push message (feed item of kind "push") with a fault PushProofs takes (push-judge: judgePushMessage). */
  | { status: "push-fault"; fault: PushJudgedFault }
  /** A Push message PushProofs can give no verdict on (the sender key is outside the profile). */
  | { status: "undecidable"; reason: string };

export interface ValidateContext {
  keys: KeyView;
  domain: AttestationDomain;
  params: CheckParams;
}

/** The attestation part of a raw item, decoded, or the reason it cannot be. */
export function readAttestation(item: unknown): { attestation: SignedAttestation } | { error: string } {
  if (item === null || typeof item !== "object" || Array.isArray(item))
    return { error: "item is not an object" };
  const raw = (item as { attestation?: unknown }).attestation;
  if (raw === undefined) return { error: "item has no attestation" };
  try {
    return { attestation: decodeSignedAttestation(raw) };
  } catch (e) {
    return {
      error: e instanceof Error ? e.message.replace("invalid envelope", "invalid attestation") : String(e),
    };
  }
}

/** The envelope part of a raw item, decoded (throws EnvelopeDecodeError). */
export function readEnvelope(item: unknown): Envelope {
  const raw = (item as { envelope?: unknown }).envelope;
  if (raw === undefined) throw new EnvelopeDecodeError("$", "item has no envelope");
  return decodeEnvelope(raw, {
    maxContentBytes: MAX_DECODED_CONTENT,
    maxSignatureBytes: MAX_DECODED_CONTENT,
  });
}

function jsonOf(a: SignedAttestation): SignedAttestationJson {
  return {
    digest: a.digest,
    signatureHash: a.signatureHash,
    signatureSize: a.signatureSize,
    sequence: a.sequence.toString(),
    attestedAt: a.attestedAt.toString(),
    signature: a.signature,
  };
}

/**
 * The synchronous half of validating an item: the attestation (decode, struct hash, signer recovery) and
 * the envelope (decode, digest and signatureHash against the attestation). Either a final verdict, or what
 * {@link finishItem} needs to check the message against the key state and its OpenPGP signature.
 * {@link validateItems} runs this half over a whole batch before any OpenPGP work, so the secp256k1
 * recoveries run back to back (their precomputed tables stay in the CPU cache).
 */
export type PreparedItem =
  | { verdict: ItemVerdict }
  | {
      base: AttestedBase;
      env: Envelope;
      att: SignedAttestation;
    }
  | {
      base: AttestedBase;
      push: PushItem;
      att: SignedAttestation;
    };

/** The Push part of a feed item of kind "push" (src/node/api.ts PushFeedItemJson), decoded. */
export interface PushItem {
  message: PushAttestedMessage;
  /** The binary OpenPGP signature. */
  signature: Uint8Array;
}

/** Whether a raw feed item is a Push item (`kind: "push"`). */
export function isPushItem(item: unknown): boolean {
  return typeof item === "object" && item !== null && (item as { kind?: unknown }).kind === "push";
}

/** The Push part of a raw item, decoded (throws PushAttestedDecodeError or EnvelopeDecodeError). */
export function readPushItem(item: unknown): PushItem {
  const raw = (item as { push?: unknown }).push;
  if (raw === null || typeof raw !== "object")
    throw new EnvelopeDecodeError("$.push", "item has no push part");
  const { message, signature } = raw as { message?: unknown; signature?: unknown };
  if (typeof signature !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(signature))
    throw new EnvelopeDecodeError("$.push.signature", "must be 0x hex bytes");
  if (signature.length > 2 + 2 * MAX_DECODED_CONTENT)
    throw new EnvelopeDecodeError("$.push.signature", "is too large");
  return {
    message: decodePushAttested(message),
    signature: Uint8Array.from(Buffer.from(signature.slice(2), "hex")),
  };
}

/** The limits of a Push judgement from the validator's parameters. */
export function pushLimitsOf(p: CheckParams): PushJudgeLimits {
  return { maxContentSize: BigInt(p.maxContentSize), maxClockSkew: p.maxClockSkew, stateLag: p.stateLag };
}

/** Judges a Push item (phase two for Push items): the outcome PushProofs would give. */
export async function judgePushItem(
  push: PushItem,
  att: SignedAttestation,
  ctx: Pick<ValidateContext, "keys" | "params" | "domain">,
): Promise<Outcome> {
  try {
    const j = await judgePushMessage({
      message: push.message,
      signature: push.signature,
      attestation: att,
      keys: ctx.keys,
      limits: pushLimitsOf(ctx.params),
      domain: ctx.domain,
    });
    if (j.status === "valid") return { status: "valid", excused: j.excused.length };
    if (j.status === "fault") return { status: "push-fault", fault: j.fault };
    return j;
  } catch (e) {
    if (e instanceof CheckContextError) return { status: "index", reason: e.message };
    throw e;
  }
}

/** An attested verdict before its outcome is known. */
type AttestedBase = Omit<Extract<ItemVerdict, { kind: "attested" }>, "outcome">;

/** Phase one of {@link validateItem} (see {@link PreparedItem}). */
export function prepareItem(
  item: unknown,
  node: string,
  domain: AttestationDomain,
  envelope?: Envelope,
): PreparedItem {
  const read = readAttestation(item);
  if ("error" in read) return { verdict: { kind: "unreadable", reason: read.error } };
  const att = read.attestation;
  const structHash = attestationStructHash(att);
  const signer = attestationSigner(att, domain, structHash);
  if (signer !== node) {
    const reason =
      signer === null
        ? "the attestation signature is malformed or malleable"
        : `the attestation is signed by ${signer}, not by the node ${node}`;
    return { verdict: { kind: "forged", sequence: att.sequence, attestedAt: att.attestedAt, reason } };
  }
  const base: AttestedBase = {
    kind: "attested",
    attestation: jsonOf(att),
    sequence: att.sequence,
    attestedAt: att.attestedAt,
    structHash,
  };
  if (envelope === undefined && isPushItem(item)) {
    try {
      return { base, push: readPushItem(item), att };
    } catch (e) {
      return { verdict: { ...base, outcome: { status: "undecodable", reason: (e as Error).message } } };
    }
  }
  let env: Envelope;
  try {
    env = envelope ?? readEnvelope(item);
  } catch (e) {
    return { verdict: { ...base, outcome: { status: "undecodable", reason: (e as Error).message } } };
  }
  if (!attestationMatches(env, att)) {
    // A committed signatureSize over the limit is MALFORMED from the message and the attestation alone (the
    // contract never sees the signature), so the bytes served with it do not matter.
    if (att.signatureSize > MAX_SIGNATURE_SIZE && messageDigest(env) === att.digest.toLowerCase())
      return { verdict: { ...base, outcome: { status: "fault", fault: oversize(att.signatureSize) } } };
    return { verdict: { ...base, outcome: MISMATCH } };
  }
  return { base, env, att };
}

function oversize(size: number): Fault {
  return {
    code: "MALFORMED",
    rule: "SIGNATURE_SIZE",
    reason: `the attested signatureSize is ${size} bytes, over the limit of ${MAX_SIGNATURE_SIZE}`,
    provable: true,
  };
}

const MISMATCH: Outcome = {
  status: "mismatch",
  reason: "the attestation's digest or signatureHash is not that of the envelope",
};

/** Phase two of {@link validateItem}: key state and OpenPGP signature, through `checkMessage`. */
export async function finishItem(
  p: PreparedItem,
  ctx: Pick<ValidateContext, "keys" | "params"> & { domain?: AttestationDomain },
): Promise<ItemVerdict> {
  if ("verdict" in p) return p.verdict;
  if ("push" in p) {
    if (!ctx.domain) throw new Error("judging a Push item needs the attestation domain");
    return { ...p.base, outcome: await judgePushItem(p.push, p.att, { ...ctx, domain: ctx.domain }) };
  }
  const { base, env, att } = p;
  try {
    const r = await checkMessage(env, att, { keys: ctx.keys, params: ctx.params });
    if (r.ok) return { ...base, outcome: { status: "valid", excused: r.excused.length } };
    const fault: Fault = { code: r.code, rule: r.rule, reason: r.reason, provable: r.provable };
    return { ...base, outcome: { status: "fault", fault } };
  } catch (e) {
    // prepareItem already matched the attestation to the envelope: a context error is the key index's.
    if (e instanceof CheckContextError) return { ...base, outcome: { status: "index", reason: e.message } };
    throw e;
  }
}

/**
 * Validates one item attributed to `node` (checksummed signer address). `envelope` may be passed when the
 * caller already holds it (e.g. with content fetched by CID); otherwise it is decoded from the item.
 */
export async function validateItem(
  item: unknown,
  node: string,
  ctx: ValidateContext,
  envelope?: Envelope,
): Promise<ItemVerdict> {
  return finishItem(prepareItem(item, node, ctx.domain, envelope), ctx);
}

/** One item of a batch for {@link validateItems}. */
export interface BatchItem {
  item: unknown;
  node: string;
  domain: AttestationDomain;
  params: CheckParams;
}

/**
 * Validates a batch: phase one over every item first, then phase two for all of them concurrently.
 * Verdicts (or the error that item's validation threw) come back in the order of `items`.
 */
export function validateItems(items: BatchItem[], keys: KeyView): Array<Promise<ItemVerdict>> {
  const prepared = items.map((t) => {
    try {
      return prepareItem(t.item, t.node, t.domain);
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
  });
  return prepared.map((p, i) =>
    p instanceof Error
      ? Promise.reject(p)
      : finishItem(p, { keys, params: items[i].params, domain: items[i].domain }),
  );
}
