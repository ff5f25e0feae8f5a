import { checksumAddress } from "../../util/address";
import * as openpgp from "openpgp";
import { DEFAULT_CHECK_PARAMS } from "../check";
import type { FaultCode } from "../check";
import { isEncryptedTo } from "../content";
import { MAX_SIGNATURE_SIZE } from "../types";
import { decodePushMessage } from "./decode";
import { PushDecodeError } from "./errors";
import { parseVerificationProof, pushPreimage, PushProofError, sha256Hex } from "./preimage";
import type { ParsedVerificationProof } from "./preimage";
import { openpgpKeyOf } from "../key-cache";
import { openpgpVerdictKnown, openpgpVerdictKnownPlain } from "./openpgp-agreement";
import { dearmorCanonical, keyReadingNow, plainEncryptionKeyIds, plainSignature } from "./openpgp-readings";
import type { KeyReading } from "./openpgp-readings";
import {
  issuerKeyIdsOf,
  keyHasKeyId,
  pushSignatureProfile,
  readSignatureOrNull,
  SIGNATURE_CLOCK_TOLERANCE_MS,
  verifyPushSignature,
} from "./signature";
import type { PushMessageBody, PushSigVersion } from "./types";

/**
 * validatePushMessage: the one check of a Push SDK message body (pgpv3 and pgpv2), shared by the node
 * (before it attests) and the validator. It applies the payload rules Push's backend applied
 * (push-vnode 040324e, chatService.createMessage / createIntent / verifyMessageVerificationProof) plus
 * the network's key rules, and names each fault with the envelope's classes.
 *
 * PRECEDENCE (first failing rule wins):
 *  1. MALFORMED
 *     BODY            the body is not the SDK's shape (decodePushMessage's error);
 *     SIG_TYPE        verificationProof is not pgpv3:/pgpv2: (Push's deprecated "pgp" proof, which signed
 *                     only messageContent, is refused);
 *     VERIFICATION_PROOF  not exactly "<type>:<armored PGP SIGNATURE>" (one ':'), or a bad armor checksum;
 *     ENC_TYPE        encType not PlainText | pgp | pgpv1:group;
 *     GROUP_UNSUPPORTED  encType pgpv1:group, or toDID/toCAIP10 not an eip155 wallet (a group chat id):
 *                     group chat is out of scope (its sessionKey secret lives on the backend);
 *     FROM_DID        fromDID is not eip155:0x<valid address>;
 *     FROM_CAIP10_MISMATCH / TO_CAIP10_MISMATCH  fromCAIP10 !== fromDID / toCAIP10 !== toDID (exact
 *                     strings, as Push compared them: toDID is not signed, toCAIP10 is);
 *     FROM_EQUALS_TO  sender and recipient are the same wallet;
 *     MESSAGE_TYPE    empty, or Meta / UserActivity (group only in Push);
 *     SESSION_KEY     sessionKey is not null (one-to-one chat has none);
 *     ENCRYPTED_SECRET  pgp without an encryptedSecret string, or PlainText with a non-empty one;
 *     MESSAGE_OBJ     pgp with a messageObj that is not a ciphertext string;
 *     BODY_SIZE       UTF-8 bytes of JSON.stringify(body) over maxBodySize (Push: 1 MiB);
 *     PREIMAGE_SIZE   UTF-8 bytes of the signed preimage over maxPreimageSize (what a proof carries);
 *     SIGNATURE_SIZE  the binary signature is over MAX_SIGNATURE_SIZE bytes.
 *  2. UNAUTHORIZED_SENDER
 *     SENDER_NO_KEY   fromDID has no active registered key;
 *     SIGNER_NOT_SENDER_KEY  the signature's issuer is none of the sender's active keys.
 *  3. WRONG_ENCRYPTION
 *     RECIPIENT_NO_KEY  encType pgp, but toDID has no active key;
 *     PLAINTEXT_TO_KEYED_RECIPIENT  PlainText to a recipient with an active key.
 *  4. BAD_SIGNATURE
 *     SIGNATURE_PROFILE  the signature is outside the signature profile (checkPushSignatureProfile);
 *     SIGNATURE          the signature does not verify (the profile's arithmetic or openpgp.js);
 *     SIGNATURE       openpgp.js refuses it over the 64-hex text with the sender's key (openpgp.js is not run
 *                     when its verdict follows from the profile's arithmetic and cached key facts:
 *                     openpgp-agreement.ts).
 *  5. WRONG_ENCRYPTION NOT_ENCRYPTED_TO_RECIPIENT  pgp whose encryptedSecret has no session key for any
 *     active key of the recipient (not signed-data-only: needs the recipient's key bytes).
 */

export type PushFaultRule =
  | "BODY"
  | "SIG_TYPE"
  | "VERIFICATION_PROOF"
  | "ENC_TYPE"
  | "GROUP_UNSUPPORTED"
  | "FROM_DID"
  | "FROM_CAIP10_MISMATCH"
  | "TO_CAIP10_MISMATCH"
  | "FROM_EQUALS_TO"
  | "MESSAGE_TYPE"
  | "SESSION_KEY"
  | "ENCRYPTED_SECRET"
  | "MESSAGE_OBJ"
  | "BODY_SIZE"
  | "PREIMAGE_SIZE"
  | "SIGNATURE_SIZE"
  | "SENDER_NO_KEY"
  | "SIGNER_NOT_SENDER_KEY"
  | "RECIPIENT_NO_KEY"
  | "PLAINTEXT_TO_KEYED_RECIPIENT"
  | "SIGNATURE_PROFILE"
  | "SIGNATURE"
  | "NOT_ENCRYPTED_TO_RECIPIENT";

export interface PushFault {
  code: FaultCode;
  rule: PushFaultRule;
  reason: string;
}

/** A key registered for a wallet: its keyHash (src/message/pgp-key keyHashOf) and binary bytes. */
export interface RegisteredPushKey {
  keyHash: string;
  publicKey: Uint8Array;
}

/** The key lookup validatePushMessage needs (the caller fixes the time: the node's now, or attestedAt). */
export interface PushKeyLookup {
  /** The keys of `address` (EIP-55) active at the decision time, oldest first; empty when none. */
  activeKeys(address: string): Promise<readonly RegisteredPushKey[]>;
}

export interface PushCheckParams {
  /** Max UTF-8 bytes of the whole JSON body (Push's MAX_SIZE_BYTES_PER_MESSAGE: 1 MiB). */
  maxBodySize: number;
  /** Max UTF-8 bytes of the signed preimage (default: the network's maxContentSize, 64 KiB). */
  maxPreimageSize: number;
}

export const DEFAULT_PUSH_CHECK_PARAMS: PushCheckParams = {
  maxBodySize: 1024 * 1024,
  maxPreimageSize: DEFAULT_CHECK_PARAMS.maxContentSize,
};

export interface PushValidateContext {
  keys: PushKeyLookup;
  params?: Partial<PushCheckParams>;
  /** The verification date for openpgp.js (default: the clock); a day of tolerance is added. */
  now?: Date;
}

export type PushValidateResult =
  | {
      ok: true;
      body: PushMessageBody;
      version: PushSigVersion;
      preimage: string;
      /** UTF-8 bytes of `preimage` (the attested header's preimageSize). */
      preimageSize: number;
      /** The 64-hex text that was signed. */
      signedHex: string;
      /** The binary OpenPGP signature. */
      signature: Uint8Array;
      sender: string;
      recipient: string;
      /** keyHash of the sender key that verified. */
      senderKey: string;
      /** keyHash of the recipient's key the secret is encrypted to (pgp), or null (PlainText). */
      recipientKey: string | null;
    }
  | ({ ok: false } & PushFault);

const EIP155 = /^eip155:(0x[0-9a-fA-F]{40})$/;

/** The EIP-55 address of an `eip155:0x...` DID, or null. */
export function addressOfDid(did: string): string | null {
  const m = EIP155.exec(did);
  if (!m) return null;
  try {
    return checksumAddress(m[1]);
  } catch {
    return null;
  }
}

/** Validates a Push message body (parsed JSON, its text, or a PushMessageBody). Never throws on bad input. */
export async function validatePushMessage(
  json: unknown,
  ctx: PushValidateContext,
): Promise<PushValidateResult> {
  const p: PushCheckParams = { ...DEFAULT_PUSH_CHECK_PARAMS, ...ctx.params };
  const fault = (code: FaultCode, rule: PushFaultRule, reason: string): PushValidateResult => ({
    ok: false,
    code,
    rule,
    reason,
  });
  const malformed = (rule: PushFaultRule, reason: string) => fault("MALFORMED", rule, reason);

  // 1. MALFORMED
  let m: PushMessageBody;
  try {
    m = decodePushMessage(json);
  } catch (e) {
    if (e instanceof PushDecodeError) return malformed("BODY", e.message);
    throw e;
  }
  let proof: ParsedVerificationProof;
  try {
    proof = await parseVerificationProof(m.verificationProof);
  } catch (e) {
    if (e instanceof PushProofError) return malformed(e.rule, e.message);
    throw e;
  }
  if (!["PlainText", "pgp", "pgpv1:group"].includes(m.encType)) {
    return malformed("ENC_TYPE", `encType "${m.encType.slice(0, 32)}" is not PlainText, pgp or pgpv1:group`);
  }
  if (m.encType === "pgpv1:group")
    return malformed("GROUP_UNSUPPORTED", "group messages (pgpv1:group) are not supported");
  const sender = addressOfDid(m.fromDID);
  if (sender === null)
    return malformed("FROM_DID", `fromDID "${m.fromDID.slice(0, 60)}" is not eip155:0x<address>`);
  if (m.fromCAIP10 !== m.fromDID) return malformed("FROM_CAIP10_MISMATCH", "fromCAIP10 differs from fromDID");
  const recipient = addressOfDid(m.toDID);
  if (recipient === null) {
    return malformed(
      "GROUP_UNSUPPORTED",
      `toDID "${m.toDID.slice(0, 60)}" is not eip155:0x<address> (a group chat?)`,
    );
  }
  if (m.toCAIP10 !== m.toDID) return malformed("TO_CAIP10_MISMATCH", "toCAIP10 differs from toDID");
  if (sender === recipient) return malformed("FROM_EQUALS_TO", "sender and recipient are the same wallet");
  if (m.messageType === "" || m.messageType === "Meta" || m.messageType === "UserActivity") {
    return malformed("MESSAGE_TYPE", `messageType "${m.messageType}" is not allowed in one-to-one chat`);
  }
  if (m.sessionKey !== null) return malformed("SESSION_KEY", "sessionKey must be null in one-to-one chat");
  if (m.encType === "pgp") {
    if (typeof m.encryptedSecret !== "string" || m.encryptedSecret === "") {
      return malformed("ENCRYPTED_SECRET", "pgp message without an encryptedSecret");
    }
    if (typeof m.messageObj !== "string")
      return malformed("MESSAGE_OBJ", "pgp message whose messageObj is not ciphertext");
  } else if (m.encryptedSecret !== "" && m.encryptedSecret !== null) {
    return malformed("ENCRYPTED_SECRET", "PlainText message with an encryptedSecret");
  }
  const bound = bodySizeBound(m);
  if (bound === undefined || bound > p.maxBodySize) {
    const bodySize = Buffer.byteLength(JSON.stringify(m), "utf8");
    if (bodySize > p.maxBodySize) {
      return malformed("BODY_SIZE", `the body is ${bodySize} bytes, over the limit of ${p.maxBodySize}`);
    }
  }
  const preimage = pushPreimage(m, proof.version);
  const preimageSize = Buffer.byteLength(preimage, "utf8");
  if (preimageSize > p.maxPreimageSize) {
    return malformed(
      "PREIMAGE_SIZE",
      `the signed preimage is ${preimageSize} bytes, over the limit of ${p.maxPreimageSize}`,
    );
  }
  if (proof.signature.length > MAX_SIGNATURE_SIZE) {
    return malformed(
      "SIGNATURE_SIZE",
      `the signature is ${proof.signature.length} bytes, over the limit of ${MAX_SIGNATURE_SIZE}`,
    );
  }

  // 2. UNAUTHORIZED_SENDER
  const senderKeys = await ctx.keys.activeKeys(sender);
  if (senderKeys.length === 0)
    return fault("UNAUTHORIZED_SENDER", "SENDER_NO_KEY", `${sender} has no active key`);
  // openpgp.js's readings, from openpgp-readings.ts when the input is in the SDK's plain form, else its own
  const plain = plainSignature(proof.signature);
  let pgpSignature = plain === undefined ? await readSignatureOrNull(proof.signature) : null;
  const issuers =
    plain !== undefined ? [plain.issuerKeyId] : pgpSignature === null ? [] : issuerKeyIdsOf(pgpSignature);
  let signerKey: RegisteredPushKey | undefined;
  let signerReading: KeyReading | undefined;
  for (const k of senderKeys) {
    const reading = keyReadingNow(k.publicKey);
    if (
      reading !== undefined
        ? issuers.some((id) => reading.packets.has(id))
        : await keyHasKeyId(k.publicKey, issuers)
    ) {
      signerKey = k;
      signerReading = reading;
      break;
    }
  }
  if (signerKey === undefined) {
    return fault(
      "UNAUTHORIZED_SENDER",
      "SIGNER_NOT_SENDER_KEY",
      `the signature's issuer (${issuers.join(", ") || "none"}) is not an active key of ${sender}`,
    );
  }

  // 3. WRONG_ENCRYPTION
  const recipientKeys = await ctx.keys.activeKeys(recipient);
  if (m.encType === "pgp" && recipientKeys.length === 0) {
    return fault(
      "WRONG_ENCRYPTION",
      "RECIPIENT_NO_KEY",
      `pgp message to ${recipient}, who has no active key`,
    );
  }
  if (m.encType === "PlainText" && recipientKeys.length > 0) {
    return fault(
      "WRONG_ENCRYPTION",
      "PLAINTEXT_TO_KEYED_RECIPIENT",
      `PlainText message to ${recipient}, who has the active key ${recipientKeys[0].keyHash}`,
    );
  }

  // 4. BAD_SIGNATURE
  const signedHex = sha256Hex(preimage);
  const profile = pushSignatureProfile(proof.signature, signerKey.publicKey, signedHex, plain?.parsed);
  if (!profile.ok) {
    // a signature that does not verify, or one outside the profile
    const { refusal } = profile;
    return fault(
      "BAD_SIGNATURE",
      refusal.arithmetic ? "SIGNATURE" : "SIGNATURE_PROFILE",
      `${refusal.code}: ${refusal.reason}`,
    );
  }
  // openpgp.js's verdict: known without running it when the profile's arithmetic held and only date checks
  // remain that cached key facts decide (openpgp-agreement.ts); otherwise openpgp.js runs.
  const verifyAt = new Date((ctx.now ?? new Date()).getTime() + SIGNATURE_CLOCK_TOLERANCE_MS);
  let known =
    plain !== undefined && signerReading !== undefined
      ? openpgpVerdictKnownPlain(plain, signerReading, profile.signerKeyId, verifyAt)
      : undefined;
  if (known === undefined) {
    if (plain !== undefined) pgpSignature = await readSignatureOrNull(proof.signature);
    known =
      pgpSignature === null
        ? undefined
        : await openpgpVerdictKnown(
            pgpSignature,
            await openpgpKeyOf(signerKey.publicKey),
            profile.signerKeyId,
            verifyAt,
          );
  }
  if (known !== true) {
    const verdict = await verifyPushSignature(signedHex, proof.signature, signerKey.publicKey, ctx.now);
    if (!verdict.ok)
      return fault(
        "BAD_SIGNATURE",
        "SIGNATURE",
        `openpgp.js refuses the ${proof.version} signature: ${verdict.reason}`,
      );
  }

  // 5. encryption to the recipient (needs the recipient's key bytes)
  let recipientKey: string | null = null;
  if (m.encType === "pgp") {
    const armored = m.encryptedSecret as string;
    const secret = dearmorCanonical(armored, "MESSAGE") ?? (await dearmorMessage(armored));
    const ids = secret === null ? undefined : plainEncryptionKeyIds(secret);
    for (const k of recipientKeys) {
      const reading = ids === undefined ? undefined : keyReadingNow(k.publicKey);
      const to =
        ids !== undefined && reading !== undefined
          ? ids.some((id) => reading.packets.has(id.slice(2)))
          : secret !== null && (await isEncryptedTo(secret, k.publicKey));
      if (to) {
        recipientKey = k.keyHash;
        break;
      }
    }
    if (recipientKey === null) {
      return fault(
        "WRONG_ENCRYPTION",
        "NOT_ENCRYPTED_TO_RECIPIENT",
        "encryptedSecret has no session key for any active key of the recipient",
      );
    }
  }
  return {
    ok: true,
    body: m,
    version: proof.version,
    preimage,
    preimageSize,
    signedHex,
    signature: proof.signature,
    sender,
    recipient,
    senderKey: signerKey.keyHash,
    recipientKey,
  };
}

/**
 * An upper bound of `Buffer.byteLength(JSON.stringify(m))` without writing the text (a message is kilobytes; the
 * limit a megabyte): JSON writes a UTF-16 unit of a string in at most 6 bytes (`\uXXXX`), a key the same way
 * plus quotes and a colon, each member a comma. Undefined when a member is not a string or null (a messageObj
 * object): then the text is written and measured.
 */
export function bodySizeBound(m: PushMessageBody): number | undefined {
  let n = 2;
  const record = m as unknown as Record<string, unknown>;
  for (const k of Object.keys(record)) {
    const v = record[k];
    if (v === undefined) continue;
    n += 6 * k.length + 4;
    if (typeof v === "string") n += 2 + 6 * v.length;
    else if (v === null) n += 4;
    else return undefined;
  }
  return n;
}

async function dearmorMessage(armored: string): Promise<Uint8Array | null> {
  try {
    const u = (await openpgp.unarmor(armored)) as { type: number; data: unknown };
    return u.type === openpgp.enums.armor.message && u.data instanceof Uint8Array ? u.data : null;
  } catch {
    return null;
  }
}
