// Slashing: behaviour pinned by mutation testing (docs/mutation.md). Each test here kills a mutant of
// contracts/Slashing.sol that the other tests let survive; the comment names it.
import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { World } from "./fixture";
import { DAY, Fault, Param, args, deployWorld, increaseTime, now, vectorKey } from "./fixture";

describe("Slashing: mutation-testing findings", function () {
  async function world(): Promise<World> {
    return deployWorld();
  }

  // Slashing.sol _keyActive: `r.revokedAt != 0` -> `r.revokedAt != 1` made a never-revoked key look revoked at
  // time 0, so an attestation time below the state lag reverted with SlashingStateLag.
  // Slashing.sol proveUnauthorizedSender: `_slash(..., digest, 0, claim)` with detail 1: FaultProven's detail (the
  // rule or reason within the fault class, which watchers read) is 0 for an unauthorized sender.
  it("proveUnauthorizedSender: FaultProven names the offence, node, fault, reporter and digest, with detail 0", async function () {
    const w = await loadFixture(world);
    const node = await w.registerNode();
    const proof = await w.attest(
      node,
      await w.message(w.alice.address, w.bob.address, await vectorKey("p256")),
    );
    const prove = w.slashing.connect(w.reporter).proveUnauthorizedSender;
    const [offenceId, slashed] = await prove.staticCall(...args(proof), proof.claim);
    await expect(prove(...args(proof), proof.claim))
      .to.emit(w.slashing, "FaultProven")
      .withArgs(
        offenceId,
        node.address,
        Fault.UnauthorizedSender,
        w.reporter.address,
        proof.attestation.digest,
        0,
        slashed,
      );
  });

  it("keyActiveAt: a key never revoked is inactive before it was added, for any attestation time, without reverting", async function () {
    const w = await loadFixture(world);
    const key = await vectorKey("p256");
    const addedAt = await w.addKey(w.alice, key);
    const lag = (await w.slashing.effectiveLimits(addedAt)).stateLag;
    for (const attestedAt of [0n, 1n, lag - 1n, lag, addedAt - 1n]) {
      expect(
        await w.slashing.keyActiveAt(w.alice.address, key.keyHash, 1n, attestedAt),
        `${attestedAt}`,
      ).to.equal(false);
    }
    // and active from its addition, once the lag has passed
    expect(await w.slashing.keyActiveAt(w.alice.address, key.keyHash, addedAt, addedAt + lag)).to.equal(true);
  });

  // Slashing.sol _keyActive: `timestamp < r.revokedAt` -> `timestamp <= r.revokedAt` kept a key active in the
  // second of its revocation.
  it("keyActiveAt: a key is inactive from the second of its revocation on (attested after the lag)", async function () {
    const w = await loadFixture(world);
    const key = await vectorKey("p256");
    await w.addKey(w.alice, key);
    await increaseTime(DAY);
    await w.keys.connect(w.alice).revokeKey(key.keyHash);
    const revokedAt = await now();
    const lag = (await w.slashing.effectiveLimits(revokedAt)).stateLag;
    const at = (t: bigint) => w.slashing.keyActiveAt(w.alice.address, key.keyHash, t, revokedAt + lag);
    expect(await at(revokedAt - 1n)).to.equal(true);
    expect(await at(revokedAt)).to.equal(false);
    expect(await at(revokedAt + 1n)).to.equal(false);
  });

  // Slashing.sol _checkpointLimits: `prev.since == nowTs || ...` -> `prev.since != nowTs || ...` carried the
  // previous entry's lenient limits into a change made more than LIMIT_CHANGE_WINDOW after it.
  it("a change more than a day after the previous one is lenient over that one's limit only, not its lenient one", async function () {
    const w = await loadFixture(world);
    const set = async (v: number): Promise<bigint> => {
      await w.slashing.connect(w.governor).setParam(Param.MaxClockSkew, v);
      return now();
    };
    const skew = async (t: bigint): Promise<bigint> => (await w.slashing.effectiveLimits(t))[2];
    const t1 = await set(120); // 15 min -> 2 min: lenient 15 min for a day
    await increaseTime(2 * DAY);
    const t2 = await set(60); // -> 1 min, two days later: lenient over 2 min and 1 min only
    await increaseTime(2 * DAY);
    expect(await skew(t1 + 10n)).to.equal(900n);
    expect(await skew(t2 - 1n)).to.equal(120n);
    expect(await skew(t2 + 10n)).to.equal(120n);
    expect(await skew(t2 + BigInt(DAY))).to.equal(60n);
  });

  // Slashing.sol initialize: `admin == address(0)` (or guardian) -> `== address(1)` accepted a zero admin or
  // guardian (the existing test sets only the governor to zero).
  it("initialize: a zero admin, governor or guardian reverts with SlashingZeroAddress", async function () {
    const w = await loadFixture(world);
    const good = [w.governor.address, w.governor.address, w.guardian.address];
    const constructorArgs = [
      await w.registry.getAddress(),
      await w.keys.getAddress(),
      await w.verifier.getAddress(),
    ];
    const factory = await ethers.getContractFactory("Slashing");
    for (let i = 0; i < good.length; i++) {
      const init = good.map((a, j) => (j === i ? ethers.ZeroAddress : a));
      await expect(
        upgrades.deployProxy(factory, init, { kind: "uups", constructorArgs }),
        `argument ${i}`,
      ).to.be.revertedWithCustomError(w.slashing, "SlashingZeroAddress");
    }
    const slashing = await upgrades.deployProxy(factory, good, { kind: "uups", constructorArgs });
    expect(await slashing.hasRole(await slashing.GUARDIAN_ROLE(), w.guardian.address)).to.equal(true);
  });

  // Slashing.sol initialize: the lenient limits of the config and of history entry 0 (`64 * 1024` ->
  // `64 * 1025`, ...) are read only for attestation times within a day of time 0, before and after a change.
  it("the initial limits (10 min, 64 KiB, 15 min) hold at every attestation time before the first change", async function () {
    const w = await loadFixture(world);
    const initial = [600n, 64n * 1024n, 900n];
    const limits = async (t: bigint) => [...(await w.slashing.effectiveLimits(t))];
    const times = [0n, 1n, BigInt(DAY) - 1n, BigInt(DAY), await now()];
    for (const t of times) expect(await limits(t), `${t}, from the config`).to.deep.equal(initial);
    await increaseTime(DAY);
    await w.slashing.connect(w.governor).setParam(Param.MaxContentSize, 1024 * 1024);
    await w.slashing.connect(w.governor).setParam(Param.StateLag, 1200);
    await w.slashing.connect(w.governor).setParam(Param.MaxClockSkew, 1800);
    for (const t of times) expect(await limits(t), `${t}, from the history`).to.deep.equal(initial);
  });

  // Slashing.sol _effectiveLimits: `attestedAt >= changedAt` -> `>` sent an attestation made in the second of a
  // change to the history search, which stops before the newest entry: it got the limits before the change.
  it("an attestation made in the second of a change is judged by the new (lenient) limits", async function () {
    const w = await loadFixture(world);
    await w.slashing.connect(w.governor).setParam(Param.MaxClockSkew, 3600); // 15 min -> 1 h
    const changedAt = await now();
    expect((await w.slashing.effectiveLimits(changedAt - 1n))[2]).to.equal(900n);
    expect((await w.slashing.effectiveLimits(changedAt))[2]).to.equal(3600n);
    expect((await w.slashing.effectiveLimits(changedAt + 1n))[2]).to.equal(3600n);
  });
});
