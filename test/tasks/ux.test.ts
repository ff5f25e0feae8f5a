// Output meant for a person: compiler warnings, msg:read's equivocation warning, the validator's log lines.
import { expect } from "chai";
import hre from "hardhat";
import { TASK_COMPILE_SOLIDITY_LOG_COMPILATION_ERRORS } from "hardhat/builtin-tasks/task-names";
import type { SolcDiagnostic } from "../../src/compiler-warnings";
import { isKnownDependencyWarning } from "../../src/compiler-warnings";
import { equivocationWarning, findEquivocations } from "../../src/client/equivocation";
import type { AttestedEntry } from "../../src/client/equivocation";
import { chooseLogFormat, createLogger, formatTextRecord } from "../../src/log";

const OZ_TRANSIENT: SolcDiagnostic = {
  severity: "warning",
  errorCode: "2394",
  message:
    "Transient storage as defined by EIP-1153 can break the composability of smart contracts: Since transient storage is cleared only at the end of the transaction ...",
  formattedMessage: "Warning: Transient storage as defined by EIP-1153 (OpenZeppelin)\n",
  sourceLocation: { file: "@openzeppelin/contracts/utils/TransientSlot.sol", start: 1, end: 2 },
};
const OURS: SolcDiagnostic = {
  severity: "warning",
  errorCode: "8760",
  message: "This declaration has the same name as another declaration.",
  formattedMessage: "Warning: This declaration has the same name as another declaration (ours)\n",
  sourceLocation: { file: "contracts/StakingVault.sol", start: 1, end: 2 },
};
const OURS_TRANSIENT: SolcDiagnostic = {
  ...OZ_TRANSIENT,
  formattedMessage: "Warning: Transient storage in our own contract\n",
  sourceLocation: { file: "contracts/Mine.sol", start: 1, end: 2 },
};

async function compilerOutputPrinted(errors: SolcDiagnostic[]): Promise<string> {
  const printed: string[] = [];
  const { warn, error } = console;
  console.warn = (...a: unknown[]) => void printed.push(a.map(String).join(" "));
  console.error = console.warn;
  try {
    await hre.run(TASK_COMPILE_SOLIDITY_LOG_COMPILATION_ERRORS, { output: { errors }, quiet: false });
  } finally {
    console.warn = warn;
    console.error = error;
  }
  return printed.join("\n");
}

describe("compiler warnings", () => {
  it("OpenZeppelin's known transient-storage warning is not printed; our own warnings and errors are", async () => {
    const printed = await compilerOutputPrinted([
      OZ_TRANSIENT,
      OURS,
      OURS_TRANSIENT,
      { ...OZ_TRANSIENT, severity: "error", formattedMessage: "Error: an error in OpenZeppelin\n" },
    ]);
    expect(printed).to.not.include("(OpenZeppelin)");
    expect(printed).to.include("(ours)");
    expect(printed).to.include("Transient storage in our own contract");
    expect(printed).to.include("an error in OpenZeppelin");
  });

  it("only that warning of that file is known", () => {
    expect(isKnownDependencyWarning(OZ_TRANSIENT)).to.equal(true);
    expect(isKnownDependencyWarning(OURS)).to.equal(false);
    expect(isKnownDependencyWarning(OURS_TRANSIENT)).to.equal(false);
    expect(isKnownDependencyWarning({ ...OZ_TRANSIENT, errorCode: "1234" })).to.equal(false);
  });
});

describe("msg:read equivocation warning", () => {
  const att = (sequence: bigint, digest: string) => ({
    digest,
    signatureHash: "0x" + "aa".repeat(32),
    signatureSize: 100,
    sequence,
    attestedAt: 1000n,
  });
  const entry = (
    position: bigint,
    sequence: bigint,
    digest: string,
    attestationOk = true,
  ): AttestedEntry => ({
    position,
    attestation: att(sequence, digest),
    attestationOk,
  });
  const D1 = "0x" + "11".repeat(32);
  const D2 = "0x" + "22".repeat(32);

  it("finds two different signed attestations with one sequence, and says so", () => {
    const found = findEquivocations([entry(1n, 1n, D1), entry(2n, 1n, D2), entry(3n, 2n, D1)]);
    expect(found).to.deep.equal([{ sequence: 1n, positions: [1n, 2n] }]);
    expect(equivocationWarning("0xNode", found[0])).to.equal(
      "WARNING: node 0xNode signed two different attestations with sequence 1 (#1, #2): EQUIVOCATION, provable with fault:prove.",
    );
  });

  it("ignores the same attestation twice, and attestations the node did not sign", () => {
    expect(findEquivocations([entry(1n, 1n, D1), entry(2n, 1n, D1)])).to.deep.equal([]);
    expect(findEquivocations([entry(1n, 1n, D1), entry(2n, 1n, D2, false)])).to.deep.equal([]);
  });
});

describe("validator log format", () => {
  it("is text on a terminal, JSON with --json or when stderr is not a terminal", () => {
    expect(chooseLogFormat(false, { isTTY: true })).to.equal("text");
    expect(chooseLogFormat(true, { isTTY: true })).to.equal("json");
    expect(chooseLogFormat(false, { isTTY: false })).to.equal("json");
    expect(chooseLogFormat(false, {})).to.equal("json");
  });

  it("text: one readable line per record; json: one object per line", () => {
    const lines: string[] = [];
    const now = () => new Date("2026-12-06T20:01:02.345Z");
    const text = createLogger({ format: "text", sink: (l) => lines.push(l), now, level: "info" });
    text.info("proof sent", { node: "0xabc", gas: 123n, reason: "two words" });
    text.child({ component: "scanner" }).warn("rpc slow");
    expect(lines).to.deep.equal([
      '20:01:02 INFO  proof sent  node=0xabc gas=123 reason="two words"',
      "20:01:02 WARN  rpc slow  component=scanner",
    ]);
    const json: string[] = [];
    createLogger({ sink: (l) => json.push(l), now, level: "info" }).info("proof sent", { gas: 123n });
    expect(JSON.parse(json[0])).to.deep.equal({
      ts: "2026-12-06T20:01:02.345Z",
      level: "info",
      msg: "proof sent",
      fields: { gas: "123" },
    });
    expect(
      formatTextRecord({ ts: "2026-12-06T20:01:02.345Z", level: "error", msg: "m", fields: {} }),
    ).to.equal("20:01:02 ERROR m");
  });
});
