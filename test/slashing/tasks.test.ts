// fault:prove, gov:slash and gov:dispute against a deploy:protocol deployment on the Hardhat network (the
// deployer proposes to the timelock; --execute runs both timelock steps locally).
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { Wallet } from "ethers";
import type { GovResult } from "../../src/gov/timelock";
import type { SentTx } from "../../src/tasks-util";
import { parsePush } from "../../src/units";
import { signerConsent } from "../../src/testing/consent";
import {
  ContentType,
  Encryption,
  ZERO_BYTES32,
  contentHashOf,
  messageDigest,
  signAttestation,
  signDigest,
  signatureHashOf,
} from "../../src/message";
import type { Message } from "../../src/message";
import type { SlashingCourt, Slashing, TestPush } from "../../typechain-types";
import { deployed, expectRefused, runTask } from "../tasks/helpers";
import { claimFileOf, loadOrNewClaim, saveClaim } from "../../src/slashing/claim-file";
import { newClaim, proofCall } from "../../src/slashing/proof-file";
import { vectorKey } from "./fixture";
import keysJson from "../vectors/keys.json";

interface Setup {
  slashing: Slashing;
  court: SlashingCourt;
  token: TestPush;
  node: Wallet;
  dir: string;
  proofFile: (fields: Partial<Message>, sequence?: bigint) => Promise<string>;
}

async function setup(): Promise<Setup> {
  const d = await deployed();
  const [deployer] = await hre.ethers.getSigners();
  const op = d.operators[0];
  const slashing = (await hre.ethers.getContractAt(
    "Slashing",
    d.deployment.contracts.Slashing.address,
  )) as unknown as Slashing;
  const court = (await hre.ethers.getContractAt(
    "SlashingCourt",
    d.deployment.contracts.SlashingCourt.address,
  )) as unknown as SlashingCourt;
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
        await signerConsent(d.registry, node, op, (await hre.ethers.provider.getNetwork()).chainId),
      )
  ).wait();
  await (await d.token.mint(deployer.address, parsePush("10000"))).wait();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "proofs-"));
  const { chainId } = await hre.ethers.provider.getNetwork();
  const domain = { chainId, verifyingContract: await slashing.getAddress() };
  const key = await vectorKey("p256");
  let n = 0;
  const proofFile = async (fields: Partial<Message>, sequence = 1n): Promise<string> => {
    const content = new TextEncoder().encode(`hello ${++n}`);
    const t = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
    const message: Message = {
      version: 1,
      from: Wallet.createRandom().address,
      to: Wallet.createRandom().address,
      timestamp: t,
      contentType: ContentType.Text,
      encryption: Encryption.Plaintext,
      contentHash: contentHashOf(content),
      contentSize: content.length,
      senderKey: key.keyHash,
      recipientKey: ZERO_BYTES32,
      previous: ZERO_BYTES32,
      ...fields,
    };
    const signature = await signDigest(messageDigest(message), key.privateKey, {
      date: new Date((keysJson.keyCreated + 60) * 1000),
    });
    const a = await signAttestation(
      node,
      {
        digest: messageDigest(message),
        signatureHash: signatureHashOf(signature),
        signatureSize: signature.length,
        sequence,
        attestedAt: t,
      },
      domain,
    );
    const json = {
      fault: "MALFORMED",
      message: { ...message, timestamp: message.timestamp.toString() },
      attestation: { ...a, sequence: a.sequence.toString(), attestedAt: a.attestedAt.toString() },
    };
    const file = path.join(dir, `proof-${n}.json`);
    fs.writeFileSync(file, JSON.stringify(json, null, 2));
    return file;
  };
  return { slashing, court, token: d.token, node, dir, proofFile };
}

describe("Slashing tasks", function () {
  it("fault:prove: simulates, refuses an honest message and a consumed offence in one sentence, slashes", async function () {
    const [deployer] = await hre.ethers.getSigners();
    const s = await setup();
    const bad = await s.proofFile({ version: 7 });
    const dry = await runTask<{ simulated: boolean }>("fault:prove", { file: bad, dryRun: true });
    expect(dry.result.simulated).to.equal(true);
    expect(dry.out).to.match(/Simulation: the proof holds against a stake of 100,000 PUSH/);
    expect(fs.existsSync(claimFileOf(bad)), "a dry run writes no claim").to.equal(false);
    const { result, out } = await runTask<{ slashed: bigint; reward: bigint; commitTx: SentTx; tx: SentTx }>(
      "fault:prove",
      { file: bad },
    );
    expect(result.slashed).to.equal(parsePush("10000"));
    // commit, then reveal in a later block, both printed
    expect(out).to.include(`commitProof: tx ${result.commitTx.hash}`);
    expect(out).to.include(`proveMalformed: tx ${result.tx.hash}`);
    expect(result.tx.blockNumber).to.be.greaterThan(result.commitTx.blockNumber);
    const claim = JSON.parse(fs.readFileSync(claimFileOf(bad), "utf8")) as { reporter: string; salt: string };
    expect(claim.reporter).to.equal(deployer.address);
    expect(claim.salt).to.match(/^0x[0-9a-f]{64}$/);
    expect(out).to.include("Slashed 10,000 PUSH of node");
    expect(out).to.include("(version)");
    expect(out).to.include("5,000 PUSH credited to");
    await expectRefused(
      "fault:prove",
      { file: bad, from: "5" },
      /^Offence 0x[0-9a-f]{64} was already slashed: nothing was sent\.$/,
      [deployer.address],
    );
    const honest = await s.proofFile({});
    await expectRefused(
      "fault:prove",
      { file: honest },
      "The proof would revert: Slashing: no fault (faultCode=1). Nothing was sent.",
      [deployer.address],
    );
    fs.writeFileSync(
      path.join(s.dir, "broken.json"),
      JSON.stringify({ fault: "MALFORMED", message: { version: 1 } }),
    );
    await expectRefused(
      "fault:prove",
      { file: path.join(s.dir, "broken.json") },
      "message.from must be an address",
    );
  });

  it("fault:prove resumes after a crash between commit and reveal: same salt, no second commitment", async function () {
    const [deployer] = await hre.ethers.getSigners();
    const s = await setup();
    const bad = await s.proofFile({ contentType: 9 });
    // What a run killed right after its commitment was mined leaves behind: the claim file and the commitment.
    const { chainId } = await hre.ethers.provider.getNetwork();
    const domain = { chainId, verifyingContract: await s.slashing.getAddress() };
    const json = JSON.parse(fs.readFileSync(bad, "utf8")) as unknown;
    const offenceId = proofCall(json, domain, newClaim(deployer.address)).offenceId;
    const { claim } = loadOrNewClaim(claimFileOf(bad), deployer.address, offenceId);
    const call = proofCall(json, domain, claim);
    saveClaim(claimFileOf(bad), { ...claim, offenceId, commitment: call.commitment });
    await (await s.slashing.commitProof(call.commitment)).wait();
    const committedAt = await s.slashing.commitmentBlock(call.commitment);
    expect(committedAt).to.be.greaterThan(0n);

    const { result, out } = await runTask<{ commitTx: SentTx | null; tx: SentTx; slashed: bigint }>(
      "fault:prove",
      { file: bad },
    );
    expect(out).to.include(`Resuming with the claim in ${claimFileOf(bad)}.`);
    expect(out).to.include(`commitProof: already on chain since block ${committedAt}; not sent again.`);
    expect(result.commitTx).to.equal(null);
    expect(result.slashed).to.equal(parsePush("10000"));
    const [ev] = await s.slashing.queryFilter(s.slashing.filters.FaultProven(offenceId));
    expect(ev.args.reporter).to.equal(deployer.address);
    expect(await s.slashing.commitmentBlock(call.commitment), "used").to.equal(0n);
  });

  it("gov:slash: over the cap refused locally; within it, through the timelock", async function () {
    const [deployer] = await hre.ethers.getSigners();
    const s = await setup();
    await expectRefused(
      "gov:slash",
      { node: s.node.address, amount: "10001", reason: "too much" },
      "10,001 PUSH is over the cap of one governance slash: 10,000 PUSH (10% of the node's 100,000 PUSH); nothing was sent.",
      [deployer.address],
    );
    const first = await runTask<GovResult>("gov:slash", {
      node: s.node.address,
      amount: "2500",
      reason: "misconduct",
    });
    expect(first.result.state).to.equal("Waiting");
    const done = await runTask<GovResult>("gov:slash", {
      node: s.node.address,
      amount: "2500",
      reason: "misconduct",
      execute: true,
    });
    expect(done.result.state).to.equal("Done");
    expect(done.out).to.include("now holds 97,500 PUSH");
  });

  it("gov:dispute: open (bond, lock), accept through the timelock; open, reject; open, expire", async function () {
    const s = await setup();
    const [deployer] = await hre.ethers.getSigners();
    const balance = await s.token.balanceOf(deployer.address);
    const opened = await runTask<{ disputeId: bigint }>("gov:dispute", {
      action: "open",
      node: s.node.address,
      fault: "UNAVAILABLE",
      evidence: "offline from block 10 to block 20",
    });
    expect(opened.result.disputeId).to.equal(1n);
    expect(opened.out).to.match(/Dispute 1 opened: bond 1,000 PUSH/);
    expect(await s.token.balanceOf(deployer.address)).to.equal(balance - parsePush("1000"));
    const accepted = await runTask<GovResult>("gov:dispute", { action: "accept", id: "1", execute: true });
    expect(accepted.result.state).to.equal("Done");
    expect(accepted.out).to.include("Dispute 1 is now Accepted.");
    expect(await s.token.balanceOf(deployer.address)).to.equal(balance);
    await expectRefused(
      "gov:dispute",
      { action: "reject", id: "1" },
      "Dispute 1 is Accepted, not open; nothing was sent.",
      [deployer.address],
    );
    await expectRefused(
      "gov:dispute",
      { action: "open", node: s.node.address, evidence: "offline from block 10 to block 20" },
      /already slashed/,
      [deployer.address],
    );

    // one UNAVAILABLE offence per node per 7-day period: the next disputes are about an earlier period
    const block = await hre.ethers.provider.getBlock("latest");
    const earlier = String(block!.timestamp - 8 * 86_400);
    await runTask("gov:dispute", {
      action: "open",
      node: s.node.address,
      evidence: "second outage",
      occurredAt: earlier,
    });
    await runTask<GovResult>("gov:dispute", { action: "reject", id: "2", execute: true });
    expect((await s.court.dispute(2n)).status).to.equal(3n);

    await runTask("gov:dispute", {
      action: "open",
      node: s.node.address,
      evidence: "third outage",
      occurredAt: earlier,
    });
    await expectRefused(
      "gov:dispute",
      { action: "expire", id: "3" },
      /can be expired after .* not before; nothing was sent\./,
      [deployer.address],
    );
    await hre.network.provider.send("evm_increaseTime", [14 * 86_400 + 1]);
    await hre.network.provider.send("evm_mine", []);
    const expired = await runTask<SentTx>("gov:dispute", { action: "expire", id: "3" });
    expect(expired.out).to.include(
      "Dispute 3 expired: 500 PUSH of the bond went back to " +
        deployer.address +
        ", 500 PUSH was kept by the treasury.",
    );
    expect((await s.court.dispute(3n)).status).to.equal(4n);
    await expectRefused(
      "gov:dispute",
      { action: "open", node: s.node.address, fault: "MALFORMED", evidence: "x" },
      "--fault must be BAD_SIGNATURE or UNAVAILABLE",
    );
    // BAD_SIGNATURE names the attested message: its offence is Slashing's messageOffenceId(node, digest)
    await expectRefused(
      "gov:dispute",
      { action: "open", node: s.node.address, fault: "BAD_SIGNATURE", evidence: "x" },
      /--digest is needed for BAD_SIGNATURE/,
    );
    const digest = hre.ethers.id("the attested message");
    const bad = await runTask<{ disputeId: bigint }>("gov:dispute", {
      action: "open",
      node: s.node.address,
      fault: "BAD_SIGNATURE",
      evidence: "ed25519 signature does not verify",
      digest,
    });
    expect((await s.court.dispute(bad.result.disputeId)).offenceId).to.equal(
      hre.ethers.keccak256(
        hre.ethers.AbiCoder.defaultAbiCoder().encode(["address", "bytes32"], [s.node.address, digest]),
      ),
    );
  });

  it("rewards:show and rewards:claim: the reporter's reward from fault:prove, paid to its wallet", async function () {
    const [deployer] = await hre.ethers.getSigners();
    const s = await setup();
    await expectRefused(
      "rewards:claim",
      {},
      new RegExp(
        `^${deployer.address} has no reporter reward to claim in the StakingVault 0x[0-9a-fA-F]{40}; nothing was sent\\.$`,
      ),
      [deployer.address],
    );
    await runTask("fault:prove", { file: await s.proofFile({ version: 7 }) });
    const wallet = await s.token.balanceOf(deployer.address);
    const shown = await runTask<{ wallet: bigint; rewards: bigint }>("rewards:show", {});
    expect(shown.result).to.include({ wallet, rewards: parsePush("5000") });
    expect(shown.out).to.include(`PUSH of ${deployer.address} on "hardhat":`);
    expect(shown.out).to.include("unclaimed reward  5,000 PUSH (rewards:claim pays it to the wallet)");
    const operator = await runTask<{ bonded: bigint; nodes: number }>("rewards:show", { account: "1" });
    expect(operator.result).to.include({ bonded: parsePush("90000"), nodes: 1 });

    const { result, out } = await runTask<SentTx & { amount: bigint }>("rewards:claim", {});
    expect(result.amount).to.equal(parsePush("5000"));
    expect(out).to.include(`claim 5,000 PUSH of reporter rewards: tx ${result.hash}`);
    expect(out).to.include(`Claimed 5,000 PUSH to ${deployer.address}`);
    expect(await s.token.balanceOf(deployer.address)).to.equal(wallet + parsePush("5000"));
    expect((await runTask<{ rewards: bigint }>("rewards:show", {})).result.rewards).to.equal(0n);
    await expectRefused("rewards:claim", {}, "has no reporter reward to claim", [deployer.address]);
  });
});
