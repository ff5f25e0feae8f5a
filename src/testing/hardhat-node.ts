/**
 * Starts a real `npx hardhat node --hostname 127.0.0.1 --port <free port>` from the project root and stops
 * it by process group. No orphan survives:
 * - the node runs under a tiny watchdog process that leads its own process group; `stop()` kills the group;
 * - the watchdog kills the group when its stdin closes, i.e. when this process dies in any way (kill -9
 *   included);
 * - an `exit` handler kills every group still running.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

/** Environment variable hardhat.config.ts reads for `networks.hardhat.chainId` (default 31337). */
export const CHAIN_ID_ENV = "HARDHAT_CHAIN_ID";

export interface HardhatNodeOptions {
  /** Chain id of the node (through {@link CHAIN_ID_ENV}); default Hardhat's 31337. */
  chainId?: number;
  /** Project root (default: the nearest directory above this file holding hardhat.config.ts). */
  cwd?: string;
  /** How long to wait for eth_chainId to answer (default 60000 ms). */
  startTimeoutMs?: number;
  /** Extra environment for the node. */
  env?: Record<string, string>;
}

export interface HardhatNode {
  url: string;
  port: number;
  /** PID of the watchdog, which is also the process group id. */
  pid: number;
  chainId: bigint;
  /** The last lines the node printed (for diagnostics). */
  output(): string;
  /** Kills the process group (SIGTERM, then SIGKILL after 3 s) and waits until it is gone. Idempotent. */
  stop(): Promise<void>;
}

/** The watchdog: starts the command in its own group, kills the group when stdin closes or on signals. */
const WATCHDOG = `
const { spawn } = require("node:child_process");
const [cmd, ...args] = JSON.parse(process.argv[1]);
const child = spawn(cmd, args, { stdio: ["ignore", "inherit", "inherit"] });
const killGroup = () => { try { process.kill(-process.pid, "SIGKILL"); } catch {} process.exit(1); };
process.stdin.on("end", killGroup);
process.stdin.on("close", killGroup);
process.stdin.on("error", killGroup);
process.stdin.resume();
for (const s of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(s, killGroup);
child.on("exit", (code, signal) => { try { process.kill(-process.pid, "SIGKILL"); } catch {} process.exit(code ?? 1); });
child.on("error", (e) => { console.error("watchdog: " + e.message); killGroup(); });
`;

const live = new Map<number, ChildProcess>();
let exitHookInstalled = false;

function killGroupSync(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const pgid of live.keys()) killGroupSync(pgid, "SIGKILL");
  });
}

/** Synchronously kills every node this process started and has not stopped (for exit handlers). */
export function killAllHardhatNodes(): void {
  for (const pgid of live.keys()) killGroupSync(pgid, "SIGKILL");
}

/** A TCP port that was free on 127.0.0.1 a moment ago (bind port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The nearest directory at or above `from` holding hardhat.config.ts. */
export function findProjectRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    if (fs.existsSync(path.join(dir, "hardhat.config.ts"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`No hardhat.config.ts above ${from}`);
    dir = up;
  }
}

async function rpcChainId(url: string): Promise<bigint | undefined> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1000),
    });
    const body = (await res.json()) as { result?: string };
    return body.result ? BigInt(body.result) : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startOnce(opts: HardhatNodeOptions, port: number): Promise<HardhatNode | "port-taken"> {
  const cwd = opts.cwd ?? findProjectRoot();
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  delete env.HARDHAT_NETWORK;
  if (opts.chainId !== undefined) env[CHAIN_ID_ENV] = String(opts.chainId);
  else delete env[CHAIN_ID_ENV];
  const cmd = ["npx", "hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port)];
  const child = spawn(process.execPath, ["-e", WATCHDOG, JSON.stringify(cmd)], {
    cwd,
    env,
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not spawn the hardhat node watchdog");
  installExitHook();
  live.set(pid, child);
  // Do not keep this process alive for the node: if a test forgets stop(), the exit hook (and the
  // watchdog seeing its stdin close) still kill the group.
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr])
    (s as unknown as { unref?: () => void }).unref?.();

  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(...chunk.toString("utf8").split("\n"));
    if (tail.length > 200) tail.splice(0, tail.length - 200);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited = false;
  const exitedP = new Promise<void>((r) => child.once("exit", () => ((exited = true), r())));

  const stop = async (): Promise<void> => {
    if (!live.has(pid)) return;
    killGroupSync(pid, "SIGTERM");
    const deadline = Date.now() + 3000;
    while ((!exited || groupAlive(pid)) && Date.now() < deadline) await sleep(50);
    if (groupAlive(pid)) killGroupSync(pid, "SIGKILL");
    await Promise.race([exitedP, sleep(2000)]);
    const gone = Date.now() + 2000;
    while (groupAlive(pid) && Date.now() < gone) await sleep(50);
    live.delete(pid);
    child.stdin?.destroy();
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  for (;;) {
    const chainId = await rpcChainId(url);
    if (chainId !== undefined && !exited) {
      return { url, port, pid, chainId, output: () => tail.join("\n"), stop };
    }
    if (exited || Date.now() > deadline) {
      await stop();
      const out = tail.join("\n");
      if (/EADDRINUSE|address already in use/i.test(out)) return "port-taken";
      throw new Error(
        `hardhat node on port ${port} ${exited ? "exited" : "did not answer in time"}; last output:\n${out.slice(-2000)}`,
      );
    }
    await sleep(150);
  }
}

/** Starts a hardhat node on a free 127.0.0.1 port and waits until it answers eth_chainId. */
export async function startHardhatNode(opts: HardhatNodeOptions = {}): Promise<HardhatNode> {
  for (let i = 0; i < 3; i++) {
    const out = await startOnce(opts, await freePort());
    if (out !== "port-taken") {
      if (opts.chainId !== undefined && out.chainId !== BigInt(opts.chainId)) {
        await out.stop();
        throw new Error(
          `hardhat node answered chain ${out.chainId}, expected ${opts.chainId}: does hardhat.config.ts read ${CHAIN_ID_ENV}?`,
        );
      }
      return out;
    }
  }
  throw new Error("could not find a free port for the hardhat node after 3 tries");
}
