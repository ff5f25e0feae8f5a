import * as openpgp from "openpgp";
import { openpgpKeyOf, parsedKey } from "../key-cache";
import { SignatureProfileError } from "../pgp-packets";
import { checkDigestSignature, checkSignatureAgainstKey } from "../pgp-profile";
import type { ParsedSignature } from "../pgp-profile";

/**
 * OpenPGP side of a Push message: the signature over the 64-hex text, checked with openpgp.js (6) and
 * the signature profile.
 */

/** A refusal of the signature profile: `code` names the profile rule (docs/client-profile.md section 2). */
export interface PushProfileRefusal {
  code: string;
  reason: string;
  /** The signature's arithmetic (or its signed hash's left 16 bits) fails: it does not verify over the text. */
  arithmetic: boolean;
}

/**
 * The signature profile (src/message/pgp-profile.ts, docs/client-profile.md section 2) applied to a
 * Push message: returns null when `signature` (binary, one packet) is inside the profile and its
 * arithmetic holds for the signer key `publicKey` (binary) over the text `signedHex` (64 lowercase hex:
 * the profile's "digest" is these 32 bytes, and a text-mode 0x01 signature signs their hex), else the
 * rule it breaks, named by its ProfileViolationCode (BAD_SIGNATURE for failed arithmetic).
 * validatePushMessage calls it before openpgp.js and reports a refusal as BAD_SIGNATURE
 * SIGNATURE_PROFILE: the chain's verifier gives the same verdict for the same bytes.
 */
export function checkPushSignatureProfile(
  signature: Uint8Array,
  publicKey: Uint8Array,
  signedHex: string,
): PushProfileRefusal | null {
  const r = pushSignatureProfile(signature, publicKey, signedHex);
  return r.ok ? null : r.refusal;
}

/**
 * checkPushSignatureProfile, also naming the key that verified: `signerKeyId` is its key ID (0x + 16 hex),
 * the primary key or a signing subkey. `parsed`, when the caller has it, is parseSignaturePacket(signature)
 * (not parsed again).
 */
export function pushSignatureProfile(
  signature: Uint8Array,
  publicKey: Uint8Array,
  signedHex: string,
  parsed?: ParsedSignature,
): { ok: true; signerKeyId: string } | { ok: false; refusal: PushProfileRefusal } {
  if (!/^[0-9a-f]{64}$/.test(signedHex))
    throw new RangeError("signedHex must be 64 lowercase hex characters");
  try {
    const digest = Buffer.from(signedHex, "hex");
    const key = primaryKeyOf(publicKey);
    const match =
      parsed === undefined
        ? checkDigestSignature(digest, signature, key)
        : checkSignatureAgainstKey(parsed, key, digest);
    return { ok: true, signerKeyId: match.signer.keyId };
  } catch (e) {
    if (e instanceof SignatureProfileError)
      return {
        ok: false,
        refusal: {
          code: e.code,
          reason: e.detail,
          arithmetic: e.code === "BAD_SIGNATURE" || e.code === "SIGNED_HASH_MISMATCH",
        },
      };
    throw e;
  }
}

/** The parsed key, from the key cache (throws SignatureProfileError("KEY") outside the key profile). */
function primaryKeyOf(publicKey: Uint8Array) {
  return parsedKey(publicKey).primary;
}

/** The key IDs (16 lowercase hex) the signature names as its issuer, or null when it cannot be read. */
export async function signatureIssuerKeyIds(signature: Uint8Array): Promise<string[] | null> {
  const sig = await readSignatureOrNull(signature);
  return sig === null ? null : issuerKeyIdsOf(sig);
}

/** openpgp.js's reading of a binary signature, or null when it cannot read it. */
export async function readSignatureOrNull(signature: Uint8Array): Promise<openpgp.Signature | null> {
  try {
    return await openpgp.readSignature({ binarySignature: signature });
  } catch {
    return null;
  }
}

/** The key IDs (16 lowercase hex) a signature read by openpgp.js names as its issuer. */
export function issuerKeyIdsOf(sig: openpgp.Signature): string[] {
  return sig.getSigningKeyIDs().map((id) => id.toHex());
}

/** Whether the key `publicKey` (binary) holds a key (primary or subkey) with one of these key IDs. */
export async function keyHasKeyId(publicKey: Uint8Array, keyIds: readonly string[]): Promise<boolean> {
  try {
    const key = await openpgpKeyOf(publicKey);
    const own = new Set(key.getKeyIDs().map((id) => id.toHex()));
    return keyIds.some((id) => own.has(id));
  } catch {
    return false;
  }
}

/** Clock tolerance Push's backend and the SDK's PGPHelper give a signature's creation time. */
export const SIGNATURE_CLOCK_TOLERANCE_MS = 24 * 60 * 60 * 1000;

/**
 * openpgp.js verification of `signature` (binary) over the text `signedHex` under `publicKey` (binary),
 * as the SDK's PGPHelper.verifySignature does it (a text message; the verification date one day ahead
 * of `now`). Never throws.
 */
export async function verifyPushSignature(
  signedHex: string,
  signature: Uint8Array,
  publicKey: Uint8Array,
  now: Date = new Date(),
): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const [key, sig, message] = await Promise.all([
      openpgpKeyOf(publicKey),
      openpgp.readSignature({ binarySignature: signature }),
      openpgp.createMessage({ text: signedHex }),
    ]);
    const result = await openpgp.verify({
      message,
      signature: sig,
      verificationKeys: key,
      date: new Date(now.getTime() + SIGNATURE_CLOCK_TOLERANCE_MS),
    });
    if (result.signatures.length !== 1)
      return { ok: false, reason: `${result.signatures.length} signatures, want 1` };
    await result.signatures[0].verified;
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}
