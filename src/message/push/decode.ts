import { PushDecodeError } from "./errors";
import { PUSH_MESSAGE_FIELDS, PUSH_PROFILE_FIELDS } from "./types";
import type { JsonValue, PushMessageBody, PushProfileBody } from "./types";

/**
 * Shape decoders for the SDK's bodies: the types Push's backend (push-vnode `src/api/validations/chat.ts`)
 * required, and nothing else. The semantic rules (allowed encTypes, DIDs, keys, sizes, signature) are
 * `validatePushMessage`'s, so that a node can name them as faults.
 *
 * The decoded object has the SDK's key order and every value exactly as received (strings are never
 * trimmed or re-cased, `messageObj` objects are kept as parsed): the signed preimage is rebuilt from them.
 */

type Kind = "string" | "string|null" | "messageObj";

const MESSAGE_KINDS: Record<(typeof PUSH_MESSAGE_FIELDS)[number], Kind> = {
  fromDID: "string",
  toDID: "string",
  fromCAIP10: "string",
  toCAIP10: "string",
  messageType: "string",
  messageObj: "messageObj",
  encType: "string",
  sessionKey: "string|null",
  encryptedSecret: "string|null",
  messageContent: "string",
  signature: "string",
  sigType: "string",
  verificationProof: "string",
};

/** Fields a body may leave out: messageObj (dropped from the preimage) and sessionKey (read as null). */
const OPTIONAL_MESSAGE_FIELDS = new Set<string>(["messageObj", "sessionKey"]);

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

function asDocument(what: "message" | "profile", json: unknown): Record<string, unknown> {
  let doc = json;
  if (typeof json === "string") {
    try {
      doc = JSON.parse(json);
    } catch (e) {
      throw new PushDecodeError(what, "$", `not JSON (${(e as Error).message})`);
    }
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new PushDecodeError(what, "$", `must be a JSON object, got ${describe(doc)}`);
  }
  return doc as Record<string, unknown>;
}

function rejectUnknown(
  what: "message" | "profile",
  doc: Record<string, unknown>,
  known: readonly string[],
): void {
  for (const k of Object.keys(doc)) {
    if (!known.includes(k)) throw new PushDecodeError(what, k, "unknown field");
  }
}

/**
 * Decodes a message body (a parsed JSON value or its text) into a PushMessageBody, or throws
 * PushDecodeError naming the first missing field, wrong type or unknown field.
 */
export function decodePushMessage(json: unknown): PushMessageBody {
  const doc = asDocument("message", json);
  rejectUnknown("message", doc, PUSH_MESSAGE_FIELDS);
  const out: Record<string, unknown> = {};
  for (const field of PUSH_MESSAGE_FIELDS) {
    const present = Object.prototype.hasOwnProperty.call(doc, field) && doc[field] !== undefined;
    const v = doc[field];
    if (!present) {
      if (!OPTIONAL_MESSAGE_FIELDS.has(field)) throw new PushDecodeError("message", field, "missing");
      if (field === "sessionKey") out.sessionKey = null;
      continue;
    }
    const kind = MESSAGE_KINDS[field];
    const ok =
      kind === "string"
        ? typeof v === "string"
        : kind === "string|null"
          ? typeof v === "string" || v === null
          : typeof v === "string" || (v !== null && typeof v === "object" && !Array.isArray(v));
    if (!ok) {
      const want =
        kind === "messageObj" ? "a string or an object" : kind === "string" ? "a string" : "a string or null";
      throw new PushDecodeError("message", field, `must be ${want}, got ${describe(v)}`);
    }
    out[field] = v as JsonValue;
  }
  return out as unknown as PushMessageBody;
}

/** Decodes a profile body as user creation POSTs it (`origin` optional), or throws PushDecodeError. */
export function decodePushProfile(json: unknown): PushProfileBody {
  const doc = asDocument("profile", json);
  rejectUnknown("profile", doc, PUSH_PROFILE_FIELDS);
  const out: Record<string, unknown> = {};
  for (const field of PUSH_PROFILE_FIELDS) {
    const v = doc[field];
    if (v === undefined) {
      if (field === "origin") continue;
      throw new PushDecodeError("profile", field, "missing");
    }
    if (typeof v !== "string")
      throw new PushDecodeError("profile", field, `must be a string, got ${describe(v)}`);
    out[field] = v;
  }
  return out as unknown as PushProfileBody;
}
