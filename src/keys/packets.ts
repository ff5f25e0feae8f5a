/**
 * A minimal OpenPGP packet reader, independent of openpgp.js. It lists the packets of a binary key
 * (old- and new-format headers, as found in keys users paste) and parses the primary key packet as the
 * KeyRegistry contract does on chain (DESIGN section 9), so that the algorithm id reported off chain is
 * the one the contract records. The registry's full verdict on key bytes (every packet, header forms,
 * sizes) is `checkKeyProfile` in profile.ts.
 */

export const PACKET_TAG = {
  SIGNATURE: 2,
  SECRET_KEY: 5,
  PUBLIC_KEY: 6,
  SECRET_SUBKEY: 7,
  USER_ID: 13,
  PUBLIC_SUBKEY: 14,
} as const;

export interface RawPacket {
  tag: number;
  /** True for a new-format header (`0xC0 | tag`). */
  newFormat: boolean;
  /** Offset of the header's first byte. */
  offset: number;
  headerLength: number;
  bodyLength: number;
}

/** Thrown when bytes are not a well-formed sequence of packets. */
export class PacketFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PacketFormatError";
  }
}

/** Lists the packets in `bytes`; throws PacketFormatError on a malformed, truncated or partial-length packet. */
export function listPackets(bytes: Uint8Array): RawPacket[] {
  const packets: RawPacket[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const first = bytes[pos];
    if ((first & 0x80) === 0) throw new PacketFormatError(`byte ${pos} is not a packet header`);
    let tag: number;
    let headerLength: number;
    let bodyLength: number;
    const newFormat = (first & 0x40) !== 0;
    if (newFormat) {
      tag = first & 0x3f;
      const l0 = byteAt(bytes, pos + 1);
      if (l0 < 192) {
        bodyLength = l0;
        headerLength = 2;
      } else if (l0 < 224) {
        bodyLength = ((l0 - 192) << 8) + byteAt(bytes, pos + 2) + 192;
        headerLength = 3;
      } else if (l0 === 255) {
        bodyLength = readUint32(bytes, pos + 2);
        headerLength = 6;
      } else {
        throw new PacketFormatError(`packet at byte ${pos} uses a partial body length`);
      }
    } else {
      tag = (first >> 2) & 0x0f;
      const lengthType = first & 0x03;
      if (lengthType === 0) {
        bodyLength = byteAt(bytes, pos + 1);
        headerLength = 2;
      } else if (lengthType === 1) {
        bodyLength = (byteAt(bytes, pos + 1) << 8) | byteAt(bytes, pos + 2);
        headerLength = 3;
      } else if (lengthType === 2) {
        bodyLength = readUint32(bytes, pos + 1);
        headerLength = 5;
      } else {
        throw new PacketFormatError(`packet at byte ${pos} has an indeterminate length`);
      }
    }
    if (pos + headerLength + bodyLength > bytes.length) {
      throw new PacketFormatError(`packet at byte ${pos} runs past the end of the input`);
    }
    packets.push({ tag, newFormat, offset: pos, headerLength, bodyLength });
    pos += headerLength + bodyLength;
  }
  return packets;
}

/** The fields of a primary key packet that the contract reads. */
export interface PrimaryKeyPacket {
  tag: number;
  newFormat: boolean;
  version: number;
  /** Creation time, seconds since the epoch. */
  createdAt: number;
  algorithm: number;
  /** RSA only: the bit count of the modulus MPI. */
  rsaBits?: number;
  /** RSA (1) only, when its MPI is well formed: the public exponent, 0x hex. */
  rsaExponent?: string;
  /** ECDSA / EdDSA legacy / ECDH: the curve OID, lowercase hex without the length octet. */
  curveOid?: string;
  /**
   * Set when the algorithm fields of an RSA, ECDSA P-256, EdDSA Ed25519 or Ed25519 v4 key break a rule the
   * contract enforces: minimal MPIs, an uncompressed P-256 point (515-bit MPI, `04` prefix), a `40`-prefixed
   * legacy Ed25519 point (263 bits), and fields that fill the packet body exactly.
   */
  malformed?: string;
}

/**
 * Parses the first packet of `bytes` as a public (or secret) key packet: tag, version, creation time,
 * algorithm, and for RSA the modulus bit count, for ECC the curve OID. Only version 4 fields are
 * interpreted (other versions return version and algorithm when the layout allows it).
 */
export function parsePrimaryKeyPacket(bytes: Uint8Array): PrimaryKeyPacket {
  const [first] = listPackets(bytes);
  if (first === undefined) throw new PacketFormatError("no packet");
  const body = bytes.subarray(
    first.offset + first.headerLength,
    first.offset + first.headerLength + first.bodyLength,
  );
  const out: PrimaryKeyPacket = {
    tag: first.tag,
    newFormat: first.newFormat,
    version: byteAt(body, 0),
    createdAt: 0,
    algorithm: 0,
  };
  if (first.tag !== PACKET_TAG.PUBLIC_KEY && first.tag !== PACKET_TAG.SECRET_KEY) return out;
  out.createdAt = readUint32(body, 1);
  // v4: version, created(4), algorithm. v5/v6 add a 4-byte key material length after the algorithm.
  out.algorithm = byteAt(body, 5);
  if (out.version !== 4) return out;
  if (out.algorithm === 1 || out.algorithm === 2 || out.algorithm === 3) {
    out.rsaBits = (byteAt(body, 6) << 8) | byteAt(body, 7);
    if (out.algorithm === 1) {
      const n = readMpi(body, 6);
      const e = n.problem === undefined ? readMpi(body, n.end) : n;
      out.malformed = n.problem ?? e.problem ?? exactEnd(e.end, body.length);
      if (n.problem === undefined && e.problem === undefined) {
        out.rsaExponent = "0x" + Buffer.from(body.subarray(n.end + 2, e.end)).toString("hex");
      }
    }
  } else if (out.algorithm === 18 || out.algorithm === 19 || out.algorithm === 22) {
    const oidLength = byteAt(body, 6);
    if (oidLength === 0 || oidLength === 0xff || 7 + oidLength > body.length) {
      throw new PacketFormatError("bad curve OID length");
    }
    out.curveOid = Buffer.from(body.subarray(7, 7 + oidLength)).toString("hex");
    const p = 7 + oidLength;
    if (out.algorithm === 19 && out.curveOid === "2a8648ce3d030107") {
      out.malformed = point(body, p, 515, 0x04) ?? exactEnd(p + 67, body.length);
    } else if (out.algorithm === 22 && out.curveOid === "2b06010401da470f01") {
      out.malformed = point(body, p, 263, 0x40) ?? exactEnd(p + 35, body.length);
    }
  } else if (out.algorithm === 27) {
    out.malformed = exactEnd(6 + 32, body.length);
  }
  if (out.malformed === undefined) delete out.malformed;
  return out;
}

/** Reads a minimal MPI (bit count exact, top byte's highest bit set) at `p`; returns the end offset. */
function readMpi(body: Uint8Array, p: number): { end: number; problem?: string } {
  if (p + 2 > body.length) return { end: p, problem: "truncated MPI" };
  const bits = (body[p] << 8) | body[p + 1];
  const n = (bits + 7) >> 3;
  if (bits === 0 || p + 2 + n > body.length) return { end: p, problem: "truncated or empty MPI" };
  const topBits = bits - (n - 1) * 8;
  if (body[p + 2] >> (topBits - 1) !== 1) return { end: p, problem: "MPI bit count is not minimal" };
  return { end: p + 2 + n };
}

function point(body: Uint8Array, p: number, bits: number, prefix: number): string | undefined {
  if (p + 3 > body.length) return "truncated point";
  if (((body[p] << 8) | body[p + 1]) !== bits || body[p + 2] !== prefix) {
    return `the point is not a ${bits}-bit MPI with prefix 0x${prefix.toString(16).padStart(2, "0")}`;
  }
  return undefined;
}

function exactEnd(fieldsEnd: number, bodyLength: number): string | undefined {
  return fieldsEnd === bodyLength ? undefined : "the key fields do not fill the packet body exactly";
}

function byteAt(bytes: Uint8Array, i: number): number {
  if (i >= bytes.length) throw new PacketFormatError("truncated packet");
  return bytes[i];
}

function readUint32(bytes: Uint8Array, i: number): number {
  return (
    ((byteAt(bytes, i) << 24) >>> 0) +
    (byteAt(bytes, i + 1) << 16) +
    (byteAt(bytes, i + 2) << 8) +
    byteAt(bytes, i + 3)
  );
}
