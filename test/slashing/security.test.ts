// Regression tests of the wave-2 security findings against Slashing (docs/slashing.md). Each test fails on the
// implementation before the fix (where it does not fail to compile against the new ABI in the first place):
//   1. one invalid message is one offence, whatever fault code proves it;
//   2. an oversize signature is MALFORMED without being revealed, and a signature whose length differs from
//      the attested signatureSize is BAD_SIGNATURE;
//   3. commit-reveal: a copy of a pending proof pays the watcher that committed, a copier's own claim has no
//      commitment, and a proof in the block of its commitment reverts;
//   4. attestedAt decreasing as the sequence grows is EQUIVOCATION (backdating is bounded);
//   5. each attestation is judged by the limits in force when it was made: raising a limit later does not make
//      an earlier fault unprovable.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { hexlify, keccak256, randomBytes } from "ethers";
import type { World } from "./fixture";
import {
  DAY,
  Fault,
  Param,
  VALIDATOR_MIN,
  args,
  commitmentOf,
  deployWorld,
  equivocationOffenceId,
  increaseTime,
  messageOffenceId,
  now,
  vectorKey,
} from "./fixture";

const HOUR = 3_600;

describe("Slashing: wave-2 security findings", function () {
  async function world(): Promise<World> {
    return deployWorld();
  }

  describe("one offence, one slash", function () {
    it("a message both MALFORMED and UNAUTHORIZED_SENDER is slashed once (one offence id per node and message)", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode(10n * VALIDATOR_MIN);
      // version 2 (MALFORMED) and signed with a key alice never registered (UNAUTHORIZED_SENDER)
      const p = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, await vectorKey("p256"), { version: 2 }),
      );
      const offenceId = messageOffenceId(node.address, p.attestation.digest);
      expect(await w.slashing.messageOffenceId(node.address, p.attestation.digest)).to.equal(offenceId);
      await expect(w.slashing.connect(w.reporter).proveMalformed(...args(p), p.claim))
        .to.emit(w.slashing, "FaultProven")
        .withArgs(
          offenceId,
          node.address,
          Fault.Malformed,
          w.reporter.address,
          p.attestation.digest,
          1,
          VALIDATOR_MIN,
        );
      const stake = await w.stakeOf(node.address);
      const again = await w.commit(offenceId);
      await expect(w.slashing.connect(w.reporter).proveUnauthorizedSender(...args(p), again))
        .to.be.revertedWithCustomError(w.slashing, "SlashingOffenceConsumed")
        .withArgs(offenceId);
      expect(await w.stakeOf(node.address)).to.equal(stake);
    });
  });

  describe("signature size", function () {
    it("MAX_SIGNATURE_SIZE is 4096 bytes and the size-mismatch detail is 255", async function () {
      const w = await loadFixture(world);
      expect(await w.slashing.MAX_SIGNATURE_SIZE()).to.equal(4096n);
      expect(await w.slashing.SIGNATURE_SIZE_MISMATCH()).to.equal(255n);
    });

    it("an attested 450 kB signature is MALFORMED (SignatureTooLarge = 8) without revealing it; 4096 bytes is not", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode(10n * VALIDATOR_MIN);
      const key = await vectorKey("p256");
      const hidden = keccak256(randomBytes(64)); // the hash of a signature no transaction could carry
      const big = await w.attest(node, await w.message(w.alice.address, w.bob.address, key), 1n, undefined, {
        signatureHash: hidden,
        signatureSize: 450_000,
      });
      await expect(w.slashing.connect(w.reporter).proveMalformed(...args(big), big.claim))
        .to.emit(w.slashing, "FaultProven")
        .withArgs(
          messageOffenceId(node.address, big.attestation.digest),
          node.address,
          Fault.Malformed,
          w.reporter.address,
          big.attestation.digest,
          8,
          VALIDATOR_MIN,
        );
      const edge = await w.attest(
        node,
        await w.message(w.alice.address, w.carol.address, key),
        2n,
        undefined,
        {
          signatureHash: hidden,
          signatureSize: 4096,
        },
      );
      await expect(w.slashing.proveMalformed(...args(edge), edge.claim))
        .to.be.revertedWithCustomError(w.slashing, "SlashingNoFault")
        .withArgs(Fault.Malformed);
    });

    it("a revealed signature whose length differs from signatureSize is BAD_SIGNATURE (detail 255), even a valid one", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode(10n * VALIDATOR_MIN);
      const key = await vectorKey("p256");
      const m = await w.message(w.alice.address, w.bob.address, key);
      // the honest attestation of this valid signature is no fault
      const honest = await w.attest(node, m, 1n);
      await expect(w.slashing.proveBadSignature(...args(honest), m.signature, key.publicKey, honest.claim))
        .to.be.revertedWithCustomError(w.slashing, "SlashingNoFault")
        .withArgs(Fault.BadSignature);
      // the same signature attested with a wrong size: slashed, and the key bytes are not even read
      const node2 = await w.registerNode(10n * VALIDATOR_MIN);
      const lying = await w.attest(node2, m, 1n, undefined, { signatureSize: m.signature.length + 1 });
      await expect(
        w.slashing.connect(w.reporter).proveBadSignature(...args(lying), m.signature, "0x", lying.claim),
      )
        .to.emit(w.slashing, "FaultProven")
        .withArgs(
          messageOffenceId(node2.address, lying.attestation.digest),
          node2.address,
          Fault.BadSignature,
          w.reporter.address,
          lying.attestation.digest,
          255,
          VALIDATOR_MIN,
        );
    });

    it("a signature that does not hash to the attested signatureHash proves nothing (UNAVAILABLE is the court's)", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const key = await vectorKey("p256");
      const m = await w.message(w.alice.address, w.bob.address, key);
      const p = await w.attest(node, m, 1n, undefined, { signatureSize: 200 });
      const served = new Uint8Array(200); // what a lying node serves instead
      await expect(w.slashing.proveBadSignature(...args(p), served, key.publicKey, p.claim))
        .to.be.revertedWithCustomError(w.slashing, "SlashingSignatureHashMismatch")
        .withArgs(p.attestation.signatureHash, keccak256(served));
    });
  });

  describe("commit-reveal", function () {
    async function faulty(w: World) {
      const node = await w.registerNode();
      const p = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, await vectorKey("p256"), { version: 2 }),
      );
      return { node, p, offenceId: messageOffenceId(node.address, p.attestation.digest) };
    }

    it("a copier's own claim on a pending proof has no commitment (SlashingCommitmentMissing)", async function () {
      const w = await loadFixture(world);
      const { p, offenceId } = await faulty(w);
      const copier = { reporter: w.other.address, salt: p.claim.salt };
      await expect(w.slashing.connect(w.other).proveMalformed(...args(p), copier))
        .to.be.revertedWithCustomError(w.slashing, "SlashingCommitmentMissing")
        .withArgs(commitmentOf(copier, offenceId));
      expect(await w.vault.rewardsOf(w.other.address)).to.equal(0n);
    });

    it("the watcher's reveal pays the watcher, whoever sends it; the commitment is then deleted", async function () {
      const w = await loadFixture(world);
      const { node, p, offenceId } = await faulty(w);
      const commitment = commitmentOf(p.claim, offenceId);
      expect(await w.slashing.commitmentBlock(commitment)).to.be.greaterThan(0n);
      // `other` copies the watcher's (w.reporter's) pending transaction byte for byte and sends it first
      await expect(w.slashing.connect(w.other).proveMalformed(...args(p), p.claim))
        .to.emit(w.slashing, "FaultProven")
        .withArgs(
          offenceId,
          node.address,
          Fault.Malformed,
          w.reporter.address,
          p.attestation.digest,
          1,
          VALIDATOR_MIN / 10n,
        );
      expect(await w.vault.rewardsOf(w.reporter.address)).to.equal(VALIDATOR_MIN / 20n);
      expect(await w.vault.rewardsOf(w.other.address)).to.equal(0n);
      expect(await w.slashing.commitmentBlock(commitment)).to.equal(0n);
    });

    it("a proof in the block of its commitment reverts (SlashingCommitmentTooFresh); in the next block it slashes", async function () {
      const w = await loadFixture(world);
      const { p, offenceId } = await faulty(w);
      const claim = { reporter: w.other.address, salt: hexlify(randomBytes(32)) };
      const commitment = commitmentOf(claim, offenceId);
      await ethers.provider.send("evm_setAutomine", [false]);
      try {
        const commitTx = await w.slashing.connect(w.other).commitProof(commitment);
        const proveTx = await w.slashing
          .connect(w.other)
          .proveMalformed(...args(p), claim, { gasLimit: 500_000 });
        await ethers.provider.send("evm_mine", []);
        const commitReceipt = await ethers.provider.getTransactionReceipt(commitTx.hash);
        const proveReceipt = await ethers.provider.getTransactionReceipt(proveTx.hash);
        expect(commitReceipt!.status).to.equal(1);
        expect(proveReceipt!.status).to.equal(0);
        expect(proveReceipt!.blockNumber).to.equal(commitReceipt!.blockNumber);
        expect(await w.slashing.commitmentBlock(commitment)).to.equal(BigInt(commitReceipt!.blockNumber));
        // the reason, simulated at the commitment's block
        await expect(w.slashing.connect(w.other).proveMalformed.staticCall(...args(p), claim))
          .to.be.revertedWithCustomError(w.slashing, "SlashingCommitmentTooFresh")
          .withArgs(commitment, commitReceipt!.blockNumber);
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
      expect(await w.slashing.isOffenceConsumed(offenceId)).to.equal(false);
      await expect(w.slashing.connect(w.other).proveMalformed(...args(p), claim)).to.emit(
        w.slashing,
        "FaultProven",
      );
      expect(await w.vault.rewardsOf(w.other.address)).to.equal(VALIDATOR_MIN / 20n);
    });

    it("commitProof is first-writer: committing again keeps the first block; a zero reporter reverts", async function () {
      const w = await loadFixture(world);
      const { p, offenceId } = await faulty(w);
      const commitment = commitmentOf(p.claim, offenceId);
      const first = await w.slashing.commitmentBlock(commitment);
      await w.slashing.connect(w.reporter).commitProof(commitment);
      expect(await w.slashing.commitmentBlock(commitment)).to.equal(first);
      const zero = await w.commit(offenceId, ethers.ZeroAddress);
      await expect(w.slashing.proveMalformed(...args(p), zero)).to.be.revertedWithCustomError(
        w.slashing,
        "SlashingZeroAddress",
      );
    });

    it("a self-report costs the operator slash * (1 - reporterRewardBps)", async function () {
      const w = await loadFixture(world);
      const { node, p, offenceId } = await faulty(w);
      const claim = await w.commit(offenceId, w.operator.address);
      await w.slashing.connect(w.operator).proveMalformed(...args(p), claim);
      const slashed = VALIDATOR_MIN / 10n;
      expect(await w.stakeOf(node.address)).to.equal(VALIDATOR_MIN - slashed);
      expect(await w.vault.rewardsOf(w.operator.address)).to.equal((slashed * 5_000n) / 10_000n);
    });
  });

  describe("attestedAt never decreases as the sequence grows", function () {
    it("a larger sequence dated earlier is EQUIVOCATION (detail 1), in either order, once per node and sequence", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode(10n * VALIDATOR_MIN);
      const key = await vectorKey("p256");
      const t = await now();
      const a = await w.attest(node, await w.message(w.alice.address, w.bob.address, key, { at: t }), 10n, t);
      const b = await w.attest(
        node,
        await w.message(w.alice.address, w.carol.address, key, { at: t - 100n }),
        11n,
        t - 100n,
      );
      const offenceId = equivocationOffenceId(node.address, 11n);
      const claim = await w.commit(offenceId);
      const stake = await w.stakeOf(node.address);
      await expect(
        w.slashing
          .connect(w.reporter)
          .proveEquivocation(b.attestation, b.nodeSignature, a.attestation, a.nodeSignature, claim),
      )
        .to.emit(w.slashing, "FaultProven")
        .withArgs(
          offenceId,
          node.address,
          Fault.Equivocation,
          w.reporter.address,
          b.attestation.digest,
          1,
          stake / 2n,
        );
      await expect(
        w.slashing.proveEquivocation(a.attestation, a.nodeSignature, b.attestation, b.nodeSignature, claim),
      )
        .to.be.revertedWithCustomError(w.slashing, "SlashingOffenceConsumed")
        .withArgs(offenceId);
    });

    it("equal attestedAt with growing sequence is honest (SlashingSequenceMismatch)", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const key = await vectorKey("p256");
      const t = await now();
      const a = await w.attest(node, await w.message(w.alice.address, w.bob.address, key, { at: t }), 1n, t);
      const b = await w.attest(
        node,
        await w.message(w.alice.address, w.carol.address, key, { at: t }),
        2n,
        t,
      );
      await expect(
        w.slashing.proveEquivocation(a.attestation, a.nodeSignature, b.attestation, b.nodeSignature, a.claim),
      )
        .to.be.revertedWithCustomError(w.slashing, "SlashingSequenceMismatch")
        .withArgs(1n, 2n);
    });

    it("a message signed with a key revoked a day before, backdated to the revocation: the state lag shields it, the feed order does not", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode(10n * VALIDATOR_MIN);
      const key = await vectorKey("p256");
      await w.addKey(w.alice, key);
      await increaseTime(DAY);
      await w.keys.connect(w.alice).revokeKey(key.keyHash);
      const revokedAt = await now();
      await increaseTime(DAY);
      // the node's previous attestation, honestly dated now
      const t = await now();
      const previous = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, key, { at: t - 5n }),
        41n,
        t,
      );
      // the forged message, dated at the revocation and attested with that date
      const forged = await w.attest(
        node,
        await w.message(w.alice.address, w.carol.address, key, { at: revokedAt }),
        42n,
        revokedAt,
      );
      await expect(
        w.slashing.proveUnauthorizedSender(...args(forged), forged.claim),
      ).to.be.revertedWithCustomError(w.slashing, "SlashingStateLag");
      const claim = await w.commit(equivocationOffenceId(node.address, 42n));
      await expect(
        w.slashing
          .connect(w.reporter)
          .proveEquivocation(
            previous.attestation,
            previous.nodeSignature,
            forged.attestation,
            forged.nodeSignature,
            claim,
          ),
      )
        .to.emit(w.slashing, "FaultProven")
        .withArgs(
          equivocationOffenceId(node.address, 42n),
          node.address,
          Fault.Equivocation,
          w.reporter.address,
          previous.attestation.digest,
          1,
          (v: bigint) => v > 0n,
        );
    });
  });

  describe("limits judged by those in force at attestedAt", function () {
    it("raising maxContentSize later does not make an earlier oversize message unprovable", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode(10n * VALIDATOR_MIN);
      const key = await vectorKey("p256");
      const t0 = await now();
      const old = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, key, { at: t0, contentSize: 100_000 }),
        1n,
      );
      await increaseTime(3 * DAY);
      await w.slashing.connect(w.governor).setParam(Param.MaxContentSize, 1024 * 1024);
      const raisedAt = await now();
      await increaseTime(3 * DAY);
      expect((await w.slashing.effectiveLimits(t0))[1]).to.equal(64n * 1024n);
      expect((await w.slashing.effectiveLimits(raisedAt + 10n))[1]).to.equal(1024n * 1024n);
      expect((await w.slashing.effectiveLimits(raisedAt + BigInt(DAY)))[1]).to.equal(1024n * 1024n);
      await expect(w.slashing.connect(w.reporter).proveMalformed(...args(old), old.claim))
        .to.emit(w.slashing, "FaultProven")
        .withArgs(
          messageOffenceId(node.address, old.attestation.digest),
          node.address,
          Fault.Malformed,
          w.reporter.address,
          old.attestation.digest,
          4,
          VALIDATOR_MIN,
        );
      // a message of the same size attested after the raise is honest
      const after = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, key, { at: raisedAt + 5n, contentSize: 100_000 }),
        2n,
      );
      await expect(w.slashing.proveMalformed(...args(after), after.claim)).to.be.revertedWithCustomError(
        w.slashing,
        "SlashingNoFault",
      );
    });

    it("history: each period is judged by its own limit, lenient (old or new) within a day after each change", async function () {
      const w = await loadFixture(world);
      const set = async (v: number): Promise<bigint> => {
        await w.slashing.connect(w.governor).setParam(Param.MaxClockSkew, v);
        return now();
      };
      const skew = async (t: bigint): Promise<bigint> => (await w.slashing.effectiveLimits(t))[2];
      const t1 = await set(60); // 15 min -> 1 min
      await increaseTime(2 * DAY);
      const t2 = await set(3600); // -> 1 h
      await increaseTime(2 * HOUR);
      const t3 = await set(120); // -> 2 min, less than a day after t2: lenient over 1 min, 1 h and 2 min
      await increaseTime(3 * DAY);
      expect(await skew(t1 - 1n)).to.equal(900n); // before any change: the initial 15 minutes
      expect(await skew(t1 + 10n)).to.equal(900n); // within a day of t1: max(15 min, 1 min)
      expect(await skew(t1 + BigInt(DAY))).to.equal(60n);
      expect(await skew(t2 - 1n)).to.equal(60n);
      expect(await skew(t2 + 10n)).to.equal(3600n);
      expect(await skew(t3 + 10n)).to.equal(3600n); // within a day of t3, and t2 within a day before t3
      expect(await skew(t3 + BigInt(DAY))).to.equal(120n);
      expect(await skew((await now()) + 1n)).to.equal(120n);
    });

    it("several changes in one second are one history entry", async function () {
      const w = await loadFixture(world);
      await ethers.provider.send("evm_setAutomine", [false]);
      try {
        await w.slashing.connect(w.governor).setParam(Param.MaxContentSize, 2048);
        await w.slashing.connect(w.governor).setParam(Param.MaxContentSize, 4096);
        await ethers.provider.send("evm_mine", []);
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
      const t = await now();
      await increaseTime(2 * DAY);
      expect((await w.slashing.effectiveLimits(t + BigInt(DAY)))[1]).to.equal(4096n);
      expect((await w.slashing.effectiveLimits(t + 1n))[1]).to.equal(64n * 1024n);
      expect((await w.slashing.effectiveLimits(t - 1n))[1]).to.equal(64n * 1024n);
    });
  });
});
