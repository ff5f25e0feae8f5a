// SlashingCourt: quorum reports, disputes and governance slashes (DESIGN sections 3 and 5).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { TypedDataEncoder, Wallet, ZeroHash } from "ethers";
import { NodeStatus, Role } from "../../src/staking";
import { REPORT_TYPES, unavailableOffenceId } from "../../src/slashing/court";
import type { CourtReport as Report } from "../../src/slashing/court";
import type { World } from "./fixture";
import { DAY, Fault, PUSH, VALIDATOR_MIN, deployWorld, increaseTime, now } from "./fixture";
import { age, courtDomain, evidence, openDispute, sign, signList } from "./court-helpers";

describe("SlashingCourt", function () {
  async function world(): Promise<World> {
    return deployWorld();
  }

  describe("quorum reports (UNAVAILABLE)", function () {
    const BIG = 1_000_000n * PUSH;

    for (let n = 1; n <= 5; n++) {
      const k = Math.ceil((2 * n) / 3);
      it(`${n} validator(s): ${k} signers reach 2/3, ${k - 1} do not, nor ${k - 1} plus a low-stake Sybil`, async function () {
        const w = await loadFixture(world);
        const validators: Wallet[] = [];
        for (let i = 0; i < n; i++) validators.push(await w.registerNode(BIG));
        const accused = await w.registerNode(undefined, Role.STORAGE);
        await age(); // stake counts once it is a fault window old
        const t = await now();
        const short: Report = {
          node: accused.address,
          faultCode: Fault.Unavailable,
          evidenceHash: evidence("a"),
          reportedAt: t,
          reporter: w.reporter.address,
        };
        const total = BigInt(n) * BIG;
        const required = (total * 2n + 2n) / 3n;
        if (k > 1) {
          await expect(w.court.submitReport(short, await sign(w, short, validators.slice(0, k - 1))))
            .to.be.revertedWithCustomError(w.court, "SlashingCourtQuorumNotReached")
            .withArgs(BigInt(k - 1) * BIG, required);
        }
        // k signers: the quorum
        const stake = await w.stakeOf(accused.address);
        await expect(
          w.court.connect(w.reporter).submitReport(short, await sign(w, short, validators.slice(0, k))),
        )
          .to.emit(w.court, "QuorumReportAccepted")
          .withArgs(
            unavailableOffenceId(accused.address, t),
            accused.address,
            Fault.Unavailable,
            w.reporter.address,
            short.evidenceHash,
            t,
            BigInt(k) * BIG,
            required,
            stake / 10n,
          );
        expect(await w.stakeOf(accused.address)).to.equal(stake - stake / 10n);
        expect(await w.vault.rewardsOf(w.reporter.address)).to.equal(stake / 20n);
        // A Sybil validator with the minimum stake joins: with it, k - 1 signers are a head-count majority
        // for n >= 3, but not 2/3 of the stake (even once its stake is old enough to count). The next report
        // is about the next UNAVAILABLE period.
        const sybil = await w.registerNode(VALIDATOR_MIN);
        await age();
        const next: Report = { ...short, evidenceHash: evidence("a2"), reportedAt: await now() };
        const required2 = ((total + VALIDATOR_MIN) * 2n + 2n) / 3n;
        await expect(w.court.submitReport(next, await sign(w, next, [...validators.slice(0, k - 1), sybil])))
          .to.be.revertedWithCustomError(w.court, "SlashingCourtQuorumNotReached")
          .withArgs(BigInt(k - 1) * BIG + VALIDATOR_MIN, required2);
        await w.court.submitReport(next, await sign(w, next, validators));
        expect((await w.registry.nodeOf(accused.address)).status).to.equal(NodeStatus.Jailed);
      });
    }

    it("the accused validator's own stake counts on neither side", async function () {
      const w = await loadFixture(world);
      const [accused, v1, v2] = [
        await w.registerNode(BIG),
        await w.registerNode(BIG),
        await w.registerNode(BIG),
      ];
      await age();
      const r: Report = {
        node: accused.address,
        faultCode: Fault.Unavailable,
        evidenceHash: evidence("b"),
        reportedAt: await now(),
        reporter: w.reporter.address,
      };
      // total without the accused: 2 BIG, required ceil(4/3 BIG); v1 plus the accused's own signature is short
      await expect(w.court.submitReport(r, await sign(w, r, [v1, accused])))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtQuorumNotReached")
        .withArgs(BIG, (4n * BIG + 2n) / 3n);
      await w.court.submitReport(r, await sign(w, r, [v1, v2]));
      expect(await w.stakeOf(accused.address)).to.equal(BIG - BIG / 10n);
    });

    it("a repeated or unsorted signer reverts with SlashingCourtSignersNotAscending", async function () {
      const w = await loadFixture(world);
      const vs = [await w.registerNode(BIG), await w.registerNode(BIG), await w.registerNode(BIG)];
      const accused = await w.registerNode(undefined, Role.DELIVERY);
      const r: Report = {
        node: accused.address,
        faultCode: Fault.Unavailable,
        evidenceHash: evidence("c"),
        reportedAt: await now(),
        reporter: w.reporter.address,
      };
      const sigs = await signList(w, r, vs);
      const first = vs.map((v) => v.address).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))[0];
      await expect(w.court.submitReport(r, ethers.concat([sigs[0], sigs[0], sigs[1]])))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtSignersNotAscending")
        .withArgs(first, first);
      await expect(
        w.court.submitReport(r, ethers.concat([sigs[1], sigs[0], sigs[2]])),
      ).to.be.revertedWithCustomError(w.court, "SlashingCourtSignersNotAscending");
      // not a whole number of 65-byte signatures
      await expect(w.court.submitReport(r, ethers.concat([sigs[0], "0x00"]))).to.be.revertedWithCustomError(
        w.court,
        "SlashingCourtInvalidSignature",
      );
    });

    it("signers that are not Active VALIDATOR nodes revert with SlashingCourtNotActiveValidator", async function () {
      const w = await loadFixture(world);
      const v = await w.registerNode(BIG);
      const storage = await w.registerNode(undefined, Role.STORAGE);
      const jailed = await w.registerNode(BIG);
      await w.registry.connect(w.operator).requestUnstake(jailed.address, BIG); // below the minimum: Jailed
      const stranger = new Wallet(Wallet.createRandom().privateKey);
      const accused = await w.registerNode(undefined, Role.ARCHIVE);
      const r: Report = {
        node: accused.address,
        faultCode: Fault.Unavailable,
        evidenceHash: evidence("d"),
        reportedAt: await now(),
        reporter: w.reporter.address,
      };
      for (const bad of [storage, jailed, stranger]) {
        await expect(w.court.submitReport(r, await sign(w, r, [v, bad])))
          .to.be.revertedWithCustomError(w.court, "SlashingCourtNotActiveValidator")
          .withArgs(bad.address);
      }
    });

    it("only UNAVAILABLE, within the fault window, once per node per UNAVAILABLE period", async function () {
      const w = await loadFixture(world);
      const v = await w.registerNode(BIG);
      const accused = await w.registerNode(undefined, Role.STORAGE);
      await age();
      const t = await now();
      const base: Report = {
        node: accused.address,
        faultCode: Fault.Unavailable,
        evidenceHash: evidence("e"),
        reportedAt: t,
        reporter: w.reporter.address,
      };
      const wrongFault = { ...base, faultCode: Fault.Malformed };
      await expect(w.court.submitReport(wrongFault, await sign(w, wrongFault, [v])))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtFaultNotAllowed")
        .withArgs(Fault.Malformed);
      const future = { ...base, reportedAt: t + 3600n };
      await expect(w.court.submitReport(future, await sign(w, future, [v]))).to.be.revertedWithCustomError(
        w.court,
        "SlashingCourtOutsideFaultWindow",
      );
      await w.court.submitReport(base, await sign(w, base, [v]));
      // other evidence, same node, same period: the same offence
      const periodStart = (t / (7n * BigInt(DAY))) * 7n * BigInt(DAY);
      const again = { ...base, evidenceHash: evidence("e2"), reportedAt: periodStart };
      await expect(w.court.connect(w.other).submitReport(again, await sign(w, again, [v])))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtOffenceConsumed")
        .withArgs(unavailableOffenceId(accused.address, t));
      await increaseTime(14 * DAY + 1);
      const old = { ...base, evidenceHash: evidence("f") };
      await expect(w.court.submitReport(old, await sign(w, old, [v])))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtOutsideFaultWindow")
        .withArgs(t, 14 * DAY);
    });

    it("reportDigest is the EIP-712 digest validators sign", async function () {
      const w = await loadFixture(world);
      const r: Report = {
        node: w.alice.address,
        faultCode: 6,
        evidenceHash: evidence("g"),
        reportedAt: 1234n,
        reporter: w.bob.address,
      };
      expect(await w.court.reportDigest(r)).to.equal(
        TypedDataEncoder.hash(await courtDomain(w), REPORT_TYPES, r),
      );
      expect(await w.court.unavailableOffenceId(w.alice.address, 1234n)).to.equal(
        unavailableOffenceId(w.alice.address, 1234n),
      );
    });
  });

  describe("disputes", function () {
    const BOND = 1_000n * PUSH;
    const AT_RISK = VALIDATOR_MIN / 10n; // messageFaultSlashBps (10%) of the node's stake

    async function open(w: World, faultCode: number = Fault.Unavailable, text = "node down since block 123") {
      const node = await w.registerNode();
      const occurredAt = (await now()) - 3600n;
      const ev = ethers.toUtf8Bytes(text);
      const digest = faultCode === Fault.BadSignature ? ethers.id(`digest ${text}`) : ZeroHash;
      const { plan, id } = await openDispute(w, w.reporter, node.address, faultCode, occurredAt, ev, digest);
      return { node, occurredAt, evidenceHash: ethers.keccak256(ev), id, plan };
    }

    it("open: pulls the bond, locks the amount at risk, records the dispute", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const occurredAt = (await now()) - 3600n;
      const ev = ethers.toUtf8Bytes("ed25519 signature does not verify: envelope 0xabc");
      const digest = ethers.id("the attested message");
      const balance = await w.token.balanceOf(w.reporter.address);
      const offenceId = await w.slashing.messageOffenceId(node.address, digest);
      const { plan } = await openDispute(
        w,
        w.reporter,
        node.address,
        Fault.BadSignature,
        occurredAt,
        ev,
        digest,
      );
      const filter = w.court.filters.DisputeOpened(1n);
      const [log] = await w.court.queryFilter(filter);
      expect(log.args.node).to.equal(node.address);
      expect(log.args.disputer).to.equal(w.reporter.address);
      expect(log.args.faultCode).to.equal(BigInt(Fault.BadSignature));
      expect(log.args.occurredAt).to.equal(occurredAt);
      expect(log.args.bond).to.equal(BOND);
      expect(log.args.offenceId).to.equal(offenceId);
      expect(log.args.locked).to.equal(AT_RISK);
      expect(log.args.evidence).to.equal(ethers.hexlify(ev));
      expect(await w.token.balanceOf(w.reporter.address)).to.equal(balance - BOND);
      expect(await w.vault.withdrawalLocks(node.address)).to.equal(1n);
      expect(await w.vault.lockedAmount(node.address)).to.equal(AT_RISK);
      expect(await w.court.openDisputesOf(node.address)).to.equal(1n);
      expect(await w.court.commitmentBlock(plan.commitment)).to.equal(0n); // used up
      const d = await w.court.dispute(1n);
      expect(d.status).to.equal(1n);
      expect(d.evidenceHash).to.equal(ethers.keccak256(ev));
      expect(d.offenceId).to.equal(offenceId);
      expect(d.locked).to.equal(AT_RISK);
      // the node exits; after the unbonding period all but the amount at risk can be withdrawn
      await w.registry.connect(w.operator).exit(node.address);
      await increaseTime(21 * DAY + 1);
      const before = await w.token.balanceOf(w.operator.address);
      await w.vault.connect(w.operator).withdraw(node.address);
      expect((await w.token.balanceOf(w.operator.address)) - before).to.equal(VALIDATOR_MIN - AT_RISK);
      await expect(w.vault.connect(w.operator).withdraw(node.address))
        .to.be.revertedWithCustomError(w.vault, "StakingVaultWithdrawalsLocked")
        .withArgs(node.address, AT_RISK);
      // expiry (decision period 14 days is over) releases the lock; half of the bond is kept
      await expect(w.court.connect(w.other).expireDispute(1n))
        .to.emit(w.court, "DisputeExpired")
        .withArgs(1n, BOND / 2n, BOND / 2n);
      expect(await w.token.balanceOf(w.reporter.address)).to.equal(balance - BOND / 2n);
      expect(await w.court.openDisputesOf(node.address)).to.equal(0n);
      await w.vault.connect(w.operator).withdraw(node.address);
      expect((await w.token.balanceOf(w.operator.address)) - before).to.equal(VALIDATOR_MIN);
    });

    it("accept: slashes 10% with the disputer as reporter, returns the bond, releases the lock", async function () {
      const w = await loadFixture(world);
      const { node, id, occurredAt, plan } = await open(w);
      const balance = await w.token.balanceOf(w.reporter.address);
      const offenceId = unavailableOffenceId(node.address, occurredAt);
      await expect(w.court.connect(w.governor).acceptDispute(id))
        .to.emit(w.court, "DisputeAccepted")
        .withArgs(id, offenceId, VALIDATOR_MIN / 10n);
      expect(await w.stakeOf(node.address)).to.equal(VALIDATOR_MIN - VALIDATOR_MIN / 10n);
      expect(await w.vault.rewardsOf(w.reporter.address)).to.equal(VALIDATOR_MIN / 20n);
      expect(await w.token.balanceOf(w.reporter.address)).to.equal(balance + BOND);
      expect(await w.vault.withdrawalLocks(node.address)).to.equal(0n);
      expect(await w.vault.lockedAmount(node.address)).to.equal(0n);
      expect(await w.court.isOffenceConsumed(offenceId)).to.equal(true);
      expect((await w.registry.nodeOf(node.address)).status).to.equal(NodeStatus.Jailed);
      await expect(w.court.connect(w.governor).acceptDispute(id))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtDisputeNotOpen")
        .withArgs(id, 2);
      // other evidence of the same UNAVAILABLE period cannot open another dispute
      await expect(
        openDispute(w, w.other, node.address, Fault.Unavailable, plan.occurredAt, ethers.toUtf8Bytes("x")),
      )
        .to.be.revertedWithCustomError(w.court, "SlashingCourtOffenceConsumed")
        .withArgs(offenceId);
    });

    it("reject: the bond goes to the treasury, nothing is slashed, the lock is released", async function () {
      const w = await loadFixture(world);
      const { node, id } = await open(w);
      await expect(w.court.connect(w.governor).rejectDispute(id))
        .to.emit(w.court, "DisputeRejected")
        .withArgs(id, w.treasury.address, BOND);
      expect(await w.token.balanceOf(w.treasury.address)).to.equal(BOND);
      expect(await w.stakeOf(node.address)).to.equal(VALIDATOR_MIN);
      expect(await w.vault.withdrawalLocks(node.address)).to.equal(0n);
      expect(await w.court.openDisputesOf(node.address)).to.equal(0n);
    });

    it("decisions only by governance and within the decision period; expiry only after it", async function () {
      const w = await loadFixture(world);
      const { id } = await open(w);
      await expect(w.court.connect(w.other).acceptDispute(id)).to.be.revertedWithCustomError(
        w.court,
        "AccessControlUnauthorizedAccount",
      );
      await expect(w.court.connect(w.other).rejectDispute(id)).to.be.revertedWithCustomError(
        w.court,
        "AccessControlUnauthorizedAccount",
      );
      const d = await w.court.dispute(id);
      await expect(w.court.expireDispute(id))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtDecisionPeriodNotOver")
        .withArgs(id, d.decideBy);
      await increaseTime(14 * DAY + 1);
      await expect(w.court.connect(w.governor).acceptDispute(id))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtDecisionPeriodOver")
        .withArgs(id, d.decideBy);
      await expect(w.court.connect(w.governor).rejectDispute(id)).to.be.revertedWithCustomError(
        w.court,
        "SlashingCourtDecisionPeriodOver",
      );
      await expect(w.court.expireDispute(id))
        .to.emit(w.court, "DisputeExpired")
        .withArgs(id, BOND / 2n, BOND / 2n);
      await expect(w.court.expireDispute(99n))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtUnknownDispute")
        .withArgs(99n);
    });

    it("bad openings: provable fault codes, digests, outside the window, a node without stake; paused", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const t = await now();
      const tryOpen = (who: string, faultCode: number, at: bigint, digest = ZeroHash) =>
        openDispute(w, w.reporter, who, faultCode, at, "0x01", digest);
      await expect(tryOpen(node.address, Fault.Malformed, t))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtFaultNotAllowed")
        .withArgs(Fault.Malformed);
      await expect(tryOpen(node.address, Fault.BadSignature, t))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtInvalidDigest")
        .withArgs(Fault.BadSignature, ZeroHash);
      const digest = ethers.id("m");
      await expect(tryOpen(node.address, Fault.Unavailable, t, digest))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtInvalidDigest")
        .withArgs(Fault.Unavailable, digest);
      const old = t - 14n * BigInt(DAY) - 1n;
      await expect(tryOpen(node.address, Fault.Unavailable, old))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtOutsideFaultWindow")
        .withArgs(old, 14 * DAY);
      await expect(tryOpen(w.alice.address, Fault.Unavailable, t))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtNodeWithoutStake")
        .withArgs(w.alice.address);
      await w.court.connect(w.guardian).pause();
      await expect(tryOpen(node.address, Fault.Unavailable, t)).to.be.revertedWithCustomError(
        w.court,
        "EnforcedPause",
      );
    });

    it("governance decides and disputes expire while paused", async function () {
      const w = await loadFixture(world);
      const a = await open(w, Fault.Unavailable, "a");
      const b = await open(w, Fault.BadSignature, "b");
      await w.court.connect(w.guardian).pause();
      await w.court.connect(w.governor).acceptDispute(a.id);
      await increaseTime(14 * DAY + 1);
      await w.court.expireDispute(b.id);
      expect((await w.court.dispute(b.id)).status).to.equal(4n);
    });
  });

  describe("governance slash", function () {
    it("at most 10% of stake per action, all to the treasury; over the cap or zero reverts", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const cap = VALIDATOR_MIN / 10n;
      await expect(w.court.connect(w.governor).slash(node.address, cap + 1n, "too much"))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtOverCap")
        .withArgs(cap + 1n, cap);
      await expect(w.court.connect(w.governor).slash(node.address, 0n, "zero")).to.be.revertedWithCustomError(
        w.court,
        "SlashingCourtZeroAmount",
      );
      await expect(
        w.court.connect(w.other).slash(node.address, 1n, "not governance"),
      ).to.be.revertedWithCustomError(w.court, "AccessControlUnauthorizedAccount");
      const treasury = await w.vault.treasuryBalance();
      await expect(w.court.connect(w.governor).slash(node.address, cap, "operator ran a modified node"))
        .to.emit(w.court, "GovernanceSlashed")
        .withArgs(node.address, cap, cap, "operator ran a modified node");
      expect(await w.vault.treasuryBalance()).to.equal(treasury + cap);
      expect(await w.stakeOf(node.address)).to.equal(VALIDATOR_MIN - cap);
      expect((await w.registry.nodeOf(node.address)).status).to.equal(NodeStatus.Jailed);
      // the cap follows the remaining stake
      const cap2 = (VALIDATOR_MIN - cap) / 10n;
      await expect(w.court.connect(w.governor).slash(node.address, cap2 + 1n, "again"))
        .to.be.revertedWithCustomError(w.court, "SlashingCourtOverCap")
        .withArgs(cap2 + 1n, cap2);
      await expect(
        w.court.connect(w.governor).slash(w.alice.address, 1n, "not a node"),
      ).to.be.revertedWithCustomError(w.court, "SlashingCourtNodeWithoutStake");
    });
  });
});
