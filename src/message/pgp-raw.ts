import { createPublicKey, verify as cryptoVerify } from "node:crypto";
import type { KeyObject } from "node:crypto";
import type { PrimaryKey } from "./pgp-key";
import { P256_N, signedData, signedHash } from "./pgp-profile";
import type { ParsedSignature } from "./pgp-profile";
import { concatBytes, leftPad, toHex } from "./pgp-packets";

/**
 * The signature arithmetic alone, as the slashing contract does it after the profile checks, reproduced
 * with node:crypto (independent of openpgp.js):
 * - RSA: PKCS#1 v1.5 over SHA-256 of signedData, s left-padded to the modulus length (OZ RSA.pkcs1Sha256);
 * - P-256: ECDSA over h = sha256(signedData), with s replaced by N - s when s > N/2 (OZ P256.verify only
 *   takes low s; (r, s) and (r, N - s) are equally valid);
 * - Ed25519: the 64-byte signature over the 32 bytes of h (how OpenPGP signs with EdDSA).
 * Returns false (never throws) when the signature does not verify or the key cannot be loaded.
 */
export function verifyRawSignature(sig: ParsedSignature, key: PrimaryKey, digest: Uint8Array): boolean {
  try {
    const data = signedData(digest, sig);
    const v = sig.values;
    const p = key.params;
    if (v.kind === "rsa" && p.kind === "rsa") {
      return cryptoVerify("sha256", data, keyObject(key), leftPad(v.s, p.n.length));
    }
    if (v.kind === "ecdsa" && p.kind === "p256") {
      const rs = concatBytes([leftPad(v.r, 32), lowS(v.s)]);
      return cryptoVerify("sha256", data, { key: keyObject(key), dsaEncoding: "ieee-p1363" }, rs);
    }
    if (v.kind === "ed25519" && p.kind === "ed25519") {
      return cryptoVerify(null, signedHash(digest, sig), keyObject(key), v.signature);
    }
    return false;
  } catch {
    return false;
  }
}

/** True when an ECDSA s is above N/2 (openpgp.js makes such signatures about half of the time). */
export function isHighS(s: Uint8Array): boolean {
  return BigInt(toHex(s)) > P256_N >> 1n;
}

/** min(s, N - s) as 32 bytes. */
export function lowS(s: Uint8Array): Uint8Array {
  const n = BigInt(toHex(s));
  const low = n > P256_N >> 1n ? P256_N - n : n;
  return Uint8Array.from(Buffer.from(low.toString(16).padStart(64, "0"), "hex"));
}

const keyObjects = new WeakMap<PrimaryKey, KeyObject>();

/** node:crypto key object of a primary key, memoised per parsed key (see key-cache.ts). */
function keyObject(key: PrimaryKey): KeyObject {
  let k = keyObjects.get(key);
  if (!k) {
    const p = key.params;
    const jwk =
      p.kind === "rsa"
        ? { kty: "RSA", n: b64url(p.n), e: b64url(p.e) }
        : p.kind === "p256"
          ? { kty: "EC", crv: "P-256", x: b64url(p.x), y: b64url(p.y) }
          : { kty: "OKP", crv: "Ed25519", x: b64url(p.a) };
    k = createPublicKey({ key: jwk, format: "jwk" });
    keyObjects.set(key, k);
  }
  return k;
}

function b64url(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64url");
}
