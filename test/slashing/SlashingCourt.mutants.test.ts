// SlashingCourt: behaviour pinned by mutation testing (docs/mutation.md). Each test here kills a mutant of
// contracts/SlashingCourt.sol that the other tests let survive; the comment names it.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { unavailableOffenceId } from "../../src/slashing/court";
import type { World } from "./fixture";
import { Fault, VALIDATOR_MIN, deployWorld, now } from "./fixture";
import { openDispute } from "./court-helpers";

describe("SlashingCourt: mutation-testing findings", function () {
  async function world(): Promise<World> {
    return deployWorld();
  }

  // SlashingCourt.sol acceptDispute: `stake = bonded + unbonding` -> `bonded - unbonding` reverted (underflow)
  // for a node that had started to exit, and slashed too little for one partly unbonding.
  it("accept: a node that exits while the dispute is open is slashed on its bonded plus unbonding stake", async function () {
    const w = await loadFixture(world);
    const node = await w.registerNode();
    const occurredAt = (await now()) - 3600n;
    const { id } = await openDispute(
      w,
      w.reporter,
      node.address,
      Fault.Unavailable,
      occurredAt,
      ethers.toUtf8Bytes("down"),
    );
    await w.registry.connect(w.operator).exit(node.address);
    const [bonded, unbonding] = await w.registry.stakeOf(node.address);
    expect([bonded, unbonding]).to.deep.equal([0n, VALIDATOR_MIN]);
    await expect(w.court.connect(w.governor).acceptDispute(id))
      .to.emit(w.court, "DisputeAccepted")
      .withArgs(id, unavailableOffenceId(node.address, occurredAt), VALIDATOR_MIN / 10n);
    expect(await w.stakeOf(node.address)).to.equal(VALIDATOR_MIN - VALIDATOR_MIN / 10n);
  });
});
