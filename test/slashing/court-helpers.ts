// Helpers of the SlashingCourt tests: report signing, stake ageing, and the commit-reveal of disputes.
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ZeroHash } from "ethers";
import type { Signer, TypedDataDomain } from "ethers";
import { courtDomain as domainOf, packSignatures, planDispute, signReport } from "../../src/slashing/court";
import type { CourtReport, DisputePlan } from "../../src/slashing/court";
import type { World } from "./fixture";
import { DAY, increaseTime } from "./fixture";

/** The default fault window (14 days): stake counts in a quorum once it is this old. */
export const FAULT_WINDOW = 14 * DAY;

/** Lets the fault window pass, so that the stake registered so far counts in quorum reports. */
export async function age(seconds: number = FAULT_WINDOW + 1): Promise<void> {
  await increaseTime(seconds);
}

export async function courtDomain(w: World): Promise<TypedDataDomain> {
  const { chainId } = await ethers.provider.getNetwork();
  return domainOf(chainId, await w.court.getAddress());
}

/** Signatures of `signers` over `report`, ascending by signer address, packed, as the court wants them. */
export async function sign(w: World, report: CourtReport, signers: Signer[]): Promise<string> {
  return packSignatures(await signReport(await courtDomain(w), report, signers));
}

/** The same signatures, one by one (ascending by signer address). */
export async function signList(w: World, report: CourtReport, signers: Signer[]): Promise<string[]> {
  return signReport(await courtDomain(w), report, signers);
}

export function evidence(text: string): string {
  return ethers.keccak256(ethers.toUtf8Bytes(text));
}

/**
 * Commits to a dispute (one block) and opens it (the next block), as `disputer`. Returns the plan and the
 * new dispute's id.
 */
export async function openDispute(
  w: World,
  disputer: HardhatEthersSigner,
  node: string,
  faultCode: number,
  occurredAt: bigint,
  evidenceBytes: Uint8Array | string,
  digest: string = ZeroHash,
): Promise<{ plan: DisputePlan; id: bigint }> {
  const plan = planDispute(disputer.address, node, faultCode, occurredAt, evidenceBytes, digest);
  await w.court.connect(disputer).commitDispute(plan.commitment);
  await reveal(w, disputer, plan);
  return { plan, id: await w.court.disputeCount() };
}

/** The openDispute call of `plan` (commitment made before). */
export function reveal(w: World, disputer: HardhatEthersSigner, plan: DisputePlan) {
  return w.court
    .connect(disputer)
    .openDispute(plan.node, plan.faultCode, plan.occurredAt, plan.digest, plan.evidence, plan.salt);
}
