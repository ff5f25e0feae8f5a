import * as openpgp from "openpgp";
import type { AllowedAlgorithmId } from "./algorithms";
import { caip10 } from "./caip10";
import { armorPublicKey } from "./canonical";
import { validatePublicKey } from "./validate";
import { signDigest, verifyDigestSignature } from "../message/pgp-sign";

/** Key types the tooling generates (P-256 by default); the chain verifies the message signatures of each. */
export type KeyAlgorithmChoice = "p256" | "rsa3072" | "ed25519";

export const KEY_ALGORITHM_CHOICES: readonly KeyAlgorithmChoice[] = ["p256", "rsa3072", "ed25519"];

export interface GenerateWalletKeyOptions {
  /** The wallet the key belongs to (any case; stored checksummed). */
  address: string;
  chainId: number | bigint;
  /** Default "p256" (ECDSA NIST P-256 primary, ECDH P-256 subkey). */
  algorithm?: KeyAlgorithmChoice;
  /** Encrypts the private key (recommended; key files refuse unencrypted keys). */
  passphrase?: string;
  /** Seconds after creation when the key expires; default never. */
  keyExpirationTime?: number;
  /** Creation time (default now). */
  date?: Date;
}

export interface GeneratedWalletKey {
  /** Armored private key; passphrase-encrypted when a passphrase was given. */
  privateKey: string;
  encrypted: boolean;
  /** Canonical binary public key (the bytes to register). */
  publicKey: Uint8Array;
  /** Armored canonical public key. */
  publicKeyArmored: string;
  keyHash: string;
  fingerprint: string;
  /** OpenPGP algorithm id of the primary key: 19 (P-256), 1 (RSA) or 27 (Ed25519). */
  algorithm: AllowedAlgorithmId;
  algorithmName: string;
  /** `eip155:<chainId>:<checksummed address>` */
  userID: string;
  createdAt: Date;
}

const GENERATE_PARAMS: Record<KeyAlgorithmChoice, Pick<openpgp.KeyOptions, "type" | "curve" | "rsaBits">> = {
  p256: { type: "ecc", curve: "nistP256" },
  rsa3072: { type: "rsa", rsaBits: 3072 },
  // RFC 9580 Ed25519 (algorithm 27) primary with an X25519 (25) encryption subkey, in a version 4 key.
  ed25519: { type: "curve25519" },
};

/**
 * Generates an OpenPGP key for a wallet: user ID = CAIP-10 account id, a signing primary key and an
 * encryption subkey, version 4, SHA-256 preferred. The result has passed validatePublicKey, and a
 * signature of it over a probe digest has passed the signature profile (the key can send messages).
 */
export async function generateWalletKey(options: GenerateWalletKeyOptions): Promise<GeneratedWalletKey> {
  const choice = options.algorithm ?? "p256";
  const params = GENERATE_PARAMS[choice];
  if (params === undefined) {
    throw new Error(
      `Unknown key algorithm "${String(choice)}"; choose one of ${KEY_ALGORITHM_CHOICES.join(", ")}.`,
    );
  }
  const userID = caip10(options.chainId, options.address);
  const passphrase =
    options.passphrase !== undefined && options.passphrase !== "" ? options.passphrase : undefined;
  const date = options.date ?? new Date();
  const { privateKey: decrypted, publicKey } = await openpgp.generateKey({
    ...params,
    userIDs: [{ name: userID }],
    keyExpirationTime: options.keyExpirationTime ?? 0,
    date,
    format: "object",
    config: { v6Keys: false, preferredHashAlgorithm: openpgp.enums.hash.sha256 },
  });
  const validated = await validatePublicKey(publicKey.write(), { date });
  // The key must be able to send: our signer's signature passes the profile and openpgp.js under it.
  const probe = new Uint8Array(32).fill(0x5a);
  const verdict = await verifyDigestSignature(
    probe,
    await signDigest(probe, decrypted, { date }),
    validated.bytes,
  );
  if (!verdict.ok) throw new Error(`The generated key cannot sign messages: ${verdict.reason}`);
  const privateKey =
    passphrase !== undefined ? await openpgp.encryptKey({ privateKey: decrypted, passphrase }) : decrypted;
  return {
    privateKey: privateKey.armor(),
    encrypted: passphrase !== undefined,
    publicKey: validated.bytes,
    publicKeyArmored: armorPublicKey(validated.bytes),
    keyHash: validated.keyHash,
    fingerprint: validated.fingerprint,
    algorithm: validated.algorithm,
    algorithmName: validated.algorithmName,
    userID,
    createdAt: validated.createdAt,
  };
}
