/**
 * THE KEY PROFILE (docs/key-profile.md): which binary transferable public keys the Push network accepts.
 * It admits only keys whose signatures the chain verifies at a bounded cost, and it is applied, with the
 * same verdict, by the KeyRegistry contract (`contracts/libraries/OpenPgpKey.sol`, through `addKey`), by
 * the key tooling (`validatePublicKey`, on the canonical bytes), and by the node and the validator
 * (`src/message/pgp-key.ts`). This file is the off-chain copy of the contract's checks: same rules, same
 * order, and each refusal names the contract's custom error with its arguments, so a differential test
 * can compare the two outcome for outcome.
 *
 * Pure and synchronous; no openpgp.js (the node imports it for every key it reads).
 */

import {
  ALLOWED_ALGORITHMS,
  MAX_KEY_BYTES,
  MAX_RSA_BITS,
  MIN_RSA_BITS,
  RSA_EXPONENT,
  type AllowedAlgorithmId,
} from "./algorithms";

/** Packet tags allowed after the primary key: signature, user ID, public subkey, user attribute. */
export const PROFILE_OTHER_TAGS: readonly number[] = [2, 13, 14, 17];

/** The contract's custom error names a refusal maps to. */
export type KeyProfileErrorName =
  | "KeyRegistryKeyTooLarge"
  | "OpenPgpKeyTruncated"
  | "OpenPgpKeyNotNewFormat"
  | "OpenPgpKeyPartialLength"
  | "OpenPgpKeyNonMinimalLength"
  | "OpenPgpKeySecretKeyPacket"
  | "OpenPgpKeyNotPublicKeyPacket"
  | "OpenPgpKeyMultipleKeys"
  | "OpenPgpKeyPacketNotAllowed"
  | "OpenPgpKeyUnsupportedVersion"
  | "OpenPgpKeyUnsupportedAlgorithm"
  | "OpenPgpKeyUnsupportedCurve"
  | "OpenPgpKeyRsaModulusTooSmall"
  | "OpenPgpKeyRsaModulusTooLarge"
  | "OpenPgpKeyRsaExponentNotAllowed"
  | "OpenPgpKeyMalformedMpi"
  | "OpenPgpKeyInvalidPoint"
  | "OpenPgpKeyPacketLengthMismatch";

/** A key outside the profile: `error` and `args` are what the contract reverts with; `message` one sentence. */
export class KeyProfileError extends Error {
  constructor(
    readonly error: KeyProfileErrorName,
    readonly args: ReadonlyArray<bigint | string>,
    message: string,
  ) {
    super(message);
    this.name = "KeyProfileError";
  }
}

/** What the profile check learns of an accepted key. */
export interface ProfileKey {
  algorithm: AllowedAlgorithmId;
  /** Creation time of the primary key, seconds. */
  created: number;
  /** Offset and length of the primary key packet's body. */
  bodyOffset: number;
  bodyLength: number;
  /** Offset of the first algorithm field (after version, creation time, algorithm). */
  fieldsOffset: number;
  /** RSA only: modulus size in bits. */
  rsaBits?: number;
  /** Tags of all packets, in order (the first is 6). */
  tags: number[];
}

const P256_OID = "2a8648ce3d030107";
const P256_P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const P256_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

function refuse(error: KeyProfileErrorName, args: Array<bigint | string>, message: string): never {
  throw new KeyProfileError(error, args, message);
}

const hex = (b: Uint8Array): string => "0x" + Buffer.from(b).toString("hex");

/**
 * Checks `bytes` against the key profile exactly as `KeyRegistry.addKey` does (size cap, then every
 * packet, the primary key first); returns what it learnt, or throws KeyProfileError naming the
 * contract's error.
 */
export function checkKeyProfile(bytes: Uint8Array): ProfileKey {
  if (bytes.length > MAX_KEY_BYTES) {
    refuse(
      "KeyRegistryKeyTooLarge",
      [BigInt(bytes.length), BigInt(MAX_KEY_BYTES)],
      `the key is ${bytes.length} bytes, over the ${MAX_KEY_BYTES}-byte limit`,
    );
  }
  if (bytes.length === 0) refuse("OpenPgpKeyTruncated", [], "no key bytes");
  const first = header(bytes, 0);
  if (first.tag !== 6) {
    refuse(
      "OpenPgpKeyNotPublicKeyPacket",
      [BigInt(first.tag)],
      `the first packet has tag ${first.tag}; a key starts with a public key packet (tag 6)`,
    );
  }
  const key = primary(bytes, first.bodyStart, first.end);
  const tags = [6];
  for (let p = first.end; p < bytes.length;) {
    const h = header(bytes, p);
    if (h.tag === 6) {
      refuse("OpenPgpKeyMultipleKeys", [BigInt(p)], `a second public key packet at byte ${p}: give one key`);
    }
    if (!PROFILE_OTHER_TAGS.includes(h.tag)) {
      refuse(
        "OpenPgpKeyPacketNotAllowed",
        [BigInt(p), BigInt(h.tag)],
        `the packet at byte ${p} has tag ${h.tag}, not a signature, user ID, public subkey or user attribute`,
      );
    }
    tags.push(h.tag);
    p = h.end;
  }
  return { ...key, tags };
}

/** `OpenPgpKey._header`: tag octet form, length encoding, body within the bytes, no secret key packet. */
function header(bytes: Uint8Array, p: number): { tag: number; bodyStart: number; end: number } {
  const len = bytes.length;
  if (p + 2 > len) refuse("OpenPgpKeyTruncated", [], `the packet at byte ${p} is truncated`);
  const t = bytes[p];
  if ((t & 0xc0) !== 0xc0) {
    refuse(
      "OpenPgpKeyNotNewFormat",
      [BigInt(p), BigInt(t)],
      `byte ${p} (0x${t.toString(16).padStart(2, "0")}) is not a new-format packet header`,
    );
  }
  const tag = t & 0x3f;
  const a = bytes[p + 1];
  let bodyStart: number;
  let bodyLength: number;
  if (a < 192) {
    bodyStart = p + 2;
    bodyLength = a;
  } else if (a < 224) {
    if (p + 3 > len) refuse("OpenPgpKeyTruncated", [], `the packet header at byte ${p} is truncated`);
    bodyStart = p + 3;
    bodyLength = ((a - 192) << 8) + bytes[p + 2] + 192;
  } else if (a === 255) {
    if (p + 6 > len) refuse("OpenPgpKeyTruncated", [], `the packet header at byte ${p} is truncated`);
    bodyStart = p + 6;
    bodyLength = Buffer.from(bytes.subarray(p + 2, p + 6)).readUInt32BE(0);
    if (bodyLength < 8384) {
      refuse(
        "OpenPgpKeyNonMinimalLength",
        [BigInt(p), BigInt(bodyLength)],
        `the packet at byte ${p} encodes its length ${bodyLength} in five octets (non-minimal)`,
      );
    }
  } else {
    refuse("OpenPgpKeyPartialLength", [BigInt(a)], `the packet at byte ${p} uses a partial body length`);
  }
  const end = bodyStart + bodyLength;
  if (end > len) refuse("OpenPgpKeyTruncated", [], `the packet at byte ${p} runs past the end of the key`);
  if (tag === 5 || tag === 7) {
    refuse(
      "OpenPgpKeySecretKeyPacket",
      [BigInt(p), BigInt(tag)],
      `the packet at byte ${p} is a secret key packet (tag ${tag}), not a public key packet: private key material must never be published`,
    );
  }
  return { tag, bodyStart, end };
}

/** `OpenPgpKey._parse` after the header: version, algorithm and its fields, filling the body exactly. */
function primary(bytes: Uint8Array, bodyStart: number, end: number): Omit<ProfileKey, "tags"> {
  if (end - bodyStart < 6) refuse("OpenPgpKeyTruncated", [], "the primary key packet is truncated");
  const version = bytes[bodyStart];
  if (version !== 4) {
    refuse(
      "OpenPgpKeyUnsupportedVersion",
      [BigInt(version)],
      `primary key version ${version} is not 4 (only version 4 keys are supported)`,
    );
  }
  const created = Buffer.from(bytes.subarray(bodyStart + 1, bodyStart + 5)).readUInt32BE(0);
  const algorithm = bytes[bodyStart + 5];
  const f = bodyStart + 6;
  let fieldsEnd: number;
  let rsaBits: number | undefined;
  if (!ALLOWED_ALGORITHMS.includes(algorithm as AllowedAlgorithmId)) {
    refuse(
      "OpenPgpKeyUnsupportedAlgorithm",
      [BigInt(algorithm)],
      `public-key algorithm ${algorithm} is outside the profile (RSA 1, ECDSA P-256 19, Ed25519 27)`,
    );
  }
  if (algorithm === 19) {
    const p = oid(bytes, f, end, P256_OID, 19, "ECDSA key on a curve other than NIST P-256");
    fieldsEnd = p + 67;
    if (fieldsEnd > end) refuse("OpenPgpKeyTruncated", [], "the P-256 point is truncated");
    if (((bytes[p] << 8) | bytes[p + 1]) !== 515) {
      refuse("OpenPgpKeyMalformedMpi", [BigInt(p)], "the P-256 point is not a 515-bit MPI");
    }
    if (bytes[p + 2] !== 0x04) refuse("OpenPgpKeyInvalidPoint", [], "the P-256 point is not uncompressed");
    const x = BigInt(hex(bytes.subarray(p + 3, p + 35)));
    const y = BigInt(hex(bytes.subarray(p + 35, p + 67)));
    if (!onP256(x, y)) refuse("OpenPgpKeyInvalidPoint", [], "the P-256 point is not on the curve");
  } else if (algorithm === 1) {
    const n = mpi(bytes, f, end, "n");
    rsaBits = n.bits;
    if (n.bits < MIN_RSA_BITS) {
      refuse(
        "OpenPgpKeyRsaModulusTooSmall",
        [BigInt(n.bits)],
        `RSA modulus of ${n.bits} bits, below ${MIN_RSA_BITS}`,
      );
    }
    if (n.bits > MAX_RSA_BITS) {
      refuse(
        "OpenPgpKeyRsaModulusTooLarge",
        [BigInt(n.bits)],
        `RSA modulus of ${n.bits} bits, above ${MAX_RSA_BITS}`,
      );
    }
    const e = mpi(bytes, n.end, end, "e");
    fieldsEnd = e.end;
    const value = bytes.subarray(n.end + 2, e.end);
    if (e.bits !== 17 || value[0] !== 1 || value[1] !== 0 || value[2] !== 1) {
      refuse(
        "OpenPgpKeyRsaExponentNotAllowed",
        [hex(value)],
        `RSA public exponent ${e.bits <= 48 ? BigInt(hex(value)).toString() : `of ${e.bits} bits`} is not ${RSA_EXPONENT}`,
      );
    }
  } else {
    // Ed25519 (27): 32 raw octets.
    fieldsEnd = f + 32;
    if (fieldsEnd > end) refuse("OpenPgpKeyTruncated", [], "the Ed25519 key is truncated");
  }
  if (fieldsEnd !== end) {
    refuse(
      "OpenPgpKeyPacketLengthMismatch",
      [BigInt(end), BigInt(fieldsEnd)],
      "the key fields do not fill the primary key packet exactly",
    );
  }
  return {
    algorithm: algorithm as AllowedAlgorithmId,
    created,
    bodyOffset: bodyStart,
    bodyLength: end - bodyStart,
    fieldsOffset: f,
    ...(rsaBits !== undefined ? { rsaBits } : {}),
  };
}

/** `OpenPgpKey._oid`: the OID length octet and OID at `p`; returns the offset after them. */
function oid(bytes: Uint8Array, p: number, end: number, want: string, alg: number, what: string): number {
  if (p + 1 > end) refuse("OpenPgpKeyTruncated", [], "the curve OID is truncated");
  const found = bytes[p];
  if (p + 1 + found > end) refuse("OpenPgpKeyTruncated", [], "the curve OID is truncated");
  const value = bytes.subarray(p + 1, p + 1 + found);
  if (Buffer.from(value).toString("hex") !== want) {
    refuse("OpenPgpKeyUnsupportedCurve", [BigInt(alg), hex(value)], `${what} (OID ${hex(value)})`);
  }
  return p + 1 + found;
}

/** `OpenPgpKey._mpi`: a minimal MPI at `p` ending by `end`; its end offset and bit count. */
function mpi(bytes: Uint8Array, p: number, end: number, name: string): { end: number; bits: number } {
  if (p + 2 > end) refuse("OpenPgpKeyTruncated", [], `the MPI ${name} is truncated`);
  const bits = (bytes[p] << 8) | bytes[p + 1];
  if (bits === 0) refuse("OpenPgpKeyMalformedMpi", [BigInt(p)], `the MPI ${name} is empty`);
  const n = (bits + 7) >> 3;
  const next = p + 2 + n;
  if (next > end) refuse("OpenPgpKeyTruncated", [], `the MPI ${name} is truncated`);
  const topBits = bits - (n - 1) * 8;
  if (bytes[p + 2] >> (topBits - 1) !== 1) {
    refuse("OpenPgpKeyMalformedMpi", [BigInt(p)], `the MPI ${name}'s bit count is not minimal`);
  }
  return { end: next, bits };
}

/** OpenZeppelin `P256.isValidPublicKey`: x, y < p and y^2 = x^3 - 3x + b (mod p). */
function onP256(x: bigint, y: bigint): boolean {
  if (x >= P256_P || y >= P256_P) return false;
  const lhs = (y * y) % P256_P;
  const rhs = (((x * x) % P256_P) * x - 3n * x + P256_B) % P256_P;
  return lhs === (rhs + P256_P) % P256_P;
}
