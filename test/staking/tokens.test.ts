import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256 } from "ethers";
import { deployStaking } from "../../src/deploy/staking";
import { Role } from "../../src/staking";
import { signerConsent } from "../../src/testing/consent";
import type { FeeOnTransferToken, ReentrantToken } from "../../typechain-types";
import { DAY, ENDPOINT, PUSH, VALIDATOR_MIN } from "./fixture";

async function deployWith(tokenName: "FeeOnTransferToken" | "ReentrantToken") {
  const [governor, guardian, slasher, alice] = await ethers.getSigners();
  const token = await ethers.deployContract(tokenName);
  const d = await deployStaking(hre, {
    token: await token.getAddress(),
    governor: governor.address,
    guardian: guardian.address,
    shortTimeBounds: false,
  });
  await d.registry.connect(governor).grantRole(await d.registry.SLASHER_ROLE(), slasher.address);
  return { ...d, governor, slasher, alice, tokenContract: token };
}

describe("StakingVault: hostile tokens", () => {
  it("refuses a fee-on-transfer token with a named error, and nothing moves", async () => {
    const d = await deployWith("FeeOnTransferToken");
    const token = d.tokenContract as unknown as FeeOnTransferToken;
    await token.mint(d.alice.address, 2n * VALIDATOR_MIN);
    await token.connect(d.alice).approve(await d.vault.getAddress(), MaxUint256);
    const key = ethers.Wallet.createRandom(ethers.provider);
    const node = key.address;
    const consent = await signerConsent(d.registry, key, d.alice);
    await expect(
      d.registry.connect(d.alice).registerNode(node, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, consent),
    )
      .to.be.revertedWithCustomError(d.vault, "StakingVaultFeeOnTransfer")
      .withArgs(VALIDATOR_MIN, (VALIDATOR_MIN * 99n) / 100n);
    expect(await token.balanceOf(d.alice.address)).to.equal(2n * VALIDATOR_MIN);
    expect(await d.vault.totalBonded()).to.equal(0n);
    expect((await d.registry.nodeOf(node)).status).to.equal(0n);
  });

  describe("a token that re-enters on transfer", () => {
    async function setup() {
      const d = await deployWith("ReentrantToken");
      const token = d.tokenContract as unknown as ReentrantToken;
      const tokenAddress = await token.getAddress();
      const registryAddress = await d.registry.getAddress();
      const vaultAddress = await d.vault.getAddress();
      // The token itself is the operator (and later the reporter), so its re-entrant calls pass the checks.
      await token.mint(tokenAddress, 10n * VALIDATOR_MIN);
      await token.execute(
        tokenAddress,
        token.interface.encodeFunctionData("approve", [vaultAddress, MaxUint256]),
      );
      const key = ethers.Wallet.createRandom(ethers.provider);
      const node = key.address;
      // the token is the operator: the signer consents to it
      const consent = await signerConsent(d.registry, key, tokenAddress);
      const call = (data: string) => token.execute(registryAddress, data);
      const callVault = (data: string) => token.execute(vaultAddress, data);
      const reg = d.registry.interface;
      const vlt = d.vault.interface;
      await call(
        reg.encodeFunctionData("registerNode", [
          node,
          Role.VALIDATOR,
          ENDPOINT,
          VALIDATOR_MIN + 30n * PUSH,
          consent,
        ]),
      );
      return { ...d, token, tokenAddress, registryAddress, vaultAddress, node, call, callVault, reg, vlt };
    }

    async function expectAccountingHolds(d: Awaited<ReturnType<typeof setup>>) {
      const sum =
        (await d.vault.totalBonded()) +
        (await d.vault.totalUnbonding()) +
        (await d.vault.totalRewards()) +
        (await d.vault.treasuryBalance());
      expect(await d.token.balanceOf(d.vaultAddress)).to.equal(sum);
    }

    it("cannot withdraw twice: the re-entrant withdraw reverts and the entries are paid once", async () => {
      const d = await setup();
      await d.call(d.reg.encodeFunctionData("requestUnstake", [d.node, 10n * PUSH]));
      await d.call(d.reg.encodeFunctionData("requestUnstake", [d.node, 20n * PUSH]));
      await time.increase(21 * DAY);
      const before = await d.token.balanceOf(d.tokenAddress);
      await d.token.arm(d.vaultAddress, d.vlt.encodeFunctionData("withdraw", [d.node]));
      await d.callVault(d.vlt.encodeFunctionData("withdraw", [d.node]));
      expect(await d.token.reentries()).to.equal(1n);
      expect(await d.token.lastReentrySucceeded()).to.equal(false);
      expect((await d.token.lastRevertData()).slice(0, 10)).to.equal(
        d.vault.interface.getError("ReentrancyGuardReentrantCall")!.selector,
      );
      expect((await d.token.balanceOf(d.tokenAddress)) - before).to.equal(30n * PUSH);
      expect(await d.registry.stakeOf(d.node)).to.deep.equal([VALIDATOR_MIN, 0n]);
      await expectAccountingHolds(d);
    });

    it("a re-entrant call during a deposit reverts too", async () => {
      const d = await setup();
      await d.token.arm(d.vaultAddress, d.vlt.encodeFunctionData("stake", [d.node, PUSH]));
      await d.callVault(d.vlt.encodeFunctionData("stake", [d.node, PUSH]));
      expect(await d.token.lastReentrySucceeded()).to.equal(false);
      expect((await d.token.lastRevertData()).slice(0, 10)).to.equal(
        d.vault.interface.getError("ReentrancyGuardReentrantCall")!.selector,
      );
      expect(await d.registry.stakeOf(d.node)).to.deep.equal([VALIDATOR_MIN + 31n * PUSH, 0n]);
      await expectAccountingHolds(d);
    });

    it("cannot claim a reward twice", async () => {
      const d = await setup();
      await d.registry.connect(d.slasher).slash(d.node, 10n * PUSH, d.tokenAddress, 5000);
      const before = await d.token.balanceOf(d.tokenAddress);
      const claim = d.vault.interface.encodeFunctionData("claimRewards");
      await d.token.arm(d.vaultAddress, claim);
      await d.token.execute(d.vaultAddress, claim);
      expect(await d.token.lastReentrySucceeded()).to.equal(false);
      expect((await d.token.balanceOf(d.tokenAddress)) - before).to.equal(5n * PUSH);
      expect(await d.vault.rewardsOf(d.tokenAddress)).to.equal(0n);
      await expectAccountingHolds(d);
    });
  });
});
