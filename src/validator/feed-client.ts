/**
 * HTTP client for a Push Node's feed (`GET /v1/feed?after=<sequence>&limit=<n>`) and content
 * (`GET /v1/content/<cid>`), with a timeout and a cap on the response size. Errors are typed so that the
 * caller can count them and back off; nothing here retries.
 */

export type FeedErrorKind = "endpoint" | "network" | "timeout" | "http" | "too-large" | "json" | "shape";

export class FeedError extends Error {
  constructor(
    readonly kind: FeedErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "FeedError";
  }
}

export interface FeedClientOptions {
  /** Per-request timeout in ms (default 10000). */
  timeoutMs?: number;
  /** Cap on a feed response in bytes (default 64 MiB). */
  maxFeedBytes?: number;
  /** Cap on a content response in bytes (default 17 MiB: the largest max content size is 16 MiB). */
  maxContentBytes?: number;
}

/** The base URL of a node's API from its registered endpoint; throws FeedError("endpoint"). */
export function endpointBase(endpoint: string): string {
  let u: URL;
  try {
    u = new URL(endpoint.trim());
  } catch {
    throw new FeedError("endpoint", `registered endpoint "${endpoint.slice(0, 100)}" is not a URL`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw new FeedError("endpoint", `registered endpoint ${u.protocol} is not http(s)`);
  if (u.username || u.password) throw new FeedError("endpoint", "registered endpoint carries credentials");
  return u.toString().replace(/\/+$/, "");
}

async function readCapped(res: Response, max: number, what: string): Promise<Uint8Array> {
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => undefined);
    throw new FeedError("too-large", `${what} is ${declared} bytes, over the cap of ${max}`);
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new FeedError("too-large", `${what} exceeds the cap of ${max} bytes`);
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

export interface FeedPageRaw {
  items: unknown[];
  meta: { node?: unknown; chainId?: unknown; verifyingContract?: unknown; head?: unknown };
}

export class FeedClient {
  private readonly timeoutMs: number;
  private readonly maxFeedBytes: number;
  private readonly maxContentBytes: number;

  constructor(opts: FeedClientOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxFeedBytes = opts.maxFeedBytes ?? 64 * 1024 * 1024;
    this.maxContentBytes = opts.maxContentBytes ?? 17 * 1024 * 1024;
  }

  private async get(url: string, max: number, what: string): Promise<{ status: number; body: Uint8Array }> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    let res: Response;
    try {
      res = await fetch(url, { signal, redirect: "error", headers: { accept: "application/json" } });
    } catch (e) {
      if (signal.aborted) throw new FeedError("timeout", `${what}: no answer in ${this.timeoutMs} ms`);
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new FeedError("network", `${what}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    }
    try {
      const body = await readCapped(res, max, what);
      return { status: res.status, body };
    } catch (e) {
      if (e instanceof FeedError) throw e;
      if (signal.aborted)
        throw new FeedError("timeout", `${what}: body not received in ${this.timeoutMs} ms`);
      throw new FeedError("network", `${what}: ${(e as Error).message}`);
    }
  }

  /**
   * One page of a node's feed: the items after position `after`, at most `limit`. Returns the raw items
   * (each `{ position, envelope, attestation, cid }`) for the caller to decode one by one, and the page's
   * own claims about the node (`node`, `chainId`, `verifyingContract`, `head`) when present.
   */
  async feed(endpoint: string, after: bigint, limit: number): Promise<FeedPageRaw> {
    const base = endpointBase(endpoint);
    const q = new URLSearchParams({ after: after.toString(), limit: String(limit) });
    const { status, body } = await this.get(`${base}/v1/feed?${q}`, this.maxFeedBytes, "feed");
    const text = Buffer.from(body).toString("utf8");
    if (status !== 200)
      throw new FeedError("http", `feed answered HTTP ${status}: ${text.slice(0, 200)}`, status);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new FeedError("json", `feed is not JSON: ${(e as Error).message}`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      throw new FeedError("shape", "feed page is not a JSON object");
    const o = parsed as Record<string, unknown>;
    if (!Array.isArray(o.items)) throw new FeedError("shape", "feed page has no `items` array");
    return {
      items: o.items as unknown[],
      meta: { node: o.node, chainId: o.chainId, verifyingContract: o.verifyingContract, head: o.head },
    };
  }

  /** The content stored under `cid`, or null when the node answers 404. */
  async content(endpoint: string, cid: string): Promise<Uint8Array | null> {
    const base = endpointBase(endpoint);
    const { status, body } = await this.get(
      `${base}/v1/content/${encodeURIComponent(cid)}`,
      this.maxContentBytes,
      "content",
    );
    if (status === 404) return null;
    if (status !== 200)
      throw new FeedError(
        "http",
        `content answered HTTP ${status}: ${Buffer.from(body).toString("utf8").slice(0, 200)}`,
        status,
      );
    return body;
  }
}
