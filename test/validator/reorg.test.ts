import { expect } from "chai";
import { ValidatorService } from "../../src/validator/service";
import { createWorld } from "./fixtures/world";
import type { World } from "./fixtures/world";
import { SLASHING_INTERFACE } from "../../src/validator/abi";

/**
 * Reorgs made with evm_snapshot / evm_revert on the hardhat node (the chain goes back, then grows again
 * with other blocks). The validator reads events at 5 confirmations and holds proof outcomes open until
 * that depth:
 * - a proof transaction removed by the reorg is noticed (its receipt is gone) and sent again: one slash on
 *   the final chain;
 * - a key the index had read from a reorged-away block is dropped (detected by block hash), so a message
 *   signed with it is proven UNAUTHORIZED_SENDER instead of being taken as valid.
 */
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

  async function proven(node: string): Promise<Array<{ code: number; tx: string }>> {
    const logs = await world.provider.getLogs({
      address: world.deployment.contracts.Slashing.address,
      fromBlock: world.startBlock,
      toBlock: "latest",
      topics: [
        SLASHING_INTERFACE.getEvent("FaultProven")!.topicHash,
        null,
        "0x" + node.slice(2).toLowerCase().padStart(64, "0"),
      ],
    });
    return logs.map((l) => ({
      code: Number(SLASHING_INTERFACE.parseLog(l)!.args.faultCode),
      tx: l.transactionHash,
    }));
  }

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
    expect(await proven(node.signer.address)).to.have.length(1);

    expect(await world.provider.send("evm_revert", [snapshot])).to.equal(true);
    expect(await proven(node.signer.address), "the reorg removed the slash").to.have.length(0);

    const final = await world.waitFor(
      "the proof final on the new chain",
      async () => {
        const [p] = validator.store.proofs();
        return p?.state === "mined" && p.final ? p : undefined;
      },
      90_000,
    );
    const after = await proven(node.signer.address);
    expect(after).to.have.length(1);
    expect(after[0].tx).to.equal(final.txHash);
    const log = validator.store.proofLog(final.offenceId).map((l) => l.to);
    // The reorg removed the commitment too: committed again, then proven again.
    expect(log).to.include.ordered.members([
      "found",
      "committing",
      "committed",
      "simulated",
      "sent",
      "mined",
      "found",
      "committing",
      "committed",
      "simulated",
      "sent",
      "mined",
    ]);
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
      const x = await proven(node.signer.address);
      return x.length > 0 ? x : undefined;
    });
    expect(p.map((x) => x.code)).to.deep.equal([2]);
  });
});
