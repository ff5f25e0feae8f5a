import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress } from "ethers";
import { NodeStatus, Role, STATUS_REASONS } from "../../src/staking";
import { DAY, PUSH, VALIDATOR_MIN, stakingFixture } from "./fixture";

const reason = (r: (typeof STATUS_REASONS)[number]): number => STATUS_REASONS.indexOf(r);
const PERIOD = 21 * DAY;

describe("NodeRegistry: slashing hooks", () => {
  describe("slash", () => {
    it("takes from bonded stake, jails an Active node, splits reward and treasury", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      const amount = 10_000n * PUSH;
      const tx = f.registry.connect(f.slasher).slash(node, amount, f.reporter.address, 5000);
      await expect(tx)
        .to.emit(f.vault, "StakeSlashed")
        .withArgs(node, f.reporter.address, amount, amount, 0, amount / 2n);
      await expect(tx)
        .to.emit(f.registry, "NodeStatusChanged")
        .withArgs(node, NodeStatus.Active, NodeStatus.Jailed, reason("Slashed"));
      await expect(tx).to.emit(f.registry, "NodeSlashed").withArgs(node, amount, 1);
      expect(await f.registry.stakeOf(node)).to.deep.equal([VALIDATOR_MIN - amount, 0n]);
      expect((await f.registry.nodeOf(node)).slashCount).to.equal(1);
      expect(await f.registry.activeStake(Role.VALIDATOR)).to.equal(0n);
      expect(await f.vault.rewardsOf(f.reporter.address)).to.equal(amount / 2n);
      expect(await f.vault.totalRewards()).to.equal(amount / 2n);
      expect(await f.vault.treasuryBalance()).to.equal(amount / 2n);
      expect(await f.vault.totalBonded()).to.equal(VALIDATOR_MIN - amount);
      expect(await f.token.balanceOf(f.vaultAddress)).to.equal(VALIDATOR_MIN);
      // the reporter pulls its reward
      const claim = f.vault.connect(f.reporter).claimRewards();
      await expect(claim)
        .to.emit(f.vault, "RewardClaimed")
        .withArgs(f.reporter.address, amount / 2n);
      await expect(claim).to.changeTokenBalance(f.token, f.reporter, amount / 2n);
      expect(await f.vault.totalRewards()).to.equal(0n);
      await expect(f.vault.connect(f.reporter).claimRewards())
        .to.be.revertedWithCustomError(f.vault, "StakingVaultNothingToClaim")
        .withArgs(f.reporter.address);
    });

    it("then takes unbonding entries oldest first, never more than the node holds", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register(f.alice, Role.VALIDATOR, VALIDATOR_MIN + 30n * PUSH);
      await f.registry.connect(f.alice).requestUnstake(node, 10n * PUSH);
      await f.registry.connect(f.alice).requestUnstake(node, 20n * PUSH);
      // bonded = VALIDATOR_MIN; take all of it + 15 PUSH: the first entry (10) and 5 of the second
      const tx = f.registry
        .connect(f.slasher)
        .slash(node, VALIDATOR_MIN + 15n * PUSH, f.reporter.address, 1000);
      await expect(tx)
        .to.emit(f.vault, "StakeSlashed")
        .withArgs(
          node,
          f.reporter.address,
          VALIDATOR_MIN + 15n * PUSH,
          VALIDATOR_MIN,
          15n * PUSH,
          (VALIDATOR_MIN + 15n * PUSH) / 10n,
        );
      const entries = await f.registry.unbondingEntries(node);
      expect(entries.map((e) => e.amount)).to.deep.equal([15n * PUSH]);
      expect(await f.registry.stakeOf(node)).to.deep.equal([0n, 15n * PUSH]);
      // asking for more than is left takes what is left
      await expect(f.registry.connect(f.slasher).slash(node, 10n ** 30n, ZeroAddress, 0))
        .to.emit(f.vault, "StakeSlashed")
        .withArgs(node, ZeroAddress, 15n * PUSH, 0, 15n * PUSH, 0);
      expect(await f.registry.stakeOf(node)).to.deep.equal([0n, 0n]);
      expect(await f.vault.totalUnbonding()).to.equal(0n);
      expect(await f.vault.treasuryBalance()).to.equal(
        VALIDATOR_MIN + 30n * PUSH - (VALIDATOR_MIN + 15n * PUSH) / 10n,
      );
    });

    it("with no reporter, everything goes to the treasury; a zero-stake node is left unchanged", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      await f.registry.connect(f.slasher).slash(node, PUSH, ZeroAddress, 5000);
      expect(await f.vault.treasuryBalance()).to.equal(PUSH);
      expect(await f.vault.rewardsOf(ZeroAddress)).to.equal(0n);
      // nothing staked: returns 0, no event, no count
      const empty = await f.register(f.bob);
      await f.registry.connect(f.bob).requestUnstake(empty, VALIDATOR_MIN);
      await time.increase(PERIOD);
      await f.vault.connect(f.bob).withdraw(empty);
      expect(
        await f.registry.connect(f.slasher).slash.staticCall(empty, PUSH, f.reporter.address, 100),
      ).to.equal(0n);
      await expect(f.registry.connect(f.slasher).slash(empty, PUSH, f.reporter.address, 100)).to.not.emit(
        f.registry,
        "NodeSlashed",
      );
      expect((await f.registry.nodeOf(empty)).slashCount).to.equal(0);
      // amount 0 is a no-op too
      await f.registry.connect(f.slasher).slash(node, 0, f.reporter.address, 100);
      expect((await f.registry.nodeOf(node)).slashCount).to.equal(1);
    });

    it("bans at slashesBeforeBan: remaining bonded stake unbonds and is withdrawable after the period", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      const s = f.registry.connect(f.slasher);
      await s.slash(node, PUSH, ZeroAddress, 0);
      await f.vault.connect(f.alice).stake(node, PUSH);
      await f.registry.connect(f.alice).unjail(node);
      await s.slash(node, PUSH, ZeroAddress, 0);
      expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Jailed);
      const tx = s.slash(node, PUSH, ZeroAddress, 0);
      await expect(tx)
        .to.emit(f.registry, "NodeStatusChanged")
        .withArgs(node, NodeStatus.Jailed, NodeStatus.Banned, reason("SlashLimitReached"));
      await expect(tx).to.emit(f.registry, "NodeSlashed").withArgs(node, PUSH, 3);
      const left = VALIDATOR_MIN - 2n * PUSH;
      expect(await f.registry.stakeOf(node)).to.deep.equal([0n, left]);
      // banned is terminal for the operator
      await expect(f.vault.connect(f.alice).stake(node, PUSH))
        .to.be.revertedWithCustomError(f.vault, "StakingVaultInvalidStatus")
        .withArgs(node, NodeStatus.Banned);
      await expect(f.registry.connect(f.alice).unjail(node)).to.be.revertedWithCustomError(
        f.registry,
        "NodeRegistryInvalidStatus",
      );
      await expect(f.registry.connect(f.alice).exit(node)).to.be.revertedWithCustomError(
        f.registry,
        "NodeRegistryInvalidStatus",
      );
      await expect(f.registry.connect(f.alice).requestUnstake(node, 1n)).to.be.revertedWithCustomError(
        f.registry,
        "NodeRegistryInvalidStatus",
      );
      await expect(f.registry.connect(f.alice).updateEndpoint(node, "x")).to.be.revertedWithCustomError(
        f.registry,
        "NodeRegistryInvalidStatus",
      );
      // still slashable until withdrawn
      await s.slash(node, PUSH, ZeroAddress, 0);
      expect(await f.registry.stakeOf(node)).to.deep.equal([0n, left - PUSH]);
      expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Banned);
      await expect(f.vault.connect(f.alice).withdraw(node)).to.be.revertedWithCustomError(
        f.vault,
        "StakingVaultNothingToWithdraw",
      );
      await time.increase(PERIOD);
      await expect(f.vault.connect(f.alice).withdraw(node)).to.changeTokenBalance(
        f.token,
        f.alice,
        left - PUSH,
      );
      expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Banned);
      expect((await f.registry.nodeOf(node)).slashCount).to.equal(4);
    });

    it("an Active node is banned directly (one status change) when the limit is 1", async () => {
      const f = await loadFixture(stakingFixture);
      await f.registry.connect(f.governor).setSlashesBeforeBan(1);
      const node = await f.register();
      await expect(f.registry.connect(f.slasher).slash(node, PUSH, ZeroAddress, 0))
        .to.emit(f.registry, "NodeStatusChanged")
        .withArgs(node, NodeStatus.Active, NodeStatus.Banned, reason("SlashLimitReached"));
      expect(await f.registry.activeStake(Role.VALIDATOR)).to.equal(0n);
      expect(await f.registry.stakeOf(node)).to.deep.equal([0n, VALIDATOR_MIN - PUSH]);
    });

    it("a ban with a full unbonding queue merges into the newest entry", async () => {
      const f = await loadFixture(stakingFixture);
      await f.registry.connect(f.governor).setSlashesBeforeBan(1);
      const node = await f.register(f.alice, Role.VALIDATOR, VALIDATOR_MIN + 8n * PUSH);
      for (let i = 0; i < 8; i++) await f.registry.connect(f.alice).requestUnstake(node, PUSH);
      await f.registry.connect(f.slasher).slash(node, PUSH, ZeroAddress, 0);
      const entries = await f.registry.unbondingEntries(node);
      expect(entries.length).to.equal(8);
      expect(entries[7].amount).to.equal(VALIDATOR_MIN - PUSH + PUSH);
      expect(await f.registry.stakeOf(node)).to.deep.equal([0n, VALIDATOR_MIN + 7n * PUSH]);
    });

    it("an Exiting node slashed to nothing becomes Exited; slashing an Exiting node does not jail it", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      await f.registry.connect(f.alice).exit(node);
      await f.registry.connect(f.slasher).slash(node, PUSH, ZeroAddress, 0);
      expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Exiting);
      await expect(f.registry.connect(f.slasher).slash(node, VALIDATOR_MIN, ZeroAddress, 0))
        .to.emit(f.registry, "NodeStatusChanged")
        .withArgs(node, NodeStatus.Exiting, NodeStatus.Exited, reason("StakeSlashedAway"));
    });

    it("works while paused and needs SLASHER_ROLE; bad input has named errors", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      await f.registry.connect(f.guardian).pause();
      await f.registry.connect(f.slasher).slash(node, PUSH, f.reporter.address, 5000);
      expect((await f.registry.nodeOf(node)).slashCount).to.equal(1);
      await expect(f.registry.connect(f.alice).slash(node, PUSH, f.reporter.address, 0))
        .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
        .withArgs(f.alice.address, await f.registry.SLASHER_ROLE());
      await expect(f.registry.connect(f.governor).slash(node, PUSH, f.reporter.address, 0))
        .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
        .withArgs(f.governor.address, await f.registry.SLASHER_ROLE());
      await expect(f.registry.connect(f.slasher).slash(node, PUSH, f.reporter.address, 5001))
        .to.be.revertedWithCustomError(f.registry, "NodeRegistryRewardTooHigh")
        .withArgs(5001, 5000);
      await expect(f.registry.connect(f.slasher).slash(f.stranger.address, PUSH, f.reporter.address, 0))
        .to.be.revertedWithCustomError(f.registry, "NodeRegistryUnknownNode")
        .withArgs(f.stranger.address);
    });
  });

  describe("lockWithdrawals / unlockWithdrawals", () => {
    it("locks hold an amount: withdraw pays what leaves their sum in the stake, the rest once released", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register(); // VALIDATOR_MIN bonded
      await f.registry.connect(f.alice).exit(node); // all of it unbonding
      await time.increase(PERIOD);
      const s = f.registry.connect(f.slasher);
      const lock = VALIDATOR_MIN / 10n;
      await expect(s.lockWithdrawals(node, lock))
        .to.emit(f.vault, "WithdrawalsLocked")
        .withArgs(node, lock, 1, lock);
      await expect(s.lockWithdrawals(node, lock))
        .to.emit(f.vault, "WithdrawalsLocked")
        .withArgs(node, lock, 2, 2n * lock);
      expect(await f.vault.withdrawalLocks(node)).to.equal(2n);
      expect(await f.vault.lockedAmount(node)).to.equal(2n * lock);
      // everything but the two locks' amounts leaves; the entry keeps the rest
      await expect(f.vault.connect(f.alice).withdraw(node)).to.changeTokenBalance(
        f.token,
        f.alice,
        VALIDATOR_MIN - 2n * lock,
      );
      expect(await f.registry.stakeOf(node)).to.deep.equal([0n, 2n * lock]);
      await expect(f.vault.connect(f.alice).withdraw(node))
        .to.be.revertedWithCustomError(f.vault, "StakingVaultWithdrawalsLocked")
        .withArgs(node, 2n * lock);
      await expect(s.unlockWithdrawals(node, lock))
        .to.emit(f.vault, "WithdrawalsUnlocked")
        .withArgs(node, lock, 1, lock);
      await expect(f.vault.connect(f.alice).withdraw(node)).to.changeTokenBalance(f.token, f.alice, lock);
      await s.unlockWithdrawals(node, lock);
      await expect(f.vault.connect(f.alice).withdraw(node)).to.changeTokenBalance(f.token, f.alice, lock);
      expect(await f.registry.stakeOf(node)).to.deep.equal([0n, 0n]);
      await expect(s.unlockWithdrawals(node, lock))
        .to.be.revertedWithCustomError(f.vault, "StakingVaultNotLocked")
        .withArgs(node);
    });

    it("bonded stake counts towards a lock: an Active node withdraws all its matured unbonding", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register(f.alice, Role.VALIDATOR, VALIDATOR_MIN + PUSH);
      await f.registry.connect(f.alice).requestUnstake(node, PUSH);
      await time.increase(PERIOD);
      await f.registry.connect(f.slasher).lockWithdrawals(node, VALIDATOR_MIN / 10n);
      await expect(f.vault.connect(f.alice).withdraw(node)).to.changeTokenBalance(f.token, f.alice, PUSH);
      // a lock above the stake holds everything
      await f.registry.connect(f.slasher).lockWithdrawals(node, VALIDATOR_MIN);
      await f.registry.connect(f.alice).requestUnstake(node, PUSH);
      await time.increase(PERIOD);
      await expect(f.vault.connect(f.alice).withdraw(node))
        .to.be.revertedWithCustomError(f.vault, "StakingVaultWithdrawalsLocked")
        .withArgs(node, VALIDATOR_MIN + VALIDATOR_MIN / 10n);
    });

    it("needs SLASHER_ROLE and a known node; works while paused", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      const role = await f.registry.SLASHER_ROLE();
      await expect(f.registry.connect(f.alice).lockWithdrawals(node, PUSH))
        .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
        .withArgs(f.alice.address, role);
      await expect(f.registry.connect(f.alice).unlockWithdrawals(node, PUSH))
        .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
        .withArgs(f.alice.address, role);
      await expect(f.registry.connect(f.slasher).lockWithdrawals(f.stranger.address, PUSH))
        .to.be.revertedWithCustomError(f.registry, "NodeRegistryUnknownNode")
        .withArgs(f.stranger.address);
      await expect(
        f.registry.connect(f.slasher).unlockWithdrawals(f.stranger.address, PUSH),
      ).to.be.revertedWithCustomError(f.registry, "NodeRegistryUnknownNode");
      await f.registry.connect(f.guardian).pause();
      await f.registry.connect(f.slasher).lockWithdrawals(node, PUSH);
      await f.registry.connect(f.slasher).unlockWithdrawals(node, PUSH);
      expect(await f.vault.withdrawalLocks(node)).to.equal(0n);
    });
  });

  describe("treasury", () => {
    it("governance sends the treasury share, within what is held", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      await f.registry.connect(f.slasher).slash(node, 10n * PUSH, f.reporter.address, 2000);
      expect(await f.vault.treasuryBalance()).to.equal(8n * PUSH);
      await expect(f.vault.connect(f.governor).sendTreasury(f.stranger.address, 9n * PUSH))
        .to.be.revertedWithCustomError(f.vault, "StakingVaultInsufficientTreasury")
        .withArgs(9n * PUSH, 8n * PUSH);
      await expect(f.vault.connect(f.governor).sendTreasury(ZeroAddress, PUSH)).to.be.revertedWithCustomError(
        f.vault,
        "StakingVaultZeroAddress",
      );
      await expect(f.vault.connect(f.slasher).sendTreasury(f.slasher.address, PUSH))
        .to.be.revertedWithCustomError(f.vault, "AccessControlUnauthorizedAccount")
        .withArgs(f.slasher.address, await f.vault.GOVERNOR_ROLE());
      const tx = f.vault.connect(f.governor).sendTreasury(f.stranger.address, 8n * PUSH);
      await expect(tx)
        .to.emit(f.vault, "TreasuryPaid")
        .withArgs(f.stranger.address, 8n * PUSH);
      await expect(tx).to.changeTokenBalance(f.token, f.stranger, 8n * PUSH);
      expect(await f.vault.treasuryBalance()).to.equal(0n);
      // reporter reward is untouched
      expect(await f.vault.rewardsOf(f.reporter.address)).to.equal(2n * PUSH);
    });
  });
});
