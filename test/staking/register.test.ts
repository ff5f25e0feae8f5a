import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress } from "ethers";
import { NodeStatus, Role, STATUS_REASONS } from "../../src/staking";
import { ENDPOINT, PUSH, VALIDATOR_MIN, now, signPermit, stakingFixture } from "./fixture";

const REGISTERED = STATUS_REASONS.indexOf("Registered");

describe("NodeRegistry: registerNode", () => {
  it("registers a node: record, stake, totals, active stake and events", async () => {
    const f = await loadFixture(stakingFixture);
    const node = ethers.Wallet.createRandom().address;
    const amount = VALIDATOR_MIN + 5n * PUSH;
    const before = await f.token.balanceOf(f.alice.address);
    const tx = f.registry.connect(f.alice).registerNode(node, Role.VALIDATOR, ENDPOINT, amount);
    await expect(tx)
      .to.emit(f.registry, "NodeRegistered")
      .withArgs(node, f.alice.address, Role.VALIDATOR, ENDPOINT)
      .and.to.emit(f.registry, "NodeStatusChanged")
      .withArgs(node, NodeStatus.None, NodeStatus.Active, REGISTERED)
      .and.to.emit(f.vault, "StakeDeposited")
      .withArgs(node, f.alice.address, amount, amount);
    const rec = await f.registry.nodeOf(node);
    expect(rec.operator).to.equal(f.alice.address);
    expect(rec.role).to.equal(Role.VALIDATOR);
    expect(rec.status).to.equal(NodeStatus.Active);
    expect(rec.registeredAt).to.equal(await now());
    expect(rec.slashCount).to.equal(0);
    expect(await f.registry.isActive(node)).to.equal(true);
    expect(await f.registry.stakeOf(node)).to.deep.equal([amount, 0n]);
    expect(await f.vault.stakeOf(node)).to.deep.equal([amount, 0n]);
    expect(await f.registry.activeStake(Role.VALIDATOR)).to.equal(amount);
    expect(await f.registry.activeStake(Role.STORAGE)).to.equal(0n);
    expect(await f.vault.totalBonded()).to.equal(amount);
    expect(await f.token.balanceOf(f.vaultAddress)).to.equal(amount);
    expect(await f.token.balanceOf(f.alice.address)).to.equal(before - amount);
  });

  it("registers every role with its own minimum, and active stake is per role", async () => {
    const f = await loadFixture(stakingFixture);
    for (const role of [Role.VALIDATOR, Role.STORAGE, Role.DELIVERY, Role.ARCHIVE]) {
      const min = await f.registry.minStake(role);
      const node = await f.register(f.bob, role);
      expect((await f.registry.nodeOf(node)).role).to.equal(role);
      expect(await f.registry.activeStake(role)).to.equal(min);
    }
    expect(await f.registry.minStake(Role.VALIDATOR)).to.equal(100_000n * PUSH);
    expect(await f.registry.minStake(Role.STORAGE)).to.equal(50_000n * PUSH);
    expect(await f.registry.minStake(Role.DELIVERY)).to.equal(25_000n * PUSH);
    expect(await f.registry.minStake(Role.ARCHIVE)).to.equal(50_000n * PUSH);
  });

  it("refuses bad input with named errors", async () => {
    const f = await loadFixture(stakingFixture);
    const r = f.registry.connect(f.alice);
    const node = ethers.Wallet.createRandom().address;
    await expect(r.registerNode(ZeroAddress, 0, ENDPOINT, VALIDATOR_MIN)).to.be.revertedWithCustomError(
      f.registry,
      "NodeRegistryZeroAddress",
    );
    await expect(r.registerNode(node, 4, ENDPOINT, VALIDATOR_MIN))
      .to.be.revertedWithCustomError(f.registry, "NodeRegistryUnknownRole")
      .withArgs(4);
    await expect(r.registerNode(node, 255, ENDPOINT, VALIDATOR_MIN))
      .to.be.revertedWithCustomError(f.registry, "NodeRegistryUnknownRole")
      .withArgs(255);
    await expect(r.registerNode(node, 0, "", VALIDATOR_MIN)).to.be.revertedWithCustomError(
      f.registry,
      "NodeRegistryEmptyEndpoint",
    );
    await expect(r.registerNode(node, 0, "x".repeat(257), VALIDATOR_MIN))
      .to.be.revertedWithCustomError(f.registry, "NodeRegistryEndpointTooLong")
      .withArgs(257, 256);
    await expect(r.registerNode(node, 0, ENDPOINT, 0))
      .to.be.revertedWithCustomError(f.registry, "NodeRegistryStakeBelowMinimum")
      .withArgs(0, 0, VALIDATOR_MIN);
    await expect(r.registerNode(node, 0, ENDPOINT, VALIDATOR_MIN - 1n))
      .to.be.revertedWithCustomError(f.registry, "NodeRegistryStakeBelowMinimum")
      .withArgs(0, VALIDATOR_MIN - 1n, VALIDATOR_MIN);
    const tooMuch = 2n ** 96n;
    await expect(r.registerNode(node, 0, ENDPOINT, tooMuch))
      .to.be.revertedWithCustomError(f.vault, "StakingVaultAmountTooLarge")
      .withArgs(tooMuch, 2n ** 96n - 1n);
    // a 256-byte endpoint is accepted
    await r.registerNode(node, 0, "y".repeat(256), VALIDATOR_MIN);
    expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Active);
  });

  it("binds a signer forever: no re-registration, by anyone, in any status", async () => {
    const f = await loadFixture(stakingFixture);
    const node = await f.register(f.alice);
    for (const op of [f.alice, f.bob]) {
      await expect(f.registry.connect(op).registerNode(node, Role.STORAGE, ENDPOINT, VALIDATOR_MIN))
        .to.be.revertedWithCustomError(f.registry, "NodeRegistrySignerAlreadyRegistered")
        .withArgs(node);
    }
    // exited: still bound
    await f.registry.connect(f.alice).exit(node);
    await time.increase(21 * 86_400);
    await f.vault.connect(f.alice).withdraw(node);
    expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Exited);
    await expect(
      f.registry.connect(f.bob).registerNode(node, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN),
    ).to.be.revertedWithCustomError(f.registry, "NodeRegistrySignerAlreadyRegistered");
    // banned: still bound
    await f.registry.connect(f.governor).setSlashesBeforeBan(1);
    const banned = await f.register(f.bob);
    await f.registry.connect(f.slasher).slash(banned, PUSH, ZeroAddress, 0);
    expect((await f.registry.nodeOf(banned)).status).to.equal(NodeStatus.Banned);
    await expect(
      f.registry.connect(f.carol).registerNode(banned, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN),
    ).to.be.revertedWithCustomError(f.registry, "NodeRegistrySignerAlreadyRegistered");
  });

  it("needs an allowance for the vault (the token's own error otherwise)", async () => {
    const f = await loadFixture(stakingFixture);
    const node = ethers.Wallet.createRandom().address;
    await f.token.mint(f.stranger.address, VALIDATOR_MIN);
    await expect(
      f.registry.connect(f.stranger).registerNode(node, 0, ENDPOINT, VALIDATOR_MIN),
    ).to.be.revertedWithCustomError(f.token, "ERC20InsufficientAllowance");
    await f.token.connect(f.stranger).approve(f.vaultAddress, VALIDATOR_MIN);
    await f.registry.connect(f.stranger).registerNode(node, 0, ENDPOINT, VALIDATOR_MIN);
    expect(await f.token.allowance(f.stranger.address, f.vaultAddress)).to.equal(0n);
  });

  describe("registerNodeWithPermit", () => {
    it("registers with a permit for the vault and no prior approval", async () => {
      const f = await loadFixture(stakingFixture);
      await f.token.mint(f.stranger.address, VALIDATOR_MIN);
      const node = ethers.Wallet.createRandom().address;
      const deadline = BigInt((await now()) + 3600);
      const { v, r, s } = await signPermit(f.token, f.stranger, f.vaultAddress, VALIDATOR_MIN, deadline);
      await expect(
        f.registry
          .connect(f.stranger)
          .registerNodeWithPermit(node, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, deadline, v, r, s),
      )
        .to.emit(f.registry, "NodeRegistered")
        .withArgs(node, f.stranger.address, Role.VALIDATOR, ENDPOINT);
      expect(await f.registry.stakeOf(node)).to.deep.equal([VALIDATOR_MIN, 0n]);
      expect(await f.token.balanceOf(f.stranger.address)).to.equal(0n);
    });

    it("still registers when a front-runner already used the permit", async () => {
      const f = await loadFixture(stakingFixture);
      await f.token.mint(f.stranger.address, VALIDATOR_MIN);
      const node = ethers.Wallet.createRandom().address;
      const deadline = BigInt((await now()) + 3600);
      const { v, r, s } = await signPermit(f.token, f.stranger, f.vaultAddress, VALIDATOR_MIN, deadline);
      await f.token
        .connect(f.bob)
        .permit(f.stranger.address, f.vaultAddress, VALIDATOR_MIN, deadline, v, r, s);
      await f.registry
        .connect(f.stranger)
        .registerNodeWithPermit(node, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, deadline, v, r, s);
      expect(await f.registry.isActive(node)).to.equal(true);
    });

    it("reverts with the token's allowance error when the permit is invalid and nothing is approved", async () => {
      const f = await loadFixture(stakingFixture);
      await f.token.mint(f.stranger.address, VALIDATOR_MIN);
      const node = ethers.Wallet.createRandom().address;
      const deadline = BigInt((await now()) + 3600);
      // signed by someone else: invalid for stranger
      const { v, r, s } = await signPermit(f.token, f.bob, f.vaultAddress, VALIDATOR_MIN, deadline);
      await expect(
        f.registry
          .connect(f.stranger)
          .registerNodeWithPermit(node, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, deadline, v, r, s),
      ).to.be.revertedWithCustomError(f.token, "ERC20InsufficientAllowance");
    });
  });
});
