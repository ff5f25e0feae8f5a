import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { hexlify, keccak256, toBeHex, toUtf8Bytes } from "ethers";
import { RpcClient } from "../../src/chain/rpc";
import type { FailoverProvider } from "../../src/chain/rpc";
import { ChainIndex, ChainIndexMismatchError, NodeStatus } from "../../src/chain/chain-index";
import { chainPushKeyLookup } from "../../src/node/push-keys";
import { openDatabase } from "../../src/store/sqlite";
import type { Database } from "../../src/store/sqlite";
import type { HardhatNode } from "../../src/testing/hardhat-node";
import { sharedChain } from "./shared-chain";
import { checkMessage, composeEnvelope, keyHashOf } from "../../src/message";
import { RegistryEventsEmitter__factory } from "../../typechain-types";
import type { RegistryEventsEmitter } from "../../typechain-types";
import { USERS, generate } from "../message/helpers";

/**
 * The chain index fed by a test contract that emits the registries' exact events (same signatures),
 * so that logs the real contracts never emit (key bytes not matching keyHash, revocation of an unknown
 * key) can be produced too. The index against the real KeyRegistry and NodeRegistry is tested in
 * chain-index-contracts.test.ts.
 */
describe("pushnode: chain index (registry events, real hardhat node)", function () {
  let node: HardhatNode;
  let rpc: RpcClient;
  let provider: FailoverProvider;
  let keys: RegistryEventsEmitter;
  let nodes: RegistryEventsEmitter;
  let startBlock: number;
  const dirs: string[] = [];
  const dbs: Database[] = [];
  const p256: Array<Awaited<ReturnType<typeof generate>>> = [];

  const mine = (n: number) => rpc.request("hardhat_mine", [toBeHex(n)]);
  const blockTime = async (n: number) => BigInt((await rpc.getBlockHeader(n))!.timestamp);

  function tmp(): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "chain-index-"));
    dirs.push(d);
    return d;
  }

  function open(dir: string, extra: { confirmations?: number; chainId?: bigint; keyRegistry?: string } = {}) {
    const db = openDatabase({ dataDir: dir });
    dbs.push(db);
    return {
      db,
      index: new ChainIndex({
        db,
        rpc,
        chainId: extra.chainId ?? node.chainId,
        keyRegistry: extra.keyRegistry ?? keys.target.toString(),
        nodeRegistry: nodes.target.toString(),
        startBlock,
        confirmations: extra.confirmations ?? 2,
      }),
    };
  }

  async function addKey(owner: string, publicKey: Uint8Array, hash = keccak256(publicKey)): Promise<number> {
    const r = await (await keys.keyAdded(owner, hash, 19, publicKey)).wait();
    return r!.blockNumber;
  }

  async function revoke(owner: string, hash: string): Promise<number> {
    return (await (await keys.keyRevoked(owner, hash)).wait())!.blockNumber;
  }

  before(async function () {
    node = await sharedChain();
    rpc = await RpcClient.connect({ urls: [node.url] });
    provider = await rpc.ethersProvider();
    const signer = await provider.getSigner(0);
    keys = await new RegistryEventsEmitter__factory(signer).deploy();
    nodes = await new RegistryEventsEmitter__factory(signer).deploy();
    await nodes.waitForDeployment();
    startBlock = (await keys.deploymentTransaction()!.wait())!.blockNumber;
    for (let i = 0; i < 3; i++) p256.push(await generate("p256"));
  });

  after(async function () {
    for (const db of dbs) if (db.open) db.close();
    provider?.destroy();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it("indexes keys at the confirmation depth, with the block timestamps the registry stores", async function () {
    const { index } = open(tmp());
    const [k0, k1] = p256;
    const h0 = keyHashOf(k0.publicKey);
    const h1 = keyHashOf(k1.publicKey);
    const b0 = await addKey(USERS.alice, k0.publicKey);
    const b1 = await addKey(USERS.alice, k1.publicKey);
    const br = await revoke(USERS.alice, h0);

    // head = br; with depth 2 only b0 is confirmed.
    await index.poll();
    expect(index.keysOf(USERS.alice).map((k) => k.keyHash)).to.deep.equal([h0]);
    expect(index.keyRecord(USERS.alice, h0)!.revokedAt).to.equal(null);
    await mine(2);
    await index.poll();
    const r0 = index.keyRecord(USERS.alice, h0)!;
    const r1 = index.keyRecord(USERS.alice, h1)!;
    expect(r0.addedAt).to.equal(await blockTime(b0));
    expect(r0.revokedAt).to.equal(await blockTime(br));
    expect(r0.addedBlock).to.equal(b0);
    expect(r0.revokedBlock).to.equal(br);
    expect(r1.addedAt).to.equal(await blockTime(b1));
    expect(r1.algorithm).to.equal(19);

    // KeyView semantics (KeyRegistry.isActiveAt): [addedAt, revokedAt)
    expect(await index.keyActiveAt(USERS.alice, h0, r0.addedAt - 1n)).to.equal(false);
    expect(await index.keyActiveAt(USERS.alice, h0, r0.addedAt)).to.equal(true);
    expect(await index.keyActiveAt(USERS.alice, h0, r0.revokedAt! - 1n)).to.equal(true);
    expect(await index.keyActiveAt(USERS.alice, h0, r0.revokedAt!)).to.equal(false);
    expect(await index.keyActiveAt(USERS.bob, h0, r0.addedAt)).to.equal(false);
    // both active at r1.addedAt: the record added earliest wins (h0, although revoked later)
    expect(await index.anyActiveKeyAt(USERS.alice, r1.addedAt)).to.equal(h0);
    expect(await index.anyActiveKeyAt(USERS.alice, r0.addedAt)).to.equal(h0);
    expect(await index.anyActiveKeyAt(USERS.alice, r0.revokedAt!)).to.equal(h1);
    expect(await index.anyActiveKeyAt(USERS.alice, r0.addedAt - 1n)).to.equal(null);
    expect(await index.recordTimes(USERS.alice, h0)).to.deep.equal({
      addedAt: r0.addedAt,
      revokedAt: r0.revokedAt,
    });
    expect(await index.recordTimes(USERS.alice, h1)).to.deep.equal({ addedAt: r1.addedAt, revokedAt: null });
    expect(await index.recordTimes(USERS.bob, h1)).to.equal(null);
    expect(await index.publicKeyBytes(h1)).to.deep.equal(k1.publicKey);
    expect(await index.publicKeyBytes(keccak256("0x01"))).to.equal(null);
    const latest = await blockTime(await rpc.blockNumber());
    expect(index.activeKeysOf(USERS.alice, latest).map((k) => k.keyHash)).to.deep.equal([h1]);
  });

  it("ignores inconsistent logs: key bytes not hashing to keyHash, unknown revocations, key events of the node registry", async function () {
    const { index } = open(tmp(), { confirmations: 0 });
    await index.poll();
    const before = index.stats().ignoredLogs;
    const k = p256[2];
    await addKey(USERS.bob, k.publicKey, keccak256(toUtf8Bytes("something else")));
    await revoke(USERS.bob, keyHashOf(k.publicKey));
    await (await nodes.keyAdded(USERS.bob, keyHashOf(k.publicKey), 19, k.publicKey)).wait();
    await index.poll();
    expect(index.keysOf(USERS.bob)).to.deep.equal([]);
    expect(await index.publicKeyBytes(keyHashOf(k.publicKey))).to.equal(null);
    expect(index.stats().ignoredLogs - before).to.equal(2); // the third is filtered by address/topic pairing
  });

  it("derives nodes: registration, endpoint, status changes", async function () {
    const { index } = open(tmp(), { confirmations: 0 });
    const signer = "0x000000000000000000000000000000000000dEaD";
    const operator = USERS.carol;
    const rb = (await (await nodes.nodeRegistered(signer, operator, 1, "http://127.0.0.1:1")).wait())!
      .blockNumber;
    await index.poll();
    let n = index.node(signer)!;
    expect(n).to.deep.include({
      operator,
      role: 1,
      status: NodeStatus.Active,
      endpoint: "http://127.0.0.1:1",
    });
    expect(n.registeredAt).to.equal(await blockTime(rb));
    await (await nodes.nodeEndpointUpdated(signer, "http://127.0.0.1:2")).wait();
    await (await nodes.nodeStatusChanged(signer, 1, 2, 2)).wait();
    await index.poll();
    n = index.node(signer)!;
    expect(n.endpoint).to.equal("http://127.0.0.1:2");
    expect(n.status).to.equal(NodeStatus.Jailed);
    expect(index.nodes().map((x) => x.node)).to.include(signer);
    expect(index.node(USERS.dave)).to.equal(undefined);
  });

  it("survives reorgs: rows above the fork point are deleted, revocations undone, nodes re-derived", async function () {
    const { index } = open(tmp(), { confirmations: 1 });
    const k0 = p256[0];
    const k1 = await generate("p256"); // added only on the abandoned fork
    const owner = USERS.dave;
    const signer = "0x000000000000000000000000000000000000bEEF";
    await addKey(owner, k0.publicKey);
    await (await nodes.nodeRegistered(signer, owner, 0, "http://a")).wait();
    await mine(1);
    await index.poll();
    const snap = await rpc.request<string>("evm_snapshot", []);
    // fork A: revoke k0, add k1, change the node
    await revoke(owner, keyHashOf(k0.publicKey));
    await addKey(owner, k1.publicKey);
    await (await nodes.nodeEndpointUpdated(signer, "http://fork-a")).wait();
    await (await nodes.nodeStatusChanged(signer, 1, 3, 4)).wait();
    await mine(1);
    await index.poll();
    expect(index.keyRecord(owner, keyHashOf(k0.publicKey))!.revokedAt !== null).to.equal(true);
    expect(index.keyRecord(owner, keyHashOf(k1.publicKey))).to.not.equal(undefined);
    expect(index.node(signer)).to.deep.include({ endpoint: "http://fork-a", status: NodeStatus.Exiting });
    // the Push key lookup keeps the bytes of keys it found active (k1 now)
    const later = 2n ** 40n;
    const active = async () =>
      (await chainPushKeyLookup(index, later).activeKeys(owner)).map((k) => [
        k.keyHash,
        hexlify(k.publicKey),
      ]);
    expect(await active()).to.deep.equal([[keyHashOf(k1.publicKey), hexlify(k1.publicKey)]]);

    // fork B: none of that happened; something else did (and the chain is longer)
    await rpc.request("evm_revert", [snap]);
    await (await nodes.nodeEndpointUpdated(signer, "http://fork-b")).wait();
    await mine(6);
    const res = await index.poll();
    expect(res.reorg).to.not.equal(undefined);
    expect(index.keyRecord(owner, keyHashOf(k0.publicKey))!.revokedAt).to.equal(null);
    expect(index.keyRecord(owner, keyHashOf(k1.publicKey))).to.equal(undefined);
    expect(await index.publicKeyBytes(keyHashOf(k1.publicKey))).to.equal(null);
    // ... but which keys are active comes from the index: k1's cached bytes are not served after the reorg
    expect(await active()).to.deep.equal([[keyHashOf(k0.publicKey), hexlify(k0.publicKey)]]);
    expect(index.node(signer)).to.deep.include({ endpoint: "http://fork-b", status: NodeStatus.Active });
    expect(index.stats().reorgs).to.equal(1);
  });

  it("a reorg that brings no new logs still drops what the index had read into memory from the abandoned fork", async function () {
    const { index } = open(tmp(), { confirmations: 0 });
    const k0 = p256[1];
    const k1 = await generate("p256");
    const owner = "0x1111111111111111111111111111111111111111";
    const signer = "0x000000000000000000000000000000000000cafE";
    await addKey(owner, k0.publicKey);
    await index.poll();
    const snap = await rpc.request<string>("evm_snapshot", []);
    await addKey(owner, k1.publicKey);
    await (await nodes.nodeRegistered(signer, owner, 0, "http://fork-a")).wait();
    await index.poll();
    // read (and kept in memory) on fork A
    expect(index.keysOf(owner).map((k) => k.keyHash)).to.deep.equal([
      keyHashOf(k0.publicKey),
      keyHashOf(k1.publicKey),
    ]);
    expect(index.node(signer)).to.deep.include({ endpoint: "http://fork-a" });
    await rpc.request("evm_revert", [snap]);
    await mine(4); // a longer fork without any registry log
    const res = await index.poll();
    expect(res.reorg).to.not.equal(undefined);
    expect(index.keysOf(owner).map((k) => k.keyHash)).to.deep.equal([keyHashOf(k0.publicKey)]);
    expect(index.node(signer)).to.equal(undefined);
  });

  it("persists with its cursor: a reopened index resumes, and a data dir of another deployment is refused", async function () {
    const dir = tmp();
    const a = open(dir, { confirmations: 0 });
    await a.index.poll();
    const count = a.index.keyCount();
    const cursor = a.index.scanner.cursor!.number;
    a.db.close();
    const k = await generate("p256");
    await addKey(USERS.carol, k.publicKey);
    const b = open(dir, { confirmations: 0 });
    expect(b.index.keyCount()).to.equal(count);
    const res = await b.index.poll();
    expect(res.cursor).to.be.greaterThan(cursor);
    expect(b.index.keyCount()).to.equal(count + 1);
    expect(b.index.stats().keysAdded).to.equal(1); // only the new log was delivered after the restart
    b.db.close();
    expect(() => open(dir, { chainId: 137n })).to.throw(ChainIndexMismatchError, /another data directory/);
    expect(() => open(dir, { keyRegistry: USERS.bob })).to.throw(ChainIndexMismatchError);
  });

  it("reports freshness: the oldest change it may be missing", async function () {
    const { index } = open(tmp(), { confirmations: 2 });
    expect(index.freshness()).to.equal(undefined);
    await mine(3);
    await index.poll();
    const f = index.freshness()!;
    expect(f.head - f.cursorBlock).to.equal(2);
    expect(f.firstUnseenBlockTime).to.equal(await blockTime(f.cursorBlock + 1));
    const now = BigInt(Math.floor(Date.now() / 1000));
    expect(index.unseenSince(now + 100n)! >= 100n).to.equal(true);
    const z = open(tmp(), { confirmations: 0 }).index;
    await z.poll();
    expect(z.freshness()!.firstUnseenBlockTime).to.equal(null);
  });

  it("is a KeyView for checkMessage", async function () {
    const { index } = open(tmp(), { confirmations: 0 });
    const sender = await generate("p256");
    const recipient = await generate("p256");
    await addKey(USERS.alice, sender.publicKey);
    await addKey(USERS.bob, recipient.publicKey);
    await index.poll();
    const head = await rpc.getBlockHeader("latest");
    const env = await composeEnvelope({
      from: USERS.alice,
      to: USERS.bob,
      content: toUtf8Bytes("hello bob"),
      timestamp: BigInt(head!.timestamp) + 1n,
      senderPrivateKey: sender.privateKey,
      recipientPublicKey: recipient.publicKey,
    });
    const ok = await checkMessage(env, undefined, { keys: index, now: env.timestamp });
    expect(ok.ok).to.equal(true);
    await revoke(USERS.alice, keyHashOf(sender.publicKey));
    await index.poll();
    const later = await composeEnvelope({
      from: USERS.alice,
      to: USERS.bob,
      content: toUtf8Bytes("again"),
      timestamp: env.timestamp + 10n,
      senderPrivateKey: sender.privateKey,
      recipientPublicKey: recipient.publicKey,
    });
    const bad = await checkMessage(later, undefined, { keys: index, now: later.timestamp });
    expect(bad).to.deep.include({ ok: false, code: "UNAUTHORIZED_SENDER" });
  });
});
