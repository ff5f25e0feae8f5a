import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../../src/store/sqlite";
import { BackgroundCheckpointer } from "../../src/store/checkpointer";

/** WAL checkpoints on a worker thread (src/store/checkpointer.ts): the writer never checkpoints itself. */
describe("BackgroundCheckpointer", function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "checkpointer-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const open = () => {
    const db = openDatabase({ dataDir: dir, file: "t.sqlite" });
    db.exec("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    return db;
  };
  const walPages = (file: string) => fs.statSync(`${file}-wal`).size / 4096;

  it("turns the writer's automatic checkpoints off and copies the WAL into the database on the worker", async () => {
    const db = open();
    const cp = BackgroundCheckpointer.start(db, db.name, { intervalMs: 60_000 });
    expect(db.pragma("wal_autocheckpoint", { simple: true })).to.equal(0);
    const insert = db.prepare("INSERT INTO t (v) VALUES (?)");
    for (let i = 0; i < 1500; i++) insert.run("x".repeat(4000)); // ~1,500 pages, past the default 1,000
    expect(walPages(db.name)).to.be.greaterThan(1000); // the writer did not checkpoint
    const r = await cp.next();
    expect(r.log).to.be.greaterThan(1000);
    expect(r.checkpointed).to.equal(r.log);
    // the writer restarts the WAL from its beginning: it stops growing
    const size = fs.statSync(`${db.name}-wal`).size;
    for (let i = 0; i < 200; i++) insert.run("y".repeat(4000));
    expect(fs.statSync(`${db.name}-wal`).size).to.equal(size);
    await cp.close();
    expect(db.pragma("wal_autocheckpoint", { simple: true })).to.equal(1000);
    db.close();
    const again = open();
    expect((again.prepare("SELECT COUNT(*) AS n FROM t").get() as { n: number }).n).to.equal(1700);
    again.close();
  });

  it("checkpoints on its own every intervalMs", async () => {
    const db = open();
    const cp = BackgroundCheckpointer.start(db, db.name, { intervalMs: 20 });
    db.prepare("INSERT INTO t (v) VALUES (?)").run("z");
    const deadline = Date.now() + 5000;
    while (cp.count < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(cp.count).to.be.greaterThanOrEqual(2);
    await cp.close();
    db.close();
  });

  it("when the worker dies, the writer checkpoints automatically again and the error is told once", async () => {
    const db = open();
    const errors: Error[] = [];
    const cp = BackgroundCheckpointer.start(db, db.name, {
      intervalMs: 60_000,
      onError: (e) => errors.push(e),
    });
    await cp.next();
    await (cp as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const deadline = Date.now() + 5000;
    while (errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(errors).to.have.length(1);
    expect(errors[0].message).to.match(/checkpoint worker exited/);
    expect(cp.active).to.equal(false);
    expect(db.pragma("wal_autocheckpoint", { simple: true })).to.equal(1000);
    await cp.close();
    db.close();
  });
});
