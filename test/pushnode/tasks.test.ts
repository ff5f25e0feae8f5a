import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import type { JsonRpcSigner, Wallet } from "ethers";
import { freePort, startHardhatNode } from "../../src/testing/hardhat-node";
import type { HardhatNode } from "../../src/testing/hardhat-node";
import { sharedChain } from "./shared-chain";
import { decryptKeyFile, generateWalletKey, readKeyFile, writeKeyFile } from "../../src/keys";
import { MessagingError, sendMessage } from "../../src/client/messaging";
import { NodeClient } from "../../src/node/api";
import { ConfigError, resolveServeOptions } from "../../src/node/config";
import {
  deployProtocol,
  mine,
  newSigner,
  registerNode,
  serveArgs,
  taskWorld,
  writeDeploymentFile,
} from "./fixture";
import type { Protocol } from "./fixture";
import { runTask } from "./task-process";

const PASSPHRASE = "correct horse battery staple";

/**
 * node:serve, msg:send and msg:read as real processes (`hardhat <task> --network localhost`) against a
 * real `npx hardhat node`: a message sent by node address, the node killed with SIGKILL and restarted,
 * the conversation read back, verified and decrypted; fault injection refused on chain 137.
 */
describe("pushnode: node:serve, msg:send and msg:read as processes", function () {
  let chain: HardhatNode;
  let p: Protocol;
  let dir: string;
  let deployment: string;
  let alice: JsonRpcSigner, bob: JsonRpcSigner;
  let nodeSigner: Wallet;
  let port: number;
  const keyFile = (who: string) => path.join(dir, `${who}.json`);

  before(async function () {
    chain = await sharedChain();
    ({ p, dir, deployment, alice, bob } = await taskWorld(chain, "pushnode-tasks-", PASSPHRASE));
    nodeSigner = newSigner();
    port = await freePort();
    await registerNode(p, nodeSigner, `http://127.0.0.1:${port}`);
    await mine(p, 1);
  });

  after(async function () {
    p?.provider.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const localhost = () => ({ LOCALHOST_RPC_URL: chain.url, PUSH_KEY_PASSPHRASE: PASSPHRASE });

  function serve(extra: string[] = [], env: Record<string, string> = {}) {
    return runTask(serveArgs(deployment, dir, port, 1, extra), {
      ...localhost(),
      PUSH_NODE_SIGNER_KEY: nodeSigner.privateKey,
      LOG_LEVEL: "warn",
      ...env,
    });
  }

  it("sends by node address, survives kill -9 of the node, reads the conversation back verified and decrypted", async function () {
    let node = serve();
    await node.waitFor(/ready to attest/);
    expect(node.output()).to.include(`Push Node ${nodeSigner.address} listening on http://127.0.0.1:${port}`);

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
        "hello bob, from a process",
      ],
      localhost(),
    );
    expect((await send.exited).code, send.output()).to.equal(0);
    expect(send.output()).to.match(/Encrypted to 0x[0-9a-fA-F]{40}'s key 0x[0-9a-f]{64} and to your key/);
    expect(send.output()).to.include(`Attested by node ${nodeSigner.address}`);
    expect(send.output()).to.match(/sequence 1, position 1/);

    node.kill("SIGKILL");
    expect((await node.exited).signal).to.equal("SIGKILL");
    node = serve();
    await node.waitFor(/ready to attest/);
    expect(node.output()).to.match(/feed head 1;/);
    const c = new NodeClient(`http://127.0.0.1:${port}`);
    expect((await c.feed(0n)).items).to.have.length(1);

    const read = runTask(
      [
        "msg:read",
        "--network",
        "localhost",
        "--deployment",
        deployment,
        "--node",
        `http://127.0.0.1:${port}`,
        "--key",
        keyFile("bob"),
        "--with",
        alice.address,
      ],
      localhost(),
    );
    expect((await read.exited).code, read.output()).to.equal(0);
    expect(read.output()).to.include(`1 message(s) between ${bob.address} and ${alice.address}`);
    expect(read.output()).to.match(
      /#1 seq 1 .*\[pgp; attestation ok; signature ok\] "hello bob, from a process"/,
    );
    node.kill("SIGTERM");
    await node.exited;
  });

  it("sendMessage refuses a key not registered for the sender before contacting the node", async function () {
    const other = await generateWalletKey({
      address: alice.address,
      chainId: chain.chainId,
      passphrase: PASSPHRASE,
    });
    await writeKeyFile(keyFile("alice-unregistered"), other.privateKey, { address: alice.address });
    const kf = await readKeyFile(keyFile("alice-unregistered"));
    const chainCtx = {
      provider: p.provider,
      chainId: chain.chainId,
      keyRegistry: p.addresses.keyRegistry,
      slashing: p.addresses.slashing,
      fromBlock: p.deployBlock,
    };
    await expect(
      sendMessage({
        chain: chainCtx,
        from: alice.address,
        to: bob.address,
        content: new TextEncoder().encode("x"),
        privateKey: await decryptKeyFile(kf, PASSPHRASE),
        senderKeyHash: kf.keyHash,
        node: new NodeClient("http://127.0.0.1:9"),
      }),
    ).to.be.rejectedWith(MessagingError, `The key ${kf.keyHash} is not registered for ${alice.address}`);
  });

  it("node:serve refuses fault injection on chain 137 in one sentence (and on chain 1 in its options)", async function () {
    const polygon = await startHardhatNode({ chainId: 137 });
    try {
      const q = await deployProtocol(polygon);
      const d137 = path.join(dir, "137");
      fs.mkdirSync(d137);
      const file = writeDeploymentFile(q, d137);
      const refused = runTask(
        [
          "node:serve",
          "--network",
          "localhost",
          "--deployment",
          file,
          "--accept",
          "malformed",
          "--data-dir",
          path.join(d137, "data"),
        ],
        { LOCALHOST_RPC_URL: polygon.url, PUSH_NODE_SIGNER_KEY: newSigner().privateKey },
      );
      expect((await refused.exited).code).to.not.equal(0);
      expect(refused.output()).to.include(
        "Refusing --accept MALFORMED on Polygon PoS (chainId 137): fault injection makes the node attest invalid messages",
      );
      expect(fs.existsSync(path.join(d137, "data"))).to.equal(false);
      q.provider.destroy();
    } finally {
      await polygon.stop();
    }
    const d1 = JSON.parse(fs.readFileSync(deployment, "utf8")) as { chainId: number };
    d1.chainId = 1;
    const f1 = path.join(dir, "mainnet.json");
    fs.writeFileSync(f1, JSON.stringify(d1));
    await expect(
      resolveServeOptions(
        {
          deployment: f1,
          accept: "EQUIVOCATION",
          signerKey: newSigner().privateKey,
          rpc: "http://127.0.0.1:1",
        },
        { network: "mainnet" },
      ),
    ).to.be.rejectedWith(ConfigError, /Refusing --accept EQUIVOCATION on Ethereum mainnet \(chainId 1\)/);
    await expect(
      resolveServeOptions(
        { deployment: f1, accept: "NOPE", signerKey: newSigner().privateKey },
        { network: "x" },
      ),
    ).to.be.rejectedWith(/is not a fault class/);
  });
});
