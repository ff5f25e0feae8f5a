import type { SigningKey } from "./pgp-key";
import { P256_N, dataForms, signedData } from "./pgp-profile";
import type { ParsedSignature } from "./pgp-profile";
import { toHex } from "./pgp-packets";
import { verifyValues } from "../keys/signature-math";

/**
 * The signature arithmetic alone (rule 11 of docs/client-profile.md section 2, src/keys/signature-math.ts),
 * independent of openpgp.js: true when the signature verifies under `key` for one of the data forms its
 * type allows (type 0x00: the raw digest or its hex text; 0x01: the hex text), whatever its left 16 bits
 * and issuer say. Never throws.
 */
export function verifyRawSignature(sig: ParsedSignature, key: SigningKey, digest: Uint8Array): boolean {
  try {
    return dataForms(digest, sig).some((f) =>
      verifyValues(sig.hashAlgorithm, signedData(f.data, sig), sig.values, key.params),
    );
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
