// A validator set of 1,000: a quorum report needs 667 equal validators, above the old cap of 256 signatures.
// Measures the gas of reports signed by 667 and 1,000 validators (docs/court.md quotes these figures);
// REPORT_GAS_LOG=1 prints them.
import { signerConsent } from "../../src/testing/consent";
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet } from "ethers";
import { Role } from "../../src/staking";
import { packSignatures, signReport } from "../../src/slashing/court";
import type { CourtReport } from "../../src/slashing/court";
import type { World } from "./fixture";
import { ENDPOINT, Fault, VALIDATOR_MIN, deployWorld, now } from "./fixture";
import { age, courtDomain, evidence } from "./court-helpers";

const VALIDATORS = 1_000;
/** EIP-7825: the most gas one transaction may use. */
const TX_GAS_CAP = 16_777_216n;

interface Big {
  w: World;
  validators: Wallet[];
  accused: Wallet[];
}

/** 1,000 validators (equal stake, one operator) and a few storage nodes, registered one transaction each. */
async function bigSet(): Promise<Big> {
  const w = await deployWorld();
  const validators = Array.from({ length: VALIDATORS }, (_, i) => new Wallet(ethers.id(`validator ${i}`)));
  await w.token.mint(w.operator.address, BigInt(VALIDATORS) * VALIDATOR_MIN);
  const r = w.registry.connect(w.operator);
  const { chainId } = await ethers.provider.getNetwork();
  const consent = (node: Wallet) => signerConsent(w.registry, node, w.operator, chainId);
  for (const v of validators)
    await r.registerNode(v.address, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, await consent(v));
  const accused = [new Wallet(ethers.id("storage 0")), new Wallet(ethers.id("storage 1"))];
  for (const a of accused)
    await r.registerNode(a.address, Role.STORAGE, ENDPOINT, VALIDATOR_MIN, await consent(a));
  await age();
  return { w, validators, accused };
}

describe("SlashingCourt at scale: 1,000 validators", function () {
  this.timeout(120_000);

  function reportOf(w: World, node: string, at: bigint): CourtReport {
    return {
      node,
      faultCode: Fault.Unavailable,
      evidenceHash: evidence(`offline ${node}`),
      reportedAt: at,
      reporter: w.reporter.address,
    };
  }

  it("667 of 1,000 equal validators reach 2/3 (666 do not); all 1,000 may sign", async function () {
    const { w, validators, accused } = await loadFixture(bigSet);
    expect(await w.court.MAX_REPORT_SIGNERS()).to.equal(1_024n);
    const domain = await courtDomain(w);
    const t = await now();
    const r0 = reportOf(w, accused[0].address, t);
    const required = (BigInt(VALIDATORS) * VALIDATOR_MIN * 2n + 2n) / 3n;
    expect(await w.court.requiredStake(accused[0].address)).to.equal(required);
    const sigs0 = await signReport(domain, r0, validators);
    // signReport sorts by address; any 666 of them are short, 667 reach the quorum
    await expect(w.court.submitReport(r0, packSignatures(sigs0.slice(0, 666))))
      .to.be.revertedWithCustomError(w.court, "SlashingCourtQuorumNotReached")
      .withArgs(666n * VALIDATOR_MIN, required);
    await expect(w.court.submitReport(r0, packSignatures(sigs0.slice(0, 667)))).to.emit(
      w.court,
      "QuorumReportAccepted",
    );
    const r1 = reportOf(w, accused[1].address, t);
    await expect(w.court.submitReport(r1, packSignatures(await signReport(domain, r1, validators)))).to.emit(
      w.court,
      "QuorumReportAccepted",
    );
  });

  // A gas figure of the optimized build: coverage leaves it out (hardhat.config.ts, COVERAGE_LEAVES_OUT).
  it("gas of reports signed by 667 and 1,000 validators: under 85% of a transaction's gas cap", async function () {
    const { w, validators, accused } = await loadFixture(bigSet);
    const domain = await courtDomain(w);
    const t = await now();
    const r0 = reportOf(w, accused[0].address, t);
    const sigs0 = await signReport(domain, r0, validators);
    const tx667 = await w.court.submitReport(r0, packSignatures(sigs0.slice(0, 667)));
    const gas667 = (await tx667.wait())!.gasUsed;
    const r1 = reportOf(w, accused[1].address, t);
    const tx1000 = await w.court.submitReport(r1, packSignatures(await signReport(domain, r1, validators)));
    const gas1000 = (await tx1000.wait())!.gasUsed;
    if (process.env.REPORT_GAS_LOG)
      console.log(`      submitReport gas: 667 signers ${gas667}, 1,000 signers ${gas1000}`);
    expect(gas1000).to.be.lessThan((TX_GAS_CAP * 85n) / 100n);
    expect(gas667).to.be.lessThan(gas1000);
  });
});
