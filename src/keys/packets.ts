/**
 * A minimal OpenPGP packet reader, independent of openpgp.js. It lists the packets of a binary key
 * (old- and new-format headers) and parses the primary key packet exactly as the KeyRegistry contract
 * does on chain (DESIGN section 9), so that the algorithm id reported off chain is the one the contract
 * records.
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
  /** ECDSA / EdDSA legacy / ECDH: the curve OID, lowercase hex without the length octet. */
  curveOid?: string;
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
  } else if (out.algorithm === 18 || out.algorithm === 19 || out.algorithm === 22) {
    const oidLength = byteAt(body, 6);
    if (oidLength === 0 || oidLength === 0xff || 7 + oidLength > body.length) {
      throw new PacketFormatError("bad curve OID length");
    }
    out.curveOid = Buffer.from(body.subarray(7, 7 + oidLength)).toString("hex");
  }
  return out;
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
