import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startHardhatNode } from "../../src/testing/hardhat-node";
import type { HardhatNode } from "../../src/testing/hardhat-node";
import { writeDeployment } from "../../src/deployments";
import { startValidatorChild } from "./fixtures/child";

/** `validator:run` refuses to start, with one sentence, when it cannot work correctly. */
describe("validator: validator:run refusals", function () {
  let chain: HardhatNode;
  let dir: string;

  before(async function () {
    chain = await startHardhatNode({ chainId: 31338 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "validator-task-"));
  });
  after(async function () {
    await chain?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function deployment(name: string, chainId: number, contracts: Record<string, string>): string {
    return writeDeployment(
      {
        network: name,
        chainId,
        deployBlock: 0,
        deployedAt: new Date().toISOString(),
        deployer: "0x0000000000000000000000000000000000000001",
        contracts: Object.fromEntries(Object.entries(contracts).map(([k, v]) => [k, { address: v }])),
        parameters: {},
      },
      dir,
    );
  }

  async function refusal(args: string[], env: Record<string, string> = {}): Promise<string> {
    const c = startValidatorChild(["--port", "0", "--data-dir", path.join(dir, "data"), ...args], {
      LOCALHOST_RPC_URL: chain.url,
      ...env,
    });
    const { code } = await c.exited;
    expect(code, c.output()).to.not.equal(0);
    return c.output();
  }

  const A = "0x00000000000000000000000000000000000000aa";
  it("without a key, a deployment file or a Slashing contract, on the wrong chain, or with a dev account off a dev chain", async function () {
    const full = deployment("full", 31337, { Slashing: A, KeyRegistry: A, NodeRegistry: A });
    expect(await refusal(["--deployment", full], { VALIDATOR_PRIVATE_KEY: "" })).to.match(
      /Set VALIDATOR_PRIVATE_KEY to the watcher's private key \(or pass --account <index> on a local chain\)/,
    );
    expect(await refusal(["--deployment", path.join(dir, "none.json"), "--account", "1"])).to.match(
      /No deployment for network/,
    );
    const noSlashing = deployment("noslashing", 31337, { KeyRegistry: A, NodeRegistry: A });
    expect(await refusal(["--deployment", noSlashing, "--account", "1"])).to.match(
      /Slashing is not deployed/,
    );
    // The node serves chain 31338; the deployment says 31337.
    expect(await refusal(["--deployment", full, "--account", "1"])).to.match(
      /could not start: RPC URL .* is on chain 31338, expected chain 31337/,
    );
    const onChain = deployment("onchain", 31338, { Slashing: A, KeyRegistry: A, NodeRegistry: A });
    expect(await refusal(["--deployment", onChain, "--account", "1"])).to.match(
      /--account is for local development chains only/,
    );
    const key = "0x" + "11".repeat(32);
    expect(await refusal(["--deployment", onChain], { VALIDATOR_PRIVATE_KEY: key })).to.match(
      /No contract at the Slashing address 0x0+aa on chain 31338/,
    );
  });
});
