// The unbonding period stays longer than the SlashingCourt's fault window (DESIGN section 3), so stake cannot
// leave before a dispute or quorum report about it is out of time: the NodeRegistry reads the window from the
// court it is linked to (setFaultWindowSource), and the court bounds its window by the unbonding period.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, encodeBytes32String } from "ethers";
import type { World } from "../slashing/fixture";
import { CourtParam, DAY, deployWorld } from "../slashing/fixture";

const name = (s: string) => encodeBytes32String(s);

describe("NodeRegistry: unbonding period longer than the fault window", function () {
  async function world(): Promise<World> {
    return deployWorld();
  }

  it("is not linked by default: only the hard bounds apply", async function () {
    const w = await loadFixture(world);
    expect(await w.registry.faultWindowSource()).to.equal(ZeroAddress);
    expect(await w.registry.unbondingPeriodBounds()).to.deep.equal([BigInt(7 * DAY), BigInt(60 * DAY)]);
    await w.registry.connect(w.governor).setUnbondingPeriod(7 * DAY); // below the 14-day window
  });

  it("once linked, refuses an unbonding period not longer than the window, in both directions", async function () {
    const w = await loadFixture(world);
    const court = await w.court.getAddress();
    const window = BigInt((await w.court.params()).faultWindow);
    expect(window).to.equal(BigInt(14 * DAY));
    await expect(w.registry.connect(w.other).setFaultWindowSource(court)).to.be.revertedWithCustomError(
      w.registry,
      "AccessControlUnauthorizedAccount",
    );
    await expect(w.registry.connect(w.governor).setFaultWindowSource(court))
      .to.emit(w.registry, "FaultWindowSourceSet")
      .withArgs(court);
    expect(await w.registry.faultWindowSource()).to.equal(court);
    expect(await w.registry.unbondingPeriodBounds()).to.deep.equal([window + 1n, BigInt(60 * DAY)]);
    await expect(w.registry.connect(w.governor).setUnbondingPeriod(window))
      .to.be.revertedWithCustomError(w.registry, "NodeRegistryParameterOutOfBounds")
      .withArgs(name("unbondingPeriod"), window, window + 1n, 60 * DAY);
    await expect(w.registry.connect(w.governor).setUnbondingPeriod(window + 1n))
      .to.emit(w.registry, "UnbondingPeriodSet")
      .withArgs(window + 1n);
    // the other direction: the court's window stays below the unbonding period
    await expect(w.court.connect(w.governor).setParam(CourtParam.FaultWindow, window + 1n))
      .to.be.revertedWithCustomError(w.court, "SlashingCourtParamOutOfBounds")
      .withArgs(CourtParam.FaultWindow, window + 1n, DAY, window);
    // a shorter window lowers the registry's bound at once
    await w.court.connect(w.governor).setParam(CourtParam.FaultWindow, 10 * DAY);
    expect((await w.registry.unbondingPeriodBounds())[0]).to.equal(BigInt(10 * DAY + 1));
    await w.registry.connect(w.governor).setUnbondingPeriod(10 * DAY + 1);
  });

  it("cannot be linked while the unbonding period is not longer than the window; zero unlinks", async function () {
    const w = await loadFixture(world);
    const court = await w.court.getAddress();
    await w.registry.connect(w.governor).setUnbondingPeriod(14 * DAY);
    await expect(w.registry.connect(w.governor).setFaultWindowSource(court))
      .to.be.revertedWithCustomError(w.registry, "NodeRegistryParameterOutOfBounds")
      .withArgs(name("unbondingPeriod"), 14 * DAY, 14 * DAY + 1, 60 * DAY);
    expect(await w.registry.faultWindowSource()).to.equal(ZeroAddress);
    await w.registry.connect(w.governor).setUnbondingPeriod(21 * DAY);
    await w.registry.connect(w.governor).setFaultWindowSource(court);
    await expect(w.registry.connect(w.governor).setFaultWindowSource(ZeroAddress))
      .to.emit(w.registry, "FaultWindowSourceSet")
      .withArgs(ZeroAddress);
    await w.registry.connect(w.governor).setUnbondingPeriod(7 * DAY);
  });
});
