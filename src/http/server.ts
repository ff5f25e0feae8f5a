/**
 * Minimal HTTP server on node:http: routes by method + path (with `:param` segments), JSON in and out,
 * a body size cap (413), malformed JSON (400), 404 / 405, and handler exceptions turned into a 500 with an
 * id that is logged. Binds 127.0.0.1 unless told otherwise.
 */
import http from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { silentLogger } from "../log";
import type { Logger } from "../log";

/** Throw from a handler to answer `status` with `{ error: message, ...details }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export interface RequestContext {
  /** Short id (the server's random prefix and a counter), also in the log lines of this request. */
  id: string;
  method: string;
  path: string;
  /** Values of the route's `:name` segments, URL-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined when the body is empty or the route asked for raw bodies). */
  body: unknown;
  rawBody: Buffer;
  req: IncomingMessage;
}

export interface HttpResult {
  /** Default 200. */
  status?: number;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as-is (with `contentType`, default text/plain). */
  text?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => HttpResult | Promise<HttpResult>;

export interface Route {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** "/v1/feed" or "/v1/content/:cid"; a last segment "*" matches any rest of the path (a fallback). */
  path: string;
  handler: Handler;
  /** Do not parse the body as JSON (default false). */
  rawBody?: boolean;
  /** Per-route body cap in bytes (default: the server's). */
  bodyLimitBytes?: number;
}

export interface HttpServerOptions {
  routes: Route[];
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Default 1 MiB. */
  bodyLimitBytes?: number;
  /** Whole-request timeout in ms (default 30000). */
  requestTimeoutMs?: number;
  /**
   * How long an idle keep-alive connection stays open after its last answer, in ms (default 65,000; Node's own
   * default is 5,000). Clients and proxies that keep a pool of connections then find them open after a quiet
   * spell, instead of opening new ones when the next burst comes: a request on a new connection waits for the
   * server to accept it and then to read it, two turns of its event loop, which under load was 45-70 ms more
   * than on an open connection (bench:node, session 18). 65 s outlasts the 60 s idle timeout of common load
   * balancers, so the balancer, not the node, closes an idle connection.
   */
  keepAliveTimeoutMs?: number;
  logger?: Logger;
}

export interface RunningHttpServer {
  server: http.Server;
  host: string;
  port: number;
  /** http://host:port */
  url: string;
  close(): Promise<void>;
}

interface CompiledRoute {
  route: Route;
  segments: Array<{ literal: string } | { param: string }>;
  /** The path ended with "/*": any further segments match. */
  rest: boolean;
}

function compile(route: Route): CompiledRoute {
  if (!route.path.startsWith("/")) throw new Error(`Route path must start with "/": ${route.path}`);
  const raw = route.path.split("/").slice(1);
  const rest = raw[raw.length - 1] === "*";
  const segments = (rest ? raw.slice(0, -1) : raw).map((s) =>
    s.startsWith(":") ? { param: s.slice(1) } : { literal: s },
  );
  return { route, segments, rest };
}

function match(c: CompiledRoute, parts: string[]): Record<string, string> | undefined {
  if (c.rest ? parts.length < c.segments.length : c.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < c.segments.length; i++) {
    const seg = c.segments[i];
    if ("literal" in seg) {
      if (seg.literal !== parts[i]) return undefined;
    } else {
      if (parts[i] === "") return undefined;
      params[seg.param] = parts[i];
    }
  }
  return params;
}

/**
 * JSON text of `value`, bigints as decimal strings. Without a replacer first: a replacer is called for every
 * key and value (a few microseconds per kilobyte answered); only a value holding a bigint, which makes
 * JSON.stringify throw a TypeError, is written again with one.
 */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  }
}

/**
 * Writes the answer. `handledMs` (the time since the request's headers were read) goes out as
 * `Server-Timing: app;dur=<ms>` (W3C Server Timing): what the node spent on the request, its wait for the
 * disk included, without the time the request waited before the server read it. Clients and benchmarks tell
 * the node's own latency from the network's and their own with it.
 */
function send(res: ServerResponse, status: number, result: HttpResult, handledMs: number): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...(result.headers ?? {}) };
  headers["server-timing"] = `app;dur=${handledMs.toFixed(2)}`;
  let body: string | Buffer;
  if (result.text !== undefined) {
    body = result.text;
    headers["content-type"] ??= result.contentType ?? "text/plain; charset=utf-8";
  } else {
    body = jsonText(result.json ?? null);
    headers["content-type"] ??= "application/json; charset=utf-8";
  }
  headers["content-length"] = String(Buffer.byteLength(body));
  res.writeHead(status, headers);
  res.end(body);
}

/** Reads the body up to `limit` bytes; resolves "too-large" as soon as it is exceeded. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "too-large"> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve("too-large");
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolve("too-large");
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!done) {
        done = true;
        resolve(Buffer.concat(chunks));
      }
    });
    req.on("error", (e) => {
      if (!done) {
        done = true;
        reject(e);
      }
    });
  });
}

/** Starts the server and resolves once it listens. */
export async function startHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  const host = opts.host ?? "127.0.0.1";
  const defaultLimit = opts.bodyLimitBytes ?? 1024 * 1024;
  const log = (opts.logger ?? silentLogger).child({ component: "http" });
  const debug = log.enabled("debug");
  const routes = opts.routes.map(compile);
  // Request ids: this server's random prefix and a counter (unique for the server's life, no random per request).
  const idPrefix = randomBytes(3).toString("hex");
  let requests = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const id = idPrefix + (++requests).toString(16).padStart(6, "0");
    const started = performance.now();
    const method = (req.method ?? "GET").toUpperCase();
    let status = 500;
    const reply = (s: number, r: HttpResult): void => {
      status = s;
      send(res, s, r, performance.now() - started);
    };
    const fail = (s: number, message: string, extra?: Record<string, unknown>, close = false): void =>
      reply(s, { json: { error: message, ...extra }, headers: close ? { connection: "close" } : undefined });
    try {
      let url: URL;
      try {
        url = new URL(req.url ?? "/", "http://localhost");
      } catch {
        fail(400, "Malformed request URL.");
        return;
      }
      const parts = url.pathname.split("/").slice(1);
      const found: Array<{ c: CompiledRoute; params: Record<string, string> }> = [];
      for (const c of routes) {
        const params = match(c, parts);
        if (params !== undefined) found.push({ c, params });
      }
      if (found.length === 0) {
        fail(404, `No route for ${url.pathname}.`);
        return;
      }
      const hit = found.find((m) => m.c.route.method === method);
      if (!hit) {
        const allow = [...new Set(found.map((m) => m.c.route.method))].join(", ");
        reply(405, {
          json: { error: `Method ${method} not allowed on ${url.pathname}; use ${allow}.` },
          headers: { allow },
        });
        return;
      }
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(hit.params)) {
        try {
          params[k] = decodeURIComponent(v);
        } catch {
          fail(400, `Malformed path segment for ${k}.`);
          return;
        }
      }
      const route = hit.c.route;
      const limit = route.bodyLimitBytes ?? defaultLimit;
      const raw = await readBody(req, limit);
      if (raw === "too-large") {
        // Answer at once and close the connection rather than reading the rest of a huge body.
        fail(413, `Request body exceeds the limit of ${limit} bytes.`, { limitBytes: limit }, true);
        res.on("finish", () => req.destroy());
        return;
      }
      let body: unknown = undefined;
      if (!route.rawBody && raw.length > 0) {
        try {
          body = JSON.parse(raw.toString("utf8"));
        } catch (e) {
          fail(400, `Malformed JSON body: ${(e as Error).message}`);
          return;
        }
      }
      const ctx: RequestContext = {
        id,
        method,
        path: url.pathname,
        params,
        query: url.searchParams,
        headers: req.headers,
        body,
        rawBody: raw,
        req,
      };
      const result = await route.handler(ctx);
      reply(result.status ?? 200, result);
    } catch (e) {
      if (e instanceof HttpError) {
        fail(e.status, e.message, e.details);
        return;
      }
      log.error("handler failed", {
        requestId: id,
        method,
        url: req.url,
        error: e instanceof Error ? e.message : String(e),
        stack: e instanceof Error ? e.stack : undefined,
      });
      fail(500, "Internal error; it has been logged.", { requestId: id });
    } finally {
      if (debug)
        log.debug("request", {
          requestId: id,
          method,
          url: req.url,
          status,
          ms: Math.round(performance.now() - started),
        });
    }
  };

  const server = http.createServer((req, res) => {
    res.on("error", (e) => log.warn("response error", { error: e.message }));
    handle(req, res).catch((e: unknown) => {
      // Only reachable if writing the error response itself failed.
      log.error("request handling failed", { error: e instanceof Error ? e.message : String(e) });
      if (!res.destroyed) res.destroy();
    });
  });
  server.requestTimeout = opts.requestTimeoutMs ?? 30_000;
  server.keepAliveTimeout = opts.keepAliveTimeoutMs ?? 65_000;
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    log.debug("client error", { error: err.message, code: err.code });
    if (socket.writable)
      socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const urlHost = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  log.info("listening", { host: addr.address, port: addr.port });
  return {
    server,
    host: addr.address,
    port: addr.port,
    url: `http://${urlHost}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
