import { checksumAddress } from "../../util/address";
import type { MemoryKeyView } from "../memory-key-view";
import type { PushKeyLookup, RegisteredPushKey } from "./validate";

/**
 * A PushKeyLookup over a MemoryKeyView (filled from KeyAdded / KeyRevoked events, or by tests): the keys
 * of an owner active at time `t` (unix seconds), oldest first.
 */
export function pushKeyLookupOf(view: MemoryKeyView, t: bigint): PushKeyLookup {
  return {
    async activeKeys(address: string): Promise<readonly RegisteredPushKey[]> {
      const owner = checksumAddress(address);
      const out: { addedAt: bigint; key: RegisteredPushKey }[] = [];
      for (const r of view.list()) {
        if (r.owner !== owner || !(await view.keyActiveAt(owner, r.keyHash, t))) continue;
        const bytes = await view.publicKeyBytes(r.keyHash);
        if (bytes !== null) out.push({ addedAt: r.addedAt, key: { keyHash: r.keyHash, publicKey: bytes } });
      }
      out.sort((a, b) => (a.addedAt < b.addedAt ? -1 : a.addedAt > b.addedAt ? 1 : 0));
      return out.map((o) => o.key);
    },
  };
}
