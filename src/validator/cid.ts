/**
 * CIDv1 (raw codec 0x55, sha2-256 multihash) of a contentHash, in base32 ("bafkrei..."): the CID under
 * which a node serves content (`GET /v1/content/<cid>`). The same string as the message library's
 * `cidOf(content)`, computed from the hash alone.
 */
const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

function base32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function cidOfContentHash(contentHash: string): string {
  const hex = contentHash.toLowerCase();
  if (!/^0x[0-9a-f]{64}$/.test(hex)) throw new RangeError(`not a bytes32: ${contentHash.slice(0, 80)}`);
  const bytes = Buffer.concat([Buffer.from([0x01, 0x55, 0x12, 0x20]), Buffer.from(hex.slice(2), "hex")]);
  return "b" + base32(bytes);
}
