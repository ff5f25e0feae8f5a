import { createHash } from "node:crypto";
import { keccak256 } from "ethers";
import { KeyProfileError, checkKeyProfile } from "../keys/profile";
import {
  PACKET_TAG_PUBLIC_KEY,
  SignatureProfileError,
  concatBytes,
  readMpi,
  readPacketHeader,
  readUint32,
  toHex,
} from "./pgp-packets";

/**
 * The primary key packet of a transferable public key, read the way the slashing contract reads it
 * (DESIGN section 9), after the whole key passed the key profile (`checkKeyProfile`, src/keys/profile.ts:
 * the same verdict as KeyRegistry.addKey and the verifier, every packet checked). The first packet of the
 * key bytes is then a new-format public key packet (0xC6), version 4, with an algorithm the profile allows:
 * - RSA (1): MPI n (2048 to 4096 bits), MPI e = 65537;
 * - ECDSA (19) on NIST P-256: OID 2A 86 48 CE 3D 03 01 07, MPI 04 || x || y (515 bits), on the curve;
 * - Ed25519 (27, RFC 9580): 32 raw bytes. (EdDSA legacy, 22, cannot make a SHA-256 signature with
 *   openpgp.js 6 and is outside the profile.)
 */

export const PK_RSA = 1;
export const PK_ECDSA = 19;
export const PK_EDDSA_LEGACY = 22;
export const PK_ED25519 = 27;
export const HASH_SHA256 = 8;

export const P256_OID = Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07);
export const MIN_RSA_BITS = 2048;

export type PrimaryKeyParams =
  | { kind: "rsa"; n: Uint8Array; e: Uint8Array; bits: number }
  | { kind: "p256"; x: Uint8Array; y: Uint8Array }
  | { kind: "ed25519"; a: Uint8Array };

export interface PrimaryKey {
  /** Public-key algorithm id (1, 19 or 27). */
  algorithm: number;
  /** Key creation time, seconds (uint32 in the packet). */
  created: number;
  /** v4 fingerprint: sha1(0x99 || uint16be(bodyLength) || body), 0x hex of 20 bytes. */
  fingerprint: string;
  /** Key ID: the low 8 bytes of the fingerprint, 0x hex. */
  keyId: string;
  /** Offset and length of the packet body inside the key bytes. */
  bodyOffset: number;
  bodyLength: number;
  params: PrimaryKeyParams;
}

/** `keyHash = keccak256(canonical binary public key)` (DESIGN section 3). */
export function keyHashOf(publicKeyBytes: Uint8Array): string {
  // Memoised by content: checkMessage hashes the same registered keys for every message they sign.
  const id = Buffer.from(
    publicKeyBytes.buffer,
    publicKeyBytes.byteOffset,
    publicKeyBytes.byteLength,
  ).toString("base64");
  let h = keyHashes.get(id);
  if (h === undefined) {
    h = keccak256(publicKeyBytes);
    if (keyHashes.size >= 4096) keyHashes.clear();
    keyHashes.set(id, h);
  }
  return h;
}

const keyHashes = new Map<string, string>();

/**
 * Checks the key against the key profile and parses its primary key packet; throws
 * SignatureProfileError("KEY") for anything outside the profile (the detail names the contract's error).
 */
export function parsePrimaryKey(keyBytes: Uint8Array): PrimaryKey {
  try {
    checkKeyProfile(keyBytes);
  } catch (e) {
    if (e instanceof KeyProfileError) throw new SignatureProfileError("KEY", `${e.message} (${e.error})`);
    throw e;
  }
  if (keyBytes.length === 0) throw new SignatureProfileError("KEY", "no key bytes");
  if (keyBytes[0] !== (0xc0 | PACKET_TAG_PUBLIC_KEY)) {
    throw new SignatureProfileError(
      "KEY",
      "the key does not start with a new-format public key packet (0xC6)",
    );
  }
  let h;
  try {
    h = readPacketHeader(keyBytes, 0, "KEY");
  } catch (e) {
    throw new SignatureProfileError("KEY", `primary key packet: ${(e as Error).message}`);
  }
  const bodyOffset = h.headerLength;
  const body = keyBytes.subarray(bodyOffset, bodyOffset + h.bodyLength);
  if (body.length < 6) throw new SignatureProfileError("KEY", "primary key packet too short");
  if (body[0] !== 4) throw new SignatureProfileError("KEY", `primary key version ${body[0]} is not 4`);
  const created = readUint32(body, 1);
  const algorithm = body[5];
  let params: PrimaryKeyParams;
  let end: number;
  if (algorithm === PK_RSA) {
    const n = readMpi(body, 6, "KEY", "n");
    const e = readMpi(body, n.next, "KEY", "e");
    const bits = (n.value.length - 1) * 8 + (32 - Math.clz32(n.value[0]));
    if (bits < MIN_RSA_BITS)
      throw new SignatureProfileError("KEY", `RSA modulus of ${bits} bits, below 2048`);
    params = { kind: "rsa", n: n.value, e: e.value, bits };
    end = e.next;
  } else if (algorithm === PK_ECDSA) {
    const oidLen = body[6];
    const oid = body.subarray(7, 7 + oidLen);
    if (oidLen !== P256_OID.length || !oid.every((b, i) => b === P256_OID[i])) {
      throw new SignatureProfileError("KEY", "ECDSA key on a curve other than NIST P-256");
    }
    const q = readMpi(body, 7 + oidLen, "KEY", "Q");
    if (q.value.length !== 65 || q.value[0] !== 0x04) {
      throw new SignatureProfileError("KEY", "P-256 point is not an uncompressed 04 || x || y");
    }
    params = { kind: "p256", x: q.value.subarray(1, 33), y: q.value.subarray(33, 65) };
    end = q.next;
  } else if (algorithm === PK_ED25519) {
    if (body.length < 6 + 32) throw new SignatureProfileError("KEY", "Ed25519 key truncated");
    params = { kind: "ed25519", a: body.subarray(6, 38) };
    end = 38;
  } else {
    throw new SignatureProfileError(
      "KEY",
      `public-key algorithm ${algorithm} is outside the profile (RSA 1, ECDSA P-256 19, Ed25519 27)`,
    );
  }
  if (end !== body.length) throw new SignatureProfileError("KEY", "trailing bytes in the primary key packet");
  const fp = createHash("sha1")
    .update(concatBytes([Uint8Array.of(0x99, body.length >> 8, body.length & 0xff), body]))
    .digest();
  const fingerprint = toHex(fp);
  return {
    algorithm,
    created,
    fingerprint,
    keyId: "0x" + fingerprint.slice(2 + 24),
    bodyOffset,
    bodyLength: body.length,
    params,
  };
}
