import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { Contract } from "ethers";
import type { HardhatNode } from "../../src/testing/hardhat-node";
import { ValidatorService } from "../../src/validator/service";
import { waitFor } from "../../src/util/wait-for";
import { sharedChain } from "../pushnode/shared-chain";
import { deployGateway, deployProtocol, fundedWallet } from "../pushnode/fixture";
import type { Protocol } from "../pushnode/fixture";
import { forgedMessageNode, registeredSdkUsers, startChainNode } from "./chain-fixture";
import type { ChainNode } from "./chain-fixture";
import { call, errorOf, messageBody } from "./helpers";

/**
 * Issue 14's last test, on a real `npx hardhat node`: a message made by the unmodified SDK and forged on the way
 * (its ciphertext changed after signing) is refused by an honest node; the same message, attested by a node run
 * with `--accept BAD_SIGNATURE`, is proven on chain by the validator through PushProofs (commit, then
 * provePushBadSignature), while the honest node's Push items are read and never proven.
 */
describe("the validator proves a forged Push Chat SDK message attested by a node", function () {
  this.timeout(600_000);
  let chain: HardhatNode;
  let p: Protocol;
  const nodes: ChainNode[] = [];
  let validator: ValidatorService | undefined;
  const dirs: string[] = [];

  before(async () => {
    chain = await sharedChain();
    p = await deployProtocol(chain);
  });
  after(async () => {
    await validator?.stop();
    for (const n of nodes) await n.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    p?.provider.destroy();
  });

  /** Points the node's on-chain endpoint at where it serves (the fixture registers a placeholder). */
  async function publishEndpoint(n: ChainNode): Promise<void> {
    const { operator } = await p.nodeRegistry.nodeOf(n.signer.address);
    const op = await p.provider.getSigner(operator);
    await (await p.nodeRegistry.connect(op).updateEndpoint(n.signer.address, n.running.url)).wait();
  }

  it("an honest node refuses the forged message; the faulty node's attestation of it is slashed through PushProofs, once", async () => {
    const gateway = await deployGateway(p);
    const proofs = await (
      await hre.ethers.getContractFactory("PushProofs", p.deployer)
    ).deploy(p.addresses.slashing);
    await proofs.waitForDeployment();
    const pushProofs = await proofs.getAddress();
    const slashing = new Contract(
      p.addresses.slashing,
      hre.artifacts.readArtifactSync("Slashing").abi,
      p.deployer,
    );
    await (await slashing.grantRole(await slashing.PUSH_PROVER_ROLE(), pushProofs)).wait();

    const [from, to] = await registeredSdkUsers(p, gateway, 2);
    // an honest node: the two users chat (a request and a reply, both attested), the forged body is refused
    const honest = await startChainNode(p);
    nodes.push(honest);
    for (const prof of [from.profile, to.profile]) {
      const r = await call(honest.running.url, "POST", "/apis/v2/users/", prof);
      expect([200, 201], errorOf(r)).to.include(r.status);
    }
    const keys = [to.publicKeyArmored, from.publicKeyArmored];
    const first = await call(
      honest.running.url,
      "POST",
      "/apis/v1/chat/request",
      await messageBody(from, to.did, "hello", keys),
    );
    expect(first.status, errorOf(first)).to.equal(200);
    const { node: faulty, item, body } = await forgedMessageNode(p, from, to, [from.profile, to.profile]);
    nodes.push(faulty);
    const refused = await call(honest.running.url, "POST", "/apis/v1/chat/message", body);
    expect(refused.status, errorOf(refused)).to.equal(422);
    expect(errorOf(refused)).to.match(/BAD_SIGNATURE/);
    for (const n of nodes) await publishEndpoint(n);

    const watcher = await fundedWallet(p);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pushchat-validator-"));
    dirs.push(dataDir);
    validator = await ValidatorService.create({
      rpcUrls: [p.node.url],
      chainId: p.node.chainId,
      slashing: p.addresses.slashing,
      keyRegistry: p.addresses.keyRegistry,
      nodeRegistry: p.addresses.nodeRegistry,
      pushProofs,
      startBlock: p.deployBlock,
      privateKey: watcher.privateKey,
      dataDir,
      confirmations: 0,
      feedIntervalMs: 250,
      indexIntervalMs: 250,
      proofIntervalMs: 250,
      workers: 0,
      nodes: nodes.map((n) => n.signer.address),
    });
    validator.start();
    const v = validator;
    const rows = await waitFor(
      "the forged message's proof to be mined",
      async () => {
        const r = v.store.proofs();
        return r.length > 0 && r.every((x) => x.state === "mined") ? r : undefined;
      },
      240_000,
    );
    // every feed read to its head, and only the forged item proven
    const heads = new Map<string, string>();
    for (const n of nodes) heads.set(n.signer.address, (await n.running.node.health()).feed.head);
    await waitFor("both feeds read", async () => {
      const seen = v.health().nodes as Array<{ node: string; cursor: string }>;
      return nodes.every(
        (n) => seen.find((s) => s.node === n.signer.address)?.cursor === heads.get(n.signer.address),
      )
        ? true
        : undefined;
    });
    expect(v.store.proofs()).to.have.length(1);
    expect(rows[0].method).to.equal("provePushBadSignature");
    expect(rows[0].target).to.equal(pushProofs);
    expect(rows[0].node).to.equal(faulty.signer.address);
    expect(rows[0].digest).to.equal(item.attestation.digest);
    const tx = await p.provider.getTransaction(rows[0].txHash!);
    expect(tx?.to).to.equal(pushProofs);
    expect((await p.nodeRegistry.nodeOf(faulty.signer.address)).slashCount).to.equal(1n);
    expect((await p.nodeRegistry.nodeOf(honest.signer.address)).slashCount).to.equal(0n);
  });
});
