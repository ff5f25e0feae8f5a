/**
 * Proofs of Push Chat SDK message faults (docs/push-format.md), sent to PushProofs with the same
 * commit-reveal claim and offence as envelope proofs (the offence is Slashing.messageOffenceId(node, digest)).
 * The calldata is built from the Push proof file (src/slashing/push-proof-file.ts) the proof is exported as,
 * so that what the validator sends and what `fault:prove --file` would send are one and the same.
 */
import { getAddress } from "ethers";
import type { AttestationDomain, SignedAttestation } from "../message";
import type { PushAttestedMessage } from "../message/push/attest";
import type { PushProofLimits } from "../message/push/judge";
import type { PushJudgedFault } from "../message/push/verdict";
import { pushProofCall, pushProofJson } from "../slashing/push-proof-file";
import { PUSH_PROOFS_INTERFACE } from "./abi";
import type { Claim, Proof } from "./proofs";

export interface PushProofInput {
  fault: PushJudgedFault;
  /** The node (attestation signer). */
  node: string;
  message: PushAttestedMessage;
  attestation: SignedAttestation;
  /** The binary OpenPGP signature the node attested (BAD_SIGNATURE). */
  signature: Uint8Array;
  /** The limits the judgement used (Slashing.effectiveLimits(attestedAt)). */
  limits: PushProofLimits;
  claim: Claim;
  /** The PushProofs contract. */
  pushProofs: string;
  /** The attestation domain (Slashing's). */
  domain: AttestationDomain;
}

/** The proof of a Push message fault the judge found (judgePushMessage). */
export function buildPushProof(p: PushProofInput): Proof {
  const f = p.fault;
  const evidence =
    f.code === "BAD_SIGNATURE"
      ? { signature: p.signature, ...(f.publicKey ? { publicKey: f.publicKey } : {}) }
      : f.recipientActiveKey !== undefined
        ? { recipientActiveKey: f.recipientActiveKey }
        : {};
  const node = getAddress(p.node);
  const file = pushProofJson(f.code, p.message, p.attestation, evidence);
  const call = pushProofCall(file, p.domain, p.claim, p.limits);
  if (call.method !== f.method)
    throw new Error(`the proof file of a ${f.code} fault builds ${call.method}, the judge chose ${f.method}`);
  if (call.node !== node)
    throw new Error(`the attestation recovers to ${call.node}, not to the node ${node}`);
  return {
    offenceId: call.offenceId,
    faultCode: f.code,
    node,
    method: call.method,
    data: PUSH_PROOFS_INTERFACE.encodeFunctionData(call.method, call.args),
    digest: p.attestation.digest.toLowerCase(),
    sequence: p.attestation.sequence,
    claim: call.claim,
    commitment: call.commitment,
    target: getAddress(p.pushProofs),
    evidence: JSON.stringify({ ...file, node, offenceId: call.offenceId }),
  };
}
