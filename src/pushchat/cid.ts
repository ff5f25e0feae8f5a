import { createHash } from "node:crypto";
import type { CID } from "multiformats/cid";

/**
 * Content addresses of stored Push messages: CIDv1, codec json (0x0200), multihash sha2-256 of the UTF-8
 * bytes of the message document exactly as stored and served (base32, "bagaaiera..."). Anyone holding
 * the served JSON text can recompute its CID; a thread hash therefore commits to the whole history
 * (each document carries `link`, the previous thread hash).
 */

export const JSON_CODEC = 0x0200;
export const SHA2_256 = 0x12;

// multiformats 13 is ESM-only and this project compiles to CommonJS (see src/message/content.ts).
const esmImport = new Function("specifier", "return import(specifier)") as <T>(s: string) => Promise<T>;

interface Mf {
  CID: typeof CID;
  createDigest(code: number, digest: Uint8Array): unknown;
}
let loaded: Mf | undefined;
let loading: Promise<Mf> | undefined;

/** Loads multiformats once; the synchronous functions below need it loaded (openPushChat awaits it). */
export async function loadCidCodec(): Promise<void> {
  loading ??= Promise.all([
    esmImport<{ CID: typeof CID }>("multiformats/cid"),
    esmImport<{ create(code: number, digest: Uint8Array): unknown }>("multiformats/hashes/digest"),
  ]).then(([c, d]) => ({ CID: c.CID, createDigest: d.create }));
  loaded = await loading;
}

function mf(): Mf {
  if (!loaded) throw new Error("multiformats is not loaded: await loadCidCodec() first");
  return loaded;
}

/** The CID of a message document's JSON text (synchronous: used inside the write transaction). */
export function messageCid(documentJson: string): string {
  const digest = createHash("sha256").update(documentJson, "utf8").digest();
  const m = mf();
  return m.CID.create(
    1,
    JSON_CODEC,
    m.createDigest(SHA2_256, digest) as Parameters<typeof CID.create>[2],
  ).toString();
}

/** Whether `text` is a CIDv1 json sha2-256 (the only CIDs this API hands out). */
export function isMessageCid(text: string): boolean {
  try {
    const c = mf().CID.parse(text);
    return c.version === 1 && c.code === JSON_CODEC && c.multihash.code === SHA2_256 && c.toString() === text;
  } catch {
    return false;
  }
}
