/**
 * Chain-state index: registered OpenPGP keys (KeyRegistry) and Push Nodes (NodeRegistry), built from
 * contract events by a {@link LogScanner} at a confirmation depth and kept in SQLite.
 *
 * What it guarantees:
 * - every row is derived from logs of blocks <= head - confirmations, in (block, logIndex) order;
 * - the rows a batch derives commit in the same SQLite transaction as the scanner cursor (a crash leaves
 *   both or neither), so after a restart the index resumes exactly where it stopped;
 * - each row remembers the block it came from; on a reorg the scanner rewinds to the fork point and the
 *   index deletes (keys), un-revokes (revocations) or re-derives (nodes) what came from above it, in the
 *   same transaction as the rewound cursor;
 * - key records mirror what KeyRegistry stores: `addedAt` / `revokedAt` are the timestamps of the blocks
 *   holding `KeyAdded` / `KeyRevoked` (the contract writes `block.timestamp`), read with
 *   `eth_getBlockByHash` of the log's own block hash so a reorg cannot mix forks;
 * - `KeyAdded` key bytes are checked against the indexed keyHash (keccak256): a mismatch is ignored and
 *   counted (the real contract never emits one);
 * - node status is the result of replaying `NodeStatusChanged` in order; the endpoint is the latest of
 *   `NodeRegistered` / `NodeEndpointUpdated` (the contract does not store it).
 *
 * It implements the message library's {@link KeyView}, so `checkMessage` runs against the confirmed
 * chain state. Answers are as of the scanned block: see {@link ChainIndex.freshness} for how stale.
 */
import { checksumAddress } from "../util/address";
import { PollLoop } from "../util/poll-loop";
import { Interface, getAddress, keccak256 } from "ethers";
import type { KeyView, RecordTimes } from "../message/check";
import { LogScanner } from "./log-scanner";
import type { LogBatch, PollResult, ReorgInfo, ScannerRpc, ScannerStats } from "./log-scanner";
import type { RpcLog, RpcOutcome } from "./rpc";
import { KvStore, transaction } from "../store/sqlite";
import type { Database } from "../store/sqlite";
import { SqliteScannerStore } from "../store/scanner-store";
import { silentLogger } from "../log";
import type { Logger } from "../log";
import { remembered } from "../util/memo";

/** Events of IKeyRegistry and INodeRegistry the index consumes (signatures fixed by the interfaces). */
export const CHAIN_INDEX_ABI = [
  "event KeyAdded(address indexed owner, bytes32 indexed keyHash, uint8 algorithm, bytes publicKey)",
  "event KeyRevoked(address indexed owner, bytes32 indexed keyHash)",
  "event NodeRegistered(address indexed node, address indexed operator, uint8 indexed role, string endpoint)",
  "event NodeEndpointUpdated(address indexed node, string endpoint)",
  "event NodeStatusChanged(address indexed node, uint8 from, uint8 to, uint8 reason)",
] as const;

export const chainIndexInterface = new Interface(CHAIN_INDEX_ABI);

const topic = (name: string): string => {
  const ev = chainIndexInterface.getEvent(name);
  if (!ev) throw new Error(`unknown event ${name}`);
  return ev.topicHash;
};

export const TOPICS = {
  KeyAdded: topic("KeyAdded"),
  KeyRevoked: topic("KeyRevoked"),
  NodeRegistered: topic("NodeRegistered"),
  NodeEndpointUpdated: topic("NodeEndpointUpdated"),
  NodeStatusChanged: topic("NodeStatusChanged"),
} as const;

/** INodeRegistry.Status (uint8). */
export enum NodeStatus {
  None = 0,
  Active = 1,
  Jailed = 2,
  Exiting = 3,
  Exited = 4,
  Banned = 5,
}

/** INodeRegistry roles (uint8). */
export enum NodeRole {
  VALIDATOR = 0,
  STORAGE = 1,
  DELIVERY = 2,
  ARCHIVE = 3,
}

export function nodeStatusName(s: number): string {
  return NodeStatus[s] ?? `unknown status ${s}`;
}

export function nodeRoleName(r: number): string {
  return NodeRole[r] ?? `unknown role ${r}`;
}

/** A key record as the index holds it (times in unix seconds, as KeyRegistry stores them). */
export interface IndexedKey {
  owner: string;
  keyHash: string;
  algorithm: number;
  addedAt: bigint;
  /** null while active. */
  revokedAt: bigint | null;
  addedBlock: number;
  revokedBlock: number | null;
}

/** A node as derived from NodeRegistry events. `node` is the signer address (node id == signer). */
export interface IndexedNode {
  node: string;
  operator: string;
  role: number;
  status: NodeStatus;
  /** The latest endpoint registered or set. */
  endpoint: string;
  /** Timestamp of the block of NodeRegistered. */
  registeredAt: bigint;
  registeredBlock: number;
  /** Block of the latest event about this node. */
  updatedBlock: number;
}

/** How current the index is (see {@link ChainIndex.freshness}). */
export interface IndexFreshness {
  /** Last block whose logs are in the index. */
  cursorBlock: number;
  /** Head seen by the last poll. */
  head: number;
  /**
   * Timestamp (s) of the first block after the cursor that existed at the last poll, or null when the
   * index was at head. Every change the index has not seen is in that block or later.
   */
  firstUnseenBlockTime: bigint | null;
  /** Wall-clock time (s) when the last successful poll started (blocks mined after it are unseen too). */
  polledAt: bigint;
}

export interface ChainIndexOptions {
  db: Database;
  rpc: ScannerRpc & {
    request<T = unknown>(method: string, params?: unknown[]): Promise<T>;
    /** Optional JSON-RPC batching (RpcClient has it): block timestamps are then fetched in batches. */
    sendBatch?(
      calls: ReadonlyArray<{ method: string; params?: unknown[] }>,
      maxBatch?: number,
    ): Promise<RpcOutcome[]>;
  };
  /** Expected chain id; recorded at the first run, and a data dir of another chain is refused. */
  chainId: bigint;
  keyRegistry: string;
  nodeRegistry: string;
  /** First block to scan: the deployment block. */
  startBlock: number;
  confirmations: number;
  chunkSize?: number;
  /** Calls per JSON-RPC batch for block timestamps (default 200). */
  blockFetchBatch?: number;
  /** Without batching: concurrent eth_getBlockByHash requests (default 8). */
  blockFetchConcurrency?: number;
  /** Namespace of the cursor and identity in the kv table (default "chain-index"). */
  name?: string;
  logger?: Logger;
}

export interface ChainIndexStats extends ScannerStats {
  keysAdded: number;
  keysRevoked: number;
  nodeEvents: number;
  /** Logs ignored as inconsistent (key bytes not matching keyHash, revocation of an unknown key...). */
  ignoredLogs: number;
}

/** Thrown when the data directory belongs to another chain or deployment. */
export class ChainIndexMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChainIndexMismatchError";
  }
}

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ci_keys (
  owner TEXT NOT NULL,
  key_hash TEXT NOT NULL,
  algorithm INTEGER NOT NULL,
  added_at INTEGER NOT NULL,
  added_block INTEGER NOT NULL,
  added_log INTEGER NOT NULL,
  revoked_at INTEGER,
  revoked_block INTEGER,
  PRIMARY KEY (owner, key_hash)
) STRICT;
CREATE INDEX IF NOT EXISTS ci_keys_added_block ON ci_keys (added_block);
CREATE INDEX IF NOT EXISTS ci_keys_revoked_block ON ci_keys (revoked_block);
CREATE TABLE IF NOT EXISTS ci_key_bytes (
  key_hash TEXT PRIMARY KEY NOT NULL,
  public_key BLOB NOT NULL,
  first_block INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS ci_key_bytes_first_block ON ci_key_bytes (first_block);
CREATE TABLE IF NOT EXISTS ci_node_events (
  block INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  node TEXT NOT NULL,
  kind TEXT NOT NULL,
  operator TEXT,
  role INTEGER,
  status INTEGER,
  endpoint TEXT,
  block_time INTEGER NOT NULL,
  PRIMARY KEY (block, log_index)
) STRICT;
CREATE INDEX IF NOT EXISTS ci_node_events_node ON ci_node_events (node, block, log_index);
CREATE TABLE IF NOT EXISTS ci_nodes (
  node TEXT PRIMARY KEY NOT NULL,
  operator TEXT NOT NULL,
  role INTEGER NOT NULL,
  status INTEGER NOT NULL,
  endpoint TEXT NOT NULL,
  registered_at INTEGER NOT NULL,
  registered_block INTEGER NOT NULL,
  updated_block INTEGER NOT NULL
) STRICT;
`;

interface KeyRow {
  owner: string;
  key_hash: string;
  algorithm: number;
  added_at: number;
  added_block: number;
  revoked_at: number | null;
  revoked_block: number | null;
}

interface NodeRow {
  node: string;
  operator: string;
  role: number;
  status: number;
  endpoint: string;
  registered_at: number;
  registered_block: number;
  updated_block: number;
}

interface NodeEventRow {
  block: number;
  log_index: number;
  node: string;
  kind: string;
  operator: string | null;
  role: number | null;
  status: number | null;
  endpoint: string | null;
  block_time: number;
}

/** A decoded log, ready to be written. */
type Change =
  | {
      kind: "KeyAdded";
      owner: string;
      keyHash: string;
      algorithm: number;
      publicKey: Uint8Array;
      block: number;
      logIndex: number;
      time: number;
    }
  | { kind: "KeyRevoked"; owner: string; keyHash: string; block: number; logIndex: number; time: number }
  | {
      kind: "NodeRegistered";
      node: string;
      operator: string;
      role: number;
      endpoint: string;
      block: number;
      logIndex: number;
      time: number;
    }
  | {
      kind: "NodeEndpointUpdated";
      node: string;
      endpoint: string;
      block: number;
      logIndex: number;
      time: number;
    }
  | {
      kind: "NodeStatusChanged";
      node: string;
      status: number;
      block: number;
      logIndex: number;
      time: number;
    };

function toKey(r: KeyRow): IndexedKey {
  return {
    owner: r.owner,
    keyHash: r.key_hash,
    algorithm: r.algorithm,
    addedAt: BigInt(r.added_at),
    revokedAt: r.revoked_at === null ? null : BigInt(r.revoked_at),
    addedBlock: r.added_block,
    revokedBlock: r.revoked_block,
  };
}

/** Owners (and node signers) whose records the index keeps in memory between its writes. */
const MAX_CACHED_OWNERS = 10_000;

function toNode(r: NodeRow): IndexedNode {
  return {
    node: r.node,
    operator: r.operator,
    role: r.role,
    status: r.status as NodeStatus,
    endpoint: r.endpoint,
    registeredAt: BigInt(r.registered_at),
    registeredBlock: r.registered_block,
    updatedBlock: r.updated_block,
  };
}

/** As KeyRegistry.isActiveAt: added at or before t, and not revoked at or before t. */
function activeAt(r: IndexedKey, t: bigint): boolean {
  return r.addedAt <= t && (r.revokedAt === null || t < r.revokedAt);
}

// ---- minimal ABI decoding of the watched events (see ChainIndex.decode) ----

function hexData(hex: string): Buffer {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(hex)) throw new Error("log data is not hex");
  return Buffer.from(hex.slice(2), "hex");
}

function abiWord(data: Buffer, index: number): Buffer {
  const at = index * 32;
  if (at + 32 > data.length) throw new Error("log data too short");
  return data.subarray(at, at + 32);
}

/** A head word that must hold a number below 2^48 (an offset, a length or a small uint). */
function abiSmall(word: Buffer): number {
  for (let i = 0; i < 26; i++) if (word[i] !== 0) throw new Error("ABI value out of range");
  return word.readUIntBE(26, 6);
}

function abiUint8(data: Buffer, index: number): number {
  const v = abiSmall(abiWord(data, index));
  if (v > 255) throw new Error("uint8 out of range");
  return v;
}

/** The dynamic `bytes` whose offset is head word `index`. */
function abiBytes(data: Buffer, index: number): Uint8Array {
  const offset = abiSmall(abiWord(data, index));
  if (offset % 32 !== 0 || offset + 32 > data.length) throw new Error("bad ABI offset");
  const length = abiSmall(data.subarray(offset, offset + 32));
  if (offset + 32 + length > data.length) throw new Error("ABI bytes run past the data");
  return new Uint8Array(data.subarray(offset + 32, offset + 32 + length));
}

function abiString(data: Buffer, index: number): string {
  return new TextDecoder().decode(abiBytes(data, index));
}

/** An indexed address topic, checksummed. */
function abiAddress(topic: string | undefined): string {
  if (topic === undefined || !/^0x0{24}[0-9a-fA-F]{40}$/.test(topic)) throw new Error("bad address topic");
  return getAddress("0x" + topic.slice(26));
}

export class ChainIndex implements KeyView {
  readonly scanner: LogScanner;
  private readonly db: Database;
  private readonly kv: KvStore;
  private readonly log: Logger;
  private readonly name: string;
  private readonly counters = { keysAdded: 0, keysRevoked: 0, nodeEvents: 0, ignoredLogs: 0 };
  private fresh: IndexFreshness | undefined;
  private readonly stmts;
  private readonly keyRegistry: string;
  private readonly nodeRegistry: string;
  private readonly keyRegistryLower: string;
  private readonly nodeRegistryLower: string;
  /**
   * What the index holds per owner and per node, read once and kept until the index changes: every write
   * (a batch of logs, a reorg's rewind) empties them, before and after it runs. A node reads the keys of both
   * parties and its own record for every message.
   */
  private readonly keysByOwner = new Map<string, readonly IndexedKey[]>();
  private readonly nodesBySigner = new Map<string, IndexedNode | null>();

  constructor(private readonly opts: ChainIndexOptions) {
    this.db = opts.db;
    this.name = opts.name ?? "chain-index";
    this.log = (opts.logger ?? silentLogger).child({ component: "chain-index" });
    this.keyRegistry = getAddress(opts.keyRegistry);
    this.nodeRegistry = getAddress(opts.nodeRegistry);
    this.keyRegistryLower = this.keyRegistry.toLowerCase();
    this.nodeRegistryLower = this.nodeRegistry.toLowerCase();
    this.kv = new KvStore(this.db);
    this.initSchema();
    this.stmts = this.prepare();
    this.scanner = new LogScanner({
      rpc: opts.rpc,
      addresses: [this.keyRegistry, this.nodeRegistry],
      topics: [Object.values(TOPICS)],
      startBlock: opts.startBlock,
      confirmations: opts.confirmations,
      chunkSize: opts.chunkSize,
      store: new SqliteScannerStore(this.db, `${this.name}:cursor`),
      onLogs: (batch) => this.onLogs(batch),
      onReorg: (info) => () => this.changing(() => this.rewind(info)),
      logger: opts.logger,
    });
  }

  // ---------------------------------------------------------------- lifecycle

  /** Scans up to head - confirmations and updates {@link freshness}. Rejects on RPC failure. */
  async poll(): Promise<PollResult> {
    const polledAt = BigInt(Math.floor(Date.now() / 1000));
    const result = await this.scanner.poll();
    let firstUnseenBlockTime: bigint | null = null;
    if (result.head > result.cursor) {
      const hdr = await this.opts.rpc.getBlockHeader(result.cursor + 1);
      firstUnseenBlockTime = hdr ? BigInt(hdr.timestamp) : polledAt;
    }
    this.fresh = { cursorBlock: result.cursor, head: result.head, firstUnseenBlockTime, polledAt };
    return result;
  }

  private readonly pollLoop = new PollLoop(
    () => this.poll(),
    (e) =>
      this.log.error("index poll failed; will retry", { error: e instanceof Error ? e.message : String(e) }),
  );

  /** Polls every `intervalMs` until {@link stop}; errors are logged, never thrown. */
  start(intervalMs = 2000): void {
    this.pollLoop.start(intervalMs);
  }

  async stop(): Promise<void> {
    await this.pollLoop.stop();
    await this.scanner.stop();
  }

  /**
   * How current the index is, from the last successful poll; undefined before the first one.
   * A consumer that acts on the index at time `now` has seen every change made before
   * `min(firstUnseenBlockTime ?? polledAt, polledAt)` (block timestamps may trail the wall clock a little).
   */
  freshness(): IndexFreshness | undefined {
    return this.fresh && { ...this.fresh };
  }

  /** Seconds since the oldest change the index may be missing (0 right after a poll at head). */
  unseenSince(nowSec: bigint): bigint | undefined {
    const f = this.fresh;
    if (!f) return undefined;
    const since =
      f.firstUnseenBlockTime !== null && f.firstUnseenBlockTime < f.polledAt
        ? f.firstUnseenBlockTime
        : f.polledAt;
    return nowSec > since ? nowSec - since : 0n;
  }

  stats(): ChainIndexStats {
    return { ...this.scanner.stats(), ...this.counters };
  }

  // ---------------------------------------------------------------- KeyView

  async keyActiveAt(owner: string, keyHash: string, t: bigint): Promise<boolean> {
    const r = this.keyRecord(owner, keyHash);
    return r !== undefined && activeAt(r, t);
  }

  async anyActiveKeyAt(owner: string, t: bigint): Promise<string | null> {
    const active = this.keysOf(owner)
      .filter((r) => activeAt(r, t))
      .sort((a, b) => (a.addedAt < b.addedAt ? -1 : a.addedAt > b.addedAt ? 1 : a.addedBlock - b.addedBlock));
    return active[0]?.keyHash ?? null;
  }

  async publicKeyBytes(keyHash: string): Promise<Uint8Array | null> {
    const row = this.stmts.keyBytes.get(keyHash.toLowerCase());
    return row ? new Uint8Array(row.public_key) : null;
  }

  async recordTimes(owner: string, keyHash: string): Promise<RecordTimes | null> {
    const r = this.keyRecord(owner, keyHash);
    return r === undefined ? null : { addedAt: r.addedAt, revokedAt: r.revokedAt };
  }

  // ---------------------------------------------------------------- queries

  /** The record of owner's key keyHash, or undefined. */
  keyRecord(owner: string, keyHash: string): IndexedKey | undefined {
    const row = this.stmts.key.get(checksumAddress(owner), keyHash.toLowerCase());
    return row ? toKey(row) : undefined;
  }

  /** Every key record of owner, in order of addition. */
  keysOf(owner: string): IndexedKey[] {
    return [
      ...remembered(this.keysByOwner, owner.toLowerCase(), MAX_CACHED_OWNERS, () =>
        this.stmts.keysOf.all(checksumAddress(owner)).map((r) => Object.freeze(toKey(r))),
      ),
    ];
  }

  /** Keys of owner active at t (default: now), in order of addition. */
  activeKeysOf(owner: string, t: bigint = BigInt(Math.floor(Date.now() / 1000))): IndexedKey[] {
    return this.keysOf(owner).filter((r) => activeAt(r, t));
  }

  /** Number of key records (all owners). */
  keyCount(): number {
    return this.stmts.keyCount.get()?.n ?? 0;
  }

  node(signer: string): IndexedNode | undefined {
    const node = remembered(this.nodesBySigner, signer.toLowerCase(), MAX_CACHED_OWNERS, () => {
      const row = this.stmts.node.get(checksumAddress(signer));
      return row ? Object.freeze(toNode(row)) : null;
    });
    return node ?? undefined;
  }

  nodes(): IndexedNode[] {
    return this.stmts.nodes.all().map(toNode);
  }

  // ---------------------------------------------------------------- internals

  private initSchema(): void {
    const schemaKey = `${this.name}:schema`;
    const identityKey = `${this.name}:identity`;
    const identity = {
      chainId: this.opts.chainId.toString(),
      keyRegistry: this.keyRegistry,
      nodeRegistry: this.nodeRegistry,
      startBlock: this.opts.startBlock,
    };
    transaction(this.db, () => {
      const v = this.kv.get<number>(schemaKey);
      if (v !== undefined && v > SCHEMA_VERSION)
        throw new ChainIndexMismatchError(
          `The chain index in this data directory has schema version ${v}; this program knows ${SCHEMA_VERSION}.`,
        );
      this.db.exec(SCHEMA);
      this.kv.set(schemaKey, SCHEMA_VERSION);
      const stored = this.kv.get<typeof identity>(identityKey);
      if (stored === undefined) {
        this.kv.set(identityKey, identity);
      } else if (
        stored.chainId !== identity.chainId ||
        stored.keyRegistry !== identity.keyRegistry ||
        stored.nodeRegistry !== identity.nodeRegistry
      ) {
        throw new ChainIndexMismatchError(
          `This data directory indexes chain ${stored.chainId} (KeyRegistry ${stored.keyRegistry}, NodeRegistry ` +
            `${stored.nodeRegistry}), not chain ${identity.chainId} (KeyRegistry ${identity.keyRegistry}, ` +
            `NodeRegistry ${identity.nodeRegistry}): use another data directory.`,
        );
      }
    });
  }

  private prepare() {
    const db = this.db;
    return {
      key: db.prepare<[string, string], KeyRow>("SELECT * FROM ci_keys WHERE owner = ? AND key_hash = ?"),
      keysOf: db.prepare<[string], KeyRow>(
        "SELECT * FROM ci_keys WHERE owner = ? ORDER BY added_block, added_log",
      ),
      keyCount: db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM ci_keys"),
      keyBytes: db.prepare<[string], { public_key: Buffer }>(
        "SELECT public_key FROM ci_key_bytes WHERE key_hash = ?",
      ),
      insertKey: db.prepare(
        "INSERT INTO ci_keys (owner, key_hash, algorithm, added_at, added_block, added_log) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      insertKeyBytes: db.prepare(
        "INSERT INTO ci_key_bytes (key_hash, public_key, first_block) VALUES (?, ?, ?) ON CONFLICT(key_hash) DO NOTHING",
      ),
      revokeKey: db.prepare(
        "UPDATE ci_keys SET revoked_at = ?, revoked_block = ? WHERE owner = ? AND key_hash = ? AND revoked_at IS NULL",
      ),
      node: db.prepare<[string], NodeRow>("SELECT * FROM ci_nodes WHERE node = ?"),
      nodes: db.prepare<[], NodeRow>("SELECT * FROM ci_nodes ORDER BY registered_block, node"),
      insertNodeEvent: db.prepare(
        "INSERT OR IGNORE INTO ci_node_events (block, log_index, node, kind, operator, role, status, endpoint, block_time) " +
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      nodeEvents: db.prepare<[string], NodeEventRow>(
        "SELECT * FROM ci_node_events WHERE node = ? ORDER BY block, log_index",
      ),
      upsertNode: db.prepare(
        "INSERT INTO ci_nodes (node, operator, role, status, endpoint, registered_at, registered_block, updated_block) " +
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(node) DO UPDATE SET operator = excluded.operator, role = excluded.role, " +
          "status = excluded.status, endpoint = excluded.endpoint, registered_at = excluded.registered_at, " +
          "registered_block = excluded.registered_block, updated_block = excluded.updated_block",
      ),
      deleteNode: db.prepare("DELETE FROM ci_nodes WHERE node = ?"),
      nodesAbove: db.prepare<[number], { node: string }>(
        "SELECT DISTINCT node FROM ci_node_events WHERE block > ?",
      ),
      deleteNodeEventsAbove: db.prepare("DELETE FROM ci_node_events WHERE block > ?"),
      deleteKeysAbove: db.prepare("DELETE FROM ci_keys WHERE added_block > ?"),
      unrevokeAbove: db.prepare(
        "UPDATE ci_keys SET revoked_at = NULL, revoked_block = NULL WHERE revoked_block > ?",
      ),
      deleteKeyBytesAbove: db.prepare("DELETE FROM ci_key_bytes WHERE first_block > ?"),
    };
  }

  /**
   * Timestamps of the blocks holding the logs, fetched by block hash (so a reorg cannot mix forks), in
   * JSON-RPC batches when the client supports them, else with a few requests in parallel.
   */
  private async blockTimes(logs: RpcLog[]): Promise<Map<string, number>> {
    const hashes = [...new Set(logs.map((l) => l.blockHash))];
    const out = new Map<string, number>();
    const record = (h: string, block: { timestamp?: unknown } | null | undefined): void => {
      // The block left the chain between getLogs and now: fail the batch; the scanner finds the reorg.
      if (!block || typeof block.timestamp !== "string")
        throw new Error(`block ${h} is no longer on the chain`);
      out.set(h, Number.parseInt(block.timestamp, 16));
    };
    const rpc = this.opts.rpc;
    if (rpc.sendBatch) {
      const answers = await rpc.sendBatch(
        hashes.map((h) => ({ method: "eth_getBlockByHash", params: [h, false] })),
        this.opts.blockFetchBatch ?? 200,
      );
      answers.forEach((a, i) => {
        if ("error" in a) throw new Error(`eth_getBlockByHash ${hashes[i]}: ${a.error.message}`);
        record(hashes[i], a.result as { timestamp?: unknown } | null);
      });
      return out;
    }
    const limit = Math.max(1, this.opts.blockFetchConcurrency ?? 8);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < hashes.length) {
        const h = hashes[next++];
        record(h, await rpc.request<{ timestamp?: unknown } | null>("eth_getBlockByHash", [h, false]));
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, hashes.length) }, worker));
    return out;
  }

  /**
   * Decodes one log of the watched events (hand-written ABI decoding: ethers' parseLog costs about half a
   * millisecond per log, which dominated catching up on large histories). Throws on malformed data.
   */
  private decode(l: RpcLog, time: number): Change | undefined {
    const addr = l.address.toLowerCase();
    const t0 = l.topics[0]?.toLowerCase();
    const base = { block: l.blockNumber, logIndex: l.logIndex, time };
    const topicAddress = (i: number): string => abiAddress(l.topics[i]);
    if (addr === this.keyRegistryLower) {
      if (t0 === TOPICS.KeyAdded && l.topics.length === 3) {
        const data = hexData(l.data);
        const algorithm = abiUint8(data, 0);
        const publicKey = abiBytes(data, 1);
        const keyHash = l.topics[2].toLowerCase();
        if (keccak256(publicKey) !== keyHash) {
          this.counters.ignoredLogs++;
          this.log.warn("KeyAdded key bytes do not hash to keyHash; ignored", {
            block: l.blockNumber,
            logIndex: l.logIndex,
            keyHash,
          });
          return undefined;
        }
        return { kind: "KeyAdded", owner: topicAddress(1), keyHash, algorithm, publicKey, ...base };
      }
      if (t0 === TOPICS.KeyRevoked && l.topics.length === 3)
        return { kind: "KeyRevoked", owner: topicAddress(1), keyHash: l.topics[2].toLowerCase(), ...base };
      return undefined;
    }
    if (addr === this.nodeRegistryLower) {
      if (t0 === TOPICS.NodeRegistered && l.topics.length === 4) {
        const role = BigInt(l.topics[3]);
        if (role > 255n) throw new Error("role out of range");
        return {
          kind: "NodeRegistered",
          node: topicAddress(1),
          operator: topicAddress(2),
          role: Number(role),
          endpoint: abiString(hexData(l.data), 0),
          ...base,
        };
      }
      if (t0 === TOPICS.NodeEndpointUpdated && l.topics.length === 2)
        return {
          kind: "NodeEndpointUpdated",
          node: topicAddress(1),
          endpoint: abiString(hexData(l.data), 0),
          ...base,
        };
      if (t0 === TOPICS.NodeStatusChanged && l.topics.length === 2)
        return {
          kind: "NodeStatusChanged",
          node: topicAddress(1),
          status: abiUint8(hexData(l.data), 1),
          ...base,
        };
    }
    return undefined;
  }

  private async onLogs(batch: LogBatch): Promise<() => void> {
    const times = await this.blockTimes(batch.logs);
    const changes: Change[] = [];
    for (const l of batch.logs) {
      let c: Change | undefined;
      try {
        c = this.decode(l, times.get(l.blockHash) as number);
      } catch (e) {
        this.counters.ignoredLogs++;
        this.log.warn("undecodable log ignored", {
          block: l.blockNumber,
          logIndex: l.logIndex,
          error: e instanceof Error ? e.message : String(e),
        });
      }
      if (c) changes.push(c);
    }
    return () => this.changing(() => this.apply(changes));
  }

  /** Runs a write of the index with the read caches emptied before and after it. */
  private changing(write: () => void): void {
    this.keysByOwner.clear();
    this.nodesBySigner.clear();
    try {
      write();
    } finally {
      this.keysByOwner.clear();
      this.nodesBySigner.clear();
    }
  }

  /** Writes a batch's changes (runs inside the scanner's cursor transaction). */
  private apply(changes: Change[]): void {
    const s = this.stmts;
    const touchedNodes = new Set<string>();
    let added = 0;
    let revoked = 0;
    let nodeEvents = 0;
    let ignored = 0;
    for (const c of changes) {
      switch (c.kind) {
        case "KeyAdded": {
          const existing = s.key.get(c.owner, c.keyHash);
          if (existing) {
            // Redelivery of the same log is impossible (batch and cursor commit together); a second
            // KeyAdded for one (owner, keyHash) is not something the contract emits.
            if (existing.added_block !== c.block) ignored++;
            break;
          }
          s.insertKeyBytes.run(c.keyHash, Buffer.from(c.publicKey), c.block);
          s.insertKey.run(c.owner, c.keyHash, c.algorithm, c.time, c.block, c.logIndex);
          added++;
          break;
        }
        case "KeyRevoked": {
          const r = s.revokeKey.run(c.time, c.block, c.owner, c.keyHash);
          if (r.changes === 0) {
            ignored++;
            this.log.warn("KeyRevoked for a key the index does not hold active; ignored", {
              owner: c.owner,
              keyHash: c.keyHash,
              block: c.block,
            });
          } else revoked++;
          break;
        }
        default: {
          const row = {
            operator: c.kind === "NodeRegistered" ? c.operator : null,
            role: c.kind === "NodeRegistered" ? c.role : null,
            status: c.kind === "NodeStatusChanged" ? c.status : null,
            endpoint: c.kind === "NodeRegistered" || c.kind === "NodeEndpointUpdated" ? c.endpoint : null,
          };
          s.insertNodeEvent.run(
            c.block,
            c.logIndex,
            c.node,
            c.kind,
            row.operator,
            row.role,
            row.status,
            row.endpoint,
            c.time,
          );
          touchedNodes.add(c.node);
          nodeEvents++;
        }
      }
    }
    for (const n of touchedNodes) this.rebuildNode(n);
    this.counters.keysAdded += added;
    this.counters.keysRevoked += revoked;
    this.counters.nodeEvents += nodeEvents;
    this.counters.ignoredLogs += ignored;
  }

  /** Re-derives a node's row by replaying its events; deletes it when none is left. */
  private rebuildNode(node: string): void {
    const events = this.stmts.nodeEvents.all(node);
    const reg = events.find((e) => e.kind === "NodeRegistered");
    if (!reg) {
      this.stmts.deleteNode.run(node);
      return;
    }
    let status = NodeStatus.None;
    let endpoint = "";
    for (const e of events) {
      if (e.kind === "NodeRegistered" || e.kind === "NodeEndpointUpdated") endpoint = e.endpoint ?? "";
      if (e.kind === "NodeStatusChanged") status = (e.status ?? 0) as NodeStatus;
    }
    const last = events[events.length - 1];
    this.stmts.upsertNode.run(
      node,
      reg.operator,
      reg.role,
      status,
      endpoint,
      reg.block_time,
      reg.block,
      last.block,
    );
  }

  /** Drops everything derived from blocks above the fork point (inside the rewound cursor's transaction). */
  private rewind(info: ReorgInfo): void {
    const n = info.rewindTo.number;
    const s = this.stmts;
    const nodes = s.nodesAbove.all(n).map((r) => r.node);
    s.deleteNodeEventsAbove.run(n);
    for (const node of nodes) this.rebuildNode(node);
    const keys = s.deleteKeysAbove.run(n).changes;
    const unrevoked = s.unrevokeAbove.run(n).changes;
    s.deleteKeyBytesAbove.run(n);
    this.log.warn("reorg: index rewound", {
      rewindTo: n,
      keysDeleted: keys,
      revocationsUndone: unrevoked,
      nodes,
    });
  }
}
