/**
 * Where a validation context (main thread or worker thread) reads keys from: the chain index in the data
 * directory, opened read-mostly through its own SQLite connection (WAL lets readers run beside the writer).
 */
import { ChainIndex } from "../chain/chain-index";
import { openDatabase } from "../store/sqlite";
import type { Database } from "../store/sqlite";
import type { KeyView } from "../message";

export interface ChainIndexSource {
  dataDir: string;
  /** SQLite file of the chain index inside dataDir. */
  file: string;
  chainId: bigint;
  keyRegistry: string;
  nodeRegistry: string;
  startBlock: number;
  confirmations: number;
}

function noRpc(): never {
  throw new Error("this chain index connection only reads; the main thread polls the chain");
}

/**
 * A KeyView over the chain index of `src`, on a new connection. The index is never polled through it
 * (its RPC refuses): the validator's main thread keeps it current.
 */
export function openKeyView(src: ChainIndexSource): { keys: KeyView; db: Database } {
  const db = openDatabase({ dataDir: src.dataDir, file: src.file });
  const keys = new ChainIndex({
    db,
    rpc: {
      blockNumber: noRpc,
      getBlockHeader: noRpc,
      getLogs: noRpc,
      request: noRpc,
    },
    chainId: src.chainId,
    keyRegistry: src.keyRegistry,
    nodeRegistry: src.nodeRegistry,
    startBlock: src.startBlock,
    confirmations: src.confirmations,
  });
  return { keys, db };
}
