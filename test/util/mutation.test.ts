import { readFileSync } from "node:fs";
import { expect } from "chai";
import { applyMutant, maskSource, mutantsOf, sample } from "../../scripts/mutation/mutants";
import { EQUIVALENT } from "../../scripts/mutation/equivalent";
import { killerOf, mochaSeconds, testOrder } from "../../scripts/mutation/order";

const SRC = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
/// @notice a < b in a comment is not code; "x == y" in a string neither
library L {
    error LTooBig(uint256 n);
    function f(uint256 a, uint256 b) internal pure returns (uint256) {
        if (a > 10) revert LTooBig(a);
        require(b != 0, "b == 0");
        uint256 c = a + b;
        assembly { c := add(c, lt(a, b)) }
        return c << 1;
    }
}
`;

describe("mutation testing: mutant generation (scripts/mutation)", function () {
  const ms = mutantsOf("L.sol", SRC);
  const at = (line: number) =>
    ms.filter((m) => m.line === line).map((m) => `${m.operator}:${m.original}->${m.replacement}`);

  it("masks comments and strings, keeping offsets and newlines", function () {
    const masked = maskSource(SRC);
    expect(masked.length).to.equal(SRC.length);
    expect(masked.split("\n").length).to.equal(SRC.split("\n").length);
    expect(masked).not.to.include("a < b");
    expect(masked).not.to.include("x == y");
    expect(masked).to.include("if (a > 10)");
  });

  it("mutates comparisons, constants, reverts and branches of real code only", function () {
    expect(at(3)).to.deep.equal([]); // comment
    expect(at(5)).to.deep.equal([]); // error declaration
    expect(at(7)).to.have.members([
      "branch:a > 10->!(a > 10)",
      "cmp:>->>=",
      "const:10->11",
      "revert:revert LTooBig(a);->{}",
    ]);
    expect(at(8)).to.have.members(['revert:require(b != 0, "b == 0");->{}', "cmp:!=->==", "const:0->1"]);
    expect(at(9)).to.deep.equal(["arith:+->-"]);
    expect(at(10)).to.have.members(["arith:add->sub", "cmp:lt->gt"]);
    // a shift is not a comparison; its constant is mutated
    expect(at(11)).to.deep.equal(["const:1->2"]);
  });

  it("applies one mutant at a time and refuses a stale one", function () {
    const m = ms.find((x) => x.operator === "branch")!;
    const out = applyMutant(SRC, m);
    expect(out).to.include("if (!(a > 10)) revert");
    expect(out.length).to.equal(SRC.length + 3);
    expect(() => applyMutant(out.replace("if (!(a", "if ( (a"), { ...m, offset: m.offset + 1 })).to.throw(
      /does not match/,
    );
  });

  it("samples deterministically", function () {
    expect(sample(ms, 3, 7).map((m) => m.id)).to.deep.equal(sample(ms, 3, 7).map((m) => m.id));
    expect(sample(ms, 3, 7)).to.have.length(3);
    expect(sample(ms, 1000, 7)).to.have.length(ms.length);
  });

  it("orders test files by kills per second of test time, then fastest first", function () {
    const f = (path: string, seconds: number, kills: number) => ({ path, seconds, kills, suites: [] });
    const files = [f("slow.ts", 10, 0), f("fast.ts", 1, 0), f("mid.ts", 4, 0)];
    expect(testOrder(files).map((x) => x.path)).to.deep.equal(["fast.ts", "mid.ts", "slow.ts"]);
    // 9 kills in 10 s (1 per second) beat 0 kills in 4 s (0.25 per second), not 0 in 1 s (1 per second, faster)
    files[0].kills = 9;
    expect(testOrder(files).map((x) => x.path)).to.deep.equal(["fast.ts", "slow.ts", "mid.ts"]);
    files[0].kills = 19;
    expect(testOrder(files).map((x) => x.path)).to.deep.equal(["slow.ts", "fast.ts", "mid.ts"]);
    // the input is left in its order
    expect(files.map((x) => x.path)).to.deep.equal(["slow.ts", "fast.ts", "mid.ts"]);
  });

  it("reads mocha's own duration and credits a kill to the file of the failing suite", function () {
    expect(mochaSeconds("  12 passing (3s)\n")).to.equal(3);
    expect(mochaSeconds("  1 passing (850ms)\n  1 failing")).to.equal(0.85);
    expect(mochaSeconds("  40 passing (2m)")).to.equal(120);
    expect(mochaSeconds("no summary")).to.equal(undefined);
    const files = [
      { path: "a.test.ts", suites: ["Slashing"] },
      { path: "b.test.ts", suites: ["SlashingCourt", "SlashingCourt: findings"] },
    ];
    expect(killerOf("SlashingCourt / quorum reports: expected 1 to equal 2", files)?.path).to.equal(
      "b.test.ts",
    );
    expect(killerOf("Slashing / proofs: reverted", files)?.path).to.equal("a.test.ts");
    expect(killerOf("Unknown / x: y", files)).to.equal(undefined);
  });

  it("every mutant listed as equivalent is a mutant of the current source", function () {
    for (const id of Object.keys(EQUIVALENT)) {
      const file = id.split(":")[0];
      const ids = mutantsOf(file, readFileSync(file, "utf8")).map((m) => m.id);
      expect(ids, `${id} is stale: ${file} changed; judge the mutant again`).to.include(id);
    }
  });
});
