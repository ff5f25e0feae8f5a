import { createHash } from "node:crypto";
import * as openpgp from "openpgp";
import { parsePrimaryKey } from "./pgp-key";
import type { PrimaryKey } from "./pgp-key";

/**
 * Parsed public keys by the sha256 of their bytes, so that a node or validator checking many messages
 * from the same senders parses each key (and openpgp.js verifies its self-signatures) once. Bounded;
 * the oldest entry goes first. Parse failures are not cached (they throw each time).
 */

export interface ParsedKey {
  primary: PrimaryKey;
  /** openpgp.js's view of the same bytes, read lazily (rejects if openpgp.js cannot read them). */
  openpgp(): Promise<openpgp.PublicKey>;
  /** openpgp.js's view once `openpgp()` has resolved; undefined before (or when openpgp.js refused the bytes). */
  openpgpNow(): openpgp.PublicKey | undefined;
}

const MAX_ENTRIES = 4096;
const cache = new Map<string, ParsedKey>();

/**
 * The entry last found for an array, with a copy of its bytes: the lookups of one key (the same array from the
 * key source, several times per message) skip hashing it; a changed array is hashed again.
 */
const byArray = new WeakMap<Uint8Array, { bytes: Buffer; entry: ParsedKey }>();

export function parsedKey(bytes: Uint8Array): ParsedKey {
  const seen = byArray.get(bytes);
  if (seen !== undefined && seen.bytes.equals(bytes)) return seen.entry;
  const entry = parsedKeyByHash(bytes);
  byArray.set(bytes, { bytes: Buffer.from(bytes), entry });
  return entry;
}

function parsedKeyByHash(bytes: Uint8Array): ParsedKey {
  const id = createHash("sha256").update(bytes).digest("base64");
  const hit = cache.get(id);
  if (hit) {
    cache.delete(id);
    cache.set(id, hit);
    return hit;
  }
  const primary = parsePrimaryKey(bytes);
  const copy = Uint8Array.from(bytes);
  let pgp: Promise<openpgp.PublicKey> | undefined;
  let read: openpgp.PublicKey | undefined;
  const entry: ParsedKey = {
    primary,
    openpgp: () =>
      (pgp ??= openpgp.readKey({ binaryKey: copy }).then((k) => {
        read = k;
        return k;
      })),
    openpgpNow: () => read,
  };
  cache.set(id, entry);
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  return entry;
}

/**
 * openpgp.js's view of a key's bytes, from the cache when the key is inside the key profile (every key a
 * registry or a verified profile holds), else read afresh (openpgp.js may read keys the profile refuses).
 * Rejects when openpgp.js cannot read the bytes.
 */
export function openpgpKeyOf(bytes: Uint8Array): Promise<openpgp.PublicKey> {
  let entry: ParsedKey;
  try {
    entry = parsedKey(bytes);
  } catch {
    return openpgp.readKey({ binaryKey: bytes });
  }
  return entry.openpgp();
}
