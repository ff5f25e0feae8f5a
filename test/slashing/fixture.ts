// Shared fixture of the slashing tests: the real staking layer, key registry, verifier, Slashing and
// SlashingCourt (UUPS proxies), the committed vector keys, and helpers to build messages, attestations and
// proofs the way the validator does.
import hre, { ethers, upgrades } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { MaxUint256, Wallet, getBytes } from "ethers";
import * as openpgp from "openpgp";
import { deployStaking } from "../../src/deploy/staking";
import { deploySlashing } from "../../src/deploy/slashing";
import { Role } from "../../src/staking";
import { signerConsent } from "../../src/testing/consent";
import {
  ContentType,
  Encryption,
  ZERO_BYTES32,
  contentHashOf,
  messageDigest,
  signAttestation,
  signDigest,
  signatureHashOf,
} from "../../src/message";
import type { Attestation, AttestationDomain, Message, SignedAttestation } from "../../src/message";
import type {
  KeyRegistry,
  NodeRegistry,
  OpenPgpVerifier,
  Slashing,
  SlashingCourt,
  StakingVault,
  TestPush,
} from "../../typechain-types";
import keysJson from "../vectors/keys.json";

export const PUSH = 10n ** 18n;
export const MINUTE = 60;
export const DAY = 86_400;
export const ENDPOINT = "https://node.push.example.org/api";
export const VALIDATOR_MIN = 100_000n * PUSH;

/** ISlashing.FaultCode */
export const Fault = {
  Malformed: 1,
  UnauthorizedSender: 2,
  WrongEncryption: 3,
  BadSignature: 4,
  Equivocation: 5,
  Unavailable: 6,
} as const;

/** ISlashing.Param */
export const Param = {
  StateLag: 0,
  MessageFaultSlashBps: 1,
  EquivocationSlashBps: 2,
  ReporterRewardBps: 3,
  MaxContentSize: 4,
  MaxClockSkew: 5,
} as const;

/** ISlashingCourt.Param */
export const CourtParam = {
  FaultWindow: 0,
  DisputeBond: 1,
  DisputeDecisionPeriod: 2,
  GovernanceSlashCapBps: 3,
} as const;

export type VectorKeyName = keyof typeof keysJson.keys;

export interface UserKey {
  name: VectorKeyName;
  publicKey: Uint8Array;
  keyHash: string;
  privateKey: openpgp.PrivateKey;
}

const keyCache = new Map<VectorKeyName, Promise<UserKey>>();

/** A committed vector key (test/vectors/keys.json), with its decrypted private key. */
export function vectorKey(name: VectorKeyName): Promise<UserKey> {
  let p = keyCache.get(name);
  if (!p) {
    const k = keysJson.keys[name];
    p = openpgp.readPrivateKey({ armoredKey: k.privateKeyArmored }).then((privateKey) => ({
      name,
      publicKey: getBytes(k.publicKey),
      keyHash: k.keyHash,
      privateKey,
    }));
    keyCache.set(name, p);
  }
  return p;
}

export interface Proof {
  message: Message;
  attestation: Attestation;
  nodeSignature: string;
  /** The OpenPGP signature packet the attestation commits to. */
  signature: Uint8Array;
}

export interface World {
  token: TestPush;
  vault: StakingVault;
  registry: NodeRegistry;
  keys: KeyRegistry;
  verifier: OpenPgpVerifier;
  slashing: Slashing;
  court: SlashingCourt;
  governor: HardhatEthersSigner;
  guardian: HardhatEthersSigner;
  treasury: HardhatEthersSigner;
  operator: HardhatEthersSigner;
  reporter: HardhatEthersSigner;
  other: HardhatEthersSigner;
  /** Message authors: alice holds the P-256 key, bob RSA-2048, carol RSA-3072, dave Ed25519. */
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  carol: HardhatEthersSigner;
  dave: HardhatEthersSigner;
  domain: AttestationDomain;
  /** Registers a fresh node signer (operator: `operator`), bonding `stake` (default: the role minimum). */
  registerNode: (stake?: bigint, role?: number, operatorSigner?: HardhatEthersSigner) => Promise<Wallet>;
  /** Adds `key` to `owner`'s keys in the key registry; returns the block timestamp of the addition. */
  addKey: (owner: HardhatEthersSigner, key: UserKey) => Promise<bigint>;
  /** A message from `from` to `to` signed by `key` (timestamp: `at`, default the latest block time). */
  message: (
    from: string,
    to: string,
    key: UserKey,
    overrides?: Partial<Message> & { at?: bigint },
  ) => Promise<{ message: Message; signature: Uint8Array }>;
  /** `node`'s attestation of (message, signature), as the node signs it. */
  attest: (
    node: Wallet,
    m: { message: Message; signature: Uint8Array },
    sequence?: bigint,
    attestedAt?: bigint,
  ) => Promise<Proof>;
  /** Bonded + unbonding stake of `node`. */
  stakeOf: (node: string) => Promise<bigint>;
}

export async function now(): Promise<bigint> {
  const b = await ethers.provider.getBlock("latest");
  return BigInt(b!.timestamp);
}

export async function increaseTime(seconds: number | bigint): Promise<void> {
  await ethers.provider.send("evm_increaseTime", [Number(seconds)]);
  await ethers.provider.send("evm_mine", []);
}

/** Deploys everything with DESIGN defaults (long time bounds). Use with loadFixture. */
export async function deployWorld(): Promise<World> {
  const signers = await ethers.getSigners();
  const [governor, guardian, treasury, operator, reporter, other, alice, bob, carol, dave] = signers;
  const staking = await deployStaking(hre, {
    governor: governor.address,
    guardian: guardian.address,
    shortTimeBounds: false,
  });
  const { token, vault, registry } = staking;

  const keys = (await upgrades.deployProxy(
    await ethers.getContractFactory("KeyRegistry"),
    [governor.address, guardian.address],
    { kind: "uups" },
  )) as unknown as KeyRegistry;
  const { verifier, slashing, court } = await deploySlashing(hre, {
    registry: await registry.getAddress(),
    keyRegistry: await keys.getAddress(),
    governor: governor.address,
    guardian: guardian.address,
    treasury: treasury.address,
    shortTimeBounds: false,
    deployer: governor,
    grantSlasherRole: true,
  });

  const vaultAddress = await vault.getAddress();
  for (const s of [operator, other, reporter]) {
    await token.mint(s.address, 100_000_000n * PUSH);
    await token.connect(s).approve(vaultAddress, MaxUint256);
    await token.connect(s).approve(await court.getAddress(), MaxUint256);
  }

  const { chainId } = await ethers.provider.getNetwork();
  const domain: AttestationDomain = { chainId, verifyingContract: await slashing.getAddress() };

  const registerNode = async (
    stake?: bigint,
    role: number = Role.VALIDATOR,
    operatorSigner: HardhatEthersSigner = operator,
  ): Promise<Wallet> => {
    const node = new Wallet(Wallet.createRandom().privateKey, ethers.provider);
    const amount = stake ?? (await registry.minStake(role));
    await registry
      .connect(operatorSigner)
      .registerNode(
        node.address,
        role,
        ENDPOINT,
        amount,
        await signerConsent(registry, node, operatorSigner),
      );
    return node;
  };
  const addKey = async (owner: HardhatEthersSigner, key: UserKey): Promise<bigint> => {
    const tx = await keys.connect(owner).addKey(key.publicKey);
    const receipt = await tx.wait();
    const block = await ethers.provider.getBlock(receipt!.blockNumber);
    return BigInt(block!.timestamp);
  };
  const message = async (
    from: string,
    to: string,
    key: UserKey,
    overrides: Partial<Message> & { at?: bigint } = {},
  ): Promise<{ message: Message; signature: Uint8Array }> => {
    const { at, ...fields } = overrides;
    const content = new TextEncoder().encode("hello push");
    const m: Message = {
      version: 1,
      from,
      to,
      timestamp: at ?? (await now()),
      contentType: ContentType.Text,
      encryption: Encryption.Plaintext,
      contentHash: contentHashOf(content),
      contentSize: content.length,
      senderKey: key.keyHash,
      recipientKey: ZERO_BYTES32,
      previous: ZERO_BYTES32,
      ...fields,
    };
    const created = new Date(Number(keysJson.keyCreated + 60) * 1000);
    const signature = await signDigest(messageDigest(m), key.privateKey, {
      date: created,
      saltNotation: false,
    });
    return { message: m, signature };
  };
  const attest = async (
    node: Wallet,
    m: { message: Message; signature: Uint8Array },
    sequence = 1n,
    attestedAt?: bigint,
  ): Promise<Proof> => {
    const a: Attestation = {
      digest: messageDigest(m.message),
      signatureHash: signatureHashOf(m.signature),
      sequence,
      attestedAt: attestedAt ?? m.message.timestamp,
    };
    const signed: SignedAttestation = await signAttestation(node, a, domain);
    return { message: m.message, attestation: a, nodeSignature: signed.signature, signature: m.signature };
  };
  const stakeOf = async (node: string): Promise<bigint> => {
    const [bonded, unbonding] = await registry.stakeOf(node);
    return bonded + unbonding;
  };

  return {
    token,
    vault,
    registry,
    keys,
    verifier,
    slashing,
    court,
    governor,
    guardian,
    treasury,
    operator,
    reporter,
    other,
    alice,
    bob,
    carol,
    dave,
    domain,
    registerNode,
    addKey,
    message,
    attest,
    stakeOf,
  };
}

/** The proof arguments of the three-argument provers. */
export function args(p: Proof): [Message, Attestation, string] {
  return [p.message, p.attestation, p.nodeSignature];
}
