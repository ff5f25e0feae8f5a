import type { ChainIndex } from "../chain/chain-index";
import type { PushKeyLookup, RegisteredPushKey } from "../message/push";

/** Key bytes by keyHash, per chain index (a keyHash names its bytes, so an entry never goes stale). */
const bytesCache = new WeakMap<ChainIndex, Map<string, Uint8Array>>();
const MAX_CACHED_KEYS = 4096;

/**
 * The Push message key lookup of a Push Node: the keys of an owner active at `t` (the attestation time) in
 * the node's chain index (KeyRegistry at the node's confirmation depth), oldest first: the same view the
 * node validates envelopes with, and what PushProofs judges UNAUTHORIZED_SENDER and WRONG_ENCRYPTION by.
 *
 * Which keys are active is read from the index on every call; only the bytes of a key found active are
 * kept in memory (up to 4,096 keys), so a message does not copy its two keys' kilobytes out of SQLite.
 */
export function chainPushKeyLookup(index: ChainIndex, t: bigint): PushKeyLookup {
  let cache = bytesCache.get(index);
  if (cache === undefined) bytesCache.set(index, (cache = new Map()));
  const known = cache;
  return {
    async activeKeys(address: string): Promise<readonly RegisteredPushKey[]> {
      const out: RegisteredPushKey[] = [];
      for (const r of index.activeKeysOf(address, t)) {
        let bytes = known.get(r.keyHash) ?? null;
        if (bytes === null) {
          bytes = await index.publicKeyBytes(r.keyHash);
          if (bytes !== null) {
            if (known.size >= MAX_CACHED_KEYS) known.delete(known.keys().next().value as string);
            known.set(r.keyHash, bytes);
          }
        }
        if (bytes !== null) out.push({ keyHash: r.keyHash, publicKey: bytes });
      }
      return out;
    },
  };
}
