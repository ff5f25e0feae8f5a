import { expect } from "chai";
import { ValidatorService } from "../../src/validator/service";
import { FlakyProxy } from "../../src/testing/flaky-proxy";
import { createWorld, faultsProven } from "./fixtures/world";
import type { World } from "./fixtures/world";
import {
  health,
  proveThroughSwallowedBroadcasts,
  swallowBroadcasts,
  throughFullOutage,
} from "./fixtures/rpc-outage";

/**
 * RPC outages through a proxy that drops or fails JSON-RPC requests (src/testing/flaky-proxy.ts): the
 * validator backs off, reports itself unhealthy, never crashes, and once the RPC is back it proves the
 * fault exactly once; a transaction whose broadcast was swallowed is re-broadcast (same hash), and a
 * second RPC URL takes over while the first is down.
 */
/** The transactions that proved a fault of `node`. */
async function provenTxs(world: World, node: string): Promise<string[]> {
  return (await faultsProven(world, node)).map((x) => x.tx);
}

describe("validator: RPC outages (flaky proxy)", function () {
  let world: World;
  const running: ValidatorService[] = [];
  const proxies: FlakyProxy[] = [];

  before(async function () {
    world = await createWorld({ intervalMs: 500 });
  });

  afterEach(async function () {
    // One validator at a time: an earlier one would prove the next test's fault.
    for (const v of running.splice(0)) await v.stop();
  });

  after(async function () {
    for (const p of proxies) await p.close();
    await world?.stop();
  });

  async function validator(urls: string[], account: number): Promise<ValidatorService> {
    const v = await ValidatorService.create(
      world.validatorOptions(account, {
        rpcUrls: urls,
        dataDir: world.tmp("validator-outage"),
        confirmations: 2,
        port: 0,
        rpcTimeoutMs: 300,
        maxBackoffMs: 1000,
      }),
    );
    running.push(v);
    v.start();
    return v;
  }

  it("survives a full outage: unhealthy meanwhile, then proves the fault once", async function () {
    const proxy = await FlakyProxy.start(world.chain.url);
    proxies.push(proxy);
    const v = await validator([proxy.url], 11);
    await world.waitFor("healthy", async () => ((await health(v)).status === 200 ? true : undefined));
    const node = await world.pushNode("MALFORMED");
    const alice = await world.user();
    const bob = await world.user(false);

    await throughFullOutage(world, proxy, v, node.signer.address, async () =>
      world.submit(node, await world.compose(alice, bob, { contentType: 77 })),
    );
    expect(await provenTxs(world, node.signer.address)).to.have.length(1);
    expect((await health(v)).status).to.equal(200);
  });

  it("broadcasts swallowed by the RPC are re-broadcast with the same hash: one commitment, one proof", async function () {
    const proxy = await FlakyProxy.start(world.chain.url);
    proxies.push(proxy);
    const swallow = swallowBroadcasts(proxy);
    const v = await validator([proxy.url], 12);
    const node = await world.pushNode("MALFORMED");
    const alice = await world.user();
    const bob = await world.user(false);
    await world.submit(node, await world.compose(alice, bob, { contentType: 78 }));
    const { committing, sent } = await proveThroughSwallowedBroadcasts(
      world,
      proxy,
      swallow,
      v,
      node.signer.address,
    );
    expect(await provenTxs(world, node.signer.address)).to.deep.equal([sent.txHash]);
    await world.waitFor("final", async () => (v.store.proofs().every((p) => p.final) ? true : undefined));
    expect(v.store.commitTransactions()).to.deep.equal([committing.commitTxHash]);
    expect(v.store.sentTransactions()).to.deep.equal([sent.txHash]);
  });

  it("fails over to a second RPC URL while the first is down", async function () {
    const proxy = await FlakyProxy.start(world.chain.url);
    proxies.push(proxy);
    const v = await validator([proxy.url, world.chain.url], 13);
    proxy.setMode({ kind: "http-error", status: 503 });
    const downFrom = proxy.seen.length;
    const node = await world.pushNode("MALFORMED");
    const alice = await world.user();
    const bob = await world.user(false);
    const { block } = await world.submit(node, await world.compose(alice, bob, { contentType: 79 }));
    await world.waitFor(
      "the fault proven",
      async () => ((await provenTxs(world, node.signer.address)).length > 0 ? true : undefined),
      60_000,
    );
    const receipt = await world.provider.getTransactionReceipt(
      (await provenTxs(world, node.signer.address))[0],
    );
    // Commitment within confirmations + 2 blocks, the proof within confirmations + 2 blocks after it, plus 4 blocks
    // (2 s) of slack: blocks come every 500 ms whatever the machine's load, and a loaded 2-core CI machine was once
    // seen one block late. A validator that waited for the first URL to come back would never prove: it stays down.
    expect(receipt!.blockNumber).to.be.at.most(block + 2 * (2 + 2) + 4);
    expect(
      proxy.seen.slice(downFrom).filter((e) => e.action === "pass"),
      "nothing went through the downed URL",
    ).to.deep.equal([]);
    expect(v.rpc.stats().failovers).to.be.greaterThan(0);
  });
});
