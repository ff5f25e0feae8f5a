import { createHash } from "node:crypto";
import { PushValueKind } from "./attest";
import type { PushSignedFields, PushValue } from "./attest";

/**
 * The signed preimage of a Push message rebuilt from its ATTESTED fields (PushPreimage.Message, strings as
 * WTF-8 bytes), byte for byte as contracts/libraries/PushPreimage.sol builds it: what a watcher hashes to
 * judge BAD_SIGNATURE without the SDK body. String escaping is PushJson.writeEscaped's (JSON.stringify's
 * over WTF-8): `"` `\` and \b \t \n \f \r as two characters, other bytes below 0x20 as \u00xx, a lone
 * surrogate (ED A0..BF 80..BF) as \udxxx (lowercase hex), every other byte copied. judge.ts measures the
 * attested preimageSize with it (pushPreimageLength).
 */

const HEX = "0123456789abcdef";
const SHORT: Record<number, number> = {
  0x22: 0x22,
  0x5c: 0x5c,
  0x08: 0x62,
  0x09: 0x74,
  0x0a: 0x6e,
  0x0c: 0x66,
  0x0d: 0x72,
};

function pushEscaped(out: number[], s: Uint8Array): void {
  for (let i = 0; i < s.length; i++) {
    const b = s[i];
    const short = SHORT[b];
    if (short !== undefined) out.push(0x5c, short);
    else if (b < 0x20) out.push(0x5c, 0x75, 0x30, 0x30, HEX.charCodeAt(b >> 4), HEX.charCodeAt(b & 15));
    else if (
      b === 0xed &&
      i + 2 < s.length &&
      s[i + 1] >= 0xa0 &&
      s[i + 1] <= 0xbf &&
      s[i + 2] >= 0x80 &&
      s[i + 2] <= 0xbf
    ) {
      const cp = 0xd000 | ((s[i + 1] & 0x3f) << 6) | (s[i + 2] & 0x3f);
      out.push(0x5c, 0x75);
      for (const shift of [12, 8, 4, 0]) out.push(HEX.charCodeAt((cp >> shift) & 15));
      i += 2;
    } else out.push(b);
  }
}

function pushAscii(out: number[], text: string): void {
  for (let i = 0; i < text.length; i++) out.push(text.charCodeAt(i));
}

function pushQuoted(out: number[], s: Uint8Array): void {
  out.push(0x22);
  pushEscaped(out, s);
  out.push(0x22);
}

function pushValue(out: number[], name: string, v: PushValue): void {
  if (v.kind === PushValueKind.Undefined) return;
  pushAscii(out, `,"${name}":`);
  if (v.kind === PushValueKind.Null) pushAscii(out, "null");
  else if (v.kind === PushValueKind.String) pushQuoted(out, v.data);
  else if (v.kind === PushValueKind.ContentObject) {
    pushAscii(out, '{"content":');
    pushQuoted(out, v.data);
    out.push(0x7d);
  } else for (const b of v.data) out.push(b);
}

/** PushPreimage.preimage(body, sigType == 3): the UTF-8 bytes of the signed JSON. */
export function attestedPreimage(body: PushSignedFields, sigType: number): Uint8Array {
  const out: number[] = [];
  pushAscii(out, '{"fromDID":');
  pushQuoted(out, body.fromDID);
  pushAscii(out, ',"toDID":');
  pushQuoted(out, body.fromDID);
  pushAscii(out, ',"fromCAIP10":');
  pushQuoted(out, body.fromCAIP10);
  pushAscii(out, ',"toCAIP10":');
  pushQuoted(out, body.toCAIP10);
  pushValue(out, "messageObj", body.messageObj);
  pushAscii(out, ',"messageType":');
  pushQuoted(out, body.messageType);
  pushAscii(out, ',"encType":');
  pushQuoted(out, body.encType);
  if (sigType === 3) pushValue(out, "sessionKey", body.sessionKey);
  pushValue(out, "encryptedSecret", body.encryptedSecret);
  out.push(0x7d);
  return Uint8Array.from(out);
}

/** The 64 lowercase hex characters the sender's key signs: sha256 of {@link attestedPreimage}. */
export function attestedSignedHex(body: PushSignedFields, sigType: number): string {
  return createHash("sha256").update(attestedPreimage(body, sigType)).digest("hex");
}
