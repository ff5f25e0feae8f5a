/**
 * Where a validation context (main thread or worker thread) reads keys from. A worker thread cannot share
 * the main thread's objects, so it gets a description of the source and opens its own view:
 * - `chain-index`: the chain index in the data directory, through a new SQLite connection (WAL lets
 *   readers run beside the writer). The main thread keeps the index current; this view never polls.
 * - `records`: a fixed list of key records (tests, and benchmarks that want no disk).
 */
import { ChainIndex } from "../chain/chain-index";
import { openDatabase } from "../store/sqlite";
import { MemoryKeyView } from "../message";
import type { KeyView } from "../message";

export interface ChainIndexSource {
  kind: "chain-index";
  dataDir: string;
  /** SQLite file of the chain index inside dataDir. */
  file: string;
  chainId: bigint;
  keyRegistry: string;
  nodeRegistry: string;
  startBlock: number;
  confirmations: number;
}

export interface RecordsSource {
  kind: "records";
  records: Array<{ owner: string; publicKey: Uint8Array; addedAt: bigint; revokedAt: bigint | null }>;
}

export type KeySource = ChainIndexSource | RecordsSource;

function noRpc(): never {
  throw new Error("this chain index connection only reads; the main thread polls the chain");
}

/** Opens a KeyView on `src`; `close` releases what it opened. */
export function openKeyView(src: KeySource): { keys: KeyView; close(): void } {
  if (src.kind === "records") {
    const view = new MemoryKeyView();
    for (const r of src.records) {
      const h = view.addKey(r.owner, r.publicKey, r.addedAt);
      if (r.revokedAt !== null) view.revokeKey(r.owner, h, r.revokedAt);
    }
    return { keys: view, close: () => undefined };
  }
  const db = openDatabase({ dataDir: src.dataDir, file: src.file });
  const keys = new ChainIndex({
    db,
    rpc: { blockNumber: noRpc, getBlockHeader: noRpc, getLogs: noRpc, request: noRpc },
    chainId: src.chainId,
    keyRegistry: src.keyRegistry,
    nodeRegistry: src.nodeRegistry,
    startBlock: src.startBlock,
    confirmations: src.confirmations,
  });
  return { keys, close: () => db.close() };
}
