import * as openpgp from "openpgp";
import { getBytes } from "ethers";
import { MemoryKeyView } from "../../src/message";
import keysJson from "../vectors/keys.json";
import envelopesJson from "../vectors/envelopes.json";

/** Shared fixtures for the message tests: the committed vector keys and registry. */

export type KeyName = keyof typeof keysJson.keys;

export interface VectorKey {
  name: KeyName;
  owner: string | null;
  publicKey: Uint8Array;
  keyHash: string;
  privateKey: openpgp.PrivateKey;
}

const cache = new Map<KeyName, Promise<VectorKey>>();

export function vectorKey(name: KeyName): Promise<VectorKey> {
  let p = cache.get(name);
  if (!p) {
    const k = keysJson.keys[name];
    p = openpgp.readPrivateKey({ armoredKey: k.privateKeyArmored }).then((privateKey) => ({
      name,
      owner: k.owner,
      publicKey: getBytes(k.publicKey),
      keyHash: k.keyHash,
      privateKey,
    }));
    cache.set(name, p);
  }
  return p;
}

/** The key registry of envelopes.json as a MemoryKeyView. */
export function vectorRegistry(): MemoryKeyView {
  const view = new MemoryKeyView();
  for (const r of envelopesJson.registry) {
    const bytes = getBytes(keysJson.keys[r.key as KeyName].publicKey);
    const h = view.addKey(r.owner, bytes, BigInt(r.addedAt));
    if (r.revokedAt !== null) view.revokeKey(r.owner, h, BigInt(r.revokedAt));
  }
  return view;
}

export async function generate(
  kind: "p256" | "rsa2048" | "ed25519",
  date?: Date,
): Promise<{ privateKey: openpgp.PrivateKey; publicKey: Uint8Array }> {
  const options =
    kind === "p256"
      ? ({ type: "ecc", curve: "nistP256" } as const)
      : kind === "rsa2048"
        ? ({ type: "rsa", rsaBits: 2048 } as const)
        : ({ type: "curve25519" } as const);
  const { privateKey } = await openpgp.generateKey({
    ...options,
    userIDs: [{ name: kind }],
    date,
    format: "object",
  });
  return { privateKey, publicKey: privateKey.toPublic().write() };
}

export const USERS = {
  alice: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
  bob: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  carol: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
  dave: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
} as const;
