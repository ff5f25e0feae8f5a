import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import type { Wallet } from "ethers";
import { pushProofCall } from "../../src/slashing/push-proof-file";
import { PUSH_PROOFS_INTERFACE, SLASHING_INTERFACE } from "../../src/validator/abi";
import { exportProofs } from "../../src/validator/proof-export";
import { ValidatorService } from "../../src/validator/service";
import { createWorld } from "./fixtures/world";
import type { World } from "./fixtures/world";
import { registerFeedNode, setupPush } from "./fixtures/push-feed";
import type { PushFeed, PushSetup } from "./fixtures/push-feed";

/**
 * The validator on Push feed items (PushFeedItemJson, src/node/api.ts), end to end on a real hardhat node: a
 * node whose feed (served over HTTP from items attested in the test with the node's key) carries an honest Push
 * message, a forged one (the SDK's signature over a twin) and, at a later position, a second attestation with
 * sequence 1. The forged message is proven once through PushProofs (commit-reveal), the honest one never; the
 * reused sequence is an EQUIVOCATION across Push items; validator:export writes the Push proof file that
 * fault:prove reads back into the very calldata the validator sent.
 */
describe("validator: Push feed items", function () {
  let world: World;
  let validator: ValidatorService;
  let feed: PushFeed;
  let pushProofs: string;
  let node: Wallet;
  let struct: PushSetup["struct"];

  before(async function () {
    world = await createWorld({ intervalMs: 500 });
    ({ pushProofs, node, feed, struct } = await setupPush(world));
  });

  after(async function () {
    await validator?.stop();
    await feed?.close();
    await world?.stop();
  });

  it("proves a forged Push item once through PushProofs, never the honest one; a reused sequence is EQUIVOCATION; export round-trips", async function () {
    const honest = await struct("pgpv3-pgp-ascii");
    await feed.addPush(honest.m, honest.signature, { body: honest.body });
    const forged = await struct("pgpv3-pgp-ascii", { messageType: "Image" });
    await feed.addPush(forged.m, forged.signature);
    const reused = await struct("pgpv3-plaintext-ascii");
    await feed.addPush(reused.m, reused.signature, { sequence: 1n });

    validator = await ValidatorService.create(world.validatorOptions(5, { pushProofs }));
    validator.start();
    await world.waitFor(
      "both proofs mined",
      async () => {
        const rows = validator.store.proofs();
        return rows.length === 2 && rows.every((r) => r.state === "mined") ? true : undefined;
      },
      120_000,
    );
    const rows = validator.store.proofs();
    const bad = rows.find((r) => r.faultCode === "BAD_SIGNATURE")!;
    const eq = rows.find((r) => r.faultCode === "EQUIVOCATION")!;
    expect(bad.method).to.equal("provePushBadSignature");
    expect(bad.target).to.equal(pushProofs);
    expect(eq.method).to.equal("proveEquivocation");
    expect(eq.target).to.equal(null);
    expect(eq.sequence).to.equal(1n);
    expect((validator.health().nodes as Array<{ cursor: string }>)[0].cursor).to.equal("3");

    // On chain: one BAD_SIGNATURE for the forged digest (none for the honest one), through PushProofs.
    const logs = await world.provider.getLogs({
      address: await world.slashing.getAddress(),
      fromBlock: world.startBlock,
      toBlock: "latest",
      topics: [
        SLASHING_INTERFACE.getEvent("FaultProven")!.topicHash,
        null,
        "0x" + node.address.slice(2).toLowerCase().padStart(64, "0"),
      ],
    });
    const proven = logs.map((l) => SLASHING_INTERFACE.parseLog(l)!.args);
    expect(proven.map((a) => Number(a.faultCode)).sort()).to.deep.equal([4, 5]);
    const badEvent = proven.find((a) => Number(a.faultCode) === 4)!;
    expect(badEvent.digest).to.equal(
      feed.items[1] && (feed.items[1] as { attestation: { digest: string } }).attestation.digest,
    );
    expect(badEvent.reporter).to.equal(validator.address);
    const tx = await world.provider.getTransaction(bad.txHash!);
    expect(tx?.to).to.equal(pushProofs);
    expect(validator.store.sentTransactions()).to.have.length(2);

    // validator:export writes the Push proof file; fault:prove's reading of it (with the validator's claim) is the
    // calldata the validator sent.
    const out = world.tmp("export");
    const written = exportProofs(validator.opts.dataDir, out, { includeProven: true });
    const file = written.find((w) => "format" in w.proof && w.proof.format === "push")!;
    expect(path.basename(file.file)).to.match(/^push-bad-signature-0x[0-9a-fA-F]{40}-[0-9a-f]{8}\.json$/);
    const json = JSON.parse(fs.readFileSync(file.file, "utf8")) as unknown;
    const limits = { maxContentSize: 65536n, maxClockSkew: 900n };
    const call = pushProofCall(
      json,
      { chainId: world.chainId, verifyingContract: await world.slashing.getAddress() },
      { reporter: bad.reporter, salt: bad.salt },
      limits,
    );
    expect(call.node).to.equal(node.address);
    expect(call.offenceId).to.equal(bad.offenceId);
    expect(PUSH_PROOFS_INTERFACE.encodeFunctionData(call.method, call.args)).to.equal(bad.data);
  });

  it("a second validator finds the same Push fault consumed and sends nothing; a restart on the same data directory sends nothing again", async function () {
    const second = await ValidatorService.create(world.validatorOptions(6, { pushProofs }));
    try {
      second.start();
      await world.waitFor(
        "the second validator to settle both proofs",
        async () => {
          const rows = second.store.proofs();
          return rows.length === 2 && rows.every((r) => r.state === "consumed") ? true : undefined;
        },
        120_000,
      );
      expect(second.store.sentTransactions()).to.deep.equal([]);
      expect(second.store.commitTransactions()).to.deep.equal([]);
    } finally {
      await second.stop();
    }
    const dataDir = validator.opts.dataDir;
    const sentBefore = validator.store.sentTransactions();
    await validator.stop();
    validator = await ValidatorService.create(world.validatorOptions(5, { pushProofs, dataDir }));
    validator.start();
    await world.waitFor("a proof pass after the restart", async () =>
      validator.health().proofs && (await world.blockNumber()) > 0 ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(validator.store.sentTransactions()).to.deep.equal(sentBefore);
    expect(validator.store.proofs().map((r) => r.state)).to.deep.equal(["mined", "mined"]);
  });

  it("without a PushProofs contract, a Push fault is an unprovable-fault anomaly and nothing goes to PushProofs", async function () {
    const blind = await ValidatorService.create(world.validatorOptions(8));
    try {
      blind.start();
      await world.waitFor("the feed read", async () =>
        (blind.health().nodes as Array<{ cursor: string }>)[0]?.cursor === "3" ? true : undefined,
      );
      expect(blind.store.proofs().map((r) => r.faultCode)).to.deep.equal(["EQUIVOCATION"]);
      const unprovable = blind.store.anomalies().filter((a) => a.kind === "unprovable-fault");
      expect(unprovable.map((a) => a.detail)).to.have.length(1);
      expect(unprovable[0].detail).to.match(
        /^BAD_SIGNATURE \(SIGNED_HASH_MISMATCH\) of a Push message: .*no PushProofs contract is configured$/,
      );
    } finally {
      await blind.stop();
    }
  });

  it("one sequence for envelopes and Push items: a Push item reusing an envelope's sequence is EQUIVOCATION", async function () {
    const { node: mixed, feed: mixedFeed } = await registerFeedNode(world);
    try {
      const [a, b] = [await world.user(), await world.user()];
      await mixedFeed.addEnvelope(await world.compose(a, b));
      const honest = await struct("pgpv2-pgp-ascii");
      await mixedFeed.addPush(honest.m, honest.signature, { sequence: 1n });
      const v = await ValidatorService.create(
        world.validatorOptions(9, { pushProofs, nodes: [mixed.address] }),
      );
      try {
        v.start();
        await world.waitFor("the equivocation proven", async () => {
          const rows = v.store.proofs();
          // The first test's validator watches every node too: either may win the race.
          return rows.length === 1 && ["mined", "consumed"].includes(rows[0].state) ? rows : undefined;
        });
        const [row] = v.store.proofs();
        expect([row.faultCode, row.sequence, row.node]).to.deep.equal(["EQUIVOCATION", 1n, mixed.address]);
        expect(v.store.attestationsAt(mixed.address, 1n)).to.have.length(2);
      } finally {
        await v.stop();
      }
    } finally {
      await mixedFeed.close();
    }
  });
});
