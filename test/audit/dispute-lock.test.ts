// Audit of the wave-2 fixes: a dispute locks the amount at risk (messageFaultSlashBps of the node's stake at
// opening) and the node may withdraw the rest. Accepting the dispute slashed messageFaultSlashBps of the stake
// left at the decision, so a node that withdrew everything it could while the dispute was open lost 10% of the
// 10% it had left (1% of its stake) instead of the 10% the lock held for it.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { DAY, Fault, VALIDATOR_MIN, deployWorld, increaseTime, now } from "../slashing/fixture";
import { openDispute } from "../slashing/court-helpers";

async function world() {
  return deployWorld();
}

describe("Audit: an accepted dispute slashes at least the amount its lock held", function () {
  it("an exited node that withdraws all it can while disputed still loses the locked 10%", async function () {
    const w = await loadFixture(world);
    const node = await w.registerNode();
    const t0 = await now();
    // The fault happens as the node exits; the dispute comes late in the fault window.
    await w.registry.connect(w.operator).exit(node.address);
    await increaseTime(13 * DAY);
    const { id } = await openDispute(
      w,
      w.reporter,
      node.address,
      Fault.BadSignature,
      t0,
      "0x01",
      ethers.id("m"),
    );
    const locked = await w.vault.lockedAmount(node.address);
    expect(locked).to.equal(VALIDATOR_MIN / 10n);

    // The unbonding matures before governance decides: the node takes everything but the lock.
    await increaseTime(8 * DAY + 1);
    await expect(w.vault.connect(w.operator).withdraw(node.address)).to.changeTokenBalance(
      w.token,
      w.operator,
      VALIDATOR_MIN - locked,
    );
    expect(await w.stakeOf(node.address)).to.equal(locked);

    const accepted = await w.court.connect(w.governor).acceptDispute(id);
    const receipt = await accepted.wait();
    const ev = receipt!.logs
      .map((l) => {
        try {
          return w.court.interface.parseLog(l);
        } catch {
          return null;
        }
      })
      .find((e) => e?.name === "DisputeAccepted");
    // The whole amount at risk, not 10% of it.
    expect(ev!.args.slashed).to.equal(locked);
    expect(await w.stakeOf(node.address)).to.equal(0n);
  });

  it("a node that kept its stake is slashed the usual share of it", async function () {
    const w = await loadFixture(world);
    const node = await w.registerNode();
    const t0 = await now();
    const { id } = await openDispute(
      w,
      w.reporter,
      node.address,
      Fault.BadSignature,
      t0,
      "0x01",
      ethers.id("m"),
    );
    await expect(w.court.connect(w.governor).acceptDispute(id))
      .to.emit(w.court, "DisputeAccepted")
      .withArgs(id, anyValue, VALIDATOR_MIN / 10n);
  });
});
