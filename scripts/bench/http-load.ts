/**
 * HTTP load for `bench:node`: POSTs prepared JSON bodies, either as fast as the server answers (a fixed
 * number in flight) or at a fixed rate (open loop: each request leaves at its scheduled time whatever the
 * answers before it), and records each answer's status and latency.
 */
import http from "node:http";

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

/**
 * The client's connections: node:http with keep-alive, not `fetch`. Under `top -H` the load generator's thread
 * took 27-63% of a core at 200-256 requests per second through `fetch` (undici): CPU the node under test then
 * did not get on a 2-core machine.
 */
const agent = new http.Agent({ keepAlive: true });

/** One request through `agent`: its status, headers and body text (rejects on a socket error). */
export function request(
  url: string,
  method: "GET" | "POST",
  body?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders =
      body === undefined
        ? {}
        : { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
    const req = http.request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function post(url: string, item: LoadItem): Promise<Answer> {
  const t = performance.now();
  const sentAt = performance.timeOrigin + t;
  try {
    const res = await request(url + item.path, "POST", item.body);
    const ms = performance.now() - t;
    const header = res.headers["server-timing"];
    const timing = /(?:^|,)\s*app;dur=([0-9.]+)/.exec(typeof header === "string" ? header : "");
    const serverMs = timing ? Number(timing[1]) : undefined;
    if (res.status >= 200 && res.status < 300) return { status: res.status, ms, sentAt, serverMs };
    let error = res.text.slice(0, 300);
    try {
      const j = JSON.parse(res.text) as { error?: unknown };
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
