import type { ChainIndex } from "../chain/chain-index";
import type { PushKeyLookup, RegisteredPushKey } from "../message/push";

/**
 * The Push message key lookup of a Push Node: the keys of an owner active at `t` (the attestation time) in
 * the node's chain index (KeyRegistry at the node's confirmation depth), oldest first: the same view the
 * node validates envelopes with, and what PushProofs judges UNAUTHORIZED_SENDER and WRONG_ENCRYPTION by.
 */
export function chainPushKeyLookup(index: ChainIndex, t: bigint): PushKeyLookup {
  return {
    async activeKeys(address: string): Promise<readonly RegisteredPushKey[]> {
      const out: RegisteredPushKey[] = [];
      for (const r of index.activeKeysOf(address, t)) {
        const bytes = await index.publicKeyBytes(r.keyHash);
        if (bytes !== null) out.push({ keyHash: r.keyHash, publicKey: bytes });
      }
      return out;
    },
  };
}
