import { getAddress, getBytes, hexlify, isHexString } from "ethers";
import { checksumAddress } from "../../util/address";
import { hex0x } from "../../util/hex";
import { PushValueKind } from "./attest";
import type { PushAttestedMessage, PushSignedFields, PushValue } from "./attest";

/**
 * The JSON form of an attested Push message (PushAttestedMessage): what a node's feed serves for a Push item
 * and what a Push proof file carries (docs/push-format.md). Bytes are 0x hex, uint64 a decimal string, the
 * value kinds their PushValueKind numbers. Decoding enforces only the ABI types (a MALFORMED message must
 * still be readable, to be proven), and names the field it refuses.
 *
 *   { "header": { "sigType": 3, "from": "0x..", "to": "0x..", "timestamp": "1700000000",
 *                 "senderKey": "0x..32", "recipientKey": "0x..32", "preimageSize": 1234, "toDID": "0x..32" },
 *     "body": { "fromDID": "0x..", "fromCAIP10": "0x..", "toCAIP10": "0x..", "messageObj": {"kind": 2, "data": "0x.."},
 *               "messageType": "0x..", "encType": "0x..", "sessionKey": {..}, "encryptedSecret": {..} } }
 */

/** An attested Push message JSON that does not have the ABI types; `field` is its path ("message.header.from"). */
export class PushAttestedDecodeError extends Error {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`invalid attested Push message: "${field}" ${detail}`);
    this.name = "PushAttestedDecodeError";
  }
}

export interface PushValueJson {
  kind: number;
  data: string;
}

export interface PushAttestedMessageJson {
  header: {
    sigType: number;
    from: string;
    to: string;
    timestamp: string;
    senderKey: string;
    recipientKey: string;
    preimageSize: number;
    toDID: string;
  };
  body: {
    fromDID: string;
    fromCAIP10: string;
    toCAIP10: string;
    messageObj: PushValueJson;
    messageType: string;
    encType: string;
    sessionKey: PushValueJson;
    encryptedSecret: PushValueJson;
  };
}

const BYTES_FIELDS = ["fromDID", "fromCAIP10", "toCAIP10", "messageType", "encType"] as const;
const VALUE_FIELDS = ["messageObj", "sessionKey", "encryptedSecret"] as const;

function valueJson(v: PushValue): PushValueJson {
  return { kind: v.kind, data: hex0x(v.data) };
}

/** The JSON of the attested struct's header alone (what encodePushAttested writes as `header`). */
export function encodePushHeader(h: PushAttestedMessage["header"]): PushAttestedMessageJson["header"] {
  return {
    sigType: h.sigType,
    from: checksumAddress(h.from),
    to: checksumAddress(h.to),
    timestamp: h.timestamp.toString(),
    senderKey: h.senderKey,
    recipientKey: h.recipientKey,
    preimageSize: h.preimageSize,
    toDID: h.toDID,
  };
}

export function encodePushAttested(m: PushAttestedMessage): PushAttestedMessageJson {
  const b = m.body;
  return {
    header: encodePushHeader(m.header),
    body: {
      fromDID: hex0x(b.fromDID),
      fromCAIP10: hex0x(b.fromCAIP10),
      toCAIP10: hex0x(b.toCAIP10),
      messageObj: valueJson(b.messageObj),
      messageType: hex0x(b.messageType),
      encType: hex0x(b.encType),
      sessionKey: valueJson(b.sessionKey),
      encryptedSecret: valueJson(b.encryptedSecret),
    },
  };
}

function record(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new PushAttestedDecodeError(where, "must be an object");
  return v as Record<string, unknown>;
}

function uint(v: unknown, bits: number, where: string): bigint {
  const ok =
    (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) ||
    (typeof v === "string" && /^\d{1,20}$/.test(v));
  if (!ok) throw new PushAttestedDecodeError(where, `must be a uint${bits} (a number or a decimal string)`);
  const n = BigInt(v as number | string);
  if (n >= 1n << BigInt(bits)) throw new PushAttestedDecodeError(where, `must be a uint${bits}, got ${n}`);
  return n;
}

function bytes(v: unknown, where: string, size?: number): Uint8Array {
  if (typeof v !== "string" || !isHexString(v) || v.length % 2 !== 0)
    throw new PushAttestedDecodeError(where, "must be 0x-prefixed hex bytes");
  const out = getBytes(v);
  if (size !== undefined && out.length !== size)
    throw new PushAttestedDecodeError(where, `must be ${size} bytes`);
  return out;
}

function address(v: unknown, where: string): string {
  return getAddress(hexlify(bytes(v, where, 20)));
}

function value(v: unknown, where: string): PushValue {
  const r = record(v, where);
  const kind = Number(uint(r.kind, 8, `${where}.kind`));
  if (kind > PushValueKind.Raw)
    throw new PushAttestedDecodeError(`${where}.kind`, `must be a PushValueKind (0-4), got ${kind}`);
  return { kind: kind as PushValue["kind"], data: bytes(r.data, `${where}.data`) };
}

export function decodePushAttested(json: unknown): PushAttestedMessage {
  const r = record(json, "message");
  const h = record(r.header, "message.header");
  const b = record(r.body, "message.body");
  const body = {} as Record<string, unknown>;
  for (const f of BYTES_FIELDS) body[f] = bytes(b[f], `message.body.${f}`);
  for (const f of VALUE_FIELDS) body[f] = value(b[f], `message.body.${f}`);
  return {
    header: {
      sigType: Number(uint(h.sigType, 8, "message.header.sigType")),
      from: address(h.from, "message.header.from"),
      to: address(h.to, "message.header.to"),
      timestamp: uint(h.timestamp, 64, "message.header.timestamp"),
      senderKey: hexlify(bytes(h.senderKey, "message.header.senderKey", 32)),
      recipientKey: hexlify(bytes(h.recipientKey, "message.header.recipientKey", 32)),
      preimageSize: Number(uint(h.preimageSize, 32, "message.header.preimageSize")),
      toDID: hexlify(bytes(h.toDID, "message.header.toDID", 32)),
    },
    body: body as unknown as PushSignedFields,
  };
}
