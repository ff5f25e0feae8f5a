import { checksumAddress } from "../util/address";
import { EnvelopeDecodeError } from "./errors";
import { UINT64_MAX } from "./types";

/** Field validators shared by the envelope and attestation decoders. Each throws EnvelopeDecodeError. */

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return v.length > 40 ? `a string of length ${v.length}` : JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return `${typeof v} ${String(v)}`;
  return typeof v === "object" ? "an object" : typeof v;
}

export function asObject(v: unknown, field = "$"): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new EnvelopeDecodeError(field, `expected a JSON object, got ${describe(v)}`);
  }
  return v as Record<string, unknown>;
}

/** Refuses fields outside `allowed` and reports the first missing one. */
export function checkKeys(obj: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw new EnvelopeDecodeError(k, "unknown field");
  }
  for (const k of allowed) {
    if (!Object.prototype.hasOwnProperty.call(obj, k) || obj[k] === undefined) {
      throw new EnvelopeDecodeError(k, "missing field");
    }
  }
}

function uintNumber(v: unknown, field: string, bits: 8 | 32): number {
  const max = bits === 8 ? 0xff : 0xffff_ffff;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) {
    throw new EnvelopeDecodeError(field, `expected a uint${bits} (integer 0..${max}), got ${describe(v)}`);
  }
  return v;
}

export const uint8 = (v: unknown, field: string): number => uintNumber(v, field, 8);
export const uint32 = (v: unknown, field: string): number => uintNumber(v, field, 32);

/** uint64 as a canonical decimal string ("0", "1735689600"; no sign, no leading zero, no exponent). */
export function uint64(v: unknown, field: string): bigint {
  if (typeof v !== "string" || !/^(0|[1-9][0-9]{0,19})$/.test(v)) {
    throw new EnvelopeDecodeError(field, `expected a uint64 as a decimal string, got ${describe(v)}`);
  }
  const n = BigInt(v);
  if (n > UINT64_MAX) throw new EnvelopeDecodeError(field, `uint64 out of range: ${v}`);
  return n;
}

/** A 20-byte address: all lowercase, all uppercase or correctly EIP-55 checksummed. Returns checksummed. */
export function address(v: unknown, field: string): string {
  if (typeof v !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(v)) {
    throw new EnvelopeDecodeError(field, `expected a 0x-prefixed 20-byte hex address, got ${describe(v)}`);
  }
  const body = v.slice(2);
  const checksummed = checksumAddress(v.toLowerCase());
  if (body !== body.toLowerCase() && body !== body.toUpperCase() && checksummed !== v) {
    throw new EnvelopeDecodeError(field, `bad EIP-55 checksum in ${v}`);
  }
  return checksummed;
}

/** 0x + 64 hex digits (either case). Returns lowercase. */
export function bytes32(v: unknown, field: string): string {
  if (typeof v !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(v)) {
    throw new EnvelopeDecodeError(field, `expected a 0x-prefixed 32-byte hex value, got ${describe(v)}`);
  }
  return v.toLowerCase();
}

/** 0x + hex of exactly `length` bytes. Returns lowercase. */
export function hexBytes(v: unknown, field: string, length: number): string {
  const re = new RegExp(`^0x[0-9a-fA-F]{${length * 2}}$`);
  if (typeof v !== "string" || !re.test(v)) {
    throw new EnvelopeDecodeError(field, `expected 0x-prefixed hex of ${length} bytes, got ${describe(v)}`);
  }
  return v.toLowerCase();
}

/**
 * Standard base64 (RFC 4648 section 4, with padding, no whitespace, zero padding bits), so that each byte
 * string has exactly one encoding. `maxBytes` caps the decoded length before decoding.
 */
export function base64(v: unknown, field: string, maxBytes?: number): Uint8Array {
  if (typeof v !== "string") {
    throw new EnvelopeDecodeError(field, `expected a base64 string, got ${describe(v)}`);
  }
  if (v.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) {
    throw new EnvelopeDecodeError(field, "not well-formed base64 (standard alphabet, padded)");
  }
  const size = (v.length / 4) * 3 - (v.endsWith("==") ? 2 : v.endsWith("=") ? 1 : 0);
  if (maxBytes !== undefined && size > maxBytes) {
    throw new EnvelopeDecodeError(field, `${size} bytes, more than the limit of ${maxBytes}`);
  }
  const bytes = Buffer.from(v, "base64");
  if (bytes.toString("base64") !== v) {
    throw new EnvelopeDecodeError(field, "not canonical base64 (non-zero padding bits)");
  }
  return new Uint8Array(bytes); // a copy, not a view of Buffer's shared pool
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
