import { expect } from "chai";
import { Transaction } from "ethers";
import { ValidatorService } from "../../src/validator/service";
import { FlakyProxy } from "../../src/testing/flaky-proxy";
import { PUSH_PROOFS_INTERFACE, SLASHING_INTERFACE } from "../../src/validator/abi";
import { createWorld } from "./fixtures/world";
import type { World } from "./fixtures/world";
import {
  SWALLOWED,
  health,
  proveThroughSwallowedBroadcasts,
  swallowBroadcasts,
  throughFullOutage,
} from "./fixtures/rpc-outage";
import { addForgedPush, faultsProven, registerFeedNode, setupPush } from "./fixtures/push-feed";
import type { PushFeed, PushSetup } from "./fixtures/push-feed";

/**
 * The RPC-outage guarantees of test/validator/rpc-outage.test.ts for Push feed items, through the same proxy that
 * drops or fails JSON-RPC requests (src/testing/flaky-proxy.ts). Each test has its own node serving a forged Push
 * message (BAD_SIGNATURE, proven through PushProofs) and one validator watching that node only: it stays up and
 * unhealthy through a full outage and then proves the fault once; a commitment and a PushProofs transaction
 * whose broadcasts were swallowed are re-broadcast with the same hashes; a second RPC URL takes over.
 */
describe("validator: RPC outages with Push items (flaky proxy)", function () {
  let world: World;
  let push: PushSetup;
  const feeds: PushFeed[] = [];
  const running: ValidatorService[] = [];
  const proxies: FlakyProxy[] = [];

  before(async function () {
    world = await createWorld({ intervalMs: 500 });
    push = await setupPush(world);
    feeds.push(push.feed);
  });

  afterEach(async function () {
    for (const v of running.splice(0)) await v.stop();
  });

  after(async function () {
    for (const p of proxies) await p.close();
    for (const f of feeds) await f.close();
    await world?.stop();
  });

  async function validator(urls: string[], account: number, node: string): Promise<ValidatorService> {
    const v = await ValidatorService.create(
      world.validatorOptions(account, {
        rpcUrls: urls,
        dataDir: world.tmp("validator-push-outage"),
        confirmations: 2,
        port: 0,
        rpcTimeoutMs: 300,
        maxBackoffMs: 1000,
        pushProofs: push.pushProofs,
        nodes: [node],
      }),
    );
    running.push(v);
    v.start();
    return v;
  }

  async function feedNode(): Promise<{ node: string; feed: PushFeed }> {
    const { node, feed } = await registerFeedNode(world);
    feeds.push(feed);
    return { node: node.address, feed };
  }

  /** The proofs now on chain for `node`: each must be one BAD_SIGNATURE sent to PushProofs. */
  async function provenThroughPushProofs(node: string, digest: string): Promise<string[]> {
    const proven = await faultsProven(world, node);
    for (const p of proven) {
      expect([p.code, p.digest]).to.deep.equal([4, digest]);
      const tx = await world.provider.getTransaction(p.tx);
      expect(tx?.to).to.equal(push.pushProofs);
      expect(PUSH_PROOFS_INTERFACE.parseTransaction({ data: tx!.data })!.name).to.equal(
        "provePushBadSignature",
      );
    }
    return proven.map((p) => p.tx);
  }

  it("survives a full outage: unhealthy meanwhile, then proves the Push fault once", async function () {
    const proxy = await FlakyProxy.start(world.chain.url);
    proxies.push(proxy);
    const { node, feed } = await feedNode();
    const v = await validator([proxy.url], 11, node);
    await world.waitFor("healthy", async () => ((await health(v)).status === 200 ? true : undefined));

    const item = await throughFullOutage(world, proxy, v, node, () => addForgedPush(push, feed));
    const proven = await provenThroughPushProofs(node, item.attestation.digest);
    expect(proven).to.have.length(1);
    expect(v.store.proofs().map((p) => [p.method, p.state, p.txHash])).to.deep.equal([
      ["provePushBadSignature", "mined", proven[0]],
    ]);
    expect((await health(v)).status).to.equal(200);
  });

  it("broadcasts swallowed by the RPC are re-broadcast with the same hash: one commitment, one PushProofs proof", async function () {
    const proxy = await FlakyProxy.start(world.chain.url);
    proxies.push(proxy);
    const swallow = swallowBroadcasts(proxy);
    const { node, feed } = await feedNode();
    const v = await validator([proxy.url], 12, node);
    const item = await addForgedPush(push, feed);
    const { committing, sent } = await proveThroughSwallowedBroadcasts(world, proxy, swallow, v, node);
    expect(committing.target).to.equal(push.pushProofs);
    expect(await provenThroughPushProofs(node, item.attestation.digest)).to.deep.equal([sent.txHash]);
    await world.waitFor("final", async () => (v.store.proofs().every((p) => p.final) ? true : undefined));
    expect(v.store.commitTransactions()).to.deep.equal([committing.commitTxHash]);
    expect(v.store.sentTransactions()).to.deep.equal([sent.txHash]);

    // Every broadcast the proxy saw (swallowed or passed) was one of these two signed transactions: the
    // commitment to Slashing, the proof to PushProofs.
    const broadcasts = proxy.seen.filter((s) => s.method === "eth_sendRawTransaction");
    const hashes = new Set(broadcasts.map((s) => Transaction.from((s.params as string[])[0]).hash));
    expect([...hashes].sort()).to.deep.equal([committing.commitTxHash, sent.txHash].sort());
    expect(broadcasts.filter((s) => s.action === "drop").length).to.be.at.least(2 * SWALLOWED);
    const commitTx = await world.provider.getTransaction(committing.commitTxHash!);
    expect(commitTx?.to).to.equal(await world.slashing.getAddress());
    expect(SLASHING_INTERFACE.parseTransaction({ data: commitTx!.data })!.name).to.equal("commitProof");
  });

  it("fails over to a second RPC URL while the first is down", async function () {
    const proxy = await FlakyProxy.start(world.chain.url);
    proxies.push(proxy);
    const { node, feed } = await feedNode();
    const v = await validator([proxy.url, world.chain.url], 13, node);
    proxy.setMode({ kind: "http-error", status: 503 });
    const downFrom = proxy.seen.length;
    const item = await addForgedPush(push, feed);
    const block = await world.blockNumber();
    await world.waitFor(
      "the Push fault proven",
      async () => ((await faultsProven(world, node)).length > 0 ? true : undefined),
      60_000,
    );
    const [tx] = await provenThroughPushProofs(node, item.attestation.digest);
    const receipt = await world.provider.getTransactionReceipt(tx);
    // Commitment within confirmations + 2 blocks, the proof within confirmations + 2 blocks after it, plus 4 blocks
    // (2 s) of slack: blocks come every 500 ms whatever the machine's load, and a loaded 2-core CI machine was once
    // seen one block late. A validator that waited for the first URL to come back would never prove: it stays down.
    expect(receipt!.blockNumber).to.be.at.most(block + 2 * (2 + 2) + 4);
    expect(
      proxy.seen.slice(downFrom).filter((e) => e.action === "pass"),
      "nothing went through the downed URL",
    ).to.deep.equal([]);
    expect(v.rpc.stats().failovers).to.be.greaterThan(0);
    expect(proxy.count(undefined, "http-error")).to.be.greaterThan(0);
  });
});
