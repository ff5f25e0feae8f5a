/**
 * Exclusive lock files, so that two processes of ours never share state (docs/process-locks.md):
 *
 * - a data directory lock, `<dataDir>/LOCK`, taken by `node:serve` and `validator:run`;
 * - a signer lock, `<os.tmpdir()>/push-nodes-locks/<signer>.lock`, taken by `node:serve`, so that one node
 *   signer never attests from two processes (two data directories would give two sequence counters: a
 *   certain EQUIVOCATION).
 *
 * A lock file holds JSON {pid, hostname, purpose, path, startedAt}. It is created complete and atomically
 * (written to a temporary file, then hard-linked to its name, which fails if the name exists). A lock whose
 * PID is alive on this machine is refused; a lock whose PID is gone (a crash, kill -9) or that cannot be
 * read is stale and taken over. The lock is removed when released or when the process exits normally.
 *
 * Limits: it protects one machine (the PID is checked on this host; another machine sharing the
 * directory over a network file system, or the same signer key on another machine, is not seen), and a
 * PID reused by an unrelated process after a crash keeps the lock until that process ends.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface LockOwner {
  pid: number;
  hostname: string;
  /** What holds it, e.g. "node:serve" or "validator:run". */
  purpose: string;
  /** The data directory or the signer the lock is for. */
  subject: string;
  startedAt: string;
}

/** A lock held by another live process; the message is one sentence. */
export class LockHeldError extends Error {
  constructor(
    message: string,
    readonly owner: LockOwner,
    readonly file: string,
  ) {
    super(message);
    this.name = "LockHeldError";
  }
}

export interface HeldLock {
  file: string;
  /** Whether a stale lock (of a dead process) was taken over. */
  tookOver: LockOwner | null;
  /** Removes the lock file (only if it is still ours). Idempotent. */
  release(): void;
}

/** The shared directory of signer locks (one machine). */
export function signerLockDir(): string {
  return path.join(os.tmpdir(), "push-nodes-locks");
}

/** Whether `pid` is a live process on this machine. */
export function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    const v = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<LockOwner>;
    if (typeof v.pid !== "number") return null;
    return {
      pid: v.pid,
      hostname: typeof v.hostname === "string" ? v.hostname : "",
      purpose: typeof v.purpose === "string" ? v.purpose : "another process",
      subject: typeof v.subject === "string" ? v.subject : "",
      startedAt: typeof v.startedAt === "string" ? v.startedAt : "",
    };
  } catch {
    return null;
  }
}

const held = new Set<string>();
let exitHooked = false;

function removeIfOurs(file: string): void {
  const o = readOwner(file);
  if (o !== null && o.pid === process.pid) {
    try {
      fs.unlinkSync(file);
    } catch {
      // already gone
    }
  }
  held.delete(file);
}

/**
 * Takes the lock file `file` for this process, or throws {@link LockHeldError} (built by `describe`) when a
 * live process holds it. Takes over a lock of a dead process.
 */
export function acquireLock(
  file: string,
  purpose: string,
  subject: string,
  describe: (owner: LockOwner) => string,
): HeldLock {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const me: LockOwner = {
    pid: process.pid,
    hostname: os.hostname(),
    purpose,
    subject,
    startedAt: new Date().toISOString(),
  };
  const tmp = `${file}.${process.pid}.${Math.random().toString(16).slice(2)}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(me) + "\n", { mode: 0o644 });
  let tookOver: LockOwner | null = null;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.linkSync(tmp, file);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 5) throw e;
      }
      const owner = readOwner(file);
      if (owner !== null && (owner.pid === process.pid || pidAlive(owner.pid)))
        throw new LockHeldError(describe(owner), owner, file);
      // Stale (dead PID) or unreadable: take it over. Renaming it away first means that, of two processes
      // taking over at once, only one removes it; the other finds the new lock at its next attempt.
      const stale = `${file}.stale.${process.pid}`;
      try {
        fs.renameSync(file, stale);
        fs.unlinkSync(stale);
        tookOver = owner;
      } catch {
        // someone else took it over first: try again
      }
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  held.add(file);
  if (!exitHooked) {
    exitHooked = true;
    process.on("exit", () => {
      for (const f of [...held]) removeIfOurs(f);
    });
  }
  return { file, tookOver, release: () => removeIfOurs(file) };
}

function since(o: LockOwner): string {
  return o.startedAt ? ` since ${o.startedAt}` : "";
}

/** Locks a data directory (`<dataDir>/LOCK`) for `purpose` (the task name). */
export function lockDataDir(dataDir: string, purpose: string): HeldLock {
  const dir = path.resolve(dataDir);
  return acquireLock(
    path.join(dir, "LOCK"),
    purpose,
    dir,
    (o) =>
      `The data directory ${dir} is in use by ${o.purpose} (PID ${o.pid}${since(o)}): stop that process ` +
      `first, or use another --data-dir.`,
  );
}

/** Locks a node signer on this machine, in {@link signerLockDir}. */
export function lockSigner(signer: string, purpose: string, dir: string = signerLockDir()): HeldLock {
  const s = signer.toLowerCase();
  return acquireLock(
    path.join(dir, `${s}.lock`),
    purpose,
    s,
    (o) =>
      `The signer ${signer} is already attesting in ${o.purpose} (PID ${o.pid}${since(o)}): two processes ` +
      `with one signer sign two different messages with the same sequence, a provable EQUIVOCATION ` +
      `(a 50% slash); stop that process first.`,
  );
}
