import { createHash, createPrivateKey, sign as cryptoSign } from "node:crypto";
import type * as openpgp from "openpgp";
import { getBytes } from "ethers";
import { HASH_SHA256, PK_ECDSA, PK_ED25519, PK_EDDSA_LEGACY, PK_RSA } from "./pgp-key";
import { listPackets } from "../keys/packets";
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
 * key (RSA, ECDSA P-256, EdDSA legacy or Ed25519), and keys whose subkey bindings are crafted the same way. For test vectors, differential tests, demos and fault injection:
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
  /** Header: "new" (default, minimal), or an old-format length type 0, 1, 2 (one, two, four octets). */
  header?: "new" | 0 | 1 | 2;
  /** Write each MPI with this many extra leading zero octets (counted in its bit count). Default 0. */
  mpiPadding?: number;
  /** Replace the two left bytes of the signed hash. */
  left16?: Uint8Array;
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

/** Signs `toSign` (the hashed bytes) with the key packet: the values part of a signature body. */
function signValues(
  kp: KeyPacketLike,
  hashName: string,
  toSign: Uint8Array,
  h: Uint8Array,
  options: { highS?: boolean; mpiPadding?: number },
): Uint8Array {
  const pub = kp.publicParams;
  const priv = kp.privateParams as Record<string, Uint8Array>;
  const mpi = (v: Uint8Array) => paddedMpi(v, options.mpiPadding ?? 0);
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
    return mpi(new Uint8Array(s));
  }
  if (kp.algorithm === PK_ECDSA) {
    const qBytes = pub.Q as Uint8Array;
    const jwk = {
      kty: "EC",
      crv: "P-256",
      x: b64url(qBytes.subarray(1, 33)),
      y: b64url(qBytes.subarray(33, 65)),
      d: b64url(leftPad(priv.d, 32)),
    };
    // OpenSSL's ECDSA signs the leftmost 256 bits of h (FIPS 186 truncation for SHA-384/512).
    const rs = cryptoSign(hashName, toSign, {
      key: createPrivateKey({ key: jwk, format: "jwk" }),
      dsaEncoding: "ieee-p1363",
    });
    let s: Uint8Array = new Uint8Array(rs.subarray(32, 64));
    if (options.highS !== undefined) {
      s = lowS(s);
      if (options.highS) s = bytesOf(P256_N - big(s), 32);
    }
    return concatBytes([mpi(new Uint8Array(rs.subarray(0, 32))), mpi(s)]);
  }
  if (kp.algorithm === PK_ED25519 || kp.algorithm === PK_EDDSA_LEGACY) {
    const a = kp.algorithm === PK_ED25519 ? (pub.A as Uint8Array) : (pub.Q as Uint8Array).subarray(1);
    const jwk = { kty: "OKP", crv: "Ed25519", x: b64url(a), d: b64url(leftPad(priv.seed, 32)) };
    const sig = new Uint8Array(cryptoSign(null, h, createPrivateKey({ key: jwk, format: "jwk" })));
    if (kp.algorithm === PK_ED25519) return sig;
    return concatBytes([mpi(sig.subarray(0, 32)), mpi(sig.subarray(32, 64))]);
  }
  throw new Error(`cannot craft signatures for public-key algorithm ${kp.algorithm}`);
}

/** An MPI with `padding` extra zero octets in front (bit count = 8 * octets when padded). */
function paddedMpi(value: Uint8Array, padding: number): Uint8Array {
  if (padding === 0) return writeMpi(value);
  const stripped = writeMpi(value).subarray(2);
  const bytes = concatBytes([new Uint8Array(padding), stripped]);
  const bits = bytes.length * 8;
  return concatBytes([Uint8Array.of(bits >> 8, bits & 0xff), bytes]);
}

/** A packet header of the requested form for a body of `length` bytes. */
function headerOf(tag: number, length: number, form: "new" | 0 | 1 | 2 = "new"): Uint8Array {
  if (form === "new") return packetHeader(tag, length);
  const t = 0x80 | (tag << 2) | form;
  if (form === 0) return Uint8Array.of(t, length);
  if (form === 1) return Uint8Array.of(t, length >> 8, length & 0xff);
  return concatBytes([Uint8Array.of(t), uint32be(length)]);
}

/** A signature body: hashed part, unhashed area, left 16 bits, values, over `prefix` (the signed data). */
function signatureBody(
  kp: KeyPacketLike,
  prefix: Uint8Array,
  fields: { version: number; type: number; publicKeyAlgorithm: number; hashAlgorithm: number },
  hashed: Subpacket[],
  unhashed: Subpacket[],
  options: { highS?: boolean; mpiPadding?: number; left16?: Uint8Array },
): Uint8Array {
  const hashName = HASH_NAMES[fields.hashAlgorithm];
  if (!hashName) throw new Error(`unsupported hash algorithm ${fields.hashAlgorithm}`);
  const hashedBytes = concatBytes(hashed.map(writeSubpacket));
  const unhashedBytes = concatBytes(unhashed.map(writeSubpacket));
  const hashedPart = concatBytes([
    Uint8Array.of(
      fields.version,
      fields.type,
      fields.publicKeyAlgorithm,
      fields.hashAlgorithm,
      hashedBytes.length >> 8,
      hashedBytes.length & 0xff,
    ),
    hashedBytes,
  ]);
  const toSign = concatBytes([prefix, hashedPart, Uint8Array.of(0x04, 0xff), uint32be(hashedPart.length)]);
  const h = new Uint8Array(createHash(hashName).update(toSign).digest());
  const material = signValues(kp, hashName, toSign, h, options);
  return concatBytes([
    hashedPart,
    Uint8Array.of(unhashedBytes.length >> 8, unhashedBytes.length & 0xff),
    unhashedBytes,
    options.left16 ?? h.subarray(0, 2),
    material,
  ]);
}

/** Signs `data` (normally the 32 digest bytes, or their hex text) into a signature packet built from `options`. */
export function craftSignature(
  data: Uint8Array,
  key: openpgp.PrivateKey,
  options: CraftOptions = {},
): Uint8Array {
  const kp = signingPacket(key, options.subkeyIndex);
  const created = options.created ?? Math.floor(Date.now() / 1000);
  const hashed = options.hashedSubpackets ?? [
    creationTimeSubpacket(created),
    issuerKeyIdSubpacket("0x" + kp.getKeyID().toHex()),
    issuerFingerprintSubpacket(kp.getFingerprintBytes()),
  ];
  const body = signatureBody(
    kp,
    data,
    {
      version: options.version ?? 4,
      type: options.signatureType ?? 0,
      publicKeyAlgorithm: options.publicKeyAlgorithm ?? kp.algorithm,
      hashAlgorithm: options.hashAlgorithm ?? HASH_SHA256,
    },
    hashed,
    options.unhashedSubpackets ?? [],
    options,
  );
  return concatBytes([headerOf(2, body.length, options.header), body]);
}

/** How `craftKeyWithBinding` builds the binding signature of a subkey. */
export interface BindingOptions {
  /** Key flags octet of the binding (default 0x02: sign). */
  keyFlags?: number;
  /** Hash of the binding and of the back signature (default 8). */
  hashAlgorithm?: number;
  /** Flip a bit of the binding's values (its arithmetic fails). */
  corruptBinding?: boolean;
  /** Flip a bit of the back signature's values. */
  corruptBackSignature?: boolean;
  /** Leave the back signature out. */
  omitBackSignature?: boolean;
  /** Put the back signature in the unhashed area (default: hashed, as openpgp.js does). */
  backSignatureUnhashed?: boolean;
  /** Signature type of the back signature (default 0x19). */
  backSignatureType?: number;
  /** Header of the binding packet (default new format). */
  header?: "new" | 0 | 1 | 2;
  /** Creation time of the binding (default: the subkey's). */
  created?: number;
}

function keyPacketPrefix(kp: { writePublicKey(): Uint8Array }): Uint8Array {
  const body = kp.writePublicKey();
  return concatBytes([Uint8Array.of(0x99, body.length >> 8, body.length & 0xff), body]);
}

function flipLastByte(b: Uint8Array): Uint8Array {
  const out = Uint8Array.from(b);
  out[out.length - 1] ^= 0x01;
  return out;
}

/**
 * The public key of `key` (written by openpgp.js, new-format headers) with the signatures after subkey
 * `subkeyIndex` replaced by one binding signature made field by field from `options`: by default a valid
 * sign-flagged binding (type 0x18) with a valid back signature (type 0x19) in its hashed area.
 */
export function craftKeyWithBinding(
  key: openpgp.PrivateKey,
  subkeyIndex: number,
  options: BindingOptions = {},
): Uint8Array {
  const primary = signingPacket(key);
  const sub = signingPacket(key, subkeyIndex);
  const subPacket = key.getSubkeys()[subkeyIndex].keyPacket as unknown as { writePublicKey(): Uint8Array };
  const prefix = concatBytes([
    keyPacketPrefix(key.keyPacket as unknown as { writePublicKey(): Uint8Array }),
    keyPacketPrefix(subPacket),
  ]);
  const created =
    options.created ?? Math.floor(key.getSubkeys()[subkeyIndex].getCreationTime().getTime() / 1000);
  const hashAlgorithm = options.hashAlgorithm ?? HASH_SHA256;
  const issuerOf = (kp: KeyPacketLike) => [
    issuerKeyIdSubpacket("0x" + kp.getKeyID().toHex()),
    issuerFingerprintSubpacket(kp.getFingerprintBytes()),
  ];
  let back = signatureBody(
    sub,
    prefix,
    { version: 4, type: options.backSignatureType ?? 0x19, publicKeyAlgorithm: sub.algorithm, hashAlgorithm },
    [creationTimeSubpacket(created), ...issuerOf(sub)],
    [],
    {},
  );
  if (options.corruptBackSignature) back = flipLastByte(back);
  const embedded: Subpacket = { type: 32, critical: false, body: back };
  const hashed: Subpacket[] = [
    creationTimeSubpacket(created),
    { type: 27, critical: false, body: Uint8Array.of(options.keyFlags ?? 0x02) },
    ...issuerOf(primary),
  ];
  const unhashed: Subpacket[] = [];
  if (!options.omitBackSignature) (options.backSignatureUnhashed ? unhashed : hashed).push(embedded);
  let binding = signatureBody(
    primary,
    prefix,
    { version: 4, type: 0x18, publicKeyAlgorithm: primary.algorithm, hashAlgorithm },
    hashed,
    unhashed,
    {},
  );
  if (options.corruptBinding) binding = flipLastByte(binding);
  const bindingPacket = concatBytes([headerOf(2, binding.length, options.header), binding]);

  const bytes = key.toPublic().write();
  const packets = listPackets(bytes);
  const subkeys = packets.filter((p) => p.tag === 14);
  const target = subkeys[subkeyIndex];
  if (target === undefined) throw new Error(`no subkey ${subkeyIndex}`);
  const i = packets.indexOf(target);
  let j = i + 1;
  while (j < packets.length && packets[j].tag === 2) j++;
  const afterSubkey = target.offset + target.headerLength + target.bodyLength;
  const rest = j < packets.length ? packets[j].offset : bytes.length;
  return concatBytes([bytes.subarray(0, afterSubkey), bindingPacket, bytes.subarray(rest)]);
}

/**
 * Rewrites every packet header of `bytes` (a key or signature) in the old format with the smallest
 * length type, as `gpg --export` does (tags above 15 keep the new format).
 */
export function toOldFormat(bytes: Uint8Array): Uint8Array {
  return concatBytes(
    listPackets(bytes).map((p) => {
      const body = bytes.subarray(p.offset + p.headerLength, p.offset + p.headerLength + p.bodyLength);
      if (p.tag > 15) return bytes.subarray(p.offset, p.offset + p.headerLength + p.bodyLength);
      const form = p.bodyLength < 256 ? 0 : p.bodyLength < 65536 ? 1 : 2;
      return concatBytes([headerOf(p.tag, p.bodyLength, form), body]);
    }),
  );
}
