import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { JsonRpcSigner } from "ethers";
import { ChainIndex, NodeStatus } from "../../src/chain/chain-index";
import { openDatabase } from "../../src/store/sqlite";
import type { Database } from "../../src/store/sqlite";
import type { HardhatNode } from "../../src/testing/hardhat-node";
import { sharedChain } from "./shared-chain";
import { keyHashOf } from "../../src/message";
import { generate } from "../message/helpers";
import { PUSH, STORAGE_ROLE, deployProtocol, mine, newSigner, registerNode } from "./fixture";
import type { Protocol } from "./fixture";

/**
 * The chain index against the real KeyRegistry and NodeRegistry on a real `npx hardhat node`: its key
 * records must be what the contract stores (keyOf), its KeyView must answer what isActiveAt answers, and
 * its node records must follow nodeOf through registration, endpoint change, jail, unjail and exit.
 */
describe("pushnode: chain index against the real registries", function () {
  let node: HardhatNode;
  let p: Protocol;
  let users: JsonRpcSigner[];
  let db: Database;
  let dir: string;
  let index: ChainIndex;

  before(async function () {
    node = await sharedChain();
    p = await deployProtocol(node);
    users = await Promise.all([1, 2, 3].map((i) => p.provider.getSigner(i)));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ci-contracts-"));
    db = openDatabase({ dataDir: dir });
    index = new ChainIndex({
      db,
      rpc: p.rpc,
      chainId: node.chainId,
      keyRegistry: p.addresses.keyRegistry,
      nodeRegistry: p.addresses.nodeRegistry,
      startBlock: p.deployBlock,
      confirmations: 1,
    });
  });

  after(async function () {
    if (db?.open) db.close();
    p?.provider.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("holds the key records keyOf returns and answers as isActiveAt", async function () {
    const registry = p.keyRegistry;
    const rpc = p.rpc;
    const [a, b] = users;
    const k1 = await generate("p256");
    const k2 = await generate("rsa2048");
    const k3 = await generate("p256");
    await (await registry.connect(a).addKey(k1.publicKey)).wait();
    await (await registry.connect(a).addKey(k2.publicKey)).wait();
    await (await registry.connect(b).addKey(k1.publicKey)).wait(); // same key, two owners
    await (await registry.connect(a).revokeKey(keyHashOf(k1.publicKey))).wait();
    await (await registry.connect(b).addKey(k3.publicKey)).wait();
    await rpc.request("hardhat_mine", ["0x1"]);
    await index.poll();

    const pairs: Array<[string, string]> = [
      [a.address, keyHashOf(k1.publicKey)],
      [a.address, keyHashOf(k2.publicKey)],
      [b.address, keyHashOf(k1.publicKey)],
      [b.address, keyHashOf(k3.publicKey)],
    ];
    const times: bigint[] = [];
    for (const [owner, h] of pairs) {
      const onChain = await registry.keyOf(owner, h);
      const rec = index.keyRecord(owner, h)!;
      expect(rec.addedAt).to.equal(onChain.addedAt);
      expect(rec.revokedAt ?? 0n).to.equal(onChain.revokedAt);
      expect(rec.algorithm).to.equal(Number(onChain.algorithm));
      times.push(onChain.addedAt - 1n, onChain.addedAt, onChain.addedAt + 1n);
      if (onChain.revokedAt !== 0n)
        times.push(onChain.revokedAt - 1n, onChain.revokedAt, onChain.revokedAt + 1n);
    }
    for (const [owner, h] of pairs)
      for (const t of times)
        expect(await index.keyActiveAt(owner, h, t), `${owner} ${h} at ${t}`).to.equal(
          await registry.isActiveAt(owner, h, t),
        );
    expect(await index.keyActiveAt(users[2].address, keyHashOf(k1.publicKey), times[1])).to.equal(false);
    expect(await index.publicKeyBytes(keyHashOf(k2.publicKey))).to.deep.equal(k2.publicKey);
    expect(index.stats().ignoredLogs).to.equal(0);
  });

  it("follows nodeOf: registration, endpoint, jail, unjail, exit", async function () {
    const reg = p.nodeRegistry;
    const signerKey = newSigner();
    const signer = signerKey.address;
    const check = async (endpoint: string) => {
      await mine(p, 1);
      await index.poll();
      const onChain = await reg.nodeOf(signer);
      const n = index.node(signer)!;
      expect(n.status).to.equal(Number(onChain.status));
      expect(n.operator).to.equal(onChain.operator);
      expect(n.role).to.equal(Number(onChain.role));
      expect(n.registeredAt).to.equal(onChain.registeredAt);
      expect(n.endpoint).to.equal(endpoint);
      return n.status;
    };
    const op = await registerNode(p, signerKey, "http://127.0.0.1:1", 9);
    expect(await check("http://127.0.0.1:1")).to.equal(NodeStatus.Active);
    expect(index.node(signer)!.role).to.equal(STORAGE_ROLE);
    await (await reg.connect(op).updateEndpoint(signer, "https://node.example.org")).wait();
    await check("https://node.example.org");
    await (await reg.connect(op).requestUnstake(signer, 10n * PUSH)).wait();
    expect(await check("https://node.example.org")).to.equal(NodeStatus.Jailed);
    await (await p.token.connect(op).mint(op.address, 5n * PUSH)).wait();
    await (await p.token.connect(op).approve(p.addresses.vault, 5n * PUSH)).wait();
    await (await p.vault.connect(op).stake(signer, 5n * PUSH)).wait();
    await (await reg.connect(op).unjail(signer)).wait();
    expect(await check("https://node.example.org")).to.equal(NodeStatus.Active);
    await (await reg.connect(op).exit(signer)).wait();
    expect(await check("https://node.example.org")).to.equal(NodeStatus.Exiting);
    expect(index.nodes().map((n) => n.node)).to.include(signer);
  });
});
