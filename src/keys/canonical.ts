import * as openpgp from "openpgp";
import { getBytes, hexlify, keccak256 } from "ethers";
import { MAX_KEY_BYTES } from "./algorithms";
import { KeyValidationError } from "./errors";
import { listPackets, PACKET_TAG, type RawPacket } from "./packets";

/** A public key in any accepted form: ASCII armor, `0x` hex, or binary (raw bytes or armored text as bytes). */
export type KeyInput = string | Uint8Array;

/** A public key in canonical form. */
export interface CanonicalKey {
  /** Canonical binary transferable public key: public packets only, new-format headers, stable bytes. */
  bytes: Uint8Array;
  /** keccak256 of `bytes` (0x-prefixed, lowercase): the key's id in the KeyRegistry. */
  keyHash: string;
  /** The primary key's v4 fingerprint, 40 lowercase hex digits. */
  fingerprint: string;
  /** The parsed key (openpgp.js object) for signature checks. */
  key: openpgp.PublicKey;
}

/** Inputs larger than this are refused before parsing (the canonical limit itself is MAX_KEY_BYTES). */
const MAX_INPUT_BYTES = 1 << 20;

/** keccak256 of canonical key bytes: the keyHash the KeyRegistry uses. */
export function computeKeyHash(canonicalBytes: Uint8Array): string {
  return keccak256(canonicalBytes);
}

/**
 * Decodes an input into the binary packet sequence it holds, without interpreting the packets.
 * Refuses private-key armor, other armor types, and anything that is not armor, hex or binary packets.
 */
export async function decodeKeyInput(input: KeyInput): Promise<Uint8Array> {
  let text: string | undefined;
  if (typeof input === "string") text = input;
  else if (looksArmored(input)) text = Buffer.from(input).toString("utf8");
  if (text === undefined) return checkInputSize(input as Uint8Array);

  const trimmed = text.trim();
  if (/^0x([0-9a-fA-F]{2})*$/.test(trimmed)) return checkInputSize(getBytes(trimmed));
  if (!trimmed.startsWith("-----BEGIN PGP")) throw notAKey();
  if (trimmed.length > 2 * MAX_INPUT_BYTES) throw oversizeInput(trimmed.length);
  let unarmored: { type: openpgp.enums.armor; data: unknown };
  try {
    unarmored = await openpgp.unarmor(trimmed);
  } catch (e) {
    throw notAKey(e);
  }
  if (unarmored.type === openpgp.enums.armor.privateKey) throw privateKeyGiven();
  if (unarmored.type !== openpgp.enums.armor.publicKey) throw notAKey();
  return checkInputSize(await toBytes(unarmored.data));
}

/**
 * Checks the packet structure of a decoded key: well-formed packets, a public key packet first, no secret
 * key material anywhere, exactly one primary key. Returns the packets.
 */
export function checkKeyStructure(bytes: Uint8Array): RawPacket[] {
  let packets: RawPacket[];
  try {
    packets = listPackets(bytes);
  } catch (e) {
    throw notAKey(e);
  }
  if (packets.length === 0) throw notAKey();
  if (packets.some((p) => p.tag === PACKET_TAG.SECRET_KEY || p.tag === PACKET_TAG.SECRET_SUBKEY)) {
    throw privateKeyGiven();
  }
  if (packets[0].tag !== PACKET_TAG.PUBLIC_KEY) throw notAKey();
  const primaries = packets.filter((p) => p.tag === PACKET_TAG.PUBLIC_KEY).length;
  if (primaries > 1) {
    throw new KeyValidationError(
      "MULTIPLE_KEYS",
      `The input holds ${primaries} public keys; give exactly one.`,
    );
  }
  return packets;
}

/**
 * Canonicalises a public key given armored, as 0x hex, or binary (old- or new-format packets).
 * The canonical form is the transferable public key as openpgp.js 6 writes it after reading: public
 * packets only, new-format headers with minimal lengths, in the order primary key, key revocations,
 * direct-key signatures, user IDs each followed by their signatures, subkeys each followed by their
 * signatures; unparseable packets dropped. Reading and re-writing canonical bytes gives the same bytes
 * (checked here). Refuses private keys (PRIVATE_KEY), several keys (MULTIPLE_KEYS) and anything that
 * is not an OpenPGP key (NOT_A_KEY). Does not apply the registry's profile: see validatePublicKey.
 */
export async function canonicalPublicKey(input: KeyInput): Promise<CanonicalKey> {
  const raw = await decodeKeyInput(input);
  checkKeyStructure(raw);
  const key = await readPublicKey(raw);
  const bytes = key.write();
  const again = (await readPublicKey(bytes)).write();
  if (!sameBytes(bytes, again) || bytes[0] !== 0xc6) {
    throw new KeyValidationError("NOT_A_KEY", "The key cannot be written in a stable canonical form.");
  }
  return { bytes, keyHash: computeKeyHash(bytes), fingerprint: key.getFingerprint(), key };
}

/** ASCII armor of canonical key bytes. */
export function armorPublicKey(bytes: Uint8Array): string {
  return openpgp.armor(openpgp.enums.armor.publicKey, bytes);
}

/** 0x hex of key bytes (the form the contract and JSON files use). */
export function publicKeyHex(bytes: Uint8Array): string {
  return hexlify(bytes);
}

async function readPublicKey(bytes: Uint8Array): Promise<openpgp.PublicKey> {
  let key: openpgp.Key;
  try {
    key = await openpgp.readKey({ binaryKey: bytes });
  } catch (e) {
    throw notAKey(e);
  }
  if (key.isPrivate()) throw privateKeyGiven();
  return key;
}

/** openpgp.unarmor returns a Uint8Array for string input; a stream is read to the end just in case. */
async function toBytes(data: unknown): Promise<Uint8Array> {
  if (data instanceof Uint8Array) return data;
  const chunks: Uint8Array[] = [];
  for await (const chunk of data as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

function looksArmored(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 64)).toString("latin1").trimStart();
  return head.startsWith("-----BEGIN PGP") || head.startsWith("0x");
}

function checkInputSize(bytes: Uint8Array): Uint8Array {
  if (bytes.length > MAX_INPUT_BYTES) throw oversizeInput(bytes.length);
  return bytes;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
}

function notAKey(cause?: unknown): KeyValidationError {
  return new KeyValidationError("NOT_A_KEY", "The input is not an OpenPGP public key.", { cause });
}

function privateKeyGiven(): KeyValidationError {
  return new KeyValidationError(
    "PRIVATE_KEY",
    "The input contains private key material; give only the public key and keep the private key secret.",
  );
}

function oversizeInput(length: number): KeyValidationError {
  return new KeyValidationError(
    "OVERSIZE",
    `The input is ${length.toLocaleString("en-US")} bytes, far over the ${MAX_KEY_BYTES.toLocaleString("en-US")}-byte key limit.`,
  );
}
