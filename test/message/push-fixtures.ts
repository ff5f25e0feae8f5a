import { getBytes } from "ethers";
import { MemoryKeyView } from "../../src/message";
import { pushKeyLookupOf } from "../../src/message/push";
import type { PushKeyLookup } from "../../src/message/push";
import profilesJson from "../fixtures/push/profiles.json";
import messagesJson from "../fixtures/push/messages.json";

/** The committed Push SDK vectors (scripts/gen-push-vectors.ts) and their key registry. */

export type ProfileVector = (typeof profilesJson.profiles)[number];
export type MessageVector = (typeof messagesJson.messages)[number];

export const profileVectors: ProfileVector[] = profilesJson.profiles;
export const messageVectors: MessageVector[] = messagesJson.messages;
export const keylessWallets = profilesJson.keyless;

export function profile(name: string): ProfileVector {
  const p = profileVectors.find((v) => v.name === name);
  if (!p) throw new Error(`no profile vector ${name}`);
  return p;
}

/** A registry where every profile of profiles.json registered its key at time 1 (dave: none). */
export function pushRegistry(): MemoryKeyView {
  const view = new MemoryKeyView();
  for (const p of profileVectors) view.addKey(p.address, getBytes(p.publicKey), 1n);
  return view;
}

/** The registry's keys active at time 2. */
export function pushLookup(view: MemoryKeyView = pushRegistry()): PushKeyLookup {
  return pushKeyLookupOf(view, 2n);
}

/** A deep copy of a body (key order kept). */
export function copyBody(body: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
}

/** What a twin (a body with one field changed) should give. */
export interface Twin {
  field: string;
  body: Record<string, unknown>;
  /** Whether the signature still verifies (the SDK's decryptAndVerifyMessage and ours must both say so). */
  signatureOk: boolean;
  /** validatePushMessage's verdict with the vector registry. */
  expect: { ok: true } | { code: string; rule: string };
}

function changeChar(s: string, at: number): string {
  const i = Math.min(at, s.length - 1);
  return s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
}

/**
 * One twin per field of a valid body from `fromDid` (whose key signed it): every signed field, and
 * toDID, messageContent, signature, sigType (not signed) and the verificationProof type.
 * `otherDid` is a wallet with a registered key, neither sender nor recipient.
 */
export function twinsOf(body: Record<string, unknown>, version: string, otherDid: string): Twin[] {
  const pgp = body.encType === "pgp";
  const t = (
    field: string,
    change: Record<string, unknown>,
    signatureOk: boolean,
    expect: Twin["expect"],
  ): Twin => ({
    field,
    body: { ...copyBody(body), ...change },
    signatureOk,
    expect,
  });
  const bad = { code: "BAD_SIGNATURE", rule: "SIGNATURE" };
  const to = body.toCAIP10 as string;
  const obj = body.messageObj;
  return [
    t("fromDID", { fromDID: otherDid }, false, { code: "MALFORMED", rule: "FROM_CAIP10_MISMATCH" }),
    t("fromCAIP10", { fromCAIP10: otherDid }, false, { code: "MALFORMED", rule: "FROM_CAIP10_MISMATCH" }),
    t("fromDID+fromCAIP10", { fromDID: otherDid, fromCAIP10: otherDid }, false, {
      code: "UNAUTHORIZED_SENDER",
      rule: "SIGNER_NOT_SENDER_KEY",
    }),
    t("toCAIP10 (case)", { toCAIP10: "eip155:" + to.slice(7).toLowerCase() }, false, {
      code: "MALFORMED",
      rule: "TO_CAIP10_MISMATCH",
    }),
    t("toDID (not signed)", { toDID: otherDid }, true, { code: "MALFORMED", rule: "TO_CAIP10_MISMATCH" }),
    t(
      "toDID+toCAIP10",
      { toDID: otherDid, toCAIP10: otherDid },
      false,
      pgp ? bad : { code: "WRONG_ENCRYPTION", rule: "PLAINTEXT_TO_KEYED_RECIPIENT" },
    ),
    t(
      "messageObj",
      {
        messageObj:
          typeof obj === "string"
            ? changeChar(obj, 20)
            : { ...(obj as object), content: String((obj as { content: unknown }).content) + "!" },
      },
      false,
      bad,
    ),
    t("messageType", { messageType: "Image" }, false, bad),
    t("encType", { encType: pgp ? "PlainText" : "pgp" }, false, {
      code: "MALFORMED",
      rule: "ENCRYPTED_SECRET",
    }),
    t("sessionKey", { sessionKey: "x" }, version === "pgpv2", { code: "MALFORMED", rule: "SESSION_KEY" }),
    t(
      "encryptedSecret",
      { encryptedSecret: pgp ? changeChar(body.encryptedSecret as string, 60) : null },
      false,
      bad,
    ),
    t("messageContent (not signed)", { messageContent: String(body.messageContent) + "!" }, true, {
      ok: true,
    }),
    t("signature (not signed)", { signature: "" }, true, { ok: true }),
    t("sigType (not signed)", { sigType: "pgp" }, true, { ok: true }),
    t(
      "verificationProof type",
      {
        verificationProof:
          (version === "pgpv3" ? "pgpv2" : "pgpv3") + (body.verificationProof as string).slice(5),
      },
      false,
      bad,
    ),
  ];
}
