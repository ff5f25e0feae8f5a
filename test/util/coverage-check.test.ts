import { expect } from "chai";
import {
  branchesOf,
  judge,
  listedBranches,
  markdownTable,
  percent,
  staleListings,
} from "../../scripts/coverage-check";

// Two branch points of 2 sides each in a library, one in a test helper (not measured), none in an interface.
const coverage = {
  "contracts/libraries/L.sol": {
    branchMap: {
      "1": { line: 10, type: "if", locations: [{}, {}] },
      "2": { line: 20, type: "if", locations: [{}, {}] },
    },
    b: { "1": [3, 0], "2": [1, 1] },
  },
  "contracts/test/Harness.sol": {
    branchMap: { "1": { line: 5, type: "if", locations: [{}, {}] } },
    b: { "1": [0, 0] },
  },
  "contracts/interfaces/I.sol": { branchMap: {}, b: {} },
};

describe("scripts/coverage-check.ts: the branch threshold of npm run coverage", () => {
  it("counts each side of each branch point of contracts/, test helpers aside", () => {
    const files = branchesOf(coverage);
    expect(files.map((f) => f.file)).to.deep.equal([
      "contracts/interfaces/I.sol",
      "contracts/libraries/L.sol",
    ]);
    const lib = files[1];
    expect([lib.covered, lib.total]).to.deep.equal([3, 4]);
    expect(lib.uncovered).to.deep.equal([{ file: "contracts/libraries/L.sol", line: 10, index: 1 }]);
    expect(percent(3, 4)).to.equal(75);
    expect(percent(0, 0)).to.equal(100);
  });

  it("fails a file under the threshold unless each uncovered branch is listed with a reason", () => {
    const files = branchesOf(coverage);
    const lib = (v: ReturnType<typeof judge>) => v.find((f) => f.file === "contracts/libraries/L.sol")!;
    expect(lib(judge(files, [], 95)).ok).to.equal(false);
    expect(lib(judge(files, [], 75)).ok).to.equal(true);
    const listed = listedBranches(
      [
        "| file | line | side | why it cannot be reached |",
        "|---|---|---|---|",
        "| `contracts/libraries/L.sol` | 10 | else | the caller checked the length first |",
      ].join("\n"),
    );
    expect(listed).to.deep.equal([
      {
        file: "contracts/libraries/L.sol",
        line: 10,
        index: 1,
        reason: "the caller checked the length first",
      },
    ]);
    const v = lib(judge(files, listed, 95));
    expect(v.ok).to.equal(true);
    expect(v.unlisted).to.deep.equal([]);
    expect(markdownTable([v])).to.include("| `contracts/libraries/L.sol` | 3 / 4 | 75.00% | 1 |");
    // files without branches (interfaces) are left out of the table
    const none = {
      ...v,
      file: "contracts/interfaces/I.sol",
      total: 0,
      covered: 0,
      uncovered: [],
      unlisted: [],
    };
    expect(markdownTable([v, none])).not.to.include("I.sol");
  });

  it("reports a listed branch that the run covered, and refuses a row without a reason or with an unknown side", () => {
    const files = branchesOf(coverage);
    const stale = listedBranches("| contracts/libraries/L.sol | 20 | if | was thought unreachable |");
    expect(staleListings(files, stale)).to.have.length(1);
    expect(() => listedBranches("| contracts/libraries/L.sol | 10 | else |  |")).to.throw(/no reason/);
    expect(() => listedBranches("| contracts/libraries/L.sol | 10 | then | x |")).to.throw(/"then"/);
  });
});
