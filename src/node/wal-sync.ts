/**
 * Group commit for the node's database: transactions commit without waiting for the disk (SQLite WAL with
 * synchronous=NORMAL: a committed transaction is in the operating system's cache, so it survives kill -9 of
 * the node), and every HTTP answer given after a write first waits for an fsync of the WAL file that started
 * after that write (so what the node acknowledges also survives a power cut, as with synchronous=FULL).
 * One fsync, on libuv's thread pool, covers all the transactions committed before it started: the event
 * loop no longer blocks on the disk for each message, and messages arriving together share a sync.
 *
 * SQLite keeps the database consistent under NORMAL (the WAL is synced before each checkpoint and the
 * database file after it); only the durability of the last commits moves to the explicit sync here.
 */
import fs from "node:fs";
import type { Database } from "../store/sqlite";
import type { Route } from "../http/server";
import { FreshRead } from "./fresh-read";

export class WalSync {
  /** total_changes() counted when the last completed fsync started: those writes are on disk. */
  private covered = -1;
  private readonly syncs: FreshRead;
  private readonly changes;
  private closed = false;
  private inFlight = 0;

  private constructor(
    private readonly db: Database,
    private readonly fd: number,
  ) {
    this.changes = db.prepare<[], { n: number }>("SELECT total_changes() AS n");
    this.syncs = new FreshRead(() => this.fsyncOnce());
  }

  /**
   * Switches `db` (open in WAL mode, `file` its path) to synchronous=NORMAL with this group commit, or
   * returns undefined (and changes nothing) when its WAL file cannot be opened.
   */
  static open(db: Database, file: string): WalSync | undefined {
    if (String(db.pragma("journal_mode", { simple: true })).toLowerCase() !== "wal") return undefined;
    let fd: number;
    try {
      fd = fs.openSync(`${file}-wal`, "r");
    } catch {
      return undefined;
    }
    const s = new WalSync(db, fd);
    // Whatever was committed before the switch is made durable now, synchronously.
    fs.fsyncSync(fd);
    s.covered = s.changes.get()?.n ?? 0;
    db.pragma("synchronous = NORMAL");
    return s;
  }

  private async fsyncOnce(): Promise<void> {
    // Transactions run synchronously on this thread: none is half done here, so every write counted now
    // is in the WAL file (the OS cache) before the fsync starts.
    if (this.closed) return; // close() synced
    const n = this.changes.get()?.n ?? 0;
    this.inFlight++;
    try {
      await new Promise<void>((resolve, reject) => fs.fsync(this.fd, (e) => (e ? reject(e) : resolve())));
    } finally {
      this.inFlight--;
      if (this.closed && this.inFlight === 0) fs.closeSync(this.fd);
    }
    if (n > this.covered) this.covered = n;
  }

  /** Resolves when everything committed so far is on disk (at once when nothing was written since). */
  async durable(): Promise<void> {
    if (this.closed || !this.db.open) return;
    if ((this.changes.get()?.n ?? 0) === this.covered) return;
    await this.syncs.get();
  }

  /** `route` answering only once what it committed is on disk (its errors too: a refusal may have written). */
  wrap(route: Route): Route {
    const handler = route.handler;
    return {
      ...route,
      handler: async (ctx) => {
        try {
          return await handler(ctx);
        } finally {
          await this.durable();
        }
      },
    };
  }

  /** Syncs once more (synchronously) and closes the WAL file; call before closing the database. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      fs.fsyncSync(this.fd);
    } finally {
      if (this.inFlight === 0) fs.closeSync(this.fd); // else when the fsync under way ends
    }
  }
}
