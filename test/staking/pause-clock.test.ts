// Security issue, medium 5: a guardian pause of the provers (Slashing, SlashingCourt) must never shorten the
// time a node's unbonding stake stays slashable. The vault's exposure clock stands still while any prover is
// paused, so every unbonding entry matures that much later.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { DAY, PUSH, deployWorld, increaseTime, now } from "../slashing/fixture";
import { Role } from "../../src/staking";

async function world() {
  const w = await deployWorld();
  const node = await w.registerNode(60_000n * PUSH, Role.STORAGE);
  const period = BigInt(await w.registry.unbondingPeriod());
  return { ...w, node: node.address, period };
}

describe("StakingVault: the provers' pause stops the unbonding clock", () => {
  it("the audit's scenario: a pause a day before maturity, unpaused two days later, keeps the stake slashable", async () => {
    const w = await loadFixture(world);
    await w.registry.connect(w.operator).requestUnstake(w.node, 20_000n * PUSH);
    const [entry] = await w.vault.unbondingEntries(w.node);
    await increaseTime(w.period - BigInt(DAY));

    await w.slashing.connect(w.guardian).pause();
    // Two days pass (the unpause goes through the timelock): the original maturity is behind us.
    await increaseTime(2 * DAY);
    expect(await now()).to.be.greaterThan(entry.releaseAt);
    await expect(w.vault.connect(w.operator).withdraw(w.node)).to.be.revertedWithCustomError(
      w.vault,
      "StakingVaultNothingToWithdraw",
    );
    await w.slashing.connect(w.governor).unpause();
    const paused = await w.vault.pausedDuration();
    expect(paused).to.be.closeTo(2n * BigInt(DAY), 5n);

    // The day of exposure the node had left when the pause began is still there after the unpause.
    const [moved] = await w.vault.unbondingEntries(w.node);
    expect(moved.releaseAt).to.equal(entry.releaseAt + paused);
    await increaseTime(DAY / 2);
    await expect(w.vault.connect(w.operator).withdraw(w.node)).to.be.revertedWithCustomError(
      w.vault,
      "StakingVaultNothingToWithdraw",
    );
    // Governance can still slash the unbonding stake, and only then does it mature.
    await w.court.connect(w.governor).slash(w.node, 1_000n * PUSH, "late fault");
    await increaseTime(DAY / 2 + 10);
    await expect(w.vault.connect(w.operator).withdraw(w.node)).to.emit(w.vault, "StakeWithdrawn");
  });

  it("overlapping pauses of Slashing and SlashingCourt count once; a repeated state changes nothing", async () => {
    const w = await loadFixture(world);
    await w.slashing.connect(w.guardian).pause();
    await increaseTime(DAY);
    await w.court.connect(w.guardian).pause();
    await increaseTime(DAY);
    await w.slashing.connect(w.governor).unpause();
    // Still paused (the court): the clock keeps standing still.
    const mid = await w.vault.pausedDuration();
    await increaseTime(DAY);
    expect(await w.vault.pausedDuration()).to.be.closeTo(mid + BigInt(DAY), 2n);
    await w.court.connect(w.governor).unpause();
    const total = await w.vault.pausedDuration();
    expect(total).to.be.closeTo(3n * BigInt(DAY), 5n);
    await increaseTime(DAY);
    expect(await w.vault.pausedDuration()).to.equal(total);
  });

  it("only a slasher can move the clock, through the registry", async () => {
    const w = await loadFixture(world);
    await expect(w.registry.connect(w.other).notePause(true)).to.be.revertedWithCustomError(
      w.registry,
      "AccessControlUnauthorizedAccount",
    );
    await expect(w.vault.connect(w.other).notePause(w.other.address, true)).to.be.revertedWithCustomError(
      w.vault,
      "StakingVaultNotRegistry",
    );
  });

  it("an unstake requested during a pause matures one full unbonding period of unpaused time later", async () => {
    const w = await loadFixture(world);
    await w.slashing.connect(w.guardian).pause();
    await increaseTime(DAY);
    await w.registry.connect(w.operator).requestUnstake(w.node, 20_000n * PUSH);
    const requestedAt = await now();
    await increaseTime(DAY);
    await w.slashing.connect(w.governor).unpause();
    // Exposure started at the unpause, not at the request.
    const [e] = await w.vault.unbondingEntries(w.node);
    expect(e.releaseAt).to.be.closeTo(requestedAt + BigInt(DAY) + w.period, 5n);
    await ethers.provider.send("evm_setNextBlockTimestamp", [Number(e.releaseAt) - 1]);
    await expect(w.vault.connect(w.operator).withdraw(w.node)).to.be.revertedWithCustomError(
      w.vault,
      "StakingVaultNothingToWithdraw",
    );
    await expect(w.vault.connect(w.operator).withdraw(w.node)).to.emit(w.vault, "StakeWithdrawn");
  });
});
