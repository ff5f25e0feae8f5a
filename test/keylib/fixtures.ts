/** Keys for the key library tests, made with openpgp.js. No tests in this file. */
import path from "node:path";
import { pathToFileURL } from "node:url";
import * as openpgp from "openpgp";
import { listPackets, PACKET_TAG } from "../../src/keys";

export const ADDRESS = "0x52908400098527886e0f7030069857d2e4169ee7";
export const CHECKSUMMED = "0x52908400098527886E0F7030069857D2E4169EE7";

export type Made = { publicKey: openpgp.PublicKey; privateKey: openpgp.PrivateKey };

export async function makeKey(options: Partial<openpgp.KeyOptions> = {}): Promise<Made> {
  const { publicKey, privateKey } = await openpgp.generateKey({
    type: "ecc",
    curve: "nistP256",
    userIDs: [{ name: "test" }],
    ...options,
    format: "object",
  } as openpgp.KeyOptions & { format: "object" });
  return { publicKey, privateKey };
}

/**
 * openpgp.js's browser build (pure JS curves). The Node build signs secp256k1 and Brainpool keys through
 * an optional package that is not installed, so these curves are generated with the browser build.
 */
export async function browserOpenpgp(): Promise<typeof openpgp> {
  const file = path.join(path.dirname(require.resolve("openpgp")), "..", "openpgp.min.mjs");
  const importEsm = new Function("specifier", "return import(specifier)") as (
    s: string,
  ) => Promise<typeof openpgp>;
  return importEsm(pathToFileURL(file).href);
}

/** Rewrites every packet header in the old format (RFC 4880 4.2.1), as older GnuPG exports do. */
export function toOldFormat(bytes: Uint8Array): Uint8Array {
  const parts: Buffer[] = [];
  for (const p of listPackets(bytes)) {
    const body = Buffer.from(
      bytes.subarray(p.offset + p.headerLength, p.offset + p.headerLength + p.bodyLength),
    );
    const n = body.length;
    let header: Buffer;
    if (n < 0x100) header = Buffer.from([0x80 | (p.tag << 2), n]);
    else if (n < 0x10000) header = Buffer.from([0x80 | (p.tag << 2) | 1, n >> 8, n & 0xff]);
    else
      header = Buffer.from([0x80 | (p.tag << 2) | 2, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
    parts.push(header, body);
  }
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * Flips one bit in the first signature packet (the user ID self-certification of a generated key):
 * "value" = a byte of the signature value (last MPI), "hashed" = a byte inside the hashed subpackets.
 */
export function tamperSelfSignature(bytes: Uint8Array, where: "value" | "hashed"): Uint8Array {
  const sig = listPackets(bytes).find((p) => p.tag === PACKET_TAG.SIGNATURE);
  if (sig === undefined) throw new Error("no signature packet");
  const out = new Uint8Array(bytes);
  const bodyStart = sig.offset + sig.headerLength;
  // v4 body: version, type, pk algo, hash algo, 2-byte hashed length, hashed subpackets (creation time first:
  // length 5, type 2, 4 bytes); flip the low byte of the signature creation time.
  const index = where === "value" ? bodyStart + sig.bodyLength - 2 : bodyStart + 6 + 5;
  out[index] ^= 0x01;
  return out;
}

/**
 * A key whose only self-certification gives the primary key the certify flag but not the sign flag; with
 * `signingSubkey`, it also has an encryption subkey and a signing subkey (Sequoia's default layout).
 */
export async function keyWithoutSigningFlag(signingSubkey = false): Promise<Uint8Array> {
  const { privateKey } = await makeKey(signingSubkey ? { subkeys: [{}, { sign: true }] } : {});
  const primary = privateKey.keyPacket as openpgp.SecretKeyPacket;
  const userID = privateKey.users[0].userID!;
  const sig = new openpgp.SignaturePacket();
  sig.signatureType = openpgp.enums.signature.certPositive;
  sig.publicKeyAlgorithm = primary.algorithm;
  sig.hashAlgorithm = openpgp.enums.hash.sha256;
  sig.keyFlags = new Uint8Array([openpgp.enums.keyFlags.certifyKeys]);
  sig.issuerKeyID = primary.getKeyID();
  sig.issuerFingerprint = primary.getFingerprintBytes()!;
  sig.issuerKeyVersion = primary.version;
  // SignaturePacket.sign takes the config as a 5th argument (missing from the typings).
  const sign = sig.sign as (...args: unknown[]) => Promise<void>;
  await sign.call(sig, primary, { userID, key: primary }, new Date(), false, openpgp.config);
  const list = new openpgp.PacketList<openpgp.AnyPacket>();
  list.push(privateKey.toPublic().keyPacket, userID, sig);
  if (signingSubkey) {
    for (const sub of privateKey.toPublic().subkeys) list.push(sub.keyPacket, ...sub.bindingSignatures);
  }
  return list.write();
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p))));
}
