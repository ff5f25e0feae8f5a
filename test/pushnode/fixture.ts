import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { Contract, Wallet, getCreateAddress, parseUnits, toBeHex } from "ethers";
import type { JsonRpcSigner } from "ethers";
import { RpcClient } from "../../src/chain/rpc";
import type { FailoverProvider } from "../../src/chain/rpc";
import type { HardhatNode } from "../../src/testing/hardhat-node";
import type { DeploymentFile } from "../../src/deployments";
import type { KeyRegistry, NodeRegistry, StakingVault, TestPush } from "../../typechain-types";
import { signerConsent } from "../../src/testing/consent";
import { generateWalletKey, writeKeyFile } from "../../src/keys";
import { deployUupsProxy } from "./external-deploy";

export const PUSH = parseUnits("1", 18);
export const STORAGE_ROLE = 1;

/** The protocol deployed on a real `npx hardhat node`, with typed handles through its JSON-RPC. */
export interface Protocol {
  node: HardhatNode;
  rpc: RpcClient;
  provider: FailoverProvider;
  deployer: JsonRpcSigner;
  token: TestPush;
  keyRegistry: KeyRegistry;
  nodeRegistry: NodeRegistry;
  vault: StakingVault;
  addresses: { token: string; keyRegistry: string; nodeRegistry: string; vault: string; slashing: string };
  deployBlock: number;
}

function at<T>(name: string, address: string, signer: JsonRpcSigner): T {
  return new Contract(address, hre.artifacts.readArtifactSync(name).abi, signer) as unknown as T;
}

/**
 * Deploys TestPush, NodeRegistry + StakingVault (UUPS, short time bounds, 1 PUSH minimum stakes),
 * KeyRegistry, OpenPgpVerifier and Slashing (with the registry's slasher role), through the node's
 * JSON-RPC. The attestation domain's verifyingContract is the Slashing proxy.
 */
export async function deployProtocol(node: HardhatNode): Promise<Protocol> {
  const rpc = await RpcClient.connect({ urls: [node.url] });
  const provider = await rpc.ethersProvider();
  const deployer = await provider.getSigner(0);
  const from = deployer.address;
  const deployBlock = (await provider.getBlockNumber()) + 1;
  const tokenC = await (await hre.ethers.getContractFactory("TestPush", deployer)).deploy();
  await tokenC.waitForDeployment();
  const token = await tokenC.getAddress();
  // The vault implementation has the token and the registry proxy as immutables, and the registry is
  // initialized with the vault proxy: vault implementation (nonce n), vault proxy (n + 1), registry
  // implementation (n + 2), registry proxy (n + 3), whose address is predicted.
  const nonce = await provider.getTransactionCount(from, "pending");
  const predictedRegistry = getCreateAddress({ from, nonce: nonce + 3 });
  const vault = await deployUupsProxy("StakingVault", deployer, [from], [token, predictedRegistry]);
  const registry = await deployUupsProxy("NodeRegistry", deployer, [
    vault.address,
    from,
    from,
    true,
    [[PUSH, PUSH, PUSH, PUSH], 30n * 60n, 3],
  ]);
  if (registry.address !== predictedRegistry) throw new Error("registry deployed at an unexpected address");
  const ed25519 = await (await hre.ethers.getContractFactory("Ed25519Verifier", deployer)).deploy();
  await ed25519.waitForDeployment();
  const verifier = await (
    await hre.ethers.getContractFactory("OpenPgpVerifier", deployer)
  ).deploy(await ed25519.getAddress());
  await verifier.waitForDeployment();
  const keys = await deployUupsProxy("KeyRegistry", deployer, [from, from], [await verifier.getAddress()]);
  const slashingProxy = await deployUupsProxy(
    "Slashing",
    deployer,
    [from, from, from],
    [registry.address, keys.address, await verifier.getAddress()],
  );
  const slashing = slashingProxy.address;
  const reg = at<NodeRegistry>("NodeRegistry", registry.address, deployer);
  await (await reg.grantRole(await reg.SLASHER_ROLE(), slashing)).wait();
  return {
    node,
    rpc,
    provider,
    deployer,
    token: at<TestPush>("TestPush", token, deployer),
    keyRegistry: at<KeyRegistry>("KeyRegistry", keys.address, deployer),
    nodeRegistry: at<NodeRegistry>("NodeRegistry", registry.address, deployer),
    vault: at<StakingVault>("StakingVault", vault.address, deployer),
    addresses: {
      token,
      keyRegistry: keys.address,
      nodeRegistry: registry.address,
      vault: vault.address,
      slashing,
    },
    deployBlock,
  };
}

/**
 * Registers the node signer key `signer` as a STORAGE node operated by account `operatorIndex`, staking 10 PUSH
 * (with the signer's consent to that operator).
 */
export async function registerNode(
  p: Protocol,
  signer: Wallet,
  endpoint: string,
  operatorIndex = 9,
): Promise<JsonRpcSigner> {
  const op = await p.provider.getSigner(operatorIndex);
  const { chainId } = await p.provider.getNetwork();
  const consent = await signerConsent(p.addresses.nodeRegistry, signer, op.address, chainId);
  await (await p.token.connect(op).mint(op.address, 10n * PUSH)).wait();
  await (await p.token.connect(op).approve(p.addresses.vault, 10n * PUSH)).wait();
  await (
    await p.nodeRegistry.connect(op).registerNode(signer.address, STORAGE_ROLE, endpoint, 10n * PUSH, consent)
  ).wait();
  return op;
}

export async function mine(p: Protocol, blocks = 1): Promise<void> {
  await p.rpc.request("hardhat_mine", [toBeHex(blocks)]);
}

/** The chain head's timestamp. */
export async function chainTime(p: Protocol): Promise<bigint> {
  return BigInt((await p.rpc.getBlockHeader("latest"))!.timestamp);
}

/** Writes a deployments file for tasks run against this chain; returns its path. */
export function writeDeploymentFile(p: Protocol, dir: string): string {
  const d: DeploymentFile = {
    network: "localhost",
    chainId: Number(p.node.chainId),
    deployBlock: p.deployBlock,
    deployedAt: new Date().toISOString(),
    deployer: p.deployer.address,
    contracts: {
      TestPush: { address: p.addresses.token },
      KeyRegistry: { address: p.addresses.keyRegistry },
      NodeRegistry: { address: p.addresses.nodeRegistry },
      StakingVault: { address: p.addresses.vault },
      Slashing: { address: p.addresses.slashing },
    },
    parameters: {},
  };
  const file = path.join(dir, "localhost.json");
  fs.writeFileSync(file, JSON.stringify(d, null, 2));
  return file;
}

export function newSigner(): Wallet {
  return Wallet.createRandom() as unknown as Wallet;
}

/** What the task-level tests share: the protocol on `chain`, a deployment file and key files in a temp dir. */
export interface TaskWorld {
  p: Protocol;
  dir: string;
  deployment: string;
  alice: JsonRpcSigner;
  bob: JsonRpcSigner;
  /** The key file of "alice" or "bob" (encrypted with `passphrase`; each key registered for its wallet). */
  keyFile: (who: string) => string;
}

/**
 * Deploys the protocol on `chain`, writes its deployment file into a new temp dir (`prefix`), and gives
 * accounts 5 (alice) and 6 (bob) a registered key each, in key files encrypted with `passphrase`.
 */
export async function taskWorld(chain: HardhatNode, prefix: string, passphrase: string): Promise<TaskWorld> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const p = await deployProtocol(chain);
  const deployment = writeDeploymentFile(p, dir);
  const [alice, bob] = await Promise.all([5, 6].map((i) => p.provider.getSigner(i)));
  const keyFile = (who: string) => path.join(dir, `${who}.json`);
  for (const [who, s] of [
    ["alice", alice],
    ["bob", bob],
  ] as const) {
    const k = await generateWalletKey({ address: s.address, chainId: chain.chainId, passphrase });
    await writeKeyFile(keyFile(who), k.privateKey, { address: s.address, chainId: chain.chainId });
    await (await p.keyRegistry.connect(s).addKey(k.publicKey)).wait();
  }
  return { p, dir, deployment, alice, bob, keyFile };
}

/**
 * The arguments of `node:serve` on the `localhost` network for a deployment file, serving on `port` with its
 * data in `<dir>/node-data` and `confirmations` confirmations (the task-level tests' common form).
 */
export function serveArgs(
  deployment: string,
  dir: string,
  port: number,
  confirmations: number,
  extra: string[] = [],
): string[] {
  return [
    "node:serve",
    "--network",
    "localhost",
    "--deployment",
    deployment,
    "--data-dir",
    path.join(dir, "node-data"),
    "--port",
    String(port),
    "--confirmations",
    String(confirmations),
    ...extra,
  ];
}

/** Deploys PushProfileGateway over the protocol's KeyRegistry and grants it GATEWAY_ROLE; returns its address. */
export async function deployGateway(p: Protocol): Promise<string> {
  const gw = await (
    await hre.ethers.getContractFactory("PushProfileGateway", p.deployer)
  ).deploy(p.addresses.keyRegistry);
  await gw.waitForDeployment();
  const address = await gw.getAddress();
  await (await p.keyRegistry.grantRole(hre.ethers.id("GATEWAY_ROLE"), address)).wait();
  return address;
}

/** A new account funded with `eth` ether by the deployer (a relayer); returns its wallet. */
export async function fundedWallet(p: Protocol, eth = "10"): Promise<Wallet> {
  const w = newSigner();
  await (await p.deployer.sendTransaction({ to: w.address, value: hre.ethers.parseEther(eth) })).wait();
  return w;
}
