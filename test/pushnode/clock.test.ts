import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import type { JsonRpcSigner, Wallet } from "ethers";
import { freePort, startHardhatNode } from "../../src/testing/hardhat-node";
import type { HardhatNode } from "../../src/testing/hardhat-node";
import { NodeClient } from "../../src/node/api";
import { startPushNode } from "../../src/node/push-node";
import { mine, newSigner, registerNode, serveArgs, taskWorld } from "./fixture";
import type { Protocol } from "./fixture";
import { runTask } from "./task-process";

const PASSPHRASE = "correct horse battery staple";
const DAY = 86_400;

/**
 * Time travel on a development chain (docs/local-dev.md): chain:time --advance 21d on a real
 * `npx hardhat node`, then msg:send still gets an attestation, because a node on a development chain
 * dates messages by chain time; /v1/health reports the clock, and a node held to the wall clock says
 * it is off.
 */
describe("pushnode: clocks and time travel (chain:time)", function () {
  let chain: HardhatNode;
  let p: Protocol;
  let dir: string;
  let deployment: string;
  let alice: JsonRpcSigner, bob: JsonRpcSigner;
  let nodeSigner: Wallet;
  let port: number;
  const keyFile = (who: string) => path.join(dir, `${who}.json`);
  const localhost = () => ({ LOCALHOST_RPC_URL: chain.url, PUSH_KEY_PASSPHRASE: PASSPHRASE });

  before(async function () {
    chain = await startHardhatNode();
    ({ p, dir, deployment, alice, bob } = await taskWorld(chain, "clock-", PASSPHRASE));
    nodeSigner = newSigner();
    port = await freePort();
    await registerNode(p, nodeSigner, `http://127.0.0.1:${port}`);
    await mine(p, 1);
  });

  after(async function () {
    p?.provider.destroy();
    await chain?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("msg:send still works after chain:time --advance 21d, and /v1/health reports the chain clock", async function () {
    const node = runTask(serveArgs(deployment, dir, port, 0, ["--poll-interval", "500"]), {
      ...localhost(),
      PUSH_NODE_SIGNER_KEY: nodeSigner.privateKey,
      LOG_LEVEL: "warn",
    });
    try {
      await node.waitFor(/ready to attest/);
      const advance = runTask(["chain:time", "--network", "localhost", "--advance", "21d"], localhost());
      expect((await advance.exited).code, advance.output()).to.equal(0);
      expect(advance.output()).to.match(/Advanced the chain's time by 21 days: it was \S+Z \(block \d+\)\./);
      expect(advance.output()).to.match(
        /Chain time on "localhost": \S+Z \(block \d+\), 21\.0 days ahead of this machine's clock\./,
      );

      const send = runTask(
        [
          "msg:send",
          "--network",
          "localhost",
          "--deployment",
          deployment,
          "--to",
          bob.address,
          "--node",
          nodeSigner.address,
          "--key",
          keyFile("alice"),
          "--message",
          "three weeks later",
        ],
        localhost(),
      );
      expect((await send.exited).code, send.output()).to.equal(0);
      expect(send.output()).to.include(`Attested by node ${nodeSigner.address}`);
      expect(send.output()).to.not.include("CLOCK_SKEW");

      const h = await new NodeClient(`http://127.0.0.1:${port}`).health();
      expect(h.ok, h.reason).to.equal(true);
      expect(h.clock.source).to.equal("chain");
      expect(h.clock.ok).to.equal(true);
      const wall = Math.floor(Date.now() / 1000);
      expect(Number(h.clock.chainTime)).to.be.greaterThan(wall + 21 * DAY - 120);
      expect(Number(h.clock.now)).to.be.at.least(Number(h.clock.chainTime));
      expect(Number(h.clock.wallMinusChain)).to.be.lessThan(-21 * DAY + 120);
    } finally {
      node.kill("SIGTERM");
      await node.exited;
    }
  });

  it("a node held to the wall clock fails its health check loudly when chain time is far from it", async function () {
    const running = await startPushNode({
      dataDir: path.join(dir, "wall-node"),
      port: 0,
      rpcUrls: [chain.url],
      chainId: chain.chainId,
      keyRegistry: p.addresses.keyRegistry,
      nodeRegistry: p.addresses.nodeRegistry,
      slashing: p.addresses.slashing,
      startBlock: p.deployBlock,
      signerKey: newSigner().privateKey,
      confirmations: 0,
      clockSource: "wall",
    });
    try {
      const res = await fetch(`${running.url}/v1/health`);
      expect(res.status).to.equal(503);
      const h = (await res.json()) as Awaited<ReturnType<NodeClient["health"]>>;
      expect(h.ok).to.equal(false);
      expect(h.clock.source).to.equal("wall");
      expect(h.clock.ok).to.equal(false);
      expect(h.reason).to.match(
        /^The node's wall clock is \d+ s behind the chain's latest block time \(block \d+\), more than the maximum clock skew of \d+ s: fix the system clock \(NTP\) or the RPC endpoint; on a development chain with time travel run the node with the chain clock\.$/,
      );
    } finally {
      await running.close();
    }
  });

  it("chain:time --show prints the chain's time; --advance is refused off development chains in one sentence", async function () {
    const show = runTask(["chain:time", "--network", "localhost", "--show"], localhost());
    expect((await show.exited).code, show.output()).to.equal(0);
    expect(show.output()).to.match(/Chain time on "localhost": \S+Z \(block \d+\), 21\.0 days ahead/);

    const refused = runTask(["chain:time", "--network", "sepolia", "--advance", "21d"], {});
    expect((await refused.exited).code).to.equal(1);
    expect(refused.output()).to.include(
      'Only a development chain (hardhat, localhost) can move its time forward, not "sepolia"; nothing was sent.',
    );

    const bad = runTask(["chain:time", "--network", "localhost", "--advance", "soon"], localhost());
    expect((await bad.exited).code).to.equal(1);
    expect(bad.output()).to.include(
      '--advance must be a positive duration such as 21d, 2h, 15m or 3600, not "soon".',
    );
  });
});
