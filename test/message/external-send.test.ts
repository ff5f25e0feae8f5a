import { expect } from "chai";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Wallet } from "ethers";
import { canonicalPublicKey } from "../../src/keys";
import { freePort } from "../../src/testing/hardhat-node";
import type { HardhatNode } from "../../src/testing/hardhat-node";
import { mine, newSigner, registerNode, serveArgs, taskWorld } from "../pushnode/fixture";
import type { Protocol } from "../pushnode/fixture";
import { sharedChain } from "../pushnode/shared-chain";
import { runTask } from "../pushnode/task-process";

// docs/client-profile.md section 3 as processes: msg:digest prepares a message for a GnuPG key registered
// on chain, gpg signs the digest's hex text (old-format binary signature, gpg's default layout), and
// msg:send --envelope --signature sends it through a node, which attests it.

const PASSPHRASE = "correct horse battery staple";

describe("msg:digest and msg:send --signature with a GnuPG signature", function () {
  let chain: HardhatNode;
  let p: Protocol;
  let dir: string;
  let deployment: string;
  let nodeSigner: Wallet;
  let port: number;
  let carol: string;
  let gpgHome: string;
  const localhost = () => ({ LOCALHOST_RPC_URL: chain.url });
  const gpg = (...args: string[]) =>
    execFileSync(
      "gpg",
      ["--homedir", gpgHome, "--batch", "--yes", "--passphrase", "", "--pinentry-mode", "loopback", ...args],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );

  before(async function () {
    chain = await sharedChain();
    ({ p, dir, deployment } = await taskWorld(chain, "external-send-", PASSPHRASE));
    gpgHome = path.join(dir, "gnupg");
    fs.mkdirSync(gpgHome, { mode: 0o700 });
    gpg("--quick-gen-key", "carol@example.org", "nistp256", "sign", "never");
    fs.writeFileSync(path.join(dir, "carol.gpg"), gpg("--export", "carol@example.org"));
    const signer = await p.provider.getSigner(7);
    carol = signer.address;
    const key = await canonicalPublicKey(new Uint8Array(fs.readFileSync(path.join(dir, "carol.gpg"))));
    await (await p.keyRegistry.connect(signer).addKey(key.bytes)).wait();
    nodeSigner = newSigner();
    port = await freePort();
    await registerNode(p, nodeSigner, `http://127.0.0.1:${port}`);
    await mine(p, 1);
  });

  after(async function () {
    p?.provider.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("prepares, signs with gpg --detach-sign, sends; a file that is not a signature gets one sentence", async function () {
    const node = runTask(serveArgs(deployment, dir, port, 1), {
      ...localhost(),
      PUSH_NODE_SIGNER_KEY: nodeSigner.privateKey,
      LOG_LEVEL: "warn",
    });
    try {
      await node.waitFor(/ready to attest/);
      const envelope = path.join(dir, "unsigned.json");
      const prepare = runTask(
        [
          "msg:digest",
          "--network",
          "localhost",
          "--deployment",
          deployment,
          "--from",
          carol,
          "--to",
          newSigner().address,
          "--sender-key",
          path.join(dir, "carol.gpg"),
          "--message",
          "signed with gpg",
          "--out",
          envelope,
        ],
        localhost(),
      );
      expect((await prepare.exited).code, prepare.output()).to.equal(0);
      const digest = /Digest 0x([0-9a-f]{64})/.exec(prepare.output())?.[1];
      expect(digest, prepare.output()).to.be.a("string");
      const digestFile = path.join(dir, "digest.txt");
      fs.writeFileSync(digestFile, digest as string);
      gpg("-u", "carol@example.org", "--detach-sign", digestFile);

      const notASignature = runTask(
        [
          "msg:send",
          "--network",
          "localhost",
          "--deployment",
          deployment,
          "--node",
          `http://127.0.0.1:${port}`,
          "--envelope",
          envelope,
          "--signature",
          digestFile,
        ],
        localhost(),
      );
      expect((await notASignature.exited).code).to.not.equal(0);
      expect(notASignature.output()).to.include(`${digestFile} is not an OpenPGP detached signature`);

      const send = runTask(
        [
          "msg:send",
          "--network",
          "localhost",
          "--deployment",
          deployment,
          "--node",
          `http://127.0.0.1:${port}`,
          "--envelope",
          envelope,
          "--signature",
          `${digestFile}.sig`,
        ],
        localhost(),
      );
      expect((await send.exited).code, send.output()).to.equal(0);
      expect(send.output()).to.include(`Attested by node ${nodeSigner.address}`);
      expect(send.output()).to.include(`Digest 0x${digest}`);
    } finally {
      node.kill("SIGTERM");
      await node.exited;
    }
  });
});
