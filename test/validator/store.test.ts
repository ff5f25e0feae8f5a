import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ValidatorStore, seqKey } from "../../src/validator/store";
import type { NewProof, StoredAttestation } from "../../src/validator/store";

describe("validator: SQLite state", function () {
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "validator-store-"));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  const node = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  const proof = (id: string): NewProof => ({
    offenceId: id,
    node,
    faultCode: "MALFORMED",
    method: "proveMalformed",
    data: "0x1234",
    digest: "0x" + "ab".repeat(32),
    sequence: 7n,
    reason: "MALFORMED (VERSION)",
    visibleAt: 1,
  });
  const att = (
    sequence: bigint,
    hash: string,
    position = sequence,
    attestedAt = 100n,
  ): StoredAttestation => ({
    node,
    position,
    sequence,
    structHash: hash,
    digest: "0x" + "01".repeat(32),
    signatureHash: "0x" + "02".repeat(32),
    attestedAt,
    signature: "0x" + "03".repeat(65),
    verdict: "valid",
  });

  it("orders uint64 keys numerically", function () {
    expect(seqKey(9n) < seqKey(10n)).to.equal(true);
    expect(seqKey((1n << 64n) - 1n)).to.have.length(20);
  });

  it("records a proof once per offenceId and logs every state change", function () {
    const s = ValidatorStore.open(tmp());
    try {
      expect(s.addProof(proof("0x01"))).to.equal(true);
      expect(s.addProof(proof("0x01")), "the same offence again").to.equal(false);
      s.updateProof("0x01", "simulated");
      s.updateProof("0x01", "sent", { txHash: "0xaa", nonce: 3, rawTx: "0xraw" });
      s.updateProof("0x01", "mined", { blockNumber: 9, blockHash: "0xbb" });
      s.updateProof("0x01", "mined", { final: true });
      const p = s.proof("0x01")!;
      expect([p.state, p.final, p.txHash, p.nonce, p.rawTx, p.blockNumber]).to.deep.equal([
        "mined",
        true,
        "0xaa",
        3,
        "0xraw",
        9,
      ]);
      expect(s.proofLog("0x01").map((l) => l.to)).to.deep.equal(["found", "simulated", "sent", "mined"]);
      expect(s.openProofs()).to.deep.equal([]);
      expect(s.sentTransactions()).to.deep.equal(["0xaa"]);
      expect(s.proofCounts().mined).to.equal(1);
      expect(() => s.updateProof("0x02", "found")).to.throw(/unknown proof/);
    } finally {
      s.close();
    }
  });

  it("finds conflicting attestations of a sequence and keeps everything across reopening", function () {
    const dir = tmp();
    let s = ValidatorStore.open(dir);
    s.atomically(() => {
      expect(s.addAttestation(att(1n, "0xa1"))).to.deep.equal([]);
      expect(s.addAttestation(att(1n, "0xa1")), "the same again is no conflict").to.deep.equal([]);
      s.addAttestation(att(2n, "0xa2", 2n, 200n));
      s.setCursor(node, 2n);
    });
    s.close();
    s = ValidatorStore.open(dir);
    try {
      const others = s.addAttestation(att(1n, "0xb1", 3n));
      expect(others.map((o) => o.structHash)).to.deep.equal(["0xa1"]);
      expect(s.cursor(node)).to.equal(2n);
      expect(s.firstPositionAttestedSince(node, 150n)).to.equal(2n);
      expect(s.firstPositionAttestedSince(node, 0n)).to.equal(1n);
      expect(s.firstPositionAttestedSince(node, 1000n)).to.equal(null);
      expect(s.attestationCount(node)).to.equal(3);
    } finally {
      s.close();
    }
  });

  it("a transaction that throws leaves nothing behind", function () {
    const s = ValidatorStore.open(tmp());
    try {
      expect(() =>
        s.atomically(() => {
          s.addProof(proof("0x05"));
          s.setCursor(node, 5n);
          throw new Error("crash inside the page");
        }),
      ).to.throw("crash inside the page");
      expect(s.proof("0x05")).to.equal(undefined);
      expect(s.cursor(node)).to.equal(null);
    } finally {
      s.close();
    }
  });
});
