/**
 * Fault proofs as the Slashing contract takes them (ISlashing.sol): the calldata of the proof entry point
 * and the offenceId the contract will consume.
 *
 *   message faults:  offenceId = keccak256(abi.encode(uint8 faultCode, address node, bytes32 digest))
 *   equivocation:    offenceId = keccak256(abi.encode(uint8 5, address node, uint64 sequence))
 */
import { AbiCoder, getAddress, keccak256 } from "ethers";
import { attestationOf, messageDigest, messageOf } from "../message";
import type { Envelope, SignedAttestation } from "../message";
import { FAULT_CODE, PROOF_METHOD, SLASHING_INTERFACE } from "./abi";
import type { ProvableFaultCode } from "./abi";

export interface Proof {
  offenceId: string;
  faultCode: ProvableFaultCode;
  node: string;
  method: string;
  /** Transaction data for the Slashing contract (selector + arguments). */
  data: string;
  /** The attested message digest (for EQUIVOCATION, the digest of the first attestation). */
  digest: string;
  sequence: bigint;
}

const coder = AbiCoder.defaultAbiCoder();

export function messageOffenceId(faultCode: ProvableFaultCode, node: string, digest: string): string {
  return keccak256(coder.encode(["uint8", "address", "bytes32"], [FAULT_CODE[faultCode], node, digest]));
}

export function equivocationOffenceId(node: string, sequence: bigint): string {
  return keccak256(coder.encode(["uint8", "address", "uint64"], [FAULT_CODE.EQUIVOCATION, node, sequence]));
}

export interface MessageProofInput {
  faultCode: Exclude<ProvableFaultCode, "EQUIVOCATION">;
  /** The node (attestation signer), checksummed. */
  node: string;
  envelope: Envelope;
  attestation: SignedAttestation;
  /** WRONG_ENCRYPTION of plaintext: the recipient's key that was active at `timestamp`. */
  recipientActiveKey?: string;
  /** BAD_SIGNATURE: the sender's public key bytes (hashing to senderKey). */
  senderPublicKey?: Uint8Array;
}

/** The proof of a message fault (MALFORMED, UNAUTHORIZED_SENDER, WRONG_ENCRYPTION, BAD_SIGNATURE). */
export function buildMessageProof(p: MessageProofInput): Proof {
  const node = getAddress(p.node);
  const message = messageOf(p.envelope);
  const attestation = attestationOf(p.attestation);
  const digest = messageDigest(message);
  const method = PROOF_METHOD[p.faultCode];
  let args: unknown[];
  switch (p.faultCode) {
    case "MALFORMED":
    case "UNAUTHORIZED_SENDER":
      args = [message, attestation, p.attestation.signature];
      break;
    case "WRONG_ENCRYPTION":
      args = [
        message,
        attestation,
        p.attestation.signature,
        p.recipientActiveKey ?? "0x0000000000000000000000000000000000000000000000000000000000000000",
      ];
      break;
    case "BAD_SIGNATURE":
      if (!p.senderPublicKey) throw new Error("a BAD_SIGNATURE proof needs the sender's public key bytes");
      args = [message, attestation, p.attestation.signature, p.envelope.signature, p.senderPublicKey];
      break;
  }
  return {
    offenceId: messageOffenceId(p.faultCode, node, digest),
    faultCode: p.faultCode,
    node,
    method,
    data: SLASHING_INTERFACE.encodeFunctionData(method, args),
    digest,
    sequence: p.attestation.sequence,
  };
}

/** The proof that `node` signed two different attestations `a` and `b` with the same sequence. */
export function buildEquivocationProof(node: string, a: SignedAttestation, b: SignedAttestation): Proof {
  if (a.sequence !== b.sequence)
    throw new Error("equivocation needs two attestations with the same sequence");
  const n = getAddress(node);
  return {
    offenceId: equivocationOffenceId(n, a.sequence),
    faultCode: "EQUIVOCATION",
    node: n,
    method: PROOF_METHOD.EQUIVOCATION,
    data: SLASHING_INTERFACE.encodeFunctionData("proveEquivocation", [
      attestationOf(a),
      a.signature,
      attestationOf(b),
      b.signature,
    ]),
    digest: a.digest,
    sequence: a.sequence,
  };
}
