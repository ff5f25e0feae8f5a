import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startPushNode } from "../../src/node/push-node";
import type { RunningPushNode } from "../../src/node/push-node";
import type { HardhatNode } from "../../src/testing/hardhat-node";
import { sharedChain } from "../pushnode/shared-chain";
import { deployProtocol, newSigner } from "../pushnode/fixture";
import type { Protocol } from "../pushnode/fixture";
import { call, newWallet, pointSdkAt } from "./helpers";

/**
 * node:serve's Push Node serves the Push Chat API under /apis beside /v1 on the same port: the SDK chats
 * through a node started on a real `npx hardhat node`, and the chat survives a restart of the node.
 */

interface SdkUser {
  chat: {
    send(to: string, m: { content: string }): Promise<{ cid: string }>;
    accept(target: string): Promise<unknown>;
    history(target: string): Promise<Array<{ messageContent: string }>>;
  };
}
const { PushAPI } = require("@pushprotocol/restapi") as {
  PushAPI: { initialize(signer: unknown, o: { env: string }): Promise<SdkUser> };
};

describe("Push Node: the Push Chat API beside /v1", function () {
  this.timeout(600_000);
  let chain: HardhatNode;
  let p: Protocol;
  let node: RunningPushNode | undefined;
  let restore: (() => void) | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pushnode-chat-"));
  const signer = newSigner();

  const start = () =>
    startPushNode({
      dataDir: dir,
      rpcUrls: [chain.url],
      chainId: chain.chainId,
      keyRegistry: p.addresses.keyRegistry,
      nodeRegistry: p.addresses.nodeRegistry,
      slashing: p.addresses.slashing,
      startBlock: p.deployBlock,
      signerKey: signer.privateKey,
      confirmations: 1,
      pollIntervalMs: 60_000,
    });

  before(async () => {
    chain = await sharedChain();
    p = await deployProtocol(chain);
  });
  after(async () => {
    restore?.();
    await node?.close();
    p?.provider.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("serves /v1 and /apis on one port; the SDK chats through it; a restart keeps the chat", async () => {
    node = await start();
    expect((await call(node.url, "GET", "/v1/health")).status).to.be.oneOf([200, 403, 503]);
    restore = pointSdkAt(node.url);
    const aw = newWallet();
    const bw = newWallet();
    const alice = await PushAPI.initialize(aw, { env: "local" });
    const bob = await PushAPI.initialize(bw, { env: "local" });
    await alice.chat.send(bw.address, { content: "through the node" });
    await bob.chat.accept(aw.address);
    await bob.chat.send(aw.address, { content: "and back" });
    expect((await alice.chat.history(bw.address)).map((m) => m.messageContent)).to.deep.equal([
      "and back",
      "through the node",
    ]);
    expect((await call(node.url, "GET", "/apis/v1/chat/groups/x")).status).to.equal(501);
    expect(fs.existsSync(path.join(dir, "pushchat.sqlite"))).to.equal(true);

    await node.close();
    node = await start();
    restore();
    restore = pointSdkAt(node.url);
    expect((await bob.chat.history(aw.address)).map((m) => m.messageContent)).to.deep.equal([
      "and back",
      "through the node",
    ]);
  });
});
