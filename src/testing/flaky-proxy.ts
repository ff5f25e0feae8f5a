/**
 * A JSON-RPC proxy on 127.0.0.1 in front of a node, which can pass, drop, delay or fail requests on
 * command: for RPC-outage tests.
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type ProxyAction =
  | { kind: "pass" }
  /** Never answer (the connection stays open until the client gives up or the proxy closes). */
  | { kind: "drop" }
  /** Forward after `ms`. */
  | { kind: "delay"; ms: number }
  /** Answer with this HTTP status and a short text body. */
  | { kind: "http-error"; status: number }
  /** Answer HTTP 200 with a JSON-RPC error object. */
  | { kind: "rpc-error"; code: number; message: string }
  /** Destroy the connection without answering. */
  | { kind: "reset" };

/** What a rule sees of one request. Batches are seen as method "batch". */
export interface ProxyRequest {
  method: string;
  params: unknown;
  /** The parsed request body. */
  body: unknown;
}

export type ProxyRule = (req: ProxyRequest) => ProxyAction | undefined;

export interface ProxyLogEntry {
  method: string;
  params: unknown;
  action: ProxyAction["kind"];
}

export class FlakyProxy {
  /** Every request seen, in order, with the action taken. */
  readonly seen: ProxyLogEntry[] = [];
  private mode: ProxyAction = { kind: "pass" };
  private rule: ProxyRule | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: http.Server,
    readonly target: string,
    readonly url: string,
  ) {}

  /** Starts a proxy on a free 127.0.0.1 port forwarding to `target` (an http://127.0.0.1 URL). */
  static async start(target: string): Promise<FlakyProxy> {
    const t = new URL(target);
    if (t.hostname !== "127.0.0.1" && t.hostname !== "localhost") {
      throw new Error(`FlakyProxy forwards to 127.0.0.1 only, not ${t.hostname}`);
    }
    let proxy: FlakyProxy | undefined;
    const server = http.createServer((req, res) => {
      void proxy?.handle(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    proxy = new FlakyProxy(server, target, `http://127.0.0.1:${port}`);
    const p = proxy;
    server.on("connection", (s: Socket) => {
      p.sockets.add(s);
      s.on("close", () => p.sockets.delete(s));
    });
    return proxy;
  }

  /** The action for every request without a matching rule. */
  setMode(action: ProxyAction): void {
    this.mode = action;
  }

  /** A rule consulted first for each request; return undefined to fall back to the mode. */
  setRule(rule: ProxyRule | undefined): void {
    this.rule = rule;
  }

  /** How many requests of `method` were seen (optionally only with the given action). */
  count(method?: string, action?: ProxyAction["kind"]): number {
    return this.seen.filter((e) => (!method || e.method === method) && (!action || e.action === action))
      .length;
  }

  /** Stops listening and destroys every open connection (dropped requests included). */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const single =
      body !== null && typeof body === "object" && !Array.isArray(body)
        ? (body as Record<string, unknown>)
        : undefined;
    const info: ProxyRequest = {
      method: single ? String(single.method) : "batch",
      params: single?.params,
      body,
    };
    const action = this.rule?.(info) ?? this.mode;
    this.seen.push({ method: info.method, params: info.params, action: action.kind });
    try {
      switch (action.kind) {
        case "drop":
          return; // never answer
        case "reset":
          req.socket.destroy();
          return;
        case "http-error":
          res.writeHead(action.status, { "content-type": "text/plain" });
          res.end(`proxy: injected HTTP ${action.status}`);
          return;
        case "rpc-error":
          res.writeHead(200, { "content-type": "application/json" });
          res.end(
            JSON.stringify({
              jsonrpc: "2.0",
              id: single?.id ?? null,
              error: { code: action.code, message: action.message },
            }),
          );
          return;
        case "delay":
          await new Promise((r) => setTimeout(r, action.ms));
          break;
        case "pass":
          break;
      }
      const upstream = await fetch(this.target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: raw,
      });
      const text = await upstream.text();
      if (res.destroyed) return;
      res.writeHead(upstream.status, {
        "content-type": upstream.headers.get("content-type") ?? "application/json",
      });
      res.end(text);
    } catch (e) {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(`proxy: upstream failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
}
