/**
 * WAL checkpoints on a worker thread. SQLite's automatic checkpoint runs inside the commit that crosses
 * `wal_autocheckpoint` pages (1,000 by default): that commit copies the WAL into the database file and
 * fsyncs it on the thread that committed, so every few hundred messages one request of a busy node waits
 * tens of milliseconds (the p99 of `npm run bench:node`). Here the database's own connection stops
 * checkpointing (`wal_autocheckpoint = 0`) and a worker thread, with its own connection to the same file,
 * runs `PRAGMA wal_checkpoint(PASSIVE)` every `intervalMs`: PASSIVE never blocks the writer, and the writer
 * restarts the WAL from its beginning once a checkpoint has copied all of it.
 *
 * Durability is unchanged: a commit is durable when its WAL frames are synced (synchronous=FULL or the
 * group commit), whoever checkpoints later; after kill -9, SQLite replays the WAL on the next open.
 * If the worker cannot start or fails, the connection goes back to automatic checkpoints (and says so
 * through `onError`), so the WAL never grows without bound.
 */
import { Worker } from "node:worker_threads";
import type { Database } from "./sqlite";

const DEFAULT_AUTOCHECKPOINT = 1000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
parentPort.on("message", (m) => {
  if (m === "close") { db.close(); parentPort.close(); return; }
  try {
    const [r] = db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ ok: true, busy: r.busy, log: r.log, checkpointed: r.checkpointed });
  } catch (e) {
    parentPort.postMessage({ ok: false, error: String(e && e.message ? e.message : e) });
  }
});
`;

export interface CheckpointResult {
  /** WAL frames in the log, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
}

export interface BackgroundCheckpointerOptions {
  /** Time between checkpoints (default 250 ms). */
  intervalMs?: number;
  /** Told once when the worker fails; the connection is back on automatic checkpoints then. */
  onError?: (error: Error) => void;
}

export class BackgroundCheckpointer {
  private readonly worker: Worker;
  private readonly timer: NodeJS.Timeout;
  private busy = false;
  private failed = false;
  private closed = false;
  private waiters: Array<(r: CheckpointResult) => void> = [];
  /** Checkpoints the worker completed. */
  count = 0;

  private constructor(
    private readonly db: Database,
    file: string,
    private readonly opts: BackgroundCheckpointerOptions,
  ) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, module: require.resolve("better-sqlite3"), busyTimeoutMs: 5000 },
    });
    this.worker.unref();
    this.worker.on("message", (m: { ok: boolean; error?: string } & CheckpointResult) => {
      this.busy = false;
      if (!m.ok) return this.fail(new Error(`background WAL checkpoint failed: ${m.error}`));
      this.count++;
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w({ log: m.log, checkpointed: m.checkpointed });
    });
    this.worker.on("error", (e) => this.fail(e));
    this.worker.on("exit", (code) => {
      if (!this.closed) this.fail(new Error(`the WAL checkpoint worker exited (code ${code})`));
    });
    this.timer = setInterval(() => this.poke(), opts.intervalMs ?? 250);
    this.timer.unref();
  }

  /** Starts checkpointing `db` (a WAL database at `file`) on a worker thread. */
  static start(db: Database, file: string, opts: BackgroundCheckpointerOptions = {}): BackgroundCheckpointer {
    db.pragma("wal_autocheckpoint = 0");
    return new BackgroundCheckpointer(db, file, opts);
  }

  /** Whether checkpoints run on the worker (false after a failure or close). */
  get active(): boolean {
    return !this.failed && !this.closed;
  }

  /** Asks for a checkpoint now (unless one is under way). */
  poke(): void {
    if (!this.active || this.busy) return;
    this.busy = true;
    this.worker.postMessage("checkpoint");
  }

  /** Resolves with the result of the next completed checkpoint. */
  next(): Promise<CheckpointResult> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.poke();
    });
  }

  private fail(e: Error): void {
    if (this.failed || this.closed) return;
    this.failed = true;
    clearInterval(this.timer);
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
    void this.worker.terminate();
    this.opts.onError?.(e);
  }

  /**
   * Stops the worker; the connection checkpoints automatically again. Synchronous in effect (the database
   * may be closed right after); the promise resolves when the worker has exited.
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    clearInterval(this.timer);
    if (this.db.open && !this.failed) this.db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
    if (this.failed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const t = setTimeout(() => void this.worker.terminate().then(() => resolve()), 2000);
      t.unref();
      this.worker.once("exit", () => {
        clearTimeout(t);
        resolve();
      });
      this.worker.postMessage("close");
    });
  }
}
