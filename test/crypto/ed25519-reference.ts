import { createHash } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519";

/** The reference the contract must match: strict decoding, S < L, cofactored equation (docs/client-profile.md 2.11). */

export const Point = ed25519.ExtendedPoint;
export type EdPoint = InstanceType<typeof Point>;
export const L = ed25519.CURVE.n;
export const P = ed25519.CURVE.Fp.ORDER;

export function leToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

export function bigIntToLe32(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Strict RFC 8032 decoding (noble's fromHex defaults to zip215 = false: y < p, no x = 0 with the sign), or undefined. */
export function decodeStrict(enc: Uint8Array): EdPoint | undefined {
  try {
    return Point.fromHex(enc);
  } catch {
    return undefined;
  }
}

/** [n]Q for any n >= 0 (noble's multiplyUnsafe wants n < L). */
export function mul(q: EdPoint, n: bigint): EdPoint {
  const r = n % L;
  const base = r === 0n ? Point.ZERO : q.multiplyUnsafe(r);
  return n >= L ? base.add(q.multiplyUnsafe(L - 1n).add(q)) : base;
}

/** k = SHA-512(R || A || M) little-endian, mod L. */
export function challenge(r: Uint8Array, a: Uint8Array, msg: Uint8Array): bigint {
  return leToBigInt(createHash("sha512").update(r).update(a).update(msg).digest()) % L;
}

/** The cofactored verification: [8]([S]B - R - [k]A) == identity. */
export function verifyCofactored(pub: Uint8Array, sig: Uint8Array, msg: Uint8Array): boolean {
  const rEnc = sig.subarray(0, 32);
  const s = leToBigInt(sig.subarray(32, 64));
  const a = decodeStrict(pub);
  const r = decodeStrict(rEnc);
  if (!a || !r || s >= L) return false;
  const k = challenge(rEnc, pub, msg);
  return mul(Point.BASE, s).subtract(r).subtract(mul(a, k)).clearCofactor().equals(Point.ZERO);
}

/** The cofactorless RFC 8032 equation [S]B == R + [k]A, to show where the two differ. */
export function verifyCofactorless(pub: Uint8Array, sig: Uint8Array, msg: Uint8Array): boolean {
  const rEnc = sig.subarray(0, 32);
  const s = leToBigInt(sig.subarray(32, 64));
  const a = decodeStrict(pub);
  const r = decodeStrict(rEnc);
  if (!a || !r || s >= L) return false;
  return mul(Point.BASE, s).equals(r.add(mul(a, challenge(rEnc, pub, msg))));
}
