/**
 * The signature arithmetic of the client profile (docs/client-profile.md, section 2 rule 11), done the
 * way the chain does it, independent of openpgp.js: RSASSA-PKCS1-v1_5 with both DigestInfo forms (BigInt
 * modular exponentiation), ECDSA P-256 over the leftmost 256 bits of the hash (both s accepted), and
 * Ed25519 with strict decoding and the cofactored equation. Also the hash functions and the signature
 * value reader (rule 6) shared by message signatures and subkey binding signatures.
 *
 * Pure and synchronous. Every function returns false / null on bad input; none throws on attacker bytes.
 */

import { constants, createHash, createPublicKey, publicDecrypt, verify as cryptoVerify } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519";
import { p256 } from "@noble/curves/p256";

export const PK_RSA = 1;
export const PK_ECDSA = 19;
export const PK_EDDSA_LEGACY = 22;
export const PK_ED25519 = 27;

export const HASH_SHA256 = 8;
export const HASH_SHA384 = 9;
export const HASH_SHA512 = 10;

/** node:crypto names of the hash algorithms the profile admits. */
export const PROFILE_HASHES: Readonly<Record<number, "sha256" | "sha384" | "sha512">> = {
  [HASH_SHA256]: "sha256",
  [HASH_SHA384]: "sha384",
  [HASH_SHA512]: "sha512",
};

/** Order of the P-256 group. */
export const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
/** Order of the Ed25519 prime-order subgroup. */
export const ED25519_L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** The public material of a signing key (primary key or signing subkey). */
export type KeyMaterial =
  | { kind: "rsa"; n: Uint8Array; e: Uint8Array; bits: number }
  | { kind: "p256"; x: Uint8Array; y: Uint8Array }
  /** Ed25519, for both algorithm 22 (EdDSA legacy, the `40` prefix removed) and 27. */
  | { kind: "ed25519"; a: Uint8Array };

/** The values of a signature (rule 6): RSA s, ECDSA (r, s), Ed25519 R || S (64 octets). */
export type SignatureValues =
  | { kind: "rsa"; s: Uint8Array }
  | { kind: "ecdsa"; r: Uint8Array; s: Uint8Array }
  | { kind: "ed25519"; signature: Uint8Array };

/** Hash `data` with an admitted hash algorithm (8, 9, 10). */
export function profileHash(hashAlgorithm: number, data: Uint8Array): Uint8Array {
  const name = PROFILE_HASHES[hashAlgorithm];
  if (name === undefined) throw new RangeError(`hash algorithm ${hashAlgorithm} is outside the profile`);
  return new Uint8Array(createHash(name).update(data).digest());
}

const big = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt("0x" + Buffer.from(b).toString("hex")));

function bytesOf(n: bigint, length: number): Uint8Array {
  return Uint8Array.from(Buffer.from(n.toString(16).padStart(length * 2, "0"), "hex"));
}

/** The value's octets without leading zero octets. */
export function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return b.subarray(i);
}

/**
 * Reads an MPI at `offset` the way the profile does (rule 6): a 2-octet bit count b and ceil(b/8) octets,
 * whose value is those octets (leading zero bits and octets allowed). Null when truncated.
 */
export function readLooseMpi(body: Uint8Array, offset: number): { value: Uint8Array; next: number } | null {
  if (offset + 2 > body.length) return null;
  const bits = (body[offset] << 8) | body[offset + 1];
  const next = offset + 2 + ((bits + 7) >> 3);
  if (next > body.length) return null;
  return { value: body.subarray(offset + 2, next), next };
}

/**
 * Rule 6: the signature values of public-key algorithm `algorithm` at `offset`, filling `body` exactly.
 * RSA: one MPI (value with leading zeros stripped); ECDSA: two MPIs with 0 < r, s < N; EdDSA legacy: two
 * MPIs of at most 32 significant octets each, left-padded to R || S; Ed25519: 64 octets. Null otherwise.
 */
export function readSignatureValues(
  algorithm: number,
  body: Uint8Array,
  offset: number,
): SignatureValues | null {
  let values: SignatureValues;
  let next: number;
  if (algorithm === PK_RSA) {
    const s = readLooseMpi(body, offset);
    if (s === null) return null;
    values = { kind: "rsa", s: stripZeros(s.value) };
    next = s.next;
  } else if (algorithm === PK_ECDSA || algorithm === PK_EDDSA_LEGACY) {
    const r = readLooseMpi(body, offset);
    if (r === null) return null;
    const s = readLooseMpi(body, r.next);
    if (s === null) return null;
    const [rv, sv] = [stripZeros(r.value), stripZeros(s.value)];
    if (rv.length > 32 || sv.length > 32) return null;
    if (algorithm === PK_ECDSA) {
      const [ri, si] = [big(rv), big(sv)];
      if (ri === 0n || si === 0n || ri >= P256_N || si >= P256_N) return null;
      values = { kind: "ecdsa", r: rv, s: sv };
    } else {
      const signature = new Uint8Array(64);
      signature.set(rv, 32 - rv.length);
      signature.set(sv, 64 - sv.length);
      values = { kind: "ed25519", signature };
    }
    next = s.next;
  } else if (algorithm === PK_ED25519) {
    if (offset + 64 > body.length) return null;
    values = { kind: "ed25519", signature: body.subarray(offset, offset + 64) };
    next = offset + 64;
  } else {
    return null;
  }
  return next === body.length ? values : null;
}

/** DER DigestInfo prefixes (with NULL parameters, then without) of SHA-256, SHA-384, SHA-512. */
const DIGEST_INFO: Readonly<Record<number, readonly [string, string]>> = {
  [HASH_SHA256]: ["3031300d060960864801650304020105000420", "302f300b0609608648016503040201" + "0420"],
  [HASH_SHA384]: ["3041300d060960864801650304020205000430", "303f300b0609608648016503040202" + "0430"],
  [HASH_SHA512]: ["3051300d060960864801650304020305000440", "304f300b0609608648016503040203" + "0440"],
};

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

const rsaKeys = new Map<string, KeyObject | null>();
const RSA_KEY_CACHE = 256;

/** node:crypto's key for (n, e), or null when OpenSSL refuses it (then the BigInt path answers). */
function rsaKeyObject(n: Uint8Array, e: Uint8Array): KeyObject | null {
  const nb = Buffer.from(n).toString("base64url");
  const eb = Buffer.from(e).toString("base64url");
  const id = `${nb}.${eb}`;
  let k = rsaKeys.get(id);
  if (k === undefined) {
    try {
      k = createPublicKey({ key: { kty: "RSA", n: nb, e: eb }, format: "jwk" });
    } catch {
      k = null;
    }
    if (rsaKeys.size >= RSA_KEY_CACHE) rsaKeys.delete(rsaKeys.keys().next().value as string);
    rsaKeys.set(id, k);
  }
  return k;
}

/**
 * s^e mod n as k octets, hex. OpenSSL's raw RSA (RSA_NO_PADDING: nothing checked, nothing stripped) when it
 * takes the key, else BigInt square-and-multiply: the same number either way (test/crypto checks both).
 */
export function rsaPublic(
  n: Uint8Array,
  e: Uint8Array,
  si: bigint,
  ni: bigint,
  ei: bigint,
  k: number,
): string {
  const key = rsaKeyObject(n, e);
  if (key !== null) {
    try {
      return publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, Buffer.from(bytesOf(si, k))).toString(
        "hex",
      );
    } catch {
      // OpenSSL refused this key or value (e.g. an even exponent): the arithmetic below decides.
    }
  }
  return rsaPublicBigInt(si, ei, ni, k);
}

/** s^e mod n as k octets, hex, in BigInt arithmetic (the reference the OpenSSL path is tested against). */
export function rsaPublicBigInt(si: bigint, ei: bigint, ni: bigint, k: number): string {
  return Buffer.from(bytesOf(modPow(si, ei, ni), k)).toString("hex");
}

/**
 * RSASSA-PKCS1-v1_5: s^e mod n, as k octets (k = the modulus length), equals
 * `00 01 FF.. 00 || DigestInfo(H) || h` for one of the two DigestInfo forms. s >= n is invalid.
 */
export function rsaPkcs1Verify(
  hashAlgorithm: number,
  h: Uint8Array,
  s: Uint8Array,
  n: Uint8Array,
  e: Uint8Array,
): boolean {
  const forms = DIGEST_INFO[hashAlgorithm];
  if (forms === undefined) return false;
  const modulus = stripZeros(n);
  const k = modulus.length;
  const ni = big(modulus);
  const si = big(s);
  if (ni === 0n || si >= ni) return false;
  const em = rsaPublic(modulus, stripZeros(e), si, ni, big(e), k);
  const hh = Buffer.from(h).toString("hex");
  for (const di of forms) {
    const tLen = di.length / 2 + h.length;
    if (k < tLen + 11) continue;
    const want = "0001" + "ff".repeat(k - tLen - 3) + "00" + di + hh;
    if (em === want) return true;
  }
  return false;
}

/**
 * ECDSA P-256 over the leftmost 256 bits of h = H(signed); (r, s) and (r, N - s) equally valid. Done by
 * node:crypto (OpenSSL truncates SHA-384/512 to the order's 256 bits, FIPS 186, and accepts both s):
 * `hashAlgorithm` and the signed bytes, not h, are its input.
 */
export function p256Verify(
  hashAlgorithm: number,
  signed: Uint8Array,
  r: Uint8Array,
  s: Uint8Array,
  key: { x: Uint8Array; y: Uint8Array },
): boolean {
  const name = PROFILE_HASHES[hashAlgorithm];
  if (name === undefined) return false;
  const ri = big(r);
  const si = big(s);
  if (ri === 0n || si === 0n || ri >= P256_N || si >= P256_N) return false;
  try {
    const rs = Buffer.concat([bytesOf(ri, 32), bytesOf(si, 32)]);
    return cryptoVerify(name, signed, { key: p256KeyObject(key), dsaEncoding: "ieee-p1363" }, rs);
  } catch {
    return false;
  }
}

/** The same check with @noble/curves over h (independent of OpenSSL; for tests). */
export function p256VerifyHash(
  h: Uint8Array,
  r: Uint8Array,
  s: Uint8Array,
  x: Uint8Array,
  y: Uint8Array,
): boolean {
  try {
    const ri = big(r);
    const si = big(s);
    if (ri === 0n || si === 0n || ri >= P256_N || si >= P256_N) return false;
    const q = new Uint8Array(65);
    q[0] = 4;
    q.set(x, 1 + 32 - x.length);
    q.set(y, 33 + 32 - y.length);
    return p256.verify(new p256.Signature(ri, si), h.subarray(0, 32), q, { lowS: false, prehash: false });
  } catch {
    return false;
  }
}

const keyObjects = new WeakMap<object, KeyObject>();

function p256KeyObject(key: { x: Uint8Array; y: Uint8Array }): KeyObject {
  let k = keyObjects.get(key);
  if (k === undefined) {
    const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64url");
    k = createPublicKey({ key: { kty: "EC", crv: "P-256", x: b64(key.x), y: b64(key.y) }, format: "jwk" });
    keyObjects.set(key, k);
  }
  return k;
}

function ed25519KeyObject(key: { a: Uint8Array }): KeyObject {
  let k = keyObjects.get(key);
  if (k === undefined) {
    k = createPublicKey({
      key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(key.a).toString("base64url") },
      format: "jwk",
    });
    keyObjects.set(key, k);
  }
  return k;
}

type EdPoint = InstanceType<typeof ed25519.ExtendedPoint>;

/**
 * Decodes an Ed25519 point encoding strictly (section 1): y < p, on the curve, not x = 0 with the sign bit
 * set. Null when not canonical.
 */
export function decodeEd25519Point(bytes: Uint8Array): EdPoint | null {
  if (bytes.length !== 32) return null;
  try {
    return ed25519.ExtendedPoint.fromHex(bytes); // strict (RFC 8032) decoding: zip215 off
  } catch {
    return null;
  }
}

/** Whether `bytes` is a canonical Ed25519 point encoding (the key profile's rule). */
export function isCanonicalEd25519Point(bytes: Uint8Array): boolean {
  return decodeEd25519Point(bytes) !== null;
}

function littleEndian(b: Uint8Array): bigint {
  return big(Uint8Array.from(b).reverse());
}

/**
 * Ed25519 (algorithms 22 and 27) over the message `m` (the whole signed hash h): A and R decoded
 * strictly, S < L, k = SHA-512(R || A || m) mod L, valid iff [8]([S]B - R - [k]A) is the identity.
 */
export function ed25519Verify(a: Uint8Array, signature: Uint8Array, m: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  const A = decodeEd25519Point(a);
  const rBytes = signature.subarray(0, 32);
  const R = decodeEd25519Point(rBytes);
  if (A === null || R === null) return false;
  const S = littleEndian(signature.subarray(32, 64));
  if (S >= ED25519_L) return false;
  const k =
    littleEndian(new Uint8Array(createHash("sha512").update(rBytes).update(a).update(m).digest())) %
    ED25519_L;
  const sb = ed25519.ExtendedPoint.BASE.multiplyUnsafe(S);
  const ka = A.multiplyUnsafe(k);
  return sb.subtract(R).subtract(ka).multiplyUnsafe(8n).equals(ed25519.ExtendedPoint.ZERO);
}

/**
 * The arithmetic of rule 11 for values `v` over the signed bytes `signed` (data || hashed part || trailer)
 * with hash algorithm `hashAlgorithm` (h = H(signed)).
 */
export function verifyValues(
  hashAlgorithm: number,
  signed: Uint8Array,
  v: SignatureValues,
  key: KeyMaterial,
): boolean {
  if (PROFILE_HASHES[hashAlgorithm] === undefined) return false;
  if (v.kind === "ecdsa" && key.kind === "p256") return p256Verify(hashAlgorithm, signed, v.r, v.s, key);
  const h = profileHash(hashAlgorithm, signed);
  if (v.kind === "rsa" && key.kind === "rsa") return rsaPkcs1Verify(hashAlgorithm, h, v.s, key.n, key.e);
  if (v.kind === "ed25519" && key.kind === "ed25519") {
    // Fast path: OpenSSL's check (cofactorless, S < L, R compared as encoded) accepts only signatures the
    // cofactored equation accepts; what it refuses is decided by the cofactored equation itself.
    try {
      if (cryptoVerify(null, h, ed25519KeyObject(key), v.signature)) return true;
    } catch {
      // fall through
    }
    return ed25519Verify(key.a, v.signature, h);
  }
  return false;
}
