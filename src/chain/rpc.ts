/**
 * JSON-RPC client over several RPC URLs: failover, per-request timeout, exponential backoff with jitter
 * (bounded, then a typed error), chainId check at start, counters for metrics. Plain `fetch`, no
 * polling, no caching: callers decide what to ask and when.
 */
import { JsonRpcApiProvider, Network } from "ethers";
import type { JsonRpcError, JsonRpcPayload, JsonRpcResult } from "ethers";
import { silentLogger } from "../log";
import type { Logger } from "../log";
import type { MetricsRegistry } from "../http/metrics";

/** Base class of every error this module throws. */
export class RpcError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RpcError";
  }
}

/** Every attempt failed (transport errors, timeouts, HTTP errors, retryable RPC errors). */
export class RpcUnavailableError extends RpcError {
  constructor(
    readonly method: string,
    readonly attempts: number,
    readonly causes: ReadonlyArray<{ url: string; error: string }>,
  ) {
    const last = causes[causes.length - 1];
    super(
      `RPC ${method} failed after ${attempts} attempt(s) over ${new Set(causes.map((c) => c.url)).size} URL(s)` +
        (last ? `; last error from ${last.url}: ${last.error}` : ""),
    );
    this.name = "RpcUnavailableError";
  }
}

/** The node answered with a JSON-RPC error object (a revert, bad params, "too many results", ...). */
export class RpcResponseError extends RpcError {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly code: number,
    readonly rpcMessage: string,
    readonly data?: unknown,
  ) {
    super(`RPC ${method} returned error ${code} from ${url}: ${rpcMessage}`);
    this.name = "RpcResponseError";
  }
}

/** An RPC URL serves another chain than expected (or than the other URLs). */
export class ChainIdMismatchError extends RpcError {
  constructor(
    readonly url: string,
    readonly expected: bigint,
    readonly actual: bigint,
  ) {
    super(`RPC URL ${url} is on chain ${actual}, expected chain ${expected}: refusing to use it.`);
    this.name = "ChainIdMismatchError";
  }
}

/** A transport-level failure of one attempt (internal; surfaces inside RpcUnavailableError). */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly timeout = false,
  ) {
    super(message);
  }
}

export interface BackoffOptions {
  /** Delay before the first retry round, in ms (default 200). */
  baseMs?: number;
  /** Cap on one delay, in ms (default 5000). */
  maxMs?: number;
}

/**
 * Delay before retry round `round` (0-based): min(max, base * 2^round), scaled by a random factor in
 * [0.5, 1) ("equal jitter": never less than half the nominal delay, so it stays bounded both ways).
 */
export function backoffDelay(round: number, opts: BackoffOptions = {}, random: () => number = Math.random) {
  const base = opts.baseMs ?? 200;
  const max = opts.maxMs ?? 5000;
  const nominal = Math.min(max, base * 2 ** Math.min(round, 30));
  return Math.floor(nominal * (0.5 + random() / 2));
}

/** Hides credentials in an RPC URL for logs and metrics: keeps scheme, host and port. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const hasSecret = (u.pathname !== "/" && u.pathname !== "") || u.search !== "" || u.username !== "";
    return `${u.protocol}//${u.host}${hasSecret ? "/***" : ""}`;
  } catch {
    return "<invalid url>";
  }
}

/** Whether a JSON-RPC error response is worth retrying elsewhere (rate limits, lagging backends). */
export function isRetryableRpcError(code: number, message: string): boolean {
  if (code === 429) return true;
  return /rate limit|too many requests|header not found|timed? ?out|try again|busy|unavailable/i.test(
    message,
  );
}

export interface RpcClientOptions {
  /** One or more HTTP(S) JSON-RPC URLs, in order of preference. */
  urls: string[];
  /** If given, every URL must serve this chain; otherwise all must agree with the first that answers. */
  expectedChainId?: bigint | number;
  /** Per-attempt timeout in ms (default 10000). */
  timeoutMs?: number;
  /** Attempts per request, over all URLs together (default 3 per URL, at least 3). */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  logger?: Logger;
  /** For tests: jitter source and sleep. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Counters since the client was created, for metrics. */
export interface RpcStats {
  /** Logical requests (each may take several attempts). */
  requests: number;
  /** HTTP attempts sent. */
  attempts: number;
  /** Failed attempts (transport error, timeout, HTTP error, retryable RPC error). */
  errors: number;
  /** Failed attempts that were timeouts (also counted in errors). */
  timeouts: number;
  /** Non-retryable JSON-RPC error responses handed to the caller (reverts, bad params...). */
  rpcErrors: number;
  /** Times the preferred URL changed because the current one failed. */
  failovers: number;
  /** Requests that exhausted their attempts (RpcUnavailableError). */
  exhausted: number;
  /** Per URL (redacted): attempts and failed attempts; `chainOk` false once it proved to be on another chain. */
  endpoints: Array<{ url: string; attempts: number; errors: number; chainOk: boolean | undefined }>;
}

interface Endpoint {
  url: string;
  label: string;
  attempts: number;
  errors: number;
  /** undefined: not checked yet; false: on another chain (never used again). */
  chainOk: boolean | undefined;
}

export type RpcOutcome = { result: unknown } | { error: { code: number; message: string; data?: unknown } };

/** Block header fields the infrastructure relies on. */
export interface BlockHeader {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
}

/** A log as returned by eth_getLogs, numbers decoded. */
export interface RpcLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: number;
  blockHash: string;
  transactionHash: string;
  transactionIndex: number;
  logIndex: number;
  removed: boolean;
}

export interface LogFilter {
  /** Contract addresses (any address when empty or absent). */
  addresses?: string[];
  /** Topic filter as in eth_getLogs: per position, a topic, a list of alternatives, or null. */
  topics?: Array<string | string[] | null>;
  fromBlock: number;
  toBlock: number;
}

const toHex = (n: number | bigint): string => "0x" + n.toString(16);

function parseQuantity(v: unknown, what: string): number {
  if (typeof v !== "string" || !/^0x[0-9a-fA-F]+$/.test(v))
    throw new RpcError(`Bad ${what} in RPC answer: ${String(v)}`);
  const n = Number.parseInt(v, 16);
  if (!Number.isSafeInteger(n)) throw new RpcError(`${what} ${v} is out of range`);
  return n;
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message;
    return detail ? `${e.message} (${detail})` : e.message;
  }
  return String(e);
}

export class RpcClient {
  private readonly endpoints: Endpoint[];
  private preferred = 0;
  private nextId = 1;
  private batchUnsupported = false;
  private chain: bigint | undefined;
  private starting: Promise<bigint> | undefined;
  private readonly counters = {
    requests: 0,
    attempts: 0,
    errors: 0,
    timeouts: 0,
    rpcErrors: 0,
    failovers: 0,
    exhausted: 0,
  };
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly log: Logger;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: RpcClientOptions) {
    if (opts.urls.length === 0) throw new RpcError("At least one RPC URL is required.");
    for (const u of opts.urls) {
      let parsed: URL;
      try {
        parsed = new URL(u);
      } catch {
        throw new RpcError(`RPC URL "${u}" is not a URL.`);
      }
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
        throw new RpcError(`RPC URL ${redactUrl(u)} must be http(s).`);
    }
    this.endpoints = opts.urls.map((url) => ({
      url,
      label: redactUrl(url),
      attempts: 0,
      errors: 0,
      chainOk: undefined,
    }));
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxAttempts = opts.maxAttempts ?? Math.max(3, 3 * opts.urls.length);
    this.log = (opts.logger ?? silentLogger).child({ component: "rpc" });
    this.random = opts.random ?? Math.random;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    if (opts.expectedChainId !== undefined) this.chain = BigInt(opts.expectedChainId);
  }

  /** Creates a client and checks the chain of every URL (see {@link start}). */
  static async connect(opts: RpcClientOptions): Promise<RpcClient> {
    const c = new RpcClient(opts);
    await c.start();
    return c;
  }

  /**
   * Asks every URL for eth_chainId (one attempt each, in parallel). Throws ChainIdMismatchError if a URL
   * that answers is on another chain than `expectedChainId` (or than the first URL that answers), and
   * RpcUnavailableError if none answers. URLs that do not answer now are checked before their first use.
   * Returns the chain id. Idempotent; requests call it implicitly.
   */
  start(): Promise<bigint> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<bigint> {
    const answers = await Promise.all(
      this.endpoints.map(async (ep) => {
        try {
          const out = await this.attempt(ep, "eth_chainId", []);
          if ("error" in out) return { ep, error: `error ${out.error.code}: ${out.error.message}` };
          return { ep, chainId: BigInt(parseQuantity(out.result, "chainId")) };
        } catch (e) {
          return { ep, error: describe(e) };
        }
      }),
    );
    for (const a of answers) {
      if (a.chainId === undefined) continue;
      this.chain ??= a.chainId;
      if (a.chainId !== this.chain) {
        a.ep.chainOk = false;
        this.log.error("RPC URL is on another chain", {
          url: a.ep.label,
          expected: this.chain,
          actual: a.chainId,
        });
        this.starting = undefined;
        throw new ChainIdMismatchError(a.ep.label, this.chain, a.chainId);
      }
      a.ep.chainOk = true;
    }
    if (!answers.some((a) => a.chainId !== undefined)) {
      this.starting = undefined;
      throw new RpcUnavailableError(
        "eth_chainId",
        answers.length,
        answers.map((a) => ({ url: a.ep.label, error: a.error ?? "?" })),
      );
    }
    for (const a of answers)
      if (a.error !== undefined)
        this.log.warn("RPC URL not reachable at start; will check its chain before use", {
          url: a.ep.label,
          error: a.error,
        });
    this.log.info("RPC connected", { chainId: this.chain, urls: this.endpoints.map((e) => e.label) });
    return this.chain as bigint;
  }

  /** The chain id checked at start (undefined before start). */
  get chainId(): bigint | undefined {
    return this.starting ? this.chain : undefined;
  }

  /** The redacted URL requests currently go to first. */
  get currentUrl(): string {
    return this.endpoints[this.preferred].label;
  }

  stats(): RpcStats {
    return {
      ...this.counters,
      endpoints: this.endpoints.map((e) => ({
        url: e.label,
        attempts: e.attempts,
        errors: e.errors,
        chainOk: e.chainOk,
      })),
    };
  }

  /**
   * Sends one request with failover and retries and returns the node's answer: `{result}` or, for a
   * JSON-RPC error that is not worth retrying, `{error}`. Throws RpcUnavailableError when every attempt
   * failed.
   */
  async send(method: string, params: unknown[] | Record<string, unknown> = []): Promise<RpcOutcome> {
    return this.withRetries(method, async (ep) => {
      const out = await this.attempt(ep, method, params);
      if ("error" in out && isRetryableRpcError(out.error.code, out.error.message)) {
        throw new AttemptError(`error ${out.error.code}: ${out.error.message}`);
      }
      if ("error" in out) this.counters.rpcErrors++;
      return out;
    });
  }

  /**
   * Sends several requests as JSON-RPC batches of at most `maxBatch` (default 100) calls, each batch with
   * the failover and retries of {@link send}; returns the outcomes in the order of `calls`. Calls whose
   * answer is a retryable error, and every call when a URL does not support batches, are sent one by one
   * with {@link send}. Throws RpcUnavailableError like {@link send}.
   */
  async sendBatch(
    calls: ReadonlyArray<{ method: string; params?: unknown[] | Record<string, unknown> }>,
    maxBatch = 100,
  ): Promise<RpcOutcome[]> {
    const out: RpcOutcome[] = new Array<RpcOutcome>(calls.length);
    for (let i = 0; i < calls.length; i += maxBatch) {
      const chunk = calls.slice(i, i + maxBatch).map((c) => ({ method: c.method, params: c.params ?? [] }));
      let answers: Array<RpcOutcome | undefined>;
      if (this.batchUnsupported || chunk.length === 1) answers = chunk.map(() => undefined);
      else {
        try {
          answers = await this.withRetries("batch", (ep) => this.attemptBatch(ep, chunk));
        } catch (e) {
          if (!(e instanceof BatchUnsupportedError)) throw e;
          this.batchUnsupported = true;
          this.log.warn("RPC URL does not answer JSON-RPC batches; sending requests one by one", {
            url: e.url,
          });
          answers = chunk.map(() => undefined);
        }
      }
      for (let j = 0; j < chunk.length; j++) {
        const a = answers[j];
        const retry = a === undefined || ("error" in a && isRetryableRpcError(a.error.code, a.error.message));
        out[i + j] = retry ? await this.send(chunk[j].method, chunk[j].params) : (a as RpcOutcome);
      }
    }
    return out;
  }

  /** Runs `once` against the URLs in order with retries and backoff (the loop of {@link send}). */
  private async withRetries<T>(method: string, once: (ep: Endpoint) => Promise<T>): Promise<T> {
    await this.start();
    this.counters.requests++;
    const causes: Array<{ url: string; error: string }> = [];
    let attempt = 0;
    let round = 0;
    while (attempt < this.maxAttempts) {
      const usable = this.usableOrder();
      if (usable.length === 0)
        throw new RpcError(`No usable RPC URL for ${method}: every URL is on another chain.`);
      for (const ep of usable) {
        if (attempt >= this.maxAttempts) break;
        // The next URL within a round is tried at once; a new round waits for the backoff delay.
        if (attempt > 0 && ep === usable[0]) {
          const delay = backoffDelay(round - 1, this.opts.backoff, this.random);
          this.log.debug("RPC retry after backoff", { method, round, delayMs: delay });
          await this.sleep(delay);
        }
        attempt++;
        try {
          if (ep.chainOk === undefined) await this.verifyChain(ep);
          if (ep.chainOk === false) continue;
          const out = await once(ep);
          this.prefer(ep, method);
          return out;
        } catch (e) {
          if (e instanceof BatchUnsupportedError) throw e;
          const msg = describe(e);
          const timeout = e instanceof AttemptError && e.timeout;
          this.counters.errors++;
          if (timeout) this.counters.timeouts++;
          ep.errors++;
          causes.push({ url: ep.label, error: msg });
          this.log.warn("RPC attempt failed", { method, url: ep.label, attempt, error: msg, timeout });
        }
      }
      round++;
    }
    this.counters.exhausted++;
    const err = new RpcUnavailableError(method, attempt, causes);
    this.log.error("RPC request failed on every URL", { method, attempts: attempt, error: err.message });
    throw err;
  }

  /** Like {@link send} but returns the result and throws RpcResponseError on a JSON-RPC error. */
  async request<T = unknown>(method: string, params: unknown[] | Record<string, unknown> = []): Promise<T> {
    const out = await this.send(method, params);
    if ("error" in out) {
      throw new RpcResponseError(method, this.currentUrl, out.error.code, out.error.message, out.error.data);
    }
    return out.result as T;
  }

  async blockNumber(): Promise<number> {
    return parseQuantity(await this.request("eth_blockNumber"), "block number");
  }

  /** The header of block `block` ("latest" or a number), or undefined if the chain has no such block. */
  async getBlockHeader(block: number | "latest"): Promise<BlockHeader | undefined> {
    const tag = block === "latest" ? "latest" : toHex(block);
    const b = await this.request<Record<string, unknown> | null>("eth_getBlockByNumber", [tag, false]);
    if (b === null) return undefined;
    return {
      number: parseQuantity(b.number, "block number"),
      hash: String(b.hash),
      parentHash: String(b.parentHash),
      timestamp: parseQuantity(b.timestamp, "timestamp"),
    };
  }

  /** eth_getLogs over [fromBlock, toBlock] (inclusive), decoded. Throws RpcResponseError as the node does. */
  async getLogs(filter: LogFilter): Promise<RpcLog[]> {
    const params: Record<string, unknown> = {
      fromBlock: toHex(filter.fromBlock),
      toBlock: toHex(filter.toBlock),
    };
    if (filter.addresses && filter.addresses.length > 0) params.address = filter.addresses;
    if (filter.topics) params.topics = filter.topics;
    const raw = await this.request<Array<Record<string, unknown>>>("eth_getLogs", [params]);
    if (!Array.isArray(raw)) throw new RpcError("eth_getLogs did not return an array");
    return raw.map((l) => ({
      address: String(l.address),
      topics: (l.topics as string[]) ?? [],
      data: String(l.data),
      blockNumber: parseQuantity(l.blockNumber, "log blockNumber"),
      blockHash: String(l.blockHash),
      transactionHash: String(l.transactionHash),
      transactionIndex: parseQuantity(l.transactionIndex, "log transactionIndex"),
      logIndex: parseQuantity(l.logIndex, "log logIndex"),
      removed: l.removed === true,
    }));
  }

  /** An ethers provider whose every request goes through this client (failover, retries, counters). */
  async ethersProvider(options: { pollingIntervalMs?: number } = {}): Promise<FailoverProvider> {
    const chainId = await this.start();
    return new FailoverProvider(this, chainId, options.pollingIntervalMs);
  }

  // ---- internals ----

  /** Usable endpoints, the preferred one first. */
  private usableOrder(): Endpoint[] {
    const n = this.endpoints.length;
    const out: Endpoint[] = [];
    for (let i = 0; i < n; i++) {
      const ep = this.endpoints[(this.preferred + i) % n];
      if (ep.chainOk !== false) out.push(ep);
    }
    return out;
  }

  private prefer(ep: Endpoint, method: string): void {
    const idx = this.endpoints.indexOf(ep);
    if (idx === this.preferred) return;
    this.log.warn("RPC failover", { from: this.endpoints[this.preferred].label, to: ep.label, method });
    this.counters.failovers++;
    this.preferred = idx;
  }

  private async verifyChain(ep: Endpoint): Promise<void> {
    const out = await this.attempt(ep, "eth_chainId", []);
    if ("error" in out) throw new AttemptError(`eth_chainId error ${out.error.code}: ${out.error.message}`);
    const actual = BigInt(parseQuantity(out.result, "chainId"));
    if (actual !== this.chain) {
      ep.chainOk = false;
      this.log.error("RPC URL is on another chain; disabled", {
        url: ep.label,
        expected: this.chain,
        actual,
      });
      return;
    }
    ep.chainOk = true;
  }

  /** One HTTP attempt. Throws AttemptError on transport / HTTP / framing problems. */
  private async attempt(
    ep: Endpoint,
    method: string,
    params: unknown[] | Record<string, unknown>,
  ): Promise<RpcOutcome> {
    const id = this.nextId++;
    this.counters.attempts++;
    ep.attempts++;
    let res: Response;
    let text: string;
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      res = await fetch(ep.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id, method, params }),
        signal,
      });
      text = await res.text();
    } catch (e) {
      if (signal.aborted) throw new AttemptError(`timed out after ${this.timeoutMs} ms`, true);
      throw new AttemptError(describe(e));
    }
    if (!res.ok) throw new AttemptError(`HTTP ${res.status} ${text.slice(0, 200)}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new AttemptError(`answer is not JSON: ${text.slice(0, 100)}`);
    }
    const o = body as {
      id?: unknown;
      result?: unknown;
      error?: { code?: unknown; message?: unknown; data?: unknown };
    };
    if (o === null || typeof o !== "object" || Array.isArray(o))
      throw new AttemptError("answer is not an object");
    if (o.id !== id) throw new AttemptError(`answer id ${String(o.id)} does not match request id ${id}`);
    if (o.error !== undefined && o.error !== null) {
      const code = typeof o.error.code === "number" ? o.error.code : -32603;
      const message = typeof o.error.message === "string" ? o.error.message : "unknown error";
      return { error: { code, message, data: o.error.data } };
    }
    if (!("result" in o)) throw new AttemptError("answer has neither result nor error");
    return { result: o.result };
  }

  /**
   * One HTTP attempt of a JSON-RPC batch; answers matched by id (undefined for a missing one). Throws
   * BatchUnsupportedError when the URL answers a batch with anything but an array.
   */
  private async attemptBatch(
    ep: Endpoint,
    calls: ReadonlyArray<{ method: string; params: unknown[] | Record<string, unknown> }>,
  ): Promise<Array<RpcOutcome | undefined>> {
    const ids = calls.map(() => this.nextId++);
    this.counters.attempts++;
    ep.attempts++;
    let res: Response;
    let text: string;
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      res = await fetch(ep.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(
          calls.map((c, i) => ({ jsonrpc: "2.0", id: ids[i], method: c.method, params: c.params })),
        ),
        signal,
      });
      text = await res.text();
    } catch (e) {
      if (signal.aborted) throw new AttemptError(`timed out after ${this.timeoutMs} ms`, true);
      throw new AttemptError(describe(e));
    }
    if (!res.ok) {
      if (res.status >= 400 && res.status < 500 && res.status !== 429)
        throw new BatchUnsupportedError(ep.label);
      throw new AttemptError(`HTTP ${res.status} ${text.slice(0, 200)}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new AttemptError(`answer is not JSON: ${text.slice(0, 100)}`);
    }
    if (!Array.isArray(body)) throw new BatchUnsupportedError(ep.label);
    const byId = new Map<unknown, RpcOutcome>();
    for (const item of body as Array<{
      id?: unknown;
      result?: unknown;
      error?: { code?: unknown; message?: unknown; data?: unknown };
    }>) {
      if (item === null || typeof item !== "object") continue;
      if (item.error !== undefined && item.error !== null) {
        const code = typeof item.error.code === "number" ? item.error.code : -32603;
        const message = typeof item.error.message === "string" ? item.error.message : "unknown error";
        byId.set(item.id, { error: { code, message, data: item.error.data } });
      } else if ("result" in item) byId.set(item.id, { result: item.result });
    }
    return ids.map((id) => byId.get(id));
  }
}

/** A URL answered a JSON-RPC batch with something else than an array (batches unsupported there). */
class BatchUnsupportedError extends Error {
  constructor(readonly url: string) {
    super(`${url} does not support JSON-RPC batches`);
  }
}

/**
 * ethers v6 provider on top of an RpcClient: no batching, static network (the client checked it), so
 * contracts and wallets get failover and retries too. JSON-RPC errors reach ethers unchanged, so reverts
 * decode as usual.
 */
export class FailoverProvider extends JsonRpcApiProvider {
  constructor(
    readonly client: RpcClient,
    chainId: bigint,
    pollingIntervalMs = 1000,
  ) {
    const network = Network.from(chainId);
    super(network, { staticNetwork: network, batchMaxCount: 1, pollingInterval: pollingIntervalMs });
  }

  async _send(payload: JsonRpcPayload | Array<JsonRpcPayload>): Promise<Array<JsonRpcResult | JsonRpcError>> {
    const list = Array.isArray(payload) ? payload : [payload];
    const out: Array<JsonRpcResult | JsonRpcError> = [];
    for (const p of list) {
      const r = await this.client.send(p.method, p.params as unknown[] | Record<string, unknown>);
      out.push("error" in r ? { id: p.id, error: r.error } : { id: p.id, result: r.result });
    }
    return out;
  }
}

/** Exposes an RpcClient's counters as `<prefix>_*_total` metrics (computed at each scrape). */
export function registerRpcMetrics(registry: MetricsRegistry, client: RpcClient, prefix = "rpc"): void {
  const totals: Array<[keyof Omit<RpcStats, "endpoints">, string, string]> = [
    ["requests", "requests", "JSON-RPC requests made (each may take several attempts)"],
    ["attempts", "attempts", "HTTP attempts sent to RPC URLs"],
    ["errors", "errors", "Failed attempts (transport errors, timeouts, HTTP errors, retryable RPC errors)"],
    ["timeouts", "timeouts", "Attempts that timed out"],
    [
      "rpcErrors",
      "error_responses",
      "JSON-RPC error answers handed to the caller (reverts, bad parameters...)",
    ],
    ["failovers", "failovers", "Times requests moved to another RPC URL"],
    ["exhausted", "exhausted", "Requests that failed on every attempt"],
  ];
  for (const [key, name, help] of totals) {
    registry.collect(`${prefix}_${name}_total`, "counter", help, () => client.stats()[key]);
  }
  registry.collect(`${prefix}_endpoint_errors_total`, "counter", "Failed attempts per RPC URL", () =>
    client.stats().endpoints.map((e) => ({ labels: { url: e.url }, value: e.errors })),
  );
}
