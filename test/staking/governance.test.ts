import { expect } from "chai";
import hre, { ethers, upgrades } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, encodeBytes32String } from "ethers";
import { deployStaking } from "../../src/deploy/staking";
import { DEFAULT_STAKING_PARAMS, NodeStatus, Role } from "../../src/staking";
import type { NodeRegistryV2, StakingVaultV2 } from "../../typechain-types";
import { DAY, ENDPOINT, PUSH, VALIDATOR_MIN, stakingFixture } from "./fixture";

const name = (s: string): string => encodeBytes32String(s);

describe("NodeRegistry and StakingVault: governance", () => {
  describe("initialization", () => {
    it("sets parameters, roles and wiring", async () => {
      const f = await loadFixture(stakingFixture);
      const p = await f.registry.params();
      expect(p.minStake).to.deep.equal(DEFAULT_STAKING_PARAMS.minStake);
      expect(p.unbondingPeriod).to.equal(21n * 86_400n);
      expect(p.slashesBeforeBan).to.equal(3n);
      expect(await f.registry.unbondingPeriod()).to.equal(21n * 86_400n);
      expect(await f.registry.slashesBeforeBan()).to.equal(3n);
      expect(await f.registry.shortTimeBounds()).to.equal(false);
      expect(await f.registry.unbondingPeriodBounds()).to.deep.equal([7n * 86_400n, 60n * 86_400n]);
      expect(await f.registry.vault()).to.equal(f.vaultAddress);
      expect(await f.vault.registry()).to.equal(await f.registry.getAddress());
      expect(await f.vault.token()).to.equal(await f.token.getAddress());
      expect(await f.registry.paused()).to.equal(false);
      const r = f.registry;
      expect(await r.hasRole(await r.DEFAULT_ADMIN_ROLE(), f.governor.address)).to.equal(true);
      expect(await r.hasRole(await r.GOVERNOR_ROLE(), f.governor.address)).to.equal(true);
      expect(await r.hasRole(await r.GUARDIAN_ROLE(), f.guardian.address)).to.equal(true);
      expect(await r.hasRole(await r.GOVERNOR_ROLE(), f.guardian.address)).to.equal(false);
      expect(await f.vault.hasRole(await f.vault.GOVERNOR_ROLE(), f.governor.address)).to.equal(true);
      expect(await f.vault.hasRole(await f.vault.DEFAULT_ADMIN_ROLE(), f.governor.address)).to.equal(true);
      expect(f.addresses.registryImplementation).to.equal(
        await upgrades.erc1967.getImplementationAddress(f.addresses.registry),
      );
    });

    it("cannot be initialized twice, nor the implementations at all", async () => {
      const f = await loadFixture(stakingFixture);
      const params = {
        minStake: DEFAULT_STAKING_PARAMS.minStake,
        unbondingPeriod: 21 * DAY,
        slashesBeforeBan: 3,
      };
      await expect(
        f.registry.initialize(f.vaultAddress, f.alice.address, f.alice.address, false, params),
      ).to.be.revertedWithCustomError(f.registry, "InvalidInitialization");
      await expect(f.vault.initialize(f.alice.address)).to.be.revertedWithCustomError(
        f.vault,
        "InvalidInitialization",
      );
      const regImpl = await ethers.getContractAt("NodeRegistry", f.addresses.registryImplementation);
      await expect(
        regImpl.initialize(f.vaultAddress, f.alice.address, f.alice.address, false, params),
      ).to.be.revertedWithCustomError(regImpl, "InvalidInitialization");
      const vaultImpl = await ethers.getContractAt("StakingVault", f.addresses.vaultImplementation);
      await expect(vaultImpl.initialize(f.alice.address)).to.be.revertedWithCustomError(
        vaultImpl,
        "InvalidInitialization",
      );
    });

    it("refuses zero addresses and out-of-bounds parameters", async () => {
      const [a] = await ethers.getSigners();
      const Registry = await ethers.getContractFactory("NodeRegistry");
      const Vault = await ethers.getContractFactory("StakingVault");
      const ok = [DEFAULT_STAKING_PARAMS.minStake, 21 * DAY, 3];
      for (const args of [
        [ZeroAddress, a.address, a.address, false, ok],
        [a.address, ZeroAddress, a.address, false, ok],
        [a.address, a.address, ZeroAddress, false, ok],
      ]) {
        await expect(upgrades.deployProxy(Registry, args, { kind: "uups" })).to.be.revertedWithCustomError(
          Registry,
          "NodeRegistryZeroAddress",
        );
      }
      await expect(
        upgrades.deployProxy(
          Registry,
          [a.address, a.address, a.address, false, [[1, 1, 0, 1], 21 * DAY, 3]],
          {
            kind: "uups",
          },
        ),
      )
        .to.be.revertedWithCustomError(Registry, "NodeRegistryParameterOutOfBounds")
        .withArgs(name("minStake"), 0, 1, 2n ** 96n - 1n);
      await expect(
        upgrades.deployProxy(Registry, [a.address, a.address, a.address, false, [[1, 1, 1, 1], 60, 3]], {
          kind: "uups",
        }),
      )
        .to.be.revertedWithCustomError(Registry, "NodeRegistryParameterOutOfBounds")
        .withArgs(name("unbondingPeriod"), 60, 7 * DAY, 60 * DAY);
      await expect(
        upgrades.deployProxy(Registry, [a.address, a.address, a.address, false, [[1, 1, 1, 1], 7 * DAY, 0]], {
          kind: "uups",
        }),
      )
        .to.be.revertedWithCustomError(Registry, "NodeRegistryParameterOutOfBounds")
        .withArgs(name("slashesBeforeBan"), 0, 1, 10);
      await expect(
        upgrades.deployProxy(Vault, [a.address], { kind: "uups", constructorArgs: [ZeroAddress, a.address] }),
      ).to.be.revertedWithCustomError(Vault, "StakingVaultZeroAddress");
      await expect(
        upgrades.deployProxy(Vault, [a.address], { kind: "uups", constructorArgs: [a.address, ZeroAddress] }),
      ).to.be.revertedWithCustomError(Vault, "StakingVaultZeroAddress");
      await expect(
        upgrades.deployProxy(Vault, [ZeroAddress], { kind: "uups", constructorArgs: [a.address, a.address] }),
      ).to.be.revertedWithCustomError(Vault, "StakingVaultZeroAddress");
    });

    it("short time bounds lower the unbonding minimum to 7 minutes (local networks and testnets)", async () => {
      const [g] = await ethers.getSigners();
      const d = await deployStaking(hre, {
        governor: g.address,
        guardian: g.address,
        shortTimeBounds: true,
        params: { unbondingPeriod: 600n, slashesBeforeBan: 2 },
      });
      expect(await d.registry.shortTimeBounds()).to.equal(true);
      expect(await d.registry.unbondingPeriodBounds()).to.deep.equal([420n, 60n * 86_400n]);
      expect(await d.registry.unbondingPeriod()).to.equal(600n);
      expect(await d.registry.slashesBeforeBan()).to.equal(2n);
      expect(d.tokenDeployed).to.equal(true);
      await d.registry.setUnbondingPeriod(420);
      await expect(d.registry.setUnbondingPeriod(419))
        .to.be.revertedWithCustomError(d.registry, "NodeRegistryParameterOutOfBounds")
        .withArgs(name("unbondingPeriod"), 419, 420, 60 * DAY);
      // an existing token is used as is
      const again = await deployStaking(hre, {
        token: d.addresses.token,
        governor: g.address,
        guardian: g.address,
        shortTimeBounds: false,
      });
      expect(again.tokenDeployed).to.equal(false);
      expect(await again.vault.token()).to.equal(d.addresses.token);
    });
  });

  describe("parameters", () => {
    it("governance sets each parameter within bounds, with events", async () => {
      const f = await loadFixture(stakingFixture);
      const r = f.registry.connect(f.governor);
      await expect(r.setMinStake(Role.ARCHIVE, 1)).to.emit(r, "MinStakeSet").withArgs(Role.ARCHIVE, 1);
      await r.setMinStake(Role.ARCHIVE, 2n ** 96n - 1n);
      expect(await r.minStake(Role.ARCHIVE)).to.equal(2n ** 96n - 1n);
      await expect(r.setMinStake(Role.ARCHIVE, 0))
        .to.be.revertedWithCustomError(r, "NodeRegistryParameterOutOfBounds")
        .withArgs(name("minStake"), 0, 1, 2n ** 96n - 1n);
      await expect(r.setMinStake(Role.ARCHIVE, 2n ** 96n)).to.be.revertedWithCustomError(
        r,
        "NodeRegistryParameterOutOfBounds",
      );
      await expect(r.setMinStake(4, 1))
        .to.be.revertedWithCustomError(r, "NodeRegistryUnknownRole")
        .withArgs(4);

      await expect(r.setUnbondingPeriod(7 * DAY))
        .to.emit(r, "UnbondingPeriodSet")
        .withArgs(7 * DAY);
      await r.setUnbondingPeriod(60 * DAY);
      await expect(r.setUnbondingPeriod(7 * DAY - 1))
        .to.be.revertedWithCustomError(r, "NodeRegistryParameterOutOfBounds")
        .withArgs(name("unbondingPeriod"), 7 * DAY - 1, 7 * DAY, 60 * DAY);
      await expect(r.setUnbondingPeriod(60 * DAY + 1)).to.be.revertedWithCustomError(
        r,
        "NodeRegistryParameterOutOfBounds",
      );

      await expect(r.setSlashesBeforeBan(1)).to.emit(r, "SlashesBeforeBanSet").withArgs(1);
      await r.setSlashesBeforeBan(10);
      await expect(r.setSlashesBeforeBan(11))
        .to.be.revertedWithCustomError(r, "NodeRegistryParameterOutOfBounds")
        .withArgs(name("slashesBeforeBan"), 11, 1, 10);
      await expect(r.setSlashesBeforeBan(0)).to.be.revertedWithCustomError(
        r,
        "NodeRegistryParameterOutOfBounds",
      );
    });

    it("only GOVERNOR_ROLE sets parameters", async () => {
      const f = await loadFixture(stakingFixture);
      const role = await f.registry.GOVERNOR_ROLE();
      for (const who of [f.guardian, f.slasher, f.alice]) {
        const r = f.registry.connect(who);
        for (const call of [
          () => r.setMinStake(0, 1),
          () => r.setUnbondingPeriod(8 * DAY),
          () => r.setSlashesBeforeBan(2),
        ]) {
          await expect(call())
            .to.be.revertedWithCustomError(r, "AccessControlUnauthorizedAccount")
            .withArgs(who.address, role);
        }
      }
    });

    it("a raised minimum applies to registration and unjail, not to Active nodes", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      await f.registry.connect(f.governor).setMinStake(Role.VALIDATOR, VALIDATOR_MIN * 2n);
      expect(await f.registry.isActive(node)).to.equal(true);
      const key = f.newNode();
      await expect(
        f.registry
          .connect(f.alice)
          .registerNode(key.address, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, await f.consent(key, f.alice)),
      ).to.be.revertedWithCustomError(f.registry, "NodeRegistryStakeBelowMinimum");
      await f.registry.connect(f.alice).requestUnstake(node, 1n);
      expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Jailed);
    });
  });

  describe("pause", () => {
    it("the guardian pauses; every operator function reverts with EnforcedPause; only governance unpauses", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      await expect(f.registry.connect(f.governor).pause())
        .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
        .withArgs(f.governor.address, await f.registry.GUARDIAN_ROLE());
      await expect(f.registry.connect(f.guardian).pause())
        .to.emit(f.registry, "Paused")
        .withArgs(f.guardian.address);
      expect(await f.registry.paused()).to.equal(true);
      await expect(f.registry.connect(f.guardian).pause()).to.be.revertedWithCustomError(
        f.registry,
        "EnforcedPause",
      );
      const r = f.registry.connect(f.alice);
      const z = ethers.ZeroHash;
      const key = f.newNode();
      const c = await f.consent(key, f.alice);
      for (const call of [
        () => r.registerNode(key.address, 0, ENDPOINT, VALIDATOR_MIN, c),
        () => r.registerNodeWithPermit(key.address, 0, ENDPOINT, VALIDATOR_MIN, c, 0, 0, z, z),
        () => r.requestUnstake(node, PUSH),
        () => r.unjail(node),
        () => r.exit(node),
        () => r.updateEndpoint(node, ENDPOINT),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(f.registry, "EnforcedPause");
      }
      // the guardian's pause reaches the vault's operator entry points too
      const v = f.vault.connect(f.alice);
      expect(await f.vault.paused()).to.equal(true);
      for (const call of [
        () => v.stake(node, PUSH),
        () => v.stakeWithPermit(node, PUSH, 0, 0, z, z),
        () => v.withdraw(node),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(f.vault, "EnforcedPause");
      }
      await expect(f.registry.connect(f.guardian).unpause())
        .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
        .withArgs(f.guardian.address, await f.registry.GOVERNOR_ROLE());
      await expect(f.registry.connect(f.governor).unpause())
        .to.emit(f.registry, "Unpaused")
        .withArgs(f.governor.address);
      await expect(f.registry.connect(f.governor).unpause()).to.be.revertedWithCustomError(
        f.registry,
        "ExpectedPause",
      );
      expect(await f.vault.paused()).to.equal(false);
      await v.stake(node, PUSH);
    });
  });

  describe("vault access", () => {
    it("registry-only functions refuse everyone else", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      const v = f.vault.connect(f.governor);
      for (const call of [
        () => v.register(node, f.alice.address, 0, PUSH),
        () => v.requestUnbond(node, f.alice.address, PUSH, 1),
        () => v.setStatus(node, 3, 1),
        () => v.setMinStake(0, PUSH),
        () => v.setPaused(true),
        () => v.slash(node, f.alice.address, PUSH, 0, f.governor.address, 5000, 2, 0),
        () => v.lockWithdrawals(node, PUSH),
        () => v.unlockWithdrawals(node, PUSH),
      ]) {
        await expect(call())
          .to.be.revertedWithCustomError(f.vault, "StakingVaultNotRegistry")
          .withArgs(f.governor.address);
      }
    });

    it("only the vault completes an exit on the registry", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register();
      await f.registry.connect(f.alice).exit(node);
      for (const who of [f.governor, f.alice]) {
        await expect(f.registry.connect(who).completeExit(node))
          .to.be.revertedWithCustomError(f.registry, "NodeRegistryNotVault")
          .withArgs(who.address);
      }
      expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Exiting);
    });

    it("the vault mirrors operator, role, status and per-role figures of the registry", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register(f.bob, Role.STORAGE);
      const min = DEFAULT_STAKING_PARAMS.minStake[Role.STORAGE];
      expect(await f.vault.operatorOf(node)).to.equal(f.bob.address);
      expect(await f.vault.operatorOf(f.stranger.address)).to.equal(ZeroAddress);
      expect(await f.vault.statusOf(node)).to.equal(NodeStatus.Active);
      expect(await f.vault.statusOf(f.stranger.address)).to.equal(NodeStatus.None);
      expect(await f.vault.minStake(Role.STORAGE)).to.equal(min);
      expect(await f.vault.minStake(9)).to.equal(0n);
      expect(await f.vault.activeStake(Role.STORAGE)).to.equal(min);
      expect(await f.vault.activeStake(9)).to.equal(0n);
      await f.registry.connect(f.bob).requestUnstake(node, PUSH); // below the minimum: Jailed
      expect(await f.vault.statusOf(node)).to.equal(NodeStatus.Jailed);
      expect(await f.vault.activeStake(Role.STORAGE)).to.equal(0n);
      await f.vault.connect(f.bob).stake(node, PUSH); // a Jailed node stays Jailed until unjail
      expect(await f.vault.statusOf(node)).to.equal(NodeStatus.Jailed);
      expect(await f.vault.activeStake(Role.STORAGE)).to.equal(0n);
      await f.registry.connect(f.bob).unjail(node);
      expect(await f.vault.statusOf(node)).to.equal(NodeStatus.Active);
      expect(await f.vault.activeStake(Role.STORAGE)).to.equal(min);
      await f.registry.connect(f.governor).setMinStake(Role.STORAGE, 2n * min);
      expect(await f.vault.minStake(Role.STORAGE)).to.equal(2n * min);
      expect(await f.registry.minStake(Role.STORAGE)).to.equal(2n * min);
      await f.registry.connect(f.bob).exit(node);
      expect(await f.vault.statusOf(node)).to.equal(NodeStatus.Exiting);
      expect(await f.vault.activeStake(Role.STORAGE)).to.equal(0n);
    });
  });

  describe("upgrades", () => {
    it("V2 implementations keep every node's state; storage layouts validate", async () => {
      const f = await loadFixture(stakingFixture);
      const a = await f.register(f.alice, Role.VALIDATOR, VALIDATOR_MIN + 10n * PUSH);
      const b = await f.register(f.bob, Role.STORAGE);
      await f.registry.connect(f.alice).requestUnstake(a, 3n * PUSH);
      await f.registry.connect(f.slasher).slash(b, PUSH, f.reporter.address, 5000);
      await f.registry.connect(f.slasher).lockWithdrawals(a, PUSH);
      const snapshot = async () => ({
        records: [await f.registry.nodeOf(a), await f.registry.nodeOf(b)].map((r) => [...r]),
        stakes: [await f.registry.stakeOf(a), await f.registry.stakeOf(b)].map((s) => [...s]),
        entries: (await f.registry.unbondingEntries(a)).map((e) => [...e]),
        params: [...(await f.registry.params())].map((x) => (Array.isArray(x) ? [...x] : x)),
        active: [await f.registry.activeStake(0), await f.registry.activeStake(1)],
        totals: [
          await f.vault.totalBonded(),
          await f.vault.totalUnbonding(),
          await f.vault.totalRewards(),
          await f.vault.treasuryBalance(),
          await f.vault.rewardsOf(f.reporter.address),
          await f.vault.withdrawalLocks(a),
        ],
      });
      const before = await snapshot();

      const RegistryV2 = await ethers.getContractFactory("NodeRegistryV2", f.governor);
      const VaultV2 = await ethers.getContractFactory("StakingVaultV2", f.governor);
      const vaultArgs = { kind: "uups" as const, constructorArgs: [f.addresses.token, f.addresses.registry] };
      await upgrades.validateUpgrade(f.addresses.registry, RegistryV2, { kind: "uups" });
      await upgrades.validateUpgrade(f.addresses.vault, VaultV2, vaultArgs);

      const reg2 = (await upgrades.upgradeProxy(f.addresses.registry, RegistryV2, {
        kind: "uups",
      })) as unknown as NodeRegistryV2;
      const vault2 = (await upgrades.upgradeProxy(
        f.addresses.vault,
        VaultV2,
        vaultArgs,
      )) as unknown as StakingVaultV2;
      expect(await reg2.version()).to.equal(2n);
      expect(await vault2.version()).to.equal(2n);
      expect(await upgrades.erc1967.getImplementationAddress(f.addresses.registry)).to.not.equal(
        f.addresses.registryImplementation,
      );
      expect(await snapshot()).to.deep.equal(before);
      await reg2.setMarker(7);
      expect(await reg2.marker()).to.equal(7n);
      expect(await snapshot()).to.deep.equal(before);
      // still fully working after the upgrade
      await f.registry.connect(f.slasher).unlockWithdrawals(a, PUSH);
      await f.vault.connect(f.alice).stake(a, PUSH);
      expect(await f.registry.stakeOf(a)).to.deep.equal([VALIDATOR_MIN + 8n * PUSH, 3n * PUSH]);
    });

    it("only the governor can upgrade either proxy", async () => {
      const f = await loadFixture(stakingFixture);
      const RegistryV2 = await ethers.getContractFactory("NodeRegistryV2");
      const VaultV2 = await ethers.getContractFactory("StakingVaultV2");
      const regImpl = await RegistryV2.deploy();
      const vaultImpl = await VaultV2.deploy(f.addresses.token, f.addresses.registry);
      const role = await f.registry.GOVERNOR_ROLE();
      for (const who of [f.guardian, f.slasher, f.alice]) {
        await expect(f.registry.connect(who).upgradeToAndCall(await regImpl.getAddress(), "0x"))
          .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
          .withArgs(who.address, role);
        await expect(f.vault.connect(who).upgradeToAndCall(await vaultImpl.getAddress(), "0x"))
          .to.be.revertedWithCustomError(f.vault, "AccessControlUnauthorizedAccount")
          .withArgs(who.address, role);
      }
      await f.registry.connect(f.governor).upgradeToAndCall(await regImpl.getAddress(), "0x");
      await f.vault.connect(f.governor).upgradeToAndCall(await vaultImpl.getAddress(), "0x");
      expect(await upgrades.erc1967.getImplementationAddress(f.addresses.vault)).to.equal(
        await vaultImpl.getAddress(),
      );
    });
  });
});
