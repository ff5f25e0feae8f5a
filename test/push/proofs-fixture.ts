// Shared fixture of the Push proof tests: the slashing world of test/slashing/fixture.ts plus PushProofs (with
// Slashing's PUSH_PROVER_ROLE), the SDK vector wallets' keys registered in the key registry a day ago, and helpers
// that attest a Push message as a node does (src/message/push/attest.ts).
import { ethers } from "hardhat";
import { Wallet, getBytes } from "ethers";
import { decodePushMessage } from "../../src/message/push";
import {
  attestPushMessage,
  pushAttestedMessageOf,
  pushFieldHashes,
  pushMessageDigest,
} from "../../src/message/push";
import type { PushAttestedMessage, PushMessageBody, PushSigVersion } from "../../src/message/push";
import { signAttestation, signatureHashOf } from "../../src/message";
import type { Attestation } from "../../src/message";
import type { PushProofs } from "../../typechain-types";
import { DAY, deployWorld, increaseTime, messageOffenceId, now } from "../slashing/fixture";
import type { Claim, World } from "../slashing/fixture";
import messagesJson from "../fixtures/push/messages.json";
import profilesJson from "../fixtures/push/profiles.json";

export type PushVector = (typeof messagesJson.messages)[number];
export const VECTORS: readonly PushVector[] = messagesJson.messages;

export function vector(name: string): PushVector {
  const v = VECTORS.find((x) => x.name === name);
  if (!v) throw new Error(`no Push vector ${name}`);
  return v;
}

export interface SdkWallet {
  name: string;
  wallet: Wallet;
  keyHash: string;
  publicKey: string;
}

export interface PushWorld extends World {
  proofs: PushProofs;
  users: Record<"alice" | "bob" | "carol", SdkWallet>;
  keyless: Wallet;
}

/** Deploys the world, PushProofs, and registers alice's, bob's and carol's SDK keys one day back. */
export async function deployPushWorld(): Promise<PushWorld> {
  const w = await deployWorld();
  const proofs = (await ethers.deployContract(
    "PushProofs",
    [await w.slashing.getAddress()],
    w.governor,
  )) as unknown as PushProofs;
  await proofs.waitForDeployment();
  await (
    await w.slashing
      .connect(w.governor)
      .grantRole(await w.slashing.PUSH_PROVER_ROLE(), await proofs.getAddress())
  ).wait();
  const users = {} as Record<"alice" | "bob" | "carol", SdkWallet>;
  for (const p of profilesJson.profiles) {
    const wallet = new Wallet(p.walletPrivateKey, ethers.provider);
    await ethers.provider.send("hardhat_setBalance", [wallet.address, "0x56BC75E2D63100000"]);
    await (await w.keys.connect(wallet).addKey(p.publicKey)).wait();
    users[p.name as "alice" | "bob" | "carol"] = {
      name: p.name,
      wallet,
      keyHash: p.keyHash,
      publicKey: p.publicKey,
    };
  }
  await increaseTime(DAY);
  const keyless = new Wallet(profilesJson.keyless[0].walletPrivateKey, ethers.provider);
  return { ...w, proofs, users, keyless };
}

/** A vector's body, decoded. */
export function bodyOf(v: PushVector): PushMessageBody {
  return decodePushMessage(v.body);
}

/**
 * The struct an honest node attests for `body` (default: the vector's): alice's key signed it, pgp messages are
 * encrypted to bob's key, PlainText ones go to dave (no key); `timestamp` defaults to the latest block time.
 */
export async function attestedOf(
  w: PushWorld,
  v: PushVector,
  body: PushMessageBody = bodyOf(v),
  timestamp?: bigint,
): Promise<PushAttestedMessage> {
  return pushAttestedMessageOf(body, v.version as PushSigVersion, v.from, v.to, {
    timestamp: timestamp ?? (await now()),
    senderKey: w.users.alice.keyHash,
    recipientKey: v.encType === "pgp" ? w.users.bob.keyHash : null,
  });
}

export interface PushProof {
  m: PushAttestedMessage;
  attestation: Attestation;
  nodeSignature: string;
  signature: Uint8Array;
  claim: Claim;
  offenceId: string;
}

/** `node`'s attestation of `m` with the vector's signature, and a claim for the reporter committed to its offence. */
export async function attestPush(
  w: PushWorld,
  node: Wallet,
  m: PushAttestedMessage,
  signature: Uint8Array,
  opts: { sequence?: bigint; attestedAt?: bigint; overrides?: Partial<Attestation> } = {},
): Promise<PushProof> {
  const a: Attestation = {
    digest: pushMessageDigest(m, w.domain),
    signatureHash: signatureHashOf(signature),
    signatureSize: signature.length,
    sequence: opts.sequence ?? 1n,
    attestedAt: opts.attestedAt ?? m.header.timestamp,
    ...opts.overrides,
  };
  // The node's own path (src/message/push/attest.ts) when nothing is overridden, else the plain signer.
  const signed =
    opts.overrides === undefined
      ? await attestPushMessage(
          node,
          m,
          signature,
          { sequence: a.sequence, attestedAt: a.attestedAt },
          w.domain,
        )
      : await signAttestation(node, a, w.domain);
  if (signed.digest !== a.digest) throw new Error("attestPushMessage signed another digest");
  const offenceId = messageOffenceId(node.address, a.digest);
  const claim = await w.commit(offenceId);
  return { m, attestation: a, nodeSignature: signed.signature, signature, claim, offenceId };
}

export function signatureOf(v: PushVector): Uint8Array {
  return getBytes(v.signature);
}

/** Arguments of provePushMalformed / provePushBadSignature up to the node signature. */
export function fullArgs(p: PushProof) {
  return [p.m.header, p.m.body, p.attestation, p.nodeSignature] as const;
}

/** Arguments of the hashed-form proofs up to the node signature. */
export function hashedArgs(p: PushProof) {
  return [p.m.header, pushFieldHashes(p.m.body), p.attestation, p.nodeSignature] as const;
}
