// `npm run demo`: the whole network on the embedded Hardhat network. The protocol is deployed, four Push
// Nodes (one per role, the delivery node started with fault injection) are registered and served over HTTP,
// users register OpenPGP keys (one gasless through a relayer), messages flow through the nodes, and the
// validator catches the faulty node's invalid messages and gets it slashed.
//
// The embedded network has no RPC port, so the demo serves it: Hardhat's own JSON-RPC server (the one
// `hardhat node` runs) over `hre.network.provider`, on 127.0.0.1. The Push Nodes and the validator are the
// real services (src/node, src/validator), in this process, talking JSON-RPC to it. Everything is stopped
// at the end, so the process exits by itself.
//
// It is a list of steps sharing one context, so later features add steps without touching the others.
import { waitFor } from "../src/util/wait-for";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as openpgp from "openpgp";
import { JsonRpcProvider, Wallet, id } from "ethers";
import hre from "hardhat";
import { reset } from "@nomicfoundation/hardhat-network-helpers";
import { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { KeyRegistry, StakingVault, TestPush } from "../typechain-types";
import type { DeploymentFile } from "../src/deployments";
import type { NodeStatusRow } from "../src/staking-client";
import { formatPush, parsePush } from "../src/units";
import { startPushNode } from "../src/node/push-node";
import type { RunningPushNode } from "../src/node/push-node";
import type { FaultClass } from "../src/node/faults";
import { NodeApiError, NodeClient } from "../src/node/api";
import { ValidatorService } from "../src/validator/service";
import type { ProofRow } from "../src/validator/store";
import { devAccountKey } from "../src/validator/config";
import { sendMessage } from "../src/client/messaging";
import type { ChainContext } from "../src/client/messaging";
import { composeEnvelope, encodeEnvelope } from "../src/message";
import { generateWalletKey } from "../src/keys/generate";
import { checkKeyRequest, signKeyRequest } from "../src/keys/registry";
import { pointSdkAt } from "../src/testing/push-sdk";
import { PUSH_MESSAGE_FIELDS } from "../src/message/push";
import { isPushFeedItemJson } from "../src/node/api";
import { PUSH_PROFILE_GATEWAY } from "../src/deploy/steps/push-profile-gateway";

type Role = "validator" | "storage" | "delivery" | "archive";

/** One node the demo runs: role, its signer key (the node id), operator and stake in PUSH. */
export interface DemoNode {
  role: Role;
  signer: Wallet;
  operatorIndex: number;
  operator: HardhatEthersSigner;
  stake: string;
  /** Fault injection of this node, if any. */
  accept?: readonly FaultClass[];
  running?: RunningPushNode;
  client?: NodeClient;
  /** The node's HTTP address (kept after it stops). */
  url?: string;
  dataDir?: string;
}

/** A user with a wallet (a Hardhat account) and an OpenPGP key (P-256). */
export interface DemoUser {
  name: string;
  account: HardhatEthersSigner;
  privateKey: openpgp.PrivateKey;
  publicKey: Uint8Array;
  keyHash: string;
}

/** What the demo uses of the unmodified Push Chat SDK (`@pushprotocol/restapi`). */
interface SdkMessage {
  cid?: string;
  messageContent: string;
  encType: string;
  [field: string]: unknown;
}
interface SdkUser {
  account: string;
  decryptedPgpPvtKey: string;
  chat: {
    send(to: string, message: { content: string }): Promise<SdkMessage & { chatId: string }>;
    accept(target: string): Promise<unknown>;
    history(target: string): Promise<SdkMessage[]>;
    list(type: "CHATS" | "REQUESTS"): Promise<Array<{ did: string }>>;
  };
}
interface PushApiStatic {
  initialize(signer: Wallet, options: { env: string }): Promise<SdkUser>;
}

/** A wallet chatting through the Push Chat SDK. */
export interface DemoSdkUser {
  name: string;
  wallet: Wallet;
  sdk: SdkUser;
}

/** An invalid message and where it went. */
export interface DemoFault {
  node: string;
  fault: string;
  digest: string;
}

export interface DemoContext {
  hre: HardhatRuntimeEnvironment;
  log: (line: string) => void;
  deployment?: DeploymentFile;
  /** The JSON-RPC endpoint serving the embedded network on 127.0.0.1. */
  rpcUrl?: string;
  rpcServer?: JsonRpcServer;
  /** A provider over `rpcUrl` (what a client outside the process would use). */
  provider?: JsonRpcProvider;
  operators: HardhatEthersSigner[];
  nodes: DemoNode[];
  users: Record<string, DemoUser>;
  validator?: ValidatorService;
  /** The validator's health and metrics address (kept after it stops). */
  validatorUrl?: string;
  reporter?: string;
  /** Invalid messages the faulty node attested. */
  faults: DemoFault[];
  /** The wallets chatting through the Push Chat SDK, and the messages they exchanged (newest first). */
  sdkUsers: Record<string, DemoSdkUser>;
  sdkHistory: SdkMessage[];
  /** Proofs the validator got mined. */
  proofs: ProofRow[];
  /** Status rows before the faults and at the end. */
  statusBefore: NodeStatusRow[];
  statusRows: NodeStatusRow[];
  /** PUSH (wei) moved by the slashes. */
  slashed: bigint;
  reporterReward: bigint;
  treasury: bigint;
  /** Temporary directories (node and validator databases), removed at the end. */
  dirs: string[];
}

export interface DemoStep {
  title: string;
  run(ctx: DemoContext): Promise<void>;
}

const FUNDING_PUSH = "200000";
/** What the faulty node accepts: a sender key that is not registered, and a signature that does not verify. */
const FAULTY: readonly FaultClass[] = ["UNAUTHORIZED_SENDER", "BAD_SIGNATURE"];
/** Hardhat accounts: 0 deployer, 1-4 operators, 5 the watcher, 6 alice, 7 bob, 8 the relayer, 9 mallory. */
const WATCHER_ACCOUNT = 5;
/** The storage node relays Push Chat SDK profiles to the chain from this account (it pays their gas). */
const PROFILE_RELAYER_ACCOUNT = 10;

function tmpDir(ctx: DemoContext, prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `push-demo-${prefix}-`));
  ctx.dirs.push(d);
  return d;
}

function contract(ctx: DemoContext, name: string): string {
  const c = ctx.deployment?.contracts[name];
  if (!c) throw new Error(`The deployment has no ${name}.`);
  return c.address;
}

function chainContext(ctx: DemoContext): ChainContext {
  return {
    provider: ctx.provider!,
    chainId: BigInt(ctx.deployment!.chainId),
    keyRegistry: contract(ctx, "KeyRegistry"),
    slashing: contract(ctx, "Slashing"),
    fromBlock: ctx.deployment!.deployBlock,
  };
}

async function keyRegistry(ctx: DemoContext, signer?: HardhatEthersSigner): Promise<KeyRegistry> {
  return (await ctx.hre.ethers.getContractAt(
    "KeyRegistry",
    contract(ctx, "KeyRegistry"),
    signer,
  )) as unknown as KeyRegistry;
}

async function vault(ctx: DemoContext, signer?: HardhatEthersSigner): Promise<StakingVault> {
  return (await ctx.hre.ethers.getContractAt(
    "StakingVault",
    contract(ctx, "StakingVault"),
    signer,
  )) as unknown as StakingVault;
}

async function newUser(ctx: DemoContext, name: string, account: HardhatEthersSigner): Promise<DemoUser> {
  const key = await generateWalletKey({
    address: account.address,
    chainId: ctx.deployment!.chainId,
    // Created a little in the past: its creation time must precede every message it signs.
    date: new Date(Date.now() - 3_600_000),
  });
  const privateKey = await openpgp.readPrivateKey({ armoredKey: key.privateKey });
  return { name, account, privateKey, publicKey: key.publicKey, keyHash: key.keyHash };
}

/** Waits until `n` has read the chain up to the head (it reads at confirmation depth 0 here). */
async function nodeCaughtUp(ctx: DemoContext, n: DemoNode): Promise<void> {
  const head = await ctx.provider!.getBlockNumber();
  await waitFor(`the ${n.role} node to read block ${head}`, async () => {
    const h = await n.client!.health();
    return h.ok && (h.index.cursorBlock ?? -1) >= head ? true : undefined;
  });
}

function faultyNode(ctx: DemoContext): DemoNode {
  const n = ctx.nodes.find((x) => x.accept !== undefined);
  if (!n) throw new Error("The demo has no faulty node.");
  return n;
}

async function printStatus(ctx: DemoContext): Promise<NodeStatusRow[]> {
  ctx.statusRows = (await ctx.hre.run("node:status")) as NodeStatusRow[];
  return ctx.statusRows;
}

const short = (a: string) => `${a.slice(0, 8)}..${a.slice(-4)}`;

export const STEPS: DemoStep[] = [
  {
    title:
      "Deploy the protocol (deploy:protocol: test token, timelock, StakingVault, NodeRegistry, KeyRegistry, Slashing)",
    async run(ctx) {
      ctx.deployment = (await ctx.hre.run("deploy:protocol", { fresh: true })) as DeploymentFile;
    },
  },
  {
    title:
      "Serve the embedded network over JSON-RPC on 127.0.0.1 (Hardhat's JsonRpcServer, as `hardhat node`)",
    async run(ctx) {
      const server = new JsonRpcServer({
        hostname: "127.0.0.1",
        port: 0,
        provider: ctx.hre.network.provider,
      });
      const { address, port } = await server.listen();
      ctx.rpcServer = server;
      ctx.rpcUrl = `http://${address}:${port}`;
      ctx.provider = new JsonRpcProvider(ctx.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
      ctx.provider.pollingInterval = 100;
      // A block every second keeps the chain moving, as a live network does: the validator validates a
      // message once the chain index has seen every change up to its time.
      await ctx.hre.network.provider.send("evm_setIntervalMining", [1000]);
      ctx.log(
        `  JSON-RPC at ${ctx.rpcUrl} (chain ${(await ctx.provider.getNetwork()).chainId}), a block every second`,
      );
    },
  },
  {
    title: `Mint ${formatPush(parsePush(FUNDING_PUSH))} test PUSH to four operators`,
    async run(ctx) {
      const signers = await ctx.hre.ethers.getSigners();
      ctx.operators = signers.slice(1, 5);
      const token = (await ctx.hre.ethers.getContractAt(
        "TestPush",
        contract(ctx, "PushToken"),
      )) as unknown as TestPush;
      for (const op of ctx.operators) {
        await (await token.mint(op.address, parsePush(FUNDING_PUSH))).wait();
        ctx.log(`  operator ${op.address}: ${formatPush(await token.balanceOf(op.address))} PUSH`);
      }
      // One node per role, each from a different operator; signer keys are fixed so runs are comparable.
      const plan: [Role, string, readonly FaultClass[] | undefined][] = [
        ["validator", "100000", undefined],
        ["storage", "50000", undefined],
        ["delivery", "30000", FAULTY],
        ["archive", "60000", undefined],
      ];
      ctx.nodes = plan.map(([role, stake, accept], i) => ({
        role,
        signer: new Wallet(id(`push-demo-node-${role}`)),
        operatorIndex: i + 1,
        operator: ctx.operators[i],
        stake,
        accept,
      }));
    },
  },
  {
    title: `Start four Push Nodes on 127.0.0.1 (the delivery node with fault injection --accept ${FAULTY.join(",")})`,
    async run(ctx) {
      for (const n of ctx.nodes) {
        n.dataDir = tmpDir(ctx, `node-${n.role}`);
        n.running = await startPushNode({
          dataDir: n.dataDir,
          rpcUrls: [ctx.rpcUrl!],
          chainId: BigInt(ctx.deployment!.chainId),
          keyRegistry: contract(ctx, "KeyRegistry"),
          nodeRegistry: contract(ctx, "NodeRegistry"),
          slashing: contract(ctx, "Slashing"),
          startBlock: ctx.deployment!.deployBlock,
          signerKey: n.signer.privateKey,
          confirmations: 0,
          accept: n.accept,
          pollIntervalMs: 200,
          // The storage node serves the demo's Push Chat SDK app and relays its users' profiles on chain.
          relay:
            n.role === "storage"
              ? {
                  gateway: contract(ctx, PUSH_PROFILE_GATEWAY),
                  relayerKey: devAccountKey(PROFILE_RELAYER_ACCOUNT),
                }
              : undefined,
        });
        n.client = new NodeClient(n.running.url);
        n.url = n.running.url;
        ctx.log(
          `  ${n.role.padEnd(9)} node ${n.signer.address} at ${n.running.url}${n.accept ? `  (accepts ${n.accept.join(" and ")} messages)` : ""}`,
        );
      }
    },
  },
  {
    title:
      "Register and stake the four nodes with their endpoints (node:register, approval by EIP-2612 permit)",
    async run(ctx) {
      for (const n of ctx.nodes) {
        await ctx.hre.run("node:register", {
          role: n.role,
          endpoint: n.running!.url,
          signer: n.signer.address,
          // the node's key signs its consent to the operator here (on a real network: node:consent on the node)
          signerKey: n.signer.privateKey,
          amount: n.stake,
          from: String(n.operatorIndex),
        });
      }
      for (const n of ctx.nodes) await nodeCaughtUp(ctx, n);
      ctx.log("  every node sees itself Active on chain and is ready to attest");
      ctx.statusBefore = await printStatus(ctx);
    },
  },
  {
    title: "Alice registers her OpenPGP key herself (KeyRegistry.addKey, as key:register)",
    async run(ctx) {
      const signers = await ctx.hre.ethers.getSigners();
      const alice = await newUser(ctx, "alice", signers[6]);
      const registry = await keyRegistry(ctx, alice.account);
      const receipt = await (await registry.addKey(alice.publicKey)).wait();
      ctx.log(`  alice ${alice.account.address}: key ${alice.keyHash} (P-256)`);
      ctx.log(`  addKey: tx ${receipt!.hash} (block ${receipt!.blockNumber}, gas used ${receipt!.gasUsed})`);
      ctx.users.alice = alice;
    },
  },
  {
    title:
      "Bob registers gasless: he signs an AddKey request, a relayer sends it (as key:sign-request + key:relay)",
    async run(ctx) {
      const signers = await ctx.hre.ethers.getSigners();
      const bob = await newUser(ctx, "bob", signers[7]);
      const relayer = signers[8];
      const registry = await keyRegistry(ctx, relayer);
      const latest = await ctx.hre.ethers.provider.getBlock("latest");
      const request = await signKeyRequest(bob.account, {
        kind: "add",
        chainId: ctx.deployment!.chainId,
        contract: await registry.getAddress(),
        publicKey: bob.publicKey,
        nonce: await registry.nonces(bob.account.address),
        deadline: BigInt(latest!.timestamp) + 3600n,
      });
      ctx.log(
        `  bob ${bob.account.address} signed AddKey(keyHash ${request.keyHash}, nonce ${request.nonce})`,
      );
      await checkKeyRequest(request, registry);
      const ethBefore = await ctx.hre.ethers.provider.getBalance(bob.account.address);
      const receipt = await (
        await registry.addKeyFor(request.owner, bob.publicKey, BigInt(request.deadline), request.signature)
      ).wait();
      const ethAfter = await ctx.hre.ethers.provider.getBalance(bob.account.address);
      ctx.log(
        `  relayer ${relayer.address} sent addKeyFor: tx ${receipt!.hash} (block ${receipt!.blockNumber}, gas used ${receipt!.gasUsed}); bob paid ${ethBefore - ethAfter} wei`,
      );
      ctx.users.bob = bob;
      // Mallory has a key too, but never registers it: what she signs is UNAUTHORIZED_SENDER.
      ctx.users.mallory = await newUser(ctx, "mallory", signers[9]);
      ctx.log(
        `  mallory ${signers[9].address} made a key ${ctx.users.mallory.keyHash} and did not register it`,
      );
    },
  },
  {
    title: "Start the validator (watcher) on the same chain (as validator:run)",
    async run(ctx) {
      ctx.validator = await ValidatorService.create({
        rpcUrls: [ctx.rpcUrl!],
        chainId: BigInt(ctx.deployment!.chainId),
        slashing: contract(ctx, "Slashing"),
        keyRegistry: contract(ctx, "KeyRegistry"),
        nodeRegistry: contract(ctx, "NodeRegistry"),
        pushProofs: contract(ctx, "PushProofs"),
        startBlock: ctx.deployment!.deployBlock,
        privateKey: devAccountKey(WATCHER_ACCOUNT),
        dataDir: tmpDir(ctx, "validator"),
        confirmations: 0,
        port: 0,
        feedIntervalMs: 250,
        indexIntervalMs: 250,
        proofIntervalMs: 250,
        workers: 0,
      });
      ctx.validator.start();
      ctx.reporter = ctx.validator.address;
      ctx.validatorUrl = ctx.validator.url;
      ctx.log(`  watcher ${ctx.reporter}; health and metrics at ${ctx.validator.url}`);
    },
  },
  {
    title: "Honest messages: alice and bob talk through every node (msg:send's sendMessage, PGP-encrypted)",
    async run(ctx) {
      const { alice, bob } = ctx.users;
      for (const n of ctx.nodes) {
        await nodeCaughtUp(ctx, n);
        for (const [from, to] of [
          [alice, bob],
          [bob, alice],
        ]) {
          const r = await sendMessage({
            chain: chainContext(ctx),
            from: from.account.address,
            to: to.account.address,
            content: new TextEncoder().encode(`hi ${to.name}, from ${from.name} via the ${n.role} node`),
            privateKey: from.privateKey,
            senderKeyHash: from.keyHash,
            node: n.client!,
            nodeAddress: n.signer.address,
          });
          ctx.log(
            `  ${from.name} -> ${to.name} via ${n.role.padEnd(9)}: digest ${short(r.digest)}, sequence ${r.attestation.sequence}, position ${r.response.position}`,
          );
        }
      }
    },
  },
  {
    title:
      "Apps on the Push Chat SDK: carol and dave chat through the storage node with the unmodified SDK " +
      "(@pushprotocol/restapi); the node relays their profiles on chain (gasless) and attests every message",
    async run(ctx) {
      const storage = ctx.nodes.find((n) => n.role === "storage")!;
      const { PushAPI } = require("@pushprotocol/restapi") as { PushAPI: PushApiStatic };
      const restore = pointSdkAt(storage.url!);
      try {
        for (const name of ["carol", "dave"]) {
          // fresh wallets without ETH: the node's relayer pays for their profiles
          const wallet = new Wallet(Wallet.createRandom().privateKey);
          const sdk = await PushAPI.initialize(wallet, { env: "local" });
          ctx.sdkUsers[name] = { name, wallet, sdk };
          const [keyHashes] = await (await keyRegistry(ctx)).keysOf(wallet.address, 0, 1);
          ctx.log(
            `  ${name} ${wallet.address}: PushAPI.initialize created the profile; KeyRegistry holds key ${keyHashes[0] ?? "(none)"}`,
          );
        }
        const { carol, dave } = ctx.sdkUsers;
        const first = await carol.sdk.chat.send(dave.wallet.address, { content: "hi dave, carol here" });
        ctx.log(`  carol -> dave: a request (${first.encType}), stored as ${first.cid}`);
        ctx.log(`  dave's requests: ${(await dave.sdk.chat.list("REQUESTS")).map((r) => r.did).join(", ")}`);
        await dave.sdk.chat.accept(carol.wallet.address);
        ctx.log("  dave accepts (signed with his key): the conversation is a chat for both");
        await dave.sdk.chat.send(carol.wallet.address, { content: "hello carol, through a Push Node" });
        await carol.sdk.chat.send(dave.wallet.address, { content: "encrypted both ways" });
        ctx.sdkHistory = await carol.sdk.chat.history(dave.wallet.address);
        ctx.log(
          `  carol's history, decrypted and verified by the SDK: ${ctx.sdkHistory.map((m) => JSON.stringify(m.messageContent)).join(", ")}`,
        );
      } finally {
        restore();
      }
      const items = (await storage.client!.feedJson(0n, 200)).items.filter(isPushFeedItemJson);
      for (const i of items)
        ctx.log(
          `  storage feed position ${i.position}: Push message ${short(i.cid)} attested, sequence ${i.attestation.sequence}, digest ${short(i.attestation.digest)}`,
        );
    },
  },
  {
    title:
      "Invalid messages: mallory signs with her unregistered key, a message of alice's arrives with a broken " +
      "signature; honest nodes refuse both, the faulty node attests them",
    async run(ctx) {
      const { mallory, alice, bob } = ctx.users;
      const faulty = faultyNode(ctx);
      const timestamp = async () => BigInt((await ctx.provider!.getBlock("latest"))!.timestamp);
      const unauthorized = async (text: string) =>
        encodeEnvelope(
          await composeEnvelope({
            from: mallory.account.address,
            to: bob.account.address,
            content: new TextEncoder().encode(text),
            senderPrivateKey: mallory.privateKey,
            senderPublicKey: mallory.publicKey,
            recipientPublicKey: bob.publicKey,
            timestamp: await timestamp(),
          }),
        );
      // Alice's own message with one bit of the signature flipped on the way (the last byte of s: the
      // packet keeps the strict profile, the P-256 arithmetic fails, so the contract can check it).
      const badSignature = async (text: string) => {
        const e = await composeEnvelope({
          from: alice.account.address,
          to: bob.account.address,
          content: new TextEncoder().encode(text),
          senderPrivateKey: alice.privateKey,
          senderPublicKey: alice.publicKey,
          recipientPublicKey: bob.publicKey,
          timestamp: await timestamp(),
        });
        const signature = Uint8Array.from(e.signature);
        signature[signature.length - 1] ^= 0x01;
        return encodeEnvelope({ ...e, signature });
      };
      const invalid: Array<[string, (text: string) => Promise<ReturnType<typeof encodeEnvelope>>]> = [
        ["unregistered key", unauthorized],
        ["broken signature", badSignature],
      ];
      for (const n of ctx.nodes.filter((x) => x !== faulty)) {
        for (const [what, make] of invalid) {
          try {
            await n.client!.submit(await make(`${what} via ${n.role}`));
            throw new Error(`The honest ${n.role} node accepted an invalid message.`);
          } catch (e) {
            if (!(e instanceof NodeApiError)) throw e;
            const why = (e.body as { error?: string } | null)?.error ?? e.message;
            ctx.log(`  ${n.role.padEnd(9)} node refused the ${what}: HTTP ${e.status} ${why}`);
          }
        }
      }
      await nodeCaughtUp(ctx, faulty);
      for (const [what, make] of invalid) {
        const answer = await faulty.client!.submit(await make(`${what} via ${faulty.role}`));
        const digest = answer.attestation.digest;
        ctx.faults.push({ node: faulty.signer.address, fault: answer.acceptedFault ?? "?", digest });
        ctx.log(
          `  ${faulty.role.padEnd(9)} node ATTESTED the ${what} (acceptedFault ${answer.acceptedFault}): digest ${short(digest)}, position ${answer.position}`,
        );
      }
    },
  },
  {
    title:
      "A forged Push Chat SDK message: carol's last message with its ciphertext changed on the way; the storage " +
      "node refuses it, the faulty node attests it",
    async run(ctx) {
      const { carol, dave } = ctx.sdkUsers;
      const storage = ctx.nodes.find((n) => n.role === "storage")!;
      const faulty = faultyNode(ctx);
      const sent = ctx.sdkHistory.find((m) => m.fromDID === `eip155:${carol.wallet.address}`);
      if (!sent) throw new Error("carol sent no message through the SDK.");
      // The body as the SDK posted it (the stored document carries it, plus cid, link and timestamp).
      const body: Record<string, unknown> = {};
      for (const f of PUSH_MESSAGE_FIELDS) body[f] = sent[f];
      const forged = { ...body, messageObj: `${String(body.messageObj)}Zm9yZ2Vk` };
      const post = async (url: string, route: string, json: unknown) => {
        const res = await fetch(`${url}/apis${route}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(json),
        });
        return { status: res.status, json: (await res.json()) as Record<string, unknown> };
      };
      const honest = await post(storage.url!, "/v1/chat/message", forged);
      if (honest.status < 400) throw new Error("The honest storage node accepted a forged SDK message.");
      ctx.log(`  storage   node refused it: HTTP ${honest.status} ${String(honest.json.error)}`);
      // An app using the faulty node posts carol's and dave's profiles there, then the forged message.
      for (const u of [carol, dave]) {
        const did = `eip155:${u.wallet.address}`;
        const rec = (await (await fetch(`${storage.url}/apis/v2/users/?caip10=${did}`)).json()) as Record<
          string,
          unknown
        >;
        const profile = {
          caip10: did,
          did,
          publicKey: rec.publicKey,
          encryptedPrivateKey: rec.encryptedPrivateKey,
          verificationProof: rec.verificationProof,
        };
        const r = await post(faulty.url!, "/v2/users/", profile);
        if (r.status >= 400)
          throw new Error(`The faulty node refused ${u.name}'s profile: ${String(r.json.error)}`);
      }
      const attested = await post(faulty.url!, "/v1/chat/request", forged);
      if (attested.status !== 200)
        throw new Error(
          `The faulty node refused the forged message: HTTP ${attested.status} ${String(attested.json.error)}`,
        );
      const cid = String(attested.json.cid);
      const item = (await faulty.client!.feedJson(0n, 200)).items
        .filter(isPushFeedItemJson)
        .find((i) => i.cid === cid);
      if (!item) throw new Error("The forged message is not in the faulty node's feed.");
      ctx.faults.push({
        node: faulty.signer.address,
        fault: "BAD_SIGNATURE",
        digest: item.attestation.digest,
      });
      ctx.log(
        `  ${faulty.role.padEnd(9)} node ATTESTED it: Push message ${short(cid)}, position ${item.position}, digest ${short(item.attestation.digest)}`,
      );
    },
  },
  {
    title:
      "The validator re-validates every feed, proves the faulty node's messages on chain (commit, then reveal) and gets it slashed",
    async run(ctx) {
      const v = ctx.validator!;
      const faulty = faultyNode(ctx);
      const heads = new Map<string, string>();
      for (const n of ctx.nodes) heads.set(n.signer.address, (await n.client!.health()).feed.head);
      await waitFor("the validator to read every feed", async () => {
        const nodes = v.health().nodes as Array<{ node: string; cursor: string }>;
        return ctx.nodes.every(
          (n) => nodes.find((x) => x.node === n.signer.address)?.cursor === heads.get(n.signer.address),
        )
          ? true
          : undefined;
      });
      ctx.proofs = await waitFor("the proofs to be mined and final", async () => {
        const proofs = v.store.proofs();
        const done =
          proofs.length >= ctx.faults.length && proofs.every((p) => p.final && p.state === "mined");
        return done ? proofs : undefined;
      });
      for (const p of ctx.proofs) {
        const node = ctx.nodes.find((n) => n.signer.address === p.node);
        ctx.log(`  ${p.faultCode} by the ${node?.role ?? p.node} node, message ${short(p.digest)}:`);
        ctx.log(`    commit  commitProof tx ${p.commitTxHash} (block ${p.commitBlockNumber})`);
        ctx.log(`    reveal  ${p.method} tx ${p.txHash} (block ${p.blockNumber}), reward to ${p.reporter}`);
      }
      const honestProofs = ctx.proofs.filter((p) => p.node !== faulty.signer.address);
      if (honestProofs.length > 0)
        throw new Error(`The validator proved faults of honest nodes: ${honestProofs.length}.`);
      ctx.log(`  honest nodes: ${ctx.nodes.length - 1} feeds fully validated, no fault`);
    },
  },
  {
    title: "The reporter claims its reward (StakingVault.claimRewards)",
    async run(ctx) {
      const signers = await ctx.hre.ethers.getSigners();
      const watcher = signers[WATCHER_ACCOUNT];
      const v = await vault(ctx, watcher);
      const slashing = await ctx.hre.ethers.getContractAt("Slashing", contract(ctx, "Slashing"));
      const logs = await slashing.queryFilter(slashing.filters.FaultProven(), ctx.deployment!.deployBlock);
      ctx.slashed = logs.reduce((s, l) => s + l.args.slashed, 0n);
      ctx.reporterReward = await v.rewardsOf(watcher.address);
      ctx.treasury = await v.treasuryBalance();
      const token = (await ctx.hre.ethers.getContractAt(
        "TestPush",
        contract(ctx, "PushToken"),
      )) as unknown as TestPush;
      const before = await token.balanceOf(watcher.address);
      const receipt = await (await v.claimRewards()).wait();
      const after = await token.balanceOf(watcher.address);
      ctx.log(
        `  claimRewards: tx ${receipt!.hash} (gas used ${receipt!.gasUsed}); the watcher received ${formatPush(after - before)} PUSH`,
      );
    },
  },
  {
    title: "Stop the validator, the Push Nodes and the JSON-RPC server",
    async run(ctx) {
      await stopAll(ctx);
      ctx.log("  stopped");
    },
  },
  {
    title:
      "Operators manage their stake: the storage operator tops up (node:stake) and asks to unstake part of it (node:unstake)",
    async run(ctx) {
      const storage = ctx.nodes.find((n) => n.role === "storage")!;
      await ctx.hre.run("node:stake", {
        node: storage.signer.address,
        amount: "15000",
        from: String(storage.operatorIndex),
      });
      await ctx.hre.run("node:unstake", {
        node: storage.signer.address,
        amount: "10000",
        from: String(storage.operatorIndex),
      });
    },
  },
  {
    title: "The unbonding period passes (chain time + 21 days) and the operator withdraws (node:withdraw)",
    async run(ctx) {
      const storage = ctx.nodes.find((n) => n.role === "storage")!;
      const period = await (
        await ctx.hre.ethers.getContractAt("NodeRegistry", contract(ctx, "NodeRegistry"))
      ).unbondingPeriod();
      await ctx.hre.network.provider.send("evm_increaseTime", [Number(period) + 1]);
      await ctx.hre.network.provider.send("evm_mine", []);
      await ctx.hre.run("node:withdraw", {
        node: storage.signer.address,
        from: String(storage.operatorIndex),
      });
    },
  },
  {
    title: "Summary",
    async run(ctx) {
      ctx.log("Nodes before the faults:");
      printRows(ctx, ctx.statusBefore);
      ctx.log("");
      ctx.log("Nodes after:");
      await printStatus(ctx);
      ctx.log("");
      const faulty = faultyNode(ctx);
      ctx.log(
        `Faults found: ${ctx.proofs.length} (${[...new Set(ctx.proofs.map((p) => p.faultCode))].sort().join(", ")}), all by the ${faulty.role} node ${faulty.signer.address}`,
      );
      ctx.log("Proofs mined (commitment, then proof in a later block):");
      for (const p of ctx.proofs)
        ctx.log(
          `  ${p.commitTxHash}  block ${p.commitBlockNumber}  commitProof\n` +
            `  ${p.txHash}  block ${p.blockNumber}  ${p.faultCode}`,
        );
      const before = ctx.statusBefore.find((r) => r.node === faulty.signer.address)!;
      const after = ctx.statusRows.find((r) => r.node === faulty.signer.address)!;
      ctx.log(
        `Faulty node: ${before.status} -> ${after.status}, stake ${formatPush(before.bonded + before.unbonding)} -> ${formatPush(after.bonded + after.unbonding)} PUSH`,
      );
      ctx.log(`Stake slashed: ${formatPush(ctx.slashed)} PUSH`);
      ctx.log(`  to the reporter ${ctx.reporter}: ${formatPush(ctx.reporterReward)} PUSH`);
      ctx.log(`  to the treasury (StakingVault.treasuryBalance): ${formatPush(ctx.treasury)} PUSH`);
    },
  },
];

function printRows(ctx: DemoContext, rows: NodeStatusRow[]): void {
  const lines = [
    ["node (signer)", "role", "status", "bonded PUSH", "unbonding PUSH"],
    ...rows.map((r) => [r.node, r.role, r.status, formatPush(r.bonded), formatPush(r.unbonding)]),
  ];
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  for (const l of lines)
    ctx.log(l.map((c, i) => (i >= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  "));
}

/** Stops every service the demo started (idempotent). */
async function stopAll(ctx: DemoContext): Promise<void> {
  const v = ctx.validator;
  ctx.validator = undefined;
  await v?.stop().catch(() => undefined);
  for (const n of ctx.nodes) {
    const r = n.running;
    n.running = undefined;
    await r?.close().catch(() => undefined);
  }
  ctx.provider?.destroy();
  ctx.provider = undefined;
  const s = ctx.rpcServer;
  ctx.rpcServer = undefined;
  await s?.close().catch(() => undefined);
  await ctx.hre.network.provider.send("evm_setIntervalMining", [0]).catch(() => undefined);
  for (const d of ctx.dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/**
 * Push Nodes attest with the wall clock, and messages carry the chain's time: an embedded network whose
 * clock was moved ahead (e.g. by earlier tests in the same process) is reset to a fresh chain first.
 */
async function resetIfAhead(h: HardhatRuntimeEnvironment, log: (line: string) => void): Promise<void> {
  if (h.network.name !== "hardhat") return;
  const head = await h.ethers.provider.getBlock("latest");
  const ahead = (head?.timestamp ?? 0) - Math.floor(Date.now() / 1000);
  if (ahead <= 30) return;
  await reset();
  log(`(the embedded network's clock was ${ahead} s ahead of the wall clock: reset to a fresh chain)`);
}

/** Runs every step on `h`'s network (the embedded one under `npm run demo`); returns the final context. */
export async function main(h: HardhatRuntimeEnvironment = hre, log = console.log): Promise<DemoContext> {
  const ctx: DemoContext = {
    hre: h,
    log,
    operators: [],
    nodes: [],
    users: {},
    faults: [],
    sdkUsers: {},
    sdkHistory: [],
    proofs: [],
    statusBefore: [],
    statusRows: [],
    slashed: 0n,
    reporterReward: 0n,
    treasury: 0n,
    dirs: [],
  };
  const started = Date.now();
  log(`Push Nodes demo on network "${h.network.name}"`);
  await resetIfAhead(h, log);
  try {
    for (const [i, step] of STEPS.entries()) {
      log("");
      log(`== ${i + 1}. ${step.title}`);
      await step.run(ctx);
    }
  } finally {
    await stopAll(ctx);
  }
  log("");
  log(`Demo finished in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return ctx;
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
