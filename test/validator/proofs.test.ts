import { expect } from "chai";
import hre from "hardhat";
import { AbiCoder, Interface, Wallet, keccak256 } from "ethers";
import { decodeEnvelope, decodeSignedAttestation, signAttestation } from "../../src/message";
import { FAULT_CODE, SLASHING_FRAGMENTS, SLASHING_INTERFACE } from "../../src/validator/abi";
import {
  buildEquivocationProof,
  buildMessageProof,
  commitmentOf,
  equivocationOffenceId,
  messageOffenceId,
  newClaim,
} from "../../src/validator/proofs";
import envelopes from "../vectors/envelopes.json";

describe("validator: proofs", function () {
  const domain = { chainId: BigInt(envelopes.chainId), verifyingContract: envelopes.verifyingContract };
  const c = envelopes.cases.find((x) => x.name === "malformed-version")!;
  const claim = { reporter: "0x" + "77".repeat(20), salt: "0x" + "5a".repeat(32) };

  it("computes offenceIds as ISlashing documents them", function () {
    const coder = AbiCoder.defaultAbiCoder();
    const node = envelopes.nodeSigner;
    expect(messageOffenceId(node, c.digest)).to.equal(
      keccak256(coder.encode(["address", "bytes32"], [node, c.digest])),
    );
    expect(commitmentOf(claim, c.digest)).to.equal(
      keccak256(coder.encode(["address", "bytes32", "bytes32"], [claim.reporter, claim.salt, c.digest])),
    );
    const fresh = [newClaim(node), newClaim(node)];
    expect(fresh[0].salt).to.match(/^0x[0-9a-f]{64}$/);
    expect(fresh[0].salt).to.not.equal(fresh[1].salt);
    expect(equivocationOffenceId(node, 12n)).to.equal(
      keccak256(coder.encode(["uint8", "address", "uint64"], [5, node, 12n])),
    );
    expect(FAULT_CODE).to.deep.equal({
      MALFORMED: 1,
      UNAUTHORIZED_SENDER: 2,
      WRONG_ENCRYPTION: 3,
      BAD_SIGNATURE: 4,
      EQUIVOCATION: 5,
    });
  });

  it("encodes message proofs for the entry point of their fault", function () {
    const envelope = decodeEnvelope(c.envelope);
    const attestation = decodeSignedAttestation(c.attestation);
    const p = buildMessageProof({
      faultCode: "MALFORMED",
      node: envelopes.nodeSigner,
      envelope,
      attestation,
      claim,
    });
    const call = SLASHING_INTERFACE.parseTransaction({ data: p.data })!;
    expect(call.name).to.equal("proveMalformed");
    expect([call.args.claim.reporter.toLowerCase(), call.args.claim.salt]).to.deep.equal([
      claim.reporter,
      claim.salt,
    ]);
    expect(p.commitment).to.equal(commitmentOf(claim, p.offenceId));
    expect(call.args.message.version).to.equal(2n);
    expect(call.args.attestation.digest).to.equal(c.digest);
    expect(call.args.nodeSignature).to.equal(attestation.signature);
    expect(p.offenceId).to.equal(messageOffenceId(envelopes.nodeSigner, c.digest));
    const plain = buildMessageProof({
      faultCode: "WRONG_ENCRYPTION",
      node: envelopes.nodeSigner,
      envelope,
      attestation,
      claim,
      recipientActiveKey: "0x" + "11".repeat(32),
    });
    expect(SLASHING_INTERFACE.parseTransaction({ data: plain.data })!.args.recipientActiveKey).to.equal(
      "0x" + "11".repeat(32),
    );
    expect(() =>
      buildMessageProof({
        faultCode: "BAD_SIGNATURE",
        node: envelopes.nodeSigner,
        envelope,
        attestation,
        claim,
      }),
    ).to.throw(/public key/);
    // A signature whose length is not the attested size is proven without the key.
    const sized = buildMessageProof({
      faultCode: "BAD_SIGNATURE",
      node: envelopes.nodeSigner,
      envelope,
      attestation: { ...attestation, signatureSize: attestation.signatureSize + 1 },
      claim,
    });
    expect(SLASHING_INTERFACE.parseTransaction({ data: sized.data })!.args.publicKey).to.equal("0x");
  });

  it("encodes equivocation proofs: same sequence, or attestedAt going back (id of the larger sequence)", async function () {
    const w = Wallet.createRandom();
    const base = { digest: c.digest, signatureHash: c.digest, signatureSize: 100 };
    const a = await signAttestation(w, { ...base, sequence: 3n, attestedAt: 10n }, domain);
    const b = await signAttestation(w, { ...base, sequence: 3n, attestedAt: 11n }, domain);
    const p = buildEquivocationProof(w.address, a, b, claim);
    expect(p.offenceId).to.equal(equivocationOffenceId(w.address, 3n));
    const call = SLASHING_INTERFACE.parseTransaction({ data: p.data })!;
    expect(call.name).to.equal("proveEquivocation");
    expect(call.args.claim.salt).to.equal(claim.salt);
    const later = await signAttestation(w, { ...base, sequence: 9n, attestedAt: 9n }, domain);
    for (const [x, y] of [
      [a, later],
      [later, a],
    ]) {
      const back = buildEquivocationProof(w.address, x, y, claim);
      expect(back.offenceId).to.equal(equivocationOffenceId(w.address, 9n));
      expect(back.sequence).to.equal(9n);
    }
    const inOrder = await signAttestation(w, { ...base, sequence: 9n, attestedAt: 10n }, domain);
    expect(() => buildEquivocationProof(w.address, a, inOrder, claim)).to.throw(/same sequence/);
  });

  it("every ABI fragment the validator uses is in the compiled Slashing contract", async function () {
    if (!(await hre.artifacts.artifactExists("Slashing"))) {
      console.log("      (skipped: the Slashing contract is not in this checkout yet)");
      this.skip();
    }
    const compiled = new Interface((await hre.artifacts.readArtifact("Slashing")).abi);
    const ours = new Interface([...SLASHING_FRAGMENTS]);
    for (const f of [...ours.fragments]) {
      if (f.type === "function")
        expect(compiled.getFunction(f.format("sighash")), f.format()).to.not.equal(null);
      if (f.type === "event") expect(compiled.getEvent(f.format("sighash")), f.format()).to.not.equal(null);
      if (f.type === "error") expect(compiled.getError(f.format("sighash")), f.format()).to.not.equal(null);
    }
  });
});
