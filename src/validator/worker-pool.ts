/**
 * Validation on several cores: worker threads, each with its own connection to the chain index, run
 * {@link validateItem}; the main thread keeps the feeds, the store and the chain. With `workers: 0` the
 * same interface validates in the calling thread.
 */
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { AttestationDomain, CheckParams, KeyView } from "../message";
import { openKeyView } from "./key-source";
import type { KeySource } from "./key-source";
import { useNativeKeccak } from "./native-hash";
import { validateItems } from "./validate";

import type { BatchItem, ItemVerdict } from "./validate";

export interface ValidationTask {
  /** The feed item, parsed or as JSON text (text is cheaper to hand to a worker thread). */
  item: unknown;
  node: string;
  params: CheckParams;
  domain: AttestationDomain;
}

export interface Validator {
  validate(task: ValidationTask): Promise<ItemVerdict>;
  /** Number of threads validating (1 for the inline validator). */
  readonly threads: number;
  close(): Promise<void>;
}

/** A task's item: JSON text is parsed (text that is not JSON becomes an unreadable item). */
function parsed(item: unknown): unknown {
  if (typeof item !== "string") return item;
  try {
    return JSON.parse(item) as unknown;
  } catch {
    return null;
  }
}

/** A task as validateItems takes it (JSON text parsed). */
function batchItem(t: ValidationTask): BatchItem {
  return { item: parsed(t.item), node: t.node, domain: t.domain, params: t.params };
}

/** Validates in the calling thread; tasks submitted in the same synchronous run form one batch. */
export class InlineValidator implements Validator {
  readonly threads = 1;
  private pending: Array<{
    task: ValidationTask;
    resolve: (v: ItemVerdict) => void;
    reject: (e: Error) => void;
  }> = [];
  constructor(private readonly keys: KeyView) {}
  validate(task: ValidationTask): Promise<ItemVerdict> {
    return new Promise<ItemVerdict>((resolve, reject) => {
      if (this.pending.length === 0) queueMicrotask(() => this.run());
      this.pending.push({ task, resolve, reject });
    });
  }
  private run(): void {
    const batch = this.pending;
    this.pending = [];
    const verdicts = validateItems(
      batch.map(({ task }) => batchItem(task)),
      this.keys,
    );
    verdicts.forEach((v, i) => v.then(batch[i].resolve, batch[i].reject));
  }
  async close(): Promise<void> {}
}

interface Pending {
  resolve: (v: ItemVerdict) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  inflight: Map<number, Pending>;
  ready: Promise<void>;
}

/** Runs a TypeScript (ts-node, transpile only) or JavaScript worker module. */
const BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
if (workerData.script.endsWith(".ts")) require("ts-node").register({ transpileOnly: true });
require(workerData.script);
`;

export interface PoolOptions {
  /** Worker threads (default: the number of CPUs). */
  workers?: number;
  source: KeySource;
  /** Tasks a worker holds at once (default 64). */
  maxInflightPerWorker?: number;
  /** Most tasks sent to a worker in one message (default 32); see {@link validateItems}. */
  batchSize?: number;
}

/** A worker's answer to one batch: a verdict or an error per task id. */
interface BatchReply {
  results: Array<{ id: number; verdict?: ItemVerdict; error?: string }>;
}

export class WorkerPoolValidator implements Validator {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;
  readonly threads: number;
  private readonly perWorker: number;
  private readonly batchSize: number;
  private pumpScheduled = false;
  private queue: Array<{ id: number; task: ValidationTask; pending: Pending }> = [];

  private constructor(private readonly opts: PoolOptions) {
    this.threads = Math.max(1, opts.workers ?? os.cpus().length);
    this.perWorker = opts.maxInflightPerWorker ?? 64;
    this.batchSize = Math.max(1, Math.min(opts.batchSize ?? 32, this.perWorker));
  }

  /** Starts the workers and waits until each has opened its key view. */
  static async start(opts: PoolOptions): Promise<WorkerPoolValidator> {
    const pool = new WorkerPoolValidator(opts);
    for (let i = 0; i < pool.threads; i++) pool.slots.push(pool.spawn());
    await Promise.all(pool.slots.map((s) => s.ready));
    return pool;
  }

  private spawn(): Slot {
    const ext = path.extname(__filename);
    const script = path.join(__dirname, `validation-worker${ext}`);
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { script, source: this.opts.source } });
    const inflight = new Map<number, Pending>();
    let readyResolve!: () => void;
    let readyReject!: (e: Error) => void;
    const ready = new Promise<void>((res, rej) => ((readyResolve = res), (readyReject = rej)));
    const slot: Slot = { worker, inflight, ready };
    worker.on("message", (m: { ready: true } | BatchReply) => {
      if ("ready" in m) return readyResolve();
      for (const r of m.results) {
        const p = inflight.get(r.id);
        if (!p) continue;
        inflight.delete(r.id);
        if (r.error !== undefined) p.reject(new Error(r.error));
        else p.resolve(r.verdict as ItemVerdict);
      }
      this.pump();
    });
    const fail = (e: Error) => {
      readyReject(e);
      for (const p of inflight.values()) p.reject(e);
      inflight.clear();
      const i = this.slots.indexOf(slot);
      if (i >= 0 && !this.closed) {
        // Replace the dead worker; queued tasks go to the others meanwhile.
        this.slots[i] = this.spawn();
        this.slots[i].ready.then(() => this.pump()).catch(() => undefined);
      }
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (!this.closed) fail(new Error(`validation worker exited with code ${code}`));
    });
    return slot;
  }

  validate(task: ValidationTask): Promise<ItemVerdict> {
    if (this.closed) return Promise.reject(new Error("the validation pool is closed"));
    return new Promise<ItemVerdict>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, pending: { resolve, reject } });
      // Tasks submitted in the same synchronous run (e.g. a feed page) go out together, in batches.
      if (!this.pumpScheduled) {
        this.pumpScheduled = true;
        queueMicrotask(() => {
          this.pumpScheduled = false;
          this.pump();
        });
      }
    });
  }

  /** Sends queued tasks, a batch at a time, to the least loaded workers with room. */
  private pump(): void {
    while (this.queue.length > 0) {
      let best: Slot | undefined;
      for (const s of this.slots)
        if (s.inflight.size < this.perWorker && (!best || s.inflight.size < best.inflight.size)) best = s;
      if (!best) return;
      const n = Math.min(this.batchSize, this.perWorker - best.inflight.size, this.queue.length);
      const batch = this.queue.splice(0, n);
      for (const b of batch) best.inflight.set(b.id, b.pending);
      best.worker.postMessage({ batch: batch.map(({ id, task }) => ({ id, task })) });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queue) q.pending.reject(new Error("the validation pool is closed"));
    this.queue = [];
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

/** A worker pool when `workers` > 0, else an inline validator over `keys`. */
export async function createValidator(workers: number, source: KeySource, keys: KeyView): Promise<Validator> {
  if (workers <= 0) return new InlineValidator(keys);
  return WorkerPoolValidator.start({ workers, source });
}

/** Used by validation-worker.ts: answers batches of tasks with a key view of its own. */
export function serveValidationTasks(
  port: {
    on(ev: "message", f: (m: { batch: Array<{ id: number; task: ValidationTask }> }) => void): void;
    postMessage(m: unknown): void;
  },
  source: KeySource,
): void {
  useNativeKeccak();
  const { keys } = openKeyView(source);
  port.on("message", ({ batch }) => {
    const verdicts = validateItems(
      batch.map(({ task }) => batchItem(task)),
      keys,
    );
    void Promise.allSettled(verdicts).then((settled) => {
      const reply: BatchReply = {
        results: settled.map((s, i) =>
          s.status === "fulfilled"
            ? { id: batch[i].id, verdict: s.value }
            : { id: batch[i].id, error: s.reason instanceof Error ? s.reason.message : String(s.reason) },
        ),
      };
      port.postMessage(reply);
    });
  });
  port.postMessage({ ready: true });
}
