/**
 * HTTP load for `bench:node`: POSTs prepared JSON bodies, either as fast as the server answers (a fixed
 * number in flight) or at a fixed rate (open loop: each request leaves at its scheduled time whatever the
 * answers before it), and records each answer's status and latency.
 */

export interface LoadItem {
  path: string;
  body: string;
}

export interface Answer {
  status: number;
  /** Milliseconds from the request's departure to the end of its answer. */
  ms: number;
  /** The departure, Unix ms (performance.timeOrigin + now of the sending thread). */
  sentAt: number;
  /**
   * The node's own time on the request (its `Server-Timing: app;dur=` header): from reading the request's
   * headers to answering. `ms` minus this is the time in the sockets, in the node's queue and in this client.
   */
  serverMs?: number;
  /** The answer's `error` sentence when it is not 2xx. */
  error?: string;
}

async function post(url: string, item: LoadItem): Promise<Answer> {
  const t = performance.now();
  const sentAt = performance.timeOrigin + t;
  try {
    const res = await fetch(url + item.path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: item.body,
    });
    const text = await res.text();
    const ms = performance.now() - t;
    const timing = /(?:^|,)\s*app;dur=([0-9.]+)/.exec(res.headers.get("server-timing") ?? "");
    const serverMs = timing ? Number(timing[1]) : undefined;
    if (res.ok) return { status: res.status, ms, sentAt, serverMs };
    let error = text.slice(0, 300);
    try {
      const j = JSON.parse(text) as { error?: unknown };
      if (typeof j.error === "string") error = j.error;
    } catch {
      // keep the text
    }
    return { status: res.status, ms, sentAt, serverMs, error };
  } catch (e) {
    return { status: 0, ms: performance.now() - t, sentAt, error: (e as Error).message };
  }
}

/** Sends every item with `inFlight` requests outstanding at all times; answers in item order. */
export async function closedLoop(url: string, items: LoadItem[], inFlight: number): Promise<Answer[]> {
  const out: Answer[] = new Array<Answer>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await post(url, items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, items.length) }, worker));
  return out;
}

/** Sends item i at `i / perSecond` seconds from the start, without waiting for earlier answers. */
export async function openLoop(url: string, items: LoadItem[], perSecond: number): Promise<Answer[]> {
  const start = performance.now();
  const interval = 1000 / perSecond;
  const pending: Promise<Answer>[] = [];
  for (let i = 0; i < items.length; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(post(url, items[i]));
  }
  return Promise.all(pending);
}

/** The q-quantile (0..1) of `sorted` (ascending), nearest rank. */
function quantileOfSorted(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** The q-quantile (0..1) of `xs`, nearest rank. */
export function quantile(xs: number[], q: number): number {
  return quantileOfSorted(
    [...xs].sort((a, b) => a - b),
    q,
  );
}

/** p50, p90, p99 (nearest rank) and max of latencies in ms, to 0.1 ms. */
export function latencySummary(xs: number[]): { p50: number; p90: number; p99: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number) => Number(x.toFixed(1));
  return {
    p50: r(quantileOfSorted(s, 0.5)),
    p90: r(quantileOfSorted(s, 0.9)),
    p99: r(quantileOfSorted(s, 0.99)),
    max: r(s.length === 0 ? -Infinity : s[s.length - 1]),
  };
}
