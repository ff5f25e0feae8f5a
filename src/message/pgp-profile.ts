import {
  HASH_SHA256,
  HASH_SHA384,
  HASH_SHA512,
  PK_ECDSA,
  PK_ED25519,
  PK_EDDSA_LEGACY,
  PK_RSA,
} from "./pgp-key";
import type { PrimaryKey, SigningKey } from "./pgp-key";
import {
  PACKET_TAG_SIGNATURE,
  SignatureProfileError,
  concatBytes,
  equalBytes,
  readSubpackets,
  readUint32,
  toHex,
  uint32be,
} from "./pgp-packets";
import type { ProfileViolationCode, Subpacket } from "./pgp-packets";
import { profileHash, readSignatureValues, verifyValues } from "../keys/signature-math";
import type { SignatureValues } from "../keys/signature-math";

/**
 * THE SIGNATURE PROFILE (docs/client-profile.md section 2): a detached OpenPGP signature over a 32-byte
 * message digest, checked rule by rule in the spec's order; the first rule broken names the verdict
 * (`ProfileViolationCode`, the Solidity `OpenPgpSignature.Status`):
 *
 *  1. one signature packet, new format (C2) or old format (88, 89, 8A; 8B: PACKET_LENGTH), else PACKET_TAG;
 *     new-format lengths one octet, two octets or FF + four (any value), partial: PACKET_LENGTH; body past
 *     the end PACKET_LENGTH, bytes after it TRAILING_DATA, body shorter than 6 PACKET_LENGTH;
 *  2. VERSION 4, SIGNATURE_TYPE 0x00 / 0x01, PUBLIC_KEY_ALGORITHM 1 / 19 / 22 / 27, HASH_ALGORITHM 8 / 9 / 10;
 *  3. SUBPACKETS framing of both areas; then each subpacket in order (hashed area first): critical only for
 *     2, 3, 16, 33 (SUBPACKET_NOT_ALLOWED); hashed 2 of 4 octets and 16 of 8 octets (SUBPACKETS); a 33 that
 *     is not 04 + 20 octets names no key;
 *  4. exactly one creation time in the hashed area (CREATION_TIME);
 *  5. at least one issuer (16 or 33) in either area (ISSUER_MISSING);
 *  6. values filling the rest of the body (MPI);
 *  7. signer: with signing subkeys, the first candidate (primary first) every issuer names, else
 *     ISSUER_MISMATCH; without, the primary key, and the issuer check comes last;
 *  8. ALGORITHM_MISMATCH; 9. KEY_NEWER_THAN_SIGNATURE; (RSA s longer than the modulus: MPI);
 * 10. SIGNED_HASH_MISMATCH over the data forms (type 0x00: raw digest, then its 64 lowercase hex characters;
 *     type 0x01: the hex characters);
 * 11. BAD_SIGNATURE when the arithmetic fails for every form whose left 16 bits match.
 *
 * Rules 1-6 need no key: `parseSignaturePacket`. Rules 7-11: `checkSignatureAgainstKey`. Violations throw
 * SignatureProfileError.
 */

export const SUBPACKET_CREATION_TIME = 2;
export const SUBPACKET_EXPIRATION_TIME = 3;
export const SUBPACKET_ISSUER_KEY_ID = 16;
export const SUBPACKET_NOTATION = 20;
export const SUBPACKET_ISSUER_FINGERPRINT = 33;

export const SIGNATURE_TYPE_BINARY = 0x00;
export const SIGNATURE_TYPE_TEXT = 0x01;

export { P256_N } from "../keys/signature-math";
export type { SignatureValues } from "../keys/signature-math";

/** The critical subpacket types the profile allows. */
const CRITICAL_ALLOWED = new Set([
  SUBPACKET_CREATION_TIME,
  SUBPACKET_EXPIRATION_TIME,
  SUBPACKET_ISSUER_KEY_ID,
  SUBPACKET_ISSUER_FINGERPRINT,
]);

/** An issuer subpacket: a key ID, a v4 fingerprint, or a type 33 that names no v4 key. */
export type Issuer =
  { kind: "keyId"; keyId: string } | { kind: "fingerprint"; fingerprint: string } | { kind: "none" };

export interface ParsedSignature {
  /** The whole packet (header + body), exactly the input bytes. */
  packet: Uint8Array;
  /** Offset of the body in `packet` (the header length: 2, 3, 5 or 6). */
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
  /** Signature creation time, seconds (the hashed creation-time subpacket). */
  created: number;
  /** Every issuer subpacket (16, 33) of both areas, hashed area first, in order. */
  issuers: Issuer[];
  /** Issuer key IDs (0x hex, 8 bytes) from both areas, in order. */
  issuerKeyIds: string[];
  /** Issuer fingerprints (0x hex, 20 bytes) from both areas, in order (type 33 naming a v4 key only). */
  issuerFingerprints: string[];
  /** The two left bytes of the signed hash, as stored. */
  left16: Uint8Array;
  values: SignatureValues;
}

/** The signed data form a signature was found to cover. */
export type DataForm = "raw" | "hex";

/** What `checkSignatureAgainstKey` found: the signer and the data the signature covers. */
export interface SignatureMatch {
  signer: SigningKey;
  form: DataForm;
  /** The signed document bytes (the 32 digest bytes, or their 64 lowercase hex characters). */
  data: Uint8Array;
}

function fail(code: ProfileViolationCode, detail: string): never {
  throw new SignatureProfileError(code, detail);
}

const hex2 = (n: number): string => n.toString(16).padStart(2, "0");

/** Rule 1: the packet header; returns the body offset and length. */
function signatureHeader(bytes: Uint8Array): { bodyOffset: number; bodyLength: number } {
  const len = bytes.length;
  if (len === 0) fail("EMPTY", "no signature bytes");
  const t = bytes[0];
  let bodyOffset: number;
  let bodyLength: number;
  const truncated = () => fail("PACKET_LENGTH", "packet header truncated");
  if (t === (0xc0 | PACKET_TAG_SIGNATURE)) {
    if (len < 2) truncated();
    const a = bytes[1];
    if (a < 192) {
      bodyOffset = 2;
      bodyLength = a;
    } else if (a < 224) {
      if (len < 3) truncated();
      bodyOffset = 3;
      bodyLength = ((a - 192) << 8) + bytes[2] + 192;
    } else if (a === 255) {
      if (len < 6) truncated();
      bodyOffset = 6;
      bodyLength = readUint32(bytes, 2);
    } else {
      fail("PACKET_LENGTH", "partial body length is not allowed");
    }
  } else if (t === 0x88) {
    if (len < 2) truncated();
    bodyOffset = 2;
    bodyLength = bytes[1];
  } else if (t === 0x89) {
    if (len < 3) truncated();
    bodyOffset = 3;
    bodyLength = (bytes[1] << 8) | bytes[2];
  } else if (t === 0x8a) {
    if (len < 5) truncated();
    bodyOffset = 5;
    bodyLength = readUint32(bytes, 1);
  } else if (t === 0x8b) {
    fail("PACKET_LENGTH", "old-format packet of indeterminate length");
  } else {
    fail("PACKET_TAG", `first octet 0x${hex2(t)} is not a signature packet (C2, 88, 89 or 8A)`);
  }
  if (bodyOffset + bodyLength > len) {
    fail("PACKET_LENGTH", `packet body of ${bodyLength} bytes runs past the end of the ${len}-byte input`);
  }
  if (bodyOffset + bodyLength !== len) {
    fail(
      "TRAILING_DATA",
      `${len - bodyOffset - bodyLength} bytes after the signature packet; exactly one packet is allowed`,
    );
  }
  if (bodyLength < 6) fail("PACKET_LENGTH", "signature packet body too short");
  return { bodyOffset, bodyLength };
}

/** Parses a signature packet and enforces the key-independent rules 1-6 of the profile. */
export function parseSignaturePacket(bytes: Uint8Array): ParsedSignature {
  const { bodyOffset } = signatureHeader(bytes);
  const body = bytes.subarray(bodyOffset);
  // 2.
  const [version, signatureType, publicKeyAlgorithm, hashAlgorithm] = body;
  if (version !== 4) fail("VERSION", `signature version ${version}, the profile wants 4`);
  if (signatureType !== SIGNATURE_TYPE_BINARY && signatureType !== SIGNATURE_TYPE_TEXT) {
    fail("SIGNATURE_TYPE", `signature type 0x${hex2(signatureType)}, the profile wants 0x00 or 0x01`);
  }
  if (![PK_RSA, PK_ECDSA, PK_EDDSA_LEGACY, PK_ED25519].includes(publicKeyAlgorithm)) {
    fail("PUBLIC_KEY_ALGORITHM", `public-key algorithm ${publicKeyAlgorithm} is outside the profile`);
  }
  if (![HASH_SHA256, HASH_SHA384, HASH_SHA512].includes(hashAlgorithm)) {
    fail("HASH_ALGORITHM", `hash algorithm ${hashAlgorithm}, the profile wants 8, 9 or 10`);
  }
  // 3. framing
  const hashedEnd = 6 + ((body[4] << 8) | body[5]);
  if (hashedEnd + 2 > body.length) fail("SUBPACKETS", "hashed subpacket area runs past the packet");
  const hashedSubpackets = readSubpackets(body.subarray(6, hashedEnd), "hashed area");
  const unhashedEnd = hashedEnd + 2 + ((body[hashedEnd] << 8) | body[hashedEnd + 1]);
  if (unhashedEnd + 2 > body.length) fail("SUBPACKETS", "unhashed subpacket area runs past the packet");
  const unhashedSubpackets = readSubpackets(body.subarray(hashedEnd + 2, unhashedEnd), "unhashed area");
  // 3. critical bits and sizes, in order; collect creation times and issuers
  const issuers: Issuer[] = [];
  let created = 0;
  let creationCount = 0;
  for (const [area, list] of [
    ["hashed", hashedSubpackets],
    ["unhashed", unhashedSubpackets],
  ] as const) {
    for (const sp of list) {
      if (sp.critical && !CRITICAL_ALLOWED.has(sp.type)) {
        fail("SUBPACKET_NOT_ALLOWED", `critical subpacket type ${sp.type} in the ${area} area`);
      }
      if (sp.type === SUBPACKET_CREATION_TIME && area === "hashed") {
        if (sp.body.length !== 4) fail("SUBPACKETS", "signature creation time is not 4 bytes");
        created = readUint32(sp.body, 0);
        creationCount++;
      } else if (sp.type === SUBPACKET_ISSUER_KEY_ID) {
        if (sp.body.length !== 8) fail("SUBPACKETS", "issuer key ID is not 8 bytes");
        issuers.push({ kind: "keyId", keyId: toHex(sp.body) });
      } else if (sp.type === SUBPACKET_ISSUER_FINGERPRINT) {
        issuers.push(
          sp.body.length === 21 && sp.body[0] === 4
            ? { kind: "fingerprint", fingerprint: toHex(sp.body.subarray(1)) }
            : { kind: "none" },
        );
      }
    }
  }
  // 4.
  if (creationCount !== 1) {
    fail(
      "CREATION_TIME",
      `${creationCount} signature creation time subpackets in the hashed area, need exactly 1`,
    );
  }
  // 5.
  if (issuers.length === 0) fail("ISSUER_MISSING", "no issuer fingerprint or issuer key ID subpacket");
  // 6.
  const values = readSignatureValues(publicKeyAlgorithm, body, unhashedEnd + 2);
  if (values === null) {
    fail(
      "MPI",
      `the signature values of algorithm ${publicKeyAlgorithm} are malformed, out of range or followed by other bytes`,
    );
  }
  const hashedPart = body.subarray(0, hashedEnd);
  return {
    packet: bytes,
    bodyOffset,
    version,
    signatureType,
    publicKeyAlgorithm,
    hashAlgorithm,
    hashedPart,
    trailer: concatBytes([Uint8Array.of(0x04, 0xff), uint32be(hashedPart.length)]),
    hashedSubpackets,
    unhashedSubpackets,
    created,
    issuers,
    issuerKeyIds: issuers.flatMap((i) => (i.kind === "keyId" ? [i.keyId] : [])),
    issuerFingerprints: issuers.flatMap((i) => (i.kind === "fingerprint" ? [i.fingerprint] : [])),
    left16: body.subarray(unhashedEnd, unhashedEnd + 2),
    values,
  };
}

/** The bytes the signature's hash covers: data || hashed_part || 04 FF || uint32be(len(hashed_part)). */
export function signedData(data: Uint8Array, sig: ParsedSignature): Uint8Array {
  return concatBytes([data, sig.hashedPart, sig.trailer]);
}

/** h = H(signedData) with the signature's hash algorithm (SHA-256, SHA-384 or SHA-512). */
export function signedHash(data: Uint8Array, sig: ParsedSignature): Uint8Array {
  return profileHash(sig.hashAlgorithm, signedData(data, sig));
}

/** The digest as the 64 lowercase hex characters (ASCII) a text or hex-binary signature covers. */
export function digestHexText(digest: Uint8Array): Uint8Array {
  return new Uint8Array(Buffer.from(Buffer.from(digest).toString("hex"), "ascii"));
}

/** Rule 10's data forms, in the order tried: type 0x00 raw then hex; type 0x01 hex. */
export function dataForms(
  digest: Uint8Array,
  sig: ParsedSignature,
): Array<{ form: DataForm; data: Uint8Array }> {
  const hexForm = { form: "hex" as const, data: digestHexText(digest) };
  return sig.signatureType === SIGNATURE_TYPE_TEXT ? [hexForm] : [{ form: "raw", data: digest }, hexForm];
}

/** Whether issuer `i` names key `k` (fingerprint equal, or key ID equal to its low 8 bytes). */
export function issuerNames(i: Issuer, k: SigningKey): boolean {
  if (i.kind === "keyId") return i.keyId === k.keyId;
  if (i.kind === "fingerprint") return i.fingerprint === k.fingerprint;
  return false;
}

/**
 * Rules 7-11: chooses the signer among the key's signing keys, then algorithm, creation time, RSA length,
 * signed hash and arithmetic, and (for a key without signing subkeys) the issuer last. Returns the signer
 * and the data form, or throws SignatureProfileError (BAD_SIGNATURE when only the arithmetic fails).
 */
export function checkSignatureAgainstKey(
  sig: ParsedSignature,
  key: PrimaryKey,
  digest: Uint8Array,
): SignatureMatch {
  if (digest.length !== 32) throw new RangeError(`digest must be 32 bytes, got ${digest.length}`);
  const candidates = key.signingKeys.length > 0 ? key.signingKeys : [key];
  const withSubkeys = candidates.some((k) => k.subkey);
  // 7.
  let signer: SigningKey;
  if (withSubkeys) {
    const found = candidates.find((c) => sig.issuers.every((i) => issuerNames(i, c)));
    if (found === undefined) {
      fail("ISSUER_MISMATCH", "the issuer subpackets do not all name one signing key of the key");
    }
    signer = found;
  } else {
    signer = candidates[0];
  }
  // 8.
  if (sig.publicKeyAlgorithm !== signer.algorithm) {
    fail(
      "ALGORITHM_MISMATCH",
      `signature algorithm ${sig.publicKeyAlgorithm}, signing key algorithm ${signer.algorithm}`,
    );
  }
  // 9.
  if (sig.created < signer.created) {
    fail(
      "KEY_NEWER_THAN_SIGNATURE",
      `signature made at ${sig.created}, before the signing key was created (${signer.created})`,
    );
  }
  if (
    sig.values.kind === "rsa" &&
    signer.params.kind === "rsa" &&
    sig.values.s.length > signer.params.n.length
  ) {
    fail("MPI", "RSA s is longer than the modulus");
  }
  // 10.
  const matching = dataForms(digest, sig).filter((f) =>
    equalBytes(signedHash(f.data, sig).subarray(0, 2), sig.left16),
  );
  if (matching.length === 0) {
    fail("SIGNED_HASH_MISMATCH", "left 16 bits do not match: the signature is not over this digest");
  }
  // 11.
  const good = matching.find((f) =>
    verifyValues(sig.hashAlgorithm, signedData(f.data, sig), sig.values, signer.params),
  );
  if (good === undefined) {
    fail(
      "BAD_SIGNATURE",
      `the signature does not verify under the ${signer.subkey ? "signing subkey" : "primary key"} ${signer.fingerprint}`,
    );
  }
  // 7, without signing subkeys: the issuer last.
  if (!withSubkeys) {
    for (const i of sig.issuers) {
      if (!issuerNames(i, signer)) {
        fail(
          "ISSUER_MISMATCH",
          `issuer ${i.kind === "keyId" ? i.keyId : i.kind === "fingerprint" ? i.fingerprint : "(no v4 key)"} is not the primary key ${signer.fingerprint}`,
        );
      }
    }
  }
  return { signer, form: good.form, data: good.data };
}

/** Rules 1-11 in order: the signer and data form, or SignatureProfileError. */
export function checkDigestSignature(
  digest: Uint8Array,
  signature: Uint8Array,
  key: PrimaryKey,
): SignatureMatch {
  return checkSignatureAgainstKey(parseSignaturePacket(signature), key, digest);
}
