import { keccak256 } from "ethers";
import { signatureHashOf } from "../attestation";
import { withinStateLag } from "../check";
import type { KeyView } from "../check";
import { CheckContextError } from "../errors";
import type { Attestation, AttestationDomain } from "../types";
import { pushMessageDigest } from "./attest";
import type { PushAttestedMessage } from "./attest";
import { attestedSignedHex } from "./attested-preimage";
import { PushMalformedReason, pushMalformedReason } from "./judge";
import type { PushProofLimits } from "./judge";
import { checkPushSignatureProfile } from "./signature";

/**
 * The watcher's judgement of an attested Push message from the attested data alone: the fault
 * contracts/PushProofs.sol would accept, in its semantics (docs/push-format.md section 2), checked in this
 * order (the first found is returned, as for envelopes):
 *
 *   0. the attestation's digest must be pushMessageDigest(m) (else every proof reverts PushProofsDigestMismatch:
 *      `mismatch`, not a fault);
 *   1. MALFORMED: pushMalformedReason (judge.ts, PushProofs._malformedReason); reasons 1-5 are proven with
 *      the hashed form (provePushMalformedHashed), 6-15 with the full one;
 *   2. UNAUTHORIZED_SENDER: senderKey not a key of `from` active at `timestamp`;
 *   3. WRONG_ENCRYPTION: "pgp" and recipientKey not a key of `to` active at `timestamp`; "PlainText" and `to`
 *      had an active key then (the one returned by anyActiveKeyAt, the proof's recipientActiveKey);
 *   4. BAD_SIGNATURE: the served signature must hash to signatureHash (else `mismatch`: not provable); its
 *      length differs from signatureSize (detail 255), or the client profile refuses it under the sender's
 *      key over sha256 of the preimage rebuilt from the attested fields (OpenPgpVerifier.check not Valid).
 *
 * Key rules are Slashing.keyActiveAt's: a failing check whose deciding record changed at or before
 * `timestamp` and less than `stateLag` before attestedAt reverts SlashingStateLag on chain, so it is no
 * verdict: it is listed in `excused` and the next rule is checked. No verdict comes from a failed
 * computation: a sender key outside the profile (the verifier reverts) is `undecidable`; key bytes missing
 * from the key view throw CheckContextError (the index is behind: judge again later).
 */

export type PushFaultCode = "MALFORMED" | "UNAUTHORIZED_SENDER" | "WRONG_ENCRYPTION" | "BAD_SIGNATURE";

export type PushProofMethod =
  | "provePushMalformed"
  | "provePushMalformedHashed"
  | "provePushUnauthorizedSender"
  | "provePushWrongEncryption"
  | "provePushBadSignature";

export interface PushJudgedFault {
  code: PushFaultCode;
  /** The PushProofs function that proves it. */
  method: PushProofMethod;
  /** MALFORMED: the reason (IPushProofs.MalformedReason); BAD_SIGNATURE: 255 for a size mismatch, else the
   *  profile rule in `rule`; 0 otherwise. */
  detail: number;
  /** A short rule name (the MalformedReason name, SENDER_KEY_INACTIVE, ..., the profile code). */
  rule: string;
  reason: string;
  /** WRONG_ENCRYPTION of PlainText: the recipient's key active at `timestamp`. */
  recipientActiveKey?: string;
  /** BAD_SIGNATURE: the sender's registered key bytes (absent for a size mismatch). */
  publicKey?: Uint8Array;
}

export type PushJudgement =
  | { status: "valid"; excused: PushJudgedFault[] }
  | { status: "fault"; fault: PushJudgedFault; excused: PushJudgedFault[] }
  /** The digest is not the attested struct's, or (no other fault) the signature served is not the attested one. */
  | { status: "mismatch"; reason: string }
  /** PushProofs would revert without a verdict (the sender key is outside the profile). */
  | { status: "undecidable"; reason: string };

/** The limits in force at attestedAt: Slashing.effectiveLimits(attestedAt). */
export interface PushJudgeLimits extends PushProofLimits {
  stateLag: bigint;
}

export interface PushJudgeInput {
  message: PushAttestedMessage;
  /** The binary OpenPGP signature served with it. */
  signature: Uint8Array;
  attestation: Attestation;
  /** The chain's key state (the validator's chain index), read at the attestation's time. */
  keys: KeyView;
  limits: PushJudgeLimits;
  domain: AttestationDomain;
}

const REASON_NAMES = Object.fromEntries(
  Object.entries(PushMalformedReason).map(([k, v]) => [v, k]),
) as Record<number, string>;

/** The judgement of one attested Push message (see the module comment). */
export async function judgePushMessage(input: PushJudgeInput): Promise<PushJudgement> {
  const { message: m, signature, attestation: a, keys, limits } = input;
  const h = m.header;
  const digest = pushMessageDigest(m, input.domain);
  if (digest !== a.digest.toLowerCase())
    return {
      status: "mismatch",
      reason: `the attestation's digest ${a.digest} is not pushMessageDigest of the served message (${digest})`,
    };
  const excused: PushJudgedFault[] = [];
  const fault = (f: PushJudgedFault): PushJudgement => ({ status: "fault", fault: f, excused });

  // 1. MALFORMED
  const reason = pushMalformedReason(m, a, limits);
  if (reason !== PushMalformedReason.None)
    return fault({
      code: "MALFORMED",
      method:
        reason <= PushMalformedReason.SignatureTooLarge ? "provePushMalformedHashed" : "provePushMalformed",
      detail: reason,
      rule: REASON_NAMES[reason],
      reason: `MalformedReason ${REASON_NAMES[reason]} (${reason})`,
    });

  const lagged = async (owner: string, keyHash: string): Promise<boolean> => {
    const r = await keys.recordTimes(owner, keyHash);
    return r !== null && withinStateLag(r, h.timestamp, a.attestedAt, limits.stateLag);
  };
  const keyFault = async (
    f: PushJudgedFault,
    owner: string,
    keyHash: string,
  ): Promise<PushJudgement | null> => {
    if (await lagged(owner, keyHash)) {
      excused.push({ ...f, reason: `${f.reason} (record changed within the state lag)` });
      return null;
    }
    return fault(f);
  };

  // 2. UNAUTHORIZED_SENDER
  if (!(await keys.keyActiveAt(h.from, h.senderKey, h.timestamp))) {
    const r = await keyFault(
      {
        code: "UNAUTHORIZED_SENDER",
        method: "provePushUnauthorizedSender",
        detail: 0,
        rule: "SENDER_KEY_INACTIVE",
        reason: `senderKey ${h.senderKey} is not a key of ${h.from} active at ${h.timestamp}`,
      },
      h.from,
      h.senderKey,
    );
    if (r) return r;
  }

  // 3. WRONG_ENCRYPTION (MALFORMED passed: encType is exactly "pgp" or "PlainText")
  const pgp = Buffer.from(m.body.encType).toString("latin1") === "pgp";
  if (pgp) {
    if (!(await keys.keyActiveAt(h.to, h.recipientKey, h.timestamp))) {
      const r = await keyFault(
        {
          code: "WRONG_ENCRYPTION",
          method: "provePushWrongEncryption",
          detail: 0,
          rule: "RECIPIENT_KEY_INACTIVE",
          reason: `recipientKey ${h.recipientKey} is not a key of ${h.to} active at ${h.timestamp}`,
        },
        h.to,
        h.recipientKey,
      );
      if (r) return r;
    }
  } else {
    const active = await keys.anyActiveKeyAt(h.to, h.timestamp);
    if (active !== null) {
      const r = await keyFault(
        {
          code: "WRONG_ENCRYPTION",
          method: "provePushWrongEncryption",
          detail: 0,
          rule: "PLAINTEXT_TO_KEYED_RECIPIENT",
          reason: `PlainText sent to ${h.to}, who had the active key ${active} at ${h.timestamp}`,
          recipientActiveKey: active,
        },
        h.to,
        active,
      );
      if (r) return r;
    }
  }

  // 4. BAD_SIGNATURE
  if (signatureHashOf(signature) !== a.signatureHash.toLowerCase())
    return { status: "mismatch", reason: "the signature served does not hash to the attested signatureHash" };
  if (signature.length !== a.signatureSize)
    return fault({
      code: "BAD_SIGNATURE",
      method: "provePushBadSignature",
      detail: 255,
      rule: "SIGNATURE_SIZE_MISMATCH",
      reason: `the signature is ${signature.length} bytes, the attestation says signatureSize ${a.signatureSize}`,
    });
  const publicKey = await keys.publicKeyBytes(h.senderKey);
  if (publicKey === null) throw new CheckContextError(`the key view has no bytes for key ${h.senderKey}`);
  if (keccak256(publicKey) !== h.senderKey.toLowerCase())
    throw new CheckContextError(`the key view's bytes for ${h.senderKey} hash to ${keccak256(publicKey)}`);
  const refusal = checkPushSignatureProfile(signature, publicKey, attestedSignedHex(m.body, h.sigType));
  if (refusal === null) return { status: "valid", excused };
  if (refusal.code === "KEY")
    return { status: "undecidable", reason: `the sender key is outside the profile: ${refusal.reason}` };
  return fault({
    code: "BAD_SIGNATURE",
    method: "provePushBadSignature",
    detail: 0,
    rule: refusal.code,
    reason: `${refusal.code}: ${refusal.reason}`,
    publicKey,
  });
}
