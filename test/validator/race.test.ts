import { expect } from "chai";
import { Wallet } from "ethers";
import { ValidatorService } from "../../src/validator/service";
import { devAccountKey } from "../../src/validator/config";
import { createWorld } from "./fixtures/world";
import type { World } from "./fixtures/world";
import { SLASHING_INTERFACE } from "../../src/validator/abi";

/**
 * Two validators race for the same offence. Automine is off, so both see the offence unconsumed, both
 * commit (each its own commitment, with its own salt), both simulate successfully and both broadcast their
 * proof; the block holds both: one slashes, the other reverts with SlashingOffenceConsumed and its
 * validator records the proof as consumed, never as a failure, and never sends again.
 */
describe("validator: two validators race for one offence", function () {
  let world: World;
  const validators: ValidatorService[] = [];

  before(async function () {
    world = await createWorld({ intervalMs: 1000 });
  });

  after(async function () {
    for (const v of validators) await v.stop();
    await world?.stop();
  });

  it("one slash; the loser records consumed and sends nothing more", async function () {
    const node = await world.pushNode("MALFORMED");
    const alice = await world.user();
    const bob = await world.user(false);
    await world.submit(node, await world.compose(alice, bob, { contentType: 200 }));
    await world.provider.send("evm_setAutomine", [false]);
    const accounts = [7, 8];
    for (const account of accounts) {
      const v = await ValidatorService.create(
        world.validatorOptions(account, {
          dataDir: world.tmp(`validator-${account}`),
          confirmations: 2,
        }),
      );
      validators.push(v);
    }
    for (const v of validators) v.start();
    await world.waitFor("both outcomes final", async () =>
      validators.every((v) => v.store.proofs().length === 1 && v.store.proofs()[0].final) ? true : undefined,
    );
    // A few more blocks: nobody sends anything else.
    const settled = await world.blockNumber();
    await world.waitFor("3 more blocks", async () =>
      (await world.blockNumber()) >= settled + 3 ? true : undefined,
    );

    const logs = await world.provider.getLogs({
      address: world.deployment.contracts.Slashing.address,
      fromBlock: world.startBlock,
      toBlock: "latest",
      topics: [SLASHING_INTERFACE.getEvent("FaultProven")!.topicHash],
    });
    expect(logs, "one slash").to.have.length(1);
    const winner = SLASHING_INTERFACE.parseLog(logs[0])!.args.reporter as string;

    const head = await world.provider.getBlockNumber();
    const sentBy = new Map<string, string[]>();
    for (let b = world.startBlock; b <= head; b++) {
      const block = await world.provider.getBlock(b, true);
      for (const tx of block!.prefetchedTransactions)
        sentBy.set(tx.from, [...(sentBy.get(tx.from) ?? []), tx.hash]);
    }
    for (const [i, v] of validators.entries()) {
      const [row] = v.store.proofs();
      const addr = new Wallet(devAccountKey(accounts[i])).address;
      const txs = sentBy.get(addr) ?? [];
      if (addr === winner) {
        expect(row.state).to.equal("mined");
        expect(txs).to.deep.equal([row.commitTxHash, row.txHash]);
      } else {
        expect(row.state, "the loser records consumed, not a failure").to.equal("consumed");
        const proofs = txs.filter((h) => h !== row.commitTxHash);
        expect(proofs.length, "the loser never retries").to.be.at.most(1);
        for (const h of proofs) expect((await world.provider.getTransactionReceipt(h))!.status).to.equal(0);
        expect(v.metrics.proofs.get({ state: "rejected" })).to.equal(0);
      }
    }
    // Both sent: the contested path was really taken.
    expect([...sentBy.entries()].filter(([a]) => validators.some((v) => v.address === a)).length).to.equal(2);
  });
});
