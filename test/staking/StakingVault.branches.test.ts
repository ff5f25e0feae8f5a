// StakingVault branches the staking suites reach only by chance (the model's random sequences) or not at all
// (docs/coverage.md): a jailed node's unstake, which leaves active stake alone, and sendTreasury's role.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { NodeStatus, Role } from "../../src/staking";
import { PUSH, VALIDATOR_MIN, stakingFixture } from "./fixture";

describe("StakingVault branches", () => {
  it("a jailed node's unstake moves bonded stake to unbonding and leaves the role's active stake alone", async () => {
    const f = await loadFixture(stakingFixture);
    const node = await f.register();
    const other = await f.register(f.bob);
    expect(await f.registry.activeStake(Role.VALIDATOR)).to.equal(2n * VALIDATOR_MIN);
    await f.registry.connect(f.slasher).slash(node, PUSH, f.reporter.address, 0);
    expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Jailed);
    expect(await f.registry.activeStake(Role.VALIDATOR)).to.equal(VALIDATOR_MIN);
    await f.registry.connect(f.alice).requestUnstake(node, 10n * PUSH);
    expect(await f.registry.stakeOf(node)).to.deep.equal([VALIDATOR_MIN - 11n * PUSH, 10n * PUSH]);
    expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Jailed);
    expect(await f.registry.activeStake(Role.VALIDATOR)).to.equal(VALIDATOR_MIN);
    expect((await f.registry.nodeOf(other)).status).to.equal(NodeStatus.Active);
  });

  it("stake: an amount that would take the node's stake past 2^96 - 1 is refused before any transfer", async () => {
    const f = await loadFixture(stakingFixture);
    const node = await f.register();
    const [bonded, unbonding] = await f.registry.stakeOf(node);
    const room = 2n ** 96n - 1n - bonded - unbonding;
    await expect(f.vault.connect(f.alice).stake(node, room + 1n))
      .to.be.revertedWithCustomError(f.vault, "StakingVaultAmountTooLarge")
      .withArgs(room + 1n, room);
  });

  it("sendTreasury: only governance", async () => {
    const f = await loadFixture(stakingFixture);
    await expect(f.vault.connect(f.stranger).sendTreasury(f.stranger.address, 1n))
      .to.be.revertedWithCustomError(f.vault, "AccessControlUnauthorizedAccount")
      .withArgs(f.stranger.address, await f.vault.GOVERNOR_ROLE());
  });
});
