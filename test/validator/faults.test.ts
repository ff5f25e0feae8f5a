import { expect } from "chai";
import { ValidatorService } from "../../src/validator/service";
import { PUSH, createWorld, faultsProven } from "./fixtures/world";
import type { PushNodeHandle, World } from "./fixtures/world";
import { SLASHING_INTERFACE } from "../../src/validator/abi";

/**
 * End to end: a real hardhat node with the real contracts, real Push Nodes (one per fault class, started
 * with --accept for it, plus two honest ones) and the validator. Every provable fault is slashed, with the
 * proof mined within the confirmation depth + 2 blocks of the attestation becoming visible; honest traffic
 * never gets a proof sent. Each proof goes by commit-reveal: commitProof mined within the confirmation
 * depth + 2 blocks of the attestation becoming visible, the proof once the commitment is at the
 * confirmation depth, in a later block, rewarding the validator.
 */
describe("validator: end to end, one node per fault class", function () {
  const CONFIRMATIONS = 2;
  let world: World;
  let validator: ValidatorService;

  before(async function () {
    world = await createWorld({ intervalMs: 1000 });
    validator = await ValidatorService.create(
      world.validatorOptions(5, {
        dataDir: world.tmp("validator"),
        confirmations: CONFIRMATIONS,
        port: 0,
      }),
    );
    validator.start();
  });

  after(async function () {
    await validator?.stop();
    await world?.stop();
  });

  it("honest traffic through two nodes: no proof", async function () {
    const [a, b] = [await world.pushNode(), await world.pushNode()];
    const alice = await world.user();
    const bob = await world.user();
    const carol = await world.user(false);
    for (const node of [a, b]) {
      await world.submit(node, await world.compose(alice, bob));
      await world.submit(node, await world.compose(bob, alice));
      await world.submit(node, await world.compose(alice, carol));
    }
    await world.waitFor("both feeds validated", async () => {
      const h = validator.health();
      const nodes = h.nodes as Array<{ node: string; cursor: string }>;
      const done = [a, b].every((n) => nodes.find((x) => x.node === n.signer.address)?.cursor === "3");
      return done ? true : undefined;
    });
    expect(validator.store.proofs()).to.deep.equal([]);
    expect(validator.metrics.validated.get({ outcome: "valid" })).to.be.at.least(6);
  });

  async function expectSlashed(node: PushNodeHandle, code: number, visibleBlock: number): Promise<void> {
    const proven = await world.waitFor(`FaultProven for ${node.signer.address}`, async () => {
      const p = await faultsProven(world, node.signer.address);
      return p.length > 0 ? p : undefined;
    });
    expect(proven).to.have.length(1);
    expect(proven[0].code).to.equal(code);
    expect(proven[0].reporter).to.equal(validator.address);
    const row = validator.store.proofs().find((p) => p.node === node.signer.address)!;
    const commit = await world.provider.getTransactionReceipt(row.commitTxHash!);
    expect(commit!.status).to.equal(1);
    expect(commit!.from).to.equal(validator.address);
    expect(
      SLASHING_INTERFACE.parseTransaction({ data: (await commit!.getTransaction()).data })!.name,
    ).to.equal("commitProof");
    expect(commit!.blockNumber, "committed within confirmations + 2 blocks").to.be.at.most(
      visibleBlock + CONFIRMATIONS + 2,
    );
    expect(proven[0].blockNumber, "proven after the commitment reached the confirmation depth").to.be.within(
      commit!.blockNumber + CONFIRMATIONS,
      commit!.blockNumber + CONFIRMATIONS + 2,
    );
    const [bonded, unbonding] = (await world.registry.getFunction("stakeOf")(
      node.signer.address,
    )) as bigint[];
    expect(bonded + unbonding).to.be.lessThan(25_000n * PUSH);
    await world.waitFor("the proof to be final", async () =>
      validator.store
        .proofs()
        .every((p) => p.node !== node.signer.address || (p.final && p.state === "mined"))
        ? true
        : undefined,
    );
  }

  it("MALFORMED: the node that accepted it is slashed by commit-reveal", async function () {
    const node = await world.pushNode("MALFORMED");
    const alice = await world.user();
    const bob = await world.user(false);
    // contentType 9 is not a content type.
    const { answer, block } = await world.submit(node, await world.compose(alice, bob, { contentType: 9 }));
    expect(answer.acceptedFault).to.equal("MALFORMED");
    await expectSlashed(node, 1, block);
  });

  it("UNAUTHORIZED_SENDER: a sender key never registered for `from`", async function () {
    const node = await world.pushNode("UNAUTHORIZED_SENDER");
    const mallory = await world.user(false);
    const bob = await world.user();
    const { answer, block } = await world.submit(node, await world.compose(mallory, bob));
    expect(answer.acceptedFault).to.equal("UNAUTHORIZED_SENDER");
    await expectSlashed(node, 2, block);
  });

  it("WRONG_ENCRYPTION: content encrypted to a key that is not the recipient's", async function () {
    const node = await world.pushNode("WRONG_ENCRYPTION");
    const alice = await world.user();
    const bob = await world.user();
    const stranger = await world.user(false);
    const e = await world.compose(alice, bob, { encryptTo: stranger.publicKey });
    const { answer, block } = await world.submit(node, e);
    expect(answer.acceptedFault).to.equal("WRONG_ENCRYPTION");
    await expectSlashed(node, 3, block);
  });

  it("BAD_SIGNATURE: a P-256 signature whose arithmetic fails", async function () {
    const node = await world.pushNode("BAD_SIGNATURE");
    const alice = await world.user();
    const bob = await world.user(false);
    const e = await world.compose(alice, bob);
    const sig = Uint8Array.from(e.signature);
    sig[sig.length - 1] ^= 0x01; // last byte of s: profile intact, arithmetic broken
    const { answer, block } = await world.submit(node, { ...e, signature: sig });
    expect(answer.acceptedFault).to.equal("BAD_SIGNATURE");
    await expectSlashed(node, 4, block);
  });

  it("EQUIVOCATION: two attestations with the same sequence", async function () {
    const node = await world.pushNode("EQUIVOCATION");
    const alice = await world.user();
    const bob = await world.user(false);
    const first = await world.submit(node, await world.compose(alice, bob));
    const second = await world.submit(node, await world.compose(alice, bob));
    expect(second.answer.attestation.sequence).to.equal(first.answer.attestation.sequence);
    await expectSlashed(node, 5, second.block);
  });

  it("GET /metrics and GET /health report what happened", async function () {
    const text = await (await fetch(`${validator.url}/metrics`)).text();
    const value = (series: string): number => {
      const line = text.split("\n").find((l) => l.startsWith(series + " "));
      if (line === undefined) throw new Error(`no ${series} in:\n${text}`);
      return Number(line.slice(series.length + 1));
    };
    expect(value('validator_proofs_total{state="sent"}')).to.equal(5);
    expect(value('validator_proofs_total{state="mined"}')).to.equal(5);
    for (const code of [
      "MALFORMED",
      "UNAUTHORIZED_SENDER",
      "WRONG_ENCRYPTION",
      "BAD_SIGNATURE",
      "EQUIVOCATION",
    ])
      expect(value(`validator_faults_found_total{code="${code}",provable="true"}`), code).to.equal(1);
    expect(value('validator_messages_validated_total{outcome="valid"}')).to.be.at.least(6);
    expect(value("validator_head_lag_blocks")).to.be.at.least(CONFIRMATIONS);
    expect(value("validator_nodes_watched")).to.equal(7);
    expect(value("validator_signer_balance_wei")).to.be.greaterThan(0);
    expect(text).to.match(/^validator_feed_cursor\{node="0x[0-9a-fA-F]{40}"\} \d+$/m);
    expect(text).to.match(/^validator_rpc_requests_total \d+$/m);
    const health = await fetch(`${validator.url}/health`);
    expect(health.status).to.equal(200);
    const h = (await health.json()) as { ok: boolean; proofs: Record<string, number>; signer: string };
    expect(h.ok).to.equal(true);
    expect(h.signer).to.equal(validator.address);
    expect(h.proofs.mined).to.equal(5);
    expect(validator.store.commitTransactions()).to.have.length(5);
    expect(validator.store.sentTransactions()).to.have.length(5);
  });
});
