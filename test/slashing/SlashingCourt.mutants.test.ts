// SlashingCourt: behaviour pinned by mutation testing (docs/mutation.md). Each test here kills a mutant of
// contracts/SlashingCourt.sol that the other tests let survive; the comment names it.
import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { unavailableOffenceId } from "../../src/slashing/court";
import type { World } from "./fixture";
import { DAY, Fault, PUSH, VALIDATOR_MIN, deployWorld, now } from "./fixture";
import { Role } from "../../src/staking";
import { age, openDispute, sign } from "./court-helpers";

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

  // SlashingCourt.sol acceptDispute: `if (stake != 0)` -> `if (stake != 1)` skipped the slash of a node whose whole
  // stake is 1 wei (governance may set the minimum stake to 1 wei; a fault slash takes at least 1 wei).
  it("accept: a node whose whole stake is 1 wei loses it", async function () {
    const w = await loadFixture(world);
    await w.registry.connect(w.governor).setMinStake(Role.VALIDATOR, 1n);
    const node = await w.registerNode(1n);
    expect(await w.stakeOf(node.address)).to.equal(1n);
    const occurredAt = (await now()) - 3600n;
    const { id } = await openDispute(
      w,
      w.reporter,
      node.address,
      Fault.Unavailable,
      occurredAt,
      ethers.toUtf8Bytes("down"),
    );
    await expect(w.court.connect(w.governor).acceptDispute(id))
      .to.emit(w.court, "DisputeAccepted")
      .withArgs(id, unavailableOffenceId(node.address, occurredAt), 1n);
    expect(await w.stakeOf(node.address)).to.equal(0n);
  });

  // SlashingCourt.sol _checkFaultWindow: `at > block.timestamp` -> `>=` refused a report of the block's own second,
  // and `block.timestamp - at > window` -> `>=` one exactly `faultWindow` old; both are inside the window.
  it("a quorum report dated the block's own second, or exactly faultWindow before it, is accepted", async function () {
    const w = await loadFixture(world);
    const v = await w.registerNode(1_000_000n * PUSH);
    const first = await w.registerNode(undefined, Role.STORAGE);
    const second = await w.registerNode(undefined, Role.STORAGE);
    await age();
    const window = (await w.court.params()).faultWindow;
    for (const [node, back] of [
      [first, 0n],
      [second, window],
    ] as const) {
      const at = (await now()) + 60n;
      await ethers.provider.send("evm_setNextBlockTimestamp", [Number(at)]);
      const r = {
        node: node.address,
        faultCode: Fault.Unavailable,
        evidenceHash: ethers.id("down"),
        reportedAt: at - back,
        reporter: w.reporter.address,
      };
      await expect(w.court.submitReport(r, await sign(w, r, [v])), `${back} s old`).to.emit(
        w.court,
        "QuorumReportAccepted",
      );
    }
  });

  // SlashingCourt.sol paramBounds: `unbonding <= 30 days ? unbonding - 1 : 30 days` with `<` let the fault window
  // reach 30 days under an unbonding period of exactly 30 days (stake could finish unbonding inside the window).
  it("paramBounds(FaultWindow): below an unbonding period of 30 days, up to 30 days beyond it", async function () {
    const w = await loadFixture(world);
    const [min] = await w.court.paramBounds(0);
    for (const [unbonding, max] of [
      [30 * DAY, 30 * DAY - 1],
      [30 * DAY + 1, 30 * DAY],
    ]) {
      await w.registry.connect(w.governor).setUnbondingPeriod(unbonding);
      expect(await w.court.paramBounds(0), `unbonding ${unbonding} s`).to.deep.equal([min, BigInt(max)]);
    }
  });

  // SlashingCourt.sol setQuorum: `denominator > _BPS` or `numerator > denominator` with `>=` refused a denominator of
  // exactly 10,000 or a quorum of all stake (numerator == denominator), both within bounds.
  it("setQuorum: a denominator of 10,000 and a quorum of all stake are within bounds; beyond them are not", async function () {
    const w = await loadFixture(world);
    const court = w.court.connect(w.governor);
    for (const [n, d] of [
      [6_667n, 10_000n],
      [3n, 3n],
    ]) {
      await expect(court.setQuorum(n, d), `${n}/${d}`).to.emit(w.court, "QuorumSet").withArgs(n, d);
    }
    for (const [n, d] of [
      [6_667n, 10_001n],
      [4n, 3n],
    ]) {
      await expect(court.setQuorum(n, d), `${n}/${d}`)
        .to.be.revertedWithCustomError(w.court, "SlashingCourtQuorumOutOfBounds")
        .withArgs(n, d);
    }
  });

  // SlashingCourt.sol initialize: `treasury_ == address(0)` -> `treasury_ == address(1)` accepted a zero
  // treasury (where rejected bonds would be sent).
  it("initialize: each zero address reverts with SlashingCourtZeroAddress", async function () {
    const w = await loadFixture(world);
    const factory = await ethers.getContractFactory("SlashingCourt");
    const good = [
      w.governor.address,
      w.governor.address,
      w.guardian.address,
      await w.slashing.getAddress(),
      w.treasury.address,
    ];
    for (let i = 0; i < good.length; i++) {
      const init = [...good.slice(0, i), ethers.ZeroAddress, ...good.slice(i + 1), false];
      await expect(
        upgrades.deployProxy(factory, init, { kind: "uups" }),
        `argument ${i}`,
      ).to.be.revertedWithCustomError(factory, "SlashingCourtZeroAddress");
    }
    const court = await upgrades.deployProxy(factory, [...good, false], { kind: "uups" });
    expect(await court.treasury()).to.equal(w.treasury.address);
  });

  // SlashingCourt.sol _checkSignatureCount: deleting `revert SlashingCourtTooManySigners(...)` let a report
  // carry more than MAX_REPORT_SIGNERS signatures (an unbounded loop over them).
  it("a report with more than MAX_REPORT_SIGNERS signatures reverts with SlashingCourtTooManySigners", async function () {
    const w = await loadFixture(world);
    const max = await w.court.MAX_REPORT_SIGNERS();
    const v = await w.registerNode();
    const accused = await w.registerNode();
    const r = {
      node: accused.address,
      faultCode: Fault.Unavailable,
      evidenceHash: ethers.id("down"),
      reportedAt: await now(),
      reporter: w.reporter.address,
    };
    const one = await sign(w, r, [v]);
    const many = ethers.concat(Array.from({ length: Number(max) + 1 }, () => one));
    await expect(w.court.submitReport(r, many))
      .to.be.revertedWithCustomError(w.court, "SlashingCourtTooManySigners")
      .withArgs(max + 1n, max);
  });

  // SlashingCourt.sol _checkSignatureCount: deleting the `length % 65 != 0` revert let the last, partial
  // signature be completed by calldata past the end of `signatures` (here one byte appended to the call).
  it("signatures of a length that is not a multiple of 65 revert, even when the calldata after them would complete one", async function () {
    const w = await loadFixture(world);
    const v = await w.registerNode(1_000_000n * PUSH);
    const accused = await w.registerNode(undefined, Role.STORAGE);
    await age();
    const r = {
      node: accused.address,
      faultCode: Fault.Unavailable,
      evidenceHash: ethers.id("down"),
      reportedAt: await now(),
      reporter: w.reporter.address,
    };
    const sig = await sign(w, r, [v]); // r || s || v, 65 bytes
    const rs = ethers.dataSlice(sig, 0, 64);
    const data = w.court.interface.encodeFunctionData("submitReport", [r, rs]);
    const to = await w.court.getAddress();
    // 64 bytes need no padding: the v byte appended to the call is the byte right after them
    await expect(
      w.reporter.sendTransaction({ to, data: ethers.concat([data, ethers.dataSlice(sig, 64)]) }),
    ).to.be.revertedWithCustomError(w.court, "SlashingCourtInvalidSignature");
    // the whole signature is a quorum
    await expect(w.court.submitReport(r, sig)).to.emit(w.court, "QuorumReportAccepted");
  });

  // SlashingCourt.sol _signerAt: deleting `if (err != NoError) revert SlashingCourtInvalidSignature()` let an
  // unrecoverable signature through as signer address(0), refused later for another reason.
  it("a signature that does not recover (v neither 27 nor 28) reverts with SlashingCourtInvalidSignature", async function () {
    const w = await loadFixture(world);
    const v = await w.registerNode(1_000_000n * PUSH);
    const accused = await w.registerNode(undefined, Role.STORAGE);
    await age();
    const r = {
      node: accused.address,
      faultCode: Fault.Unavailable,
      evidenceHash: ethers.id("down"),
      reportedAt: await now(),
      reporter: w.reporter.address,
    };
    const sig = await sign(w, r, [v]);
    for (const badV of ["0x00", "0x1d"]) {
      await expect(
        w.court.submitReport(r, ethers.concat([ethers.dataSlice(sig, 0, 64), badV])),
        badV,
      ).to.be.revertedWithCustomError(w.court, "SlashingCourtInvalidSignature");
    }
    await expect(w.court.submitReport(r, sig)).to.emit(w.court, "QuorumReportAccepted");
  });
});
