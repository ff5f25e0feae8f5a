// NodeRegistry branches the staking suites do not reach (docs/coverage.md): slashShare's role and share bounds, and the
// slash count, which stops at 255 (a uint8) however often a node is slashed.
import { expect } from "chai";
import { encodeBytes32String } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { NodeStatus } from "../../src/staking";
import { stakingFixture } from "./fixture";

describe("NodeRegistry branches", () => {
  it("slashShare: only the slasher; a share of 0 or above 10,000 basis points is out of bounds", async () => {
    const f = await loadFixture(stakingFixture);
    const node = await f.register();
    const role = await f.registry.SLASHER_ROLE();
    await expect(f.registry.connect(f.stranger).slashShare(node, 100, f.reporter.address, 0))
      .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
      .withArgs(f.stranger.address, role);
    for (const bps of [0, 10_001]) {
      await expect(f.registry.connect(f.slasher).slashShare(node, bps, f.reporter.address, 0), `${bps} bps`)
        .to.be.revertedWithCustomError(f.registry, "NodeRegistryParameterOutOfBounds")
        .withArgs(encodeBytes32String("stakeBps"), bps, 1, 10_000);
    }
    const [before] = await f.registry.stakeOf(node);
    await expect(f.registry.connect(f.slasher).slashShare(node, 10_000, f.reporter.address, 0))
      .to.emit(f.registry, "NodeSlashed")
      .withArgs(node, before, 1);
    expect(await f.registry.stakeOf(node)).to.deep.equal([0n, 0n]);
  });

  it("the slash count stops at 255: a banned node slashed again keeps it", async () => {
    const f = await loadFixture(stakingFixture);
    const node = await f.register();
    for (let i = 1; i <= 256; i++) {
      await f.registry.connect(f.slasher).slashShare(node, 1, f.reporter.address, 0);
    }
    const n = await f.registry.nodeOf(node);
    expect(n.slashCount).to.equal(255);
    expect(n.status).to.equal(NodeStatus.Banned);
  });
});
