// Push proof files (docs/push-format.md section 7): a fault of a Push Chat SDK message attested by a node, as
// `fault:prove --file` reads it and `validator:export` writes it, and the PushProofs call it becomes:
//
//   { "format": "push",
//     "fault": "MALFORMED" | "UNAUTHORIZED_SENDER" | "WRONG_ENCRYPTION" | "BAD_SIGNATURE",
//     "message": { "header": {..}, "body": {..} }     (PushAttestedMessageJson, src/message/push/attested-json.ts)
//     "attestation": { "digest", "signatureHash", "signatureSize", "sequence", "attestedAt", "signature" },
//     "signature": "0x.." or base64     (BAD_SIGNATURE: the binary OpenPGP signature the node attested)
//     "publicKey": "0x.." or base64     (BAD_SIGNATURE: the sender's registered key bytes, hashing to senderKey;
//                                        not needed when the signature's length is not signatureSize)
//     "recipientActiveKey": "0x..32",   (WRONG_ENCRYPTION of PlainText: the recipient's key active then)
//     "node", "offenceId" (informative: written by validator:export, recomputed when read) }
//
// MALFORMED goes to provePushMalformedHashed when the reason is one of 1-5 (known only with the limits in force
// at attestedAt: pass them), else to provePushMalformed. EQUIVOCATION of Push attestations is the ordinary
// equivocation file (the attestation is the same struct). The claim is appended as for envelope proofs.
import { getAddress, getBytes, hexlify, isHexString } from "ethers";
import {
  decodePushAttested,
  encodePushAttested,
  PushAttestedDecodeError,
} from "../message/push/attested-json";
import type { PushAttestedMessageJson } from "../message/push/attested-json";
import { pushFieldHashes } from "../message/push/attest";
import type { PushAttestedMessage } from "../message/push/attest";
import { PushMalformedReason, pushHeaderReason } from "../message/push/judge";
import type { PushProofLimits } from "../message/push/judge";
import type { PushProofMethod } from "../message/push/verdict";
import type { SignedAttestation } from "../message";
import type { AttestationDomain } from "../message";
import { ProofFileError, attestationFromJson, commitmentOf, messageOffenceId, signerOf } from "./proof-file";
import type { Claim, SignedAttestationInput } from "./proof-file";

export const PUSH_FAULTS = ["MALFORMED", "UNAUTHORIZED_SENDER", "WRONG_ENCRYPTION", "BAD_SIGNATURE"] as const;
export type PushFaultName = (typeof PUSH_FAULTS)[number];

/** A Push proof file (see the header comment). */
export interface PushProofJson {
  format: "push";
  fault: PushFaultName;
  node?: string;
  offenceId?: string;
  message: PushAttestedMessageJson;
  attestation: {
    digest: string;
    signatureHash: string;
    signatureSize: number;
    sequence: string;
    attestedAt: string;
    signature: string;
  };
  signature?: string;
  publicKey?: string;
  recipientActiveKey?: string;
}

/** The PushProofs call of a Push proof file. */
export interface PushProofCall {
  fault: PushFaultName;
  contract: "PushProofs";
  method: PushProofMethod;
  /** The arguments, the claim last. */
  args: unknown[];
  node: string;
  offenceId: string;
  claim: Claim;
  commitment: string;
}

/** Whether a parsed proof file is a Push proof file. */
export function isPushProofJson(json: unknown): boolean {
  return typeof json === "object" && json !== null && (json as { format?: unknown }).format === "push";
}

function fail(message: string): never {
  throw new ProofFileError(message);
}

/** 0x hex or base64 bytes. */
function bytesOf(v: unknown, where: string): Uint8Array {
  if (typeof v !== "string" || v.length === 0) fail(`${where} must be 0x hex or base64 bytes.`);
  if (v.startsWith("0x")) {
    if (!isHexString(v) || v.length % 2 !== 0) fail(`${where} is not valid 0x hex.`);
    return getBytes(v);
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(v)) fail(`${where} is neither 0x hex nor base64.`);
  return new Uint8Array(Buffer.from(v, "base64"));
}

function plain(a: SignedAttestationInput) {
  return {
    digest: a.digest,
    signatureHash: a.signatureHash,
    signatureSize: a.signatureSize,
    sequence: a.sequence,
    attestedAt: a.attestedAt,
  };
}

/** The extra evidence of a Push proof beyond the message and the attestation. */
export interface PushEvidence {
  signature?: Uint8Array;
  publicKey?: Uint8Array;
  recipientActiveKey?: string;
}

/** Writes a Push proof file. */
export function pushProofJson(
  fault: PushFaultName,
  message: PushAttestedMessage,
  attestation: SignedAttestation,
  evidence: PushEvidence = {},
  id?: { node: string; offenceId: string },
): PushProofJson {
  const out: PushProofJson = {
    format: "push",
    fault,
    ...(id ? { node: getAddress(id.node), offenceId: id.offenceId } : {}),
    message: encodePushAttested(message),
    attestation: {
      digest: attestation.digest.toLowerCase(),
      signatureHash: attestation.signatureHash.toLowerCase(),
      signatureSize: attestation.signatureSize,
      sequence: attestation.sequence.toString(),
      attestedAt: attestation.attestedAt.toString(),
      signature: attestation.signature.toLowerCase(),
    },
  };
  if (evidence.signature !== undefined) out.signature = hexlify(evidence.signature);
  if (evidence.publicKey !== undefined) out.publicKey = hexlify(evidence.publicKey);
  if (evidence.recipientActiveKey !== undefined)
    out.recipientActiveKey = evidence.recipientActiveKey.toLowerCase();
  return out;
}

/**
 * Reads a Push proof file and builds the PushProofs call for the deployment whose attestation domain is
 * `domain`, with `claim` last. `limits` (Slashing.effectiveLimits(attestedAt)) decide whether a MALFORMED
 * message is proven from the field hashes (reasons 1-5); without them the full form is used.
 */
export function pushProofCall(
  json: unknown,
  domain: AttestationDomain,
  claim: Claim,
  limits?: PushProofLimits,
): PushProofCall {
  const f = json as Record<string, unknown>;
  const fault = typeof f.fault === "string" ? f.fault.toUpperCase() : undefined;
  if (fault === undefined || !(PUSH_FAULTS as readonly string[]).includes(fault))
    fail(
      `"fault" of a Push proof file must be one of ${PUSH_FAULTS.join(", ")} (EQUIVOCATION uses the ordinary ` +
        "equivocation file).",
    );
  let m: PushAttestedMessage;
  try {
    m = decodePushAttested(f.message);
  } catch (e) {
    if (e instanceof PushAttestedDecodeError) fail(`${e.field} ${e.detail}.`);
    throw e;
  }
  const a = attestationFromJson(f.attestation);
  const node = signerOf(a, domain, "attestation");
  const offenceId = messageOffenceId(node, a.digest);
  const head = [m.header];
  const tail = [plain(a), a.signature];
  let method: PushProofMethod;
  let args: unknown[];
  switch (fault as PushFaultName) {
    case "MALFORMED": {
      const hashed = limits !== undefined && pushHeaderReason(m, a, limits) !== PushMalformedReason.None;
      method = hashed ? "provePushMalformedHashed" : "provePushMalformed";
      args = [...head, hashed ? pushFieldHashes(m.body) : m.body, ...tail];
      break;
    }
    case "UNAUTHORIZED_SENDER":
      method = "provePushUnauthorizedSender";
      args = [...head, pushFieldHashes(m.body), ...tail];
      break;
    case "WRONG_ENCRYPTION": {
      const k = f.recipientActiveKey ?? `0x${"00".repeat(32)}`;
      if (typeof k !== "string" || !isHexString(k, 32))
        fail(`recipientActiveKey must be 0x followed by 64 hex digits.`);
      method = "provePushWrongEncryption";
      args = [...head, pushFieldHashes(m.body), ...tail, k.toLowerCase()];
      break;
    }
    default: {
      if (f.signature === undefined)
        fail(`BAD_SIGNATURE needs "signature" (the binary OpenPGP signature the node attested).`);
      const signature = bytesOf(f.signature, "signature");
      if (f.publicKey === undefined && signature.length === a.signatureSize)
        fail(`BAD_SIGNATURE needs "publicKey" (the sender's registered key bytes).`);
      const publicKey = f.publicKey === undefined ? new Uint8Array() : bytesOf(f.publicKey, "publicKey");
      method = "provePushBadSignature";
      args = [...head, m.body, ...tail, signature, publicKey];
    }
  }
  const bound = { reporter: getAddress(claim.reporter), salt: claim.salt.toLowerCase() };
  if (!isHexString(bound.salt, 32)) fail("salt must be 32 bytes of 0x hex.");
  return {
    fault: fault as PushFaultName,
    contract: "PushProofs",
    method,
    args: [...args, bound],
    node,
    offenceId,
    claim: bound,
    commitment: commitmentOf(bound, offenceId),
  };
}
