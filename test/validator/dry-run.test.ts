import { expect } from "chai";
import { Wallet } from "ethers";
import { ValidatorService } from "../../src/validator/service";
import { devAccountKey } from "../../src/validator/config";
import { createWorld, missingContracts } from "./fixtures/world";
import type { World } from "./fixtures/world";

/** `--dry-run`: the fault is found and simulated, and nothing is ever signed or sent. */
describe("validator: dry run", function () {
  let world: World;
  let validator: ValidatorService;

  before(async function () {
    const missing = await missingContracts();
    if (missing.length > 0) {
      console.log(`      (skipped: contracts not in this checkout yet: ${missing.join(", ")})`);
      this.skip();
    }
    world = await createWorld();
  });

  after(async function () {
    await validator?.stop();
    await world?.stop();
  });

  it("simulates the proof and sends nothing", async function () {
    const node = await world.pushNode("MALFORMED");
    const alice = await world.user();
    const bob = await world.user(false);
    await world.submit(node, await world.compose(alice, bob, { contentType: 5 }));
    validator = await ValidatorService.create({
      rpcUrls: [world.chain.url],
      chainId: world.chainId,
      slashing: world.deployment.contracts.Slashing.address,
      keyRegistry: world.deployment.contracts.KeyRegistry.address,
      nodeRegistry: world.deployment.contracts.NodeRegistry.address,
      startBlock: world.startBlock,
      privateKey: devAccountKey(15),
      dataDir: world.tmp("validator-dry"),
      confirmations: 0,
      feedIntervalMs: 100,
      indexIntervalMs: 100,
      proofIntervalMs: 100,
      workers: 0,
      dryRun: true,
    });
    validator.start();
    const p = await world.waitFor("the proof simulated", async () => {
      const [x] = validator.store.proofs();
      return x?.state === "simulated" ? x : undefined;
    });
    expect(p.detail).to.match(/dry run/);
    const before = await world.provider.getTransactionCount(new Wallet(devAccountKey(15)).address);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await world.provider.getTransactionCount(new Wallet(devAccountKey(15)).address)).to.equal(before);
    expect(before).to.equal(0);
    expect(validator.store.proofs()[0].state).to.equal("simulated");
    expect(await world.slashing.getFunction("isOffenceConsumed")(p.offenceId)).to.equal(false);
  });
});
