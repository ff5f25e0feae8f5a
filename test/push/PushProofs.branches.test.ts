// PushProofs branches the scenario suites do not reach (docs/coverage.md): the constructor's zero address, a
// WRONG_ENCRYPTION proof of an encType that is neither "pgp" nor "PlainText", and a BAD_SIGNATURE proof of a header
// whose sigType is neither 2 nor 3 (no verdict: that header is MALFORMED).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Fault } from "../slashing/fixture";
import {
  attestPush,
  attestedOf,
  bodyOf,
  deployPushWorld,
  fullArgs,
  hashedArgs,
  signatureOf,
  vector,
} from "./proofs-fixture";
import { PushMalformedReason } from "../../src/message/push/judge";

describe("PushProofs branches", function () {
  it("the constructor refuses a zero Slashing", async function () {
    const w = await loadFixture(deployPushWorld);
    const factory = await ethers.getContractFactory("PushProofs");
    await expect(factory.deploy(ethers.ZeroAddress)).to.be.revertedWithCustomError(
      w.proofs,
      "PushProofsZeroAddress",
    );
  });

  it("WRONG_ENCRYPTION of an encType outside the two the SDK writes proves nothing (that is MALFORMED)", async function () {
    const w = await loadFixture(deployPushWorld);
    const v = vector("pgpv3-plaintext-ascii");
    const node = await w.registerNode();
    const body = { ...bodyOf(v), encType: "AES" };
    const p = await attestPush(w, node, await attestedOf(w, v, body), signatureOf(v));
    await expect(w.proofs.provePushWrongEncryption(...hashedArgs(p), w.users.bob.keyHash, p.claim))
      .to.be.revertedWithCustomError(w.proofs, "PushProofsNoFault")
      .withArgs(Fault.WrongEncryption);
    expect(await w.proofs.malformedReason(p.m.header, p.m.body, p.attestation)).to.equal(
      PushMalformedReason.EncType,
    );
  });

  it("BAD_SIGNATURE of a header with sigType 1 reverts with PushProofsSigType (no verdict; the header is MALFORMED)", async function () {
    const w = await loadFixture(deployPushWorld);
    const v = vector("pgpv3-pgp-ascii");
    const node = await w.registerNode();
    const m = await attestedOf(w, v);
    m.header.sigType = 1;
    const p = await attestPush(w, node, m, signatureOf(v));
    await expect(
      w.proofs.provePushBadSignature(...fullArgs(p), p.signature, w.users.alice.publicKey, p.claim),
    )
      .to.be.revertedWithCustomError(w.proofs, "PushProofsSigType")
      .withArgs(1);
    expect(await w.proofs.malformedReason(p.m.header, p.m.body, p.attestation)).to.equal(
      PushMalformedReason.SigType,
    );
    expect(await w.slashing.isOffenceConsumed(p.offenceId)).to.equal(false);
  });
});
