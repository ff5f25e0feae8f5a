/**
 * HTTP client for a Push Node's feed (`GET /v1/feed?after=<sequence>&limit=<n>`) and content
 * (`GET /v1/content/<cid>`), with a timeout, a cap on the response size, no redirects, and (unless
 * `allowPrivateEndpoints`) only public addresses (endpoint-policy.ts). Errors are typed so that the caller
 * can count them and back off; nothing here retries.
 */
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { PrivateEndpointError, checkLiteralHost, publicOnlyLookup } from "./endpoint-policy";

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
  /**
   * Fetch from loopback, private and link-local addresses too (default false). The validator allows
   * them on development chains only, or with `--allow-private-endpoints`.
   */
  allowPrivateEndpoints?: boolean;
  /** Name resolution for the public-address check (tests); default: the system resolver. */
  resolve?: (host: string) => Promise<Array<{ address: string; family: number }>>;
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

export interface FeedPageRaw {
  items: unknown[];
  meta: { node?: unknown; chainId?: unknown; verifyingContract?: unknown; head?: unknown };
}

export class FeedClient {
  private readonly timeoutMs: number;
  private readonly maxFeedBytes: number;
  private readonly maxContentBytes: number;

  private readonly lookup: LookupFunction | undefined;

  constructor(opts: FeedClientOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxFeedBytes = opts.maxFeedBytes ?? 64 * 1024 * 1024;
    this.maxContentBytes = opts.maxContentBytes ?? 17 * 1024 * 1024;
    this.lookup = opts.allowPrivateEndpoints ? undefined : publicOnlyLookup(opts.resolve);
  }

  /** GET `url`: the status and the body (at most `max` bytes), within the timeout. */
  private get(url: string, max: number, what: string): Promise<{ status: number; body: Uint8Array }> {
    const u = new URL(url);
    if (this.lookup) {
      try {
        checkLiteralHost(u.hostname);
      } catch (e) {
        return Promise.reject(new FeedError("endpoint", `${what}: ${(e as Error).message}`));
      }
    }
    const request = u.protocol === "https:" ? https.request : http.request;
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (e: FeedError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(e);
      };
      const timer = setTimeout(
        () => fail(new FeedError("timeout", `${what}: no complete answer in ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      const req = request(u, {
        method: "GET",
        headers: { accept: "application/json" },
        ...(this.lookup ? { lookup: this.lookup } : {}),
      });
      req.on("error", (e: NodeJS.ErrnoException) => {
        if (e instanceof PrivateEndpointError) fail(new FeedError("endpoint", `${what}: ${e.message}`));
        else fail(new FeedError("network", `${what}: ${e.code ?? e.message}`));
      });
      req.on("response", (res) => {
        const status = res.statusCode ?? 0;
        const declared = Number(res.headers["content-length"]);
        if (Number.isFinite(declared) && declared > max)
          return fail(new FeedError("too-large", `${what} is ${declared} bytes, over the cap of ${max}`));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > max) fail(new FeedError("too-large", `${what} exceeds the cap of ${max} bytes`));
          else chunks.push(chunk);
        });
        res.on("error", (e) => fail(new FeedError("network", `${what}: ${e.message}`)));
        res.on("aborted", () => fail(new FeedError("network", `${what}: the connection closed mid-body`)));
        res.on("end", () => {
          if (settled) return;
          if (!res.complete) return fail(new FeedError("network", `${what}: the connection closed mid-body`));
          settled = true;
          clearTimeout(timer);
          resolve({ status, body: new Uint8Array(Buffer.concat(chunks)) });
        });
      });
      req.end();
    });
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
