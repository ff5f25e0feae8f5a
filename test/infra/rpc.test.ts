import { expect } from "chai";
import {
  ChainIdMismatchError,
  RpcClient,
  RpcResponseError,
  RpcUnavailableError,
  backoffDelay,
  redactUrl,
  registerRpcMetrics,
} from "../../src/chain/rpc";
import { createLogger, memorySink } from "../../src/log";
import { MetricsRegistry } from "../../src/http/metrics";
import { FlakyProxy } from "../../src/testing/flaky-proxy";
import { freePort, startHardhatNode } from "../../src/testing/hardhat-node";
import type { HardhatNode } from "../../src/testing/hardhat-node";

describe("infra: JSON-RPC client", function () {
  let nodeA: HardhatNode; // chain 31337
  let nodeB: HardhatNode; // chain 31338
  let dead: string; // a closed port
  const proxies: FlakyProxy[] = [];

  const proxy = async (target: string): Promise<FlakyProxy> => {
    const p = await FlakyProxy.start(target);
    proxies.push(p);
    return p;
  };

  before(async function () {
    [nodeA, nodeB] = await Promise.all([startHardhatNode(), startHardhatNode({ chainId: 31338 })]);
    dead = `http://127.0.0.1:${await freePort()}`;
  });

  after(async function () {
    await Promise.all(proxies.map((p) => p.close()));
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
  });

  it("started two real hardhat nodes on different chains", function () {
    expect(nodeA.chainId).to.equal(31337n);
    expect(nodeB.chainId).to.equal(31338n);
  });

  it("fails over from a dead URL to a live node and stays there", async function () {
    const logs = memorySink();
    const client = await RpcClient.connect({
      urls: [dead, nodeA.url],
      backoff: { baseMs: 10, maxMs: 20 },
      logger: createLogger({ level: "debug", sink: logs.sink }),
    });
    expect(client.chainId).to.equal(31337n);
    const n = await client.blockNumber();
    expect(n).to.be.a("number");
    let s = client.stats();
    expect(s.failovers).to.equal(1);
    expect(s.errors).to.equal(1);
    expect(s.endpoints[0].errors).to.equal(1);
    expect(client.currentUrl).to.equal(nodeA.url);

    const attemptsBefore = s.attempts;
    await client.getBlockHeader("latest");
    s = client.stats();
    expect(s.attempts).to.equal(attemptsBefore + 1, "the second request goes straight to the live URL");
    expect(s.failovers).to.equal(1);
    expect(s.requests).to.equal(2);

    const failover = logs.records.find((r) => r.msg === "RPC failover");
    expect(failover?.level).to.equal("warn");
    expect(failover?.fields).to.include({ component: "rpc", to: nodeA.url });
  });

  it("refuses to start when a URL is on another chain", async function () {
    const err = await RpcClient.connect({ urls: [nodeA.url, nodeB.url] }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ChainIdMismatchError);
    expect((err as ChainIdMismatchError).url).to.equal(nodeB.url);
    expect((err as Error).message).to.equal(
      `RPC URL ${nodeB.url} is on chain 31338, expected chain 31337: refusing to use it.`,
    );

    const err2 = await RpcClient.connect({ urls: [dead, nodeB.url], expectedChainId: 31337 }).catch((e) => e);
    expect(err2).to.be.instanceOf(ChainIdMismatchError);
    expect((err2 as ChainIdMismatchError).actual).to.equal(31338n);
  });

  it("refuses to start when no URL answers", async function () {
    const err = await RpcClient.connect({ urls: [dead] }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(RpcUnavailableError);
    expect((err as Error).message).to.match(/eth_chainId failed after 1 attempt/);
  });

  it("checks the chain of a URL that was down at start before its first use, and never uses it if wrong", async function () {
    const pB = await proxy(nodeB.url);
    pB.setMode({ kind: "http-error", status: 503 });
    const client = await RpcClient.connect({ urls: [pB.url, nodeA.url], backoff: { baseMs: 1, maxMs: 2 } });
    expect(client.chainId).to.equal(31337n);
    pB.setMode({ kind: "pass" });
    const n = await client.blockNumber();
    expect(n).to.equal(await new RpcClient({ urls: [nodeA.url] }).blockNumber());
    const s = client.stats();
    expect(s.endpoints[0].chainOk).to.equal(false);
    expect(s.endpoints[1].chainOk).to.equal(true);
    // The proxy saw eth_chainId (start, then the check) but never the request itself.
    expect(pB.seen.map((e) => e.method)).to.deep.equal(["eth_chainId", "eth_chainId"]);
    await client.blockNumber();
    expect(pB.seen).to.have.length(2);
  });

  it("retries with bounded exponential backoff, then throws a typed error", async function () {
    const delays: number[] = [];
    const live = await proxy(nodeA.url);
    live.setMode({ kind: "http-error", status: 502 });
    const c2 = new RpcClient({
      urls: [live.url],
      maxAttempts: 4,
      backoff: { baseMs: 20, maxMs: 40 },
      sleep: async (ms) => {
        delays.push(ms);
        await new Promise((r) => setTimeout(r, ms));
      },
    });
    live.setMode({ kind: "pass" });
    await c2.start();
    live.setMode({ kind: "http-error", status: 502 });
    const t0 = Date.now();
    const err = await c2.request("eth_blockNumber").catch((e: unknown) => e);
    const elapsed = Date.now() - t0;
    expect(err).to.be.instanceOf(RpcUnavailableError);
    const u = err as RpcUnavailableError;
    expect(u.attempts).to.equal(4);
    expect(u.causes).to.have.length(4);
    expect(u.causes[0].error).to.match(/HTTP 502/);
    expect(live.count("eth_blockNumber")).to.equal(4);
    // 3 waits: nominal 20, 40, 40 (capped), each scaled into [0.5, 1).
    expect(delays).to.have.length(3);
    expect(delays[0]).to.be.within(10, 19);
    expect(delays[1]).to.be.within(20, 39);
    expect(delays[2]).to.be.within(20, 39);
    expect(elapsed).to.be.lessThan(1000);
    expect(c2.stats().exhausted).to.equal(1);

    // Recovers as soon as the URL does.
    live.setMode({ kind: "pass" });
    expect(await c2.blockNumber()).to.be.a("number");
  });

  it("computes backoff delays with jitter inside [nominal/2, nominal)", function () {
    for (let round = 0; round < 40; round++) {
      const nominal = Math.min(5000, 200 * 2 ** round);
      expect(backoffDelay(round, {}, () => 0)).to.equal(nominal / 2);
      expect(backoffDelay(round, {}, () => 0.999999)).to.be.lessThan(nominal);
      expect(backoffDelay(round, {}, () => 0.999999)).to.be.at.least(nominal - 1);
    }
  });

  it("times out a dropped request and fails over", async function () {
    const p = await proxy(nodeA.url);
    const client = await RpcClient.connect({ urls: [p.url, nodeA.url], timeoutMs: 300 });
    p.setMode({ kind: "drop" });
    const t0 = Date.now();
    await client.blockNumber();
    expect(Date.now() - t0).to.be.at.least(290);
    const s = client.stats();
    expect(s.timeouts).to.equal(1);
    expect(s.failovers).to.equal(1);
  });

  it("hands JSON-RPC errors to the caller without retrying, but retries rate limits", async function () {
    const p = await proxy(nodeA.url);
    const client = await RpcClient.connect({ urls: [p.url, nodeA.url], backoff: { baseMs: 1, maxMs: 2 } });
    const err = await client.request("no_such_method").catch((e: unknown) => e);
    expect(err).to.be.instanceOf(RpcResponseError);
    expect((err as RpcResponseError).code).to.equal(-32004); // Hardhat: method not supported
    expect(p.count("no_such_method")).to.equal(1);
    expect(client.stats().rpcErrors).to.equal(1);

    p.setMode({ kind: "rpc-error", code: -32005, message: "rate limit exceeded" });
    expect(await client.blockNumber()).to.be.a("number");
    expect(p.count("eth_blockNumber", "rpc-error")).to.equal(1);
    expect(client.stats().failovers).to.equal(1);
  });

  it("gives ethers a provider with failover: a wallet sends a transaction through a dead URL first", async function () {
    const client = await RpcClient.connect({ urls: [dead, nodeA.url], backoff: { baseMs: 1, maxMs: 2 } });
    const provider = await client.ethersProvider({ pollingIntervalMs: 100 });
    const signer = await provider.getSigner(0);
    const to = "0x000000000000000000000000000000000000dEaD";
    const before = await provider.getBalance(to);
    const tx = await signer.sendTransaction({ to, value: 12345n });
    const receipt = await tx.wait();
    expect(receipt?.status).to.equal(1);
    // (ethers caches identical calls for 250 ms: read the balance through the client directly)
    expect(BigInt(await client.request<string>("eth_getBalance", [to, "latest"]))).to.equal(before + 12345n);
    expect(client.stats().failovers).to.equal(1);
    provider.destroy();
  });

  it("exports its counters as Prometheus metrics and redacts URL secrets", async function () {
    const client = await RpcClient.connect({ urls: [dead, nodeA.url], backoff: { baseMs: 1, maxMs: 2 } });
    await client.blockNumber();
    const reg = new MetricsRegistry();
    registerRpcMetrics(reg, client);
    const text = reg.render();
    expect(text).to.contain("# TYPE rpc_failovers_total counter\nrpc_failovers_total 1\n");
    expect(text).to.contain("rpc_requests_total 1\n");
    expect(text).to.contain(`rpc_endpoint_errors_total{url="${dead}"} 1\n`);
    expect(redactUrl("https://user:pw@mainnet.infura.io/v3/SECRETKEY?x=1")).to.equal(
      "https://mainnet.infura.io/***",
    );
    expect(redactUrl("http://127.0.0.1:8545")).to.equal("http://127.0.0.1:8545");
  });
});
