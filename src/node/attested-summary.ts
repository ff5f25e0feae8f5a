/**
 * The node's info line about what it attested: one line per interval (default a minute) with the number of
 * messages and the feed positions they took, instead of one line per message. At a thousand messages a second
 * a line each was ~300 KB/s of logs and ~2% of the node's time per message (a CPU profile of bench:node); each
 * message's own line ("attested", "attested a Push message") is still written at debug level. `/metrics`
 * counts every message as before (pushnode_messages_accepted_total).
 */
import type { Logger } from "../log";

export class AttestedSummary {
  private messages = 0;
  private push = 0;
  private faults = 0;
  private first: bigint | undefined;
  private last: bigint | undefined;
  private since: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 60_000,
    private readonly clock: () => number = Date.now,
  ) {
    if (!Number.isFinite(intervalMs) || intervalMs <= 0)
      throw new Error(`The summary interval must be a positive number of ms, not ${intervalMs}.`);
    this.since = clock();
  }

  /** Counts one attested message at `position` (a Push Chat message or an envelope; accepted as a fault). */
  record(position: bigint, kind: "push" | "envelope", acceptedFault: boolean): void {
    this.messages++;
    if (kind === "push") this.push++;
    if (acceptedFault) this.faults++;
    if (this.first === undefined || position < this.first) this.first = position;
    if (this.last === undefined || position > this.last) this.last = position;
  }

  /** Writes the line for what was recorded since the last one (nothing when nothing was). */
  flush(): void {
    const now = this.clock();
    if (this.messages > 0)
      this.log.info("attested messages", {
        messages: this.messages,
        pushMessages: this.push,
        envelopes: this.messages - this.push,
        ...(this.faults > 0 ? { acceptedFaults: this.faults } : {}),
        firstPosition: (this.first as bigint).toString(),
        lastPosition: (this.last as bigint).toString(),
        seconds: Math.round((now - this.since) / 100) / 10,
      });
    this.messages = this.push = this.faults = 0;
    this.first = this.last = undefined;
    this.since = now;
  }

  /** Writes a line every interval (the timer does not keep the process alive). */
  start(): void {
    if (this.timer) return;
    this.since = this.clock();
    this.timer = setInterval(() => this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and writes what is left. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }
}
