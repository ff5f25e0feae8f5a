// What off-chain code builds for the SlashingCourt (docs/court.md): quorum reports (EIP-712 in the court's
// domain, naming the reporter who gets the reward), dispute commitments (commit-reveal), and the court's
// offence ids. Each function mirrors a view of the contract, checked against it in test/slashing/court.test.ts.
import {
  AbiCoder,
  TypedDataEncoder,
  ZeroHash,
  concat,
  getAddress,
  hexlify,
  keccak256,
  randomBytes,
} from "ethers";
import type { Signer, TypedDataDomain } from "ethers";

const coder = AbiCoder.defaultAbiCoder();

/** ISlashing.FaultCode values the court handles. */
export const COURT_FAULT = { BAD_SIGNATURE: 4, UNAVAILABLE: 6 } as const;

/** SlashingCourt.UNAVAILABLE_PERIOD: at most one UNAVAILABLE offence per node per period (seconds). */
export const UNAVAILABLE_PERIOD = 7n * 86_400n;

/** The EIP-712 type of a quorum report (PushTypedData.REPORT_TYPEHASH). */
export const REPORT_TYPES = {
  Report: [
    { name: "node", type: "address" },
    { name: "faultCode", type: "uint8" },
    { name: "evidenceHash", type: "bytes32" },
    { name: "reportedAt", type: "uint64" },
    { name: "reporter", type: "address" },
  ],
};

/** ISlashingCourt.Report: `reporter` is paid the reporter reward, whoever sends the report. */
export interface CourtReport {
  node: string;
  faultCode: number;
  evidenceHash: string;
  reportedAt: bigint;
  reporter: string;
}

/** The court's EIP-712 domain. */
export function courtDomain(chainId: bigint, court: string): TypedDataDomain {
  return { name: "Push Nodes", version: "1", chainId, verifyingContract: court };
}

/** SlashingCourt.reportDigest(report): what validators sign. */
export function reportDigest(domain: TypedDataDomain, report: CourtReport): string {
  return TypedDataEncoder.hash(domain, REPORT_TYPES, report);
}

/**
 * Signatures of `signers` over `report`, in the order the court wants them (signer addresses strictly
 * ascending).
 */
export async function signReport(
  domain: TypedDataDomain,
  report: CourtReport,
  signers: Signer[],
): Promise<string[]> {
  const withAddress = await Promise.all(signers.map(async (s) => ({ s, a: BigInt(await s.getAddress()) })));
  withAddress.sort((x, y) => (x.a < y.a ? -1 : x.a > y.a ? 1 : 0));
  return Promise.all(withAddress.map(({ s }) => s.signTypedData(domain, REPORT_TYPES, report)));
}

/** The `signatures` argument of submitReport: the 65-byte signatures packed in the order given. */
export function packSignatures(signatures: string[]): string {
  return concat(signatures);
}

/** SlashingCourt.unavailableOffenceId(node, at): keccak256(abi.encode(uint8(6), node, at / 7 days)). */
export function unavailableOffenceId(node: string, at: bigint): string {
  return keccak256(
    coder.encode(["uint8", "address", "uint256"], [COURT_FAULT.UNAVAILABLE, node, at / UNAVAILABLE_PERIOD]),
  );
}

/** Slashing.messageOffenceId(node, digest): keccak256(abi.encode(node, digest)), the ledger of BAD_SIGNATURE. */
export function messageOffenceId(node: string, digest: string): string {
  return keccak256(coder.encode(["address", "bytes32"], [node, digest]));
}

/** What a dispute commitment binds: the message digest of BAD_SIGNATURE, keccak256(evidence) of UNAVAILABLE. */
export function disputeSubject(faultCode: number, digest: string, evidence: Uint8Array | string): string {
  return faultCode === COURT_FAULT.BAD_SIGNATURE ? digest : keccak256(evidence);
}

/** SlashingCourt.disputeCommitment: keccak256(abi.encode(disputer, salt, node, faultCode, subject)). */
export function disputeCommitment(
  disputer: string,
  salt: string,
  node: string,
  faultCode: number,
  subject: string,
): string {
  return keccak256(
    coder.encode(
      ["address", "bytes32", "address", "uint8", "bytes32"],
      [getAddress(disputer), salt, getAddress(node), faultCode, subject],
    ),
  );
}

/** Everything {commitDispute} and {openDispute} need for one dispute (a fresh random salt). */
export interface DisputePlan {
  node: string;
  faultCode: number;
  occurredAt: bigint;
  /** The attested message digest (BAD_SIGNATURE), zero for UNAVAILABLE. */
  digest: string;
  evidence: Uint8Array | string;
  salt: string;
  commitment: string;
}

export function planDispute(
  disputer: string,
  node: string,
  faultCode: number,
  occurredAt: bigint,
  evidence: Uint8Array | string,
  digest: string = ZeroHash,
  salt: string = hexlify(randomBytes(32)),
): DisputePlan {
  const commitment = disputeCommitment(
    disputer,
    salt,
    node,
    faultCode,
    disputeSubject(faultCode, digest, evidence),
  );
  return { node, faultCode, occurredAt, digest, evidence, salt, commitment };
}

/** The offence a dispute is about (the court's ledger for UNAVAILABLE, the fault-proof one for BAD_SIGNATURE). */
export function disputeOffenceId(
  plan: Pick<DisputePlan, "node" | "faultCode" | "occurredAt" | "digest">,
): string {
  return plan.faultCode === COURT_FAULT.BAD_SIGNATURE
    ? messageOffenceId(plan.node, plan.digest)
    : unavailableOffenceId(plan.node, plan.occurredAt);
}
