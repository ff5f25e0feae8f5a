// Security issue, low: "one offence, one slash, across Slashing and SlashingCourt". The same invalid message
// (a BAD_SIGNATURE attested by a node) can reach both a fault proof and a governance dispute; whichever is
// decided first consumes messageOffenceId(node, digest) in Slashing's ledger and the other cannot slash again.
// These tests use real proofs (P-256 signature corrupted, commit-reveal) and real disputes.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { Wallet } from "ethers";
import type { World, Proof } from "./fixture";
import { Fault, args, deployWorld, messageOffenceId, now, vectorKey } from "./fixture";
import { openDispute } from "./court-helpers";

async function world(): Promise<World> {
  return deployWorld();
}

/** `node` attests a message of alice's whose P-256 signature has its last byte flipped. */
async function badSignature(w: World, node: Wallet): Promise<{ proof: Proof; publicKey: Uint8Array }> {
  const key = await vectorKey("p256");
  await w.addKey(w.alice, key);
  const m = await w.message(w.alice.address, w.bob.address, key);
  const sig = Uint8Array.from(m.signature);
  sig[sig.length - 1] ^= 0x01;
  return { proof: await w.attest(node, { message: m.message, signature: sig }), publicKey: key.publicKey };
}

describe("One offence, one slash: a real BAD_SIGNATURE proof and a dispute of the same message", function () {
  it("a dispute accepted first: the proof of the same message then reverts, stake untouched", async function () {
    const w = await loadFixture(world);
    const node = await w.registerNode();
    const { proof, publicKey } = await badSignature(w, node);
    const offenceId = messageOffenceId(node.address, proof.attestation.digest);
    const { id } = await openDispute(
      w,
      w.reporter,
      node.address,
      Fault.BadSignature,
      await now(),
      "0x01",
      proof.attestation.digest,
    );
    await w.court.connect(w.governor).acceptDispute(id);
    expect(await w.slashing.isOffenceConsumed(offenceId)).to.equal(true);
    const stake = await w.stakeOf(node.address);
    await expect(
      w.slashing.proveBadSignature(...args(proof), proof.signature, publicKey, proof.claim),
    ).to.be.revertedWithCustomError(w.slashing, "SlashingOffenceConsumed");
    expect(await w.stakeOf(node.address)).to.equal(stake);
  });

  it("a proof first: the open dispute of the same message can no longer be accepted, nor a new one opened", async function () {
    const w = await loadFixture(world);
    const node = await w.registerNode();
    const { proof, publicKey } = await badSignature(w, node);
    const digest = proof.attestation.digest;
    const offenceId = messageOffenceId(node.address, digest);
    const { id } = await openDispute(
      w,
      w.other,
      node.address,
      Fault.BadSignature,
      await now(),
      "0x01",
      digest,
    );
    await expect(
      w.slashing.proveBadSignature(...args(proof), proof.signature, publicKey, proof.claim),
    ).to.emit(w.slashing, "FaultProven");
    const stake = await w.stakeOf(node.address);
    await expect(w.court.connect(w.governor).acceptDispute(id))
      .to.be.revertedWithCustomError(w.court, "SlashingCourtOffenceConsumed")
      .withArgs(offenceId);
    expect(await w.stakeOf(node.address)).to.equal(stake);
    await expect(
      openDispute(w, w.other, node.address, Fault.BadSignature, await now(), "0x02", digest),
    ).to.be.revertedWithCustomError(w.court, "SlashingCourtOffenceConsumed");
  });

  it("the same message proven under another fault code afterwards is the same offence", async function () {
    const w = await loadFixture(world);
    const node = await w.registerNode();
    const { proof, publicKey } = await badSignature(w, node);
    await w.slashing.proveBadSignature(...args(proof), proof.signature, publicKey, proof.claim);
    // The message is well formed, but a MALFORMED proof would also be this offence: it cannot slash again.
    await expect(w.slashing.proveMalformed(...args(proof), proof.claim)).to.be.revertedWithCustomError(
      w.slashing,
      "SlashingOffenceConsumed",
    );
  });
});
