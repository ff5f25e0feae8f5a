import * as openpgp from "openpgp";
import { parsedKey } from "../key-cache";
import { parseSignaturePacket, SUBPACKET_CREATION_TIME, SUBPACKET_ISSUER_FINGERPRINT } from "../pgp-profile";
import { SUBPACKET_ISSUER_KEY_ID } from "../pgp-profile";
import type { ParsedSignature } from "../pgp-profile";
import { PK_RSA } from "../pgp-key";

/**
 * openpgp.js's readings of a Push message, without running openpgp.js, for inputs in their common form.
 *
 * validatePushMessage asks openpgp.js (6) five things about every message: the bytes of the signature's armor,
 * the signature's issuer, whether a key holds that key ID, whether its verdict is already known
 * (openpgp-agreement.ts), and the key IDs an encryptedSecret is encrypted to. Through openpgp.js's stream
 * machinery these answers cost about 40% of the check (a CPU profile of validatePushMessage over SDK messages).
 * Each function here gives the same answer synchronously, or `undefined` when its input is outside the narrow
 * form it reads; the caller then asks openpgp.js as before. So an answer here is never a new verdict: it is
 * openpgp.js's, for inputs whose reading is unambiguous (the form openpgp.js itself writes, which the SDK sends):
 *
 *  - armor: `-----BEGIN PGP <kind>-----`, an empty line, base64 lines, a `=` CRC-24 line that matches (or
 *    none), the END line, `\n` line ends, no header, base64 that re-encodes to itself;
 *  - signature: one new-format (C2) v4 packet inside the signature profile, RSA, whose subpackets are only
 *    creation time and issuers (key ID, v4 fingerprint) in the hashed area and issuer key IDs in the unhashed
 *    one, every issuer naming the same key ID;
 *  - key facts: those of the key cache's openpgp.js key once it has been read (the first message of a key
 *    goes through openpgp.js, later ones read what it found);
 *  - encrypted message: one or more v3 RSA PKESK packets and one v1 SEIPD packet last, each with a
 *    one- or two-octet new-format length, each RSA value one MPI filling its packet.
 *
 * test/push/openpgp-readings.test.ts checks each against openpgp.js on the SDK's messages and on random
 * mutations of them, and validatePushMessage with and without these readings on the same inputs.
 */

/** Off when PUSH_OPENPGP_READINGS=0 (or by tests): every answer comes from openpgp.js. */
let enabled = process.env.PUSH_OPENPGP_READINGS !== "0";

/** Turns the readings on or off (tests compare both); returns the previous setting. */
export function setOpenpgpReadings(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

const B64_LINE = /^[A-Za-z0-9+/]+=*$/;
const CRC_LINE = /^=[A-Za-z0-9+/]{4}$/;

/**
 * The bytes of an armored block of `kind` ("SIGNATURE", "MESSAGE") in the canonical form described above
 * (a CRC-24 line, if any, matching); undefined otherwise (ask openpgp.unarmor).
 */
export function dearmorCanonical(armored: string, kind: "SIGNATURE" | "MESSAGE"): Uint8Array | undefined {
  if (!enabled) return undefined;
  const begin = `-----BEGIN PGP ${kind}-----\n\n`;
  const end = `\n-----END PGP ${kind}-----`;
  if (!armored.startsWith(begin)) return undefined;
  let stop = armored.length;
  if (armored.endsWith(end + "\n")) stop -= end.length + 1;
  else if (armored.endsWith(end)) stop -= end.length;
  else return undefined;
  if (stop <= begin.length) return undefined;
  const lines = armored.slice(begin.length, stop).split("\n");
  // the CRC-24 line is optional (openpgp.js 5, the SDK's, writes it; openpgp.js 6 does not)
  const crc = CRC_LINE.test(lines[lines.length - 1]) ? (lines.pop() as string) : null;
  if (lines.length === 0) return undefined;
  for (const l of lines) if (!B64_LINE.test(l)) return undefined;
  const b64 = lines.join("");
  // '=' only as the final padding, and base64 that re-encodes to itself (no loose bits)
  const firstPad = b64.indexOf("=");
  if (b64.length % 4 !== 0 || (firstPad !== -1 && firstPad < b64.length - 2)) return undefined;
  const data = Buffer.from(b64, "base64");
  if (data.length === 0 || data.toString("base64") !== b64) return undefined;
  if (crc !== null && crc.slice(1) !== crc24Base64(data)) return undefined;
  return Uint8Array.from(data); // its own buffer, as openpgp.unarmor's (Buffer.from may share a pool)
}

/** CRC-24 of each byte value (RFC 4880 section 6.1), table-driven. */
const CRC24_TABLE = (() => {
  const t = new Int32Array(256);
  for (let b = 0; b < 256; b++) {
    let crc = b << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
    t[b] = crc & 0xffffff;
  }
  return t;
})();

/** RFC 4880 section 6.1 CRC-24, base64 of its 3 bytes (the armor's "=XXXX" line). */
export function crc24Base64(data: Uint8Array): string {
  let crc = 0xb704ce;
  for (let i = 0; i < data.length; i++)
    crc = ((crc << 8) ^ CRC24_TABLE[((crc >> 16) ^ data[i]) & 0xff]) & 0xffffff;
  return Buffer.from([crc >> 16, (crc >> 8) & 0xff, crc & 0xff]).toString("base64");
}

/** A signature in the plain form: our parse of it, and the one key ID (16 lowercase hex) openpgp.js reads. */
export interface PlainSignature {
  parsed: ParsedSignature;
  issuerKeyId: string;
  /** Octets of the RSA value as openpgp.js reads it (its MPI's bit count, rounded up to octets). */
  rsaValueLength: number;
}

/**
 * The signature (binary) read as openpgp.js reads it when it is in the plain form above; undefined otherwise
 * (outside the profile, another algorithm or subpacket, issuers naming different keys: ask openpgp.js).
 */
export function plainSignature(signature: Uint8Array): PlainSignature | undefined {
  if (!enabled || signature.length < 2 || signature[0] !== 0xc2) return undefined;
  let parsed: ParsedSignature;
  try {
    parsed = parseSignaturePacket(signature);
  } catch {
    return undefined;
  }
  if (parsed.publicKeyAlgorithm !== PK_RSA) return undefined;
  for (const sp of parsed.hashedSubpackets)
    if (
      sp.type !== SUBPACKET_CREATION_TIME &&
      sp.type !== SUBPACKET_ISSUER_KEY_ID &&
      sp.type !== SUBPACKET_ISSUER_FINGERPRINT
    )
      return undefined;
  for (const sp of parsed.unhashedSubpackets) if (sp.type !== SUBPACKET_ISSUER_KEY_ID) return undefined;
  let id: string | undefined;
  for (const i of parsed.issuers) {
    const k =
      i.kind === "keyId" ? i.keyId : i.kind === "fingerprint" ? "0x" + i.fingerprint.slice(-16) : null;
    if (k === null || (id !== undefined && id !== k)) return undefined;
    id = k;
  }
  if (id === undefined) return undefined;
  // the RSA value: one MPI after the left 16 bits (parseSignaturePacket checked that it fills the packet)
  const body = signature.subarray(parsed.bodyOffset);
  const at =
    parsed.hashedPart.length +
    2 +
    ((body[parsed.hashedPart.length] << 8) | body[parsed.hashedPart.length + 1]) +
    2;
  const bits = (body[at] << 8) | body[at + 1];
  return { parsed, issuerKeyId: id.replace(/^0x/, "").toLowerCase(), rsaValueLength: (bits + 7) >> 3 };
}

/** What openpgp.js found in a key, once it has read it: key IDs, and each key packet's algorithm and size. */
export interface KeyReading {
  key: openpgp.PublicKey;
  /** Key ID (16 hex) → algorithm and RSA modulus octets of that key packet (the first of that ID). */
  packets: Map<string, { algorithm: number; rsaModulusLength: number | null }>;
}

const readings = new WeakMap<openpgp.PublicKey, KeyReading>();

/**
 * openpgp.js's reading of the key `publicKey` (binary) when the key cache has already read it; undefined when
 * it has not (or the key is outside the key profile, which the cache does not hold).
 */
export function keyReadingNow(publicKey: Uint8Array): KeyReading | undefined {
  if (!enabled) return undefined;
  let key: openpgp.PublicKey | undefined;
  try {
    key = parsedKey(publicKey).openpgpNow();
  } catch {
    return undefined;
  }
  if (key === undefined) return undefined;
  let r = readings.get(key);
  if (r === undefined) {
    const packets: KeyReading["packets"] = new Map();
    for (const k of key.getKeys()) {
      const id = k.getKeyID().toHex();
      if (packets.has(id)) continue;
      const n = (k.keyPacket.publicParams as { n?: Uint8Array }).n;
      packets.set(id, {
        algorithm: k.keyPacket.algorithm,
        rsaModulusLength: n === undefined ? null : n.length,
      });
    }
    r = { key, packets };
    readings.set(key, r);
  }
  return r;
}

/**
 * The key IDs ("0x" + 16 hex) of the public-key encrypted session key packets of an OpenPGP message (binary)
 * in the form described above, as openpgp.js's readMessage + getEncryptionKeyIDs gives them; undefined when the
 * message is outside that form.
 */
export function plainEncryptionKeyIds(message: Uint8Array): string[] | undefined {
  if (!enabled) return undefined;
  const ids: string[] = [];
  let i = 0;
  for (;;) {
    if (i + 2 > message.length) return undefined;
    const tagOctet = message[i];
    if ((tagOctet & 0xc0) !== 0xc0) return undefined;
    const tag = tagOctet & 0x3f;
    const a = message[i + 1];
    let start: number;
    let len: number;
    if (a < 192) {
      start = i + 2;
      len = a;
    } else if (a < 224) {
      if (i + 3 > message.length) return undefined;
      start = i + 3;
      len = ((a - 192) << 8) + message[i + 2] + 192;
    } else return undefined;
    const endOf = start + len;
    if (endOf > message.length) return undefined;
    if (tag === 1) {
      // PKESK v3, RSA: version, key ID (8), algorithm, one MPI filling the packet
      if (len < 12 || message[start] !== 3 || message[start + 9] !== PK_RSA) return undefined;
      const bits = (message[start + 10] << 8) | message[start + 11];
      if (bits === 0 || start + 12 + ((bits + 7) >> 3) !== endOf) return undefined;
      ids.push("0x" + Buffer.from(message.subarray(start + 1, start + 9)).toString("hex"));
    } else if (tag === 18) {
      // SEIPD v1, the last packet, after at least one PKESK
      if (len < 2 || message[start] !== 1 || endOf !== message.length || ids.length === 0) return undefined;
      return ids;
    } else return undefined;
    i = endOf;
  }
}
