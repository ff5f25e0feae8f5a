/**
 * What a chat client reads from the chain: an owner's registered keys (records from KeyRegistry, key
 * bytes from KeyAdded, checked against keyHash) and a node's current endpoint (the latest of
 * NodeRegistered / NodeEndpointUpdated; the registry does not store it).
 */
import { Contract, getAddress, getBytes, keccak256 } from "ethers";
import type { EventLog, Provider } from "ethers";
import { MemoryKeyView } from "../message";

const KEY_REGISTRY_ABI = [
  "function keyCount(address owner) view returns (uint256)",
  "function keysOf(address owner, uint256 offset, uint256 limit) view returns (bytes32[] keyHashes, tuple(uint8 algorithm, uint64 addedAt, uint64 revokedAt)[] records)",
  "event KeyAdded(address indexed owner, bytes32 indexed keyHash, uint8 algorithm, bytes publicKey)",
];

const NODE_REGISTRY_ABI = [
  "function nodeOf(address node) view returns (tuple(address operator, uint8 role, uint8 status, uint64 registeredAt, uint8 slashCount))",
  "event NodeRegistered(address indexed node, address indexed operator, uint8 indexed role, string endpoint)",
  "event NodeEndpointUpdated(address indexed node, string endpoint)",
];

/** One registered key of an owner. Times in unix seconds (as KeyRegistry stores them). */
export interface ChainKey {
  owner: string;
  keyHash: string;
  algorithm: number;
  addedAt: bigint;
  /** null while active. */
  revokedAt: bigint | null;
  /** The canonical key bytes from KeyAdded (checked against keyHash); undefined when not found. */
  publicKey?: Uint8Array;
}

export function isActiveAt(k: ChainKey, t: bigint): boolean {
  return k.addedAt <= t && (k.revokedAt === null || t < k.revokedAt);
}

/** Blocks per eth_getLogs request when a provider refuses the whole range at once. */
const LOG_RANGE = 10_000;

async function queryChunked(
  contract: Contract,
  filter: Parameters<Contract["queryFilter"]>[0],
  fromBlock: number,
): Promise<EventLog[]> {
  const provider = contract.runner?.provider as Provider;
  try {
    return (await contract.queryFilter(filter, fromBlock)) as EventLog[];
  } catch {
    const latest = await provider.getBlockNumber();
    const out: EventLog[] = [];
    for (let start = fromBlock; start <= latest; start += LOG_RANGE)
      out.push(
        ...((await contract.queryFilter(
          filter,
          start,
          Math.min(latest, start + LOG_RANGE - 1),
        )) as EventLog[]),
      );
    return out;
  }
}

/** Every key `owner` ever registered, in order of addition, with its bytes. */
export async function fetchChainKeys(
  provider: Provider,
  keyRegistry: string,
  owner: string,
  fromBlock: number,
): Promise<ChainKey[]> {
  const reg = new Contract(keyRegistry, KEY_REGISTRY_ABI, provider);
  const who = getAddress(owner);
  const count = (await reg.keyCount(who)) as bigint;
  const records: ChainKey[] = [];
  for (let off = 0n; off < count; off += 100n) {
    const [hashes, recs] = (await reg.keysOf(who, off, 100n)) as [
      string[],
      Array<{ algorithm: bigint; addedAt: bigint; revokedAt: bigint }>,
    ];
    hashes.forEach((h, i) =>
      records.push({
        owner: who,
        keyHash: h.toLowerCase(),
        algorithm: Number(recs[i].algorithm),
        addedAt: BigInt(recs[i].addedAt),
        revokedAt: BigInt(recs[i].revokedAt) === 0n ? null : BigInt(recs[i].revokedAt),
      }),
    );
  }
  if (records.length === 0) return records;
  const events = await queryChunked(reg, reg.filters.KeyAdded(who), fromBlock);
  const bytes = new Map<string, Uint8Array>();
  for (const e of events) {
    const b = getBytes(e.args.publicKey as string);
    const h = (e.args.keyHash as string).toLowerCase();
    if (keccak256(b) === h) bytes.set(h, b);
  }
  for (const r of records) r.publicKey = bytes.get(r.keyHash);
  return records;
}

/** A KeyView of the given owners' keys, for checkMessage in a client. */
export function keyViewOf(keys: ChainKey[]): MemoryKeyView {
  const view = new MemoryKeyView();
  for (const k of keys) {
    if (!k.publicKey) continue;
    view.addKey(k.owner, k.publicKey, k.addedAt);
    if (k.revokedAt !== null) view.revokeKey(k.owner, k.keyHash, k.revokedAt);
  }
  return view;
}

/** The node's current endpoint from NodeRegistry events, or undefined when it was never registered. */
export async function fetchNodeEndpoint(
  provider: Provider,
  nodeRegistry: string,
  node: string,
  fromBlock: number,
): Promise<string | undefined> {
  const reg = new Contract(nodeRegistry, NODE_REGISTRY_ABI, provider);
  const who = getAddress(node);
  const [registered, updated] = await Promise.all([
    queryChunked(reg, reg.filters.NodeRegistered(who), fromBlock),
    queryChunked(reg, reg.filters.NodeEndpointUpdated(who), fromBlock),
  ]);
  const all = [...registered, ...updated].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
  const last = all[all.length - 1];
  return last ? (last.args.endpoint as string) : undefined;
}
