import { expect } from "chai";
import { formatPush, parsePush, MAX_PUSH_WEI } from "../../src/units";
import { describeCustomError, explainError } from "../../src/errors";
import { Interface } from "ethers";

describe("units", () => {
  it("parses PUSH amounts into wei", () => {
    expect(parsePush("1500")).to.equal(1500n * 10n ** 18n);
    expect(parsePush("0.25")).to.equal(25n * 10n ** 16n);
    expect(parsePush("100,000")).to.equal(100_000n * 10n ** 18n);
  });
  it("refuses what is not an amount, with a sentence", () => {
    for (const bad of ["", "-1", "abc", "1e18", "0x10"]) {
      expect(() => parsePush(bad)).to.throw(/is not an amount of PUSH/);
    }
    expect(() => parsePush("0.0000000000000000001")).to.throw(/more than 18 decimals/);
    expect(() => parsePush("80000000000")).to.throw(/uint96/);
  });
  it("formats wei as PUSH", () => {
    expect(formatPush(1500n * 10n ** 18n)).to.equal("1,500");
    expect(formatPush(25n * 10n ** 16n)).to.equal("0.25");
    expect(formatPush(0n)).to.equal("0");
    expect(formatPush(-(10n ** 18n))).to.equal("-1");
    expect(parsePush(formatPush(MAX_PUSH_WEI))).to.equal(MAX_PUSH_WEI);
  });
});

describe("errors", () => {
  const iface = new Interface(["error NodeRegistryStakeBelowMinimum(uint256 amount, uint256 minimum)"]);
  it("decodes a custom error into a sentence", () => {
    const data = iface.encodeErrorResult("NodeRegistryStakeBelowMinimum", [5n, 10n]);
    const desc = iface.parseError(data)!;
    expect(describeCustomError(desc, ["NodeRegistry"])).to.equal(
      "NodeRegistry: stake below minimum (amount=5, minimum=10).",
    );
    expect(explainError({ error: { data } }, [iface], ["NodeRegistry"])).to.equal(
      "NodeRegistry: stake below minimum (amount=5, minimum=10).",
    );
  });
  it("describes Error(string) and unknown data", () => {
    const std = new Interface(["error Error(string)"]);
    expect(explainError({ data: std.encodeErrorResult("Error", ["nope"]) }, [iface])).to.equal(
      "Reverted: nope.",
    );
    expect(explainError({ data: "0xdeadbeef00" }, [iface])).to.equal(
      "Reverted with unknown error data 0xdeadbeef.",
    );
  });
});
