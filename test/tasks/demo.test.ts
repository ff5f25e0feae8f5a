import { expect } from "chai";
import hre from "hardhat";
import { main } from "../../scripts/demo";

describe("npm run demo", () => {
  it("runs every step and ends with the status table of one node per role", async () => {
    const lines: string[] = [];
    const original = console.log;
    console.log = (...parts: unknown[]) => {
      lines.push(parts.map(String).join(" "));
    };
    let ctx;
    try {
      ctx = await main(hre, (line) => lines.push(line));
    } finally {
      console.log = original;
    }
    const out = lines.join("\n");
    expect(out).to.include("Demo finished.");
    expect(out).to.match(/== 1\. Deploy the protocol/);
    expect(out).to.match(/node \(signer\)\s+operator\s+role\s+status\s+bonded PUSH\s+unbonding PUSH/);
    expect(ctx.statusRows.map((r) => r.role)).to.deep.equal(["validator", "storage", "delivery", "archive"]);
    expect(new Set(ctx.statusRows.map((r) => r.operator)).size).to.equal(4);
    const byRole = Object.fromEntries(ctx.statusRows.map((r) => [r.role, r]));
    expect(byRole.storage.bonded).to.equal(hre.ethers.parseEther("65000"));
    expect(byRole.archive.bonded).to.equal(hre.ethers.parseEther("50000"));
    expect(byRole.archive.unbonding).to.equal(0n);
    expect(out).to.include("Withdrew 10,000 PUSH");
    expect(byRole.delivery.status).to.equal("Exiting");
    expect(byRole.delivery.endpoint).to.equal("https://delivery-2.demo.push.local");
  });
});
