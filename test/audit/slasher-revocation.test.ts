// Audit of the wave-2 fixes: the vault's exposure clock is driven by `NodeRegistry.notePause`, callable by any
// SLASHER_ROLE holder and keyed by the caller. A slasher whose role is revoked (or renounced) while its pause
// is noted could never report its unpause (`notePause` is slashers only), so the vault's pause depth stayed
// above zero forever: the exposure clock stood still and no unbonding entry of any node ever matured.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { DAY, PUSH, deployWorld, increaseTime } from "../slashing/fixture";
import { Role } from "../../src/staking";

async function world() {
  const w = await deployWorld();
  const node = await w.registerNode(60_000n * PUSH, Role.STORAGE);
  const period = BigInt(await w.registry.unbondingPeriod());
  return { ...w, node: node.address, period };
}

describe("Audit: a slasher leaving while paused does not freeze withdrawals forever", () => {
  it("revoking SLASHER_ROLE from a paused Slashing ends its pause on the exposure clock", async () => {
    const w = await loadFixture(world);
    await w.registry.connect(w.operator).requestUnstake(w.node, 20_000n * PUSH);
    await w.slashing.connect(w.guardian).pause();
    await increaseTime(DAY);
    // Governance retires the paused prover (e.g. hands the role to a replacement).
    const role = await w.registry.SLASHER_ROLE();
    await w.registry.connect(w.governor).revokeRole(role, await w.slashing.getAddress());
    const frozen = await w.vault.pausedDuration();
    expect(frozen).to.be.closeTo(BigInt(DAY), 5n);

    // The clock runs again: the entry matures one paused day late, not never.
    await increaseTime(w.period + 10n);
    expect(await w.vault.pausedDuration()).to.equal(frozen);
    await expect(w.vault.connect(w.operator).withdraw(w.node)).to.emit(w.vault, "StakeWithdrawn");
  });

  it("a slasher that renounces its role while paused ends its pause too", async () => {
    const w = await loadFixture(world);
    const role = await w.registry.SLASHER_ROLE();
    const [, , , , , , , , , , manual] = await ethers.getSigners();
    await w.registry.connect(w.governor).grantRole(role, manual.address);
    await w.registry.connect(w.operator).requestUnstake(w.node, 20_000n * PUSH);
    await w.registry.connect(manual).notePause(true);
    await increaseTime(DAY);
    await w.registry.connect(manual).renounceRole(role, manual.address);
    const frozen = await w.vault.pausedDuration();
    await increaseTime(w.period + 10n);
    expect(await w.vault.pausedDuration()).to.equal(frozen);
    await expect(w.vault.connect(w.operator).withdraw(w.node)).to.emit(w.vault, "StakeWithdrawn");
  });

  it("revoking the role of a slasher that is not paused changes nothing on the clock", async () => {
    const w = await loadFixture(world);
    const role = await w.registry.SLASHER_ROLE();
    await w.slashing.connect(w.guardian).pause();
    await w.registry.connect(w.governor).revokeRole(role, await w.court.getAddress());
    await increaseTime(DAY);
    // Slashing is still paused: the clock keeps standing still.
    expect(await w.vault.pausedDuration()).to.be.closeTo(BigInt(DAY), 5n);
    await w.slashing.connect(w.governor).unpause();
    const total = await w.vault.pausedDuration();
    await increaseTime(DAY);
    expect(await w.vault.pausedDuration()).to.equal(total);
  });
});
