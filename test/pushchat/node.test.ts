import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startPushNode } from "../../src/node/push-node";
import type { PushNodeOptions, RunningPushNode } from "../../src/node/push-node";
import type { HardhatNode } from "../../src/testing/hardhat-node";
import { NodeClient } from "../../src/node/api";
import { createLogger } from "../../src/log";
import type { LogRecord } from "../../src/log";
import { sharedChain } from "../pushnode/shared-chain";
import { deployGateway, deployProtocol, fundedWallet, newSigner, registerNode } from "../pushnode/fixture";
import type { Protocol } from "../pushnode/fixture";
import { call, newWallet, pointSdkAt } from "./helpers";

/**
 * node:serve's Push Node serves the Push Chat API under /apis beside /v1 on the same port, in the node's own
 * database: the SDK chats through a node started on a real `npx hardhat node` (its profiles relayed to the
 * chain), and the chat and its feed items survive a restart of the node.
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
  let opts: PushNodeOptions;
  let node: RunningPushNode | undefined;
  let restore: (() => void) | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pushnode-chat-"));
  const signer = newSigner();

  before(async () => {
    chain = await sharedChain();
    p = await deployProtocol(chain);
    const gateway = await deployGateway(p);
    const relayer = await fundedWallet(p);
    await registerNode(p, signer, "http://127.0.0.1:1", 17);
    opts = {
      dataDir: dir,
      rpcUrls: [chain.url],
      chainId: chain.chainId,
      keyRegistry: p.addresses.keyRegistry,
      nodeRegistry: p.addresses.nodeRegistry,
      slashing: p.addresses.slashing,
      startBlock: p.deployBlock,
      signerKey: signer.privateKey,
      confirmations: 0,
      pollIntervalMs: 500,
      relay: { gateway, relayerKey: relayer.privateKey },
    };
  });
  after(async () => {
    restore?.();
    await node?.close();
    p?.provider.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("serves /v1 and /apis on one port; the SDK chats through it; a restart keeps the chat and its feed", async () => {
    const lines: LogRecord[] = [];
    node = await startPushNode({
      ...opts,
      logger: createLogger({ level: "info", sink: (l) => lines.push(JSON.parse(l) as LogRecord) }),
    });
    expect((await call(node.url, "GET", "/v1/health")).status).to.equal(200);
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
    // one database: the chat tables are in pushnode.sqlite, beside the feed
    expect(fs.existsSync(path.join(dir, "pushchat.sqlite"))).to.equal(false);
    const feed = await new NodeClient(node.url).feedJson(0n);

    await node.close();
    // at info, one line of what was attested (written at close here; each minute while running), none per message
    const attested = lines.filter((l) => l.msg.startsWith("attested"));
    expect(
      attested.map((l) => [l.msg, l.fields.pushMessages, l.fields.firstPosition, l.fields.lastPosition]),
    ).to.deep.equal([["attested messages", 2, "1", "2"]]);
    node = await startPushNode(opts);
    restore();
    restore = pointSdkAt(node.url);
    expect((await bob.chat.history(aw.address)).map((m) => m.messageContent)).to.deep.equal([
      "and back",
      "through the node",
    ]);
    expect(await new NodeClient(node.url).feedJson(0n)).to.deep.equal(feed);
    expect(feed.items).to.have.length(2);
  });

  it("refuses to start over a data directory with a pushchat.sqlite of an earlier version, with a sentence", async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "pushnode-oldchat-"));
    try {
      fs.writeFileSync(path.join(other, "pushchat.sqlite"), "");
      let error: Error | undefined;
      try {
        await (await startPushNode({ ...opts, dataDir: other, signerKey: newSigner().privateKey })).close();
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).to.match(
        /pushchat\.sqlite holds Push Chat data of an earlier version.*move that file away/,
      );
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});
