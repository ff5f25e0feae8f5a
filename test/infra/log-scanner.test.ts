import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { id as keccakId, toBeHex } from "ethers";
import { RpcClient } from "../../src/chain/rpc";
import type { FailoverProvider, RpcLog } from "../../src/chain/rpc";
import { LogScanner, MemoryScannerStore } from "../../src/chain/log-scanner";
import type { LogBatch, LogScannerOptions, ReorgInfo, ScannerStore } from "../../src/chain/log-scanner";
import { KvStore, openDatabase } from "../../src/store/sqlite";
import type { Database } from "../../src/store/sqlite";
import { SqliteScannerStore } from "../../src/store/scanner-store";
import { FlakyProxy } from "../../src/testing/flaky-proxy";
import { startHardhatNode } from "../../src/testing/hardhat-node";
import type { HardhatNode } from "../../src/testing/hardhat-node";
import { EventEmitter__factory } from "../../typechain-types";
import type { EventEmitter } from "../../typechain-types";

const EMITTED = keccakId("Emitted(uint256,bytes32,address)");
const tag = (s: string) => "0x" + Buffer.from(s.padEnd(32, "\0")).toString("hex");

/** An idempotent consumer: logs keyed by (blockHash, logIndex); a reorg drops everything above rewindTo. */
class Consumer {
  readonly byKey = new Map<string, RpcLog>();
  readonly batches: LogBatch[] = [];
  readonly reorgs: ReorgInfo[] = [];
  onLogs = (b: LogBatch): void => {
    this.batches.push(b);
    for (const l of b.logs) this.byKey.set(`${l.blockHash}:${l.logIndex}`, l);
  };
  onReorg = (r: ReorgInfo): void => {
    this.reorgs.push(r);
    for (const [k, l] of this.byKey) if (l.blockNumber > r.rewindTo.number) this.byKey.delete(k);
  };
  /** Event ids in (blockNumber, logIndex) order. */
  ids(): number[] {
    return [...this.byKey.values()]
      .sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex)
      .map((l) => Number(BigInt(l.topics[1])));
  }
  delivered(): number {
    return this.batches.reduce((n, b) => n + b.logs.length, 0);
  }
}

describe("infra: log scanner against a real hardhat node", function () {
  let node: HardhatNode;
  let rpc: RpcClient;
  let proxy: FlakyProxy;
  let provider: FailoverProvider;
  const dirs: string[] = [];
  const dbs: Database[] = [];

  const mine = (n: number) => rpc.request("hardhat_mine", [toBeHex(n)]);
  const head = () => rpc.blockNumber();

  async function deploy(): Promise<{ emitter: EventEmitter; block: number }> {
    const signer = await provider.getSigner(0);
    const emitter = await new EventEmitter__factory(signer).deploy();
    const receipt = await emitter.deploymentTransaction()!.wait();
    return { emitter, block: receipt!.blockNumber };
  }

  async function emitOne(e: EventEmitter, id: number, t = "x"): Promise<number> {
    const r = await (await e.emitOne(id, tag(t))).wait();
    return r!.blockNumber;
  }

  /** The logs the chain has now for the emitter over [from, head - depth]: what consumers must end up with. */
  async function canonicalIds(address: string, from: number, depth: number): Promise<number[]> {
    const logs = await rpc.getLogs({
      addresses: [address],
      topics: [EMITTED],
      fromBlock: from,
      toBlock: (await head()) - depth,
    });
    return logs.map((l) => Number(BigInt(l.topics[1])));
  }

  function scanner(
    address: string,
    start: number,
    consumer: Consumer,
    extra: Partial<LogScannerOptions> & { store?: ScannerStore } = {},
  ): LogScanner {
    return new LogScanner({
      rpc,
      addresses: [address],
      topics: [EMITTED],
      startBlock: start,
      confirmations: 3,
      store: new MemoryScannerStore(),
      onLogs: consumer.onLogs,
      onReorg: consumer.onReorg,
      ...extra,
    });
  }

  function tmpDir(): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "scanner-"));
    dirs.push(d);
    return d;
  }

  before(async function () {
    node = await startHardhatNode();
    proxy = await FlakyProxy.start(node.url);
    rpc = await RpcClient.connect({ urls: [node.url] });
    provider = await rpc.ethersProvider({ pollingIntervalMs: 50 });
  });

  after(async function () {
    for (const db of dbs) if (db.open) db.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    provider?.destroy();
    await proxy?.close();
    await node?.stop();
  });

  it("delivers nothing before N confirmations, then exactly the confirmed logs in (block, logIndex) order", async function () {
    const { emitter, block: deployBlock } = await deploy();
    const c = new Consumer();
    const s = scanner(await emitter.getAddress(), deployBlock, c, { confirmations: 3 });
    const b = await emitOne(emitter, 1);
    for (let confirmations = 0; confirmations < 3; confirmations++) {
      const r = await s.poll();
      expect(r.head).to.equal(b + confirmations);
      expect(r.cursor).to.equal(Math.max(deployBlock - 1, b + confirmations - 3));
      expect(c.delivered()).to.equal(0, `delivered with only ${confirmations} confirmations`);
      await mine(1);
    }
    const r = await s.poll();
    expect(r.head).to.equal(b + 3);
    expect(r.logs).to.equal(1);
    expect(c.ids()).to.deep.equal([1]);
    expect(c.batches[0].logs[0].blockNumber).to.equal(b);

    // Several events in one transaction plus others in later blocks: order is (blockNumber, logIndex).
    await (await emitter.emitMany(10, 4, tag("m"))).wait();
    await emitOne(emitter, 20);
    await emitOne(emitter, 21);
    await mine(3);
    await s.poll();
    expect(c.ids()).to.deep.equal([1, 10, 11, 12, 13, 20, 21]);
    const flat = c.batches.flatMap((x) => x.logs);
    for (let i = 1; i < flat.length; i++) {
      const [p, q] = [flat[i - 1], flat[i]];
      expect(p.blockNumber < q.blockNumber || (p.blockNumber === q.blockNumber && p.logIndex < q.logIndex)).to
        .be.true;
    }
    // The topic filter kept the interleaved Other events out; logIndex shows they were there.
    const same = flat.filter((l) => Number(BigInt(l.topics[1])) >= 10 && Number(BigInt(l.topics[1])) < 20);
    expect(same.map((l) => l.logIndex)).to.deep.equal([0, 2, 4, 6]);
    expect(c.ids()).to.deep.equal(await canonicalIds(await emitter.getAddress(), deployBlock, 3));
  });

  it("fetches in chunks of the configured size and halves them on 'too many results'", async function () {
    const { emitter, block: deployBlock } = await deploy();
    const address = await emitter.getAddress();
    for (let i = 0; i < 10; i++) await emitOne(emitter, 100 + i);
    await mine(3);
    const viaProxy = await RpcClient.connect({ urls: [proxy.url] });

    const ranges = (): Array<[number, number]> =>
      proxy.seen
        .filter((e) => e.method === "eth_getLogs")
        .map((e) => {
          const p = (e.params as Array<{ fromBlock: string; toBlock: string }>)[0];
          return [Number(p.fromBlock), Number(p.toBlock)];
        });

    proxy.seen.length = 0;
    const c1 = new Consumer();
    await scanner(address, deployBlock, c1, { rpc: viaProxy, chunkSize: 3 }).poll();
    expect(c1.ids()).to.deep.equal([...Array(10).keys()].map((i) => 100 + i));
    const r1 = ranges();
    expect(r1.length).to.equal(Math.ceil(((await head()) - 3 - deployBlock + 1) / 3));
    for (const [f, t] of r1) expect(t - f + 1).to.be.at.most(3);
    for (let i = 1; i < r1.length; i++) expect(r1[i][0]).to.equal(r1[i - 1][1] + 1, "ranges are contiguous");

    // Now the provider refuses ranges wider than 2 blocks.
    proxy.seen.length = 0;
    proxy.setRule((req) => {
      if (req.method !== "eth_getLogs") return undefined;
      const p = (req.params as Array<{ fromBlock: string; toBlock: string }>)[0];
      return Number(p.toBlock) - Number(p.fromBlock) + 1 > 2
        ? { kind: "rpc-error", code: -32005, message: "query returned more than 10000 results" }
        : undefined;
    });
    try {
      const c2 = new Consumer();
      const s2 = scanner(address, deployBlock, c2, { rpc: viaProxy, chunkSize: 8 });
      await s2.poll();
      expect(c2.ids()).to.deep.equal(c1.ids());
      expect(s2.stats().chunkHalvings).to.equal(2); // 8 -> 4 -> 2
      expect(s2.stats().chunkSize).to.equal(2);
      expect(proxy.count("eth_getLogs", "rpc-error")).to.equal(2, "each refusal was seen once: not retried");
      for (const [f, t] of ranges().slice(2)) expect(t - f + 1).to.be.at.most(2);
    } finally {
      proxy.setRule(undefined);
    }
  });

  it("detects reorgs by block hash, rewinds, tells the consumer and delivers the new chain's logs", async function () {
    const { emitter, block: D } = await deploy();
    const address = await emitter.getAddress();
    const c = new Consumer();
    const s = scanner(address, D, c, { confirmations: 2 });
    await mine(2);
    expect((await s.poll()).cursor).to.equal(D);

    // Fork A: two events, confirmed and delivered.
    const snap = await rpc.request<string>("evm_snapshot");
    const a1 = await emitOne(emitter, 1, "A");
    await emitOne(emitter, 2, "A");
    await mine(2);
    await s.poll();
    expect(c.ids()).to.deep.equal([1, 2]);
    const cursorA = s.cursor!;
    expect(cursorA.number).to.equal(a1 + 1);

    // Reorg to a shorter chain: the cursor block no longer exists.
    expect(await rpc.request("evm_revert", [snap])).to.equal(true);
    const r1 = await s.poll();
    expect(r1.reorg).to.not.equal(undefined);
    expect(r1.reorg!.cursor).to.deep.equal(cursorA);
    expect(r1.reorg!.chainHash).to.equal(undefined);
    expect(r1.reorg!.rewindTo.number).to.equal(D);
    expect(c.ids()).to.deep.equal([], "the consumer dropped fork A");

    // Fork B: different transactions at the same heights, confirmed.
    const snap2 = await rpc.request<string>("evm_snapshot");
    const b1 = await emitOne(emitter, 7, "B");
    expect(b1).to.equal(a1, "same height as fork A's first event");
    await mine(3);
    const r2 = await s.poll();
    expect(r2.reorg).to.equal(undefined);
    expect(c.ids()).to.deep.equal([7]);
    const cursorB = s.cursor!;

    // Reorg to a longer chain with other transactions: stored hash differs from the chain's.
    await rpc.request("evm_revert", [snap2]);
    await emitOne(emitter, 8, "C");
    await emitOne(emitter, 9, "C");
    await mine(4);
    const r3 = await s.poll();
    expect(r3.reorg).to.not.equal(undefined);
    expect(r3.reorg!.cursor).to.deep.equal(cursorB);
    expect(r3.reorg!.chainHash).to.be.a("string").and.not.equal(cursorB.hash);
    expect(r3.reorg!.rewindTo.number).to.be.lessThan(b1);
    const kept = await rpc.getBlockHeader(r3.reorg!.rewindTo.number);
    expect(kept!.hash).to.equal(r3.reorg!.rewindTo.hash, "rewound to a block still on the chain");
    expect(c.ids()).to.deep.equal([8, 9]);
    expect(c.ids()).to.deep.equal(await canonicalIds(address, D, 2));
    expect(s.stats().reorgs).to.equal(2);
  });

  it("keeps polling through an RPC outage (dropped requests) and catches up when the RPC is back", async function () {
    const { emitter, block: D } = await deploy();
    const address = await emitter.getAddress();
    const viaProxy = await RpcClient.connect({
      urls: [proxy.url],
      timeoutMs: 200,
      maxAttempts: 2,
      backoff: { baseMs: 10, maxMs: 20 },
    });
    const c = new Consumer();
    const s = scanner(address, D, c, { rpc: viaProxy, confirmations: 1 });
    proxy.setMode({ kind: "drop" });
    try {
      s.start(50);
      await emitOne(emitter, 31);
      await emitOne(emitter, 32);
      await mine(1);
      const until = Date.now() + 10_000;
      while (s.stats().pollErrors < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(s.stats().pollErrors).to.be.at.least(2);
      expect(c.delivered()).to.equal(0);
      proxy.setMode({ kind: "pass" });
      while (c.ids().length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(c.ids()).to.deep.equal([31, 32]);
      expect(viaProxy.stats().timeouts).to.be.at.least(2);
    } finally {
      proxy.setMode({ kind: "pass" });
      await s.stop();
    }
    // Stopped: nothing more is fetched.
    const seen = proxy.seen.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(proxy.seen.length).to.equal(seen);
  });

  it("keeps the cursor when the consumer fails, and delivers the same logs again (at least once)", async function () {
    const { emitter, block: D } = await deploy();
    await emitOne(emitter, 5);
    await mine(3);
    const store = new MemoryScannerStore();
    const c = new Consumer();
    let fail = true;
    const s = scanner(await emitter.getAddress(), D, c, {
      store,
      onLogs: (b) => {
        c.onLogs(b);
        if (fail) throw new Error("consumer crashed");
      },
    });
    const err = await s.poll().catch((e: unknown) => e);
    expect((err as Error).message).to.equal("consumer crashed");
    expect(store.state).to.equal(undefined, "nothing persisted");
    expect(s.cursor!.number).to.equal(D - 1);
    fail = false;
    await s.poll();
    expect(c.batches).to.have.length(2);
    expect(c.batches[1].logs).to.deep.equal(c.batches[0].logs);
    expect(c.ids()).to.deep.equal([5]);
    expect(store.state!.block).to.equal((await head()) - 3);
  });

  it("persists its cursor in SQLite: a fresh scanner on the same file continues without missing or repeating", async function () {
    const { emitter, block: D } = await deploy();
    const address = await emitter.getAddress();
    const dir = tmpDir();
    const open = () => {
      const db = openDatabase({
        dataDir: dir,
        migrations: [
          {
            version: 1,
            name: "events",
            up: `CREATE TABLE events (block_hash TEXT NOT NULL, log_index INTEGER NOT NULL,
                   block_number INTEGER NOT NULL, event_id INTEGER NOT NULL, PRIMARY KEY (block_hash, log_index))`,
          },
        ],
      });
      dbs.push(db);
      return db;
    };
    /** A consumer writing events in the same transaction as the cursor (the `apply` it returns). */
    const sqliteScanner = (db: Database, delivered: RpcLog[]) => {
      const insert = db.prepare(
        "INSERT OR IGNORE INTO events (block_hash, log_index, block_number, event_id) VALUES (?, ?, ?, ?)",
      );
      const drop = db.prepare("DELETE FROM events WHERE block_number > ?");
      return new LogScanner({
        rpc,
        addresses: [address],
        topics: [EMITTED],
        startBlock: D,
        confirmations: 3,
        store: new SqliteScannerStore(db, "scanner:emitter"),
        onLogs: (b) => {
          delivered.push(...b.logs);
          return () => {
            for (const l of b.logs)
              insert.run(l.blockHash, l.logIndex, l.blockNumber, Number(BigInt(l.topics[1])));
          };
        },
        onReorg: (r) => () => drop.run(r.rewindTo.number),
      });
    };
    const rows = (db: Database) =>
      db
        .prepare<[], { event_id: number }>("SELECT event_id FROM events ORDER BY block_number, log_index")
        .all()
        .map((r) => r.event_id);

    const db1 = open();
    const first: RpcLog[] = [];
    for (const i of [1, 2, 3]) await emitOne(emitter, i);
    await mine(3);
    const s1 = sqliteScanner(db1, first);
    await s1.poll();
    expect(first.map((l) => Number(BigInt(l.topics[1])))).to.deep.equal([1, 2, 3]);
    const stored = new KvStore(db1).get<{ block: number; hash: string }>("scanner:emitter");
    expect(stored!.block).to.equal(s1.cursor!.number);
    expect(stored!.hash).to.equal(s1.cursor!.hash);
    db1.close();

    // While "down": a confirmed event, and one not yet confirmed.
    await emitOne(emitter, 4);
    await mine(3);
    await emitOne(emitter, 5);

    const db2 = open();
    const second: RpcLog[] = [];
    const s2 = sqliteScanner(db2, second);
    await s2.poll();
    expect(second.map((l) => Number(BigInt(l.topics[1])))).to.deep.equal(
      [4],
      "exactly the new confirmed log",
    );
    expect(rows(db2)).to.deep.equal([1, 2, 3, 4]);
    await mine(3);
    await s2.poll();
    expect(rows(db2)).to.deep.equal([1, 2, 3, 4, 5]);
    expect(rows(db2)).to.deep.equal(await canonicalIds(address, D, 3));

    // A consumer whose writes fail leaves neither its rows nor the cursor behind (one transaction).
    await emitOne(emitter, 6);
    await mine(3);
    const s3 = new LogScanner({
      rpc,
      addresses: [address],
      topics: [EMITTED],
      startBlock: D,
      confirmations: 3,
      store: new SqliteScannerStore(db2, "scanner:emitter"),
      onLogs: (b) => () => {
        db2
          .prepare("INSERT INTO events VALUES (?, ?, ?, ?)")
          .run(b.logs[0].blockHash, 0, b.logs[0].blockNumber, 6);
        throw new Error("disk full");
      },
    });
    const before = new KvStore(db2).get<{ block: number }>("scanner:emitter")!.block;
    expect(((await s3.poll().catch((e: unknown) => e)) as Error).message).to.equal("disk full");
    expect(rows(db2)).to.deep.equal([1, 2, 3, 4, 5]);
    expect(new KvStore(db2).get<{ block: number }>("scanner:emitter")!.block).to.equal(before);
  });
});
