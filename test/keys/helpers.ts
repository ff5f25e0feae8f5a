// Shared helpers of the key registry tests: real openpgp.js keys, deployment, EIP-712 requests.
import fs from "node:fs";
import path from "node:path";
import * as openpgp from "openpgp";
import hre, { ethers, upgrades } from "hardhat";
import { deployVerifier } from "../../src/deploy/verifier";
import type { Signer, TypedDataDomain } from "ethers";
import type { KeyRegistry } from "../../typechain-types";

export const ALG = { RSA: 1, ECDSA: 19, EDDSA_LEGACY: 22, ED25519: 27 } as const;

export type EccKind = "p256" | "ed25519" | "ed25519Legacy" | "p384";

/** Canonical binary public key of any armored or binary openpgp key (private or public). */
export async function canonical(key: string | Uint8Array): Promise<Uint8Array> {
  const parsed =
    typeof key === "string"
      ? await openpgp.readKey({ armoredKey: key })
      : await openpgp.readKey({ binaryKey: key });
  return parsed.toPublic().write();
}

/** A fresh key as the key tooling makes it: one user ID "eip155:<chainId>:<address>", binary. */
export async function generate(
  kind: EccKind,
  owner = "0x0000000000000000000000000000000000000001",
  chainId = 31337n,
): Promise<{ publicKey: Uint8Array; privateKey: Uint8Array }> {
  const userIDs = [{ name: `eip155:${chainId}:${owner}` }];
  const { privateKey } =
    kind === "ed25519"
      ? await openpgp.generateKey({ type: "curve25519", userIDs, format: "binary" })
      : await openpgp.generateKey({
          type: "ecc",
          curve: kind === "p256" ? "nistP256" : kind === "p384" ? "nistP384" : "ed25519Legacy",
          userIDs,
          format: "binary",
        });
  return { publicKey: await canonical(privateKey), privateKey };
}

/** Canonical public key of a committed fixture (test/fixtures/keys/<name>.asc). */
export async function fixture(name: string): Promise<Uint8Array> {
  const file = path.join(__dirname, "..", "fixtures", "keys", `${name}.asc`);
  return canonical(fs.readFileSync(file, "utf8"));
}

export function keyHashOf(key: Uint8Array): string {
  return ethers.keccak256(key);
}

/** Where the primary key packet's body starts and ends, read the way DESIGN section 9 describes. */
export function primaryPacket(key: Uint8Array): { bodyStart: number; end: number } {
  const a = key[1];
  if (a < 192) return { bodyStart: 2, end: 2 + a };
  if (a < 224) return { bodyStart: 3, end: 3 + ((a - 192) << 8) + key[2] + 192 };
  const len = key[2] * 2 ** 24 + (key[3] << 16) + (key[4] << 8) + key[5];
  return { bodyStart: 6, end: 6 + len };
}

export function primaryBody(key: Uint8Array): Uint8Array {
  const { bodyStart, end } = primaryPacket(key);
  return key.slice(bodyStart, end);
}

/** A new-format packet header: tag byte then a 1-, 2- or 5-octet length. */
export function packetHeader(tagByte: number, len: number, fiveOctet = false): Uint8Array {
  if (fiveOctet) {
    return Uint8Array.of(
      tagByte,
      0xff,
      (len >>> 24) & 0xff,
      (len >>> 16) & 0xff,
      (len >>> 8) & 0xff,
      len & 0xff,
    );
  }
  if (len < 192) return Uint8Array.of(tagByte, len);
  const l = len - 192;
  return Uint8Array.of(tagByte, (l >> 8) + 192, l & 0xff);
}

/** `key` with its primary packet's body replaced by `body` (length re-encoded, the rest of the key kept). */
export function withPrimaryBody(key: Uint8Array, body: Uint8Array, fiveOctet = false): Uint8Array {
  const { end } = primaryPacket(key);
  return ethers.getBytes(ethers.concat([packetHeader(0xc6, body.length, fiveOctet), body, key.slice(end)]));
}

export interface Deployed {
  registry: KeyRegistry;
  address: string;
  governor: Signer;
  guardian: Signer;
  relayer: Signer;
  users: Signer[];
}

export async function deployRegistry(): Promise<Deployed> {
  const [governor, guardian, relayer, ...users] = await ethers.getSigners();
  const factory = await ethers.getContractFactory("KeyRegistry");
  const { address: verifier } = await deployVerifier(hre, governor);
  const proxy = await upgrades.deployProxy(factory, [governor.address, guardian.address], {
    kind: "uups",
    constructorArgs: [verifier],
  });
  await proxy.waitForDeployment();
  const registry = proxy as unknown as KeyRegistry;
  return { registry, address: await registry.getAddress(), governor, guardian, relayer, users };
}

export const REQUEST_FIELDS = [
  { name: "owner", type: "address" },
  { name: "keyHash", type: "bytes32" },
  { name: "nonce", type: "uint256" },
  { name: "deadline", type: "uint256" },
];

export interface Request {
  kind: "AddKey" | "RevokeKey";
  owner: string;
  keyHash: string;
  nonce: bigint;
  deadline: bigint;
}

export async function domainOf(registry: KeyRegistry): Promise<TypedDataDomain> {
  const { chainId } = await ethers.provider.getNetwork();
  return { name: "Push Key Registry", version: "1", chainId, verifyingContract: await registry.getAddress() };
}

function message(req: Request): Record<string, unknown> {
  return { owner: req.owner, keyHash: req.keyHash, nonce: req.nonce, deadline: req.deadline };
}

/** `signer`'s EIP-712 signature of `req` under `domain`. */
export async function signRequest(signer: Signer, domain: TypedDataDomain, req: Request): Promise<string> {
  return signer.signTypedData(domain, { [req.kind]: REQUEST_FIELDS }, message(req));
}

/** The EIP-712 digest of `req` (what ERC-1271 wallets are asked about). */
export function requestDigest(domain: TypedDataDomain, req: Request): string {
  return ethers.TypedDataEncoder.hash(domain, { [req.kind]: REQUEST_FIELDS }, message(req));
}

/** A deadline far in the future. */
export const FAR_DEADLINE = 2n ** 40n;
