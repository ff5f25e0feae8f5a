import { createHash } from "node:crypto";
import * as openpgp from "openpgp";
import type { PushMessageBody, PushProfileBody, PushSigVersion } from "./types";
import { crc24Base64, dearmorCanonical } from "./openpgp-readings";

export { crc24Base64 };

/**
 * The SDK's signed preimages, rebuilt byte for byte (SDK 1.7.32: `sendMessagePayloadCore` in
 * chat/helpers/payloadHelper.js signs, `decryptAndVerifyMessage` in chat/helpers/crypto.js verifies;
 * user creation: `createUserService` in chat/helpers/service.js with `generateHash` of helpers/crypto.js).
 *
 * Message (pgpv3): `JSON.stringify({fromDID, toDID: fromDID, fromCAIP10, toCAIP10, messageObj,
 * messageType, encType, sessionKey, encryptedSecret})`, keys in this order, no whitespace, strings
 * escaped as json.ts says, `undefined` values (a missing messageObj) dropped with their key, `null` kept
 * (`"sessionKey":null`). `toDID` holds fromDID: the recipient's DID is not signed (toCAIP10 is).
 * pgpv2: the same without `sessionKey`.
 * The signed text is the SHA-256 of the preimage's UTF-8 bytes as 64 lowercase hex characters
 * (CryptoJS `SHA256(str).toString()`), signed by OpenPGP as a text message.
 */
export function pushPreimage(body: PushMessageBody, version: PushSigVersion): string {
  // JSON.stringify drops undefined values: pgpv2 leaves sessionKey out, pgpv3 keeps it (null included)
  const signed = {
    fromDID: body.fromDID,
    toDID: body.fromDID,
    fromCAIP10: body.fromCAIP10,
    toCAIP10: body.toCAIP10,
    messageObj: body.messageObj,
    messageType: body.messageType,
    encType: body.encType,
    sessionKey: version === "pgpv3" ? body.sessionKey : undefined,
    encryptedSecret: body.encryptedSecret,
  };
  return JSON.stringify(signed);
}

/** 64 lowercase hex characters of SHA-256 over the UTF-8 bytes of `text`. */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(Buffer.from(text, "utf8")).digest("hex");
}

/** The text the sender's OpenPGP key signs: pushSignedHex(body) = sha256Hex(pushPreimage(body, version)). */
export function pushSignedHex(body: PushMessageBody, version: PushSigVersion = "pgpv3"): string {
  return sha256Hex(pushPreimage(body, version));
}

/** The profile preimage: `JSON.stringify({caip10, did, publicKey, encryptedPrivateKey})`, in this order. */
export function pushProfilePreimage(
  body: Pick<PushProfileBody, "caip10" | "did" | "publicKey" | "encryptedPrivateKey">,
): string {
  return JSON.stringify({
    caip10: body.caip10,
    did: body.did,
    publicKey: body.publicKey,
    encryptedPrivateKey: body.encryptedPrivateKey,
  });
}

/** The 64-hex text the wallet signs with EIP-191 (`personal_sign` of its ASCII bytes). */
export function pushProfileSignedHex(
  body: Pick<PushProfileBody, "caip10" | "did" | "publicKey" | "encryptedPrivateKey">,
): string {
  return sha256Hex(pushProfilePreimage(body));
}

/** Why a verificationProof could not be read. */
export class PushProofError extends Error {
  constructor(
    readonly rule: "SIG_TYPE" | "VERIFICATION_PROOF",
    detail: string,
  ) {
    super(detail);
    this.name = "PushProofError";
  }
}

export interface ParsedVerificationProof {
  version: PushSigVersion;
  /** The armored signature as it appears after the prefix. */
  armored: string;
  /** The de-armored (binary) signature packet bytes. */
  signature: Uint8Array;
}

/**
 * Splits `"pgpv3:" + armored signature` (or pgpv2) and de-armors it. Exactly one ':' (the SDK and Push's
 * backend take `split(':')[1]`, so an armor with a `Version:` header could never verify there); the
 * armor must be a PGP SIGNATURE block whose CRC-24 line, when present, matches (openpgp 5, which the SDK
 * uses, refuses a mismatch). Throws PushProofError.
 */
export async function parseVerificationProof(proof: string): Promise<ParsedVerificationProof> {
  const parts = proof.split(":");
  const version = parts[0];
  if (version !== "pgpv3" && version !== "pgpv2") {
    throw new PushProofError(
      "SIG_TYPE",
      `verificationProof type "${version.slice(0, 16)}" is not pgpv3 or pgpv2`,
    );
  }
  if (parts.length !== 2) {
    throw new PushProofError(
      "VERIFICATION_PROOF",
      `verificationProof has ${parts.length - 1} ':', must be "${version}:<armored signature>"`,
    );
  }
  const armored = parts[1];
  // the SDK's (openpgp.js's) armor, read without openpgp.js: the same bytes (openpgp-readings.ts)
  const plain = dearmorCanonical(armored, "SIGNATURE");
  if (plain !== undefined) return { version, armored, signature: plain };
  let unarmored: { type: number; data: unknown };
  try {
    unarmored = (await openpgp.unarmor(armored)) as { type: number; data: unknown };
  } catch (e) {
    throw new PushProofError(
      "VERIFICATION_PROOF",
      `the signature is not ASCII armor: ${(e as Error).message}`,
    );
  }
  if (unarmored.type !== openpgp.enums.armor.signature || !(unarmored.data instanceof Uint8Array)) {
    throw new PushProofError("VERIFICATION_PROOF", "the armor is not a PGP SIGNATURE block");
  }
  const checksum = /^=([A-Za-z0-9+/]{4})\s*$/m.exec(armored);
  if (checksum && checksum[1] !== crc24Base64(unarmored.data)) {
    throw new PushProofError("VERIFICATION_PROOF", "the armor's CRC-24 checksum does not match its data");
  }
  return { version, armored, signature: unarmored.data };
}
