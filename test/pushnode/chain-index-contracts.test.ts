import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Contract } from "ethers";
import type { JsonRpcSigner } from "ethers";
import { RpcClient } from "../../src/chain/rpc";
import type { FailoverProvider } from "../../src/chain/rpc";
import { ChainIndex } from "../../src/chain/chain-index";
import { openDatabase } from "../../src/store/sqlite";
import type { Database } from "../../src/store/sqlite";
import { startHardhatNode } from "../../src/testing/hardhat-node";
import type { HardhatNode } from "../../src/testing/hardhat-node";
import { keyHashOf } from "../../src/message";
import type { KeyRegistry } from "../../typechain-types";
import { generate } from "../message/helpers";
import { deployUupsProxy } from "./external-deploy";

/**
 * The chain index against the real KeyRegistry on a real `npx hardhat node`: its records must be what
 * the contract stores (keyOf), and its KeyView answers what isActiveAt answers.
 */
describe("pushnode: chain index against the real KeyRegistry", function () {
  let node: HardhatNode;
  let rpc: RpcClient;
  let provider: FailoverProvider;
  let registry: KeyRegistry;
  let registryAddress: string;
  let startBlock: number;
  let users: JsonRpcSigner[];
  let db: Database;
  let dir: string;

  before(async function () {
    node = await startHardhatNode();
    rpc = await RpcClient.connect({ urls: [node.url] });
    provider = await rpc.ethersProvider();
    const deployer = await provider.getSigner(0);
    const d = await deployUupsProxy("KeyRegistry", deployer, [deployer.address, deployer.address]);
    registryAddress = d.address;
    startBlock = d.block;
    const iface = (await import("hardhat")).default.artifacts.readArtifactSync("KeyRegistry").abi;
    registry = new Contract(registryAddress, iface, deployer) as unknown as KeyRegistry;
    users = await Promise.all([1, 2, 3].map((i) => provider.getSigner(i)));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ci-contracts-"));
    db = openDatabase({ dataDir: dir });
  });

  after(async function () {
    if (db?.open) db.close();
    provider?.destroy();
    await node?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("holds the records keyOf returns and answers as isActiveAt", async function () {
    const index = new ChainIndex({
      db,
      rpc,
      chainId: node.chainId,
      keyRegistry: registryAddress,
      nodeRegistry: "0x000000000000000000000000000000000000dEaD",
      startBlock,
      confirmations: 1,
    });
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
});
