import { expect } from "chai";
import { toBeHex } from "ethers";
import { RpcClient, RpcUnavailableError } from "../../src/chain/rpc";
import { FlakyProxy } from "../../src/testing/flaky-proxy";
import { freePort, startHardhatNode } from "../../src/testing/hardhat-node";
import type { HardhatNode } from "../../src/testing/hardhat-node";

/** RpcClient.sendBatch against a real hardhat node: order, errors, fallback without batches, failover. */
describe("infra: RPC batches", function () {
  let node: HardhatNode;
  let proxy: FlakyProxy;

  before(async function () {
    node = await startHardhatNode();
    proxy = await FlakyProxy.start(node.url);
  });

  after(async function () {
    await proxy?.close();
    await node?.stop();
  });

  const fast = { backoff: { baseMs: 5, maxMs: 10 }, timeoutMs: 2000 };

  it("answers in the order of the calls, in batches of at most maxBatch, errors in place", async function () {
    const rpc = await RpcClient.connect({ urls: [proxy.url], ...fast });
    await rpc.request("hardhat_mine", [toBeHex(5)]);
    const before = proxy.count("batch");
    const calls = [0, 1, 2, 3, 4, 5].map((n) => ({
      method: "eth_getBlockByNumber",
      params: [toBeHex(n), false],
    }));
    calls.splice(3, 0, { method: "no_such_method", params: [] });
    const out = await rpc.sendBatch(calls, 3);
    expect(proxy.count("batch") - before).to.equal(2); // 3 + 3 calls; the seventh alone, as a single request
    expect(out).to.have.length(7);
    const numbers = out.map((o) =>
      "result" in o ? Number((o.result as { number: string }).number) : "error",
    );
    expect(numbers).to.deep.equal([0, 1, 2, "error", 3, 4, 5]);
    const err = out[3];
    expect("error" in err && err.error.code).to.be.a("number");
  });

  it("falls back to single requests when a URL refuses batches", async function () {
    proxy.setRule((r) => (r.method === "batch" ? { kind: "http-error", status: 400 } : undefined));
    try {
      const rpc = await RpcClient.connect({ urls: [proxy.url], ...fast });
      const singles = proxy.count("eth_blockNumber");
      const out = await rpc.sendBatch([1, 2, 3].map(() => ({ method: "eth_blockNumber" })));
      expect(out.every((o) => "result" in o)).to.equal(true);
      expect(proxy.count("eth_blockNumber") - singles).to.equal(3);
      // later calls go one by one straight away
      const batches = proxy.count("batch");
      await rpc.sendBatch([1, 2].map(() => ({ method: "eth_chainId" })));
      expect(proxy.count("batch")).to.equal(batches);
    } finally {
      proxy.setRule(undefined);
    }
  });

  it("fails over to the next URL, and throws RpcUnavailableError when none answers", async function () {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const rpc = new RpcClient({ urls: [dead, node.url], expectedChainId: node.chainId, ...fast });
    const out = await rpc.sendBatch([{ method: "eth_chainId" }, { method: "eth_blockNumber" }]);
    expect("result" in out[0] && BigInt(out[0].result as string)).to.equal(node.chainId);
    expect(rpc.stats().failovers).to.be.greaterThan(0);
    const none = new RpcClient({ urls: [dead], expectedChainId: node.chainId, ...fast, maxAttempts: 2 });
    await expect(
      none.sendBatch([{ method: "eth_chainId" }, { method: "eth_blockNumber" }]),
    ).to.be.rejectedWith(RpcUnavailableError);
  });
});
