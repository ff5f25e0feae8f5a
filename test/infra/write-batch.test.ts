import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { openDatabase } from "../../src/store/sqlite";
import type { Database } from "../../src/store/sqlite";
import { WriteBatcher } from "../../src/store/write-batch";

/**
 * Same-turn write batching (src/store/write-batch.ts) on real SQLite files: the writes queued in one turn of
 * the event loop commit in one transaction, each promise settles after that commit, a failing write rolls
 * back alone, and a failed commit rejects them all with nothing stored.
 */
describe("WriteBatcher", function () {
  let dir: string;
  let db: Database;
  let reader: BetterSqlite3.Database;
  let commits: number[];
  const insert = (v: string) => () => db.prepare("INSERT INTO t (v) VALUES (?)").run(v).lastInsertRowid;
  const seen = () => (reader.prepare("SELECT v FROM t ORDER BY id").all() as { v: string }[]).map((r) => r.v);
  const walFrames = () => fs.statSync(`${db.name}-wal`).size;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "write-batch-"));
    db = openDatabase({ dataDir: dir, file: "t.sqlite" });
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)");
    // Another connection, as another process would read the file: it sees committed rows only.
    reader = new BetterSqlite3(db.name, { readonly: true });
    commits = [];
  });
  afterEach(() => {
    reader.close();
    if (db.open) db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("writes queued in one turn commit in one transaction; each resolves after the commit, in order", async () => {
    const w = new WriteBatcher(db, { onCommit: (n) => commits.push(n) });
    const before = walFrames();
    const ps = ["a", "b", "c", "d", "e"].map((v) => w.run(insert(v)));
    expect(w.pending).to.equal(5);
    expect(seen()).to.deep.equal([]); // nothing ran yet
    const settled: string[] = [];
    ps.forEach((p, i) => void p.then(() => settled.push(`${i}:${seen().length}`)));
    expect(await Promise.all(ps)).to.deep.equal([1n, 2n, 3n, 4n, 5n].map(Number));
    // every promise settled with all five rows already visible to another connection
    expect(settled).to.deep.equal(["0:5", "1:5", "2:5", "3:5", "4:5"]);
    expect(commits).to.deep.equal([5]);
    // one commit: the table's page and the commit frame, not five of each
    const oneRow = walFrames() - before;
    await w.run(insert("f"));
    expect(commits).to.deep.equal([5, 1]);
    expect(walFrames() - before - oneRow).to.be.at.most(oneRow);
    expect(seen()).to.deep.equal(["a", "b", "c", "d", "e", "f"]);
  });

  it("a write alone commits at the next check phase, without waiting for company", async () => {
    const w = new WriteBatcher(db, { onCommit: (n) => commits.push(n) });
    const order: string[] = [];
    const p = w.run(insert("alone")).then(() => order.push("committed"));
    setTimeout(() => order.push("timer"), 0);
    await p;
    await new Promise((r) => setTimeout(r, 5));
    expect(order).to.deep.equal(["committed", "timer"]);
    expect(commits).to.deep.equal([1]);
  });

  it("a write that throws rolls back alone and rejects with its error; the others commit", async () => {
    const w = new WriteBatcher(db, { onCommit: (n) => commits.push(n) });
    const first = w.run(insert("a"));
    const bad = w.run(() => {
      insert("half")(); // written, then undone with its savepoint
      throw new Error("refused by its check");
    });
    const b = w.run(insert("b"));
    const dup = w.run(insert("a")); // UNIQUE: fails against the "a" queued before it
    const results = await Promise.allSettled([first, bad, b, dup]);
    expect(results.map((r) => r.status)).to.deep.equal(["fulfilled", "rejected", "fulfilled", "rejected"]);
    expect(String((results[1] as PromiseRejectedResult).reason)).to.contain("refused by its check");
    expect(String((results[3] as PromiseRejectedResult).reason)).to.match(/UNIQUE constraint failed/);
    expect(seen()).to.deep.equal(["a", "b"]);
    expect(commits).to.deep.equal([2]);
  });

  it("each write sees the writes queued before it", async () => {
    const w = new WriteBatcher(db);
    const count = () => (db.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n;
    const ps = [w.run(insert("a")), w.run(count), w.run(insert("b")), w.run(count)];
    expect((await Promise.all(ps)).slice(1)).to.deep.equal([1, 2, 2]);
  });

  it("maxWrites splits a long queue into several transactions, in order", async () => {
    const w = new WriteBatcher(db, { maxWrites: 2, onCommit: (n) => commits.push(n) });
    await Promise.all(["a", "b", "c", "d", "e"].map((v) => w.run(insert(v))));
    expect(commits).to.deep.equal([2, 2, 1]);
    expect(seen()).to.deep.equal(["a", "b", "c", "d", "e"]);
    expect(() => new WriteBatcher(db, { maxWrites: 0 })).to.throw(RangeError, /positive integer/);
  });

  it("a COMMIT that fails rejects every write of the batch, and none is stored", async () => {
    db.pragma("foreign_keys = ON");
    db.exec(
      "CREATE TABLE parent (id INTEGER PRIMARY KEY); " +
        "CREATE TABLE child (id INTEGER PRIMARY KEY, p INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)",
    );
    const w = new WriteBatcher(db, { onCommit: (n) => commits.push(n) });
    const orphan = () => db.prepare("INSERT INTO child (p) VALUES (42)").run(); // fails at COMMIT only
    const results = await Promise.allSettled([w.run(insert("a")), w.run(orphan), w.run(insert("b"))]);
    expect(results.map((r) => r.status)).to.deep.equal(["rejected", "rejected", "rejected"]);
    for (const r of results) expect(String((r as PromiseRejectedResult).reason)).to.match(/FOREIGN KEY/);
    expect(seen()).to.deep.equal([]);
    expect(db.inTransaction).to.equal(false);
    expect(commits).to.deep.equal([]);
    await w.run(insert("after")); // the connection works on
    expect(seen()).to.deep.equal(["after"]);
  });

  it("a write SQLite answers by rolling the whole transaction back ends the batch: all reject, nothing stored", async () => {
    db.exec(
      "CREATE TABLE poison (x) ; CREATE TRIGGER poison_rollback BEFORE INSERT ON poison BEGIN SELECT RAISE(ROLLBACK, 'poisoned'); END",
    );
    const w = new WriteBatcher(db, { onCommit: (n) => commits.push(n) });
    const poison = () => db.prepare("INSERT INTO poison (x) VALUES (1)").run();
    const results = await Promise.allSettled([w.run(insert("a")), w.run(poison), w.run(insert("b"))]);
    expect(results.map((r) => r.status)).to.deep.equal(["rejected", "rejected", "rejected"]);
    expect(String((results[2] as PromiseRejectedResult).reason)).to.match(/rolled back by SQLite/);
    expect(seen()).to.deep.equal([]); // not even "b" on its own
    expect(commits).to.deep.equal([]);
  });

  it("a flush inside someone else's open transaction runs nothing: its writes reject and are not stored", async () => {
    const w = new WriteBatcher(db, { onCommit: (n) => commits.push(n) });
    const p = w.run(insert("a"));
    db.exec("BEGIN");
    w.flush();
    db.exec("COMMIT");
    const e = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(String(e)).to.contain("Another transaction is open on this connection");
    expect(seen()).to.deep.equal([]);
    expect(commits).to.deep.equal([]);
  });

  it("flush commits what is queued now; after the database closed, a write rejects with a sentence", async () => {
    const w = new WriteBatcher(db, { onCommit: (n) => commits.push(n) });
    const p = w.run(insert("a"));
    w.flush();
    expect(seen()).to.deep.equal(["a"]);
    await p;
    const late = w.run(insert("b"));
    db.close();
    const e = await late.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(String(e)).to.contain(
      "The database was closed before this write committed; nothing of it was stored.",
    );
    expect(commits).to.deep.equal([1]);
  });
});
