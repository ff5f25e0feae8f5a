/**
 * The Push Chat SDK's payloads (`@pushprotocol/restapi` 1.7.32), as its `chat.send` and `user.create`
 * POST them. Key order is part of the format: the SDK builds each body as an object literal and the
 * signed preimages are `JSON.stringify` of objects built in a fixed order (see preimage.ts).
 */

/** `encType` values Push's backend accepted. `pgpv1:group` (private groups) is outside our scope. */
export type PushEncType = "PlainText" | "pgp" | "pgpv1:group";

/** The signature scheme named by the `verificationProof` prefix (`pgpv3:` now, `pgpv2:` older clients). */
export type PushSigVersion = "pgpv3" | "pgpv2";

/** A JSON value as `JSON.parse` returns it (the type of `messageObj` when it is not a string). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * The message body POSTed to `/v1/chat/request` and `/v1/chat/message`, in the SDK's key order.
 * Signed by `verificationProof` (pgpv3): fromDID, fromCAIP10, toCAIP10, messageObj, messageType, encType,
 * sessionKey, encryptedSecret (pgpv2: the same without sessionKey). Not signed: toDID (the preimage
 * carries fromDID in its place), messageContent, signature, sigType.
 */
export interface PushMessageBody {
  /** `eip155:0x<address>` of the sender (the SDK writes the checksummed address). */
  fromDID: string;
  /** `eip155:0x<address>` of the recipient (a chat id for groups: out of scope). */
  toDID: string;
  /** Must equal fromDID. */
  fromCAIP10: string;
  /** Must equal toDID. */
  toCAIP10: string;
  /** "Text", "Image", ...; never empty. */
  messageType: string;
  /**
   * PlainText: the message object (`{"content": "..."}` for text); pgp: CryptoJS AES ciphertext of its
   * JSON (base64 "U2FsdGVkX1..."). Absent in no SDK body, but optional for Push's backend: when absent
   * the preimage drops the key.
   */
  messageObj?: JsonValue;
  encType: string;
  /** null for one-to-one chat (a group session key otherwise). Missing is read as null (Push's default). */
  sessionKey: string | null;
  /** pgp: the armored OpenPGP message holding the AES secret for the recipient and the sender; PlainText: "". */
  encryptedSecret: string | null;
  /** PlainText: the text; pgp: its AES ciphertext. Not signed by pgpv2/pgpv3. */
  messageContent: string;
  /** Deprecated armored signature over messageContent. Not signed, not checked. */
  signature: string;
  /** "pgpv3" from the SDK; not read (the verificationProof prefix decides). */
  sigType: string;
  /** `pgpv3:` or `pgpv2:` followed by an armored detached OpenPGP signature. */
  verificationProof: string;
}

/** The keys of a message body, in the SDK's order. */
export const PUSH_MESSAGE_FIELDS = [
  "fromDID",
  "toDID",
  "fromCAIP10",
  "toCAIP10",
  "messageType",
  "messageObj",
  "encType",
  "sessionKey",
  "encryptedSecret",
  "messageContent",
  "signature",
  "sigType",
  "verificationProof",
] as const satisfies readonly (keyof PushMessageBody)[];

/**
 * The profile body POSTed to `/v2/users/` by user creation, in the SDK's key order (`origin` only when
 * the app set one; it is not signed).
 */
export interface PushProfileBody {
  /** `eip155:0x<checksummed address>`. */
  caip10: string;
  /** Equal to caip10 for an EOA profile. */
  did: string;
  /** `JSON.stringify({key: <armored public key>, signature: "DEPRECATED"})`, or a bare armored key. */
  publicKey: string;
  /** `JSON.stringify({ciphertext, salt, nonce, version, preKey})`: the private key, AES-GCM under a wallet-derived key. */
  encryptedPrivateKey: string;
  origin?: string;
  /** `"eip191v2:" + personal_sign(pushProfileSignedHex(body))` (0x + 130 hex). */
  verificationProof: string;
}

export const PUSH_PROFILE_FIELDS = [
  "caip10",
  "did",
  "publicKey",
  "encryptedPrivateKey",
  "origin",
  "verificationProof",
] as const satisfies readonly (keyof PushProfileBody)[];
