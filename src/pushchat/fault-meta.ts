/**
 * What a node attests for a Push message that failed validatePushMessage but is accepted anyway under
 * fault injection (`node:serve --accept`): the decoded body, its signature and the two keys the attested
 * header names. Honest nodes never call this.
 *
 * - senderKey: the first key (of the lookups, in order) whose key id issued the signature, else the first
 *   key of the sender at all. UNAUTHORIZED_SENDER: a key of the sender's stored profile that is not on chain;
 *   BAD_SIGNATURE: the sender's registered key the forged signature claims;
 * - recipientKey (pgp only): the first key of the recipient the encryptedSecret is encrypted to, else the
 *   first key of the recipient, else none (zero). PlainText: none.
 *
 * Returns null when the message cannot be attested at all (a body that does not decode, a DID that is not a
 * wallet, a sender without any key): the node then refuses it as usual.
 */
import * as openpgp from "openpgp";
import { isEncryptedTo } from "../message/content";
import {
  PushDecodeError,
  PushProofError,
  addressOfDid,
  decodePushMessage,
  keyHasKeyId,
  parseVerificationProof,
  signatureIssuerKeyIds,
} from "../message/push";
import type { PushKeyLookup, PushMessageBody, PushSigVersion, RegisteredPushKey } from "../message/push";

export interface PushMessageMeta {
  body: PushMessageBody;
  version: PushSigVersion;
  signature: Uint8Array;
  sender: string;
  recipient: string;
  senderKey: string;
  recipientKey: string | null;
}

async function keysOf(lookups: readonly PushKeyLookup[], address: string): Promise<RegisteredPushKey[]> {
  const out: RegisteredPushKey[] = [];
  for (const l of lookups)
    for (const k of await l.activeKeys(address)) if (!out.some((o) => o.keyHash === k.keyHash)) out.push(k);
  return out;
}

export async function faultMetaOf(
  json: unknown,
  lookups: readonly PushKeyLookup[],
): Promise<PushMessageMeta | null> {
  let body: PushMessageBody;
  let version: PushSigVersion;
  let signature: Uint8Array;
  try {
    body = decodePushMessage(json);
    const proof = await parseVerificationProof(body.verificationProof);
    version = proof.version;
    signature = proof.signature;
  } catch (e) {
    if (e instanceof PushDecodeError || e instanceof PushProofError) return null;
    throw e;
  }
  const sender = addressOfDid(body.fromDID);
  const recipient = addressOfDid(body.toDID);
  if (sender === null || recipient === null) return null;
  const senderKeys = await keysOf(lookups, sender);
  const issuers = (await signatureIssuerKeyIds(signature)) ?? [];
  let senderKey: RegisteredPushKey | undefined;
  for (const k of senderKeys)
    if (await keyHasKeyId(k.publicKey, issuers)) {
      senderKey = k;
      break;
    }
  senderKey ??= senderKeys[0];
  if (senderKey === undefined) return null;
  let recipientKey: string | null = null;
  if (body.encType === "pgp") {
    const recipientKeys = await keysOf(lookups, recipient);
    const secret = typeof body.encryptedSecret === "string" ? await dearmor(body.encryptedSecret) : null;
    for (const k of recipientKeys)
      if (secret !== null && (await isEncryptedTo(secret, k.publicKey))) {
        recipientKey = k.keyHash;
        break;
      }
    recipientKey ??= recipientKeys[0]?.keyHash ?? null;
  }
  return { body, version, signature, sender, recipient, senderKey: senderKey.keyHash, recipientKey };
}

async function dearmor(armored: string): Promise<Uint8Array | null> {
  try {
    const u = (await openpgp.unarmor(armored)) as { type: number; data: unknown };
    return u.data instanceof Uint8Array ? u.data : null;
  } catch {
    return null;
  }
}
