// Slashing branches the scenario suites do not reach (docs/coverage.md): each zero address of the constructor and
// initialize, the pause on every prover, WRONG_ENCRYPTION of an encryption value outside the profile, the role
// checks of slashPushFault and consumeOffence, and a key revoked after the message it signed.
import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { World } from "./fixture";
import {
  DAY,
  Fault,
  args,
  deployWorld,
  equivocationOffenceId,
  increaseTime,
  messageOffenceId,
  now,
  vectorKey,
} from "./fixture";

describe("Slashing branches", function () {
  async function world(): Promise<World> {
    return deployWorld();
  }

  it("the constructor refuses each zero registry or verifier; initialize each zero role holder", async function () {
    const w = await loadFixture(world);
    const factory = await ethers.getContractFactory("Slashing");
    const reg = await w.registry.getAddress();
    const keys = await w.keys.getAddress();
    const ver = await w.verifier.getAddress();
    const zero = ethers.ZeroAddress;
    for (const c of [
      [zero, keys, ver],
      [reg, zero, ver],
      [reg, keys, zero],
    ]) {
      await expect(factory.deploy(c[0], c[1], c[2])).to.be.revertedWithCustomError(
        w.slashing,
        "SlashingZeroAddress",
      );
    }
    const g = w.governor.address;
    for (const init of [
      [zero, g, g],
      [g, zero, g],
      [g, g, zero],
    ]) {
      await expect(
        upgrades.deployProxy(factory, init, { kind: "uups", constructorArgs: [reg, keys, ver] }),
      ).to.be.revertedWithCustomError(w.slashing, "SlashingZeroAddress");
    }
  });

  it("every prover reverts with SlashingPaused while paused, and proves again once unpaused", async function () {
    const w = await loadFixture(world);
    const node = await w.registerNode();
    const key = await vectorKey("p256");
    const t = await now();
    const p = await w.attest(node, await w.message(w.alice.address, w.bob.address, key, { at: t }), 5n, t);
    const q = await w.attest(node, await w.message(w.alice.address, w.carol.address, key, { at: t }), 5n, t);
    const claim = p.claim;
    await w.slashing.connect(w.guardian).pause();
    const calls = [
      () => w.slashing.proveMalformed(...args(p), claim),
      () => w.slashing.proveUnauthorizedSender(...args(p), claim),
      () => w.slashing.proveWrongEncryption(...args(p), ethers.ZeroHash, claim),
      () => w.slashing.proveBadSignature(...args(p), p.signature, key.publicKey, claim),
      () =>
        w.slashing.proveEquivocation(p.attestation, p.nodeSignature, q.attestation, q.nodeSignature, claim),
    ];
    for (const call of calls)
      await expect(call()).to.be.revertedWithCustomError(w.slashing, "SlashingPaused");
    await w.slashing.connect(w.governor).unpause();
    // once unpaused, the same equivocation goes through
    const equivocation = await w.commit(equivocationOffenceId(node.address, 5n));
    await expect(
      w.slashing.proveEquivocation(
        p.attestation,
        p.nodeSignature,
        q.attestation,
        q.nodeSignature,
        equivocation,
      ),
    ).to.emit(w.slashing, "FaultProven");
  });

  it("WRONG_ENCRYPTION of an encryption value outside 0 and 1 proves nothing (that is MALFORMED)", async function () {
    const w = await loadFixture(world);
    const node = await w.registerNode();
    const key = await vectorKey("p256");
    const p = await w.attest(node, await w.message(w.alice.address, w.bob.address, key, { encryption: 2 }));
    await expect(w.slashing.proveWrongEncryption(...args(p), ethers.ZeroHash, p.claim))
      .to.be.revertedWithCustomError(w.slashing, "SlashingNoFault")
      .withArgs(Fault.WrongEncryption);
    const stake = await w.stakeOf(node.address);
    await expect(w.slashing.proveMalformed(...args(p), p.claim))
      .to.emit(w.slashing, "FaultProven")
      .withArgs(
        messageOffenceId(node.address, p.attestation.digest),
        node.address,
        Fault.Malformed,
        w.reporter.address,
        p.attestation.digest,
        6, // MalformedReason.Encryption
        stake / 10n,
      );
  });

  it("slashPushFault refuses fault code None; consumeOffence is COURT_ROLE's only", async function () {
    const w = await loadFixture(world);
    const node = await w.registerNode();
    const key = await vectorKey("p256");
    const p = await w.attest(node, await w.message(w.alice.address, w.bob.address, key));
    await w.slashing.connect(w.governor).grantRole(await w.slashing.PUSH_PROVER_ROLE(), w.other.address);
    await expect(w.slashing.connect(w.other).slashPushFault(p.attestation, p.nodeSignature, 0, 0, p.claim))
      .to.be.revertedWithCustomError(w.slashing, "SlashingNotMessageFault")
      .withArgs(0);
    const offenceId = ethers.id("an offence");
    await expect(w.slashing.connect(w.other).consumeOffence(offenceId))
      .to.be.revertedWithCustomError(w.slashing, "AccessControlUnauthorizedAccount")
      .withArgs(w.other.address, await w.slashing.COURT_ROLE());
    expect(await w.slashing.isOffenceConsumed(offenceId)).to.equal(false);
  });

  it("keyActiveAt: a key revoked after the message was active for it, and inactive for a later one", async function () {
    const w = await loadFixture(world);
    const key = await vectorKey("p256");
    const added = await w.addKey(w.alice, key);
    await increaseTime(DAY);
    const signedAt = added + BigInt(DAY) / 2n;
    await w.keys.connect(w.alice).revokeKey(key.keyHash);
    const revoked = await now();
    await increaseTime(DAY);
    const attestedAt = await now();
    expect(await w.slashing.keyActiveAt(w.alice.address, key.keyHash, signedAt, attestedAt)).to.equal(true);
    expect(await w.slashing.keyActiveAt(w.alice.address, key.keyHash, revoked + 1n, attestedAt)).to.equal(
      false,
    );
    expect(await w.slashing.keyActiveAt(w.alice.address, key.keyHash, added - 1n, attestedAt)).to.equal(
      false,
    );
  });
});
