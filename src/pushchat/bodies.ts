import { HttpError } from "../http/server";
import { addressOfDid } from "../message/push";

/**
 * Shape checks of the SDK's control bodies (user placeholder, accept, reject, profile update). Each
 * failure is an HttpError 400 with a sentence naming the field; unknown fields are refused, so nothing
 * the signature does not cover slips into storage.
 */

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** The body as an object, or a 400. */
export function objectBody(body: unknown, what: string): Record<string, unknown> {
  if (body === undefined) throw new HttpError(400, `The ${what} body is empty; a JSON object is required.`);
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw new HttpError(400, `The ${what} body must be a JSON object, got ${describe(body)}.`);
  return body as Record<string, unknown>;
}

export function onlyFields(doc: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(doc))
    if (!allowed.includes(k))
      throw new HttpError(400, `The ${what} body has an unknown field "${k.slice(0, 40)}".`);
}

export function stringField(doc: Record<string, unknown>, field: string, what: string): string {
  const v = doc[field];
  if (v === undefined) throw new HttpError(400, `The ${what} body is missing "${field}".`);
  if (typeof v !== "string")
    throw new HttpError(400, `The ${what} field "${field}" must be a string, got ${describe(v)}.`);
  return v;
}

/** string | null | absent (absent is kept as undefined: JSON.stringify drops it from the preimage too). */
export function nullableStringField(
  doc: Record<string, unknown>,
  field: string,
  what: string,
): string | null | undefined {
  const v = doc[field];
  if (v === undefined || v === null || typeof v === "string") return v as string | null | undefined;
  throw new HttpError(400, `The ${what} field "${field}" must be a string or null, got ${describe(v)}.`);
}

/** The EIP-55 address of an `eip155:0x...` DID, or a 400 naming `field`. */
export function walletOf(did: string, field: string): string {
  const a = addressOfDid(did);
  if (a === null)
    throw new HttpError(400, `"${field}" must be eip155:0x<address>, got "${did.slice(0, 60)}".`);
  return a;
}

/** True when `did` is an eip155 wallet DID; false for anything else (a group chat id). */
export function isWalletDid(did: string): boolean {
  return addressOfDid(did) !== null;
}

export interface AcceptBody {
  fromDID: string;
  toDID: string;
  status: "Approved";
  verificationProof: string;
  requester: string;
  approver: string;
}

/** PUT /v1/chat/request/accept: fromDID (requester), toDID (approver), signature, status, sigType, verificationProof, encryptedSecret. */
export function decodeAccept(body: unknown): AcceptBody {
  const what = "accept";
  const doc = objectBody(body, what);
  onlyFields(
    doc,
    ["fromDID", "toDID", "signature", "status", "sigType", "verificationProof", "encryptedSecret"],
    what,
  );
  const fromDID = stringField(doc, "fromDID", what);
  const toDID = stringField(doc, "toDID", what);
  if (!isWalletDid(toDID))
    throw new HttpError(
      501,
      "Accepting group chat requests is not served by this node (one-to-one chat only).",
    );
  const status = stringField(doc, "status", what);
  if (status !== "Approved")
    throw new HttpError(400, `The accept field "status" must be "Approved", got "${status.slice(0, 20)}".`);
  const verificationProof = stringField(doc, "verificationProof", what);
  if (doc.sigType !== undefined && doc.sigType !== "pgp")
    throw new HttpError(400, `The accept field "sigType" must be "pgp" for one-to-one chat.`);
  if (doc.encryptedSecret !== undefined && doc.encryptedSecret !== null)
    throw new HttpError(400, `The accept field "encryptedSecret" must be null for one-to-one chat.`);
  if (doc.signature !== undefined) {
    const sig = stringField(doc, "signature", what);
    if (`pgp:${sig}` !== verificationProof)
      throw new HttpError(
        400,
        `The accept field "signature" differs from the signature in "verificationProof".`,
      );
  }
  return {
    fromDID,
    toDID,
    status: "Approved",
    verificationProof,
    requester: walletOf(fromDID, "fromDID"),
    approver: walletOf(toDID, "toDID"),
  };
}

export interface RejectBody {
  fromDID: string;
  toDID: string;
  verificationProof: string;
  requester: string;
  rejecter: string;
}

/** PUT /v1/chat/request/reject: fromDID (requester), toDID (rejecter), verificationProof. */
export function decodeReject(body: unknown): RejectBody {
  const what = "reject";
  const doc = objectBody(body, what);
  onlyFields(doc, ["fromDID", "toDID", "verificationProof"], what);
  const fromDID = stringField(doc, "fromDID", what);
  const toDID = stringField(doc, "toDID", what);
  if (!isWalletDid(toDID))
    throw new HttpError(
      501,
      "Rejecting group chat requests is not served by this node (one-to-one chat only).",
    );
  const verificationProof = stringField(doc, "verificationProof", what);
  return {
    fromDID,
    toDID,
    verificationProof,
    requester: walletOf(fromDID, "fromDID"),
    rejecter: walletOf(toDID, "toDID"),
  };
}

export interface ProfileUpdateBody {
  /** The signed object as the SDK built it (absent keys absent). */
  signed: { name?: string | null; desc?: string | null; picture?: string | null; blockedUsersList: string[] };
  verificationProof: string;
  /** Addresses of blockedUsersList. */
  blocked: string[];
}

export const MAX_BLOCKED_USERS = 1000;

/** PUT /v2/users/{did}/profile: name, desc, picture, blockedUsersList, verificationProof. */
export function decodeProfileUpdate(body: unknown): ProfileUpdateBody {
  const what = "profile update";
  const doc = objectBody(body, what);
  onlyFields(doc, ["name", "desc", "picture", "blockedUsersList", "verificationProof"], what);
  const name = nullableStringField(doc, "name", what);
  const desc = nullableStringField(doc, "desc", what);
  const picture = nullableStringField(doc, "picture", what);
  const list = doc.blockedUsersList;
  if (list === undefined) throw new HttpError(400, `The ${what} body is missing "blockedUsersList".`);
  if (!Array.isArray(list))
    throw new HttpError(400, `The ${what} field "blockedUsersList" must be an array, got ${describe(list)}.`);
  if (list.length > MAX_BLOCKED_USERS)
    throw new HttpError(
      400,
      `The ${what} field "blockedUsersList" has ${list.length} entries, over the limit of ${MAX_BLOCKED_USERS}.`,
    );
  const blocked: string[] = [];
  list.forEach((d: unknown, i: number) => {
    if (typeof d !== "string")
      throw new HttpError(400, `blockedUsersList[${i}] must be a string, got ${describe(d)}.`);
    blocked.push(walletOf(d, `blockedUsersList[${i}]`));
  });
  const verificationProof = stringField(doc, "verificationProof", what);
  // The SDK's key order: name, desc, picture, blockedUsersList (absent keys stay absent).
  const signed: Record<string, unknown> = {};
  if (name !== undefined) signed.name = name;
  if (desc !== undefined) signed.desc = desc;
  if (picture !== undefined) signed.picture = picture;
  signed.blockedUsersList = list as string[];
  return { signed: signed as ProfileUpdateBody["signed"], verificationProof, blocked };
}

export interface PlaceholderBody {
  caip10: string;
  did: string;
  address: string;
}

/**
 * The keyless placeholder the SDK posts for a recipient without a profile: caip10, did, publicKey "",
 * encryptedPrivateKey "", signature, sigType (the SDK's `{signature: "xyz", sigType: "a"}`), origin.
 * Returns null when the body is not a placeholder (it has a key or a verificationProof).
 */
export function decodePlaceholder(doc: Record<string, unknown>): PlaceholderBody | null {
  if (doc.publicKey !== "" || doc.encryptedPrivateKey !== "" || doc.verificationProof !== undefined)
    return null;
  const what = "user";
  onlyFields(
    doc,
    ["caip10", "did", "publicKey", "encryptedPrivateKey", "signature", "sigType", "origin"],
    what,
  );
  const caip10 = stringField(doc, "caip10", what);
  const did = stringField(doc, "did", what);
  if (did !== caip10) throw new HttpError(400, `The user fields "did" and "caip10" differ.`);
  for (const f of ["signature", "sigType", "origin"])
    if (doc[f] !== undefined && doc[f] !== null && typeof doc[f] !== "string")
      throw new HttpError(400, `The user field "${f}" must be a string, got ${describe(doc[f])}.`);
  return { caip10, did, address: walletOf(did, "did") };
}
