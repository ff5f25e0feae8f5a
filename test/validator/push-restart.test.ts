import { expect } from "chai";
import { Wallet, getAddress } from "ethers";
import { writeDeployment } from "../../src/deployments";
import { devAccountKey } from "../../src/validator/config";
import { ValidatorStore } from "../../src/validator/store";
import { VALIDATOR_DB_FILE } from "../../src/validator/service";
import { PUSH_PROOFS_INTERFACE, SLASHING_INTERFACE } from "../../src/validator/abi";
import { createWorld } from "./fixtures/world";
import type { World } from "./fixtures/world";
import { setupPush } from "./fixtures/push-feed";
import { startValidatorChild } from "./fixtures/child";
import type { ValidatorChild } from "./fixtures/child";

/**
 * Push proofs across SIGKILLs: `validator:run` (a child process, PushProofs read from the deployment file) is killed
 * after persisting its first commitment, after persisting its first signed PushProofs transaction, and after
 * broadcasting it; the last run finishes. Each forged Push message is slashed once, by one commitment and one
 * proof sent to PushProofs, all successful.
 */
describe("validator: Push proofs across SIGKILL and restart (child process)", function () {
  let world: World;
  const ACCOUNT = 7;
  const validatorAddress = new Wallet(devAccountKey(ACCOUNT)).address;

  before(async function () {
    world = await createWorld({ intervalMs: 500 });
  });

  after(async function () {
    await world?.stop();
  });

  it("proves two forged Push messages once each, with one commitment and one proof per offence, across three SIGKILLs", async function () {
    const push = await setupPush(world);
    const twin = await push.struct("pgpv3-pgp-ascii", { messageType: "Image" });
    await push.feed.addPush(twin.m, twin.signature);
    const meta = await push.struct("pgpv2-plaintext-ascii", { messageType: "Meta" });
    await push.feed.addPush(meta.m, meta.signature);
    const deploymentFile = writeDeployment(
      {
        ...world.deployment,
        contracts: { ...world.deployment.contracts, PushProofs: { address: push.pushProofs } },
      },
      world.tmp("push-deployment"),
    );
    const dataDir = world.tmp("validator-push-child");
    const args = [
      ...["--deployment", deploymentFile, "--account", String(ACCOUNT), "--data-dir", dataDir],
      ...["--confirmations", "2", "--port", "0", "--workers", "1", "--page-size", "1"],
      ...["--feed-interval", "100", "--index-interval", "100", "--proof-interval", "100"],
    ];
    const env = { LOCALHOST_RPC_URL: world.chain.url, LOG_LEVEL: "info" };
    const runs: ValidatorChild[] = [];
    const killedAt = async (crash: string) => {
      const child = startValidatorChild(args, { ...env, VALIDATOR_TEST_CRASH: crash });
      runs.push(child);
      expect((await child.exited).signal).to.equal("SIGKILL");
      expect(child.output()).to.include(`SIGKILL at ${crash.split(":")[0]}`);
    };
    await killedAt("commit-persisted:1");
    await killedAt("sent-persisted:1");
    await killedAt("broadcast:1");
    expect(runs[2].output(), "run 3 re-broadcasts the proof run 2 persisted").to.match(
      /re-broadcasting the same signed transaction/,
    );
    const last = startValidatorChild(args, env);
    await world.waitFor(
      "every proof final",
      async () => {
        const s = ValidatorStore.open(dataDir, VALIDATOR_DB_FILE);
        try {
          const p = s.proofs();
          return p.length === 2 && p.every((x) => x.final && x.state === "mined") ? p : undefined;
        } finally {
          s.close();
        }
      },
      180_000,
    );
    last.kill("SIGTERM");
    expect((await last.exited).code).to.equal(0);

    const logs = await world.provider.getLogs({
      address: world.deployment.contracts.Slashing.address,
      fromBlock: world.startBlock,
      toBlock: "latest",
      topics: [SLASHING_INTERFACE.getEvent("FaultProven")!.topicHash],
    });
    const proven = logs.map((l) => SLASHING_INTERFACE.parseLog(l)!);
    expect(proven.map((p) => Number(p.args.faultCode)).sort()).to.deep.equal([1, 4]);
    for (const p of proven) expect(getAddress(p.args.reporter as string)).to.equal(validatorAddress);

    // Every transaction of the validator's account: one commitment (to Slashing) and one proof (to PushProofs)
    // per offence, all successful.
    const head = await world.provider.getBlockNumber();
    const commits: string[] = [];
    const proofs: string[] = [];
    for (let b = world.startBlock; b <= head; b++) {
      const block = await world.provider.getBlock(b, true);
      for (const tx of block!.prefetchedTransactions) {
        if (tx.from !== validatorAddress) continue;
        if (tx.to === push.pushProofs) {
          expect(PUSH_PROOFS_INTERFACE.parseTransaction({ data: tx.data })!.name).to.match(/^provePush/);
          proofs.push(tx.hash);
        } else {
          expect(SLASHING_INTERFACE.parseTransaction({ data: tx.data })!.name).to.equal("commitProof");
          commits.push(tx.hash);
        }
      }
    }
    expect(commits, "one commitment per offence").to.have.length(2);
    expect(proofs, "one proof per offence").to.have.length(2);
    for (const h of [...commits, ...proofs])
      expect((await world.provider.getTransactionReceipt(h))!.status).to.equal(1);
  });
});
