import { createHash } from "node:crypto";
import { HASH_SHA256, PK_ECDSA, PK_ED25519, PK_RSA } from "./pgp-key";
import type { PrimaryKey } from "./pgp-key";
import {
  PACKET_TAG_SIGNATURE,
  SignatureProfileError,
  bitLength,
  concatBytes,
  equalBytes,
  readMpi,
  readPacketHeader,
  readSubpackets,
  readUint32,
  toHex,
  uint32be,
} from "./pgp-packets";
import type { Subpacket } from "./pgp-packets";

/**
 * The STRICT SIGNATURE PROFILE (DESIGN section 4), byte by byte. The message signature must be:
 *
 *  1. exactly one packet, new format, tag octet 0xC2, minimal length (one octet < 192, two octets, or
 *     0xFF + four octets for >= 8384), no partial lengths, nothing after it;
 *  2. version 4, signature type 0x00 (binary document), hash algorithm 8 (SHA-256), public-key
 *     algorithm 1 (RSA), 19 (ECDSA, P-256 keys) or 27 (Ed25519), equal to the primary key's;
 *  3. hashed subpackets only of these types: 2 signature creation time (exactly one, 4 bytes), 16 issuer
 *     key ID (8 bytes), 33 issuer fingerprint (21 bytes: 04 || fingerprint) - these three critical or
 *     not - and 20 notation data (well formed, not critical); unhashed subpackets only 16 and 33, not
 *     critical;
 *  4. at least one issuer subpacket (16 or 33) in the hashed area, and every issuer subpacket in either
 *     area names the primary key (fingerprint, or its low 8 bytes as key ID);
 *  5. signature creation time >= key creation time;
 *  6. the left 16 bits equal the first two bytes of
 *        h = sha256(digest || hashed_part || 04 FF || uint32be(len(hashed_part)))
 *     where hashed_part = body[0 .. 6 + hashedLength) (version .. end of hashed subpackets);
 *  7. signature values: RSA one canonical MPI s no longer than n (the contract left-pads s to n's
 *     length for OZ RSA.pkcs1Sha256(h, s, e, n)); ECDSA two canonical MPIs r, s with 0 < r, s < N
 *     (the contract uses s' = min(s, N - s) because OZ P256.verify wants low s; openpgp.js makes both);
 *     Ed25519 64 raw bytes; nothing after them.
 *
 * Rules 1-4 and 7 (except "s no longer than n") need no key: `parseSignaturePacket`. Rules 2 (key
 * algorithm), 4 (primary key), 5, 6 need the key and the digest: `checkSignatureAgainstKey`.
 * Violations throw SignatureProfileError; the first rule broken, in the order above, is reported.
 */

export const SUBPACKET_CREATION_TIME = 2;
export const SUBPACKET_ISSUER_KEY_ID = 16;
export const SUBPACKET_NOTATION = 20;
export const SUBPACKET_ISSUER_FINGERPRINT = 33;

/** Order of the P-256 group. */
export const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

export type SignatureValues =
  | { kind: "rsa"; s: Uint8Array }
  | { kind: "ecdsa"; r: Uint8Array; s: Uint8Array }
  | { kind: "ed25519"; signature: Uint8Array };

export interface ParsedSignature {
  /** The whole packet (header + body), exactly the input bytes. */
  packet: Uint8Array;
  /** Offset of the body in `packet` (the header length: 2, 3 or 6). */
  bodyOffset: number;
  version: number;
  signatureType: number;
  publicKeyAlgorithm: number;
  hashAlgorithm: number;
  /** body[0 .. 6 + hashedLength): version, type, algorithms, hashed length, hashed subpackets. */
  hashedPart: Uint8Array;
  /** 04 FF || uint32be(hashedPart.length). */
  trailer: Uint8Array;
  hashedSubpackets: Subpacket[];
  unhashedSubpackets: Subpacket[];
  /** Signature creation time, seconds. */
  created: number;
  /** Issuer key IDs (0x hex, 8 bytes) from both areas, in order. */
  issuerKeyIds: string[];
  /** Issuer fingerprints (0x hex, 20 bytes) from both areas, in order. */
  issuerFingerprints: string[];
  /** The two left bytes of the signed hash, as stored. */
  left16: Uint8Array;
  values: SignatureValues;
}

const HASHED_ALLOWED = new Set([
  SUBPACKET_CREATION_TIME,
  SUBPACKET_ISSUER_KEY_ID,
  SUBPACKET_NOTATION,
  SUBPACKET_ISSUER_FINGERPRINT,
]);
const UNHASHED_ALLOWED = new Set([SUBPACKET_ISSUER_KEY_ID, SUBPACKET_ISSUER_FINGERPRINT]);

function fail(code: ConstructorParameters<typeof SignatureProfileError>[0], detail: string): never {
  throw new SignatureProfileError(code, detail);
}

/** Parses a signature packet and enforces the key-independent rules of the profile. */
export function parseSignaturePacket(bytes: Uint8Array): ParsedSignature {
  if (bytes.length === 0) fail("EMPTY", "no signature bytes");
  if (bytes[0] !== (0xc0 | PACKET_TAG_SIGNATURE)) {
    if ((bytes[0] & 0xc0) === 0x80 && ((bytes[0] >> 2) & 0x0f) === PACKET_TAG_SIGNATURE) {
      fail("PACKET_TAG", "old-format signature packet; the profile wants the new format (0xC2)");
    }
    fail(
      "PACKET_TAG",
      `first octet 0x${bytes[0].toString(16).padStart(2, "0")} is not a signature packet (0xC2)`,
    );
  }
  const h = readPacketHeader(bytes, 0, "PACKET_TAG");
  const end = h.headerLength + h.bodyLength;
  if (end !== bytes.length) {
    fail(
      "TRAILING_DATA",
      `${bytes.length - end} bytes after the signature packet; exactly one packet is allowed`,
    );
  }
  const body = bytes.subarray(h.headerLength, end);
  if (body.length < 6) fail("PACKET_LENGTH", "signature packet body too short");
  const [version, signatureType, publicKeyAlgorithm, hashAlgorithm] = body;
  if (version !== 4) fail("VERSION", `signature version ${version}, the profile wants 4`);
  if (signatureType !== 0x00) {
    fail(
      "SIGNATURE_TYPE",
      `signature type 0x${signatureType.toString(16).padStart(2, "0")}, the profile wants 0x00`,
    );
  }
  if (publicKeyAlgorithm !== PK_RSA && publicKeyAlgorithm !== PK_ECDSA && publicKeyAlgorithm !== PK_ED25519) {
    fail("PUBLIC_KEY_ALGORITHM", `public-key algorithm ${publicKeyAlgorithm} is outside the profile`);
  }
  if (hashAlgorithm !== HASH_SHA256)
    fail("HASH_ALGORITHM", `hash algorithm ${hashAlgorithm}, the profile wants 8`);

  const hashedLength = (body[4] << 8) | body[5];
  const hashedEnd = 6 + hashedLength;
  if (hashedEnd + 2 > body.length) fail("SUBPACKETS", "hashed subpacket area runs past the packet");
  const hashedSubpackets = readSubpackets(body.subarray(6, hashedEnd), "hashed area");
  const unhashedLength = (body[hashedEnd] << 8) | body[hashedEnd + 1];
  const unhashedEnd = hashedEnd + 2 + unhashedLength;
  if (unhashedEnd + 2 > body.length) fail("SUBPACKETS", "unhashed subpacket area runs past the packet");
  const unhashedSubpackets = readSubpackets(body.subarray(hashedEnd + 2, unhashedEnd), "unhashed area");

  const issuerKeyIds: string[] = [];
  const issuerFingerprints: string[] = [];
  let created: number | undefined;
  let creationCount = 0;
  let hashedIssuer = false;
  for (const [area, list, allowed] of [
    ["hashed", hashedSubpackets, HASHED_ALLOWED],
    ["unhashed", unhashedSubpackets, UNHASHED_ALLOWED],
  ] as const) {
    for (const sp of list) {
      if (!allowed.has(sp.type)) {
        fail("SUBPACKET_NOT_ALLOWED", `subpacket type ${sp.type} is not allowed in the ${area} area`);
      }
      // openpgp.js understands 2, 16 and 33, so they may be critical when hashed; never notations.
      if (sp.critical && (area === "unhashed" || sp.type === SUBPACKET_NOTATION)) {
        fail("SUBPACKET_NOT_ALLOWED", `critical subpacket type ${sp.type} in the ${area} area`);
      }
      if (sp.type === SUBPACKET_CREATION_TIME) {
        if (sp.body.length !== 4) fail("CREATION_TIME", "signature creation time is not 4 bytes");
        created = readUint32(sp.body, 0);
        creationCount++;
      } else if (sp.type === SUBPACKET_ISSUER_KEY_ID) {
        if (sp.body.length !== 8) fail("SUBPACKETS", "issuer key ID is not 8 bytes");
        issuerKeyIds.push(toHex(sp.body));
        if (area === "hashed") hashedIssuer = true;
      } else if (sp.type === SUBPACKET_ISSUER_FINGERPRINT) {
        if (sp.body.length !== 21 || sp.body[0] !== 4)
          fail("SUBPACKETS", "issuer fingerprint is not 04 || 20 bytes");
        issuerFingerprints.push(toHex(sp.body.subarray(1)));
        if (area === "hashed") hashedIssuer = true;
      } else {
        // notation: 4 flag bytes, 2-byte name length, 2-byte value length, name, value
        const b = sp.body;
        if (b.length < 8 || b.length !== 8 + ((b[4] << 8) | b[5]) + ((b[6] << 8) | b[7])) {
          fail("SUBPACKETS", "malformed notation data subpacket");
        }
      }
    }
  }
  if (creationCount !== 1 || created === undefined) {
    fail(
      "CREATION_TIME",
      `${creationCount} signature creation time subpackets in the hashed area, need exactly 1`,
    );
  }
  if (!hashedIssuer) fail("ISSUER_MISSING", "no issuer fingerprint or issuer key ID in the hashed area");
  const ids = new Set([...issuerKeyIds, ...issuerFingerprints.map((f) => "0x" + f.slice(2 + 24))]);
  if (ids.size > 1 || new Set(issuerFingerprints).size > 1) {
    fail("ISSUER_MISMATCH", "the issuer subpackets name different keys");
  }

  const left16 = body.subarray(unhashedEnd, unhashedEnd + 2);
  const values = readSignatureValues(publicKeyAlgorithm, body, unhashedEnd + 2);
  const hashedPart = body.subarray(0, hashedEnd);
  return {
    packet: bytes,
    bodyOffset: h.headerLength,
    version,
    signatureType,
    publicKeyAlgorithm,
    hashAlgorithm,
    hashedPart,
    trailer: concatBytes([Uint8Array.of(0x04, 0xff), uint32be(hashedPart.length)]),
    hashedSubpackets,
    unhashedSubpackets,
    created,
    issuerKeyIds,
    issuerFingerprints,
    left16,
    values,
  };
}

function readSignatureValues(algorithm: number, body: Uint8Array, offset: number): SignatureValues {
  let values: SignatureValues;
  let next: number;
  if (algorithm === PK_RSA) {
    const s = readMpi(body, offset, "MPI", "s");
    values = { kind: "rsa", s: s.value };
    next = s.next;
  } else if (algorithm === PK_ECDSA) {
    const r = readMpi(body, offset, "MPI", "r");
    const s = readMpi(body, r.next, "MPI", "s");
    for (const [name, v] of [
      ["r", r.value],
      ["s", s.value],
    ] as const) {
      if (bitLength(v) > 256 || BigInt(toHex(v)) >= P256_N)
        fail("MPI", `ECDSA ${name} is not below the P-256 order`);
    }
    values = { kind: "ecdsa", r: r.value, s: s.value };
    next = s.next;
  } else {
    if (offset + 64 > body.length) fail("MPI", "Ed25519 signature truncated");
    values = { kind: "ed25519", signature: body.subarray(offset, offset + 64) };
    next = offset + 64;
  }
  if (next !== body.length) fail("MPI", `${body.length - next} bytes after the signature values`);
  return values;
}

/** The bytes the signature's hash covers: digest || hashed_part || 04 FF || uint32be(len(hashed_part)). */
export function signedData(digest: Uint8Array, sig: ParsedSignature): Uint8Array {
  return concatBytes([digest, sig.hashedPart, sig.trailer]);
}

/** h = sha256(signedData): the value OZ RSA.pkcs1Sha256 / P256.verify / Ed25519 are checked against. */
export function signedHash(digest: Uint8Array, sig: ParsedSignature): Uint8Array {
  return new Uint8Array(createHash("sha256").update(signedData(digest, sig)).digest());
}

/** Enforces the key- and digest-dependent rules (2, 4, 5, 6 and RSA's "s no longer than n"). */
export function checkSignatureAgainstKey(sig: ParsedSignature, key: PrimaryKey, digest: Uint8Array): void {
  if (digest.length !== 32) throw new RangeError(`digest must be 32 bytes, got ${digest.length}`);
  if (sig.publicKeyAlgorithm !== key.algorithm) {
    fail(
      "ALGORITHM_MISMATCH",
      `signature algorithm ${sig.publicKeyAlgorithm}, primary key algorithm ${key.algorithm}`,
    );
  }
  for (const id of sig.issuerKeyIds) {
    if (id !== key.keyId) fail("ISSUER_MISMATCH", `issuer key ID ${id} is not the primary key ${key.keyId}`);
  }
  for (const fp of sig.issuerFingerprints) {
    if (fp !== key.fingerprint) {
      fail("ISSUER_MISMATCH", `issuer fingerprint ${fp} is not the primary key ${key.fingerprint}`);
    }
  }
  if (sig.created < key.created) {
    fail(
      "KEY_NEWER_THAN_SIGNATURE",
      `signature made at ${sig.created}, before the key was created (${key.created})`,
    );
  }
  if (sig.values.kind === "rsa" && key.params.kind === "rsa" && sig.values.s.length > key.params.n.length) {
    fail("MPI", "RSA s is longer than the modulus");
  }
  const h = signedHash(digest, sig);
  if (!equalBytes(h.subarray(0, 2), sig.left16)) {
    fail("SIGNED_HASH_MISMATCH", "left 16 bits do not match: the signature is not over these digest bytes");
  }
}
