import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { NodeStatus, Role } from "../../src/staking";
import { DAY, ENDPOINT, PUSH, VALIDATOR_MIN, stakingFixture } from "./fixture";
import type { StakingFixture } from "./fixture";

/** Every revert leaves the operator able to get all of its stake back: nothing is lost or stuck. */
describe("NodeRegistry: funds stay withdrawable after every failure path", () => {
  async function expectAllBack(f: StakingFixture, node: string, startBalance: bigint): Promise<void> {
    const status = (await f.registry.nodeOf(node)).status;
    if (status === BigInt(NodeStatus.Active) || status === BigInt(NodeStatus.Jailed)) {
      await f.registry.connect(f.alice).exit(node);
    }
    await time.increase(60 * DAY);
    const [, unbonding] = await f.registry.stakeOf(node);
    if (unbonding > 0n) await f.vault.connect(f.alice).withdraw(node);
    expect(await f.registry.stakeOf(node)).to.deep.equal([0n, 0n]);
    expect(await f.token.balanceOf(f.alice.address)).to.equal(startBalance);
    expect(await f.token.balanceOf(f.vaultAddress)).to.equal(0n);
    expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Exited);
  }

  it("after every refused operator call", async () => {
    const f = await loadFixture(stakingFixture);
    const start = await f.token.balanceOf(f.alice.address);
    const node = await f.register(f.alice, Role.VALIDATOR, VALIDATOR_MIN + 10n * PUSH);
    const r = f.registry.connect(f.alice);
    const otherKey = f.newNode();
    const other = otherKey.address;
    const c = await f.consent(otherKey, f.alice);
    const toBob = await f.consent(otherKey, f.bob);
    const failures = [
      () => r.registerNode(node, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, c),
      () => r.registerNode(other, 9, ENDPOINT, VALIDATOR_MIN, c),
      () => r.registerNode(other, Role.VALIDATOR, "", VALIDATOR_MIN, c),
      () => r.registerNode(other, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN - 1n, c),
      () => r.registerNode(other, Role.VALIDATOR, ENDPOINT, 2n ** 96n, c),
      () => r.registerNode(other, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, "0x"),
      () => r.registerNode(other, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, toBob),
      () => f.vault.connect(f.alice).stake(node, 0),
      () => f.vault.connect(f.alice).stake(other, PUSH),
      () => r.requestUnstake(node, 0),
      () => r.requestUnstake(node, VALIDATOR_MIN + 11n * PUSH),
      () => f.vault.connect(f.alice).withdraw(node),
      () => r.unjail(node),
      () => r.updateEndpoint(node, ""),
      () => f.vault.connect(f.bob).withdraw(node),
      () => f.registry.connect(f.bob).exit(node),
      () => f.registry.connect(f.bob).requestUnstake(node, PUSH),
    ];
    for (const fail of failures) await expect(fail()).to.be.reverted;
    // a request that fails on a full queue
    for (let i = 0; i < 8; i++) await r.requestUnstake(node, PUSH);
    await expect(r.requestUnstake(node, PUSH)).to.be.revertedWithCustomError(
      f.vault,
      "StakingVaultUnbondingQueueFull",
    );
    expect(await f.token.balanceOf(f.vaultAddress)).to.equal(VALIDATOR_MIN + 10n * PUSH);
    await expectAllBack(f, node, start);
  });

  it("after a pause, once governance unpauses", async () => {
    const f = await loadFixture(stakingFixture);
    const start = await f.token.balanceOf(f.alice.address);
    const node = await f.register();
    await f.registry.connect(f.alice).exit(node);
    await f.registry.connect(f.guardian).pause();
    await time.increase(21 * DAY);
    await expect(f.vault.connect(f.alice).withdraw(node)).to.be.revertedWithCustomError(
      f.registry,
      "EnforcedPause",
    );
    await f.registry.connect(f.governor).unpause();
    await expectAllBack(f, node, start);
  });

  it("after a withdrawal lock, once the dispute releases it", async () => {
    const f = await loadFixture(stakingFixture);
    const start = await f.token.balanceOf(f.alice.address);
    const node = await f.register();
    await f.registry.connect(f.alice).exit(node);
    await f.registry.connect(f.slasher).lockWithdrawals(node, VALIDATOR_MIN);
    await time.increase(21 * DAY);
    await expect(f.vault.connect(f.alice).withdraw(node)).to.be.revertedWithCustomError(
      f.vault,
      "StakingVaultWithdrawalsLocked",
    );
    await f.registry.connect(f.slasher).unlockWithdrawals(node, VALIDATOR_MIN);
    await expectAllBack(f, node, start);
  });

  it("after a ban, minus exactly what was slashed", async () => {
    const f = await loadFixture(stakingFixture);
    await f.registry.connect(f.governor).setSlashesBeforeBan(1);
    const start = await f.token.balanceOf(f.alice.address);
    const node = await f.register();
    await f.registry.connect(f.slasher).slash(node, 7n * PUSH, f.reporter.address, 5000);
    await time.increase(21 * DAY);
    await f.vault.connect(f.alice).withdraw(node);
    expect(await f.token.balanceOf(f.alice.address)).to.equal(start - 7n * PUSH);
    expect(await f.registry.stakeOf(node)).to.deep.equal([0n, 0n]);
    expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Banned);
  });
});
