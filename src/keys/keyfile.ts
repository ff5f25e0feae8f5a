import fs from "node:fs/promises";
import path from "node:path";
import * as openpgp from "openpgp";
import { getAddress } from "ethers";
import { describeAlgorithm } from "./algorithms";
import { canonicalPublicKey, publicKeyHex } from "./canonical";
import { KeyFileError, errorMessage } from "./errors";
import { parsePrimaryKeyPacket } from "./packets";

/** "json": a JSON document with metadata and the armored private key; "armored": the armored private key alone. */
export type KeyFileFormat = "json" | "armored";

/** Marker of the JSON key file format. */
export const KEY_FILE_TYPE = "push-openpgp-private-key";

/** A private key file, read and checked (the private key is still encrypted). */
export interface KeyFile {
  format: KeyFileFormat;
  /** Armored, passphrase-encrypted private key. */
  privateKey: string;
  /** Canonical binary public key derived from the private key. */
  publicKey: Uint8Array;
  keyHash: string;
  fingerprint: string;
  algorithm: number;
  algorithmName: string;
  createdAt: Date;
  userIDs: string[];
  /** From the JSON metadata, when present. */
  address?: string;
  chainId?: number;
}

/** The JSON document of a key file. */
export interface KeyFileJson {
  type: typeof KEY_FILE_TYPE;
  version: 1;
  address?: string;
  chainId?: number;
  userIDs: string[];
  keyHash: string;
  fingerprint: string;
  algorithm: number;
  algorithmName: string;
  createdAt: string;
  /** 0x hex of the canonical public key. */
  publicKey: string;
  /** Armored, passphrase-encrypted private key. */
  privateKey: string;
}

export interface WriteKeyFileOptions {
  /** Default: "armored" for a path ending in .asc, else "json". */
  format?: KeyFileFormat;
  /** Replace an existing file (default: refuse). */
  overwrite?: boolean;
  /** Wallet the key belongs to (JSON metadata). */
  address?: string;
  chainId?: number | bigint;
}

/**
 * Writes a private key file (mode 0600, atomically). Refuses a private key that is not passphrase-encrypted
 * (UNENCRYPTED_PRIVATE_KEY) and an existing file unless `overwrite` (FILE_EXISTS).
 */
export async function writeKeyFile(
  filePath: string,
  armoredPrivateKey: string,
  options: WriteKeyFileOptions = {},
): Promise<KeyFile> {
  const info = await inspectPrivateKey(armoredPrivateKey, filePath);
  const format = options.format ?? (filePath.toLowerCase().endsWith(".asc") ? "armored" : "json");
  const address = options.address !== undefined ? getAddress(options.address) : undefined;
  const chainId = options.chainId !== undefined ? Number(options.chainId) : undefined;
  let text: string;
  if (format === "json") {
    const doc: KeyFileJson = {
      type: KEY_FILE_TYPE,
      version: 1,
      ...(address !== undefined ? { address } : {}),
      ...(chainId !== undefined ? { chainId } : {}),
      userIDs: info.userIDs,
      keyHash: info.keyHash,
      fingerprint: info.fingerprint,
      algorithm: info.algorithm,
      algorithmName: info.algorithmName,
      createdAt: info.createdAt.toISOString(),
      publicKey: publicKeyHex(info.publicKey),
      privateKey: info.privateKey,
    };
    text = JSON.stringify(doc, null, 2) + "\n";
  } else {
    text = info.privateKey.endsWith("\n") ? info.privateKey : info.privateKey + "\n";
  }

  await fs.mkdir(path.dirname(path.resolve(filePath)), { recursive: true });
  if (!options.overwrite && (await exists(filePath))) {
    throw new KeyFileError(
      "FILE_EXISTS",
      `${filePath} already exists; choose another path or allow overwriting.`,
    );
  }
  const tmp = `${filePath}.${process.pid}.${Date.now()}.tmp`;
  await fs.writeFile(tmp, text, { mode: 0o600 });
  await fs.rename(tmp, filePath);
  return {
    ...info,
    format,
    ...(address !== undefined ? { address } : {}),
    ...(chainId !== undefined ? { chainId } : {}),
  };
}

/** Reads and checks a key file (JSON or armored). The private key stays encrypted; see decryptKeyFile. */
export async function readKeyFile(filePath: string): Promise<KeyFile> {
  let text: string;
  try {
    text = await fs.readFile(filePath, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      throw new KeyFileError("FILE_NOT_FOUND", `No key file at ${filePath}.`);
    }
    throw e;
  }
  return parseKeyFile(text, filePath);
}

/** Parses key file text (JSON or armored private key); `source` names it in error messages. */
export async function parseKeyFile(text: string, source = "the key file"): Promise<KeyFile> {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    let doc: Partial<KeyFileJson>;
    try {
      doc = JSON.parse(trimmed) as Partial<KeyFileJson>;
    } catch (e) {
      throw new KeyFileError("BAD_KEY_FILE", `${source} is not valid JSON.`, { cause: e });
    }
    if (doc.type !== KEY_FILE_TYPE || typeof doc.privateKey !== "string") {
      throw new KeyFileError("BAD_KEY_FILE", `${source} is not a ${KEY_FILE_TYPE} file.`);
    }
    const info = await inspectPrivateKey(doc.privateKey, source);
    if (doc.keyHash !== undefined && doc.keyHash.toLowerCase() !== info.keyHash) {
      throw new KeyFileError(
        "BAD_KEY_FILE",
        `The keyHash recorded in ${source} does not match its private key.`,
      );
    }
    return {
      ...info,
      format: "json",
      ...(typeof doc.address === "string" ? { address: getAddress(doc.address) } : {}),
      ...(typeof doc.chainId === "number" ? { chainId: doc.chainId } : {}),
    };
  }
  if (trimmed.startsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----")) {
    return { ...(await inspectPrivateKey(trimmed, source)), format: "armored" };
  }
  throw new KeyFileError(
    "BAD_KEY_FILE",
    `${source} holds neither a JSON key file nor an armored private key.`,
  );
}

/** Decrypts the private key of a key file (path or parsed file); WRONG_PASSPHRASE if the passphrase is wrong. */
export async function decryptKeyFile(
  file: string | KeyFile,
  passphrase: string,
): Promise<openpgp.PrivateKey> {
  const keyFile = typeof file === "string" ? await readKeyFile(file) : file;
  const source = typeof file === "string" ? file : "the key file";
  const privateKey = await openpgp.readPrivateKey({ armoredKey: keyFile.privateKey });
  try {
    return await openpgp.decryptKey({ privateKey, passphrase });
  } catch (e) {
    if (/passphrase/i.test(errorMessage(e))) {
      throw new KeyFileError(
        "WRONG_PASSPHRASE",
        `The passphrase does not decrypt the private key in ${source}.`,
        {
          cause: e,
        },
      );
    }
    throw new KeyFileError("BAD_KEY_FILE", `The private key in ${source} cannot be decrypted.`, { cause: e });
  }
}

type KeyInfo = Omit<KeyFile, "format" | "address" | "chainId">;

async function inspectPrivateKey(armoredPrivateKey: string, source: string): Promise<KeyInfo> {
  let key: openpgp.PrivateKey;
  try {
    key = await openpgp.readPrivateKey({ armoredKey: armoredPrivateKey });
  } catch (e) {
    throw new KeyFileError(
      "BAD_KEY_FILE",
      `${source} does not hold a readable armored OpenPGP private key.`,
      {
        cause: e,
      },
    );
  }
  const unprotected = key.getKeys().some((k) => k.keyPacket.isDecrypted() === true);
  if (unprotected) {
    throw new KeyFileError(
      "UNENCRYPTED_PRIVATE_KEY",
      `The private key for ${source} is not passphrase-encrypted; encrypt it with a passphrase first.`,
    );
  }
  const canonical = await canonicalPublicKey(key.toPublic().write());
  const primary = parsePrimaryKeyPacket(canonical.bytes);
  return {
    privateKey: key.armor(),
    publicKey: canonical.bytes,
    keyHash: canonical.keyHash,
    fingerprint: canonical.fingerprint,
    algorithm: primary.algorithm,
    algorithmName: describeAlgorithm(primary.algorithm, primary),
    createdAt: key.getCreationTime(),
    userIDs: key.getUserIDs(),
  };
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}
