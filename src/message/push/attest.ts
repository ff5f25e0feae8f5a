import { getBytes, keccak256, toUtf8Bytes } from "ethers";
import type { Signer } from "ethers";
import { attestationDomainSeparator, signAttestation, signatureHashOf } from "../attestation";
import { eip712Preimage, encodeStaticWords } from "../abi-words";
import { keccakBytes } from "../keccak-bytes";
import { hex0x } from "../../util/hex";
import { remembered } from "../../util/memo";
import type { AttestationDomain, SignedAttestation } from "../types";
import { pushPreimage } from "./preimage";
import type { JsonValue, PushMessageBody, PushSigVersion } from "./types";

/**
 * Attestation of a Push Chat SDK message (docs/push-format.md). The node signs the ordinary
 * `Attestation(digest, signatureHash, signatureSize, sequence, attestedAt)` whose `digest` is the EIP-712
 * hash, in the attestation domain (Slashing's: {name: "Push Nodes", version: "1", chainId, verifyingContract}),
 * of a `PushMessage` binding every field a proof needs (PUSH_MESSAGE_TYPE). `contracts/PushProofs.sol`
 * recomputes it from calldata.
 */

export const PUSH_VALUE_TYPE = "PushValue(uint8 kind,bytes data)";
export const PUSH_SIGNED_TYPE =
  "PushSigned(bytes fromDID,bytes fromCAIP10,bytes toCAIP10,PushValue messageObj,bytes messageType," +
  "bytes encType,PushValue sessionKey,PushValue encryptedSecret)";
export const PUSH_MESSAGE_TYPE =
  "PushMessage(uint8 sigType,address from,address to,uint64 timestamp,bytes32 senderKey," +
  "bytes32 recipientKey,uint32 preimageSize,bytes toDID,PushSigned body)";
export const PUSH_VALUE_TYPEHASH = keccak256(toUtf8Bytes(PUSH_VALUE_TYPE));
export const PUSH_SIGNED_TYPEHASH = keccak256(toUtf8Bytes(PUSH_SIGNED_TYPE + PUSH_VALUE_TYPE));
export const PUSH_MESSAGE_TYPEHASH = keccak256(
  toUtf8Bytes(PUSH_MESSAGE_TYPE + PUSH_SIGNED_TYPE + PUSH_VALUE_TYPE),
);

/** The same types for ethers' TypedDataEncoder (a cross-check; the struct is hashed, never signed as such). */
export const PUSH_MESSAGE_TYPES = {
  PushMessage: [
    { name: "sigType", type: "uint8" },
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "timestamp", type: "uint64" },
    { name: "senderKey", type: "bytes32" },
    { name: "recipientKey", type: "bytes32" },
    { name: "preimageSize", type: "uint32" },
    { name: "toDID", type: "bytes" },
    { name: "body", type: "PushSigned" },
  ],
  PushSigned: [
    { name: "fromDID", type: "bytes" },
    { name: "fromCAIP10", type: "bytes" },
    { name: "toCAIP10", type: "bytes" },
    { name: "messageObj", type: "PushValue" },
    { name: "messageType", type: "bytes" },
    { name: "encType", type: "bytes" },
    { name: "sessionKey", type: "PushValue" },
    { name: "encryptedSecret", type: "PushValue" },
  ],
  PushValue: [
    { name: "kind", type: "uint8" },
    { name: "data", type: "bytes" },
  ],
};

/** PushPreimage.Kind: how a value that is not always a string is written in the preimage. */
export const PushValueKind = {
  /** The key is absent (a missing messageObj). */
  Undefined: 0,
  Null: 1,
  /** A JSON string of the data (WTF-8). */
  String: 2,
  /** `{"content":<the data as a JSON string>}`: the messageObj of a PlainText text message. */
  ContentObject: 3,
  /** The data is `JSON.stringify` of the value already (any other object). */
  Raw: 4,
} as const;
export type PushValueKind = (typeof PushValueKind)[keyof typeof PushValueKind];

export interface PushValue {
  kind: PushValueKind;
  data: Uint8Array;
}

/** PushPreimage.Message: the signed fields, strings as their WTF-8 bytes. */
export interface PushSignedFields {
  fromDID: Uint8Array;
  fromCAIP10: Uint8Array;
  toCAIP10: Uint8Array;
  messageObj: PushValue;
  messageType: Uint8Array;
  encType: Uint8Array;
  sessionKey: PushValue;
  encryptedSecret: PushValue;
}

/** IPushProofs.PushHeader: the static members of the attested struct, `toDID` as keccak256 of its bytes. */
export interface PushHeader {
  /** 3 = pgpv3, 2 = pgpv2. */
  sigType: number;
  from: string;
  to: string;
  /** The node's timestamp of the message (seconds). */
  timestamp: bigint;
  /** keyHash of the sender's registered key that made the signature. */
  senderKey: string;
  /** keyHash of the recipient's key the secret is encrypted to (pgp), or zero (PlainText). */
  recipientKey: string;
  /** UTF-8 byte length of the signed preimage. */
  preimageSize: number;
  /** keccak256 of the WTF-8 bytes of toDID. */
  toDID: string;
}

/** IPushProofs.PushFieldHashes: the EIP-712 encodings of the signed fields. */
export interface PushFieldHashes {
  fromDID: string;
  fromCAIP10: string;
  toCAIP10: string;
  messageObj: string;
  messageType: string;
  encType: string;
  sessionKey: string;
  encryptedSecret: string;
}

/** Everything a proof of a Push message carries besides the attestation and the OpenPGP bytes. */
export interface PushAttestedMessage {
  header: PushHeader;
  body: PushSignedFields;
}

const ZERO32 = "0x" + "00".repeat(32);

/**
 * WTF-8 bytes of a JavaScript string: UTF-8, with a lone surrogate written as its 3-byte sequence
 * (ED A0..BF 80..BF), the encoding PushJson.sol escapes back to `\udxxx` as `JSON.stringify` does.
 */
export function wtf8(s: string): Uint8Array {
  // A well-formed string (no lone surrogate) is plain UTF-8: Buffer encodes it natively.
  if ((s as string & { isWellFormed(): boolean }).isWellFormed()) {
    const b = Buffer.from(s, "utf8");
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}

/** A `string | null | undefined` field as a PushValue. */
function stringValue(v: string | null | undefined): PushValue {
  if (v === undefined) return { kind: PushValueKind.Undefined, data: new Uint8Array() };
  if (v === null) return { kind: PushValueKind.Null, data: new Uint8Array() };
  return { kind: PushValueKind.String, data: wtf8(v) };
}

/**
 * messageObj as a PushValue: absent -> Undefined, a string -> String, an object whose only key is a string
 * `content` -> ContentObject, any other value -> Raw (`JSON.stringify` of it, well-formed UTF-8).
 */
export function messageObjValue(v: JsonValue | undefined): PushValue {
  if (v === undefined || v === null || typeof v === "string") return stringValue(v);
  if (typeof v === "object" && !Array.isArray(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === "content" && typeof v.content === "string") {
      return { kind: PushValueKind.ContentObject, data: wtf8(v.content) };
    }
  }
  return { kind: PushValueKind.Raw, data: toUtf8Bytes(JSON.stringify(v)) };
}

/** The signed fields of a decoded body, as PushProofs reads them. */
export function pushSignedFieldsOf(body: PushMessageBody): PushSignedFields {
  return {
    fromDID: wtf8(body.fromDID),
    fromCAIP10: wtf8(body.fromCAIP10),
    toCAIP10: wtf8(body.toCAIP10),
    messageObj: messageObjValue(body.messageObj),
    messageType: wtf8(body.messageType),
    encType: wtf8(body.encType),
    sessionKey: stringValue(body.sessionKey),
    encryptedSecret: stringValue(body.encryptedSecret),
  };
}

export interface PushAttestationMeta {
  /** The node's timestamp of the message (seconds; within maxClockSkew of attestedAt). */
  timestamp: bigint;
  /** keyHash of the sender key the signature verified under. */
  senderKey: string;
  /** keyHash of the recipient key the secret is encrypted to (pgp), or null for PlainText. */
  recipientKey: string | null;
  /**
   * UTF-8 bytes of the body's preimage for `version`, when the caller has it already (validatePushMessage's
   * `preimageSize` for the same body and version); otherwise the preimage is made again to measure it.
   */
  preimageSize?: number;
}

/**
 * The attested struct of a decoded Push message body (validatePushMessage's `body`, `version`, `sender`,
 * `recipient`, `senderKey`, `recipientKey`), with the node's timestamp. `from`/`to` are the addresses of
 * the DIDs (any case; the EIP-55 form is written).
 */
export function pushAttestedMessageOf(
  body: PushMessageBody,
  version: PushSigVersion,
  from: string,
  to: string,
  meta: PushAttestationMeta,
): PushAttestedMessage {
  return {
    header: {
      sigType: version === "pgpv3" ? 3 : 2,
      from,
      to,
      timestamp: meta.timestamp,
      senderKey: meta.senderKey,
      recipientKey: meta.recipientKey ?? ZERO32,
      preimageSize: meta.preimageSize ?? Buffer.byteLength(pushPreimage(body, version), "utf8"),
      toDID: hex0x(fieldHash(wtf8(body.toDID))),
    },
    body: pushSignedFieldsOf(body),
  };
}

const VALUE_TYPEHASH = getBytes(PUSH_VALUE_TYPEHASH);
const SIGNED_TYPEHASH = getBytes(PUSH_SIGNED_TYPEHASH);
const MESSAGE_TYPEHASH = getBytes(PUSH_MESSAGE_TYPEHASH);

/** The field order of PushSigned (and of IPushProofs.PushFieldHashes). */
const FIELDS = [
  "fromDID",
  "fromCAIP10",
  "toCAIP10",
  "messageObj",
  "messageType",
  "encType",
  "sessionKey",
  "encryptedSecret",
] as const;

/**
 * keccakBytes of a short value (a DID, a CAIP-10 address, "Text", "pgp", an empty secret: the fields that repeat
 * from message to message), kept in memory; longer values are hashed every time. The arrays returned are
 * shared: callers only read them.
 */
const shortHashes = new Map<string, Uint8Array>();
const SHORT = 64;
const MAX_SHORT_HASHES = 8192;

/** `hash()` of a value, remembered when the value is short (the key: `tag` and the value's bytes). */
function rememberedShort(data: Uint8Array, tag: string, hash: () => Uint8Array): Uint8Array {
  if (data.length > SHORT) return hash();
  const key = tag + Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");
  return remembered(shortHashes, key, MAX_SHORT_HASHES, hash);
}

/** keccak256 of a field's bytes, remembered for short ones. */
function fieldHash(data: Uint8Array): Uint8Array {
  return rememberedShort(data, "", () => keccakBytes(data));
}

function valueHash(v: PushValue): Uint8Array {
  // The tag (the kind, as a character outside latin1) keeps PushValue hashes apart from plain field hashes.
  return rememberedShort(v.data, String.fromCharCode(0x100 + v.kind), () => valueHashOf(v));
}

function valueHashOf(v: PushValue): Uint8Array {
  return keccakBytes(
    encodeStaticWords([
      { type: "bytes32", value: VALUE_TYPEHASH },
      { type: "uint", bits: 8, value: v.kind },
      { type: "bytes32", value: keccakBytes(v.data) },
    ]),
  );
}

/** The EIP-712 encodings of the signed fields, as bytes, in PushSigned's order. */
function fieldHashBytes(b: PushSignedFields): Uint8Array[] {
  return [
    fieldHash(b.fromDID),
    fieldHash(b.fromCAIP10),
    fieldHash(b.toCAIP10),
    valueHash(b.messageObj),
    fieldHash(b.messageType),
    fieldHash(b.encType),
    valueHash(b.sessionKey),
    valueHash(b.encryptedSecret),
  ];
}

/** The EIP-712 encodings of the signed fields (IPushProofs.PushFieldHashes). */
export function pushFieldHashes(b: PushSignedFields): PushFieldHashes {
  const h = fieldHashBytes(b);
  const out = {} as Record<(typeof FIELDS)[number], string>;
  FIELDS.forEach((f, i) => (out[f] = hex0x(h[i])));
  return out;
}

function structHashBytes(h: PushHeader, fields: readonly Uint8Array[]): Uint8Array {
  const bodyHash = keccakBytes(
    encodeStaticWords([
      { type: "bytes32", value: SIGNED_TYPEHASH },
      ...fields.map((value) => ({ type: "bytes32" as const, value })),
    ]),
  );
  return keccakBytes(
    encodeStaticWords([
      { type: "bytes32", value: MESSAGE_TYPEHASH },
      { type: "uint", bits: 8, value: h.sigType },
      { type: "address", value: h.from },
      { type: "address", value: h.to },
      { type: "uint", bits: 64, value: h.timestamp },
      { type: "bytes32", value: h.senderKey },
      { type: "bytes32", value: h.recipientKey },
      { type: "uint", bits: 32, value: h.preimageSize },
      { type: "bytes32", value: h.toDID },
      { type: "bytes32", value: bodyHash },
    ]),
  );
}

/** hashStruct(PushMessage) from the header and the field hashes. */
export function pushMessageStructHash(h: PushHeader, hs: PushFieldHashes): string {
  return hex0x(
    structHashBytes(
      h,
      FIELDS.map((f) => getBytes(hs[f])),
    ),
  );
}

/** The attested digest of a Push message: EIP-712 in the attestation domain (what PushProofs recomputes). */
export function pushMessageDigest(m: PushAttestedMessage, d: AttestationDomain): string {
  return hex0x(
    keccakBytes(
      eip712Preimage(attestationDomainSeparator(d), structHashBytes(m.header, fieldHashBytes(m.body))),
    ),
  );
}

/**
 * A node's attestation of a Push message: `digest` = pushMessageDigest, `signatureHash`/`signatureSize` of
 * the binary OpenPGP signature (de-armored from verificationProof), signed with the node's signer.
 */
export async function attestPushMessage(
  signer: Signer,
  m: PushAttestedMessage,
  signature: Uint8Array,
  feed: { sequence: bigint; attestedAt: bigint },
  d: AttestationDomain,
): Promise<SignedAttestation> {
  return signAttestation(
    signer,
    {
      digest: pushMessageDigest(m, d),
      signatureHash: signatureHashOf(signature),
      signatureSize: signature.length,
      sequence: feed.sequence,
      attestedAt: feed.attestedAt,
    },
    d,
  );
}
