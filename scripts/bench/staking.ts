// Gas of the operator calls (through the proxies, with TestPush): registerNode and requestUnstake on the
// NodeRegistry, stake (top-up) and withdraw on the StakingVault, as the node:* tasks send them. The operator approves the
// vault for the exact amount right before each call, as the node:* tasks do; the approval is not counted.
// The network already holds stake (one other node), as it will in practice.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { ContractTransactionResponse } from "ethers";
import { deployStaking } from "../../src/deploy/staking";
import { Role } from "../../src/staking";
import { signerConsent } from "../../src/testing/consent";

const ENDPOINT_40 = "https://node-01.push.example.org:443/api"; // 40 bytes

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  return Number(receipt.gasUsed);
}

export default async function bench(hre: HardhatRuntimeEnvironment): Promise<Record<string, number>> {
  const { ethers } = hre;
  const [gov, first, operator, many] = await ethers.getSigners();
  const { token, vault, registry, params } = await deployStaking(hre, {
    governor: gov.address,
    guardian: gov.address,
    shortTimeBounds: false,
  });
  const vaultAddress = await vault.getAddress();
  const min = params.minStake[Role.VALIDATOR];
  const { chainId } = await ethers.provider.getNetwork();
  /** A fresh node signer and its consent to `from` (signed off chain, not counted). */
  const newNode = async (from: typeof operator): Promise<{ signer: string; consent: string }> => {
    const key = ethers.Wallet.createRandom();
    return { signer: key.address, consent: await signerConsent(registry, key, from, chainId) };
  };

  const register = async (from: typeof operator): Promise<number> => {
    const { signer, consent } = await newNode(from);
    await token.connect(from).approve(vaultAddress, min);
    return gasOf(registry.connect(from).registerNode(signer, Role.VALIDATOR, ENDPOINT_40, min, consent));
  };

  for (const s of [first, operator, many]) await token.mint(s.address, 1_000_000_000n * 10n ** 18n);
  await register(first);

  const out: Record<string, number> = {};
  const { signer: node, consent } = await newNode(operator);
  await token.connect(operator).approve(vaultAddress, min);
  out.registerNode = await gasOf(
    registry.connect(operator).registerNode(node, Role.VALIDATOR, ENDPOINT_40, min, consent),
  );

  const topUp = 10_000n * 10n ** 18n;
  await token.connect(operator).approve(vaultAddress, topUp);
  out.stake = await gasOf(vault.connect(operator).stake(node, topUp));

  out.requestUnstake = await gasOf(registry.connect(operator).requestUnstake(node, topUp / 2n));
  await hre.network.provider.send("evm_increaseTime", [Number(params.unbondingPeriod)]);
  await hre.network.provider.send("evm_mine", []);
  out.withdraw = await gasOf(vault.connect(operator).withdraw(node));

  // `first` and `operator` each registered one node above; bring the network to exactly 100 nodes.
  for (let registered = 2; registered < 100; registered++) await register(many);
  out.registerNodeAt100 = await register(operator);
  return out;
}
