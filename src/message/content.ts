import { openpgpKeyOf } from "./key-cache";
import { createHash } from "node:crypto";
import * as openpgp from "openpgp";
import type { CID } from "multiformats/cid";

/**
 * Content addressing and encryption (DESIGN section 4):
 * - `contentHash = sha256(content bytes)`, the bytes as sent (ciphertext when encrypted);
 * - the storage CID is CIDv1, codec raw (0x55), multihash sha2-256 (0x12) of the same bytes, base32;
 * - PGP content is encrypted to the recipient's registered key and to the sender's own key, so both
 *   can read the thread; plaintext is only for recipients with no active key (checked by checkMessage).
 */

export const RAW_CODEC = 0x55;
export const SHA2_256_CODE = 0x12;

/** 0x hex sha256 of the content: the Message's `contentHash`. */
export function contentHashOf(content: Uint8Array): string {
  return "0x" + createHash("sha256").update(content).digest("hex");
}

// multiformats 13 is ESM-only and this project compiles to CommonJS, where TypeScript would turn
// `import()` into `require()`; a Function-built import() keeps the real dynamic import.
const esmImport = new Function("specifier", "return import(specifier)") as <T>(
  specifier: string,
) => Promise<T>;

interface Multiformats {
  CID: typeof CID;
  sha256: { digest(input: Uint8Array): Promise<unknown> | unknown };
}

let multiformats: Promise<Multiformats> | undefined;
function loadMultiformats(): Promise<Multiformats> {
  multiformats ??= Promise.all([
    esmImport<{ CID: typeof CID }>("multiformats/cid"),
    esmImport<{ sha256: Multiformats["sha256"] }>("multiformats/hashes/sha2"),
  ]).then(([cid, sha2]) => ({ CID: cid.CID, sha256: sha2.sha256 }));
  return multiformats;
}

/** CIDv1 (raw, sha2-256) of the content, base32 ("bafkrei..."). */
export async function cidOf(content: Uint8Array): Promise<string> {
  const mf = await loadMultiformats();
  const digest = await mf.sha256.digest(content);
  return mf.CID.create(1, RAW_CODEC, digest as Parameters<typeof CID.create>[2]).toString();
}

/**
 * The contentHash (0x hex) a CID names; throws unless it is a CIDv1 raw sha2-256 (what a node serves:
 * `GET /v1/content/<cid>`).
 */
export async function contentHashOfCid(cid: string): Promise<string> {
  const mf = await loadMultiformats();
  let parsed: CID;
  try {
    parsed = mf.CID.parse(cid);
  } catch {
    throw new Error(`not a CID: ${cid.slice(0, 80)}`);
  }
  if (parsed.version !== 1 || parsed.code !== RAW_CODEC || parsed.multihash.code !== SHA2_256_CODE) {
    throw new Error("not a CIDv1 raw sha2-256 CID");
  }
  return "0x" + Buffer.from(parsed.multihash.digest).toString("hex");
}

/** A public key as binary bytes or an openpgp.js key object (a private key stands for its public part). */
export type PublicKeyInput = Uint8Array | openpgp.PublicKey | openpgp.PrivateKey;

async function toPublicKey(k: PublicKeyInput): Promise<openpgp.PublicKey> {
  if (k instanceof Uint8Array) return (await openpgp.readKey({ binaryKey: k })).toPublic();
  return k.toPublic();
}

/**
 * Encrypts content to the recipient's key and the sender's own key (one OpenPGP message, two PKESK
 * packets). Returns the binary OpenPGP message: the bytes that go into the envelope and are hashed.
 */
export async function encryptContent(
  plaintext: Uint8Array,
  recipientKey: PublicKeyInput,
  senderKey: PublicKeyInput,
): Promise<Uint8Array> {
  const [recipient, sender] = await Promise.all([toPublicKey(recipientKey), toPublicKey(senderKey)]);
  const message = await openpgp.createMessage({ binary: plaintext });
  return (await openpgp.encrypt({
    message,
    encryptionKeys: [recipient, sender],
    format: "binary",
  })) as Uint8Array;
}

/** Decrypts PGP content with a (decrypted) private key: the recipient's or the sender's. */
export async function decryptContent(
  ciphertext: Uint8Array,
  privateKey: openpgp.PrivateKey,
): Promise<Uint8Array> {
  const message = await openpgp.readMessage({ binaryMessage: ciphertext });
  const { data } = await openpgp.decrypt({ message, decryptionKeys: privateKey, format: "binary" });
  return data as Uint8Array;
}

/**
 * Key IDs (0x hex) of the public-key encrypted session key packets of PGP content; null when the bytes
 * are not an OpenPGP message (never throws).
 */
export async function encryptionKeyIdsOf(ciphertext: Uint8Array): Promise<string[] | null> {
  try {
    const message = await openpgp.readMessage({ binaryMessage: ciphertext });
    return message.getEncryptionKeyIDs().map((id) => "0x" + id.toHex());
  } catch {
    return null;
  }
}

/** True when PGP content has a session key encrypted to one of the keys (primary or subkeys) in keyBytes. */
export async function isEncryptedTo(ciphertext: Uint8Array, publicKeyBytes: Uint8Array): Promise<boolean> {
  const ids = await encryptionKeyIdsOf(ciphertext);
  if (ids === null) return false;
  try {
    const key = await openpgpKeyOf(publicKeyBytes);
    const keyIds = new Set(key.getKeyIDs().map((id) => "0x" + id.toHex()));
    return ids.some((id) => keyIds.has(id));
  } catch {
    return false;
  }
}
