/**
 * Fault proofs as the Slashing contract takes them (ISlashing.sol): the calldata of the proof entry point,
 * the offenceId the contract will consume, and the commitment that must be on chain, in an earlier block,
 * before the proof is sent (commit-reveal: the reward goes to `claim.reporter`, whoever sends the proof).
 *
 *   message faults:  offenceId = keccak256(abi.encode(address node, bytes32 digest))   (no fault code:
 *                    one invalid message is one offence, whichever fault proves it)
 *   equivocation:    offenceId = keccak256(abi.encode(uint8 5, address node, uint64 sequence)), the common
 *                    sequence, or for a non-monotonic pair (attestedAt decreasing as the sequence grows)
 *                    the larger of the two sequences
 *   commitment:      keccak256(abi.encode(address reporter, bytes32 salt, bytes32 offenceId))
 */
import { randomBytes } from "node:crypto";
import { AbiCoder, getAddress, hexlify, isHexString, keccak256 } from "ethers";
import { attestationOf, messageDigest, messageOf } from "../message";
import type { Envelope, SignedAttestation } from "../message";
import { FAULT_CODE, PROOF_METHOD, SLASHING_INTERFACE } from "./abi";
import type { ProvableFaultCode } from "./abi";

/** `ISlashing.Claim`: the reporter the reward goes to, and the salt of its commitment. */
export interface Claim {
  reporter: string;
  /** bytes32, 0x hex. */
  salt: string;
}

export interface Proof {
  offenceId: string;
  faultCode: ProvableFaultCode;
  node: string;
  method: string;
  /** Transaction data for the Slashing contract (selector + arguments, the claim last). */
  data: string;
  /** The attested message digest (for EQUIVOCATION, the digest of the first attestation). */
  digest: string;
  sequence: bigint;
  claim: Claim;
  /** What `commitProof` must record before the proof is sent: commitmentOf(claim, offenceId). */
  commitment: string;
  /** The contract `data` is sent to when it is not the Slashing contract (PushProofs, for Push messages). */
  target?: string;
  /** Push proofs: the proof file (JSON text) validator:export writes. */
  evidence?: string;
}

const coder = AbiCoder.defaultAbiCoder();

/** keccak256(abi.encode(node, digest)): the offence of any message fault (Slashing.messageOffenceId). */
export function messageOffenceId(node: string, digest: string): string {
  return keccak256(coder.encode(["address", "bytes32"], [node, digest]));
}

export function equivocationOffenceId(node: string, sequence: bigint): string {
  return keccak256(coder.encode(["uint8", "address", "uint64"], [FAULT_CODE.EQUIVOCATION, node, sequence]));
}

/** keccak256(abi.encode(reporter, salt, offenceId)): what `commitProof` takes. */
export function commitmentOf(claim: Claim, offenceId: string): string {
  return keccak256(
    coder.encode(["address", "bytes32", "bytes32"], [getAddress(claim.reporter), claim.salt, offenceId]),
  );
}

/** A claim for `reporter` with a fresh random 32-byte salt (persist it before committing). */
export function newClaim(reporter: string): Claim {
  return { reporter: getAddress(reporter), salt: hexlify(randomBytes(32)) };
}

function checkClaim(c: Claim): Claim {
  if (!isHexString(c.salt, 32)) throw new Error("a claim's salt must be 32 bytes of 0x hex");
  return { reporter: getAddress(c.reporter), salt: c.salt.toLowerCase() };
}

export interface MessageProofInput {
  faultCode: Exclude<ProvableFaultCode, "EQUIVOCATION">;
  /** The node (attestation signer), checksummed. */
  node: string;
  envelope: Envelope;
  attestation: SignedAttestation;
  claim: Claim;
  /** WRONG_ENCRYPTION of plaintext: the recipient's key that was active at `timestamp`. */
  recipientActiveKey?: string;
  /**
   * BAD_SIGNATURE: the sender's public key bytes (hashing to senderKey). Not read by the contract when the
   * signature's length differs from the attested signatureSize (then empty bytes are sent if absent).
   */
  senderPublicKey?: Uint8Array;
}

/** The proof of a message fault (MALFORMED, UNAUTHORIZED_SENDER, WRONG_ENCRYPTION, BAD_SIGNATURE). */
export function buildMessageProof(p: MessageProofInput): Proof {
  const node = getAddress(p.node);
  const claim = checkClaim(p.claim);
  const message = messageOf(p.envelope);
  const attestation = attestationOf(p.attestation);
  const digest = messageDigest(message);
  const method = PROOF_METHOD[p.faultCode];
  const base = [message, attestation, p.attestation.signature];
  let args: unknown[];
  switch (p.faultCode) {
    case "MALFORMED":
    case "UNAUTHORIZED_SENDER":
      args = [...base, claim];
      break;
    case "WRONG_ENCRYPTION":
      args = [
        ...base,
        p.recipientActiveKey ?? "0x0000000000000000000000000000000000000000000000000000000000000000",
        claim,
      ];
      break;
    case "BAD_SIGNATURE": {
      const sizeMismatch = p.envelope.signature.length !== p.attestation.signatureSize;
      if (!p.senderPublicKey && !sizeMismatch)
        throw new Error("a BAD_SIGNATURE proof needs the sender's public key bytes");
      args = [...base, p.envelope.signature, p.senderPublicKey ?? new Uint8Array(), claim];
      break;
    }
  }
  const offenceId = messageOffenceId(node, digest);
  return {
    offenceId,
    faultCode: p.faultCode,
    node,
    method,
    data: SLASHING_INTERFACE.encodeFunctionData(method, args),
    digest,
    sequence: p.attestation.sequence,
    claim,
    commitment: commitmentOf(claim, offenceId),
  };
}

/**
 * The proof that `node` signed `a` and `b`: two different attestations with the same sequence, or two
 * with different sequences where the larger sequence has the strictly smaller attestedAt (non-monotonic).
 */
export function buildEquivocationProof(
  node: string,
  a: SignedAttestation,
  b: SignedAttestation,
  claimInput: Claim,
): Proof {
  let sequence: bigint;
  if (a.sequence === b.sequence) sequence = a.sequence;
  else {
    const [lo, hi] = a.sequence < b.sequence ? [a, b] : [b, a];
    if (hi.attestedAt >= lo.attestedAt)
      throw new Error(
        "equivocation needs two attestations with the same sequence, or a later sequence attested earlier",
      );
    sequence = hi.sequence;
  }
  const n = getAddress(node);
  const claim = checkClaim(claimInput);
  const offenceId = equivocationOffenceId(n, sequence);
  return {
    offenceId,
    faultCode: "EQUIVOCATION",
    node: n,
    method: PROOF_METHOD.EQUIVOCATION,
    data: SLASHING_INTERFACE.encodeFunctionData("proveEquivocation", [
      attestationOf(a),
      a.signature,
      attestationOf(b),
      b.signature,
      claim,
    ]),
    digest: a.digest,
    sequence,
    claim,
    commitment: commitmentOf(claim, offenceId),
  };
}
