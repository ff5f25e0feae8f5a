/**
 * THE KEY PROFILE (docs/client-profile.md section 1): which binary transferable public keys the Push network
 * accepts. It admits only keys whose signatures the chain verifies at a bounded cost, and it is applied, with
 * the same verdict, by the KeyRegistry contract (`contracts/libraries/OpenPgpKey.sol`, through
 * `OpenPgpVerifier.checkKey`), by the key tooling (`validatePublicKey`), and by the node and the validator
 * (`src/message/pgp-key.ts`). This file is the off-chain copy of the contract's checks: same rules, same
 * order, and each refusal names the contract's custom error with its arguments, so a differential test
 * can compare the two outcome for outcome.
 *
 * Order: size cap; the first packet's header, tag (6) and fields (the primary key); every later packet's
 * header (form, length, body within the key, no secret key packet) and tag (no second 6; 2, 13, 14, 17),
 * in key order; then the subkeys in key order: a public subkey (tag 14) with, among the signature packets
 * directly after it, a v4 subkey binding (type 0x18) with the sign flag in a hashed key-flags subpacket
 * is a signing subkey: its fields are checked (with the primary key's errors), then each of its
 * sign-flagged bindings, in order, must verify with its back signature
 * (`OpenPgpKeyBadSubkeyBinding(offset of the binding)`). Same order as `OpenPgpKey.signers`.
 *
 * Pure and synchronous; no openpgp.js (the node imports it for every key it reads).
 */

import { createHash } from "node:crypto";
import {
  ALLOWED_ALGORITHMS,
  MAX_KEY_BYTES,
  MAX_RSA_BITS,
  MIN_RSA_BITS,
  RSA_EXPONENT,
  type AllowedAlgorithmId,
} from "./algorithms";
import {
  PROFILE_HASHES,
  isCanonicalEd25519Point,
  readSignatureValues,
  verifyValues,
  type KeyMaterial,
} from "./signature-math";

/** Packet tags allowed after the primary key: signature, user ID, public subkey, user attribute. */
export const PROFILE_OTHER_TAGS: readonly number[] = [2, 13, 14, 17];

/** The contract's custom error names a refusal maps to. */
export type KeyProfileErrorName =
  | "KeyRegistryKeyTooLarge"
  | "OpenPgpKeyTruncated"
  | "OpenPgpKeyNotAPacket"
  | "OpenPgpKeyIndeterminateLength"
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
  | "OpenPgpKeyPacketLengthMismatch"
  | "OpenPgpKeyBadSubkeyBinding";

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

/** A key that may sign messages: the primary key, or a signing subkey (section 1). */
export interface SigningKeyInfo {
  /** True for a signing subkey, false for the primary key. */
  subkey: boolean;
  /** OpenPGP public-key algorithm: 1, 19, 22 or 27. */
  algorithm: AllowedAlgorithmId;
  /** Key creation time, seconds. */
  created: number;
  /** v4 fingerprint, SHA-1(0x99 || uint16be(body length) || body): 0x + 40 lowercase hex digits. */
  fingerprint: string;
  /** The fingerprint's low 8 bytes: 0x + 16 lowercase hex digits. */
  keyId: string;
  /** Offset of the key packet's header, and of its body, in the key bytes; the body's length. */
  packetOffset: number;
  bodyOffset: number;
  bodyLength: number;
  /** Offset of the first algorithm field (after version, creation time, algorithm). */
  fieldsOffset: number;
  /** The public key material the arithmetic uses. */
  material: KeyMaterial;
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
  /** The signing keys: the primary key first, then the signing subkeys in key order. */
  signingKeys: SigningKeyInfo[];
}

const P256_OID = "2a8648ce3d030107";
const ED25519_LEGACY_OID = "2b06010401da470f01";
const P256_P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const P256_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

const SIG_SUBKEY_BINDING = 0x18;
const SIG_PRIMARY_KEY_BINDING = 0x19;
const SUBPACKET_KEY_FLAGS = 27;
const SUBPACKET_EMBEDDED_SIGNATURE = 32;
const KEY_FLAG_SIGN = 0x02;

function refuse(error: KeyProfileErrorName, args: Array<bigint | string>, message: string): never {
  throw new KeyProfileError(error, args, message);
}

const hex = (b: Uint8Array): string => "0x" + Buffer.from(b).toString("hex");

interface Header {
  tag: number;
  bodyStart: number;
  end: number;
}

/**
 * Checks `bytes` against the key profile exactly as `KeyRegistry.addKey` does (size cap, then every
 * packet in order, with the subkey bindings); returns what it learnt, or throws KeyProfileError naming
 * the contract's error.
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
  const primary = keyFields(bytes, 0, first.bodyStart, first.end, false);
  // Every later packet's header and tag first, then the subkeys.
  const tags = [6];
  const packets: Array<Header & { offset: number }> = [];
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
    packets.push({ ...h, offset: p });
    p = h.end;
  }
  const signingKeys: SigningKeyInfo[] = [primary.key];
  for (let i = 0; i < packets.length; i++) {
    const sub = packets[i];
    if (sub.tag !== 14) continue;
    // The signature packets directly after the subkey; the sign-flagged bindings among them.
    let j = i + 1;
    while (j < packets.length && packets[j].tag === 2) j++;
    const bindings = packets.slice(i + 1, j).filter((q) => isSignBinding(bytes, q.bodyStart, q.end));
    if (bindings.length === 0) continue;
    const key = keyFields(bytes, sub.offset, sub.bodyStart, sub.end, true).key;
    for (const q of bindings) {
      if (!bindingHolds(bytes, q.bodyStart, q.end, primary.key, key)) {
        refuse(
          "OpenPgpKeyBadSubkeyBinding",
          [BigInt(q.offset)],
          `the signing subkey binding signature at byte ${q.offset} or its back signature does not verify`,
        );
      }
    }
    signingKeys.push(key);
  }
  const { key, rsaBits } = primary;
  return {
    algorithm: key.algorithm,
    created: key.created,
    bodyOffset: key.bodyOffset,
    bodyLength: key.bodyLength,
    fieldsOffset: key.fieldsOffset,
    ...(rsaBits !== undefined ? { rsaBits } : {}),
    tags,
    signingKeys,
  };
}

/**
 * `OpenPgpKey._header`: the tag octet (bit 7 set; new format `C0 | tag` or old format `80 | tag << 2 |
 * lengthType`), the length encoding, the body within the bytes, no secret key packet.
 */
function header(bytes: Uint8Array, p: number): Header {
  const len = bytes.length;
  if (p + 2 > len) refuse("OpenPgpKeyTruncated", [], `the packet at byte ${p} is truncated`);
  const t = bytes[p];
  if ((t & 0x80) === 0) {
    refuse(
      "OpenPgpKeyNotAPacket",
      [BigInt(p), BigInt(t)],
      `byte ${p} (0x${t.toString(16).padStart(2, "0")}) is not an OpenPGP packet header`,
    );
  }
  let tag: number;
  let bodyStart: number;
  let bodyLength: number;
  if ((t & 0x40) !== 0) {
    tag = t & 0x3f;
    const a = bytes[p + 1];
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
  } else {
    tag = (t >> 2) & 0x0f;
    const lengthType = t & 0x03;
    if (lengthType === 0) {
      bodyStart = p + 2;
      bodyLength = bytes[p + 1];
    } else if (lengthType === 1) {
      if (p + 3 > len) refuse("OpenPgpKeyTruncated", [], `the packet header at byte ${p} is truncated`);
      bodyStart = p + 3;
      bodyLength = (bytes[p + 1] << 8) | bytes[p + 2];
    } else if (lengthType === 2) {
      if (p + 5 > len) refuse("OpenPgpKeyTruncated", [], `the packet header at byte ${p} is truncated`);
      bodyStart = p + 5;
      bodyLength = Buffer.from(bytes.subarray(p + 1, p + 5)).readUInt32BE(0);
    } else {
      refuse(
        "OpenPgpKeyIndeterminateLength",
        [BigInt(p)],
        `the packet at byte ${p} has an indeterminate length (old-format length type 3)`,
      );
    }
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

/**
 * `OpenPgpKey._parse` after the header, for the primary key and for signing subkeys: version, algorithm and
 * its fields, filling the body exactly.
 */
function keyFields(
  bytes: Uint8Array,
  packetOffset: number,
  bodyStart: number,
  end: number,
  subkey: boolean,
): { key: SigningKeyInfo; rsaBits?: number } {
  const which = subkey ? `subkey at byte ${packetOffset}` : "primary key";
  if (end - bodyStart < 6) refuse("OpenPgpKeyTruncated", [], `the ${which} packet is truncated`);
  const version = bytes[bodyStart];
  if (version !== 4) {
    refuse(
      "OpenPgpKeyUnsupportedVersion",
      [BigInt(version)],
      `${which} version ${version} is not 4 (only version 4 keys are supported)`,
    );
  }
  const created = Buffer.from(bytes.subarray(bodyStart + 1, bodyStart + 5)).readUInt32BE(0);
  const algorithm = bytes[bodyStart + 5];
  const f = bodyStart + 6;
  let fieldsEnd: number;
  let rsaBits: number | undefined;
  let material: KeyMaterial;
  if (!ALLOWED_ALGORITHMS.includes(algorithm as AllowedAlgorithmId)) {
    refuse(
      "OpenPgpKeyUnsupportedAlgorithm",
      [BigInt(algorithm)],
      `${which}: public-key algorithm ${algorithm} is outside the profile (RSA 1, ECDSA P-256 19, EdDSA Ed25519 22, Ed25519 27)`,
    );
  }
  if (algorithm === 19) {
    const p = oid(bytes, f, end, P256_OID, 19, `${which}: ECDSA key on a curve other than NIST P-256`);
    fieldsEnd = p + 67;
    if (fieldsEnd > end) refuse("OpenPgpKeyTruncated", [], "the P-256 point is truncated");
    if (((bytes[p] << 8) | bytes[p + 1]) !== 515) {
      refuse("OpenPgpKeyMalformedMpi", [BigInt(p)], "the P-256 point is not a 515-bit MPI");
    }
    if (bytes[p + 2] !== 0x04) refuse("OpenPgpKeyInvalidPoint", [], "the P-256 point is not uncompressed");
    const x = bytes.slice(p + 3, p + 35);
    const y = bytes.slice(p + 35, p + 67);
    if (!onP256(BigInt(hex(x)), BigInt(hex(y)))) {
      refuse("OpenPgpKeyInvalidPoint", [], "the P-256 point is not on the curve");
    }
    material = { kind: "p256", x, y };
  } else if (algorithm === 22) {
    const p = oid(bytes, f, end, ED25519_LEGACY_OID, 22, `${which}: EdDSA key on a curve other than Ed25519`);
    fieldsEnd = p + 35;
    if (fieldsEnd > end) refuse("OpenPgpKeyTruncated", [], "the Ed25519 point is truncated");
    if (((bytes[p] << 8) | bytes[p + 1]) !== 263) {
      refuse("OpenPgpKeyMalformedMpi", [BigInt(p)], "the Ed25519 point is not a 263-bit MPI");
    }
    if (bytes[p + 2] !== 0x40) refuse("OpenPgpKeyInvalidPoint", [], "the Ed25519 point has no 0x40 prefix");
    const a = bytes.slice(p + 3, p + 35);
    if (!isCanonicalEd25519Point(a)) {
      refuse("OpenPgpKeyInvalidPoint", [], "the Ed25519 point is not a canonical point encoding");
    }
    material = { kind: "ed25519", a };
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
    material = { kind: "rsa", n: bytes.slice(f + 2, n.end), e: value.slice(), bits: n.bits };
  } else {
    // Ed25519 (27): 32 raw octets.
    fieldsEnd = f + 32;
    if (fieldsEnd > end) refuse("OpenPgpKeyTruncated", [], "the Ed25519 key is truncated");
    const a = bytes.slice(f, f + 32);
    if (!isCanonicalEd25519Point(a)) {
      refuse("OpenPgpKeyInvalidPoint", [], "the Ed25519 key is not a canonical point encoding");
    }
    material = { kind: "ed25519", a };
  }
  if (fieldsEnd !== end) {
    refuse(
      "OpenPgpKeyPacketLengthMismatch",
      [BigInt(end), BigInt(fieldsEnd)],
      `the key fields do not fill the ${which} packet exactly`,
    );
  }
  const body = bytes.subarray(bodyStart, end);
  const fingerprint = hex(
    createHash("sha1")
      .update(Uint8Array.of(0x99, body.length >> 8, body.length & 0xff))
      .update(body)
      .digest(),
  );
  return {
    key: {
      subkey,
      algorithm: algorithm as AllowedAlgorithmId,
      created,
      fingerprint,
      keyId: "0x" + fingerprint.slice(2 + 24),
      packetOffset,
      bodyOffset: bodyStart,
      bodyLength: end - bodyStart,
      fieldsOffset: f,
      material,
    },
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

// ------------------------------------------------------------------ subkey binding signatures

interface Subpacket {
  type: number;
  body: Uint8Array;
}

/** Whole subpackets filling `area` exactly (section 2 rule 3 framing), or null. */
function subpackets(area: Uint8Array): Subpacket[] | null {
  const out: Subpacket[] = [];
  let i = 0;
  while (i < area.length) {
    const o = area[i];
    let len: number;
    if (o < 192) {
      len = o;
      i += 1;
    } else if (o < 255) {
      if (i + 2 > area.length) return null;
      len = ((o - 192) << 8) + area[i + 1] + 192;
      i += 2;
    } else {
      if (i + 5 > area.length) return null;
      len = Buffer.from(area.subarray(i + 1, i + 5)).readUInt32BE(0);
      i += 5;
    }
    if (len < 1 || i + len > area.length) return null;
    out.push({ type: area[i] & 0x7f, body: area.subarray(i + 1, i + len) });
    i += len;
  }
  return out;
}

/** A v4 signature body read with the section 2 rules (header fields, subpacket framing, values). */
interface SignatureBody {
  type: number;
  publicKeyAlgorithm: number;
  hashAlgorithm: number;
  /** body[0 .. 6 + hashed length) */
  hashedPart: Uint8Array;
  hashed: Subpacket[];
  unhashed: Subpacket[];
  body: Uint8Array;
  valuesOffset: number;
}

/** Reads a v4 signature body, or null when it is not one (too short, other version, areas malformed). */
function readSignatureBody(body: Uint8Array): SignatureBody | null {
  if (body.length < 6 || body[0] !== 4) return null;
  const hashedEnd = 6 + ((body[4] << 8) | body[5]);
  if (hashedEnd + 2 > body.length) return null;
  const hashed = subpackets(body.subarray(6, hashedEnd));
  if (hashed === null) return null;
  const unhashedEnd = hashedEnd + 2 + ((body[hashedEnd] << 8) | body[hashedEnd + 1]);
  if (unhashedEnd + 2 > body.length) return null;
  const unhashed = subpackets(body.subarray(hashedEnd + 2, unhashedEnd));
  if (unhashed === null) return null;
  return {
    type: body[1],
    publicKeyAlgorithm: body[2],
    hashAlgorithm: body[3],
    hashedPart: body.subarray(0, hashedEnd),
    hashed,
    unhashed,
    body,
    valuesOffset: unhashedEnd + 2,
  };
}

/**
 * Whether the signature packet body [start, end) is a sign-flagged subkey binding: version 4, type 0x18, a
 * well-formed hashed area holding a key-flags subpacket (27) whose first octet has bit 0x02.
 */
function isSignBinding(bytes: Uint8Array, start: number, end: number): boolean {
  const body = bytes.subarray(start, end);
  if (body.length < 6 || body[0] !== 4 || body[1] !== SIG_SUBKEY_BINDING) return false;
  const hashedEnd = 6 + ((body[4] << 8) | body[5]);
  if (hashedEnd > body.length) return false;
  const hashed = subpackets(body.subarray(6, hashedEnd));
  return (
    hashed !== null &&
    hashed.some(
      (s) => s.type === SUBPACKET_KEY_FLAGS && s.body.length > 0 && (s.body[0] & KEY_FLAG_SIGN) !== 0,
    )
  );
}

/** 0x99 || uint16be(len) || body, for a key packet body. */
function keyPrefix(bytes: Uint8Array, key: SigningKeyInfo): Uint8Array {
  const body = bytes.subarray(key.bodyOffset, key.bodyOffset + key.bodyLength);
  return Buffer.concat([Uint8Array.of(0x99, body.length >> 8, body.length & 0xff), body]);
}

/** The signature `sig` of type `type` by `signer` verifies over `prefix || hashed part || 04 FF || len`. */
function signatureHolds(
  sig: SignatureBody,
  type: number,
  signer: SigningKeyInfo,
  prefix: Uint8Array,
): boolean {
  if (sig.type !== type || PROFILE_HASHES[sig.hashAlgorithm] === undefined) return false;
  if (sig.publicKeyAlgorithm !== signer.algorithm) return false;
  const values = readSignatureValues(sig.publicKeyAlgorithm, sig.body, sig.valuesOffset);
  if (values === null) return false;
  const m = signer.material;
  if (values.kind === "rsa" && m.kind === "rsa" && values.s.length > m.n.length) return false;
  const n = sig.hashedPart.length;
  const trailer = Uint8Array.of(0x04, 0xff, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  return verifyValues(sig.hashAlgorithm, Buffer.concat([prefix, sig.hashedPart, trailer]), values, m);
}

/**
 * A sign-flagged binding signature (body [start, end)) holds: v4, type 0x18, hash 8/9/10, the primary's
 * algorithm, verifies under the primary key, and carries (hashed or unhashed area) an embedded signature
 * that is a v4 primary key binding (0x19) by the subkey, hash 8/9/10, verifying over the same prefix.
 */
function bindingHolds(
  bytes: Uint8Array,
  start: number,
  end: number,
  primary: SigningKeyInfo,
  subkey: SigningKeyInfo,
): boolean {
  const sig = readSignatureBody(bytes.subarray(start, end));
  if (sig === null) return false;
  const prefix = Buffer.concat([keyPrefix(bytes, primary), keyPrefix(bytes, subkey)]);
  if (!signatureHolds(sig, SIG_SUBKEY_BINDING, primary, prefix)) return false;
  return [...sig.hashed, ...sig.unhashed].some((s) => {
    if (s.type !== SUBPACKET_EMBEDDED_SIGNATURE) return false;
    const back = readSignatureBody(s.body);
    return back !== null && signatureHolds(back, SIG_PRIMARY_KEY_BINDING, subkey, prefix);
  });
}
