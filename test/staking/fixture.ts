import hre, { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { MaxUint256, Signature } from "ethers";
import type { HDNodeWallet, Wallet } from "ethers";
import { deployStaking } from "../../src/deploy/staking";
import type { StakingDeployment } from "../../src/deploy/staking";
import { Role } from "../../src/staking";
import { signerConsent } from "../../src/testing/consent";
import type { TestPush } from "../../typechain-types";

export const PUSH = 10n ** 18n;
export const DAY = 86_400;
export const ENDPOINT = "https://node-01.push.example.org:443/api";
export const VALIDATOR_MIN = 100_000n * PUSH;

export interface StakingFixture extends StakingDeployment {
  governor: HardhatEthersSigner;
  guardian: HardhatEthersSigner;
  slasher: HardhatEthersSigner;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  carol: HardhatEthersSigner;
  reporter: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
  vaultAddress: string;
  /** Registers a fresh signer for `operator` (default: alice, VALIDATOR, the role minimum) and returns it. */
  register: (operator?: HardhatEthersSigner, role?: number, amount?: bigint) => Promise<string>;
  /** A fresh node signer key, connected to the provider. */
  newNode: () => HDNodeWallet;
  /** `node`'s consent (EIP-712) to be registered by `operator` (default: alice) on this registry. */
  consent: (node: Wallet | HDNodeWallet, operator?: HardhatEthersSigner | string) => Promise<string>;
}

/** Deploys the staking layer with DESIGN defaults; operators alice, bob and carol hold 10M PUSH and approved the vault. */
export async function stakingFixture(): Promise<StakingFixture> {
  const [governor, guardian, slasher, alice, bob, carol, reporter, stranger] = await ethers.getSigners();
  const d = await deployStaking(hre, {
    governor: governor.address,
    guardian: guardian.address,
    shortTimeBounds: false,
  });
  await d.registry.connect(governor).grantRole(await d.registry.SLASHER_ROLE(), slasher.address);
  const vaultAddress = await d.vault.getAddress();
  for (const op of [alice, bob, carol]) {
    await d.token.mint(op.address, 10_000_000n * PUSH);
    await d.token.connect(op).approve(vaultAddress, MaxUint256);
  }
  const newNode = (): HDNodeWallet => ethers.Wallet.createRandom(ethers.provider);
  const consent = (
    node: Wallet | HDNodeWallet,
    operator: HardhatEthersSigner | string = alice,
  ): Promise<string> => signerConsent(d.registry, node.connect(ethers.provider), operator);
  const register = async (
    operator = alice,
    role: number = Role.VALIDATOR,
    amount?: bigint,
  ): Promise<string> => {
    const node = newNode();
    const stake = amount ?? (await d.registry.minStake(role));
    await d.registry
      .connect(operator)
      .registerNode(node.address, role, ENDPOINT, stake, await consent(node, operator));
    return node.address;
  };
  return {
    ...d,
    governor,
    guardian,
    slasher,
    alice,
    bob,
    carol,
    reporter,
    stranger,
    vaultAddress,
    register,
    newNode,
    consent,
  };
}

/** Signs an EIP-2612 permit of `owner` for `spender` on the test token. */
export async function signPermit(
  token: TestPush,
  owner: HardhatEthersSigner,
  spender: string,
  value: bigint,
  deadline: bigint,
): Promise<{ v: number; r: string; s: string }> {
  const { chainId } = await ethers.provider.getNetwork();
  const sig = await owner.signTypedData(
    { name: await token.name(), version: "1", chainId, verifyingContract: await token.getAddress() },
    {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    { owner: owner.address, spender, value, nonce: await token.nonces(owner.address), deadline },
  );
  const { v, r, s } = Signature.from(sig);
  return { v, r, s };
}

export async function now(): Promise<number> {
  return (await ethers.provider.getBlock("latest"))!.timestamp;
}
