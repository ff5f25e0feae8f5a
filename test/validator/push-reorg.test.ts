import { expect } from "chai";
import type { Contract } from "ethers";
import { ValidatorService } from "../../src/validator/service";
import { PUSH_PROOFS_INTERFACE } from "../../src/validator/abi";
import { PROOF_PASS, createWorld } from "./fixtures/world";
import type { World } from "./fixtures/world";
import { addForgedPush, faultsProven, registerFeedNode, setupPush } from "./fixtures/push-feed";
import type { PushFeed, PushSetup } from "./fixtures/push-feed";
import profilesJson from "../fixtures/push/profiles.json";

/**
 * The reorg guarantees of test/validator/reorg.test.ts for Push feed items (reorgs made with evm_snapshot /
 * evm_revert; the validator reads at 5 confirmations):
 * - a PushProofs transaction removed by a reorg is sent again (the commitment, gone with it, is sent again
 *   first): one slash, one proof to PushProofs on the final chain;
 * - a sender key the index read from reorged-away blocks is dropped: the Push message the validator had taken
 *   as valid under it is validated again and proven UNAUTHORIZED_SENDER through PushProofs, and so is one
 *   served after the reorg.
 * Every SDK vector is signed by alice: her key is left unregistered at set-up, the key test registers it in the
 * blocks it reorgs away, and the proof test registers it for good (so the key test runs first).
 */
describe("validator: reorgs of Push items (evm_snapshot / evm_revert)", function () {
  const CONFIRMATIONS = 5;
  const alice = profilesJson.profiles.find((p) => p.name === "alice")!;
  let world: World;
  let push: PushSetup;
  let validator: ValidatorService;
  const feeds: PushFeed[] = [];

  before(async function () {
    world = await createWorld({ intervalMs: 500 });
    push = await setupPush(world, { skipKeys: ["alice"] });
    feeds.push(push.feed);
    validator = await ValidatorService.create(
      world.validatorOptions(9, {
        dataDir: world.tmp("validator-push-reorg"),
        confirmations: CONFIRMATIONS,
        pushProofs: push.pushProofs,
      }),
    );
    validator.start();
  });

  after(async function () {
    await validator?.stop();
    for (const f of feeds) await f.close();
    await world?.stop();
  });

  async function slashCount(node: string): Promise<bigint> {
    return ((await (world.registry as Contract).getFunction("nodeOf")(node)) as { slashCount: bigint })
      .slashCount;
  }

  /** The PushProofs function a transaction called (and that it was sent to PushProofs). */
  async function pushProofsCall(tx: string): Promise<string> {
    const t = await world.provider.getTransaction(tx);
    expect(t?.to, `${tx} is sent to PushProofs`).to.equal(push.pushProofs);
    return PUSH_PROOFS_INTERFACE.parseTransaction({ data: t!.data })!.name;
  }

  async function aliceKeyActive(): Promise<boolean> {
    return ((await world.keys.getFunction("activeKeyCount")(alice.address)) as bigint) > 0n;
  }

  it("a sender key read from reorged-away blocks is dropped: Push messages signed with it are proven unauthorized", async function () {
    expect(await aliceKeyActive(), "alice's key is not registered yet").to.equal(false);
    const { node, feed } = await registerFeedNode(world);
    feeds.push(feed);
    const snapshot = (await world.provider.send("evm_snapshot", [])) as string;
    await push.addKey("alice");
    await world.waitFor("the validator indexes alice's key", async () =>
      validator.index.keyRecord(alice.address, alice.keyHash) ? true : undefined,
    );
    // Taken as valid under the key (read at the confirmation depth).
    const before = await push.struct("pgpv3-plaintext-ascii");
    const first = await feed.addPush(before.m, before.signature, { body: before.body });
    await world.waitFor("the validator reads the message", async () =>
      (validator.health().nodes as Array<{ node: string; cursor: string }>).find(
        (n) => n.node === node.address,
      )?.cursor === "1"
        ? true
        : undefined,
    );
    expect(validator.store.attestationsAt(node.address, 1n).map((a) => a.verdict)).to.deep.equal(["valid"]);
    expect(validator.store.proofs().filter((p) => p.node === node.address)).to.deep.equal([]);

    expect(await world.provider.send("evm_revert", [snapshot])).to.equal(true);
    expect(await aliceKeyActive(), "the reorg removed alice's key").to.equal(false);
    await world.waitFor(
      "the validator drops alice's key",
      async () => (validator.index.keyRecord(alice.address, alice.keyHash) ? undefined : true),
      60_000,
    );
    expect(validator.index.stats().reorgs).to.be.greaterThan(0);
    const after = await push.struct("pgpv2-plaintext-ascii");
    // The chain's time went back with the revert; the node's clock did not: attestedAt stays monotonic (else
    // the pair is a genuine EQUIVOCATION of the node, attestedAt going back).
    const t = before.m.header.timestamp;
    const second = await feed.addPush(after.m, after.signature, {
      body: after.body,
      attestedAt: after.m.header.timestamp > t ? after.m.header.timestamp : t,
    });

    const proven = await world.waitFor(
      "both messages proven",
      async () => {
        const x = await faultsProven(world, node.address);
        return x.length >= 2 ? x : undefined;
      },
      60_000,
    );
    expect(proven.map((x) => x.code)).to.deep.equal([2, 2]); // UNAUTHORIZED_SENDER
    expect(proven.map((x) => x.digest).sort()).to.deep.equal(
      [first.attestation.digest, second.attestation.digest].sort(),
    );
    for (const x of proven) expect(await pushProofsCall(x.tx)).to.equal("provePushUnauthorizedSender");
    const rows = validator.store.proofs().filter((p) => p.node === node.address);
    expect(rows.map((r) => [r.faultCode, r.method])).to.deep.equal([
      ["UNAUTHORIZED_SENDER", "provePushUnauthorizedSender"],
      ["UNAUTHORIZED_SENDER", "provePushUnauthorizedSender"],
    ]);
    expect(await slashCount(node.address)).to.equal(2n);
  });

  it("a PushProofs transaction removed by a reorg is sent again; one slash, one proof on the final chain", async function () {
    if (!(await aliceKeyActive())) await push.addKey("alice");
    const { node, feed } = await registerFeedNode(world);
    feeds.push(feed);
    const snapshot = (await world.provider.send("evm_snapshot", [])) as string;
    const item = await addForgedPush(push, feed);
    const mine = () => validator.store.proofs().filter((p) => p.node === node.address);
    const first = await world.waitFor("the Push proof mined", async () => {
      const [p] = mine();
      return p?.state === "mined" ? p : undefined;
    });
    expect(first.final).to.equal(false);
    expect([first.faultCode, first.method, first.target]).to.deep.equal([
      "BAD_SIGNATURE",
      "provePushBadSignature",
      push.pushProofs,
    ]);
    expect(await faultsProven(world, node.address)).to.have.length(1);
    expect(await slashCount(node.address)).to.equal(1n);

    expect(await world.provider.send("evm_revert", [snapshot])).to.equal(true);
    expect(await faultsProven(world, node.address), "the reorg removed the slash").to.have.length(0);
    expect(await slashCount(node.address)).to.equal(0n);

    const final = await world.waitFor(
      "the Push proof final on the new chain",
      async () => {
        const [p] = mine();
        return p?.state === "mined" && p.final ? p : undefined;
      },
      90_000,
    );
    expect(mine()).to.have.length(1);
    expect(final.offenceId).to.equal(first.offenceId);
    const proven = await faultsProven(world, node.address);
    expect(proven.map((x) => [x.code, x.digest, x.tx])).to.deep.equal([
      [4, item.attestation.digest, final.txHash], // BAD_SIGNATURE
    ]);
    expect(await pushProofsCall(final.txHash!)).to.equal("provePushBadSignature");
    expect(await slashCount(node.address)).to.equal(1n);
    // The reorg removed the commitment too: committed again, then proven again.
    expect(validator.store.proofLog(final.offenceId).map((l) => l.to)).to.include.ordered.members([
      ...PROOF_PASS,
      ...PROOF_PASS,
    ]);
  });
});
