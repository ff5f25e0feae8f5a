// Issue 12's "done when", end to end on this machine: a key made by each real client with its defaults
// (gpg --quick-gen-key default / nistp256 / ed25519, sq key generate, openpgp.generateKey) registers as
// key:register registers it (validatePublicKey, then addKey of its canonical bytes) in the
// key registry; a message digest signed with that tool's own default signing command passes the node's
// signature check and cannot be proven bad on chain; the same signature with one flipped byte is refused by
// the node and, once a node attests it, proven on chain (FaultProven).
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import * as openpgp from "openpgp";
import { decodeKeyInput, validatePublicKey } from "../../src/keys";
import { messageDigest, readDetachedSignature, verifyDigestSignature } from "../../src/message";
import { args, deployWorld, vectorKey } from "../slashing/fixture";

const SQ_MISSING =
  "sq (Sequoia) is not installed: run scripts/install-sq.sh (it runs apt-get install -y sq as root), then this test again.";

function hasSq(): boolean {
  try {
    execFileSync("sq", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

interface Tool {
  name: string;
  /** Makes a key; returns the public key bytes as the tool exports them. */
  key: (dir: string) => Promise<Uint8Array>;
  /** Signs the file `digestFile` (64 hex characters) with the tool's default detached signing command. */
  sign: (dir: string, digestFile: string) => Promise<Uint8Array>;
}

const gpgIn = (dir: string, ...a: string[]) =>
  execFileSync(
    "gpg",
    ["--homedir", dir, "--batch", "--yes", "--passphrase", "", "--pinentry-mode", "loopback", ...a],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );

const gpgTool = (algo: string): Tool => ({
  name: `gpg --quick-gen-key ${algo}`,
  key: async (dir) => {
    gpgIn(
      dir,
      "--quick-gen-key",
      `${algo}@example.org`,
      algo,
      algo === "default" ? "default" : "sign",
      "never",
    );
    return new Uint8Array(gpgIn(dir, "--export", `${algo}@example.org`));
  },
  sign: async (dir, digestFile) => {
    const out = `${digestFile}.${algo}.sig`;
    gpgIn(dir, "-u", `${algo}@example.org`, "--detach-sign", "-o", out, digestFile);
    return readDetachedSignature(new Uint8Array(fs.readFileSync(out)), out);
  },
});

const sqTool: Tool = {
  name: "sq key generate",
  key: async (dir) => {
    if (!hasSq()) throw new Error(SQ_MISSING);
    const secret = path.join(dir, "sq-key.pgp");
    execFileSync("sq", ["key", "generate", "--userid", "<sq@example.org>", "--export", secret], {
      stdio: "pipe",
    });
    const cert = execFileSync("sq", ["key", "extract-cert", secret], { stdio: ["ignore", "pipe", "pipe"] });
    return decodeKeyInput(cert.toString("utf8"));
  },
  sign: async (dir, digestFile) => {
    const armored = execFileSync(
      "sq",
      ["sign", "--detached", "--signer-key", path.join(dir, "sq-key.pgp"), digestFile],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    return readDetachedSignature(new Uint8Array(armored), "digest.txt.asc");
  },
};

let openpgpKey: openpgp.PrivateKey;
const openpgpTool: Tool = {
  name: "openpgp.generateKey (openpgp.js 6 defaults)",
  key: async () => {
    const { privateKey } = await openpgp.generateKey({
      userIDs: [{ email: "js@example.org" }],
      format: "object",
    });
    openpgpKey = privateKey;
    return privateKey.toPublic().write();
  },
  sign: async (_dir, digestFile) => {
    const text = fs.readFileSync(digestFile, "utf8");
    const sig = await openpgp.sign({
      message: await openpgp.createMessage({ text }),
      signingKeys: openpgpKey,
      detached: true,
      format: "binary",
    });
    return new Uint8Array(sig as Uint8Array);
  },
};

describe("Real clients end to end: register, sign with the tool, node check, proof on chain", function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "push-clients-"));
    fs.chmodSync(dir, 0o700);
  });
  after(() => {
    try {
      execFileSync("gpgconf", ["--homedir", dir, "--kill", "gpg-agent"], { stdio: "ignore" });
    } catch {
      /* no agent */
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const tool of [gpgTool("default"), gpgTool("nistp256"), gpgTool("ed25519"), sqTool, openpgpTool]) {
    it(`${tool.name}: registers; its default signature is valid for the node and the chain; one flipped byte is proven`, async () => {
      const w = await loadFixture(deployWorld);
      // what key:register does with the tool's exported key: validatePublicKey, then addKey of its bytes
      const validated = await validatePublicKey(await tool.key(dir));
      const publicKey = validated.bytes;
      await (await w.keys.connect(w.alice).addKey(publicKey)).wait();
      const keyHash = ethers.keccak256(publicKey);
      expect(keyHash).to.equal(validated.keyHash);
      expect((await w.keys.keyOf(w.alice.address, keyHash)).addedAt).to.be.greaterThan(0n);

      // the message as the node sees it; its digest's hex is what the tool signs
      const template = await w.message(w.alice.address, w.bob.address, await vectorKey("p256"), {
        senderKey: keyHash,
      });
      const digest = ethers.getBytes(messageDigest(template.message));
      const digestFile = path.join(dir, "digest.txt");
      fs.writeFileSync(digestFile, Buffer.from(digest).toString("hex"));
      const signature = await tool.sign(dir, digestFile);

      const good = await verifyDigestSignature(digest, signature, publicKey);
      if (!good.ok) expect.fail(`the node refuses ${tool.name}'s signature: ${good.stage} ${good.reason}`);
      const node = await w.registerNode();
      const honest = await w.attest(node, { message: template.message, signature });
      await expect(
        w.slashing.connect(w.reporter).proveBadSignature(...args(honest), signature, publicKey, honest.claim),
      ).to.be.revertedWithCustomError(w.slashing, "SlashingNoFault");

      const flipped = Uint8Array.from(signature);
      flipped[flipped.length - 1] ^= 0x01;
      const bad = await verifyDigestSignature(digest, flipped, publicKey);
      expect(bad.ok, "the node refuses the flipped signature").to.equal(false);
      const faulty = await w.registerNode();
      const proof = await w.attest(faulty, { message: template.message, signature: flipped });
      await expect(
        w.slashing.connect(w.reporter).proveBadSignature(...args(proof), flipped, publicKey, proof.claim),
      ).to.emit(w.slashing, "FaultProven");
    });
  }
});
