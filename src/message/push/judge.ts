import { getAddress, keccak256, toUtf8Bytes } from "ethers";
import { MAX_SIGNATURE_SIZE } from "../types";
import { PushValueKind } from "./attest";
import { attestedPreimage } from "./attested-preimage";
import type { PushAttestedMessage } from "./attest";

/**
 * The MALFORMED rules of contracts/PushProofs.sol over an attested Push message, in TypeScript: what a
 * watcher computes before it sends `provePushMalformed` (the reason is the proof's `detail`). Rule for rule
 * the contract's `_malformedReason` (checked by test/push/proofs-judge.test.ts against its
 * `malformedReason` view); docs/push-format.md section 2 lists them.
 */

/** IPushProofs.MalformedReason. */
export const PushMalformedReason = {
  None: 0,
  SigType: 1,
  SameAddress: 2,
  ClockSkew: 3,
  PreimageTooLarge: 4,
  SignatureTooLarge: 5,
  EncType: 6,
  FromDid: 7,
  FromCaip10Mismatch: 8,
  ToCaip10Mismatch: 9,
  ToDid: 10,
  MessageType: 11,
  SessionKey: 12,
  EncryptedSecret: 13,
  MessageObj: 14,
  PreimageSize: 15,
} as const;
export type PushMalformedReason = (typeof PushMalformedReason)[keyof typeof PushMalformedReason];

/** The limits in force for the attestation (Slashing.effectiveLimits(attestedAt)). */
export interface PushProofLimits {
  maxContentSize: bigint;
  maxClockSkew: bigint;
}

/**
 * Byte length of the preimage PushPreimage.preimage builds (pgpv3 when sigType is 3, else pgpv2): the length of
 * the text attestedPreimage rebuilds, escapes and all.
 */
export function pushPreimageLength(m: PushAttestedMessage): number {
  return attestedPreimage(m.body, m.header.sigType).length;
}

/** Whether `did` is "eip155:0x" + 40 hex digits of `account` (EIP-55 checksum when mixed case). */
export function isDidOf(did: Uint8Array, account: string): boolean {
  if (did.length !== 49) return false;
  const text = String.fromCharCode(...did);
  if (!/^eip155:0x[0-9a-fA-F]{40}$/.test(text)) return false;
  const hex = text.slice(9);
  if (hex.toLowerCase() !== account.slice(2).toLowerCase()) return false;
  if (!/[a-f]/.test(hex) || !/[A-F]/.test(hex)) return true;
  return getAddress("0x" + hex.toLowerCase()) === "0x" + hex;
}

const eq = (a: Uint8Array, s: string): boolean => Buffer.from(a).equals(Buffer.from(toUtf8Bytes(s)));

/** MALFORMED reasons 1-5 (the hashed form's). */
export function pushHeaderReason(
  m: PushAttestedMessage,
  a: { signatureSize: number; attestedAt: bigint },
  limits: PushProofLimits,
): PushMalformedReason {
  const h = m.header;
  if (h.sigType !== 2 && h.sigType !== 3) return PushMalformedReason.SigType;
  if (h.from.toLowerCase() === h.to.toLowerCase()) return PushMalformedReason.SameAddress;
  const skew = h.timestamp > a.attestedAt ? h.timestamp - a.attestedAt : a.attestedAt - h.timestamp;
  if (skew > limits.maxClockSkew) return PushMalformedReason.ClockSkew;
  if (BigInt(h.preimageSize) > limits.maxContentSize) return PushMalformedReason.PreimageTooLarge;
  if (a.signatureSize > MAX_SIGNATURE_SIZE) return PushMalformedReason.SignatureTooLarge;
  return PushMalformedReason.None;
}

/** The first MALFORMED reason of an attested Push message, as PushProofs.malformedReason decides it. */
export function pushMalformedReason(
  m: PushAttestedMessage,
  a: { signatureSize: number; attestedAt: bigint },
  limits: PushProofLimits,
): PushMalformedReason {
  const r = pushHeaderReason(m, a, limits);
  if (r !== PushMalformedReason.None) return r;
  const { header: h, body: b } = m;
  const pgp = eq(b.encType, "pgp");
  if (!pgp && !eq(b.encType, "PlainText")) return PushMalformedReason.EncType;
  if (!isDidOf(b.fromDID, h.from)) return PushMalformedReason.FromDid;
  if (!Buffer.from(b.fromCAIP10).equals(Buffer.from(b.fromDID)))
    return PushMalformedReason.FromCaip10Mismatch;
  if (keccak256(b.toCAIP10) !== h.toDID.toLowerCase()) return PushMalformedReason.ToCaip10Mismatch;
  if (!isDidOf(b.toCAIP10, h.to)) return PushMalformedReason.ToDid;
  if (b.messageType.length === 0 || eq(b.messageType, "Meta") || eq(b.messageType, "UserActivity")) {
    return PushMalformedReason.MessageType;
  }
  if (b.sessionKey.kind !== PushValueKind.Null) return PushMalformedReason.SessionKey;
  const secret = b.encryptedSecret;
  const obj = b.messageObj;
  if (pgp) {
    if (secret.kind !== PushValueKind.String || secret.data.length === 0)
      return PushMalformedReason.EncryptedSecret;
    if (obj.kind !== PushValueKind.String) return PushMalformedReason.MessageObj;
  } else {
    if (
      secret.kind !== PushValueKind.Null &&
      (secret.kind !== PushValueKind.String || secret.data.length !== 0)
    ) {
      return PushMalformedReason.EncryptedSecret;
    }
    const objectText = obj.data.length >= 2 && obj.data[0] === 0x7b && obj.data[obj.data.length - 1] === 0x7d;
    if (obj.kind === PushValueKind.Null || (obj.kind === PushValueKind.Raw && !objectText)) {
      return PushMalformedReason.MessageObj;
    }
  }
  if (pushPreimageLength(m) !== h.preimageSize) return PushMalformedReason.PreimageSize;
  return PushMalformedReason.None;
}
