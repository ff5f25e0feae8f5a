// The JSON file `fault:prove` submits (written by the validator or by a person), and turning it into the call
// of the Slashing contract. One fault per file:
//
//   { "fault": "MALFORMED" | "UNAUTHORIZED_SENDER" | "WRONG_ENCRYPTION" | "BAD_SIGNATURE",
//     "message": { the 11 Message fields; numbers as JSON numbers or decimal strings },
//     "attestation": { "digest", "signatureHash", "signatureSize", "sequence", "attestedAt",
//                      "signature" (the node's, 65 bytes) },
//     "recipientActiveKey": "0x..32 bytes"   (WRONG_ENCRYPTION of plaintext: the recipient's key active then),
//     "signature": "0x.." or base64           (BAD_SIGNATURE: the OpenPGP signature packet),
//     "publicKey": "0x.." or base64 }         (BAD_SIGNATURE: the sender's registered key bytes)
//   { "fault": "EQUIVOCATION", "attestations": [ {attestation}, {attestation} ] }
//     (the same sequence with different contents, or attestedAt going back as the sequence grows)
//
// Every proof is sent by commit-reveal: `commitProof(keccak256(abi.encode(reporter, salt, offenceId)))`, then,
// in a later block, the prove function with the claim (reporter, salt) as its last argument.
// An envelope (the message library's JSON, with "content" and "signature") is accepted as "message"; its
// "signature" then serves BAD_SIGNATURE. The message is read leniently (a MALFORMED message may break the
// envelope schema): only the ABI types are enforced.
import { AbiCoder, getAddress, getBytes, hexlify, isHexString, keccak256 } from "ethers";
import { randomBytes } from "node:crypto";
import { attestationDigest } from "../message";
import type { Attestation, AttestationDomain, Message } from "../message";
import { recoverAddress } from "ethers";

const coder = AbiCoder.defaultAbiCoder();

export const FAULTS = [
  "MALFORMED",
  "UNAUTHORIZED_SENDER",
  "WRONG_ENCRYPTION",
  "BAD_SIGNATURE",
  "EQUIVOCATION",
] as const;
export type FaultName = (typeof FAULTS)[number];

/** ISlashing.FaultCode of each fault name. */
export const FAULT_CODES: Record<FaultName | "UNAVAILABLE", number> = {
  MALFORMED: 1,
  UNAUTHORIZED_SENDER: 2,
  WRONG_ENCRYPTION: 3,
  BAD_SIGNATURE: 4,
  EQUIVOCATION: 5,
  UNAVAILABLE: 6,
};

export interface SignedAttestationInput extends Attestation {
  /** The node signer's 65-byte EIP-712 signature. */
  signature: string;
}

/** `ISlashing.Claim`: the reporter rewarded, and the salt of its commitment. */
export interface Claim {
  reporter: string;
  salt: string;
}

/** A claim for `reporter` with a fresh random 32-byte salt. */
export function newClaim(reporter: string): Claim {
  return { reporter: getAddress(reporter), salt: hexlify(randomBytes(32)) };
}

/** keccak256(abi.encode(reporter, salt, offenceId)): what `commitProof` records. */
export function commitmentOf(claim: Claim, offenceId: string): string {
  return keccak256(
    coder.encode(["address", "bytes32", "bytes32"], [getAddress(claim.reporter), claim.salt, offenceId]),
  );
}

/** What `fault:prove` sends: the Slashing function, its arguments, and what it expects to happen. */
export interface ProofCall {
  fault: FaultName;
  method:
    | "proveMalformed"
    | "proveUnauthorizedSender"
    | "proveWrongEncryption"
    | "proveBadSignature"
    | "proveEquivocation";
  /** The arguments, the claim last. */
  args: unknown[];
  /** The node the attestation(s) recover to, on this deployment's domain. */
  node: string;
  offenceId: string;
  claim: Claim;
  /** commitmentOf(claim, offenceId): to commit in an earlier block than the proof. */
  commitment: string;
}

/** A proof file that cannot be used; the message is one sentence naming the field. */
export class ProofFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProofFileError";
  }
}

function fail(message: string): never {
  throw new ProofFileError(message);
}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(`${where} must be a JSON object.`);
  return v as Record<string, unknown>;
}

function uint(v: unknown, bits: number, where: string): bigint {
  let n: bigint;
  if (typeof v === "number" && Number.isSafeInteger(v)) n = BigInt(v);
  else if (typeof v === "string" && /^(0x[0-9a-fA-F]+|\d+)$/.test(v)) n = BigInt(v);
  else fail(`${where} must be an unsigned integer (a JSON number or a decimal string).`);
  if (n < 0n || n >= 1n << BigInt(bits)) fail(`${where} does not fit uint${bits}.`);
  return n;
}

function bytes32(v: unknown, where: string): string {
  if (typeof v !== "string" || !isHexString(v, 32)) fail(`${where} must be 0x followed by 64 hex digits.`);
  return v.toLowerCase();
}

function address(v: unknown, where: string): string {
  if (typeof v !== "string" || !isHexString(v, 20)) fail(`${where} must be an address (0x + 40 hex digits).`);
  return getAddress(v.toLowerCase());
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

/** The Message of a proof file (lenient: ABI types only). */
export function messageFromJson(v: unknown, where = "message"): Message {
  const m = obj(v, where);
  return {
    version: Number(uint(m.version, 8, `${where}.version`)),
    from: address(m.from, `${where}.from`),
    to: address(m.to, `${where}.to`),
    timestamp: uint(m.timestamp, 64, `${where}.timestamp`),
    contentType: Number(uint(m.contentType, 8, `${where}.contentType`)),
    encryption: Number(uint(m.encryption, 8, `${where}.encryption`)),
    contentHash: bytes32(m.contentHash, `${where}.contentHash`),
    contentSize: Number(uint(m.contentSize, 32, `${where}.contentSize`)),
    senderKey: bytes32(m.senderKey, `${where}.senderKey`),
    recipientKey: bytes32(m.recipientKey, `${where}.recipientKey`),
    previous: bytes32(m.previous, `${where}.previous`),
  };
}

export function attestationFromJson(v: unknown, where = "attestation"): SignedAttestationInput {
  const a = obj(v, where);
  const signature = a.signature;
  if (typeof signature !== "string" || !isHexString(signature, 65))
    fail(`${where}.signature must be the node's 65-byte signature (0x + 130 hex digits).`);
  return {
    digest: bytes32(a.digest, `${where}.digest`),
    signatureHash: bytes32(a.signatureHash, `${where}.signatureHash`),
    signatureSize: Number(uint(a.signatureSize, 32, `${where}.signatureSize`)),
    sequence: uint(a.sequence, 64, `${where}.sequence`),
    attestedAt: uint(a.attestedAt, 64, `${where}.attestedAt`),
    signature: signature.toLowerCase(),
  };
}

function plain(a: SignedAttestationInput): Attestation {
  return {
    digest: a.digest,
    signatureHash: a.signatureHash,
    signatureSize: a.signatureSize,
    sequence: a.sequence,
    attestedAt: a.attestedAt,
  };
}

/** The signer of `a` on `domain`, or a sentence saying the signature is unusable. */
export function signerOf(a: SignedAttestationInput, domain: AttestationDomain, where: string): string {
  try {
    return recoverAddress(attestationDigest(plain(a), domain), a.signature);
  } catch {
    fail(`${where}.signature is not a valid secp256k1 signature.`);
  }
}

/** keccak256(abi.encode(node, digest)): the offence of a message, whichever fault proves it. */
export function messageOffenceId(node: string, digest: string): string {
  return keccak256(coder.encode(["address", "bytes32"], [node, digest]));
}

/** keccak256(abi.encode(uint8(EQUIVOCATION), node, uint64 sequence)). */
export function equivocationOffenceId(node: string, sequence: bigint): string {
  return keccak256(coder.encode(["uint8", "address", "uint64"], [FAULT_CODES.EQUIVOCATION, node, sequence]));
}

/** keccak256(abi.encode(uint8 faultCode, node, evidenceHash)): the court's offence of a report or dispute. */
export function evidenceOffenceId(faultCode: number, node: string, evidenceHash: string): string {
  return keccak256(coder.encode(["uint8", "address", "bytes32"], [faultCode, node, evidenceHash]));
}

/**
 * Reads a proof file and builds the Slashing call for the deployment whose attestation domain is `domain`,
 * with `claim` (reporter and salt) as its last argument.
 */
export function proofCall(json: unknown, domain: AttestationDomain, claim: Claim): ProofCall {
  const c = proofCallParts(json, domain);
  const bound = { reporter: getAddress(claim.reporter), salt: bytes32(claim.salt, "salt") };
  return {
    ...c,
    args: [...c.args, bound],
    claim: bound,
    commitment: commitmentOf(bound, c.offenceId),
  };
}

function proofCallParts(json: unknown, domain: AttestationDomain): Omit<ProofCall, "claim" | "commitment"> {
  const f = obj(json, "The proof file");
  const fault = f.fault;
  if (typeof fault !== "string" || !(FAULTS as readonly string[]).includes(fault.toUpperCase()))
    fail(`"fault" must be one of ${FAULTS.join(", ")} (UNAVAILABLE goes to gov:dispute or a quorum report).`);
  const name = fault.toUpperCase() as FaultName;
  if (name === "EQUIVOCATION") {
    const list = f.attestations;
    if (!Array.isArray(list) || list.length !== 2) fail(`"attestations" must hold exactly two attestations.`);
    const [a, b] = [
      attestationFromJson(list[0], "attestations[0]"),
      attestationFromJson(list[1], "attestations[1]"),
    ];
    const node = signerOf(a, domain, "attestations[0]");
    let sequence = a.sequence;
    if (a.sequence !== b.sequence) {
      const [lo, hi] = a.sequence < b.sequence ? [a, b] : [b, a];
      if (hi.attestedAt >= lo.attestedAt)
        fail(
          `"attestations" have sequences ${a.sequence} and ${b.sequence} and attestedAt does not go back: ` +
            "no equivocation (same sequence, or a later sequence attested earlier, is needed).",
        );
      sequence = hi.sequence;
    }
    return {
      fault: name,
      method: "proveEquivocation",
      args: [plain(a), a.signature, plain(b), b.signature],
      node,
      offenceId: equivocationOffenceId(node, sequence),
    };
  }
  const message = messageFromJson(f.message);
  const a = attestationFromJson(f.attestation);
  const node = signerOf(a, domain, "attestation");
  const base = [message, plain(a), a.signature];
  const offenceId = messageOffenceId(node, a.digest);
  switch (name) {
    case "MALFORMED":
      return { fault: name, method: "proveMalformed", args: base, node, offenceId };
    case "UNAUTHORIZED_SENDER":
      return { fault: name, method: "proveUnauthorizedSender", args: base, node, offenceId };
    case "WRONG_ENCRYPTION": {
      const k =
        f.recipientActiveKey === undefined
          ? `0x${"00".repeat(32)}`
          : bytes32(f.recipientActiveKey, "recipientActiveKey");
      return { fault: name, method: "proveWrongEncryption", args: [...base, k], node, offenceId };
    }
    default: {
      const sigSource = f.signature ?? obj(f.message, "message").signature;
      if (sigSource === undefined) fail(`BAD_SIGNATURE needs "signature" (the OpenPGP signature packet).`);
      const signature = bytesOf(sigSource, "signature");
      // A signature whose length is not the attested signatureSize is proven without the key.
      if (f.publicKey === undefined && signature.length === a.signatureSize)
        fail(`BAD_SIGNATURE needs "publicKey" (the sender's registered key bytes).`);
      const publicKey = f.publicKey === undefined ? new Uint8Array() : bytesOf(f.publicKey, "publicKey");
      return {
        fault: name,
        method: "proveBadSignature",
        args: [...base, signature, publicKey],
        node,
        offenceId,
      };
    }
  }
}
