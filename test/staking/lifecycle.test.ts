import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { NodeStatus, Role, STATUS_REASONS } from "../../src/staking";
import { DAY, ENDPOINT, PUSH, VALIDATOR_MIN, now, signPermit, stakingFixture } from "./fixture";

const reason = (r: (typeof STATUS_REASONS)[number]): number => STATUS_REASONS.indexOf(r);
const PERIOD = 21 * DAY;

describe("NodeRegistry: operator lifecycle", () => {
  describe("stake", () => {
    it("tops up an Active node: bonded, totals and active stake grow", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      await expect(f.vault.connect(f.alice).stake(node, 10n * PUSH))
        .to.emit(f.vault, "StakeDeposited")
        .withArgs(node, f.alice.address, 10n * PUSH, VALIDATOR_MIN + 10n * PUSH);
      expect(await f.registry.stakeOf(node)).to.deep.equal([VALIDATOR_MIN + 10n * PUSH, 0n]);
      expect(await f.registry.activeStake(Role.VALIDATOR)).to.equal(VALIDATOR_MIN + 10n * PUSH);
      expect(await f.vault.totalBonded()).to.equal(VALIDATOR_MIN + 10n * PUSH);
    });

    it("tops up a Jailed node without counting it as active", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      await f.registry.connect(f.alice).requestUnstake(node, PUSH);
      expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Jailed);
      await f.vault.connect(f.alice).stake(node, 5n * PUSH);
      expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Jailed);
      expect(await f.registry.activeStake(Role.VALIDATOR)).to.equal(0n);
      expect(await f.registry.stakeOf(node)).to.deep.equal([VALIDATOR_MIN + 4n * PUSH, PUSH]);
    });

    it("stakeWithPermit tops up with a permit (and ignores a used one)", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register(f.alice);
      await f.token.connect(f.alice).approve(f.vaultAddress, 0n);
      const deadline = BigInt((await now()) + 3600);
      const { v, r, s } = await signPermit(f.token, f.alice, f.vaultAddress, 7n * PUSH, deadline);
      await f.vault.connect(f.alice).stakeWithPermit(node, 7n * PUSH, deadline, v, r, s);
      expect(await f.registry.stakeOf(node)).to.deep.equal([VALIDATOR_MIN + 7n * PUSH, 0n]);
      // replaying the same (now used) permit: ignored, and the allowance (0) decides
      await expect(
        f.vault.connect(f.alice).stakeWithPermit(node, 7n * PUSH, deadline, v, r, s),
      ).to.be.revertedWithCustomError(f.token, "ERC20InsufficientAllowance");
    });

    it("refuses unknown nodes, other operators, zero amounts and nodes that left", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register(f.alice);
      const unknown = ethers.Wallet.createRandom().address;
      await expect(f.vault.connect(f.alice).stake(unknown, PUSH))
        .to.be.revertedWithCustomError(f.vault, "StakingVaultUnknownNode")
        .withArgs(unknown);
      await expect(f.vault.connect(f.bob).stake(node, PUSH))
        .to.be.revertedWithCustomError(f.vault, "StakingVaultNotOperator")
        .withArgs(node, f.bob.address, f.alice.address);
      await expect(f.vault.connect(f.alice).stake(node, 0)).to.be.revertedWithCustomError(
        f.vault,
        "StakingVaultZeroAmount",
      );
      await expect(
        f.vault.connect(f.alice).stakeWithPermit(node, 0, 0, 0, ethers.ZeroHash, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(f.vault, "StakingVaultZeroAmount");
      await f.registry.connect(f.alice).exit(node);
      await expect(f.vault.connect(f.alice).stake(node, PUSH))
        .to.be.revertedWithCustomError(f.vault, "StakingVaultInvalidStatus")
        .withArgs(node, NodeStatus.Exiting);
    });
  });

  describe("requestUnstake", () => {
    it("partial unstake above the minimum keeps the node Active", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register(f.alice, Role.VALIDATOR, VALIDATOR_MIN + 10n * PUSH);
      const tx = await f.registry.connect(f.alice).requestUnstake(node, 4n * PUSH);
      const releaseAt = (await now()) + PERIOD;
      await expect(tx)
        .to.emit(f.vault, "UnbondingStarted")
        .withArgs(node, 4n * PUSH, releaseAt, VALIDATOR_MIN + 6n * PUSH);
      await expect(tx).to.not.emit(f.registry, "NodeStatusChanged");
      expect(await f.registry.isActive(node)).to.equal(true);
      expect(await f.registry.stakeOf(node)).to.deep.equal([VALIDATOR_MIN + 6n * PUSH, 4n * PUSH]);
      expect(await f.registry.activeStake(Role.VALIDATOR)).to.equal(VALIDATOR_MIN + 6n * PUSH);
      expect(await f.vault.totalUnbonding()).to.equal(4n * PUSH);
      const entries = await f.registry.unbondingEntries(node);
      expect(entries.map((e) => [e.amount, e.releaseAt])).to.deep.equal([[4n * PUSH, BigInt(releaseAt)]]);
    });

    it("falling below the minimum jails the node (UnderStake) and removes it from active stake", async () => {
      const f = await loadFixture(stakingFixture);
      const other = await f.register(f.bob);
      const node = await f.register(f.alice, Role.VALIDATOR, VALIDATOR_MIN + 10n * PUSH);
      await expect(f.registry.connect(f.alice).requestUnstake(node, 11n * PUSH))
        .to.emit(f.registry, "NodeStatusChanged")
        .withArgs(node, NodeStatus.Active, NodeStatus.Jailed, reason("UnderStake"));
      expect(await f.registry.isActive(node)).to.equal(false);
      expect(await f.registry.activeStake(Role.VALIDATOR)).to.equal(VALIDATOR_MIN);
      expect(await f.registry.isActive(other)).to.equal(true);
    });

    it("full unstake of a Jailed node, then withdraw leaves it Jailed with nothing", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      await f.registry.connect(f.alice).requestUnstake(node, VALIDATOR_MIN);
      expect(await f.registry.stakeOf(node)).to.deep.equal([0n, VALIDATOR_MIN]);
      expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Jailed);
      await time.increase(PERIOD);
      await f.vault.connect(f.alice).withdraw(node);
      expect(await f.registry.stakeOf(node)).to.deep.equal([0n, 0n]);
      expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Jailed);
    });

    it("refuses zero, more than bonded, unknown nodes, other operators and nodes that left", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      await expect(f.registry.connect(f.alice).requestUnstake(node, 0)).to.be.revertedWithCustomError(
        f.registry,
        "NodeRegistryZeroAmount",
      );
      await expect(f.registry.connect(f.alice).requestUnstake(node, VALIDATOR_MIN + 1n))
        .to.be.revertedWithCustomError(f.vault, "StakingVaultInsufficientStake")
        .withArgs(node, VALIDATOR_MIN + 1n, VALIDATOR_MIN);
      await expect(f.registry.connect(f.bob).requestUnstake(node, 1n)).to.be.revertedWithCustomError(
        f.registry,
        "NodeRegistryNotOperator",
      );
      await expect(
        f.registry.connect(f.alice).requestUnstake(f.bob.address, 1n),
      ).to.be.revertedWithCustomError(f.registry, "NodeRegistryUnknownNode");
      await f.registry.connect(f.alice).exit(node);
      await expect(f.registry.connect(f.alice).requestUnstake(node, 1n))
        .to.be.revertedWithCustomError(f.registry, "NodeRegistryInvalidStatus")
        .withArgs(node, NodeStatus.Exiting);
    });

    it("caps the queue at 8 entries; withdrawing matured ones frees room", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register(f.alice, Role.VALIDATOR, VALIDATOR_MIN + 100n * PUSH);
      for (let i = 0; i < 8; i++) await f.registry.connect(f.alice).requestUnstake(node, PUSH);
      expect(await f.vault.MAX_UNBONDING_ENTRIES()).to.equal(8n);
      await expect(f.registry.connect(f.alice).requestUnstake(node, PUSH))
        .to.be.revertedWithCustomError(f.vault, "StakingVaultUnbondingQueueFull")
        .withArgs(node, 8);
      await time.increase(PERIOD);
      await f.vault.connect(f.alice).withdraw(node);
      for (let i = 0; i < 8; i++) await f.registry.connect(f.alice).requestUnstake(node, PUSH);
      expect((await f.registry.unbondingEntries(node)).length).to.equal(8);
      expect(await f.registry.stakeOf(node)).to.deep.equal([VALIDATOR_MIN + 84n * PUSH, 8n * PUSH]);
    });

    it("keeps release times non-decreasing when the unbonding period shrinks", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register(f.alice, Role.VALIDATOR, VALIDATOR_MIN + 10n * PUSH);
      await f.registry.connect(f.alice).requestUnstake(node, PUSH);
      const first = (await f.registry.unbondingEntries(node))[0].releaseAt;
      await f.registry.connect(f.governor).setUnbondingPeriod(7 * DAY);
      await f.registry.connect(f.alice).requestUnstake(node, PUSH);
      const entries = await f.registry.unbondingEntries(node);
      expect(entries[1].releaseAt).to.equal(first);
      // later requests after the first matured use the new, shorter period
      await time.increaseTo(first);
      await f.vault.connect(f.alice).withdraw(node);
      await f.registry.connect(f.alice).requestUnstake(node, PUSH);
      expect((await f.registry.unbondingEntries(node))[0].releaseAt).to.equal(
        BigInt((await now()) + 7 * DAY),
      );
    });
  });

  describe("withdraw", () => {
    it("pays every matured entry, oldest first, to the operator; nothing before release time", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register(f.alice, Role.VALIDATOR, VALIDATOR_MIN + 10n * PUSH);
      await f.registry.connect(f.alice).requestUnstake(node, PUSH);
      const firstRelease = (await now()) + PERIOD;
      await time.increase(DAY);
      await f.registry.connect(f.alice).requestUnstake(node, 2n * PUSH);
      const secondRelease = (await now()) + PERIOD;
      await expect(f.vault.connect(f.alice).withdraw(node))
        .to.be.revertedWithCustomError(f.vault, "StakingVaultNothingToWithdraw")
        .withArgs(node, firstRelease);
      await time.setNextBlockTimestamp(firstRelease - 1);
      await expect(f.vault.connect(f.alice).withdraw(node)).to.be.revertedWithCustomError(
        f.vault,
        "StakingVaultNothingToWithdraw",
      );
      await time.setNextBlockTimestamp(firstRelease);
      const tx = await f.vault.connect(f.alice).withdraw(node);
      await expect(tx)
        .to.emit(f.vault, "StakeWithdrawn")
        .withArgs(node, f.alice.address, PUSH, 2n * PUSH);
      await expect(tx).to.changeTokenBalances(f.token, [f.alice, f.vault], [PUSH, -PUSH]);
      await time.setNextBlockTimestamp(secondRelease);
      await expect(f.vault.connect(f.alice).withdraw(node)).to.changeTokenBalance(
        f.token,
        f.alice,
        2n * PUSH,
      );
      await expect(f.vault.connect(f.alice).withdraw(node))
        .to.be.revertedWithCustomError(f.vault, "StakingVaultNothingToWithdraw")
        .withArgs(node, 0);
      expect(await f.vault.totalUnbonding()).to.equal(0n);
      expect(await f.registry.isActive(node)).to.equal(true);
    });

    it("several matured entries in one call", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register(f.alice, Role.VALIDATOR, VALIDATOR_MIN + 10n * PUSH);
      for (const n of [1n, 2n, 3n]) await f.registry.connect(f.alice).requestUnstake(node, n * PUSH);
      await time.increase(PERIOD);
      const tx = f.vault.connect(f.alice).withdraw(node);
      await expect(tx).to.changeTokenBalance(f.token, f.alice, 6n * PUSH);
      await expect(tx)
        .to.emit(f.vault, "StakeWithdrawn")
        .withArgs(node, f.alice.address, 6n * PUSH, 0);
      expect(await f.registry.unbondingEntries(node)).to.deep.equal([]);
    });

    it("only the operator withdraws, and only to itself", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register(f.alice);
      await f.registry.connect(f.alice).requestUnstake(node, PUSH);
      await time.increase(PERIOD);
      await expect(f.vault.connect(f.bob).withdraw(node))
        .to.be.revertedWithCustomError(f.vault, "StakingVaultNotOperator")
        .withArgs(node, f.bob.address, f.alice.address);
      await expect(f.vault.connect(f.bob).withdraw(f.bob.address)).to.be.revertedWithCustomError(
        f.vault,
        "StakingVaultUnknownNode",
      );
      await expect(f.vault.connect(f.alice).withdraw(node)).to.changeTokenBalance(f.token, f.alice, PUSH);
    });
  });

  describe("unjail", () => {
    it("Jailed -> Active once bonded stake is back to the minimum", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      await f.registry.connect(f.alice).requestUnstake(node, 3n * PUSH);
      await expect(f.registry.connect(f.alice).unjail(node))
        .to.be.revertedWithCustomError(f.registry, "NodeRegistryStakeBelowMinimum")
        .withArgs(Role.VALIDATOR, VALIDATOR_MIN - 3n * PUSH, VALIDATOR_MIN);
      await f.vault.connect(f.alice).stake(node, 3n * PUSH);
      await expect(f.registry.connect(f.alice).unjail(node))
        .to.emit(f.registry, "NodeStatusChanged")
        .withArgs(node, NodeStatus.Jailed, NodeStatus.Active, reason("Unjailed"));
      expect(await f.registry.isActive(node)).to.equal(true);
      expect(await f.registry.activeStake(Role.VALIDATOR)).to.equal(VALIDATOR_MIN);
    });

    it("refuses nodes that are not Jailed, unknown nodes and other operators", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      await expect(f.registry.connect(f.alice).unjail(node))
        .to.be.revertedWithCustomError(f.registry, "NodeRegistryInvalidStatus")
        .withArgs(node, NodeStatus.Active);
      await f.registry.connect(f.alice).requestUnstake(node, PUSH);
      await expect(f.registry.connect(f.bob).unjail(node)).to.be.revertedWithCustomError(
        f.registry,
        "NodeRegistryNotOperator",
      );
      await expect(f.registry.connect(f.bob).unjail(f.bob.address)).to.be.revertedWithCustomError(
        f.registry,
        "NodeRegistryUnknownNode",
      );
    });
  });

  describe("exit", () => {
    it("Active -> Exiting moves all bonded stake to unbonding; the last withdrawal makes it Exited", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register(f.alice, Role.STORAGE);
      const min = await f.registry.minStake(Role.STORAGE);
      await f.vault.connect(f.alice).stake(node, PUSH);
      await f.registry.connect(f.alice).requestUnstake(node, PUSH);
      const tx = await f.registry.connect(f.alice).exit(node);
      await expect(tx)
        .to.emit(f.registry, "NodeStatusChanged")
        .withArgs(node, NodeStatus.Active, NodeStatus.Exiting, reason("ExitRequested"));
      await expect(tx)
        .to.emit(f.vault, "UnbondingStarted")
        .withArgs(node, min, (await now()) + PERIOD, 0);
      expect(await f.registry.activeStake(Role.STORAGE)).to.equal(0n);
      expect(await f.registry.stakeOf(node)).to.deep.equal([0n, min + PUSH]);
      expect(await f.registry.isActive(node)).to.equal(false);
      await time.increase(PERIOD);
      const w = await f.vault.connect(f.alice).withdraw(node);
      await expect(w)
        .to.emit(f.registry, "NodeStatusChanged")
        .withArgs(node, NodeStatus.Exiting, NodeStatus.Exited, reason("StakeWithdrawn"));
      await expect(w).to.changeTokenBalance(f.token, f.alice, min + PUSH);
      expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Exited);
    });

    it("a partial withdrawal keeps an exiting node Exiting", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      await f.registry.connect(f.alice).requestUnstake(node, PUSH);
      await time.increase(DAY);
      await f.registry.connect(f.alice).exit(node);
      await time.increase(PERIOD - DAY);
      await f.vault.connect(f.alice).withdraw(node);
      expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Exiting);
      await time.increase(DAY);
      await f.vault.connect(f.alice).withdraw(node);
      expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Exited);
    });

    it("a Jailed node with nothing staked exits straight to Exited", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      await f.registry.connect(f.alice).requestUnstake(node, VALIDATOR_MIN);
      await time.increase(PERIOD);
      await f.vault.connect(f.alice).withdraw(node);
      await expect(f.registry.connect(f.alice).exit(node))
        .to.emit(f.registry, "NodeStatusChanged")
        .withArgs(node, NodeStatus.Jailed, NodeStatus.Exited, reason("ExitRequested"));
      await expect(f.registry.connect(f.alice).exit(node))
        .to.be.revertedWithCustomError(f.registry, "NodeRegistryInvalidStatus")
        .withArgs(node, NodeStatus.Exited);
    });

    it("exit with a full queue merges into the newest entry (never earlier)", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register(f.alice, Role.VALIDATOR, VALIDATOR_MIN + 8n * PUSH);
      for (let i = 0; i < 8; i++) await f.registry.connect(f.alice).requestUnstake(node, PUSH);
      await time.increase(DAY);
      await f.registry.connect(f.alice).exit(node);
      const entries = await f.registry.unbondingEntries(node);
      expect(entries.length).to.equal(8);
      expect(entries[7].amount).to.equal(VALIDATOR_MIN + PUSH);
      expect(entries[7].releaseAt).to.equal(BigInt((await now()) + PERIOD));
    });

    it("refuses unknown nodes and other operators", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      await expect(f.registry.connect(f.bob).exit(node)).to.be.revertedWithCustomError(
        f.registry,
        "NodeRegistryNotOperator",
      );
      await expect(f.registry.connect(f.bob).exit(f.bob.address)).to.be.revertedWithCustomError(
        f.registry,
        "NodeRegistryUnknownNode",
      );
    });
  });

  describe("updateEndpoint", () => {
    it("emits the new endpoint for Active, Jailed and Exiting nodes", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      await expect(f.registry.connect(f.alice).updateEndpoint(node, "https://a.example"))
        .to.emit(f.registry, "NodeEndpointUpdated")
        .withArgs(node, "https://a.example");
      await f.registry.connect(f.alice).requestUnstake(node, PUSH);
      await f.registry.connect(f.alice).updateEndpoint(node, "https://b.example");
      await f.registry.connect(f.alice).exit(node);
      await f.registry.connect(f.alice).updateEndpoint(node, "https://c.example");
      await time.increase(PERIOD);
      await f.vault.connect(f.alice).withdraw(node);
      await expect(f.registry.connect(f.alice).updateEndpoint(node, "https://d.example"))
        .to.be.revertedWithCustomError(f.registry, "NodeRegistryInvalidStatus")
        .withArgs(node, NodeStatus.Exited);
    });

    it("refuses empty and over-long endpoints, unknown nodes and other operators", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      await expect(f.registry.connect(f.alice).updateEndpoint(node, "")).to.be.revertedWithCustomError(
        f.registry,
        "NodeRegistryEmptyEndpoint",
      );
      await expect(f.registry.connect(f.alice).updateEndpoint(node, "z".repeat(300)))
        .to.be.revertedWithCustomError(f.registry, "NodeRegistryEndpointTooLong")
        .withArgs(300, 256);
      await expect(f.registry.connect(f.bob).updateEndpoint(node, ENDPOINT)).to.be.revertedWithCustomError(
        f.registry,
        "NodeRegistryNotOperator",
      );
      await expect(
        f.registry.connect(f.bob).updateEndpoint(f.bob.address, ENDPOINT),
      ).to.be.revertedWithCustomError(f.registry, "NodeRegistryUnknownNode");
    });
  });

  it("views of an unknown node are empty", async () => {
    const f = await loadFixture(stakingFixture);
    const rec = await f.registry.nodeOf(f.stranger.address);
    expect(rec.status).to.equal(NodeStatus.None);
    expect(rec.operator).to.equal(ethers.ZeroAddress);
    expect(await f.registry.isActive(f.stranger.address)).to.equal(false);
    expect(await f.registry.stakeOf(f.stranger.address)).to.deep.equal([0n, 0n]);
    expect(await f.registry.unbondingEntries(f.stranger.address)).to.deep.equal([]);
    await expect(f.registry.activeStake(4)).to.be.revertedWithCustomError(
      f.registry,
      "NodeRegistryUnknownRole",
    );
    await expect(f.registry.minStake(4)).to.be.revertedWithCustomError(f.registry, "NodeRegistryUnknownRole");
  });
});
