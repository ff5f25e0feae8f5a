// Shared fixture of the slashing tests: the real staking layer, key registry, verifier, Slashing and
// SlashingCourt (UUPS proxies), the committed vector keys, and helpers to build messages, attestations and
// proofs the way the validator does.
import hre, { ethers, upgrades } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { AbiCoder, MaxUint256, Wallet, getBytes, hexlify, keccak256, randomBytes } from "ethers";
import * as openpgp from "openpgp";
import { deployStaking } from "../../src/deploy/staking";
import { deploySlashing } from "../../src/deploy/slashing";
import { deployVerifier } from "../../src/deploy/verifier";
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

/** ISlashing.Claim: who a proof pays, and the salt of its commitment. */
export interface Claim {
  reporter: string;
  salt: string;
}

/** keccak256(abi.encode(node, digest)): the offence of every fault of one attested message. */
export function messageOffenceId(node: string, digest: string): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["address", "bytes32"], [node, digest]));
}

/** keccak256(abi.encode(uint8(EQUIVOCATION), node, uint64 sequence)). */
export function equivocationOffenceId(node: string, sequence: bigint): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(["uint8", "address", "uint64"], [Fault.Equivocation, node, sequence]),
  );
}

/** The commitment a proof of `offenceId` with `claim` needs: keccak256(abi.encode(reporter, salt, offenceId)). */
export function commitmentOf(claim: Claim, offenceId: string): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["address", "bytes32", "bytes32"],
      [claim.reporter, claim.salt, offenceId],
    ),
  );
}

export interface Proof {
  message: Message;
  attestation: Attestation;
  nodeSignature: string;
  /** The OpenPGP signature packet the attestation commits to. */
  signature: Uint8Array;
  /**
   * A claim for `reporter` whose commitment to this message's offence ({messageOffenceId}) was made when the
   * attestation was built (so in an earlier block than any proof sent afterwards).
   */
  claim: Claim;
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
  /**
   * `node`'s attestation of (message, signature), as the node signs it (`signatureSize`: the signature's length
   * unless overridden), with a claim for `reporter` committed to the message's offence in its own block.
   */
  attest: (
    node: Wallet,
    m: { message: Message; signature: Uint8Array },
    sequence?: bigint,
    attestedAt?: bigint,
    overrides?: Partial<Attestation>,
  ) => Promise<Proof>;
  /**
   * Commits to `offenceId` for `reporter` (default: `reporter`) with a fresh salt, then mines one more block;
   * returns the claim.
   */
  commit: (offenceId: string, reporter?: string) => Promise<Claim>;
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

  const { address: verifierAddress } = await deployVerifier(hre, governor);
  const keys = (await upgrades.deployProxy(
    await ethers.getContractFactory("KeyRegistry"),
    [governor.address, guardian.address],
    { kind: "uups", constructorArgs: [verifierAddress] },
  )) as unknown as KeyRegistry;
  const { verifier, slashing, court } = await deploySlashing(hre, {
    registry: await registry.getAddress(),
    keyRegistry: await keys.getAddress(),
    verifier: verifierAddress,
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
  const commit = async (offenceId: string, reporterAddress: string = reporter.address): Promise<Claim> => {
    const claim = { reporter: reporterAddress, salt: hexlify(randomBytes(32)) };
    await (await slashing.connect(other).commitProof(commitmentOf(claim, offenceId))).wait();
    // One more block: an eth_call at "latest" runs with the latest block's number on Hardhat, so a simulated
    // reveal right after the commit would still see it as too fresh.
    await ethers.provider.send("evm_mine", []);
    return claim;
  };
  const attest = async (
    node: Wallet,
    m: { message: Message; signature: Uint8Array },
    sequence = 1n,
    attestedAt?: bigint,
    overrides: Partial<Attestation> = {},
  ): Promise<Proof> => {
    const a: Attestation = {
      digest: messageDigest(m.message),
      signatureHash: signatureHashOf(m.signature),
      signatureSize: m.signature.length,
      sequence,
      attestedAt: attestedAt ?? m.message.timestamp,
      ...overrides,
    };
    const signed: SignedAttestation = await signAttestation(node, a, domain);
    const claim = await commit(messageOffenceId(node.address, a.digest));
    return {
      message: m.message,
      attestation: a,
      nodeSignature: signed.signature,
      signature: m.signature,
      claim,
    };
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
    commit,
    stakeOf,
  };
}

/** The first three proof arguments of every message-fault prover (the claim goes last: `p.claim`). */
export function args(p: Proof): [Message, Attestation, string] {
  return [p.message, p.attestation, p.nodeSignature];
}
