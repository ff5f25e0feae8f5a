import { keccak256 } from "ethers";
import { KeyProfileError, checkKeyProfile } from "../keys/profile";
import type { SigningKeyInfo } from "../keys/profile";
import type { KeyMaterial } from "../keys/signature-math";
import { SignatureProfileError } from "./pgp-packets";

/**
 * The signing keys of a transferable public key (docs/client-profile.md section 1), read after the whole
 * key passed the key profile (`checkKeyProfile`, src/keys/profile.ts: the same verdict as KeyRegistry.addKey
 * and the verifier, every packet checked, subkey bindings verified): the primary key and every signing
 * subkey, each v4 with an algorithm the profile allows:
 * - RSA (1): MPI n (2048 to 4096 bits), MPI e = 65537;
 * - ECDSA (19) on NIST P-256: OID 2A 86 48 CE 3D 03 01 07, MPI 04 || x || y (515 bits), on the curve;
 * - EdDSA legacy (22) on Ed25519: OID 2B 06 01 04 01 DA 47 0F 01, MPI 40 || A (263 bits), A canonical;
 * - Ed25519 (27, RFC 9580): 32 raw bytes, canonical.
 */

export {
  PK_RSA,
  PK_ECDSA,
  PK_EDDSA_LEGACY,
  PK_ED25519,
  HASH_SHA256,
  HASH_SHA384,
  HASH_SHA512,
} from "../keys/signature-math";

export const P256_OID = Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07);
export const MIN_RSA_BITS = 2048;

/** The public key material of a signing key (RSA n, e; P-256 x, y; Ed25519 A for algorithms 22 and 27). */
export type PrimaryKeyParams = KeyMaterial;

/** A key that may sign messages: the primary key or a signing subkey. */
export interface SigningKey {
  /** False for the primary key. */
  subkey: boolean;
  /** Public-key algorithm id (1, 19, 22 or 27). */
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

/** The primary key, with every signing key of the key (itself first, then the signing subkeys in key order). */
export interface PrimaryKey extends SigningKey {
  signingKeys: SigningKey[];
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
 * Checks the key against the key profile and returns its primary key with the key's signing keys; throws
 * SignatureProfileError("KEY") for anything outside the profile (the detail names the contract's error).
 */
export function parsePrimaryKey(keyBytes: Uint8Array): PrimaryKey {
  let profile;
  try {
    profile = checkKeyProfile(keyBytes);
  } catch (e) {
    if (e instanceof KeyProfileError) throw new SignatureProfileError("KEY", `${e.message} (${e.error})`);
    throw e;
  }
  const signingKeys = profile.signingKeys.map(signingKey);
  return { ...signingKeys[0], signingKeys };
}

function signingKey(k: SigningKeyInfo): SigningKey {
  return {
    subkey: k.subkey,
    algorithm: k.algorithm,
    created: k.created,
    fingerprint: k.fingerprint,
    keyId: k.keyId,
    bodyOffset: k.bodyOffset,
    bodyLength: k.bodyLength,
    params: k.material,
  };
}
