import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { INodeRegistry, IStakingVault, TestPush } from "../../typechain-types";
import { writeDeployment } from "../../src/deployments";
import type { DeploymentFile } from "../../src/deployments";
import { parsePush } from "../../src/units";

/** Runs a task, capturing what it prints (console.log) instead of showing it. */
export async function runTask<T = unknown>(
  name: string,
  args: Record<string, unknown> = {},
): Promise<{ result: T; out: string }> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...parts: unknown[]) => {
    lines.push(parts.map(String).join(" "));
  };
  try {
    const result = (await hre.run(name, args)) as T;
    return { result, out: lines.join("\n") };
  } finally {
    console.log = original;
  }
}

/**
 * Runs a task that must fail with `sentence` (a substring, or a pattern) before sending anything: the
 * nonce of every given account is unchanged and no block was mined.
 */
export async function expectRefused(
  name: string,
  args: Record<string, unknown>,
  sentence: string | RegExp,
  accounts: string[] = [],
): Promise<string> {
  const provider = hre.ethers.provider;
  const nonces = await Promise.all(accounts.map((a) => provider.getTransactionCount(a)));
  const block = await provider.getBlockNumber();
  let message = "";
  try {
    await runTask(name, args);
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message, `${name} should have failed`).to.not.equal("");
  if (typeof sentence === "string") expect(message).to.include(sentence);
  else expect(message).to.match(sentence);
  // One sentence: no stack, no newline.
  expect(message).to.not.include("\n");
  expect(await provider.getBlockNumber(), "no block mined").to.equal(block);
  for (const [i, a] of accounts.entries())
    expect(await provider.getTransactionCount(a), `nonce of ${a}`).to.equal(nonces[i]);
  return message;
}

export interface Deployed {
  deployment: DeploymentFile;
  registry: INodeRegistry;
  vault: IStakingVault;
  token: TestPush;
  deployer: HardhatEthersSigner;
  /** Accounts 1..3, each funded with 1,000,000 test PUSH. */
  operators: HardhatEthersSigner[];
}

async function deployedFixture(): Promise<Deployed> {
  const { result: deployment } = await runTask<DeploymentFile>("deploy:protocol", { fresh: true });
  const signers = await hre.ethers.getSigners();
  const registry = (await hre.ethers.getContractAt(
    "INodeRegistry",
    deployment.contracts.NodeRegistry.address,
  )) as unknown as INodeRegistry;
  const vault = (await hre.ethers.getContractAt(
    "IStakingVault",
    deployment.contracts.StakingVault.address,
  )) as unknown as IStakingVault;
  const token = (await hre.ethers.getContractAt(
    "TestPush",
    deployment.contracts.PushToken.address,
  )) as unknown as TestPush;
  const operators = signers.slice(1, 4);
  for (const op of operators) await (await token.mint(op.address, parsePush("1000000"))).wait();
  return { deployment, registry, vault, token, deployer: signers[0], operators };
}

/**
 * A fresh protocol deployment with funded operators (a snapshot after the first call). The deployments
 * file is rewritten each time, since another test may have replaced it since the snapshot.
 */
export async function deployed(): Promise<Deployed> {
  const d = await loadFixture(deployedFixture);
  writeDeployment(d.deployment);
  return d;
}

/** A random address that is not registered (a fresh node signer). */
export function newSigner(): string {
  return hre.ethers.Wallet.createRandom().address;
}

/** A fresh node signer key: `address` for --signer, `privateKey` for --signer-key (node:register signs its consent). */
export function newNodeKey(): { address: string; privateKey: string } {
  const w = hre.ethers.Wallet.createRandom();
  return { address: w.address, privateKey: w.privateKey };
}
