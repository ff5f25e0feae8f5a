/**
 * CPU time and memory of another process group, read from /proc (Linux): what `bench:node` measures of the
 * node it starts, so that the node's own CPU is counted and not the benchmark's.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";

let ticks: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`, usually 100). */
export function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

interface ProcStat {
  pid: number;
  pgrp: number;
  /** user + system CPU seconds. */
  cpuSeconds: number;
}

function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null; // gone
  }
  // "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses: split after the last ")".
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const utime = Number(f[11]);
  const stime = Number(f[12]);
  return { pid, pgrp: Number(f[2]), cpuSeconds: (utime + stime) / clockTicks() };
}

/** The live processes of process group `pgid`. */
export function groupPids(pgid: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s !== null && s.pgrp === pgid) out.push(s.pid);
  }
  return out;
}

/** User + system CPU seconds consumed so far by the live processes of group `pgid`. */
export function groupCpuSeconds(pgid: number): number {
  let sum = 0;
  for (const pid of groupPids(pgid)) sum += readStat(pid)?.cpuSeconds ?? 0;
  return sum;
}

function statusField(pid: number, field: "VmHWM" | "VmRSS"): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Peak resident set (VmHWM, bytes) of one process. */
export function peakRssBytes(pid: number): number {
  return statusField(pid, "VmHWM");
}

/** Current resident set (VmRSS, bytes) of one process. */
export function rssBytes(pid: number): number {
  return statusField(pid, "VmRSS");
}

/** CPU seconds of one thread kind: user and system. */
export interface ThreadCpu {
  user: number;
  system: number;
}

/**
 * User and system CPU seconds so far of the threads of group `pgid`, by thread kind: "main" (each process's
 * main thread: JavaScript, synchronous SQLite and its fsync, system calls) and the others by their name in
 * /proc (V8's GC and compiler helpers "V8 DefaultWorke", libuv's pool "libuv-worker", ...).
 */
export function groupThreadCpu(pgid: number): Record<string, ThreadCpu> {
  const out: Record<string, ThreadCpu> = {};
  for (const pid of groupPids(pgid)) {
    let tids: string[];
    try {
      tids = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      let text: string;
      try {
        text = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      } catch {
        continue;
      }
      const comm = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
      const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
      const kind = tid === String(pid) ? "main" : comm.replace(/\d+$/, "").trim() || "thread";
      const t = (out[kind] ??= { user: 0, system: 0 });
      t.user += Number(f[11]) / clockTicks();
      t.system += Number(f[12]) / clockTicks();
    }
  }
  return out;
}

/** `after - before` per thread kind (kinds only in `after` count from zero), rounded to 10 ms. */
export function threadCpuDelta(
  before: Record<string, ThreadCpu>,
  after: Record<string, ThreadCpu>,
): Record<string, ThreadCpu> {
  const out: Record<string, ThreadCpu> = {};
  for (const [k, a] of Object.entries(after)) {
    const b = before[k] ?? { user: 0, system: 0 };
    out[k] = { user: Number((a.user - b.user).toFixed(2)), system: Number((a.system - b.system).toFixed(2)) };
  }
  return out;
}
