import { createHash } from "node:crypto";
import * as openpgp from "openpgp";
import {
  checkPushSignatureProfile,
  parseVerificationProof,
  PushProofError,
  sha256Hex,
  verifyPushSignature,
} from "../message/push";

/**
 * The SDK's PGP-signed control bodies (accept, reject, profile update): `<type>:<armored detached
 * signature>` over the 64-hex SHA-256 of `JSON.stringify(<signed object>)`, made with the user's key
 * (PUSH-CHAT.md "Other signed bodies"). Checked like a message's proof: the armor (one ':', CRC-24), the
 * signature profile, then openpgp.js with the user's registered key.
 */

export type ProofCheck =
  | {
      ok: true;
      /** The binary signature. */
      signature: Uint8Array;
      /** 0x-less SHA-256 hex of the binary signature: the key replays are refused by. */
      signatureHash: string;
      /** The signature's creation time, unix seconds. */
      createdAt: number;
      /** The 64-hex text that was signed. */
      signedHex: string;
    }
  | { ok: false; status: number; reason: string };

/** The 64-hex text the SDK signs for a control body: sha256Hex(JSON.stringify(signed)). */
export function controlSignedHex(signed: Record<string, unknown>): string {
  return sha256Hex(JSON.stringify(signed));
}

export function signatureHashOf(signature: Uint8Array): string {
  return createHash("sha256").update(signature).digest("hex");
}

/**
 * Verifies `proof` (`"<type>:" + armor`, `type` one of `types`) over `signed` with the binary key
 * `publicKey`. Never throws.
 */
export async function checkControlProof(
  proof: string,
  types: readonly string[],
  signed: Record<string, unknown>,
  publicKey: Uint8Array,
  what: string,
): Promise<ProofCheck> {
  const type = proof.split(":")[0];
  if (!types.includes(type))
    return {
      ok: false,
      status: 400,
      reason: `The ${what} verificationProof type "${type.slice(0, 16)}" is not ${types.join(" or ")}.`,
    };
  let signature: Uint8Array;
  try {
    // The armor rules are the message proof's (exactly one ':', a PGP SIGNATURE block, its CRC-24).
    signature = (await parseVerificationProof("pgpv2" + proof.slice(type.length))).signature;
  } catch (e) {
    if (e instanceof PushProofError)
      return { ok: false, status: 400, reason: `The ${what} verificationProof is unreadable: ${e.message}.` };
    throw e;
  }
  const signedHex = controlSignedHex(signed);
  const refusal = checkPushSignatureProfile(signature, publicKey, signedHex);
  // A signature that does not verify (failed arithmetic, a signed hash of other data, another key named as
  // issuer) is a forgery or another signer's: 403, as openpgp.js's refusal below. Anything else is a
  // signature outside the profile: 422.
  if (refusal !== null && (refusal.arithmetic || refusal.code === "ISSUER_MISMATCH"))
    return {
      ok: false,
      status: 403,
      reason: `The ${what} signature does not verify with the signer's Push key (${refusal.code}: ${refusal.reason}).`,
    };
  if (refusal !== null)
    return {
      ok: false,
      status: 422,
      reason: `The ${what} signature is outside the signature profile (${refusal.code}: ${refusal.reason}).`,
    };
  const verdict = await verifyPushSignature(signedHex, signature, publicKey);
  if (!verdict.ok)
    return {
      ok: false,
      status: 403,
      reason: `The ${what} signature does not verify with the signer's Push key (${verdict.reason}).`,
    };
  let createdAt = 0;
  try {
    const sig = await openpgp.readSignature({ binarySignature: signature });
    const created = sig.packets[0]?.created;
    if (created instanceof Date) createdAt = Math.floor(created.getTime() / 1000);
  } catch {
    // verified above, so readable
  }
  return { ok: true, signature, signatureHash: signatureHashOf(signature), createdAt, signedHex };
}
