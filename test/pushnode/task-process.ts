import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { findProjectRoot } from "../../src/testing/hardhat-node";

/** A Hardhat task run as its own process (`hardhat <args>`), in its own process group. */
export interface TaskProcess {
  child: ChildProcess;
  pid: number;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first or on timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` to the process group this test started. */
  kill(signal: NodeJS.Signals): void;
}

const live = new Set<number>();
process.on("exit", () => {
  for (const pid of live) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone
    }
  }
});

export function runTask(args: string[], env: Record<string, string> = {}): TaskProcess {
  const cli = require.resolve("hardhat/internal/cli/cli");
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.HARDHAT_NETWORK;
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: findProjectRoot(),
    env: childEnv,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid as number;
  live.add(pid);
  let out = "";
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString("utf8");
    for (const l of listeners) l();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      live.delete(pid);
      for (const l of listeners) l();
      resolve({ code, signal });
    }),
  );
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    pid,
    output: () => out,
    exited,
    kill: (signal) => {
      try {
        process.kill(-pid, signal);
      } catch {
        // already gone
      }
    },
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern} in:\n${out.slice(-3000)}`));
        }, timeoutMs);
        const check = () => {
          const m = out.match(pattern);
          if (m) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve(m);
          } else if (done) {
            clearTimeout(timer);
            listeners.delete(check);
            reject(new Error(`the task exited before printing ${pattern}:\n${out.slice(-3000)}`));
          }
        };
        listeners.add(check);
        check();
      }),
  };
}
