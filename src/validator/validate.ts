/**
 * Full re-validation of one feed item (an envelope with the node's attestation), as DESIGN section 6 asks:
 * schema (decode), digest, attestation signature (recovers to the node's signer), key lookup and the
 * OpenPGP signature, through the message library's `checkMessage`. Pure apart from the KeyView; runs in
 * the main thread or in worker threads (worker-pool.ts).
 */
import {
  CheckContextError,
  EnvelopeDecodeError,
  attestationMatches,
  attestationStructHash,
  checkMessage,
  decodeEnvelope,
  decodeSignedAttestation,
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
  | { status: "index"; reason: string };

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
  return decodeEnvelope(raw, { maxContentBytes: MAX_DECODED_CONTENT });
}

function jsonOf(a: SignedAttestation): SignedAttestationJson {
  return {
    digest: a.digest,
    signatureHash: a.signatureHash,
    sequence: a.sequence.toString(),
    attestedAt: a.attestedAt.toString(),
    signature: a.signature,
  };
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
  const read = readAttestation(item);
  if ("error" in read) return { kind: "unreadable", reason: read.error };
  const att = read.attestation;
  const structHash = attestationStructHash(att);
  const signer = attestationSigner(att, ctx.domain, structHash);
  if (signer !== node) {
    return {
      kind: "forged",
      sequence: att.sequence,
      attestedAt: att.attestedAt,
      reason:
        signer === null
          ? "the attestation signature is malformed or malleable"
          : `the attestation is signed by ${signer}, not by the node ${node}`,
    };
  }
  const base = {
    kind: "attested" as const,
    attestation: jsonOf(att),
    sequence: att.sequence,
    attestedAt: att.attestedAt,
    structHash,
  };
  let env: Envelope;
  try {
    env = envelope ?? readEnvelope(item);
  } catch (e) {
    return { ...base, outcome: { status: "undecodable", reason: (e as Error).message } };
  }
  if (!attestationMatches(env, att)) {
    return {
      ...base,
      outcome: {
        status: "mismatch",
        reason: "the attestation's digest or signatureHash is not that of the envelope",
      },
    };
  }
  try {
    const r = await checkMessage(env, att, { keys: ctx.keys, params: ctx.params });
    if (r.ok) return { ...base, outcome: { status: "valid", excused: r.excused.length } };
    const fault: Fault = { code: r.code, rule: r.rule, reason: r.reason, provable: r.provable };
    return { ...base, outcome: { status: "fault", fault } };
  } catch (e) {
    if (e instanceof CheckContextError) {
      // checkMessage first checks that the attestation is of this envelope (digest, signatureHash).
      if (!attestationMatches(env, att)) {
        const reason = "the attestation's digest or signatureHash is not that of the envelope";
        return { ...base, outcome: { status: "mismatch", reason } };
      }
      return { ...base, outcome: { status: "index", reason: e.message } };
    }
    throw e;
  }
}
