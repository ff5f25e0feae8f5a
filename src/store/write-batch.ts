/**
 * Same-turn write batching for one SQLite connection: the writes queued during one turn of the event loop
 * (for example every request whose body arrived in the same poll phase) run together at the next check phase
 * (`setImmediate`) in ONE IMMEDIATE transaction, each in its own savepoint, and commit with one WAL append and,
 * under synchronous=FULL, one fsync. A write's promise settles only after that commit, so a caller that answers
 * when it resolves never acknowledges anything a crash could lose.
 *
 * - Nothing waits for company: a write queued alone commits at the next check phase, as soon as it would have
 *   committed on its own; writes are batched only when several are already queued.
 * - Each write is isolated: one that throws rolls back to its savepoint and its promise rejects with its
 *   error; the others in the batch commit. If the COMMIT itself fails, every write in the batch rejects.
 * - The batch runs synchronously from BEGIN to COMMIT, so no other code on this connection (a read of the
 *   feed, another transaction) ever sees a batch's uncommitted rows.
 * - Writes run in the order they were queued, so each sees the ones queued before it.
 */
import type { Database } from "./sqlite";
import { transaction } from "./sqlite";

interface Job {
  fn: () => unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export interface WriteBatcherOptions {
  /** The most writes per transaction (default 64): a longer queue commits in several transactions. */
  maxWrites?: number;
  /** Called after each commit that stored writes, with how many (metrics; not for a batch whose writes all failed). */
  onCommit?: (writes: number) => void;
}

export class WriteBatcher {
  private queue: Job[] = [];
  private scheduled = false;
  private readonly maxWrites: number;

  constructor(
    private readonly db: Database,
    private readonly opts: WriteBatcherOptions = {},
  ) {
    this.maxWrites = opts.maxWrites ?? 64;
    if (!Number.isInteger(this.maxWrites) || this.maxWrites < 1)
      throw new RangeError(`maxWrites must be a positive integer, got ${String(opts.maxWrites)}.`);
  }

  /** Writes queued and not yet committed or rejected. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Queues `fn` (synchronous; it may read and write the database and throw) and resolves with its result
   * once the transaction holding its writes has committed.
   */
  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued now (also what a shutdown calls before closing the database). */
  flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) this.commit(this.queue.splice(0, this.maxWrites));
  }

  private commit(jobs: Job[]): void {
    if (!this.db.open) {
      const e = new Error("The database was closed before this write committed; nothing of it was stored.");
      for (const j of jobs) j.reject(e);
      return;
    }
    if (this.db.inTransaction) {
      // Our transaction would be a savepoint of someone else's: its writes would be answered before they commit.
      const e = new Error(
        "Another transaction is open on this connection; the batch was not run and nothing of it was stored.",
      );
      for (const j of jobs) j.reject(e);
      return;
    }
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      transaction(this.db, () => {
        for (const j of jobs) {
          // An error SQLite answers by rolling the whole transaction back (SQLITE_FULL, an I/O error) ends the
          // batch: every write in it rejects, none runs outside the transaction.
          if (!this.db.inTransaction)
            throw new Error(
              "The batch's transaction was rolled back by SQLite; none of its writes was stored.",
            );
          try {
            // A nested transaction(): a savepoint, rolled back alone if j.fn throws.
            outcomes.push({ ok: true, value: transaction(this.db, j.fn) });
          } catch (e) {
            outcomes.push({ ok: false, value: e });
          }
        }
      });
    } catch (e) {
      for (const j of jobs) j.reject(e);
      return;
    }
    const stored = outcomes.filter((o) => o.ok).length;
    if (stored > 0) this.opts.onCommit?.(stored);
    jobs.forEach((j, i) => (outcomes[i].ok ? j.resolve(outcomes[i].value) : j.reject(outcomes[i].value)));
  }
}
