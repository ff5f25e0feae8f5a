import { checkMessage } from "./check";
import type { CheckContext, CheckResult, Fault, FaultCode, FaultRule } from "./check";
import { ENVELOPE_FIELDS, decodeEnvelope } from "./envelope";
import type { DecodeOptions } from "./envelope";
import { CheckContextError, EnvelopeDecodeError } from "./errors";
import { PUSH_MESSAGE_FIELDS, PUSH_PROFILE_FIELDS } from "./push/types";
import { validatePushMessage } from "./push/validate";
import type { PushFaultRule, PushValidateContext, PushValidateResult } from "./push/validate";
import type { Attestation, Envelope } from "./types";

/**
 * validateAnyMessage: one entry point for "a message" as JSON, whichever of the two formats it is in:
 *
 * - `envelope`: our EIP-712 envelope (src/message/envelope.ts: `version, from, to, timestamp, ...`),
 *   validated by `checkMessage`;
 * - `push`: a Push Chat SDK message body (src/message/push/types.ts: `fromDID, toDID, fromCAIP10, ...`),
 *   validated by `validatePushMessage`.
 *
 * RECOGNITION, by shape only (never by trying both validators): the two formats share no field name but
 * `signature`. A JSON object with at least one field only an envelope has and none only a Push body has
 * is an envelope; the converse is a Push body (`verificationProof`, which a Push profile body has too,
 * does not count). An object with fields of both, or of neither (including a
 * Push profile body), and anything that is not a JSON object (or not JSON text), is refused with a
 * sentence: no validator runs, no fault class is named.
 *
 * VERDICT: the recognised format's validator runs unchanged, so a fault names its class and rule exactly
 * as that validator does (checkMessage's `FaultRule` or validatePushMessage's `PushFaultRule`). The one
 * asymmetry is kept from the validators: an envelope whose fields do not decode (`decodeEnvelope` throws
 * EnvelopeDecodeError; a node answers 400) is a refusal, while a Push body of the wrong shape is
 * validatePushMessage's MALFORMED BODY fault.
 */

export type MessageFormat = "envelope" | "push";

/** What validateAnyMessage needs: the context of each format it may meet (a missing one is a caller error). */
export interface AnyMessageContext {
  /** checkMessage's context, for envelopes. */
  envelope?: CheckContext;
  /** An attestation of the envelope (a watcher's check); only with an envelope. */
  attestation?: Attestation;
  /** Decoding limits for envelopes (a node passes its content limit). */
  decode?: DecodeOptions;
  /** validatePushMessage's context, for Push SDK bodies. */
  push?: PushValidateContext;
}

/** A valid message, with what its validator returned. */
export type AnyMessageValid =
  | { ok: true; format: "envelope"; envelope: Envelope; result: CheckResult & { ok: true } }
  | { ok: true; format: "push"; result: PushValidateResult & { ok: true } };

/** A fault: its class and rule as the format's validator names them. */
export type AnyMessageFault = {
  ok: false;
  refused: false;
  code: FaultCode;
  reason: string;
} & (
  | { format: "envelope"; rule: FaultRule; envelope: Envelope; result: CheckResult & { ok: false } }
  | { format: "push"; rule: PushFaultRule; result: PushValidateResult & { ok: false } }
);

/** Not validated: not recognisably one format, or (envelope) not decodable. `reason` is a sentence. */
export interface AnyMessageRefusal {
  ok: false;
  refused: true;
  /** The recognised format when it was recognised but does not decode (envelopes), else null. */
  format: MessageFormat | null;
  reason: string;
}

export type AnyMessageResult = AnyMessageValid | AnyMessageFault | AnyMessageRefusal;

/** The recognised format and the parsed JSON object, or a refusal. */
export type RecognisedMessage =
  { format: MessageFormat; doc: Record<string, unknown> } | { format: null; reason: string };

/** Field names only an envelope has (`signature` is shared with the Push body). */
const ENVELOPE_ONLY = new Set<string>(
  ENVELOPE_FIELDS.filter((f) => !(PUSH_MESSAGE_FIELDS as readonly string[]).includes(f)),
);
/** Field names only a Push message body has (not `signature`, nor `verificationProof`, which a profile has). */
const PUSH_ONLY = new Set<string>(
  PUSH_MESSAGE_FIELDS.filter(
    (f) =>
      !(ENVELOPE_FIELDS as readonly string[]).includes(f) &&
      !(PUSH_PROFILE_FIELDS as readonly string[]).includes(f),
  ),
);
const PROFILE_ONLY = new Set<string>(
  PUSH_PROFILE_FIELDS.filter((f) => !(PUSH_MESSAGE_FIELDS as readonly string[]).includes(f)),
);

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

function listed(fields: string[]): string {
  const shown = fields.slice(0, 4).join(", ");
  return fields.length > 4 ? `${shown}, ...` : shown;
}

/**
 * Recognises the format of a message given as parsed JSON or as JSON text (see the module comment).
 * Never throws.
 */
export function recogniseMessage(input: unknown): RecognisedMessage {
  let doc = input;
  if (typeof input === "string") {
    try {
      doc = JSON.parse(input) as unknown;
    } catch (e) {
      return { format: null, reason: `The message is not JSON (${(e as Error).message}).` };
    }
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    return { format: null, reason: `A message must be a JSON object, got ${describe(doc)}.` };
  }
  const o = doc as Record<string, unknown>;
  const keys = Object.keys(o);
  const env = keys.filter((k) => ENVELOPE_ONLY.has(k));
  const push = keys.filter((k) => PUSH_ONLY.has(k));
  if (env.length > 0 && push.length > 0) {
    return {
      format: null,
      reason:
        `The message is ambiguous: it has envelope fields (${listed(env)}) and Push SDK message fields ` +
        `(${listed(push)}); a message is one or the other.`,
    };
  }
  if (env.length > 0) return { format: "envelope", doc: o };
  if (push.length > 0) return { format: "push", doc: o };
  if (keys.some((k) => PROFILE_ONLY.has(k))) {
    return {
      format: null,
      reason: "This is a Push profile body (caip10, did, publicKey, ...), not a message.",
    };
  }
  return {
    format: null,
    reason:
      `The message is neither an envelope (fields ${listed([...ENVELOPE_ONLY])}) nor a Push SDK message ` +
      `body (fields ${listed([...PUSH_ONLY])})` +
      (keys.length === 0 ? ": it is an empty object." : `: its fields are ${listed(keys)}.`),
  };
}

/**
 * Validates a message in either format (parsed JSON or JSON text). Returns the validator's verdict with
 * the format, or a refusal with a sentence. Throws CheckContextError when the context lacks what the
 * recognised format needs (or gives an attestation with a Push body); rethrows what the validators throw
 * on an inconsistent context (checkMessage's CheckContextError).
 */
export async function validateAnyMessage(input: unknown, ctx: AnyMessageContext): Promise<AnyMessageResult> {
  const r = recogniseMessage(input);
  if (r.format === null) return { ok: false, refused: true, format: null, reason: r.reason };
  if (r.format === "push") {
    if (ctx.push === undefined)
      throw new CheckContextError(
        "validateAnyMessage got a Push SDK message but no Push key lookup (ctx.push)",
      );
    if (ctx.attestation !== undefined)
      throw new CheckContextError("validateAnyMessage checks an attestation only with an envelope");
    const result = await validatePushMessage(r.doc, ctx.push);
    if (result.ok) return { ok: true, format: "push", result };
    return {
      ok: false,
      refused: false,
      format: "push",
      code: result.code,
      rule: result.rule,
      reason: result.reason,
      result,
    };
  }
  if (ctx.envelope === undefined)
    throw new CheckContextError("validateAnyMessage got an envelope but no envelope key view (ctx.envelope)");
  let envelope: Envelope;
  try {
    envelope = decodeEnvelope(r.doc, ctx.decode);
  } catch (e) {
    if (e instanceof EnvelopeDecodeError)
      return { ok: false, refused: true, format: "envelope", reason: `${e.message}.` };
    throw e;
  }
  const result = await checkMessage(envelope, ctx.attestation, ctx.envelope);
  if (result.ok) return { ok: true, format: "envelope", envelope, result };
  return {
    ok: false,
    refused: false,
    format: "envelope",
    code: result.code,
    rule: result.rule,
    reason: result.reason,
    envelope,
    result,
  };
}

/** A one-line description of a verdict: "valid envelope", "push MALFORMED (BODY): ...", "refused: ...". */
export function describeAnyVerdict(r: AnyMessageResult): string {
  if (r.ok) {
    const excused: Fault[] = r.format === "envelope" ? r.result.excused : [];
    const note =
      excused.length > 0 ? ` (${excused.map((f) => f.rule).join(", ")} excused by the state lag)` : "";
    return `valid ${r.format === "push" ? "Push SDK message" : "envelope"}${note}`;
  }
  if (r.refused) return `refused: ${r.reason}`;
  return `${r.format === "push" ? "Push SDK message" : "envelope"}: ${r.code} (${r.rule}): ${r.reason}`;
}
