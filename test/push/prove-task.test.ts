// fault:prove --file with Push proof files (src/slashing/push-proof-file.ts) against a deploy:protocol deployment on
// the Hardhat network: the call goes to the deployment's PushProofs by commit-reveal and slashes (MALFORMED by the
// hashed form when the header decides it, UNAUTHORIZED_SENDER, BAD_SIGNATURE); an honest message is refused with the
// contract's decoded error, before anything is sent.
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { Wallet, getBytes } from "ethers";
import type { SentTx } from "../../src/tasks-util";
import { parsePush } from "../../src/units";
import { signerConsent } from "../../src/testing/consent";
import { attestPushMessage, decodePushMessage, pushAttestedMessageOf } from "../../src/message/push";
import type { PushMessageBody, PushSigVersion } from "../../src/message/push";
import { pushProofJson } from "../../src/slashing/push-proof-file";
import type { PushFaultName } from "../../src/slashing/push-proof-file";
import { deployed, expectRefused, runTask } from "../tasks/helpers";
import messagesJson from "../fixtures/push/messages.json";
import profilesJson from "../fixtures/push/profiles.json";

const alice = profilesJson.profiles.find((p) => p.name === "alice")!;

describe("fault:prove with Push proof files", function () {
  it("slashes through PushProofs for MALFORMED (hashed form), UNAUTHORIZED_SENDER and BAD_SIGNATURE; refuses an honest message", async function () {
    const d = await deployed();
    const [deployer] = await hre.ethers.getSigners();
    const pushProofs = d.deployment.contracts.PushProofs.address;
    const slashingAddress = d.deployment.contracts.Slashing.address;
    const slashing = await hre.ethers.getContractAt("Slashing", slashingAddress);
    const keys = await hre.ethers.getContractAt("KeyRegistry", d.deployment.contracts.KeyRegistry.address);
    const op = d.operators[0];
    const { chainId } = await hre.ethers.provider.getNetwork();
    const domain = { chainId, verifyingContract: slashingAddress };
    // alice's SDK key, registered a day ago (the SDK vectors are signed by it).
    const aliceWallet = new Wallet(alice.walletPrivateKey, hre.ethers.provider);
    await hre.ethers.provider.send("hardhat_setBalance", [aliceWallet.address, "0x56BC75E2D63100000"]);
    await (await keys.connect(aliceWallet).addKey(alice.publicKey)).wait();
    await hre.ethers.provider.send("evm_increaseTime", [86_400]);
    await hre.ethers.provider.send("evm_mine", []);

    const node = new Wallet(Wallet.createRandom().privateKey);
    await (await d.token.connect(op).approve(await d.vault.getAddress(), parsePush("100000"))).wait();
    await (
      await d.registry
        .connect(op)
        .registerNode(
          node.address,
          0,
          "https://n.example",
          parsePush("100000"),
          await signerConsent(d.registry, node, op, chainId),
        )
    ).wait();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "push-proofs-"));
    let sequence = 0n;
    const latest = async () => BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
    const file = async (
      fault: PushFaultName,
      name: string,
      opts: {
        body?: Partial<PushMessageBody>;
        timestamp?: bigint;
        senderKey?: string;
        evidence?: boolean;
      } = {},
    ): Promise<string> => {
      const v = messagesJson.messages.find((x) => x.name === name)!;
      const body = { ...decodePushMessage(v.body), ...opts.body };
      const t = await latest();
      const m = pushAttestedMessageOf(body, v.version as PushSigVersion, v.from, v.to, {
        timestamp: opts.timestamp ?? t,
        senderKey: opts.senderKey ?? alice.keyHash,
        recipientKey: null,
      });
      const signature = getBytes(v.signature);
      const a = await attestPushMessage(node, m, signature, { sequence: ++sequence, attestedAt: t }, domain);
      const json = pushProofJson(
        fault,
        m,
        a,
        opts.evidence ? { signature, publicKey: getBytes(alice.publicKey) } : {},
      );
      const f = path.join(dir, `${fault.toLowerCase()}-${sequence}.json`);
      fs.writeFileSync(f, JSON.stringify(json, null, 2));
      return f;
    };

    // MALFORMED ClockSkew: decided by the header, so sent by the hashed form.
    const skewed = await file("MALFORMED", "pgpv3-plaintext-ascii", {
      timestamp: (await latest()) - 86_400n,
    });
    const dry = await runTask<{ simulated: boolean }>("fault:prove", { file: skewed, dryRun: true });
    expect(dry.result.simulated).to.equal(true);
    const a = await runTask<{ slashed: bigint; commitTx: SentTx; tx: SentTx; node: string }>("fault:prove", {
      file: skewed,
    });
    expect(a.out).to.include(`Push MALFORMED proof against node ${node.address}`);
    expect(a.out).to.include(`provePushMalformedHashed: tx ${a.result.tx.hash}`);
    expect(a.out).to.include("(ClockSkew)");
    expect(a.result.slashed).to.equal(parsePush("10000"));
    const sent = await hre.ethers.provider.getTransaction(a.result.tx.hash);
    expect(sent?.to).to.equal(pushProofs);
    expect(a.result.tx.blockNumber).to.be.greaterThan(a.result.commitTx.blockNumber);

    // UNAUTHORIZED_SENDER: a senderKey that is no key of alice's.
    const unauthorized = await file("UNAUTHORIZED_SENDER", "pgpv3-plaintext-ascii", {
      senderKey: "0x" + "ab".repeat(32),
    });
    const b = await runTask<{ slashed: bigint }>("fault:prove", { file: unauthorized });
    expect(b.out).to.include("provePushUnauthorizedSender: tx");
    expect(b.result.slashed).to.equal(parsePush("9000"));

    // BAD_SIGNATURE: the SDK's signature over a twin with another messageType.
    const twin = await file("BAD_SIGNATURE", "pgpv2-plaintext-ascii", {
      body: { messageType: "Image" },
      evidence: true,
    });
    const c = await runTask<{ slashed: bigint }>("fault:prove", { file: twin });
    expect(c.out).to.include("provePushBadSignature: tx");
    expect(c.out).to.include("(signed hash mismatch)");
    expect(c.result.slashed).to.equal(parsePush("8100"));
    await expectRefused(
      "fault:prove",
      { file: twin },
      /^Offence 0x[0-9a-f]{64} was already slashed: nothing was sent\.$/,
      [deployer.address],
    );
    expect(await slashing.paused()).to.equal(false);

    // The honest message: every Push proof reverts, decoded, before any transaction.
    const honest = await file("BAD_SIGNATURE", "pgpv3-plaintext-ascii", { evidence: true });
    await expectRefused(
      "fault:prove",
      { file: honest },
      "The proof would revert: PushProofs: no fault (faultCode=4). Nothing was sent.",
      [deployer.address],
    );
    // A malformed Push file names its field.
    const broken = path.join(dir, "broken.json");
    fs.writeFileSync(broken, JSON.stringify({ format: "push", fault: "MALFORMED", message: { header: {} } }));
    await expectRefused("fault:prove", { file: broken }, "message.body must be an object.");
  });
});
