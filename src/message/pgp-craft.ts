import { createHash, createPrivateKey, sign as cryptoSign } from "node:crypto";
import type * as openpgp from "openpgp";
import { getBytes } from "ethers";
import { HASH_SHA256, PK_ECDSA, PK_ED25519, PK_RSA } from "./pgp-key";
import {
  SUBPACKET_CREATION_TIME,
  SUBPACKET_ISSUER_FINGERPRINT,
  SUBPACKET_ISSUER_KEY_ID,
  SUBPACKET_NOTATION,
  P256_N,
} from "./pgp-profile";
import { concatBytes, leftPad, packetHeader, toHex, uint32be, writeMpi, writeSubpacket } from "./pgp-packets";
import type { Subpacket } from "./pgp-packets";
import { lowS } from "./pgp-raw";

/**
 * Builds OpenPGP signature packets field by field, with correct arithmetic, from an openpgp.js private
 * key (RSA, ECDSA P-256 or Ed25519). For test vectors, differential tests, demos and fault injection:
 * it makes signatures that break exactly one profile rule (wrong type, wrong hash, subkey issuer, ...)
 * yet verify mathematically. Honest clients use signDigest.
 */

const HASH_NAMES: Record<number, string> = {
  2: "sha1",
  8: "sha256",
  9: "sha384",
  10: "sha512",
  11: "sha224",
};

export interface CraftOptions {
  /** Sign with this subkey (index into key.getSubkeys()) instead of the primary key. */
  subkeyIndex?: number;
  version?: number;
  signatureType?: number;
  hashAlgorithm?: number;
  /** The algorithm byte written in the packet (default: the signing key's). */
  publicKeyAlgorithm?: number;
  /** Signature creation time, seconds (default: now). */
  created?: number;
  /** Default: creation time (critical), issuer key ID, issuer fingerprint of the signing key. */
  hashedSubpackets?: Subpacket[];
  /** Default: none. */
  unhashedSubpackets?: Subpacket[];
  /** ECDSA only: force a high (true) or low (false) s; default: whatever node:crypto made. */
  highS?: boolean;
}

interface KeyPacketLike {
  algorithm: number;
  publicParams: Record<string, Uint8Array | { toHex(): string } | undefined>;
  privateParams: Record<string, Uint8Array> | null;
  getFingerprintBytes(): Uint8Array;
  getKeyID(): { toHex(): string };
}

export const creationTimeSubpacket = (t: number, critical = true): Subpacket => ({
  type: SUBPACKET_CREATION_TIME,
  critical,
  body: uint32be(t),
});
export const issuerKeyIdSubpacket = (keyId: string | Uint8Array): Subpacket => ({
  type: SUBPACKET_ISSUER_KEY_ID,
  critical: false,
  body: typeof keyId === "string" ? getBytes(keyId) : keyId,
});
export const issuerFingerprintSubpacket = (fingerprint: string | Uint8Array): Subpacket => ({
  type: SUBPACKET_ISSUER_FINGERPRINT,
  critical: false,
  body: concatBytes([
    Uint8Array.of(4),
    typeof fingerprint === "string" ? getBytes(fingerprint) : fingerprint,
  ]),
});
export function notationSubpacket(name: string, value: Uint8Array, critical = false): Subpacket {
  const n = Buffer.from(name, "utf8");
  const body = concatBytes([
    Uint8Array.of(0x80, 0, 0, 0, n.length >> 8, n.length & 0xff, value.length >> 8, value.length & 0xff),
    n,
    value,
  ]);
  return { type: SUBPACKET_NOTATION, critical, body };
}

function signingPacket(key: openpgp.PrivateKey, subkeyIndex?: number): KeyPacketLike {
  const packet = subkeyIndex === undefined ? key.keyPacket : key.getSubkeys()[subkeyIndex]?.keyPacket;
  if (!packet) throw new Error(`no subkey ${subkeyIndex}`);
  const p = packet as unknown as KeyPacketLike;
  if (!p.privateParams) throw new Error("the private key is not decrypted");
  return p;
}

function b64url(b: Uint8Array): string {
  return Buffer.from(b).toString("base64url");
}

function big(b: Uint8Array): bigint {
  return BigInt(toHex(b));
}

function bytesOf(n: bigint, length: number): Uint8Array {
  return Uint8Array.from(Buffer.from(n.toString(16).padStart(length * 2, "0"), "hex"));
}

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [((a % m) + m) % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

/** Signs `data` (normally the 32 digest bytes) into a signature packet built from `options`. */
export function craftSignature(
  data: Uint8Array,
  key: openpgp.PrivateKey,
  options: CraftOptions = {},
): Uint8Array {
  const kp = signingPacket(key, options.subkeyIndex);
  const hashAlgorithm = options.hashAlgorithm ?? HASH_SHA256;
  const hashName = HASH_NAMES[hashAlgorithm];
  if (!hashName) throw new Error(`unsupported hash algorithm ${hashAlgorithm}`);
  const created = options.created ?? Math.floor(Date.now() / 1000);
  const hashed = options.hashedSubpackets ?? [
    creationTimeSubpacket(created),
    issuerKeyIdSubpacket("0x" + kp.getKeyID().toHex()),
    issuerFingerprintSubpacket(kp.getFingerprintBytes()),
  ];
  const hashedBytes = concatBytes(hashed.map(writeSubpacket));
  const unhashedBytes = concatBytes((options.unhashedSubpackets ?? []).map(writeSubpacket));
  const hashedPart = concatBytes([
    Uint8Array.of(
      options.version ?? 4,
      options.signatureType ?? 0,
      options.publicKeyAlgorithm ?? kp.algorithm,
      hashAlgorithm,
      hashedBytes.length >> 8,
      hashedBytes.length & 0xff,
    ),
    hashedBytes,
  ]);
  const toSign = concatBytes([data, hashedPart, Uint8Array.of(0x04, 0xff), uint32be(hashedPart.length)]);
  const h = new Uint8Array(createHash(hashName).update(toSign).digest());

  const pub = kp.publicParams;
  const priv = kp.privateParams as Record<string, Uint8Array>;
  let material: Uint8Array;
  if (kp.algorithm === PK_RSA) {
    const n = pub.n as Uint8Array;
    const [p, q, d] = [big(priv.p), big(priv.q), big(priv.d)];
    const jwk = {
      kty: "RSA",
      n: b64url(n),
      e: b64url(pub.e as Uint8Array),
      d: b64url(priv.d),
      p: b64url(priv.p),
      q: b64url(priv.q),
      dp: b64url(bytesOf(d % (p - 1n), priv.p.length)),
      dq: b64url(bytesOf(d % (q - 1n), priv.q.length)),
      qi: b64url(bytesOf(modInverse(q, p), priv.p.length)),
    };
    const s = cryptoSign(hashName, toSign, createPrivateKey({ key: jwk, format: "jwk" }));
    material = writeMpi(new Uint8Array(s));
  } else if (kp.algorithm === PK_ECDSA) {
    const qBytes = pub.Q as Uint8Array;
    const jwk = {
      kty: "EC",
      crv: "P-256",
      x: b64url(qBytes.subarray(1, 33)),
      y: b64url(qBytes.subarray(33, 65)),
      d: b64url(leftPad(priv.d, 32)),
    };
    const rs = cryptoSign(hashName, toSign, {
      key: createPrivateKey({ key: jwk, format: "jwk" }),
      dsaEncoding: "ieee-p1363",
    });
    let s: Uint8Array = new Uint8Array(rs.subarray(32, 64));
    if (options.highS !== undefined) {
      s = lowS(s);
      if (options.highS) s = bytesOf(P256_N - big(s), 32);
    }
    material = concatBytes([writeMpi(new Uint8Array(rs.subarray(0, 32))), writeMpi(s)]);
  } else if (kp.algorithm === PK_ED25519) {
    const jwk = { kty: "OKP", crv: "Ed25519", x: b64url(pub.A as Uint8Array), d: b64url(priv.seed) };
    material = new Uint8Array(cryptoSign(null, h, createPrivateKey({ key: jwk, format: "jwk" })));
  } else {
    throw new Error(`cannot craft signatures for public-key algorithm ${kp.algorithm}`);
  }
  const body = concatBytes([
    hashedPart,
    Uint8Array.of(unhashedBytes.length >> 8, unhashedBytes.length & 0xff),
    unhashedBytes,
    h.subarray(0, 2),
    material,
  ]);
  return concatBytes([packetHeader(2, body.length), body]);
}
