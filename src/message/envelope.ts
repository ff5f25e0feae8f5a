import { EnvelopeDecodeError } from "./errors";
import * as s from "./schema";
import type { Attestation, Envelope, Message, SignedAttestation } from "./types";

/**
 * JSON transport of envelopes and attestations (DESIGN section 4). Field names are those of the typed
 * structs; every field is required and unknown fields are refused:
 *
 *     { "version": 1, "from": "0x..", "to": "0x..", "timestamp": "1735689600", "contentType": 0,
 *       "encryption": 1, "contentHash": "0x..32 bytes", "contentSize": 312, "senderKey": "0x..",
 *       "recipientKey": "0x..", "previous": "0x00..00", "content": "<base64>", "signature": "<base64>" }
 *
 * uint8/uint32 are JSON integers, uint64 are decimal strings, addresses 0x hex (lowercase or EIP-55),
 * bytes32 0x hex, byte strings standard padded base64.
 */

export interface EnvelopeJson {
  version: number;
  from: string;
  to: string;
  timestamp: string;
  contentType: number;
  encryption: number;
  contentHash: string;
  contentSize: number;
  senderKey: string;
  recipientKey: string;
  previous: string;
  content: string;
  signature: string;
}

export interface SignedAttestationJson {
  digest: string;
  signatureHash: string;
  /** uint32 as a JSON integer. */
  signatureSize: number;
  sequence: string;
  attestedAt: string;
  signature: string;
}

export const MESSAGE_FIELDS = [
  "version",
  "from",
  "to",
  "timestamp",
  "contentType",
  "encryption",
  "contentHash",
  "contentSize",
  "senderKey",
  "recipientKey",
  "previous",
] as const;
export const ENVELOPE_FIELDS = [...MESSAGE_FIELDS, "content", "signature"] as const;
export const SIGNED_ATTESTATION_FIELDS = [
  "digest",
  "signatureHash",
  "signatureSize",
  "sequence",
  "attestedAt",
  "signature",
] as const;

/**
 * Cap on the signature field when decoding (a v4 RSA-4096 packet is about 560 bytes). Larger than the
 * protocol's MAX_SIGNATURE_SIZE (4096), so that a node can refuse an oversize signature as MALFORMED
 * (422, a rule of checkMessage) rather than as a schema error, and a watcher can still read the message
 * a faulty node attested with one.
 */
export const MAX_SIGNATURE_BYTES = 64 * 1024;

export interface DecodeOptions {
  /** Refuse content longer than this many bytes before decoding it (a node passes its limit). */
  maxContentBytes?: number;
  /** Refuse a signature longer than this many bytes before decoding it (default MAX_SIGNATURE_BYTES). */
  maxSignatureBytes?: number;
}

/** The typed Message part of an envelope (drops content and signature). */
export function messageOf(e: Message): Message {
  return {
    version: e.version,
    from: e.from,
    to: e.to,
    timestamp: e.timestamp,
    contentType: e.contentType,
    encryption: e.encryption,
    contentHash: e.contentHash,
    contentSize: e.contentSize,
    senderKey: e.senderKey,
    recipientKey: e.recipientKey,
    previous: e.previous,
  };
}

/** Encodes an envelope as its JSON object (pass it to JSON.stringify). */
export function encodeEnvelope(e: Envelope): EnvelopeJson {
  return {
    version: e.version,
    from: e.from,
    to: e.to,
    timestamp: e.timestamp.toString(),
    contentType: e.contentType,
    encryption: e.encryption,
    contentHash: e.contentHash,
    contentSize: e.contentSize,
    senderKey: e.senderKey,
    recipientKey: e.recipientKey,
    previous: e.previous,
    content: s.toBase64(e.content),
    signature: s.toBase64(e.signature),
  };
}

/** Decodes a parsed JSON value into an Envelope; throws EnvelopeDecodeError naming the first bad field. */
export function decodeEnvelope(json: unknown, options: DecodeOptions = {}): Envelope {
  const o = s.asObject(json);
  s.checkKeys(o, ENVELOPE_FIELDS);
  return {
    version: s.uint8(o.version, "version"),
    from: s.address(o.from, "from"),
    to: s.address(o.to, "to"),
    timestamp: s.uint64(o.timestamp, "timestamp"),
    contentType: s.uint8(o.contentType, "contentType"),
    encryption: s.uint8(o.encryption, "encryption"),
    contentHash: s.bytes32(o.contentHash, "contentHash"),
    contentSize: s.uint32(o.contentSize, "contentSize"),
    senderKey: s.bytes32(o.senderKey, "senderKey"),
    recipientKey: s.bytes32(o.recipientKey, "recipientKey"),
    previous: s.bytes32(o.previous, "previous"),
    content: s.base64(o.content, "content", options.maxContentBytes),
    signature: s.base64(o.signature, "signature", options.maxSignatureBytes ?? MAX_SIGNATURE_BYTES),
  };
}

/** Parses JSON text and decodes it; a syntax error is an EnvelopeDecodeError on field "$". */
export function parseEnvelope(text: string, options: DecodeOptions = {}): Envelope {
  return decodeEnvelope(parseJson(text), options);
}

/** JSON text of an envelope. */
export function stringifyEnvelope(e: Envelope): string {
  return JSON.stringify(encodeEnvelope(e));
}

export function encodeSignedAttestation(a: SignedAttestation): SignedAttestationJson {
  return {
    digest: a.digest,
    signatureHash: a.signatureHash,
    signatureSize: a.signatureSize,
    sequence: a.sequence.toString(),
    attestedAt: a.attestedAt.toString(),
    signature: a.signature,
  };
}

/** Decodes a signed attestation (`signature` is 0x hex of 65 bytes: r, s, v). */
export function decodeSignedAttestation(json: unknown): SignedAttestation {
  const o = s.asObject(json);
  s.checkKeys(o, SIGNED_ATTESTATION_FIELDS);
  return {
    digest: s.bytes32(o.digest, "digest"),
    signatureHash: s.bytes32(o.signatureHash, "signatureHash"),
    signatureSize: s.uint32(o.signatureSize, "signatureSize"),
    sequence: s.uint64(o.sequence, "sequence"),
    attestedAt: s.uint64(o.attestedAt, "attestedAt"),
    signature: s.hexBytes(o.signature, "signature", 65),
  };
}

/** The unsigned part of a signed attestation. */
export function attestationOf(a: Attestation): Attestation {
  return {
    digest: a.digest,
    signatureHash: a.signatureHash,
    signatureSize: a.signatureSize,
    sequence: a.sequence,
    attestedAt: a.attestedAt,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new EnvelopeDecodeError("$", `not JSON (${(err as Error).message})`);
  }
}

export { EnvelopeDecodeError };
