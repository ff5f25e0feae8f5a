/**
 * Confirmation-depth log scanner with reorg detection by block hash and a persisted cursor.
 *
 * Delivery contract (at-least-once; with idempotent consumers, an exactly-once effect):
 * - logs are delivered in batches, in (blockNumber, logIndex) order, only for blocks <= head - confirmations;
 * - the cursor moves (and is persisted) only after `onLogs` resolved; if it throws, the same range is
 *   delivered again on the next poll. `onLogs` may return a synchronous `apply` function: the store runs it
 *   in the same atomic transaction as the cursor write (SQLite), so a batch and its cursor commit together;
 * - the scanner records the hash of every block boundary it relies on (each processed range's last block,
 *   and each block it delivered logs from). When the stored cursor hash no longer matches the chain, it
 *   rewinds to the last recorded block whose hash still matches, calls `onReorg` (the consumer drops what it
 *   derived from blocks above `rewindTo`) and delivers again from there.
 */
import { RpcResponseError } from "./rpc";
import type { BlockHeader, LogFilter, RpcLog } from "./rpc";
import { silentLogger } from "../log";
import type { Logger } from "../log";

/** A block number with its hash. */
export interface BlockRef {
  number: number;
  hash: string;
}

/** What the scanner persists. JSON-serialisable. */
export interface ScannerState {
  /** Last block whose logs were fully delivered (startBlock - 1 before anything). */
  block: number;
  /** Its hash ("" if that block did not exist or is below block 0). */
  hash: string;
  /** Recently relied-on blocks, ascending by number, bounded; used to find the fork point of a reorg. */
  checkpoints: BlockRef[];
}

/** Where the scanner keeps its state. `save` with `apply` must run apply and the write atomically if it can. */
export interface ScannerStore {
  load(): ScannerState | undefined | Promise<ScannerState | undefined>;
  save(state: ScannerState, apply?: () => void): void | Promise<void>;
}

/** In-memory store (state is lost with the process); for tests and throwaway runs. */
export class MemoryScannerStore implements ScannerStore {
  state: ScannerState | undefined;
  saves = 0;
  load(): ScannerState | undefined {
    return this.state && structuredClone(this.state);
  }
  save(state: ScannerState, apply?: () => void): void {
    apply?.();
    this.state = structuredClone(state);
    this.saves++;
  }
}

/** Logs of blocks [fromBlock, toBlock], sorted by (blockNumber, logIndex). Never empty. */
export interface LogBatch {
  fromBlock: number;
  toBlock: number;
  toBlockHash: string;
  logs: RpcLog[];
}

/** A reorg the scanner found: everything derived from blocks above `rewindTo.number` is void. */
export interface ReorgInfo {
  /** The cursor block whose stored hash no longer matched (or no longer existed). */
  cursor: BlockRef;
  /** The chain's hash at that height now, or undefined if the chain is shorter. */
  chainHash: string | undefined;
  /** The last recorded block whose hash still matches; delivery restarts after it. */
  rewindTo: BlockRef;
}

/** Optional synchronous work to commit atomically with the cursor (see {@link ScannerStore.save}). */
export type Apply = (() => void) | void;

/** The subset of RpcClient the scanner uses. */
export interface ScannerRpc {
  blockNumber(): Promise<number>;
  getBlockHeader(block: number | "latest"): Promise<BlockHeader | undefined>;
  getLogs(filter: LogFilter): Promise<RpcLog[]>;
}

export interface LogScannerOptions {
  rpc: ScannerRpc;
  /** Contract addresses to watch (all when empty). */
  addresses?: string[];
  /** eth_getLogs topic filter. */
  topics?: Array<string | string[] | null>;
  /** First block to scan (e.g. the deployment block). Ignored when the store holds a state. */
  startBlock: number;
  /** Only blocks <= head - confirmations are scanned (0 = up to head). */
  confirmations: number;
  /** Blocks per eth_getLogs request (default 2000); halved on "too many results" errors. */
  chunkSize?: number;
  /** How many checkpoints to keep (default 256). A reorg deeper than all of them rescans from startBlock. */
  maxCheckpoints?: number;
  store: ScannerStore;
  onLogs: (batch: LogBatch) => Apply | Promise<Apply>;
  onReorg?: (info: ReorgInfo) => Apply | Promise<Apply>;
  /** Decides which getLogs errors mean "range too large" (default: {@link isTooManyResultsError}). */
  isTooManyResults?: (e: unknown) => boolean;
  logger?: Logger;
}

export interface PollResult {
  head: number;
  /** Highest block scanned so far (the cursor after the poll). */
  cursor: number;
  batches: number;
  logs: number;
  reorg: ReorgInfo | undefined;
}

export interface ScannerStats {
  cursor: number | undefined;
  head: number | undefined;
  chunkSize: number;
  batches: number;
  logs: number;
  reorgs: number;
  chunkHalvings: number;
  pollErrors: number;
}

/** Provider errors meaning "ask for a smaller block range" (Infura, Alchemy, QuickNode, geth, erigon...). */
export function isTooManyResultsError(e: unknown): boolean {
  if (!(e instanceof RpcResponseError)) return false;
  if (e.code === -32005) return true;
  return /too many|more than \d+ (results|logs)|limit exceeded|response size|block range|range (is )?too (large|wide)|exceed/i.test(
    e.rpcMessage,
  );
}

/** Thrown (and logged) when the chain moved under a poll; the next poll continues safely. */
class ChainMovedError extends Error {}

export class LogScanner {
  private state: ScannerState | undefined;
  private chunk: number;
  private readonly maxChunk: number;
  private okInRow = 0;
  private running: Promise<PollResult> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private readonly log: Logger;
  private readonly isTooMany: (e: unknown) => boolean;
  private readonly counters = { batches: 0, logs: 0, reorgs: 0, chunkHalvings: 0, pollErrors: 0 };
  private head: number | undefined;

  constructor(private readonly opts: LogScannerOptions) {
    if (!Number.isInteger(opts.confirmations) || opts.confirmations < 0)
      throw new Error("confirmations must be a non-negative integer");
    if (!Number.isInteger(opts.startBlock) || opts.startBlock < 0)
      throw new Error("startBlock must be a non-negative integer");
    this.maxChunk = opts.chunkSize ?? 2000;
    if (!Number.isInteger(this.maxChunk) || this.maxChunk < 1) throw new Error("chunkSize must be >= 1");
    this.chunk = this.maxChunk;
    this.log = (opts.logger ?? silentLogger).child({ component: "log-scanner" });
    this.isTooMany = opts.isTooManyResults ?? isTooManyResultsError;
  }

  /** The persisted cursor (undefined before the first poll loaded it). */
  get cursor(): BlockRef | undefined {
    return this.state && { number: this.state.block, hash: this.state.hash };
  }

  stats(): ScannerStats {
    return { cursor: this.state?.block, head: this.head, chunkSize: this.chunk, ...this.counters };
  }

  /**
   * Scans from the cursor up to head - confirmations, delivering batches. Concurrent calls share one run.
   * Rejects if the RPC (after its own retries) or a consumer callback fails; the cursor then stays at the
   * last persisted batch.
   */
  poll(): Promise<PollResult> {
    this.running ??= this.doPoll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Polls every `intervalMs` until {@link stop}; errors are logged and counted, never thrown. */
  start(intervalMs = 2000): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = (async () => {
      while (!this.stopping) {
        try {
          await this.poll();
        } catch (e) {
          this.counters.pollErrors++;
          this.log.error("poll failed; will retry", { error: e instanceof Error ? e.message : String(e) });
        }
        if (this.stopping) break;
        await new Promise<void>((r) => {
          this.wake = r;
          this.timer = setTimeout(r, intervalMs);
        });
        this.wake = undefined;
      }
    })();
  }

  /** Stops the loop after the current chunk and waits for it. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.wake?.(); // a sleeping loop wakes up, sees `stopping` and ends
    await this.loop;
    await this.running?.catch(() => undefined);
    this.loop = undefined;
    this.stopping = false;
  }

  // ---- internals ----

  private async loadState(): Promise<ScannerState> {
    if (this.state) return this.state;
    const stored = await this.opts.store.load();
    if (stored) {
      this.log.info("resuming from stored cursor", { block: stored.block, hash: stored.hash });
      this.state = stored;
      return stored;
    }
    const before = this.opts.startBlock - 1;
    const hdr = before >= 0 ? await this.opts.rpc.getBlockHeader(before) : undefined;
    this.state = {
      block: before,
      hash: hdr?.hash ?? "",
      checkpoints: hdr ? [{ number: hdr.number, hash: hdr.hash }] : [],
    };
    this.log.info("starting fresh", { startBlock: this.opts.startBlock });
    return this.state;
  }

  private async doPoll(): Promise<PollResult> {
    let state = await this.loadState();
    const head = await this.opts.rpc.blockNumber();
    this.head = head;
    let reorg = await this.checkReorg(state);
    state = this.state as ScannerState;
    const safe = head - this.opts.confirmations;
    let batches = 0;
    let logs = 0;
    while (state.block < safe && !this.stopping) {
      const from = state.block + 1;
      const to = Math.min(safe, from + this.chunk - 1);
      let result: { batch: LogBatch; newState: ScannerState } | undefined;
      try {
        result = await this.fetchRange(state, from, to);
      } catch (e) {
        if (e instanceof ChainMovedError) {
          this.log.warn("chain moved during fetch; checking for a reorg", { from, to, reason: e.message });
          const r = await this.checkReorg(state);
          reorg ??= r;
          state = this.state as ScannerState;
          if (r) continue;
          break;
        }
        if (this.isTooMany(e) && to > from) {
          this.chunk = Math.max(1, Math.floor((to - from + 1) / 2));
          this.okInRow = 0;
          this.counters.chunkHalvings++;
          this.log.warn("range too large; halving chunk", { from, to, chunkSize: this.chunk });
          continue;
        }
        throw e;
      }
      const { batch, newState } = result;
      let apply: Apply = undefined;
      if (batch.logs.length > 0) apply = await this.opts.onLogs(batch);
      await this.opts.store.save(newState, apply ?? undefined);
      this.state = state = newState;
      if (batch.logs.length > 0) {
        batches++;
        logs += batch.logs.length;
        this.counters.batches++;
        this.counters.logs += batch.logs.length;
        this.log.debug("delivered batch", { from, to, logs: batch.logs.length });
      }
      if (++this.okInRow >= 8 && this.chunk < this.maxChunk) {
        this.chunk = Math.min(this.maxChunk, this.chunk * 2);
        this.okInRow = 0;
      }
    }
    return { head, cursor: state.block, batches, logs, reorg };
  }

  /** Fetches and checks one range; returns the batch and the state to persist after it. */
  private async fetchRange(
    state: ScannerState,
    from: number,
    to: number,
  ): Promise<{ batch: LogBatch; newState: ScannerState }> {
    const rpc = this.opts.rpc;
    const toHdr = await rpc.getBlockHeader(to);
    if (!toHdr) throw new ChainMovedError(`block ${to} no longer exists`);
    const fromHdr = from === to ? toHdr : await rpc.getBlockHeader(from);
    if (!fromHdr) throw new ChainMovedError(`block ${from} no longer exists`);
    if (state.hash !== "" && fromHdr.parentHash !== state.hash) {
      throw new ChainMovedError(`parent of block ${from} is not the cursor block ${state.block}`);
    }
    const logs = await rpc.getLogs({
      addresses: this.opts.addresses,
      topics: this.opts.topics,
      fromBlock: from,
      toBlock: to,
    });
    const toAfter = await rpc.getBlockHeader(to);
    if (!toAfter || toAfter.hash !== toHdr.hash)
      throw new ChainMovedError(`block ${to} changed during getLogs`);
    // Every log must come from one hash per height, and match the headers we know.
    const known = new Map<number, string>([
      [fromHdr.number, fromHdr.hash],
      [toHdr.number, toHdr.hash],
    ]);
    const kept: RpcLog[] = [];
    for (const l of logs) {
      if (l.removed) continue;
      if (l.blockNumber < from || l.blockNumber > to)
        throw new ChainMovedError(`log outside [${from}, ${to}]`);
      const h = known.get(l.blockNumber);
      if (h === undefined) known.set(l.blockNumber, l.blockHash);
      else if (h !== l.blockHash) throw new ChainMovedError(`log of block ${l.blockNumber} has another hash`);
      kept.push(l);
    }
    kept.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
    const relied = new Map<number, string>();
    for (const c of state.checkpoints) relied.set(c.number, c.hash);
    for (const l of kept) relied.set(l.blockNumber, l.blockHash);
    relied.set(toHdr.number, toHdr.hash);
    const max = this.opts.maxCheckpoints ?? 256;
    const checkpoints = [...relied.entries()]
      .map(([number, hash]) => ({ number, hash }))
      .sort((a, b) => a.number - b.number)
      .slice(-max);
    return {
      batch: { fromBlock: from, toBlock: to, toBlockHash: toHdr.hash, logs: kept },
      newState: { block: to, hash: toHdr.hash, checkpoints },
    };
  }

  /** If the cursor's hash is no longer on the chain, rewinds (persisting) and returns what happened. */
  private async checkReorg(state: ScannerState): Promise<ReorgInfo | undefined> {
    if (state.hash === "") return undefined;
    const rpc = this.opts.rpc;
    const now = await rpc.getBlockHeader(state.block);
    if (now && now.hash === state.hash) return undefined;

    let rewindTo: BlockRef | undefined;
    for (let i = state.checkpoints.length - 1; i >= 0; i--) {
      const cp = state.checkpoints[i];
      if (cp.number >= state.block) continue;
      const h = await rpc.getBlockHeader(cp.number);
      if (h && h.hash === cp.hash) {
        rewindTo = cp;
        break;
      }
    }
    if (!rewindTo) {
      const before = this.opts.startBlock - 1;
      const hdr = before >= 0 ? await rpc.getBlockHeader(before) : undefined;
      rewindTo = { number: before, hash: hdr?.hash ?? "" };
      this.log.error("reorg deeper than every checkpoint; rescanning from the start block", {
        startBlock: this.opts.startBlock,
      });
    }
    const info: ReorgInfo = {
      cursor: { number: state.block, hash: state.hash },
      chainHash: now?.hash,
      rewindTo,
    };
    this.log.warn("reorg detected; rewinding", {
      cursor: state.block,
      storedHash: state.hash,
      chainHash: now?.hash ?? null,
      rewindTo: rewindTo.number,
    });
    const newState: ScannerState = {
      block: rewindTo.number,
      hash: rewindTo.hash,
      checkpoints: state.checkpoints.filter((c) => c.number <= rewindTo.number),
    };
    const apply = this.opts.onReorg ? await this.opts.onReorg(info) : undefined;
    await this.opts.store.save(newState, apply ?? undefined);
    this.state = newState;
    this.counters.reorgs++;
    this.okInRow = 0;
    return info;
  }
}
