import { expect } from "chai";
import hre from "hardhat";
import type { NodeRegistry } from "../../typechain-types";
import {
  MAX_ENDPOINT_BYTES,
  ROLE_NAMES,
  checkEndpoint,
  describeEntry,
  formatStatusTable,
  parseAmount,
  parseRole,
  roleName,
} from "../../src/staking-client";
import { Role } from "../../src/staking";
import { formatTable } from "../../src/table";
import { deployed } from "./helpers";

describe("staking client helpers", () => {
  it("role names match the contract's numbering", async () => {
    const d = await deployed();
    const registry = (await hre.ethers.getContractAt(
      "NodeRegistry",
      d.deployment.contracts.NodeRegistry.address,
    )) as unknown as NodeRegistry;
    const onChain = [
      await registry.VALIDATOR(),
      await registry.STORAGE(),
      await registry.DELIVERY(),
      await registry.ARCHIVE(),
    ];
    ROLE_NAMES.forEach((name, i) => {
      expect(onChain[i]).to.equal(BigInt(i));
      expect((Role as Record<string, number>)[name.toUpperCase()]).to.equal(i);
      expect(parseRole(name)).to.equal(i);
      expect(parseRole(` ${name.toUpperCase()} `)).to.equal(i);
      expect(parseRole(String(i))).to.equal(i);
      expect(roleName(i)).to.equal(name);
    });
    expect(() => parseRole("4")).to.throw('Unknown role "4"');
    expect(() => parseRole("")).to.throw("Unknown role");
  });

  it("the endpoint cap is the registry's", async () => {
    const d = await deployed();
    const registry = (await hre.ethers.getContractAt(
      "NodeRegistry",
      d.deployment.contracts.NodeRegistry.address,
    )) as unknown as NodeRegistry;
    expect(await registry.MAX_ENDPOINT_LENGTH()).to.equal(BigInt(MAX_ENDPOINT_BYTES));
    const atCap = "https://n.org/" + "é".repeat((MAX_ENDPOINT_BYTES - 14) / 2);
    expect(Buffer.byteLength(atCap)).to.equal(MAX_ENDPOINT_BYTES);
    expect(checkEndpoint(atCap)).to.equal(atCap);
    expect(() => checkEndpoint(atCap + "a")).to.throw(`is ${MAX_ENDPOINT_BYTES + 1} bytes long`);
  });

  it("parses amounts in PUSH and refuses zero, negative and over-precise ones", () => {
    expect(parseAmount("amount", "1")).to.equal(10n ** 18n);
    expect(parseAmount("amount", "0.000000000000000001")).to.equal(1n);
    expect(() => parseAmount("amount", "0.0")).to.throw("--amount must be more than 0 PUSH.");
    expect(() => parseAmount("amount", "0.0000000000000000001")).to.throw("more than 18 decimals");
    expect(() => parseAmount("amount", "1e18")).to.throw("is not an amount of PUSH");
  });

  it("formats tables and unbonding entries", () => {
    expect(
      formatTable(
        [
          { header: "a", value: (r: [string, string]) => r[0] },
          { header: "num", value: (r: [string, string]) => r[1], align: "right" },
        ],
        [
          ["x", "1"],
          ["yy\nzz", "1,000"],
        ],
      ),
    ).to.equal(["a     num", "--  -----", "x       1", "yy  1,000", "zz"].join("\n"));
    expect(describeEntry({ amount: 10n ** 21n, releaseAt: 1_000 }, 1_000)).to.equal(
      "1,000 at 1970-01-01T00:16:40Z (withdrawable now)",
    );
    expect(describeEntry({ amount: 5n * 10n ** 17n, releaseAt: 1_000 + 3 * 86400 }, 1_000)).to.equal(
      "0.5 at 1970-01-04T00:16:40Z (in 3d)",
    );
    expect(formatStatusTable([], 0)).to.equal("No nodes registered.");
  });
});
