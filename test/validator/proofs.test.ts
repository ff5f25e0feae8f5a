import { expect } from "chai";
import hre from "hardhat";
import { AbiCoder, Interface, Wallet, keccak256 } from "ethers";
import { decodeEnvelope, decodeSignedAttestation, signAttestation } from "../../src/message";
import { FAULT_CODE, SLASHING_FRAGMENTS, SLASHING_INTERFACE } from "../../src/validator/abi";
import {
  buildEquivocationProof,
  buildMessageProof,
  equivocationOffenceId,
  messageOffenceId,
} from "../../src/validator/proofs";
import envelopes from "../vectors/envelopes.json";

describe("validator: proofs", function () {
  const domain = { chainId: BigInt(envelopes.chainId), verifyingContract: envelopes.verifyingContract };
  const c = envelopes.cases.find((x) => x.name === "malformed-version")!;

  it("computes offenceIds as ISlashing documents them", function () {
    const coder = AbiCoder.defaultAbiCoder();
    const node = envelopes.nodeSigner;
    expect(messageOffenceId("BAD_SIGNATURE", node, c.digest)).to.equal(
      keccak256(coder.encode(["uint8", "address", "bytes32"], [4, node, c.digest])),
    );
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
    });
    const call = SLASHING_INTERFACE.parseTransaction({ data: p.data })!;
    expect(call.name).to.equal("proveMalformed");
    expect(call.args.message.version).to.equal(2n);
    expect(call.args.attestation.digest).to.equal(c.digest);
    expect(call.args.nodeSignature).to.equal(attestation.signature);
    expect(p.offenceId).to.equal(messageOffenceId("MALFORMED", envelopes.nodeSigner, c.digest));
    const plain = buildMessageProof({
      faultCode: "WRONG_ENCRYPTION",
      node: envelopes.nodeSigner,
      envelope,
      attestation,
      recipientActiveKey: "0x" + "11".repeat(32),
    });
    expect(SLASHING_INTERFACE.parseTransaction({ data: plain.data })!.args.recipientActiveKey).to.equal(
      "0x" + "11".repeat(32),
    );
    expect(() =>
      buildMessageProof({ faultCode: "BAD_SIGNATURE", node: envelopes.nodeSigner, envelope, attestation }),
    ).to.throw(/public key/);
  });

  it("encodes equivocation proofs and refuses pairs with different sequences", async function () {
    const w = Wallet.createRandom();
    const a = await signAttestation(
      w,
      { digest: c.digest, signatureHash: c.digest, sequence: 3n, attestedAt: 1n },
      domain,
    );
    const b = await signAttestation(
      w,
      { digest: c.digest, signatureHash: c.digest, sequence: 3n, attestedAt: 2n },
      domain,
    );
    const p = buildEquivocationProof(w.address, a, b);
    expect(p.offenceId).to.equal(equivocationOffenceId(w.address, 3n));
    expect(SLASHING_INTERFACE.parseTransaction({ data: p.data })!.name).to.equal("proveEquivocation");
    expect(() => buildEquivocationProof(w.address, a, { ...b, sequence: 4n })).to.throw(/same sequence/);
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
