import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { startPushNode } from "../../src/node/push-node";
import type { PushNodeOptions, RunningPushNode } from "../../src/node/push-node";
import type { FaultClass } from "../../src/node/faults";
import type { PushFeedItemJson } from "../../src/node/api";
import { NodeClient, isPushFeedItemJson } from "../../src/node/api";
import type { Protocol } from "../pushnode/fixture";
import { newSigner, registerNode } from "../pushnode/fixture";
import { PushProfileGateway__factory } from "../../typechain-types";
import { sdkUser } from "../push/sdk";
import { call, errorOf, messageBody } from "./helpers";
import type { KeyedUser } from "./helpers";

/**
 * Push Nodes with the Push Chat API on a real chain (`npx hardhat node` with the protocol deployed), for the
 * Push Chat tests and the watcher's Push proofs: registered and Active, confirmations 0, fast polls.
 */

export interface ChainNode {
  running: RunningPushNode;
  signer: Wallet;
  dir: string;
  close(): Promise<void>;
}

let nextOperator = 11;

/** Starts a registered (Active) Push Node on `p`'s chain; `extra` overrides options (relay, accept, ...). */
export async function startChainNode(p: Protocol, extra: Partial<PushNodeOptions> = {}): Promise<ChainNode> {
  const signer = newSigner();
  await registerNode(p, signer, "http://127.0.0.1:1", nextOperator++);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pushchat-chain-"));
  const running = await startPushNode({
    dataDir: dir,
    rpcUrls: [p.node.url],
    chainId: p.node.chainId,
    keyRegistry: p.addresses.keyRegistry,
    nodeRegistry: p.addresses.nodeRegistry,
    slashing: p.addresses.slashing,
    startBlock: p.deployBlock,
    signerKey: signer.privateKey,
    confirmations: 0,
    pollIntervalMs: 300,
    ...extra,
  });
  await running.node.refresh();
  return {
    running,
    signer,
    dir,
    close: async () => {
      await running.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Posts a user's SDK profile (the body of POST /v2/users/) to a node's Push Chat API; throws unless stored. */
export async function postProfile(url: string, profile: Record<string, unknown>): Promise<void> {
  const r = await call(url, "POST", "/apis/v2/users/", profile);
  if (r.status !== 201 && r.status !== 200) throw new Error(`profile refused: ${r.status} ${errorOf(r)}`);
}

/** Every Push item of a node's feed, in feed order. */
export async function pushItems(url: string): Promise<PushFeedItemJson[]> {
  const page = await new NodeClient(url).feedJson(0n, 200);
  return page.items.filter(isPushFeedItemJson);
}

/**
 * A node run with `--accept BAD_SIGNATURE` (or `accept`) that stored and attested a FORGED SDK message: `from`'s
 * valid pgp message to `to`, with its ciphertext (`messageObj`, which the signature covers) changed after
 * signing. Both users' keys must be active on chain; their profiles (`profiles`) are posted to the node first.
 * Returns the node and the forged message's feed item (what a watcher proves BAD_SIGNATURE with).
 */
export async function forgedMessageNode(
  p: Protocol,
  from: KeyedUser,
  to: KeyedUser,
  profiles: Record<string, unknown>[],
  accept: FaultClass[] = ["BAD_SIGNATURE"],
): Promise<{ node: ChainNode; item: PushFeedItemJson; body: Record<string, unknown> }> {
  const node = await startChainNode(p, { accept });
  for (const prof of profiles) await postProfile(node.running.url, prof);
  const valid = await messageBody(from, to.did, "forged", [to.publicKeyArmored, from.publicKeyArmored]);
  const body = { ...valid, messageObj: (valid.messageObj as string) + "Zm9yZ2Vk" };
  const r = await call(node.running.url, "POST", "/apis/v1/chat/request", body);
  if (r.status !== 200) {
    await node.close();
    throw new Error(`the faulty node refused the forged message: ${r.status} ${errorOf(r)}`);
  }
  const cid = (r.json as { cid: string }).cid;
  const item = (await pushItems(node.running.url)).find((i) => i.cid === cid);
  if (!item) throw new Error("the forged message is not in the faulty node's feed");
  return { node, item, body };
}

/** An SDK user whose key is registered on chain: its keys for message bodies and its profile (POST body). */
export interface RegisteredSdkUser extends KeyedUser {
  profile: Record<string, unknown>;
}

/**
 * `count` users made by the unmodified SDK (`user.create`, offline), each profile registered on chain through the
 * PushProfileGateway at `gateway` (sent by the deployer), so that any node on `p`'s chain counts their keys.
 */
export async function registeredSdkUsers(
  p: Protocol,
  gateway: string,
  count: number,
): Promise<RegisteredSdkUser[]> {
  const gw = PushProfileGateway__factory.connect(gateway, p.deployer);
  const out: RegisteredSdkUser[] = [];
  for (let i = 0; i < count; i++) {
    const u = await sdkUser();
    const f = u.profile;
    await (
      await gw.registerPushProfile(f.caip10, f.did, f.publicKey, f.encryptedPrivateKey, f.verificationProof)
    ).wait();
    out.push({
      wallet: u.wallet,
      did: f.did,
      privateKeyArmored: u.armoredPrivateKey,
      publicKeyArmored: u.armoredPublicKey,
      profile: { ...f },
    });
  }
  return out;
}
