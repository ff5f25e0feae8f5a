import { getAddress } from "ethers";

/**
 * ethers' `getAddress` (EIP-55 checksum, throws on a malformed address) with a bounded cache: the checksum
 * is a keccak256 per call, and validating a message looks the same few addresses up several times (a third
 * of a Push message's validation CPU before this cache; `npm run bench:node`). The one cache of checksums:
 * envelope decoding (src/message/schema.ts) and the key views use it too.
 */
const cache = new Map<string, string>();
const MAX_ENTRIES = 4096;

export function checksumAddress(address: string): string {
  let out = cache.get(address);
  if (out === undefined) {
    out = getAddress(address); // throws before anything is cached
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(address, out);
  }
  return out;
}
