/**
 * Client of the KeyRegistry contract shared by tasks, the Push Node and the validator: EIP-712 requests
 * (sign, parse, verify, check before relaying), checks of a key's on-chain state before a transaction,
 * and the keys of an address read from `keysOf` plus the `KeyAdded` events, each checked against its keyHash.
 */
import {
  Contract,
  TypedDataEncoder,
  getAddress,
  getBytes,
  hexlify,
  isHexString,
  keccak256,
  Signature,
  verifyTypedData,
  type Provider,
  type Signer,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";
import type { KeyRegistry } from "../../typechain-types";
import { describeAlgorithm } from "./algorithms";
import { canonicalPublicKey } from "./canonical";
import { parsePrimaryKeyPacket } from "./packets";

export const KEY_REGISTRY_EIP712_NAME = "Push Key Registry";
export const KEY_REGISTRY_EIP712_VERSION = "1";

export const ADD_KEY_TYPES: Record<string, TypedDataField[]> = {
  AddKey: [
    { name: "owner", type: "address" },
    { name: "keyHash", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

export const REVOKE_KEY_TYPES: Record<string, TypedDataField[]> = {
  RevokeKey: ADD_KEY_TYPES.AddKey,
};

/** Marker of the JSON request file format. */
export const KEY_REQUEST_TYPE = "push-key-request";

export type KeyRequestKind = "add" | "revoke";

/** An owner's signed request that any account may relay (the JSON file `key:sign-request` writes). */
export interface KeyRequest {
  type: typeof KEY_REQUEST_TYPE;
  version: 1;
  kind: KeyRequestKind;
  chainId: number;
  /** The KeyRegistry proxy (EIP-712 verifyingContract). */
  contract: string;
  owner: string;
  /** 0x hex of the canonical public key (add requests only). */
  publicKey?: string;
  keyHash: string;
  /** Decimal string. */
  nonce: string;
  /** Unix seconds; the contract accepts the request while block.timestamp <= deadline. */
  deadline: number;
  /** 0x hex; 65-byte ECDSA signature of an EOA, or whatever the owner's ERC-1271 wallet accepts. */
  signature: string;
}

export type KeyRequestCode =
  | "BAD_REQUEST"
  | "WRONG_CHAIN"
  | "WRONG_CONTRACT"
  | "EXPIRED"
  | "NONCE_USED"
  | "NONCE_AHEAD"
  | "KEY_HASH_MISMATCH"
  | "BAD_SIGNATURE";

/** A request that would revert or is not what it claims; `message` is one sentence. */
export class KeyRequestError extends Error {
  readonly code: KeyRequestCode;

  constructor(code: KeyRequestCode, message: string) {
    super(message);
    this.name = "KeyRequestError";
    this.code = code;
  }
}

export type KeyStateCode =
  "ALREADY_ACTIVE" | "REVOKED_BEFORE" | "TOO_MANY_KEYS" | "UNKNOWN_KEY" | "ALREADY_REVOKED";

/** The key's on-chain state makes the add or revoke revert; `message` is one sentence. */
export class KeyStateError extends Error {
  readonly code: KeyStateCode;

  constructor(code: KeyStateCode, message: string) {
    super(message);
    this.name = "KeyStateError";
    this.code = code;
  }
}

export function keyRegistryDomain(chainId: number | bigint, contract: string): TypedDataDomain {
  return {
    name: KEY_REGISTRY_EIP712_NAME,
    version: KEY_REGISTRY_EIP712_VERSION,
    chainId: BigInt(chainId),
    verifyingContract: getAddress(contract),
  };
}

function typesOf(kind: KeyRequestKind): Record<string, TypedDataField[]> {
  return kind === "add" ? ADD_KEY_TYPES : REVOKE_KEY_TYPES;
}

function messageOf(
  req: Pick<KeyRequest, "owner" | "keyHash" | "nonce" | "deadline">,
): Record<string, unknown> {
  return { owner: req.owner, keyHash: req.keyHash, nonce: BigInt(req.nonce), deadline: BigInt(req.deadline) };
}

/** The EIP-712 digest the contract checks the signature against. */
export function keyRequestDigest(req: Omit<KeyRequest, "signature">): string {
  return TypedDataEncoder.hash(
    keyRegistryDomain(req.chainId, req.contract),
    typesOf(req.kind),
    messageOf(req),
  );
}

export interface SignKeyRequestParams {
  kind: KeyRequestKind;
  /**
   * The key owner (default: the signer's address). Set it to a contract wallet whose ERC-1271
   * `isValidSignature` accepts the signer's EIP-712 signature.
   */
  owner?: string;
  chainId: number | bigint;
  contract: string;
  /** Add requests: the canonical public key (its keyHash is computed here). */
  publicKey?: Uint8Array;
  /** Revoke requests: the keyHash to revoke. */
  keyHash?: string;
  nonce: bigint;
  deadline: bigint | number;
}

/**
 * The owner (`signer`, or for a contract wallet `params.owner` with `signer` as the key it accepts) signs an
 * AddKey or RevokeKey request for a relayer.
 */
export async function signKeyRequest(signer: Signer, params: SignKeyRequestParams): Promise<KeyRequest> {
  const owner = getAddress(params.owner ?? (await signer.getAddress()));
  let keyHash: string;
  let publicKey: string | undefined;
  if (params.kind === "add") {
    if (params.publicKey === undefined) throw new Error("An add request needs the public key.");
    publicKey = hexlify(params.publicKey);
    keyHash = keccak256(params.publicKey);
  } else {
    if (params.keyHash === undefined || !isHexString(params.keyHash, 32)) {
      throw new Error("A revoke request needs the keyHash (32 bytes, 0x hex).");
    }
    keyHash = params.keyHash.toLowerCase();
  }
  const unsigned: Omit<KeyRequest, "signature"> = {
    type: KEY_REQUEST_TYPE,
    version: 1,
    kind: params.kind,
    chainId: Number(params.chainId),
    contract: getAddress(params.contract),
    owner,
    ...(publicKey !== undefined ? { publicKey } : {}),
    keyHash,
    nonce: params.nonce.toString(),
    deadline: Number(params.deadline),
  };
  const signature = await signer.signTypedData(
    keyRegistryDomain(unsigned.chainId, unsigned.contract),
    typesOf(unsigned.kind),
    messageOf(unsigned),
  );
  return { ...unsigned, signature };
}

/** Parses and shape-checks a request (JSON text or object); BAD_REQUEST / KEY_HASH_MISMATCH with one sentence. */
export function parseKeyRequest(input: string | unknown): KeyRequest {
  let o: Record<string, unknown>;
  try {
    o = (typeof input === "string" ? JSON.parse(input) : input) as Record<string, unknown>;
  } catch {
    throw new KeyRequestError("BAD_REQUEST", "The request file is not valid JSON.");
  }
  const bad = (what: string) => new KeyRequestError("BAD_REQUEST", `The request has ${what}.`);
  if (o === null || typeof o !== "object" || o.type !== KEY_REQUEST_TYPE)
    throw bad(`no "type": "${KEY_REQUEST_TYPE}"`);
  if (o.version !== 1) throw bad("an unknown version");
  if (o.kind !== "add" && o.kind !== "revoke") throw bad('a "kind" other than "add" or "revoke"');
  if (typeof o.chainId !== "number" || !Number.isSafeInteger(o.chainId) || o.chainId <= 0)
    throw bad("no valid chainId");
  for (const f of ["contract", "owner"] as const) {
    if (typeof o[f] !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(o[f] as string))
      throw bad(`no valid ${f} address`);
  }
  if (typeof o.keyHash !== "string" || !isHexString(o.keyHash, 32)) throw bad("no valid keyHash");
  if (typeof o.nonce !== "string" || !/^\d+$/.test(o.nonce)) throw bad("no valid nonce (a decimal string)");
  if (typeof o.deadline !== "number" || !Number.isSafeInteger(o.deadline) || o.deadline < 0)
    throw bad("no valid deadline");
  if (typeof o.signature !== "string" || !isHexString(o.signature) || o.signature.length < 4)
    throw bad("no signature");
  const req: KeyRequest = {
    type: KEY_REQUEST_TYPE,
    version: 1,
    kind: o.kind,
    chainId: o.chainId,
    contract: getAddress(o.contract as string),
    owner: getAddress(o.owner as string),
    keyHash: o.keyHash.toLowerCase(),
    nonce: o.nonce,
    deadline: o.deadline,
    signature: o.signature,
  };
  if (o.kind === "add") {
    if (typeof o.publicKey !== "string" || !isHexString(o.publicKey) || o.publicKey.length < 4) {
      throw bad("no public key (0x hex) although it is an add request");
    }
    req.publicKey = o.publicKey.toLowerCase();
    if (keccak256(req.publicKey) !== req.keyHash) {
      throw new KeyRequestError(
        "KEY_HASH_MISMATCH",
        "The request's keyHash is not keccak256 of its public key.",
      );
    }
  }
  return req;
}

const ERC1271_ABI = ["function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)"];
const ERC1271_MAGIC = "0x1626ba7e";
const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/**
 * True when `req.signature` is the owner's signature of the request: for an EOA the recovered EIP-712 signer
 * is the owner; for an owner with code, its ERC-1271 `isValidSignature` returns the magic value (as
 * OpenZeppelin's SignatureChecker, which the contract uses).
 */
export async function verifyKeyRequestSignature(req: KeyRequest, provider: Provider): Promise<boolean> {
  const code = await provider.getCode(req.owner);
  if (code !== "0x") {
    const wallet = new Contract(req.owner, ERC1271_ABI, provider);
    try {
      const result = (await wallet
        .getFunction("isValidSignature")
        .staticCall(keyRequestDigest(req), req.signature)) as string;
      return result.toLowerCase() === ERC1271_MAGIC;
    } catch {
      return false;
    }
  }
  try {
    if (getBytes(req.signature).length !== 65) return false;
    // OpenZeppelin's ECDSA refuses the malleable (high s) form; so does this check.
    if (BigInt(Signature.from(req.signature).s) > SECP256K1_HALF_N) return false;
    const recovered = verifyTypedData(
      keyRegistryDomain(req.chainId, req.contract),
      typesOf(req.kind),
      messageOf(req),
      req.signature,
    );
    return recovered === req.owner;
  } catch {
    return false;
  }
}

/**
 * Everything the contract checks about a relayed request, checked locally so that a relayer never pays for
 * a transaction that reverts: chain, contract, deadline (against the latest block), nonce, keyHash and
 * signature. Throws KeyRequestError with one sentence.
 */
export async function checkKeyRequest(req: KeyRequest, registry: KeyRegistry): Promise<void> {
  const runner = registry.runner;
  const provider = runner?.provider ?? (runner as Provider | null);
  if (!provider) throw new Error("The KeyRegistry contract object has no provider.");
  const { chainId } = await provider.getNetwork();
  if (BigInt(req.chainId) !== chainId) {
    throw new KeyRequestError(
      "WRONG_CHAIN",
      `The request was signed for chain ${req.chainId}, but the connected chain is ${chainId}.`,
    );
  }
  const contract = getAddress(await registry.getAddress());
  if (req.contract !== contract) {
    throw new KeyRequestError(
      "WRONG_CONTRACT",
      `The request was signed for the KeyRegistry at ${req.contract}, not the one at ${contract}.`,
    );
  }
  const latest = await provider.getBlock("latest");
  const now = latest?.timestamp ?? Math.floor(Date.now() / 1000);
  // The next block's timestamp is at least latest + 1; the contract accepts block.timestamp <= deadline.
  if (req.deadline <= now) {
    throw new KeyRequestError(
      "EXPIRED",
      `The request expired at ${isoSeconds(req.deadline)} (the chain is at ${isoSeconds(now)}).`,
    );
  }
  const nonce = await registry.nonces(req.owner);
  if (BigInt(req.nonce) < nonce) {
    throw new KeyRequestError(
      "NONCE_USED",
      `The request's nonce ${req.nonce} was already used or cancelled by ${req.owner} (next nonce: ${nonce}).`,
    );
  }
  if (BigInt(req.nonce) > nonce) {
    throw new KeyRequestError(
      "NONCE_AHEAD",
      `The request's nonce ${req.nonce} is ahead of ${req.owner}'s next nonce ${nonce}: relay the earlier requests first.`,
    );
  }
  if (req.kind === "add" && (req.publicKey === undefined || keccak256(req.publicKey) !== req.keyHash)) {
    throw new KeyRequestError(
      "KEY_HASH_MISMATCH",
      "The request's keyHash is not keccak256 of its public key.",
    );
  }
  if (!(await verifyKeyRequestSignature(req, provider))) {
    throw new KeyRequestError(
      "BAD_SIGNATURE",
      `The signature is not ${req.owner}'s signature of this ${req.kind === "add" ? "AddKey" : "RevokeKey"} request.`,
    );
  }
}

/** Throws KeyStateError when adding `keyHash` for `owner` would revert (already there, revoked before, cap). */
export async function checkCanAdd(registry: KeyRegistry, owner: string, keyHash: string): Promise<void> {
  const record = await registry.keyOf(owner, keyHash);
  if (record.addedAt !== 0n) {
    if (record.revokedAt !== 0n) {
      throw new KeyStateError(
        "REVOKED_BEFORE",
        `${owner} revoked key ${keyHash} at ${isoSeconds(record.revokedAt)}; a revoked key is never added again by the same owner.`,
      );
    }
    throw new KeyStateError(
      "ALREADY_ACTIVE",
      `${owner} already has key ${keyHash}, active since ${isoSeconds(record.addedAt)}.`,
    );
  }
  const [active, max] = await Promise.all([registry.activeKeyCount(owner), registry.MAX_ACTIVE_KEYS()]);
  if (active >= max) {
    throw new KeyStateError(
      "TOO_MANY_KEYS",
      `${owner} already has ${active} active keys, the maximum; revoke one first.`,
    );
  }
}

/** Throws KeyStateError when revoking `keyHash` of `owner` would revert (unknown or already revoked). */
export async function checkCanRevoke(registry: KeyRegistry, owner: string, keyHash: string): Promise<void> {
  const record = await registry.keyOf(owner, keyHash);
  if (record.addedAt === 0n) {
    throw new KeyStateError("UNKNOWN_KEY", `${owner} never added key ${keyHash}.`);
  }
  if (record.revokedAt !== 0n) {
    throw new KeyStateError(
      "ALREADY_REVOKED",
      `${owner}'s key ${keyHash} was already revoked at ${isoSeconds(record.revokedAt)}.`,
    );
  }
}

/** One key of an owner, as the registry and its events describe it. */
export interface RegisteredKey {
  owner: string;
  keyHash: string;
  /** OpenPGP algorithm id the contract recorded. */
  algorithm: number;
  algorithmName: string;
  /** Unix seconds. */
  addedAt: number;
  /** Unix seconds; 0 while active. */
  revokedAt: number;
  active: boolean;
  /** The key bytes from the KeyAdded event; undefined when the event was not found (e.g. fromBlock too late). */
  publicKey?: Uint8Array;
  /** keccak256(publicKey) === keyHash (false when the event is missing or does not match). */
  hashMatches: boolean;
  /** v4 fingerprint, when the bytes are a readable key. */
  fingerprint?: string;
  userIDs?: string[];
  /** Block and transaction of the KeyAdded event. */
  addedInBlock?: number;
  addedInTx?: string;
}

export interface FetchKeysOptions {
  /** First block to search for KeyAdded events (the deployment block saves work). Default 0. */
  fromBlock?: number;
  /** Page size for keysOf. Default 100. */
  pageSize?: number;
  /**
   * Blocks per eth_getLogs call when the node refuses one query over the whole range (public RPCs often cap
   * the range). Default 10,000.
   */
  blockRange?: number;
}

/** KeyAdded events of `owner` from `fromBlock`: one query, or block ranges if the node refuses it. */
async function queryKeyAdded(registry: KeyRegistry, owner: string, fromBlock: number, blockRange = 10_000) {
  const filter = registry.filters.KeyAdded(owner);
  try {
    return await registry.queryFilter(filter, fromBlock);
  } catch (e) {
    const provider = registry.runner?.provider;
    if (!provider) throw e;
    const latest = await provider.getBlockNumber();
    const all = [];
    for (let start = fromBlock; start <= latest; start += blockRange) {
      all.push(...(await registry.queryFilter(filter, start, Math.min(start + blockRange - 1, latest))));
    }
    return all;
  }
}

/**
 * The keys of `owner` in order of addition: the records from `keysOf`, the key bytes from the `KeyAdded`
 * events, each checked against its keyHash, with fingerprint and user IDs when the bytes parse.
 */
export async function fetchKeys(
  registry: KeyRegistry,
  owner: string,
  options: FetchKeysOptions = {},
): Promise<RegisteredKey[]> {
  const who = getAddress(owner);
  const pageSize = BigInt(options.pageSize ?? 100);
  const count = await registry.keyCount(who);
  const records: { keyHash: string; algorithm: number; addedAt: number; revokedAt: number }[] = [];
  for (let offset = 0n; offset < count; offset += pageSize) {
    const [hashes, recs] = await registry.keysOf(who, offset, pageSize);
    hashes.forEach((keyHash, i) =>
      records.push({
        keyHash: keyHash.toLowerCase(),
        algorithm: Number(recs[i].algorithm),
        addedAt: Number(recs[i].addedAt),
        revokedAt: Number(recs[i].revokedAt),
      }),
    );
  }
  const events = await queryKeyAdded(registry, who, options.fromBlock ?? 0, options.blockRange);
  const byHash = new Map<string, (typeof events)[number]>();
  for (const e of events) byHash.set(e.args.keyHash.toLowerCase(), e);

  const out: RegisteredKey[] = [];
  for (const r of records) {
    const event = byHash.get(r.keyHash);
    const key: RegisteredKey = {
      owner: who,
      ...r,
      algorithmName: describeAlgorithm(r.algorithm),
      active: r.revokedAt === 0,
      hashMatches: false,
    };
    if (event !== undefined) {
      const bytes = getBytes(event.args.publicKey);
      key.publicKey = bytes;
      key.hashMatches = keccak256(bytes) === r.keyHash;
      key.addedInBlock = event.blockNumber;
      key.addedInTx = event.transactionHash;
      await describeKeyBytes(bytes, key);
    }
    out.push(key);
  }
  return out;
}

async function describeKeyBytes(bytes: Uint8Array, key: RegisteredKey): Promise<void> {
  try {
    const primary = parsePrimaryKeyPacket(bytes);
    key.algorithmName = describeAlgorithm(primary.algorithm, primary);
  } catch {
    /* keep the bare algorithm name */
  }
  try {
    const c = await canonicalPublicKey(bytes);
    key.fingerprint = c.fingerprint;
    key.userIDs = c.key.getUserIDs();
  } catch {
    /* bytes the contract accepted but openpgp.js cannot read: no fingerprint */
  }
}

function isoSeconds(t: number | bigint): string {
  return new Date(Number(t) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
