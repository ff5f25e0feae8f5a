/**
 * Calls `until` every `intervalMs` until it returns something other than `undefined`, and returns that.
 * Errors thrown by `until` count as "not yet"; after `timeoutMs` it throws one sentence naming `what` and
 * the last error seen.
 */
export async function waitFor<T>(
  what: string,
  until: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  intervalMs = 150,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await until();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? ` (last error: ${last.message})` : "";
      throw new Error(`Timed out waiting for ${what}${detail}.`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
