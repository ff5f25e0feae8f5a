import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Wallet } from "ethers";
import { ValidatorService } from "../../src/validator/service";
import { devAccountKey } from "../../src/validator/config";
import { signerConsent } from "../../src/testing/consent";
import { createWorld } from "./fixtures/world";
import type { World } from "./fixtures/world";

/**
 * `--dry-run`: the fault is found and simulated, and nothing is ever signed or sent. And the endpoint
 * policy: without `allowPrivateEndpoints`, a node registered at a private address gets no request.
 */
describe("validator: dry run, endpoint policy", function () {
  let world: World;
  let validator: ValidatorService | undefined;

  before(async function () {
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
    const v = await ValidatorService.create(
      world.validatorOptions(15, {
        dataDir: world.tmp("validator-dry"),
        dryRun: true,
      }),
    );
    validator = v;
    v.start();
    const p = await world.waitFor("the proof simulated", async () => {
      const [x] = v.store.proofs();
      return x?.state === "simulated" ? x : undefined;
    });
    expect(p.detail).to.match(/dry run/);
    const before = await world.provider.getTransactionCount(new Wallet(devAccountKey(15)).address);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await world.provider.getTransactionCount(new Wallet(devAccountKey(15)).address)).to.equal(before);
    expect(before).to.equal(0);
    expect(v.store.proofs()[0].state).to.equal("simulated");
    expect(await world.slashing.getFunction("isOffenceConsumed")(p.offenceId)).to.equal(false);
  });

  it("outside development chains, fetches nothing from a node registered at a private address", async function () {
    // The dry-run validator (a development chain: private endpoints allowed) would fetch the new node.
    await validator?.stop();
    validator = undefined;
    let requests = 0;
    const server = http.createServer((_req, res) => {
      requests++;
      res.end('{"items": []}');
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const signer = Wallet.createRandom();
    await (
      await world.registry.connect(world.operator).getFunction("registerNode")(
        signer.address,
        2,
        endpoint,
        25_000n * 10n ** 18n,
        await signerConsent(world.registry, signer.connect(world.operator.provider), world.operator),
      )
    ).wait();
    const strict = await ValidatorService.create(
      world.validatorOptions(16, {
        dataDir: world.tmp("validator-strict"),
        dryRun: true,
        nodes: [signer.address],
        allowPrivateEndpoints: false,
        port: 0,
      }),
    );
    try {
      strict.start();
      const refused = await world.waitFor("the endpoint refused", async () => {
        const { nodes } = strict.health() as unknown as {
          nodes: Array<{ node: string; errors: number; lastError: string | null }>;
        };
        const n = nodes.find((x) => x.node === signer.address);
        return n && n.errors >= 2 ? n : undefined;
      });
      expect(refused.lastError).to.match(/127\.0\.0\.1.*not a public address/);
      expect(await (await fetch(`${strict.url}/metrics`)).text()).to.match(
        /validator_feed_errors_total\{kind="endpoint"\} [1-9]/,
      );
      expect(requests).to.equal(0);
    } finally {
      await strict.stop();
      server.close();
    }
  });
});
