import { expect } from "chai";
import { Wallet, getAddress } from "ethers";
import { devAccountKey } from "../../src/validator/config";
import { ValidatorStore } from "../../src/validator/store";
import { VALIDATOR_DB_FILE } from "../../src/validator/service";
import { createWorld } from "./fixtures/world";
import type { World } from "./fixtures/world";
import { startValidatorChild } from "./fixtures/child";
import type { ValidatorChild } from "./fixtures/child";
import { SLASHING_INTERFACE } from "../../src/validator/abi";

/**
 * The validator as a child process (`npx hardhat validator:run --network localhost`), killed with SIGKILL
 * at the most delicate points of commit-reveal (right after a page's proofs and their salts committed to
 * SQLite; after a signed commitProof was persisted but before it was broadcast; after that broadcast;
 * between the commitment's receipt and the proof; after a signed proof was persisted but before it was
 * broadcast; after the broadcast before the receipt) and at an arbitrary moment, then restarted on the same
 * data directory. Every fault is still proven exactly once with the validator as reporter (the reward is
 * not lost), and the validator's account sent exactly two transactions per offence, one commitment and
 * one proof, all successful: a restart never commits twice.
 */
describe("validator: SIGKILL mid-run and restart (child process)", function () {
  let world: World;
  const ACCOUNT = 6;
  const validatorAddress = new Wallet(devAccountKey(ACCOUNT)).address;

  before(async function () {
    world = await createWorld({ intervalMs: 500 });
  });

  after(async function () {
    await world?.stop();
  });

  it("proves every fault once, with one commitment and one proof per offence, across eight SIGKILLs", async function () {
    // Faults first: a slashed node is jailed and attests nothing more.
    const malformed = await world.pushNode("MALFORMED");
    const badSig = await world.pushNode("BAD_SIGNATURE");
    const equivocating = await world.pushNode("EQUIVOCATION");
    const alice = await world.user();
    const bob = await world.user(false);
    for (let i = 0; i < 3; i++)
      await world.submit(malformed, await world.compose(alice, bob, { contentType: 7 + i }));
    for (let i = 0; i < 2; i++) {
      const e = await world.compose(alice, bob);
      const sig = Uint8Array.from(e.signature);
      sig[sig.length - 1] ^= 0x01;
      await world.submit(badSig, { ...e, signature: sig });
    }
    for (let i = 0; i < 4; i++) await world.submit(equivocating, await world.compose(alice, bob)); // sequences 1,1,2,2
    const expectedOffences = 3 + 2 + 2;

    const dataDir = world.tmp("validator-child");
    const args = [
      "--deployment",
      world.deploymentFile,
      "--account",
      String(ACCOUNT),
      "--data-dir",
      dataDir,
      "--confirmations",
      "2",
      "--port",
      "0",
      "--feed-interval",
      "100",
      "--index-interval",
      "100",
      "--proof-interval",
      "100",
      "--page-size",
      "2",
      "--workers",
      "1",
    ];
    const env = { LOCALHOST_RPC_URL: world.chain.url, LOG_LEVEL: "info" };
    const runs: ValidatorChild[] = [];
    const run = (crash?: string): ValidatorChild => {
      const c = startValidatorChild(args, crash ? { ...env, VALIDATOR_TEST_CRASH: crash } : env);
      runs.push(c);
      return c;
    };

    // 1: dies right after committing the first page that found proofs, before sending anything.
    let c = run("page-committed:1");
    expect((await c.exited).signal).to.equal("SIGKILL");
    expect(c.output()).to.match(/SIGKILL at page-committed/);
    const killedAt = async (crash: string) => {
      const child = run(crash);
      expect((await child.exited).signal).to.equal("SIGKILL");
      expect(child.output()).to.include(`SIGKILL at ${crash.split(":")[0]}`);
    };
    // 2: dies after persisting its first signed commitProof, before broadcasting it.
    await killedAt("commit-persisted:1");
    // 3: re-broadcasts that very commitment, then dies after broadcasting its second one.
    await killedAt("commit-broadcast:2");
    expect(runs[2].output(), "run 3 re-broadcasts the commitment run 2 persisted").to.match(
      /re-broadcasting the same signed commitment/,
    );
    // 4: dies between a commitment's receipt and its proof.
    await killedAt("committed:1");
    // 5: dies after persisting its second signed proof, before broadcasting it.
    await killedAt("sent-persisted:2");
    // 6: dies after its second proof broadcast, before the receipt.
    await killedAt("broadcast:2");
    expect(runs[5].output(), "run 6 re-broadcasts the proof run 5 persisted").to.match(
      /re-broadcasting the same signed transaction/,
    );
    // 7: killed from outside as soon as it sends something.
    c = run();
    await c.waitForLine(/"msg":"(proof sent|commitment sent|re-broadcasting)/);
    c.kill("SIGKILL");
    expect((await c.exited).signal).to.equal("SIGKILL");
    // 8: runs to the end.
    c = run();
    await world.waitFor(
      "every offence proven",
      async () => {
        const logs = await world.provider.getLogs({
          address: world.deployment.contracts.Slashing.address,
          fromBlock: world.startBlock,
          toBlock: "latest",
          topics: [SLASHING_INTERFACE.getEvent("FaultProven")!.topicHash],
        });
        return logs.length >= expectedOffences ? logs : undefined;
      },
      180_000,
    );
    // Let it settle (finality at 2 confirmations), then stop it gracefully.
    await world.waitFor(
      "every proof final",
      async () => {
        const s = ValidatorStore.open(dataDir, VALIDATOR_DB_FILE);
        try {
          const p = s.proofs();
          return p.length === expectedOffences && p.every((x) => x.final) ? p : undefined;
        } finally {
          s.close();
        }
      },
      60_000,
    );
    c.kill("SIGTERM");
    expect((await c.exited).code).to.equal(0);

    const logs = await world.provider.getLogs({
      address: world.deployment.contracts.Slashing.address,
      fromBlock: world.startBlock,
      toBlock: "latest",
      topics: [SLASHING_INTERFACE.getEvent("FaultProven")!.topicHash],
    });
    const proven = logs.map((l) => SLASHING_INTERFACE.parseLog(l)!);
    expect(proven).to.have.length(expectedOffences);
    expect(new Set(proven.map((p) => p.args.offenceId as string)).size).to.equal(expectedOffences);
    for (const p of proven) expect(getAddress(p.args.reporter as string)).to.equal(validatorAddress);
    const byCode = (code: number) => proven.filter((p) => Number(p.args.faultCode) === code).length;
    expect([byCode(1), byCode(4), byCode(5)]).to.deep.equal([3, 2, 2]);

    // Every transaction the validator's account ever sent: a commitment and a proof per offence, all
    // successful, each proof in a later block than its commitment.
    const head = await world.provider.getBlockNumber();
    const commits: string[] = [];
    const sent: string[] = [];
    for (let b = world.startBlock; b <= head; b++) {
      const block = await world.provider.getBlock(b, true);
      for (const tx of block!.prefetchedTransactions) {
        if (tx.from !== validatorAddress) continue;
        const name = SLASHING_INTERFACE.parseTransaction({ data: tx.data })!.name;
        (name === "commitProof" ? commits : sent).push(tx.hash);
      }
    }
    expect(commits, "one commitment per offence").to.have.length(expectedOffences);
    expect(sent, "one proof per offence").to.have.length(expectedOffences);
    for (const h of [...commits, ...sent])
      expect((await world.provider.getTransactionReceipt(h))!.status).to.equal(1);

    const s = ValidatorStore.open(dataDir, VALIDATOR_DB_FILE);
    try {
      const rows = s.proofs();
      expect(rows.map((r) => r.state)).to.deep.equal(Array(expectedOffences).fill("mined"));
      expect(new Set(rows.map((r) => r.txHash))).to.deep.equal(new Set(sent));
      expect(new Set(rows.map((r) => r.commitTxHash))).to.deep.equal(new Set(commits));
      for (const r of rows)
        expect(r.commitBlockNumber!, "proof after its commitment").to.be.lessThan(r.blockNumber!);
      // The killed runs left traces: re-broadcasts of persisted transactions (same hash), never new ones.
      expect(s.commitTransactions().sort()).to.deep.equal([...commits].sort());
      expect(s.sentTransactions().sort()).to.deep.equal([...sent].sort());
    } finally {
      s.close();
    }
  });
});
