import { expect } from "chai";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { KvStore, migrate, openDatabase, schemaVersion, transaction } from "../../src/store/sqlite";
import type { Database, Migration } from "../../src/store/sqlite";
import { WRITER_MIGRATIONS } from "./fixtures/sqlite-writer";

describe("infra: SQLite store", function () {
  const dirs: string[] = [];
  const dbs: Database[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "sqlite-infra-"));
    dirs.push(d);
    return d;
  };
  const open = (...args: Parameters<typeof openDatabase>) => {
    const db = openDatabase(...args);
    dbs.push(db);
    return db;
  };

  after(function () {
    for (const db of dbs) if (db.open) db.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it("creates the data directory and opens with WAL, synchronous=FULL, temp_store=MEMORY and a busy timeout", function () {
    const dataDir = path.join(tmp(), "nested", "data");
    const db = open({ dataDir, busyTimeoutMs: 1234 });
    expect(fs.existsSync(path.join(dataDir, "state.sqlite"))).to.be.true;
    expect(db.pragma("journal_mode", { simple: true })).to.equal("wal");
    expect(db.pragma("synchronous", { simple: true })).to.equal(2); // FULL
    expect(db.pragma("busy_timeout", { simple: true })).to.equal(1234);
    expect(db.pragma("foreign_keys", { simple: true })).to.equal(1);
    // statement journals in memory: with files, each stored message created and unlinked one in /var/tmp
    expect(db.pragma("temp_store", { simple: true })).to.equal(2); // MEMORY
  });

  it("runs numbered migrations once each, in order, and refuses gaps and downgrades", function () {
    const dataDir = tmp();
    const m: Migration[] = [
      { version: 1, name: "a", up: "CREATE TABLE a (x INTEGER)" },
      { version: 2, name: "b", up: (db) => db.exec("CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1)") },
    ];
    const db = open({ dataDir, migrations: m });
    expect(schemaVersion(db)).to.equal(2);
    expect(migrate(db, m)).to.deep.equal([], "nothing to apply the second time");
    expect(db.prepare("SELECT COUNT(*) AS n FROM a").get()).to.deep.equal({ n: 1 });

    const m3 = [...m, { version: 3, name: "c", up: "CREATE TABLE c (z INTEGER)" }];
    expect(migrate(db, m3)).to.deep.equal([3]);
    expect(() => migrate(db, m)).to.throw(/schema is at version 3 but this program knows only 2/);
    expect(() => migrate(db, [m[0], { version: 3, name: "x", up: "" }])).to.throw(/numbered 1, 2, 3/);

    // A failing step leaves no trace: neither its DDL nor its version row.
    const bad = [
      ...m3,
      { version: 4, name: "bad", up: "CREATE TABLE d (w INTEGER); INSERT INTO nope VALUES (1)" },
    ];
    expect(() => migrate(db, bad)).to.throw(/no such table: nope/);
    expect(schemaVersion(db)).to.equal(3);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'd'").get()).to.equal(undefined);
  });

  it("stores typed JSON values (bigints included) in the kv table", function () {
    const db = open({ dataDir: tmp() });
    const kv = new KvStore(db);
    expect(kv.get("missing")).to.equal(undefined);
    kv.set("cursor:a", { block: 12, hash: "0xab", seq: 2n ** 70n, list: [1, "x", null] });
    kv.set("cursor:b", 5);
    kv.set("other", true);
    expect(kv.get("cursor:a")).to.deep.equal({
      block: 12,
      hash: "0xab",
      seq: 2n ** 70n,
      list: [1, "x", null],
    });
    expect(kv.get<number>("cursor:b")).to.equal(5);
    expect(kv.keys("cursor:")).to.deep.equal(["cursor:a", "cursor:b"]);
    kv.set("cursor:b", 6);
    expect(kv.get<number>("cursor:b")).to.equal(6);
    expect(kv.delete("cursor:b")).to.be.true;
    expect(kv.delete("cursor:b")).to.be.false;
    expect(kv.keys()).to.deep.equal(["cursor:a", "other"]);
  });

  it("commits a batch and its cursor together, or neither", function () {
    const db = open({ dataDir: tmp(), migrations: WRITER_MIGRATIONS });
    const kv = new KvStore(db);
    const insert = db.prepare("INSERT INTO rows (batch, n, payload) VALUES (?, ?, ?)");
    transaction(db, () => {
      insert.run(1, 0, "a");
      kv.set("cursor", 1);
    });
    expect(() =>
      transaction(db, () => {
        insert.run(2, 0, "a");
        kv.set("cursor", 2);
        insert.run(1, 0, "duplicate key"); // fails
      }),
    ).to.throw(/UNIQUE constraint/);
    expect(kv.get("cursor")).to.equal(1);
    expect(db.prepare("SELECT COUNT(*) AS n FROM rows").get()).to.deep.equal({ n: 1 });
    expect(() => transaction(db, (() => Promise.resolve(1)) as () => unknown)).to.throw(
      /must be synchronous/,
    );
  });

  it("nested calls are savepoints: an inner failure undoes only the inner writes; the write lock is held from BEGIN", function () {
    const db = open({ dataDir: tmp(), migrations: WRITER_MIGRATIONS });
    const other = new BetterSqlite3(db.name, { timeout: 0 });
    const insert = db.prepare("INSERT INTO rows (batch, n, payload) VALUES (?, ?, ?)");
    const count = () => (db.prepare("SELECT COUNT(*) AS n FROM rows").get() as { n: number }).n;
    const out = transaction(db, () => {
      // IMMEDIATE: before this transaction wrote anything, another connection cannot write.
      expect(() => other.prepare("INSERT INTO rows (batch, n, payload) VALUES (9, 9, 'x')").run()).to.throw(
        /database is locked/,
      );
      insert.run(1, 0, "outer");
      expect(() =>
        transaction(db, () => {
          insert.run(1, 1, "inner, undone");
          transaction(db, () => insert.run(1, 2, "innermost, undone with its parent"));
          throw new Error("inner refused");
        }),
      ).to.throw("inner refused");
      expect(db.inTransaction).to.equal(true);
      transaction(db, () => insert.run(1, 3, "inner, kept"));
      expect(() => transaction(db, (() => Promise.resolve(1)) as () => unknown)).to.throw(
        /must be synchronous/,
      );
      return count();
    });
    expect(out).to.equal(2);
    expect(db.inTransaction).to.equal(false);
    expect(db.prepare("SELECT payload FROM rows ORDER BY n").all()).to.deep.equal([
      { payload: "outer" },
      { payload: "inner, kept" },
    ]);
    other.close();
  });

  it("loses no committed batch and keeps no partial one when the writer is killed with SIGKILL", async function () {
    const dataDir = tmp();
    const perBatch = 500;
    const script = path.join(__dirname, "fixtures", "sqlite-writer.ts");
    const child = spawn(
      process.execPath,
      ["-r", require.resolve("ts-node/register/transpile-only"), script, dataDir, String(perBatch)],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let reported = 0;
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on("exit", (_code, signal) => r(signal)));
    try {
      await new Promise<void>((resolve, reject) => {
        let buf = "";
        child.stdout.on("data", (d: Buffer) => {
          buf += d.toString();
          const lines = buf.split("\n");
          buf = lines.pop() ?? "";
          for (const l of lines) {
            const m = /^committed (\d+)$/.exec(l);
            if (m) reported = Number(m[1]);
          }
          if (reported >= 30) resolve();
        });
        child.on("exit", () => reject(new Error(`writer exited early: ${stderr}`)));
        setTimeout(() => reject(new Error(`writer too slow (reported ${reported}): ${stderr}`)), 30_000);
      });
      child.kill("SIGKILL");
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    expect(await exited).to.equal("SIGKILL");
    // The kill left a WAL behind: recovery from it is what we check.
    expect(fs.existsSync(path.join(dataDir, "state.sqlite-wal"))).to.be.true;

    const db = open({ dataDir, migrations: WRITER_MIGRATIONS });
    const cursor = new KvStore(db).get<number>("cursor")!;
    const perBatchRows = db
      .prepare<[], { batch: number; c: number }>(
        "SELECT batch, COUNT(*) AS c FROM rows GROUP BY batch ORDER BY batch",
      )
      .all();
    expect(cursor).to.be.at.least(reported, "every batch reported as committed is there");
    expect(perBatchRows.map((r) => r.batch)).to.deep.equal(
      [...Array(cursor).keys()].map((i) => i + 1),
      "batches 1..cursor, none missing, none beyond the cursor",
    );
    for (const r of perBatchRows) expect(r.c).to.equal(perBatch, `batch ${r.batch} is complete`);
    expect(db.pragma("integrity_check", { simple: true })).to.equal("ok");
  });
});
