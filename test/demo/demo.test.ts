import { expect } from "chai";
import hre from "hardhat";
import { main } from "../../scripts/demo";
import type { DemoContext } from "../../scripts/demo";

/**
 * `npm run demo` end to end (its main function on the embedded network): deploy, four Push Nodes over an
 * in-process JSON-RPC server, keys registered directly and through a relayer, honest and invalid messages,
 * the validator proving the faulty node's messages (two envelopes and one forged Push Chat SDK message). The faulty node ends Banned with less stake, the honest
 * ones keep theirs, and the reporter is paid.
 */
describe("npm run demo", function () {
  this.timeout(120_000);
  let ctx: DemoContext;
  let out: string;

  before(async function () {
    const lines: string[] = [];
    const original = console.log;
    console.log = (...parts: unknown[]) => {
      lines.push(parts.map(String).join(" "));
    };
    try {
      ctx = await main(hre, (line) => lines.push(line));
    } finally {
      console.log = original;
      out = lines.join("\n");
    }
  });

  it("runs every step and prints the summary", function () {
    expect(out).to.match(/== 1\. Deploy the protocol/);
    expect(out).to.match(/Demo finished in [\d.]+ s\./);
    expect(out).to.match(/node \(signer\)\s+role\s+status\s+bonded PUSH\s+unbonding PUSH\n/);
    expect(out).to.include("Faults found: 3 (BAD_SIGNATURE, UNAUTHORIZED_SENDER)");
    expect(out).to.match(/to the reporter 0x[0-9a-fA-F]{40}: [\d,.]+ PUSH/);
  });

  it("the faulty node ends Banned (its third slash reaches slashesBeforeBan) with a lower stake; the honest nodes keep theirs", function () {
    expect(out).to.match(/Withdrew 10,000 PUSH to 0x[0-9a-fA-F]{40}/);
    expect(ctx.statusRows.map((r) => r.role)).to.deep.equal(["validator", "storage", "delivery", "archive"]);
    for (const n of ctx.nodes) {
      const before = ctx.statusBefore.find((r) => r.node === n.signer.address)!;
      const after = ctx.statusRows.find((r) => r.node === n.signer.address)!;
      expect(before.status).to.equal("Active");
      expect(before.bonded).to.equal(hre.ethers.parseEther(n.stake));
      if (n.accept) {
        expect(after.status, n.role).to.equal("Banned");
        expect(after.bonded + after.unbonding).to.be.lessThan(before.bonded);
        expect(before.bonded - after.bonded - after.unbonding).to.equal(ctx.slashed);
      } else {
        // The storage operator topped up 15,000 PUSH, unstaked 10,000 and withdrew it after the unbonding
        // period; every other honest node keeps exactly its stake.
        const change = n.role === "storage" ? hre.ethers.parseEther("5000") : 0n;
        expect(after.status, n.role).to.equal("Active");
        expect(after.bonded, n.role).to.equal(before.bonded + change);
        expect(after.unbonding, n.role).to.equal(0n);
      }
    }
  });

  it("an app on the unmodified Push Chat SDK chats through the storage node; the forged SDK message is proven through PushProofs", function () {
    expect(Object.keys(ctx.sdkUsers)).to.deep.equal(["carol", "dave"]);
    expect(ctx.sdkHistory.map((m) => m.messageContent)).to.deep.equal([
      "encrypted both ways",
      "hello carol, through a Push Node",
      "hi dave, carol here",
    ]);
    expect(ctx.sdkHistory.every((m) => m.encType === "pgp")).to.equal(true);
    // both profiles reached the KeyRegistry through the node's relayer
    expect(out).to.match(
      /carol 0x[0-9a-fA-F]{40}: PushAPI.initialize created the profile; KeyRegistry holds key 0x[0-9a-f]{64}/,
    );
    expect(out).to.match(
      /dave 0x[0-9a-fA-F]{40}: PushAPI.initialize created the profile; KeyRegistry holds key 0x[0-9a-f]{64}/,
    );
    expect(out).to.match(/storage\s+node refused it: HTTP 422 .*BAD_SIGNATURE/);
    const pushProofs = ctx.proofs.filter((p) => p.method === "provePushBadSignature");
    expect(pushProofs, "one proof of the forged SDK message").to.have.length(1);
  });

  it("every invalid message is proven on chain, only against the faulty node, and the reporter is paid", function () {
    const faulty = ctx.nodes.find((n) => n.accept)!;
    expect(ctx.faults).to.have.length(3);
    expect(ctx.proofs).to.have.length(ctx.faults.length);
    expect(ctx.proofs.map((p) => p.digest).sort()).to.deep.equal(ctx.faults.map((f) => f.digest).sort());
    for (const p of ctx.proofs) {
      expect(p.node).to.equal(faulty.signer.address);
      expect(p.state).to.equal("mined");
      expect(p.txHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(p.commitTxHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(p.commitBlockNumber!, "the proof is mined after its commitment").to.be.lessThan(p.blockNumber!);
      expect(out).to.include(`commitProof tx ${p.commitTxHash}`);
      expect(out).to.include(`${p.method} tx ${p.txHash}`);
    }
    expect(ctx.slashed).to.be.greaterThan(0n);
    expect(ctx.reporterReward).to.be.greaterThan(0n);
    expect(ctx.treasury).to.be.greaterThan(0n);
    expect(ctx.reporterReward + ctx.treasury).to.equal(ctx.slashed);
  });

  it("stops every server it started: the JSON-RPC server, the Push Nodes and the validator refuse connections", async function () {
    const urls = [ctx.rpcUrl!, ...ctx.nodes.map((n) => n.url!), ctx.validatorUrl!];
    expect(urls.every((u) => u.startsWith("http://127.0.0.1:"))).to.equal(true);
    for (const u of urls) {
      let refused = false;
      await fetch(u).catch(() => (refused = true));
      expect(refused, u).to.equal(true);
    }
  });
});
