import * as openpgp from "openpgp";
import { getAddress, verifyMessage } from "ethers";
import { checkKeyProfile, KeyProfileError } from "../../keys/profile";
import { keyHashOf } from "../pgp-key";
import { decodePushProfile } from "./decode";
import { PushDecodeError } from "./errors";
import { pushProfileSignedHex } from "./preimage";
import type { PushProfileBody } from "./types";

/**
 * A Push profile as the SDK's user creation posts it, checked for registration (issue 13): the wallet's
 * `eip191v2` proof over the SDK's preimage, then the OpenPGP key it carries against the key profile.
 * The SDK 1.7.32 itself (`verifyProfileSignature`, chat/helpers/signature.js) recovers the EIP-191
 * signer with viem and compares addresses; it has no ERC-1271 path (a smart-contract wallet's profile
 * never verifies there), so neither does this.
 *
 * Rules, in order (the first broken one is reported):
 *   MALFORMED       the body is not the SDK's shape (PushDecodeError's message);
 *   DID_MISMATCH    did differs from caip10 (the SDK writes the same string in both);
 *   CAIP10          caip10 is not `eip155:0x<40 hex>` with a valid (lowercase or checksummed) address;
 *   PROOF_TYPE      verificationProof is not `eip191v2:...` (eip191 v1 and eip712v2 profiles are refused);
 *   PROOF_FORMAT    the signature is not 0x + 65 bytes, or not a canonical (low-s) ECDSA signature;
 *   WRONG_WALLET    the EIP-191 signer of pushProfileSignedHex(body) is not the caip10 wallet. A proof
 *                   made by another wallet and a changed byte in publicKey or encryptedPrivateKey both
 *                   land here: ECDSA recovery cannot tell them apart (both recover some other address);
 *   PUBLIC_KEY      publicKey is neither JSON `{"key": <armored>, ...}` nor a bare armored public key;
 *   KEY_PROFILE     the key is outside the key profile (src/keys/profile.ts; `keyError` names the
 *                   KeyRegistry custom error).
 */

export type PushProfileRule =
  | "MALFORMED"
  | "DID_MISMATCH"
  | "CAIP10"
  | "PROOF_TYPE"
  | "PROOF_FORMAT"
  | "WRONG_WALLET"
  | "PUBLIC_KEY"
  | "KEY_PROFILE";

export type PushProfileResult =
  | {
      ok: true;
      /** The wallet (EIP-55). */
      address: string;
      /** The binary OpenPGP public key to register. */
      publicKey: Uint8Array;
      keyHash: string;
      /** The 64-hex text the wallet signed. */
      signedHex: string;
      /** The 65-byte EIP-191 signature (0x hex). */
      walletSignature: string;
    }
  | { ok: false; rule: PushProfileRule; reason: string; keyError?: string };

const CAIP10_EOA = /^eip155:(0x[0-9a-fA-F]{40})$/;
const PROOF_SIGNATURE = /^0x[0-9a-fA-F]{130}$/;

/** The armored key inside a profile's publicKey, as the SDK reads it (`JSON.parse(publicKey).key`, else the string). */
export function armoredKeyOfProfile(publicKey: string): string {
  try {
    const parsed: unknown = JSON.parse(publicKey);
    if (
      parsed !== null &&
      typeof parsed === "object" &&
      typeof (parsed as { key?: unknown }).key === "string"
    ) {
      return (parsed as { key: string }).key;
    }
  } catch {
    // a bare armored key
  }
  return publicKey;
}

/** The binary key of an armored PUBLIC KEY block, or null. */
export async function dearmorPublicKey(armored: string): Promise<Uint8Array | null> {
  try {
    const u = (await openpgp.unarmor(armored)) as { type: number; data: unknown };
    return u.type === openpgp.enums.armor.publicKey && u.data instanceof Uint8Array ? u.data : null;
  } catch {
    return null;
  }
}

/** Checks a profile body (parsed JSON, its text, or a PushProfileBody). Never throws. */
export async function verifyPushProfile(json: unknown): Promise<PushProfileResult> {
  const fail = (rule: PushProfileRule, reason: string, keyError?: string): PushProfileResult => ({
    ok: false,
    rule,
    reason,
    ...(keyError === undefined ? {} : { keyError }),
  });
  let body: PushProfileBody;
  try {
    body = decodePushProfile(json);
  } catch (e) {
    if (e instanceof PushDecodeError) return fail("MALFORMED", e.message);
    throw e;
  }
  if (body.did !== body.caip10) return fail("DID_MISMATCH", "did differs from caip10");
  const m = CAIP10_EOA.exec(body.caip10);
  let address: string;
  try {
    if (!m) throw new Error("not eip155:0x<40 hex>");
    address = getAddress(m[1]);
  } catch (e) {
    return fail(
      "CAIP10",
      `caip10 "${body.caip10.slice(0, 60)}" is not an eip155 wallet: ${(e as Error).message.split(" (")[0]}`,
    );
  }
  const parts = body.verificationProof.split(":");
  if (parts[0] !== "eip191v2") {
    return fail("PROOF_TYPE", `verificationProof type "${parts[0].slice(0, 16)}" is not eip191v2`);
  }
  if (parts.length !== 2 || !PROOF_SIGNATURE.test(parts[1])) {
    return fail("PROOF_FORMAT", "verificationProof is not eip191v2:0x<65-byte signature>");
  }
  const signedHex = pushProfileSignedHex(body);
  let signer: string;
  try {
    signer = verifyMessage(signedHex, parts[1]);
  } catch (e) {
    return fail(
      "PROOF_FORMAT",
      `the EIP-191 signature is not recoverable: ${(e as Error).message.split(" (")[0]}`,
    );
  }
  if (signer !== address) {
    return fail(
      "WRONG_WALLET",
      `the profile proof was signed by ${signer}, not by ${address} (or a signed field changed)`,
    );
  }
  const publicKey = await dearmorPublicKey(armoredKeyOfProfile(body.publicKey));
  if (publicKey === null) return fail("PUBLIC_KEY", "publicKey holds no armored OpenPGP public key");
  try {
    checkKeyProfile(publicKey);
  } catch (e) {
    if (e instanceof KeyProfileError)
      return fail("KEY_PROFILE", `the key is outside the key profile: ${e.message}`, e.error);
    throw e;
  }
  return {
    ok: true,
    address,
    publicKey,
    keyHash: keyHashOf(publicKey),
    signedHex,
    walletSignature: parts[1],
  };
}
