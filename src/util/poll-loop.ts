/**
 * Runs `task` every `intervalMs` until {@link PollLoop.stop}. A failing task is reported to `onError` and
 * retried at the next tick, never thrown. `stop` wakes a sleeping loop at once and resolves when the
 * current task has finished.
 */
export class PollLoop {
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly task: () => Promise<unknown>,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** Starts polling (no-op when already running). */
  start(intervalMs: number): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = (async () => {
      while (!this.stopping) {
        try {
          await this.task();
        } catch (e) {
          this.onError(e);
        }
        if (this.stopping) break;
        await new Promise<void>((r) => {
          const t = setTimeout(r, intervalMs);
          this.wake = () => {
            clearTimeout(t);
            r();
          };
        });
        this.wake = undefined;
      }
    })();
  }

  /** Stops polling; resolves once the loop has ended. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }
}
