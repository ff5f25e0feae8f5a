import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { decodeEnvelope, decodeSignedAttestation, signAttestation } from "../../src/message";
import { SLASHING_INTERFACE } from "../../src/validator/abi";
import { buildEquivocationProof, buildMessageProof } from "../../src/validator/proofs";
import type { Proof } from "../../src/validator/proofs";
import { ValidatorStore } from "../../src/validator/store";
import { exportProofs, proofFileName, proofJsonOf } from "../../src/validator/proof-export";
import { proofCall } from "../../src/slashing/proof-file";
import envelopes from "../vectors/envelopes.json";

/**
 * validator:export's files are fault:prove's input: for every fault class, the proof the validator would
 * send, exported and read back by src/slashing/proof-file.ts with the same claim, is the same call.
 */
describe("validator: proof export round trip", function () {
  const domain = { chainId: BigInt(envelopes.chainId), verifyingContract: envelopes.verifyingContract };
  const c = envelopes.cases.find((x) => x.name === "malformed-version")!;
  const claim = { reporter: "0x" + "77".repeat(20), salt: "0x" + "5a".repeat(32) };

  function roundTrip(p: Proof): void {
    const json = proofJsonOf({
      offenceId: p.offenceId,
      node: p.node,
      faultCode: p.faultCode,
      data: p.data,
      state: "simulated",
      reason: "",
    });
    expect(json.fault).to.equal(p.faultCode);
    const call = proofCall(JSON.parse(JSON.stringify(json)), domain, claim);
    expect(call.method).to.equal(p.method);
    expect(call.node).to.equal(p.node);
    expect(call.offenceId).to.equal(p.offenceId);
    expect(call.commitment).to.equal(p.commitment);
    expect(SLASHING_INTERFACE.encodeFunctionData(call.method, call.args)).to.equal(p.data);
  }

  it("MALFORMED, UNAUTHORIZED_SENDER, WRONG_ENCRYPTION and BAD_SIGNATURE", function () {
    const envelope = decodeEnvelope(c.envelope);
    const attestation = decodeSignedAttestation(c.attestation);
    const node = envelopes.nodeSigner;
    for (const faultCode of [
      "MALFORMED",
      "UNAUTHORIZED_SENDER",
      "WRONG_ENCRYPTION",
      "BAD_SIGNATURE",
    ] as const)
      roundTrip(
        buildMessageProof({
          faultCode,
          node,
          envelope,
          attestation,
          claim,
          recipientActiveKey: "0x" + "ab".repeat(32),
          senderPublicKey: Uint8Array.from([1, 2, 3, 4]),
        }),
      );
  });

  it("EQUIVOCATION pairs, and the files written from a validator's state", async function () {
    const node = Wallet.createRandom();
    const a = decodeSignedAttestation(c.attestation);
    const one = await signAttestation(node, { ...a, sequence: 7n }, domain);
    const two = await signAttestation(node, { ...a, sequence: 7n, digest: "0x" + "cd".repeat(32) }, domain);
    const p = buildEquivocationProof(node.address, one, two, claim);
    roundTrip(p);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "proof-export-"));
    try {
      const store = ValidatorStore.open(path.join(dir, "state"));
      store.addProof({
        ...p,
        reporter: p.claim.reporter,
        salt: p.claim.salt,
        reason: "same sequence",
        visibleAt: Date.now(),
      });
      store.close();
      const written = exportProofs(path.join(dir, "state"), path.join(dir, "out"));
      expect(written).to.have.length(1);
      expect(path.basename(written[0].file)).to.equal(proofFileName(written[0].proof));
      expect(path.basename(written[0].file)).to.equal(
        `equivocation-${node.address}-${p.offenceId.slice(2, 10)}.json`,
      );
      const onDisk = JSON.parse(fs.readFileSync(written[0].file, "utf8")) as { attestations: unknown[] };
      expect(onDisk.attestations).to.have.length(2);
      // Proven ones are left out unless asked for.
      const s = ValidatorStore.open(path.join(dir, "state"));
      s.updateProof(p.offenceId, "consumed", { detail: "test" });
      s.close();
      expect(exportProofs(path.join(dir, "state"), path.join(dir, "out2"))).to.deep.equal([]);
      expect(
        exportProofs(path.join(dir, "state"), path.join(dir, "out3"), { includeProven: true }),
      ).to.have.length(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
