/**
 * Byte-level OpenPGP primitives of the signature profile (docs/client-profile.md section 2): the verdict
 * codes, signature subpacket areas, and writers of headers, subpackets and MPIs (for pgp-craft.ts).
 * Readers refuse what the profile does not allow and throw SignatureProfileError with a stable `code`.
 */

/**
 * Stable codes for profile violations (docs/client-profile.md section 2), in the order of
 * `OpenPgpSignature.Status` (whose value 0 is Valid): EMPTY = 1 .. BAD_SIGNATURE = 18. KEY is off-chain
 * only (the key bytes are outside the key profile; the chain refuses such keys at registration).
 */
export type ProfileViolationCode =
  | "EMPTY" // no bytes
  | "PACKET_TAG" // not one signature packet (C2, or old format 88, 89, 8A)
  | "PACKET_LENGTH" // partial, indeterminate or truncated length, body past the end or shorter than 6
  | "TRAILING_DATA" // bytes after the packet (e.g. a second packet)
  | "VERSION" // signature version is not 4
  | "SIGNATURE_TYPE" // not 0x00 (binary) or 0x01 (canonical text)
  | "PUBLIC_KEY_ALGORITHM" // not RSA (1), ECDSA (19), EdDSA legacy (22) or Ed25519 (27)
  | "HASH_ALGORITHM" // not SHA-256 (8), SHA-384 (9) or SHA-512 (10)
  | "SUBPACKETS" // malformed subpacket area, or an interpreted subpacket of the wrong size
  | "SUBPACKET_NOT_ALLOWED" // a critical subpacket other than 2, 3, 16, 33
  | "CREATION_TIME" // not exactly one signature creation time in the hashed area
  | "ISSUER_MISSING" // no issuer subpacket (16 or 33) in either area
  | "ISSUER_MISMATCH" // the issuer subpackets do not all name the same signing key (or not the primary)
  | "MPI" // malformed or out-of-range signature values, or left-over bytes
  | "ALGORITHM_MISMATCH" // signature algorithm differs from the signer's
  | "KEY_NEWER_THAN_SIGNATURE" // signature creation time before the signer's creation time
  | "SIGNED_HASH_MISMATCH" // left 16 bits match no allowed form of the signed data
  | "BAD_SIGNATURE" // the arithmetic fails under the signer
  | "KEY"; // the public key bytes are outside the key profile

export class SignatureProfileError extends Error {
  constructor(
    readonly code: ProfileViolationCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = "SignatureProfileError";
  }
}

export const PACKET_TAG_SIGNATURE = 2;
export const PACKET_TAG_PUBLIC_KEY = 6;

/** The minimal new-format header for a packet body of `length` bytes. */
export function packetHeader(tag: number, length: number): Uint8Array {
  const t = 0xc0 | tag;
  if (length < 192) return Uint8Array.of(t, length);
  if (length < 8384) {
    const l = length - 192;
    return Uint8Array.of(t, (l >> 8) + 192, l & 0xff);
  }
  return Uint8Array.of(
    t,
    0xff,
    (length >>> 24) & 0xff,
    (length >>> 16) & 0xff,
    (length >>> 8) & 0xff,
    length & 0xff,
  );
}

export interface Subpacket {
  type: number;
  critical: boolean;
  body: Uint8Array;
}

/**
 * Parses a subpacket area (without its 2-byte length). Subpacket lengths: one octet (< 192), two octets
 * (192..254), or 0xFF plus four octets (RFC 4880 5.2.3.1). Each subpacket has at least its type octet.
 */
export function readSubpackets(area: Uint8Array, where: string): Subpacket[] {
  const out: Subpacket[] = [];
  let i = 0;
  while (i < area.length) {
    const o = area[i];
    let len: number;
    if (o < 192) {
      len = o;
      i += 1;
    } else if (o < 255) {
      if (i + 2 > area.length) throw new SignatureProfileError("SUBPACKETS", `${where}: truncated length`);
      len = ((o - 192) << 8) + area[i + 1] + 192;
      i += 2;
    } else {
      if (i + 5 > area.length) throw new SignatureProfileError("SUBPACKETS", `${where}: truncated length`);
      len = readUint32(area, i + 1);
      i += 5;
    }
    if (len < 1) throw new SignatureProfileError("SUBPACKETS", `${where}: empty subpacket`);
    if (i + len > area.length) {
      throw new SignatureProfileError("SUBPACKETS", `${where}: subpacket runs past the end of its area`);
    }
    out.push({ type: area[i] & 0x7f, critical: (area[i] & 0x80) !== 0, body: area.subarray(i + 1, i + len) });
    i += len;
  }
  return out;
}

/** Encodes one subpacket (minimal length). */
export function writeSubpacket(s: Subpacket): Uint8Array {
  const len = s.body.length + 1;
  let lenBytes: Uint8Array;
  if (len < 192) lenBytes = Uint8Array.of(len);
  else if (len < 16320) lenBytes = Uint8Array.of(((len - 192) >> 8) + 192, (len - 192) & 0xff);
  else
    lenBytes = Uint8Array.of(255, (len >>> 24) & 0xff, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff);
  return concatBytes([lenBytes, Uint8Array.of((s.critical ? 0x80 : 0) | s.type), s.body]);
}

/** Number of significant bits of a big-endian byte string. */
export function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]));
}

/** Encodes a canonical MPI (leading zero bytes stripped). */
export function writeMpi(value: Uint8Array): Uint8Array {
  const bits = bitLength(value);
  const stripped = value.subarray(value.length - ((bits + 7) >> 3));
  return concatBytes([Uint8Array.of(bits >> 8, bits & 0xff), stripped]);
}

export function readUint32(b: Uint8Array, i: number): number {
  return ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
}

export function uint32be(n: number): Uint8Array {
  return Uint8Array.of((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(b: Uint8Array): string {
  return "0x" + Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

/** Left-pads a big-endian byte string with zeros to `length` bytes (returns it unchanged if longer). */
export function leftPad(b: Uint8Array, length: number): Uint8Array {
  if (b.length >= length) return b;
  const out = new Uint8Array(length);
  out.set(b, length - b.length);
  return out;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}
