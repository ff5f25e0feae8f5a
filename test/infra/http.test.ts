import { expect } from "chai";
import http from "node:http";
import net from "node:net";
import { HttpError, startHttpServer } from "../../src/http/server";
import type { RunningHttpServer } from "../../src/http/server";
import { MetricsRegistry, PROMETHEUS_CONTENT_TYPE, healthRoute, metricsRoute } from "../../src/http/metrics";
import { createLogger, memorySink, parseLogLevel } from "../../src/log";

/** A raw request with node:http (so chunked bodies and early answers can be observed). */
function rawRequest(
  url: string,
  opts: { method: string; path: string; headers?: Record<string, string>; chunks?: Buffer[] },
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request(
      { host: u.hostname, port: u.port, method: opts.method, path: opts.path, headers: opts.headers },
      (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on("error", reject);
    for (const c of opts.chunks ?? []) req.write(c);
    req.end();
  });
}

describe("infra: HTTP server", function () {
  let srv: RunningHttpServer;
  const logs = memorySink();

  before(async function () {
    srv = await startHttpServer({
      bodyLimitBytes: 1024,
      logger: createLogger({ level: "debug", sink: logs.sink }),
      routes: [
        {
          method: "POST",
          path: "/echo",
          handler: (ctx) => ({ json: { got: ctx.body, q: ctx.query.get("q") } }),
        },
        { method: "GET", path: "/items/:id", handler: (ctx) => ({ json: { id: ctx.params.id } }) },
        { method: "DELETE", path: "/items/:id", handler: () => ({ status: 204, text: "" }) },
        {
          method: "GET",
          path: "/boom",
          handler: () => {
            throw new Error("handler exploded");
          },
        },
        {
          method: "GET",
          path: "/async-boom",
          handler: async () => {
            await new Promise((r) => setTimeout(r, 5));
            throw new TypeError("late failure");
          },
        },
        {
          method: "GET",
          path: "/slow",
          handler: async () => {
            await new Promise((r) => setTimeout(r, 40));
            return { json: { slow: true } };
          },
        },
        {
          method: "GET",
          path: "/teapot",
          handler: () => {
            throw new HttpError(418, "I am a teapot.", { brew: "tea" });
          },
        },
      ],
    });
  });

  after(async function () {
    await srv?.close();
  });

  it("binds 127.0.0.1 only by default", async function () {
    expect(srv.host).to.equal("127.0.0.1");
    expect(srv.url).to.equal(`http://127.0.0.1:${srv.port}`);
    // The listening socket itself is bound to the loopback address (no traffic leaves 127.0.0.1).
    const addr = srv.server.address();
    expect(addr && typeof addr === "object" ? addr.address : addr).to.equal("127.0.0.1");
  });

  it("routes by method and path, with decoded path parameters and query", async function () {
    let res = await fetch(`${srv.url}/items/a%20b`);
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.equal("application/json; charset=utf-8");
    expect(await res.json()).to.deep.equal({ id: "a b" });
    res = await fetch(`${srv.url}/echo?q=1`, { method: "POST", body: JSON.stringify({ a: [1, 2] }) });
    expect(await res.json()).to.deep.equal({ got: { a: [1, 2] }, q: "1" });
    res = await fetch(`${srv.url}/items/x`, { method: "DELETE" });
    expect(res.status).to.equal(204);
  });

  it("answers 404 for unknown paths and 405 with Allow for wrong methods", async function () {
    let res = await fetch(`${srv.url}/nope`);
    expect(res.status).to.equal(404);
    expect(await res.json()).to.deep.equal({ error: "No route for /nope." });
    res = await fetch(`${srv.url}/items/x`, { method: "PUT", body: "{}" });
    expect(res.status).to.equal(405);
    expect(res.headers.get("allow")).to.equal("GET, DELETE");
    expect(((await res.json()) as { error: string }).error).to.equal(
      "Method PUT not allowed on /items/x; use GET, DELETE.",
    );
  });

  it("tells the time it spent on each answer in Server-Timing (app;dur=<ms>), errors included", async function () {
    const dur = (res: Response) => {
      const m = /^app;dur=(\d+\.\d{2})$/.exec(res.headers.get("server-timing") ?? "");
      expect(m, `server-timing: ${res.headers.get("server-timing")}`).to.not.be.null;
      return Number((m as RegExpExecArray)[1]);
    };
    const slow = await fetch(`${srv.url}/slow`);
    expect(await slow.json()).to.deep.equal({ slow: true });
    expect(dur(slow)).to.be.at.least(39).and.below(2000); // the handler's 40 ms timer
    const fast = await fetch(`${srv.url}/items/1`);
    await fast.arrayBuffer();
    expect(dur(fast)).to.be.below(dur(slow));
    for (const path of ["/nope", "/teapot", "/boom"]) {
      const res = await fetch(`${srv.url}${path}`);
      await res.arrayBuffer();
      expect(dur(res)).to.be.at.least(0);
    }
  });

  it("refuses malformed JSON with 400 and a clear message", async function () {
    const res = await fetch(`${srv.url}/echo`, { method: "POST", body: '{"a": 1,' });
    expect(res.status).to.equal(400);
    const body = (await res.json()) as { error: string };
    expect(body.error).to.match(/^Malformed JSON body: /);
  });

  it("caps the body size: 413 with a JSON error, declared or streamed", async function () {
    let res = await fetch(`${srv.url}/echo`, {
      method: "POST",
      body: JSON.stringify({ s: "x".repeat(2000) }),
    });
    expect(res.status).to.equal(413);
    expect(await res.json()).to.deep.equal({
      error: "Request body exceeds the limit of 1024 bytes.",
      limitBytes: 1024,
    });
    // Chunked, no content-length: the cap applies while reading.
    const chunked = await rawRequest(srv.url, {
      method: "POST",
      path: "/echo",
      headers: { "transfer-encoding": "chunked" },
      chunks: [Buffer.alloc(600, 0x20), Buffer.alloc(600, 0x20)],
    });
    expect(chunked.status).to.equal(413);
    expect(JSON.parse(chunked.body).limitBytes).to.equal(1024);
    // Exactly at the limit is fine.
    const atLimit = JSON.stringify({ s: "y".repeat(1024 - 8) });
    expect(atLimit.length).to.equal(1024);
    res = await fetch(`${srv.url}/echo`, { method: "POST", body: atLimit });
    expect(res.status).to.equal(200);
  });

  it("turns a handler exception into a 500 with an id that is logged, and keeps serving", async function () {
    for (const p of ["/boom", "/async-boom"]) {
      const res = await fetch(`${srv.url}${p}`);
      expect(res.status).to.equal(500);
      const body = (await res.json()) as { error: string; requestId: string };
      expect(body.error).to.equal("Internal error; it has been logged.");
      expect(body.requestId).to.match(/^[0-9a-f]{12}$/);
      const line = logs.records.find((r) => r.level === "error" && r.fields.requestId === body.requestId);
      expect(line?.msg).to.equal("handler failed");
      expect(line?.fields.error).to.equal(p === "/boom" ? "handler exploded" : "late failure");
      expect(line?.fields.url).to.equal(p);
    }
    const res = await fetch(`${srv.url}/teapot`);
    expect(res.status).to.equal(418);
    expect(await res.json()).to.deep.equal({ error: "I am a teapot.", brew: "tea" });
    expect((await fetch(`${srv.url}/items/1`)).status).to.equal(200);
  });

  it("keeps an idle keep-alive connection open 65 s by default (Node's own default closes it after 5 s), as configured otherwise", async function () {
    /** Sends two GETs on one socket, `idleMs` apart; resolves with the answers' status lines, and whether the server closed it. */
    const twoRequests = (port: number, idleMs: number) =>
      new Promise<{ statuses: string[]; closedBeforeSecond: boolean }>((resolve, reject) => {
        const s = net.connect({ host: "127.0.0.1", port });
        let data = "";
        let closed = false;
        let sentSecond = false;
        s.on("data", (d) => {
          data += d.toString();
          const answers = data.match(/HTTP\/1.1 \d+/g) ?? [];
          if (answers.length === 1 && !sentSecond) {
            sentSecond = true;
            setTimeout(() => {
              if (closed) return resolve({ statuses: answers, closedBeforeSecond: true });
              s.write("GET /items/2 HTTP/1.1\r\nHost: x\r\n\r\n");
            }, idleMs);
          }
          if (answers.length === 2) {
            s.destroy();
            resolve({ statuses: answers, closedBeforeSecond: false });
          }
        });
        s.on("close", () => (closed = true));
        s.on("error", reject);
        s.write("GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n");
      });
    expect(srv.server.keepAliveTimeout).to.equal(65_000);
    expect(await twoRequests(srv.port, 700)).to.deep.equal({
      statuses: ["HTTP/1.1 200", "HTTP/1.1 200"],
      closedBeforeSecond: false,
    });
    const short = await startHttpServer({
      keepAliveTimeoutMs: 200,
      routes: [{ method: "GET", path: "/items/:id", handler: (ctx) => ({ json: { id: ctx.params.id } }) }],
    });
    try {
      expect(await twoRequests(short.port, 1500)).to.deep.equal({
        statuses: ["HTTP/1.1 200"],
        closedBeforeSecond: true,
      });
    } finally {
      await short.close();
    }
  });

  it("answers garbage on the socket with 400 and stays up", async function () {
    const reply = await new Promise<string>((resolve, reject) => {
      const s = net.connect({ host: "127.0.0.1", port: srv.port }, () => s.write("NOT HTTP AT ALL\r\n\r\n"));
      let data = "";
      s.on("data", (d) => (data += d.toString()));
      s.on("end", () => resolve(data));
      s.on("error", reject);
    });
    expect(reply).to.match(/^HTTP\/1.1 400/);
    expect((await fetch(`${srv.url}/items/1`)).status).to.equal(200);
  });
});

describe("infra: metrics and health", function () {
  it("renders counters, gauges and collected values in Prometheus text format", function () {
    const reg = new MetricsRegistry();
    const faults = reg.counter("validator_faults_found_total", "Faults found, by class", ["fault"]);
    const lag = reg.gauge("validator_head_lag_blocks", "Blocks between head and the scanned cursor");
    const plain = reg.counter("plain_total", "Never incremented");
    reg.collect("node_cursor", "gauge", "Feed cursor per node", () => [
      { labels: { node: '0xab"c\\d\ne' }, value: 7 },
      { labels: { node: "0x01" }, value: 2n ** 64n },
    ]);
    faults.inc({ fault: "BAD_SIGNATURE" });
    faults.inc({ fault: "BAD_SIGNATURE" }, 2);
    faults.inc({ fault: "MALFORMED" });
    lag.set({}, 3);
    lag.dec();
    expect(plain.get()).to.equal(0);
    expect(faults.get({ fault: "BAD_SIGNATURE" })).to.equal(3);
    expect(reg.render()).to.equal(
      [
        "# HELP validator_faults_found_total Faults found, by class",
        "# TYPE validator_faults_found_total counter",
        'validator_faults_found_total{fault="BAD_SIGNATURE"} 3',
        'validator_faults_found_total{fault="MALFORMED"} 1',
        "# HELP validator_head_lag_blocks Blocks between head and the scanned cursor",
        "# TYPE validator_head_lag_blocks gauge",
        "validator_head_lag_blocks 2",
        "# HELP plain_total Never incremented",
        "# TYPE plain_total counter",
        "plain_total 0",
        "# HELP node_cursor Feed cursor per node",
        "# TYPE node_cursor gauge",
        'node_cursor{node="0xab\\"c\\\\d\\ne"} 7',
        'node_cursor{node="0x01"} 18446744073709552000',
        "",
      ].join("\n"),
    );
  });

  it("refuses bad names, wrong labels, duplicate metrics and decreasing counters", function () {
    const reg = new MetricsRegistry();
    const c = reg.counter("ok_total", "help", ["a"]);
    expect(() => reg.counter("bad-name", "help")).to.throw(/Invalid metric name/);
    expect(() => reg.gauge("ok_total", "help")).to.throw(/already registered/);
    expect(() => reg.gauge("g", "help", ["__x"])).to.throw(/Invalid label name/);
    expect(() => c.inc({ b: "1" })).to.throw(/takes labels \[a\], got \[b\]/);
    expect(() => c.inc({ a: "1" }, -1)).to.throw(/only increase/);
  });

  it("serves GET /metrics and GET /health (503 when unhealthy or failing)", async function () {
    const reg = new MetricsRegistry();
    reg.counter("x_total", "x").inc();
    let healthy = true;
    const srv = await startHttpServer({
      routes: [
        metricsRoute(reg),
        healthRoute(() => {
          if (!healthy) throw new Error("rpc down");
          return { ok: true, headLag: 2 };
        }),
      ],
    });
    try {
      let res = await fetch(`${srv.url}/metrics`);
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-type")).to.equal(PROMETHEUS_CONTENT_TYPE);
      expect(await res.text()).to.equal("# HELP x_total x\n# TYPE x_total counter\nx_total 1\n");
      res = await fetch(`${srv.url}/health`);
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ ok: true, headLag: 2 });
      healthy = false;
      res = await fetch(`${srv.url}/health`);
      expect(res.status).to.equal(503);
      expect(await res.json()).to.deep.equal({ ok: false, error: "rpc down" });
    } finally {
      await srv.close();
    }
  });
});

describe("infra: structured logger", function () {
  it("writes one JSON object per line with ts, level, msg and fields, filtered by level", function () {
    const lines: string[] = [];
    const log = createLogger({
      level: "info",
      sink: (l) => lines.push(l),
      fields: { app: "validator" },
      now: () => new Date("2025-01-02T03:04:05.678Z"),
    });
    log.debug("hidden");
    log.info("started", { port: 8080 });
    log.child({ component: "rpc" }).warn("slow", { ms: 12n, err: new RangeError("bad") });
    expect(lines).to.deep.equal([
      '{"ts":"2025-01-02T03:04:05.678Z","level":"info","msg":"started","fields":{"app":"validator","port":8080}}',
      '{"ts":"2025-01-02T03:04:05.678Z","level":"warn","msg":"slow","fields":{"app":"validator","component":"rpc","ms":"12","err":{"name":"RangeError","message":"bad"}}}',
    ]);
    expect(log.enabled("debug")).to.be.false;
    expect(log.enabled("error")).to.be.true;
  });

  it("reads the level from LOG_LEVEL and refuses unknown levels", function () {
    const saved = process.env.LOG_LEVEL;
    try {
      process.env.LOG_LEVEL = "ERROR";
      const lines: string[] = [];
      const log = createLogger({ sink: (l) => lines.push(l) });
      log.warn("no");
      log.error("yes");
      expect(lines.map((l) => JSON.parse(l).msg)).to.deep.equal(["yes"]);
      process.env.LOG_LEVEL = "loud";
      expect(() => createLogger()).to.throw(
        'Log level "loud" is not one of debug, info, warn, error, silent.',
      );
      expect(parseLogLevel(" Silent ")).to.equal("silent");
    } finally {
      if (saved === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = saved;
    }
  });
});
