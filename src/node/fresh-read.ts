/**
 * A read that must start after its caller asked (e.g. the chain's latest block, after a time jump), shared
 * by the callers waiting: while a read is under way, callers that arrive wait for the one read queued to
 * start when it ends (the read under way may have started before their question). However many callers,
 * at most one read is under way and one queued; each caller gets the outcome (or error) of a read that
 * started after it called.
 */
export class FreshRead {
  private current: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(private readonly read: () => Promise<void>) {}

  /** Resolves when a read started after this call has ended; rejects with that read's error. */
  get(): Promise<void> {
    if (this.current === undefined) {
      const p: Promise<void> = this.read().finally(() => {
        if (this.current === p) this.current = undefined;
      });
      this.current = p;
      return p;
    }
    if (this.next === undefined) {
      const n: Promise<void> = this.current
        .catch(() => undefined)
        .then(() => {
          this.next = undefined;
          return this.get();
        });
      this.next = n;
    }
    return this.next;
  }
}
