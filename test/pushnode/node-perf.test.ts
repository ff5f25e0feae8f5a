import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SigningKey, Wallet, keccak256, recoverAddress, toUtf8Bytes } from "ethers";
import { digestSigner, ethersDigestSigner } from "../../src/node/attestation-key";
import { FreshRead } from "../../src/node/fresh-read";
import { WalSync } from "../../src/node/wal-sync";
import { NODE_MIGRATIONS, NodeStore } from "../../src/node/store";
import { createLogger } from "../../src/log";
import { openDatabase } from "../../src/store/sqlite";
import { resolveServeOptions } from "../../src/node/config";

/**
 * The Push Node's per-message savings (issue 14, bench:node): chain-head reads shared by the messages
 * arriving together, native attestation signatures (the same bytes as ethers), the next position and
 * sequence read from indexes, log lines written once per turn of the event loop.
 */
describe("pushnode: per-message costs", function () {
  describe("FreshRead", function () {
    it("gives every caller a read that started after it called, one read under way and one queued", async function () {
      const started: number[] = [];
      const finish: Array<() => void> = [];
      const r = new FreshRead(
        () =>
          new Promise<void>((resolve) => {
            started.push(Date.now());
            finish.push(resolve);
          }),
      );
      const first = r.get();
      expect(finish.length).to.equal(1);
      // Ten callers while the first read is under way: they share the one read queued after it.
      const later = Array.from({ length: 10 }, () => r.get());
      expect(new Set(later).size).to.equal(1);
      expect(finish.length).to.equal(1);
      let laterDone = false;
      void later[0].then(() => (laterDone = true));
      finish[0]();
      await first;
      await new Promise((res) => setImmediate(res));
      expect(finish.length, "the queued read starts when the first ends").to.equal(2);
      expect(laterDone, "not answered by the read that started before them").to.equal(false);
      finish[1]();
      await Promise.all(later);
      expect(laterDone).to.equal(true);
      // Idle again: the next caller starts its own read.
      const again = r.get();
      expect(finish.length).to.equal(3);
      finish[2]();
      await again;
    });

    it("passes a read's error to its callers and reads again afterwards", async function () {
      let calls = 0;
      const r = new FreshRead(async () => {
        calls++;
        if (calls === 1) throw new Error("rpc down");
      });
      const a = r.get();
      const b = r.get();
      await expect(a).to.be.rejectedWith("rpc down");
      await b; // the queued read (the second) succeeds
      expect(calls).to.equal(2);
      await r.get();
      expect(calls).to.equal(3);
    });
  });

  describe("attestation signatures", function () {
    it("the native signer gives ethers' bytes, which recover to the node's address", function () {
      for (let k = 0; k < 4; k++) {
        const w = Wallet.createRandom();
        const key = new SigningKey(w.privateKey);
        const fast = digestSigner(key);
        expect(fast.backend).to.equal("native");
        const slow = ethersDigestSigner(key);
        for (let i = 0; i < 25; i++) {
          const d = keccak256(toUtf8Bytes(`attestation ${k}/${i}`));
          const sig = fast.sign(d);
          expect(sig).to.equal(slow.sign(d));
          expect(sig).to.match(/^0x[0-9a-f]{128}(1b|1c)$/);
          expect(recoverAddress(d, sig)).to.equal(w.address);
        }
      }
    });

    it("falls back to ethers when the native binding is not wanted", function () {
      const key = new SigningKey(Wallet.createRandom().privateKey);
      const s = digestSigner(key, { native: false });
      expect(s.backend).to.equal("ethers");
      const d = keccak256(toUtf8Bytes("x"));
      expect(s.sign(d)).to.equal(key.sign(d).serialized.toLowerCase());
    });
  });

  describe("feed head", function () {
    let dir: string;
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "node-perf-"))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("reads the highest position and sequence from indexes, not by scanning the feed", function () {
      const db = openDatabase({ dataDir: dir, file: "node.sqlite", migrations: NODE_MIGRATIONS });
      try {
        const plans = ["SELECT MAX(position) AS p FROM feed", "SELECT MAX(sequence) AS s FROM feed"].map(
          (q) =>
            db
              .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${q}`)
              .all()
              .map((r) => r.detail)
              .join("; "),
        );
        for (const p of plans) expect(p).to.not.match(/^SCAN/);
        expect(plans[1]).to.match(/feed_sequence/);
        const store = new NodeStore(db);
        expect(store.head()).to.deep.equal({ position: 0n, sequence: 0n });
        const insert = db.prepare(
          "INSERT INTO feed (position, sequence, digest, signature_hash, attested_at, attestation_signature, " +
            "envelope, cid, sender, recipient, received_at) VALUES (?, ?, 'd', 's', 1, 'x', '', 'c', 'a', 'b', 0)",
        );
        // An equivocating feed reuses sequences: position 4 holds sequence 3.
        for (const [p, s] of [
          [1, 1],
          [2, 2],
          [3, 3],
          [4, 3],
        ])
          insert.run(p, s);
        expect(store.head()).to.deep.equal({ position: 4n, sequence: 3n });
      } finally {
        db.close();
      }
    });
  });

  describe("group commit", function () {
    let dir: string;
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "node-wal-"))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("commits with synchronous=NORMAL and answers only after an fsync of the WAL", async function () {
      const db = openDatabase({ dataDir: dir, file: "node.sqlite", migrations: NODE_MIGRATIONS });
      const s = WalSync.open(db, db.name);
      try {
        expect(s).to.not.equal(undefined);
        expect(db.pragma("synchronous", { simple: true })).to.equal(1); // NORMAL
        const route = s!.wrap({
          method: "POST",
          path: "/w",
          handler: () => {
            db.prepare("INSERT INTO kv (key, value, updated_at) VALUES (?, '1', 0)").run(`k${Math.random()}`);
            return { json: { ok: true } };
          },
        });
        const fsyncs: number[] = [];
        const original = fs.fsync;
        (fs as { fsync: unknown }).fsync = (fd: number, cb: (e: Error | null) => void) => {
          fsyncs.push(fd);
          original(fd, cb);
        };
        try {
          const answers = await Promise.all(
            Array.from({ length: 8 }, () => route.handler({} as Parameters<typeof route.handler>[0])),
          );
          expect(answers.every((a) => JSON.stringify(a) === '{"json":{"ok":true}}')).to.equal(true);
          expect(fsyncs.length, "eight answers, at most two fsyncs").to.be.within(1, 2);
          const n = fsyncs.length;
          await s!.durable(); // nothing written since: no fsync
          expect(fsyncs.length).to.equal(n);
        } finally {
          (fs as { fsync: unknown }).fsync = original;
        }
      } finally {
        s?.close();
        db.close();
      }
    });
  });

  describe("default log sink", function () {
    it("writes the lines of one turn of the event loop in one write to stderr", async function () {
      const writes: string[] = [];
      const original = process.stderr.write.bind(process.stderr);
      (process.stderr as { write: unknown }).write = (chunk: string | Uint8Array) => {
        writes.push(String(chunk));
        return true;
      };
      try {
        const log = createLogger({ level: "info" });
        log.info("one", { n: 1n });
        log.info("two");
        log.debug("hidden");
        expect(writes).to.deep.equal([]);
        await new Promise((res) => setImmediate(res));
        expect(writes.length).to.equal(1);
        const lines = writes[0].split("\n");
        expect(lines.length).to.equal(3);
        expect(lines[2]).to.equal("");
        expect(JSON.parse(lines[0])).to.include({ level: "info", msg: "one" });
        expect(JSON.parse(lines[0]).fields).to.deep.equal({ n: "1" });
        expect(JSON.parse(lines[1])).to.include({ msg: "two" });
      } finally {
        (process.stderr as { write: unknown }).write = original;
      }
    });
  });

  describe("log lines", function () {
    it("fields of strings, numbers, booleans and null are written as they are; bigints and errors, nested or not, are converted", function () {
      const lines: string[] = [];
      const log = createLogger({ level: "info", sink: (l) => lines.push(l), now: () => new Date(0) });
      log.info("plain", { cid: "bag", n: 1.5, ok: true, none: null, gone: undefined });
      log.info("bigint", { n: 2n });
      log.info("nested", { at: { block: 3n, e: new RangeError("too big") }, list: [4n] });
      log.warn("error", { error: Object.assign(new Error("boom"), { code: "E1" }) });
      expect(lines.map((l) => JSON.parse(l) as unknown)).to.deep.equal([
        {
          ts: "1970-01-01T00:00:00.000Z",
          level: "info",
          msg: "plain",
          fields: { cid: "bag", n: 1.5, ok: true, none: null },
        },
        { ts: "1970-01-01T00:00:00.000Z", level: "info", msg: "bigint", fields: { n: "2" } },
        {
          ts: "1970-01-01T00:00:00.000Z",
          level: "info",
          msg: "nested",
          fields: { at: { block: "3", e: { name: "RangeError", message: "too big" } }, list: ["4"] },
        },
        {
          ts: "1970-01-01T00:00:00.000Z",
          level: "warn",
          msg: "error",
          fields: { error: { name: "Error", message: "boom", code: "E1" } },
        },
      ]);
    });
  });

  describe("node:serve settings", function () {
    let dir: string;
    let file: string;
    before(function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "node-perf-config-"));
      file = path.join(dir, "d.json");
      const c = (n: number) => ({ address: `0x${n.toString(16).padStart(40, "0")}` });
      fs.writeFileSync(
        file,
        JSON.stringify({
          network: "localhost",
          chainId: 31337,
          deployBlock: 1,
          deployedAt: "",
          deployer: c(1).address,
          contracts: { KeyRegistry: c(2), NodeRegistry: c(3), Slashing: c(4) },
          parameters: {},
        }),
      );
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** node:serve's options from this deployment file and `env`. */
    const at = (env: Record<string, string>) =>
      resolveServeOptions(
        { deployment: file, signerKey: Wallet.createRandom().privateKey },
        { network: "localhost", networkUrl: "http://127.0.0.1:8545", env },
      );

    it("PUSH_NODE_CLOCK and PUSH_NODE_GROUP_COMMIT choose the clock and turn group commit off", async function () {
      const d = await at({});
      expect([d.clockSource, d.groupCommit]).to.deep.equal([undefined, undefined]);
      const w = await at({ PUSH_NODE_CLOCK: "wall", PUSH_NODE_GROUP_COMMIT: "0" });
      expect([w.clockSource, w.groupCommit]).to.deep.equal(["wall", false]);
      const c = await at({ PUSH_NODE_CLOCK: "Chain", PUSH_NODE_GROUP_COMMIT: "true" });
      expect([c.clockSource, c.groupCommit]).to.deep.equal(["chain", true]);
      await expect(at({ PUSH_NODE_CLOCK: "ntp" })).to.be.rejectedWith(
        /PUSH_NODE_CLOCK="ntp" is not "wall" or "chain"/,
      );
      await expect(at({ PUSH_NODE_GROUP_COMMIT: "sometimes" })).to.be.rejectedWith(
        /PUSH_NODE_GROUP_COMMIT="sometimes" is not one of 1, 0, true, false/,
      );
    });

    it("PUSH_NODE_MESSAGES_PER_COMMIT sets how many Push messages one transaction may store (1 to 1000)", async function () {
      expect((await at({})).messagesPerCommit).to.equal(undefined);
      expect((await at({ PUSH_NODE_MESSAGES_PER_COMMIT: "1" })).messagesPerCommit).to.equal(1);
      expect((await at({ PUSH_NODE_MESSAGES_PER_COMMIT: " 200 " })).messagesPerCommit).to.equal(200);
      for (const bad of ["0", "1001", "-5", "many", "2.5"])
        await expect(at({ PUSH_NODE_MESSAGES_PER_COMMIT: bad })).to.be.rejectedWith(
          `PUSH_NODE_MESSAGES_PER_COMMIT="${bad}" is not an integer from 1 to 1000.`,
        );
    });
  });
});
