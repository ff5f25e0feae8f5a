import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { Interface } from "ethers";
import { openDatabase } from "../../src/store/sqlite";
import { PUSH_PROOFS_FRAGMENTS, PUSH_PROOFS_INTERFACE } from "../../src/validator/abi";
import { describeRevert } from "../../src/validator/submitter";
import { readStoredProofs } from "../../src/validator/proof-export";
import { MIGRATIONS, ValidatorStore } from "../../src/validator/store";
import type { NewProof } from "../../src/validator/store";

/**
 * The validator's state for Push proofs: migration 3 adds `target` and `evidence` to the proofs of an existing data
 * directory without touching its rows (envelope proofs keep going to Slashing), and validator:export reads data
 * directories from before it. The PushProofs fragments the validator encodes are the compiled contract's.
 */
describe("validator: Push proofs in the SQLite state", function () {
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "validator-push-store-"));
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

  it("migrates a version-2 data directory: its proofs are kept, with no target (Slashing) and no evidence", function () {
    const dir = tmp();
    const old = openDatabase({ dataDir: dir, file: "validator.sqlite", migrations: MIGRATIONS.slice(0, 2) });
    old
      .prepare(
        "INSERT INTO proofs (offence_id, node, fault_code, method, data, digest, seq, reason, reporter, salt, " +
          "commitment, state, final, found_at, visible_at, updated_at) VALUES (?, ?, 'MALFORMED', 'proveMalformed', " +
          "'0x1234', ?, '00000000000000000007', 'r', ?, ?, ?, 'committed', 0, 1, 1, 1)",
      )
      .run(
        "0x" + "01".repeat(32),
        node,
        "0x" + "ab".repeat(32),
        node,
        "0x" + "5a".repeat(32),
        "0x" + "c0".repeat(32),
      );
    old.close();
    // validator:export reads a data directory of before migration 3.
    expect(readStoredProofs(dir).map((p) => [p.offenceId, p.evidence])).to.deep.equal([
      ["0x" + "01".repeat(32), null],
    ]);

    const store = ValidatorStore.open(dir);
    const [kept] = store.proofs();
    expect([kept.offenceId, kept.state, kept.target, kept.evidence]).to.deep.equal([
      "0x" + "01".repeat(32),
      "committed",
      null,
      null,
    ]);
    expect(
      store.addProof({ ...proof("0x" + "02".repeat(32)), target: node, evidence: '{"format":"push"}' }),
    ).to.equal(true);
    store.close();
    const again = ValidatorStore.open(dir);
    const push = again.proof("0x" + "02".repeat(32))!;
    expect([push.target, push.evidence]).to.deep.equal([node, '{"format":"push"}']);
    expect(readStoredProofs(dir).find((p) => p.offenceId === push.offenceId)?.evidence).to.equal(
      '{"format":"push"}',
    );
    again.close();
  });

  it("every PushProofs fragment the validator uses is in the compiled PushProofs contract", async function () {
    const compiled = new Interface((await hre.artifacts.readArtifact("PushProofs")).abi);
    for (const f of new Interface([...PUSH_PROOFS_FRAGMENTS]).fragments) {
      if (f.type === "function")
        expect(compiled.getFunction(f.format("sighash")), f.format()).to.not.equal(null);
      if (f.type === "error" && !f.format().startsWith("PushJson"))
        expect(compiled.getError(f.format("sighash")), f.format()).to.not.equal(null);
    }
  });

  it("decodes PushProofs' and Slashing's reverts of Push proofs (describeRevert), a paused Slashing among them", function () {
    expect(describeRevert(PUSH_PROOFS_INTERFACE.encodeErrorResult("PushProofsNoFault", [4]))).to.deep.equal({
      name: "PushProofsNoFault",
      text: "PushProofsNoFault(faultCode=4)",
    });
    expect(describeRevert(PUSH_PROOFS_INTERFACE.encodeErrorResult("SlashingPaused", [])).name).to.equal(
      "SlashingPaused",
    );
  });
});
