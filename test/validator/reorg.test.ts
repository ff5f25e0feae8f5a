import { expect } from "chai";
import { ValidatorService } from "../../src/validator/service";
import { PROOF_PASS, createWorld, faultsProven } from "./fixtures/world";
import type { World } from "./fixtures/world";

/**
 * Reorgs made with evm_snapshot / evm_revert on the hardhat node (the chain goes back, then grows again
 * with other blocks). The validator reads events at 5 confirmations and holds proof outcomes open until
 * that depth:
 * - a proof transaction removed by the reorg is noticed (its receipt is gone) and sent again: one slash on
 *   the final chain;
 * - a key the index had read from a reorged-away block is dropped (detected by block hash), so a message
 *   signed with it is proven UNAUTHORIZED_SENDER instead of being taken as valid.
 */
/** The fault codes and transactions proven against `node`. */
async function provenCodes(world: World, node: string): Promise<Array<{ code: number; tx: string }>> {
  return (await faultsProven(world, node)).map((x) => ({ code: x.code, tx: x.tx }));
}

describe("validator: reorgs (evm_snapshot / evm_revert)", function () {
  const CONFIRMATIONS = 5;
  let world: World;
  let validator: ValidatorService;

  before(async function () {
    world = await createWorld({ intervalMs: 500 });
    validator = await ValidatorService.create(
      world.validatorOptions(9, {
        dataDir: world.tmp("validator-reorg"),
        confirmations: CONFIRMATIONS,
      }),
    );
    validator.start();
  });

  after(async function () {
    await validator?.stop();
    await world?.stop();
  });

  it("a proof transaction removed by a reorg is sent again; one slash on the final chain", async function () {
    const node = await world.pushNode("MALFORMED");
    const alice = await world.user();
    const bob = await world.user(false);
    const snapshot = (await world.provider.send("evm_snapshot", [])) as string;
    await world.submit(node, await world.compose(alice, bob, { contentType: 42 }));
    const first = await world.waitFor("the proof mined", async () => {
      const [p] = validator.store.proofs();
      return p?.state === "mined" ? p : undefined;
    });
    expect(first.final).to.equal(false);
    expect(await provenCodes(world, node.signer.address)).to.have.length(1);

    expect(await world.provider.send("evm_revert", [snapshot])).to.equal(true);
    expect(await provenCodes(world, node.signer.address), "the reorg removed the slash").to.have.length(0);

    const final = await world.waitFor(
      "the proof final on the new chain",
      async () => {
        const [p] = validator.store.proofs();
        return p?.state === "mined" && p.final ? p : undefined;
      },
      90_000,
    );
    const after = await provenCodes(world, node.signer.address);
    expect(after).to.have.length(1);
    expect(after[0].tx).to.equal(final.txHash);
    const log = validator.store.proofLog(final.offenceId).map((l) => l.to);
    // The reorg removed the commitment too: committed again, then proven again.
    expect(log).to.include.ordered.members([...PROOF_PASS, ...PROOF_PASS]);
  });

  it("a key read from reorged-away blocks is dropped: a message signed with it is proven unauthorized", async function () {
    const node = await world.pushNode("UNAUTHORIZED_SENDER");
    const carol = await world.user(false);
    const dave = await world.user(false);
    const snapshot = (await world.provider.send("evm_snapshot", [])) as string;
    await (await world.keys.connect(carol.wallet).getFunction("addKey")(carol.publicKey)).wait();
    await world.waitFor("the validator indexes carol's key", async () =>
      validator.index.keyRecord(carol.address, carol.keyHash) ? true : undefined,
    );
    expect(await world.provider.send("evm_revert", [snapshot])).to.equal(true);
    await world.waitFor(
      "the validator drops carol's key",
      async () => (validator.index.keyRecord(carol.address, carol.keyHash) ? undefined : true),
      60_000,
    );
    expect(validator.index.stats().reorgs).to.be.greaterThan(0);
    const { answer } = await world.submit(node, await world.compose(carol, dave));
    expect(answer.acceptedFault).to.equal("UNAUTHORIZED_SENDER");
    const p = await world.waitFor("FaultProven", async () => {
      const x = await provenCodes(world, node.signer.address);
      return x.length > 0 ? x : undefined;
    });
    expect(p.map((x) => x.code)).to.deep.equal([2]);
  });
});
