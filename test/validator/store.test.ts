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
    reporter: node,
    salt: "0x" + "5a".repeat(32),
    commitment: "0x" + "c0".repeat(32),
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
    signatureSize: 173,
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

  it("keeps the claim from the first record, and the commitment transaction across reopening", function () {
    const dir = tmp();
    let s = ValidatorStore.open(dir);
    expect(s.addProof(proof("0x07"))).to.equal(true);
    expect(s.addProof({ ...proof("0x07"), salt: "0x" + "99".repeat(32) }), "found again").to.equal(false);
    s.updateProof("0x07", "committing", { commitTxHash: "0xc1", commitNonce: 4, commitRawTx: "0xrawc" });
    s.close();
    s = ValidatorStore.open(dir);
    try {
      const p = s.proof("0x07")!;
      expect([p.state, p.salt, p.reporter, p.commitment]).to.deep.equal([
        "committing",
        "0x" + "5a".repeat(32),
        node,
        "0x" + "c0".repeat(32),
      ]);
      expect([p.commitTxHash, p.commitNonce, p.commitRawTx]).to.deep.equal(["0xc1", 4, "0xrawc"]);
      s.updateProof("0x07", "committed", { commitBlockNumber: 12 });
      s.updateProof("0x07", "simulated");
      s.updateProof("0x07", "sent", { txHash: "0xaa", nonce: 5, rawTx: "0xraw" });
      expect(s.commitTransactions()).to.deep.equal(["0xc1"]);
      expect(s.sentTransactions()).to.deep.equal(["0xaa"]);
      expect(s.proof("0x07")!.commitBlockNumber).to.equal(12);
      expect(s.proofLog("0x07").map((l) => [l.to, l.txHash])).to.deep.equal([
        ["found", null],
        ["committing", "0xc1"],
        ["committed", null],
        ["simulated", null],
        ["sent", "0xaa"],
      ]);
    } finally {
      s.close();
    }
  });

  it("finds an attestation that breaks the monotonic attestedAt, on either side", function () {
    const s = ValidatorStore.open(tmp());
    try {
      s.addAttestation(att(1n, "0xa1", 1n, 100n));
      s.addAttestation(att(2n, "0xa2", 2n, 100n)); // equal time: fine
      s.addAttestation(att(5n, "0xa5", 5n, 300n));
      expect(s.outOfOrderWith(node, 3n, 350n)?.sequence, "a later sequence attested earlier").to.equal(5n);
      expect(s.outOfOrderWith(node, 6n, 99n)?.sequence, "an earlier sequence attested later").to.equal(1n);
      expect(s.outOfOrderWith(node, 6n, 300n)).to.equal(undefined);
      expect(s.outOfOrderWith(node, 3n, 200n)).to.equal(undefined);
      expect(s.outOfOrderWith(node, 4n, 300n)).to.equal(undefined);
      expect(s.outOfOrderWith("0x" + "00".repeat(20), 6n, 1n)).to.equal(undefined);
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
