// Regression tests of the SlashingCourt findings (docs/court.md): reporter binding of reports and disputes,
// one offence for a dispute and a proof of the same message, a quorum that fresh stake and jailing cannot
// game, UNAVAILABLE bounded per period, and disputes that cost something, cannot stack, and lock only the
// stake at risk. Each test fails on the court before these changes.
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { ZeroHash } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { NodeStatus, Role } from "../../src/staking";
import { planDispute, unavailableOffenceId } from "../../src/slashing/court";
import type { CourtReport } from "../../src/slashing/court";
import type { World } from "./fixture";
import { DAY, Fault, PUSH, VALIDATOR_MIN, deployWorld, increaseTime, now } from "./fixture";
import { FAULT_WINDOW, age, evidence, openDispute, reveal, sign } from "./court-helpers";

const BIG = 1_000_000n * PUSH;
const BOND = 1_000n * PUSH;
const WEEK = 7n * BigInt(DAY);

async function world(): Promise<World> {
  return deployWorld();
}

function report(w: World, node: string, reportedAt: bigint, text = "offline"): CourtReport {
  return {
    node,
    faultCode: Fault.Unavailable,
    evidenceHash: evidence(text),
    reportedAt,
    reporter: w.reporter.address,
  };
}

describe("SlashingCourt findings", function () {
  describe("reporter binding", function () {
    it("a copy of a report sent by someone else pays the reporter the validators signed, not the sender", async function () {
      const w = await loadFixture(world);
      const vs = [await w.registerNode(BIG), await w.registerNode(BIG), await w.registerNode(BIG)];
      const accused = await w.registerNode(undefined, Role.STORAGE);
      await age();
      const r = report(w, accused.address, await now());
      const sigs = await sign(w, r, vs);
      const stake = await w.stakeOf(accused.address);
      // the copy-cat sends the watcher's transaction first, with a higher tip: the reward still goes to the
      // watcher named in the report
      await expect(w.court.connect(w.other).submitReport(r, sigs))
        .to.emit(w.court, "QuorumReportAccepted")
        .withArgs(
          unavailableOffenceId(accused.address, r.reportedAt),
          accused.address,
          Fault.Unavailable,
          w.reporter.address,
          r.evidenceHash,
          r.reportedAt,
          3n * BIG,
          2n * BIG,
          stake / 10n,
        );
      expect(await w.vault.rewardsOf(w.other.address)).to.equal(0n);
      expect(await w.vault.rewardsOf(w.reporter.address)).to.equal(stake / 20n);
      // the watcher's own transaction, mined after, pays nobody twice
      await expect(w.court.connect(w.reporter).submitReport(r, sigs)).to.be.revertedWithCustomError(
        w.court,
        "SlashingCourtOffenceConsumed",
      );
    });

    it("naming another reporter breaks the signatures", async function () {
      const w = await loadFixture(world);
      const v = await w.registerNode(BIG);
      const accused = await w.registerNode(undefined, Role.STORAGE);
      await age();
      const r = report(w, accused.address, await now());
      const sigs = await sign(w, r, [v]);
      const stolen = { ...r, reporter: w.other.address };
      await expect(w.court.connect(w.other).submitReport(stolen, sigs)).to.be.revertedWithCustomError(
        w.court,
        "SlashingCourtNotActiveValidator",
      );
    });

    it("self-report by the accused's operator: the effective penalty is the slash minus the reward (5%)", async function () {
      const w = await loadFixture(world);
      const v = await w.registerNode(BIG);
      const accused = await w.registerNode(undefined, Role.STORAGE); // operated by w.operator
      await age();
      const stake = await w.stakeOf(accused.address);
      // the accused gets the validators to sign a report naming its own operator as the reporter
      const r = { ...report(w, accused.address, await now()), reporter: w.operator.address };
      await w.court.connect(w.operator).submitReport(r, await sign(w, r, [v]));
      const slashed = stake / 10n;
      const reward = await w.vault.rewardsOf(w.operator.address);
      expect(reward).to.equal(slashed / 2n); // reporterRewardBps: 50%
      expect(stake - (await w.stakeOf(accused.address)) - reward).to.equal(stake / 20n);
      expect((await w.registry.nodeOf(accused.address)).status).to.equal(NodeStatus.Jailed);
    });

    it("disputes: a copy of the opening by someone else has no commitment; the disputer paid is the committer", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const digest = ethers.id("attested message");
      const plan = planDispute(
        w.reporter.address,
        node.address,
        Fault.BadSignature,
        (await now()) - 60n,
        ethers.toUtf8Bytes("ed25519 signature does not verify"),
        digest,
      );
      await w.court.connect(w.reporter).commitDispute(plan.commitment);
      // the copy-cat replays the opening (same arguments, same salt): its address is in the commitment
      const copied = planDispute(
        w.other.address,
        plan.node,
        plan.faultCode,
        plan.occurredAt,
        plan.evidence,
        digest,
        plan.salt,
      );
      await expect(reveal(w, w.other, plan))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtNoCommitment")
        .withArgs(copied.commitment);
      // a commitment of its own made in the same block as its opening is too fresh
      await network.provider.send("evm_setAutomine", [false]);
      try {
        const commitTx = await w.court.connect(w.other).commitDispute(copied.commitment);
        const openTx = await reveal(w, w.other, copied);
        await network.provider.send("evm_mine", []);
        const committed = (await commitTx.wait())!;
        expect(committed.status).to.equal(1);
        await expect(openTx.wait()).to.be.rejected;
        const failed = await ethers.provider.getTransactionReceipt(openTx.hash);
        expect([failed!.status, failed!.blockNumber]).to.deep.equal([0, committed.blockNumber]);
        expect(await w.court.disputeCount()).to.equal(0n);
      } finally {
        await network.provider.send("evm_setAutomine", [true]);
      }
      // one block later the copy-cat could open; the honest disputer, who committed earlier, opens first
      const [id] = [(await reveal(w, w.reporter, plan), await w.court.disputeCount())];
      expect((await w.court.dispute(id)).disputer).to.equal(w.reporter.address);
      // and then the copy-cat's dispute of the same offence cannot be opened
      await expect(reveal(w, w.other, copied))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtOffenceDisputed")
        .withArgs(await w.slashing.messageOffenceId(node.address, digest), id);
      const balance = await w.token.balanceOf(w.reporter.address);
      await w.court.connect(w.governor).acceptDispute(id);
      expect(await w.vault.rewardsOf(w.reporter.address)).to.equal(VALIDATOR_MIN / 20n);
      expect(await w.vault.rewardsOf(w.other.address)).to.equal(0n);
      expect(await w.token.balanceOf(w.reporter.address)).to.equal(balance + BOND);
    });

    it("a commitment made in the same block as the opening is too fresh", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const helper = await ethers.deployContract("DisputeSameBlock");
      const salt = ethers.id("salt");
      const commitment = await w.court.disputeCommitment(
        await helper.getAddress(),
        salt,
        node.address,
        Fault.Unavailable,
        ethers.keccak256("0x01"),
      );
      const t = await now();
      const block = (await ethers.provider.getBlockNumber()) + 1;
      await expect(helper.commitAndOpen(w.court, node.address, Fault.Unavailable, t, ZeroHash, "0x01", salt))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtCommitmentTooFresh")
        .withArgs(commitment, block);
    });

    it("commitDispute: first writer only, under 50,000 gas; the commitment is used up by the opening", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const plan = planDispute(w.reporter.address, node.address, Fault.Unavailable, await now(), "0x01");
      const tx = await w.court.connect(w.reporter).commitDispute(plan.commitment);
      const receipt = (await tx.wait())!;
      expect(receipt.gasUsed).to.be.lessThanOrEqual(50_000n);
      expect(await w.court.commitmentBlock(plan.commitment)).to.equal(BigInt(receipt.blockNumber));
      expect(
        await w.court.disputeCommitment(
          w.reporter.address,
          plan.salt,
          node.address,
          Fault.Unavailable,
          ethers.keccak256("0x01"),
        ),
      ).to.equal(plan.commitment);
      await expect(w.court.connect(w.other).commitDispute(plan.commitment))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtAlreadyCommitted")
        .withArgs(plan.commitment, receipt.blockNumber);
      await reveal(w, w.reporter, plan);
      await expect(reveal(w, w.reporter, plan))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtNoCommitment")
        .withArgs(plan.commitment);
    });
  });

  describe("one offence, one slash: BAD_SIGNATURE disputes and proofs share Slashing's ledger", function () {
    async function withProver(w: World) {
      // A stand-in for a fault proof of the same message: an account allowed to consume offences in the
      // fault-proof contract's ledger (as Slashing does when a proof of the message goes through).
      await w.slashing.connect(w.governor).grantRole(await w.slashing.COURT_ROLE(), w.other.address);
    }

    it("an accepted dispute consumes messageOffenceId(node, digest) in Slashing: a proof afterwards finds it consumed", async function () {
      const w = await loadFixture(world);
      await withProver(w);
      const node = await w.registerNode();
      const digest = ethers.id("message");
      const offenceId = await w.slashing.messageOffenceId(node.address, digest);
      const { id } = await openDispute(
        w,
        w.reporter,
        node.address,
        Fault.BadSignature,
        await now(),
        "0x01",
        digest,
      );
      await expect(w.court.connect(w.governor).acceptDispute(id))
        .to.emit(w.slashing, "OffenceConsumedByCourt")
        .withArgs(offenceId)
        .and.to.emit(w.court, "DisputeAccepted")
        .withArgs(id, offenceId, VALIDATOR_MIN / 10n);
      expect(await w.slashing.isOffenceConsumed(offenceId)).to.equal(true);
      expect(await w.court.isOffenceConsumed(offenceId)).to.equal(true);
      await expect(w.slashing.connect(w.other).consumeOffence(offenceId))
        .to.be.revertedWithCustomError(w.slashing, "SlashingOffenceConsumed")
        .withArgs(offenceId);
      // nor can another dispute of that message be opened
      await expect(openDispute(w, w.reporter, node.address, Fault.BadSignature, await now(), "0x02", digest))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtOffenceConsumed")
        .withArgs(offenceId);
    });

    it("after a proof, a dispute of the message cannot be opened, and an open one cannot be accepted", async function () {
      const w = await loadFixture(world);
      await withProver(w);
      const node = await w.registerNode();
      const digest = ethers.id("message");
      const offenceId = await w.slashing.messageOffenceId(node.address, digest);
      const { id } = await openDispute(
        w,
        w.reporter,
        node.address,
        Fault.BadSignature,
        await now(),
        "0x01",
        digest,
      );
      await w.slashing.connect(w.other).consumeOffence(offenceId); // the proof goes through first
      const stake = await w.stakeOf(node.address);
      await expect(w.court.connect(w.governor).acceptDispute(id))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtOffenceConsumed")
        .withArgs(offenceId);
      expect(await w.stakeOf(node.address)).to.equal(stake);
      await w.court.connect(w.governor).rejectDispute(id);
      await expect(openDispute(w, w.reporter, node.address, Fault.BadSignature, await now(), "0x03", digest))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtOffenceConsumed")
        .withArgs(offenceId);
    });
  });

  describe("quorum", function () {
    it("stake registered or topped up within the fault window does not count", async function () {
      const w = await loadFixture(world);
      const honest = [await w.registerNode(BIG), await w.registerNode(BIG)];
      const victim = await w.registerNode(undefined, Role.STORAGE);
      const topped = await w.registerNode(BIG);
      // deposits less than 30 days apart form one run, which counts only what was held before it: the
      // top-up below comes more than 30 days after the registration
      await age(30 * DAY);
      // an attacker registers twice the honest stake a block before reporting
      const attacker = [await w.registerNode(3n * BIG), await w.registerNode(3n * BIG)];
      const r = report(w, victim.address, await now());
      const required = (9n * BIG * 2n + 2n) / 3n;
      expect(await w.court.requiredStake(victim.address)).to.equal(required);
      await expect(w.court.submitReport(r, await sign(w, r, attacker)))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtQuorumNotReached")
        .withArgs(0n, required);
      // a validator that tops up counts what it held before, until the fault window has passed
      await w.vault.connect(w.operator).stake(topped.address, 5n * BIG);
      const required2 = (14n * BIG * 2n + 2n) / 3n;
      await expect(w.court.submitReport(r, await sign(w, r, [...attacker, topped, ...honest])))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtQuorumNotReached")
        .withArgs(3n * BIG, required2);
      expect(await w.vault.quorumStakesOf([topped.address], Role.VALIDATOR, FAULT_WINDOW)).to.deep.equal([
        BIG,
        0n,
      ]);
      // a storage node is not counted: its index + 1 comes back
      expect((await w.vault.quorumStakesOf([topped.address, victim.address], Role.VALIDATOR, 0))[1]).to.equal(
        2n,
      );
      await expect(w.vault.quorumStakesOf([topped.address], Role.VALIDATOR, 31 * DAY))
        .to.be.revertedWithCustomError(w.vault, "StakingVaultAgeTooLong")
        .withArgs(31 * DAY, 30 * DAY);
      await age();
      const later = report(w, victim.address, await now());
      await w.court.submitReport(later, await sign(w, later, [...attacker, topped]));
      expect((await w.registry.nodeOf(victim.address)).status).to.equal(NodeStatus.Jailed);
    });

    it("a half-stake attacker cannot jail honest validators one after the other, nor drain a storage node", async function () {
      const w = await loadFixture(world);
      // attacker 1/2 of validator stake; honest v1 1/3, v2 1/6 (all of it older than the fault window)
      const attacker = [await w.registerNode(3n * BIG)];
      const v1 = await w.registerNode(2n * BIG);
      const v2 = await w.registerNode(BIG);
      const storage = await w.registerNode(BIG, Role.STORAGE);
      await age();
      const t = await now();
      // v2 first: 3 of the other 5 is 60%, short of 2/3
      const r2 = report(w, v2.address, t);
      await expect(w.court.submitReport(r2, await sign(w, r2, attacker))).to.be.revertedWithCustomError(
        w.court,
        "SlashingCourtQuorumNotReached",
      );
      // v1: 3 of the other 4 is 75%: the 2/3-of-the-others rule slashes and jails it
      const r1 = report(w, v1.address, t);
      await w.court.submitReport(r1, await sign(w, r1, attacker));
      expect((await w.registry.nodeOf(v1.address)).status).to.equal(NodeStatus.Jailed);
      expect(await w.court.recentlyRemovedStake()).to.equal(2n * BIG);
      // v1's stake stays in the denominator for the fault window: against v2 it is 3 of 5 again (the old
      // court counted only active stake: 3 of 3)
      await expect(w.court.submitReport(r2, await sign(w, r2, attacker)))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtQuorumNotReached")
        .withArgs(3n * BIG, (5n * BIG * 2n + 2n) / 3n);
      // nor can it drain a storage node with repeated reports (old court: 20 reports took 88% of its stake)
      const stake = await w.stakeOf(storage.address);
      for (let i = 0; i < 20; i++) {
        const rs = report(w, storage.address, t - BigInt(i) * 3600n, `outage ${i}`);
        await expect(w.court.submitReport(rs, await sign(w, rs, attacker))).to.be.revertedWithCustomError(
          w.court,
          "SlashingCourtQuorumNotReached",
        );
      }
      expect(await w.stakeOf(storage.address)).to.equal(stake);
    });

    it("validators removed by a court slash count for one fault window after it, then no longer", async function () {
      const w = await loadFixture(world);
      const vs = [await w.registerNode(BIG), await w.registerNode(BIG), await w.registerNode(BIG)];
      await age();
      const r = report(w, vs[0].address, await now());
      await w.court.submitReport(r, await sign(w, r, vs.slice(1)));
      const active = await w.registry.activeStake(Role.VALIDATOR);
      expect(active).to.equal(2n * BIG);
      // all of its bonded stake left active stake: the slash, and the rest when it was jailed
      expect(await w.court.recentlyRemovedStake()).to.equal(BIG);
      expect(await w.court.requiredStake(vs[1].address)).to.equal(((BIG + BIG) * 2n + 2n) / 3n);
      await increaseTime(FAULT_WINDOW - 10);
      expect(await w.court.recentlyRemovedStake()).to.equal(BIG);
      await increaseTime(20);
      expect(await w.court.recentlyRemovedStake()).to.equal(0n);
      expect(await w.court.requiredStake(vs[1].address)).to.equal((BIG * 2n + 2n) / 3n);
    });

    it("UNAVAILABLE: at most one slash per node per 7-day period, reports and disputes alike", async function () {
      const w = await loadFixture(world);
      const vs = [await w.registerNode(BIG), await w.registerNode(BIG), await w.registerNode(BIG)];
      const storage = await w.registerNode(BIG, Role.STORAGE);
      await age();
      const t = await now();
      const start = (t / WEEK) * WEEK;
      const stake = await w.stakeOf(storage.address);
      let slashes = 0;
      // 20 reports with different evidence over the fault window: one slash per period reached
      for (let i = 0; i < 20; i++) {
        const at = t - (BigInt(i) * BigInt(FAULT_WINDOW - 60)) / 19n;
        const r = report(w, storage.address, at, `outage ${i}`);
        try {
          await w.court.submitReport(r, await sign(w, r, vs));
          slashes++;
        } catch (e) {
          expect(String(e)).to.include("SlashingCourtOffenceConsumed");
        }
      }
      const periods = new Set(
        Array.from({ length: 20 }, (_, i) => (t - (BigInt(i) * BigInt(FAULT_WINDOW - 60)) / 19n) / WEEK),
      );
      expect(slashes).to.equal(periods.size);
      expect(slashes).to.be.lessThanOrEqual(3);
      expect(await w.stakeOf(storage.address)).to.be.greaterThan((stake * 72n) / 100n);
      // a dispute about a period already reported is the same offence
      await expect(openDispute(w, w.reporter, storage.address, Fault.Unavailable, start, "0x01"))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtOffenceConsumed")
        .withArgs(unavailableOffenceId(storage.address, start));
    });
  });

  describe("disputes cost something, cannot stack, and lock only the stake at risk", function () {
    it("an expired dispute keeps ExpiredBondKeptBps of the bond (default 50%) for the treasury", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      expect(await w.court.expiredBondKeptBps()).to.equal(5_000n);
      await w.court.connect(w.governor).setParam(4, 2_500); // ExpiredBondKeptBps
      await expect(w.court.connect(w.governor).setParam(4, 999))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtParamOutOfBounds")
        .withArgs(4, 999, 1_000, 10_000);
      const balance = await w.token.balanceOf(w.reporter.address);
      const { id } = await openDispute(w, w.reporter, node.address, Fault.Unavailable, await now(), "0x01");
      await increaseTime(14 * DAY + 1);
      const treasury = await w.token.balanceOf(w.treasury.address);
      await expect(w.court.connect(w.other).expireDispute(id))
        .to.emit(w.court, "DisputeExpired")
        .withArgs(id, (BOND * 3n) / 4n, BOND / 4n);
      expect(await w.token.balanceOf(w.reporter.address)).to.equal(balance - BOND / 4n);
      expect(await w.token.balanceOf(w.treasury.address)).to.equal(treasury + BOND / 4n);
    });

    it("at most 4 open disputes per node and one per offence; closing one makes room", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const t = await now();
      const ids: bigint[] = [];
      for (let i = 0; i < 4; i++) {
        const digest = ethers.id(`message ${i}`);
        ids.push((await openDispute(w, w.reporter, node.address, Fault.BadSignature, t, "0x01", digest)).id);
      }
      expect(await w.court.openDisputesOf(node.address)).to.equal(4n);
      await expect(openDispute(w, w.other, node.address, Fault.Unavailable, t, "0x01"))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtTooManyOpenDisputes")
        .withArgs(node.address, 4);
      await w.court.connect(w.governor).rejectDispute(ids[0]);
      const { id } = await openDispute(w, w.other, node.address, Fault.Unavailable, t, "0x01");
      await expect(openDispute(w, w.reporter, node.address, Fault.Unavailable, t, "0x02"))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtOffenceDisputed")
        .withArgs(unavailableOffenceId(node.address, t), id);
    });

    it("an exited node with open disputes withdraws all but messageFaultSlashBps of its stake per dispute", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const t = await now();
      for (let i = 0; i < 4; i++) {
        await openDispute(w, w.reporter, node.address, Fault.BadSignature, t, "0x01", ethers.id(`m ${i}`));
      }
      expect(await w.vault.lockedAmount(node.address)).to.equal((4n * VALIDATOR_MIN) / 10n);
      await w.registry.connect(w.operator).exit(node.address);
      await increaseTime(21 * DAY + 1);
      // the old court locked every withdrawal while any dispute was open
      await expect(w.vault.connect(w.operator).withdraw(node.address)).to.changeTokenBalance(
        w.token,
        w.operator,
        (6n * VALIDATOR_MIN) / 10n,
      );
      // the disputes expire: the rest is free
      await increaseTime(14 * DAY);
      for (let id = 1n; id <= 4n; id++) await w.court.expireDispute(id);
      expect(await w.vault.lockedAmount(node.address)).to.equal(0n);
      await expect(w.vault.connect(w.operator).withdraw(node.address)).to.changeTokenBalance(
        w.token,
        w.operator,
        (4n * VALIDATOR_MIN) / 10n,
      );
    });
  });
});
