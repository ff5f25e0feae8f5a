// SlashingCourt branches the scenario suites do not reach (docs/coverage.md): the signer cap of a report, and the
// state of proxies initialized before wave 2 (disputes without an offence id, a zero stored expiredBondKeptBps),
// written into storage at the slots the ERC-7201 layout gives, each checked against the value the contract put
// there before it is overwritten.
import { expect } from "chai";
import { ethers, network, upgrades } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, ZeroHash, keccak256, toBeHex, zeroPadValue } from "ethers";
import type { World } from "./fixture";
import { Role } from "../../src/staking";
import { planDispute } from "../../src/slashing/court";
import {
  DAY,
  Fault,
  Param,
  VALIDATOR_MIN,
  deployWorld,
  equivocationOffenceId,
  now,
  vectorKey,
} from "./fixture";
import { evidence, openDispute, reveal } from "./court-helpers";

/** ISlashingCourt.Param values not in the fixture's CourtParam. */
const ExpiredBondKeptBps = 4;
const DisputeBond = 1;

// keccak256(abi.encode(uint256(keccak256("push.storage.SlashingCourt")) - 1)) & ~bytes32(uint256(0xff))
const COURT_SLOT = 0x7f28234e880079191bd18bca99a6c7ab73a4cb3bca1bfdee75b318d39f400a00n;
// CourtStorage fields (one slot each; Params packs into one): slashing 0, registry 1, token 2, treasury and
// shortTimeBounds 3, params 4, disputeCount 5, consumed 6, disputes 7, commitments 8, openDisputes 9,
// disputeOfOffence 10, removedStake 11, expiredBondKeptBps 12.
const DISPUTES = COURT_SLOT + 7n;
const OPEN_DISPUTES = COURT_SLOT + 9n;
const DISPUTE_OF_OFFENCE = COURT_SLOT + 10n;
const EXPIRED_BOND_KEPT_BPS = COURT_SLOT + 12n;
// Dispute words: node|faultCode|status|openedAt 0, disputer|bond 1, occurredAt|decideBy 2, evidenceHash 3,
// offenceId 4, locked 5.
const OFFENCE_ID_WORD = 4n;

const abi = AbiCoder.defaultAbiCoder();

function mappingSlot(keyType: string, key: string | bigint, slot: bigint): bigint {
  return BigInt(keccak256(abi.encode([keyType, "uint256"], [key, slot])));
}

async function load(w: World, slot: bigint): Promise<string> {
  return ethers.provider.getStorage(await w.court.getAddress(), slot);
}

async function store(w: World, slot: bigint, value: bigint): Promise<void> {
  await network.provider.send("hardhat_setStorageAt", [
    await w.court.getAddress(),
    toBeHex(slot),
    zeroPadValue(toBeHex(value), 32),
  ]);
}

/** keccak256(abi.encode(faultCode, node, evidenceHash)): the offence of a dispute opened before wave 2. */
function legacyOffenceId(faultCode: number, node: string, evidenceHash: string): string {
  return keccak256(abi.encode(["uint8", "address", "bytes32"], [faultCode, node, evidenceHash]));
}

/**
 * Turns open dispute `id` (of `node`, offence `offenceId`) into one opened before wave 2: no offence id, and
 * counted neither in openDisputes nor in disputeOfOffence.
 */
async function makeLegacy(w: World, id: bigint, node: string, offenceId: string): Promise<void> {
  const offenceWord = mappingSlot("uint256", id, DISPUTES) + OFFENCE_ID_WORD;
  expect(await load(w, offenceWord)).to.equal(offenceId);
  await store(w, offenceWord, 0n);
  const openSlot = mappingSlot("address", node, OPEN_DISPUTES);
  const open = BigInt(await load(w, openSlot));
  expect(open).to.be.greaterThan(0n);
  await store(w, openSlot, open - 1n);
  const ofOffenceSlot = mappingSlot("bytes32", offenceId, DISPUTE_OF_OFFENCE);
  expect(BigInt(await load(w, ofOffenceSlot))).to.equal(id);
  await store(w, ofOffenceSlot, 0n);
  expect((await w.court.dispute(id)).offenceId).to.equal(ZeroHash);
}

describe("SlashingCourt branches", function () {
  async function world(): Promise<World> {
    return deployWorld();
  }

  it("a report with more than MAX_REPORT_SIGNERS signatures reverts with SlashingCourtTooManySigners", async function () {
    const w = await loadFixture(world);
    const node = await w.registerNode();
    const report = {
      node: node.address,
      faultCode: Fault.Unavailable,
      evidenceHash: evidence("offline"),
      reportedAt: await now(),
      reporter: w.reporter.address,
    };
    const max = await w.court.MAX_REPORT_SIGNERS();
    expect(max).to.equal(1_024n);
    const tooMany = new Uint8Array(Number(max + 1n) * 65);
    await expect(w.court.submitReport(report, tooMany))
      .to.be.revertedWithCustomError(w.court, "SlashingCourtTooManySigners")
      .withArgs(max + 1n, max);
    // MAX_REPORT_SIGNERS zero signatures pass the count and fail on the first signature
    await expect(
      w.court.submitReport(report, new Uint8Array(Number(max) * 65)),
    ).to.be.revertedWithCustomError(w.court, "SlashingCourtInvalidSignature");
  });

  it("a dispute opened before wave 2 (no offence id) is decided on the evidence-based id in the court's ledger", async function () {
    const w = await loadFixture(world);
    const node = await w.registerNode();
    const ev = ethers.toUtf8Bytes("offline all week");
    const t = await now();
    // two disputes with the same evidence, in two UNAVAILABLE periods (a week apart, both in the fault window)
    const first = await openDispute(w, w.reporter, node.address, Fault.Unavailable, t - 8n * BigInt(DAY), ev);
    const second = await openDispute(w, w.reporter, node.address, Fault.Unavailable, t, ev);
    expect(await w.court.openDisputesOf(node.address)).to.equal(2n);
    for (const { id } of [first, second]) {
      await makeLegacy(w, id, node.address, (await w.court.dispute(id)).offenceId);
    }
    expect(await w.court.openDisputesOf(node.address)).to.equal(0n);
    const legacyId = legacyOffenceId(Fault.Unavailable, node.address, keccak256(ev));
    expect(await w.court.isOffenceConsumed(legacyId)).to.equal(false);

    // accepting the first consumes the legacy id in the court's ledger, slashes, and leaves the open-dispute
    // count alone (a legacy dispute was never counted: no underflow)
    await expect(w.court.connect(w.governor).acceptDispute(first.id))
      .to.emit(w.court, "DisputeAccepted")
      .withArgs(first.id, legacyId, VALIDATOR_MIN / 10n);
    expect(await w.court.isOffenceConsumed(legacyId)).to.equal(true);
    expect(await w.slashing.isOffenceConsumed(legacyId)).to.equal(false);
    expect(await w.court.openDisputesOf(node.address)).to.equal(0n);
    expect(await w.stakeOf(node.address)).to.equal(VALIDATOR_MIN - VALIDATOR_MIN / 10n);

    // the second names the same legacy offence: it can no longer be accepted, but can be rejected
    await expect(w.court.connect(w.governor).acceptDispute(second.id))
      .to.be.revertedWithCustomError(w.court, "SlashingCourtOffenceConsumed")
      .withArgs(legacyId);
    const treasury = await w.token.balanceOf(w.treasury.address);
    const bond = (await w.court.dispute(second.id)).bond;
    await expect(w.court.connect(w.governor).rejectDispute(second.id))
      .to.emit(w.court, "DisputeRejected")
      .withArgs(second.id, w.treasury.address, bond);
    expect(await w.token.balanceOf(w.treasury.address)).to.equal(treasury + bond);
    expect(await w.court.openDisputesOf(node.address)).to.equal(0n);
    expect(await w.vault.withdrawalLocks(node.address)).to.equal(0n);
  });

  it("a proxy initialized before wave 2 (expiredBondKeptBps stored as 0) keeps the default 50% of an expired bond", async function () {
    const w = await loadFixture(world);
    expect(BigInt(await load(w, EXPIRED_BOND_KEPT_BPS))).to.equal(5_000n);
    await store(w, EXPIRED_BOND_KEPT_BPS, 0n);
    expect(await w.court.expiredBondKeptBps()).to.equal(5_000n);

    const node = await w.registerNode();
    const { id } = await openDispute(w, w.reporter, node.address, Fault.Unavailable, await now(), "0x01");
    const bond = (await w.court.dispute(id)).bond;
    await ethers.provider.send("evm_increaseTime", [14 * DAY + 1]);
    await ethers.provider.send("evm_mine", []);
    const treasury = await w.token.balanceOf(w.treasury.address);
    await expect(w.court.expireDispute(id))
      .to.emit(w.court, "DisputeExpired")
      .withArgs(id, bond / 2n, bond / 2n);
    expect(await w.token.balanceOf(w.treasury.address)).to.equal(treasury + bond / 2n);

    // setting it reports the default as the old value
    await expect(w.court.connect(w.governor).setParam(4, 2_500)) // ExpiredBondKeptBps
      .to.emit(w.court, "ParamSet")
      .withArgs(4, 5_000n, 2_500n);
    expect(await w.court.expiredBondKeptBps()).to.equal(2_500n);
  });
  it("initialize refuses each zero address", async function () {
    const w = await loadFixture(world);
    const factory = await ethers.getContractFactory("SlashingCourt");
    const zero = ethers.ZeroAddress;
    const good = [
      w.governor.address,
      w.governor.address,
      w.guardian.address,
      await w.slashing.getAddress(),
      w.treasury.address,
    ];
    for (let i = 0; i < good.length; i++) {
      const init = [...good.slice(0, i), zero, ...good.slice(i + 1), false];
      await expect(upgrades.deployProxy(factory, init, { kind: "uups" })).to.be.revertedWithCustomError(
        w.court,
        "SlashingCourtZeroAddress",
      );
    }
  });

  it("paused: no report, no opening; guardian pauses, governance unpauses, nobody else", async function () {
    const w = await loadFixture(world);
    const node = await w.registerNode();
    const report = {
      node: node.address,
      faultCode: Fault.Unavailable,
      evidenceHash: evidence("offline"),
      reportedAt: await now(),
      reporter: w.reporter.address,
    };
    const plan = planDispute(w.reporter.address, node.address, Fault.Unavailable, await now(), "0x02");
    await w.court.connect(w.reporter).commitDispute(plan.commitment);
    await expect(w.court.connect(w.other).pause())
      .to.be.revertedWithCustomError(w.court, "AccessControlUnauthorizedAccount")
      .withArgs(w.other.address, await w.court.GUARDIAN_ROLE());
    await w.court.connect(w.guardian).pause();
    await expect(w.court.submitReport(report, "0x")).to.be.revertedWithCustomError(w.court, "EnforcedPause");
    await expect(reveal(w, w.reporter, plan)).to.be.revertedWithCustomError(w.court, "EnforcedPause");
    await expect(w.court.connect(w.guardian).unpause())
      .to.be.revertedWithCustomError(w.court, "AccessControlUnauthorizedAccount")
      .withArgs(w.guardian.address, await w.court.GOVERNOR_ROLE());
    await expect(w.court.connect(w.governor).unpause()).to.emit(w.court, "Unpaused");
    expect(await w.court.paused()).to.equal(false);
    await expect(reveal(w, w.reporter, plan)).to.emit(w.court, "DisputeOpened");
  });

  it("commitDispute: a commitment made before reverts with SlashingCourtAlreadyCommitted", async function () {
    const w = await loadFixture(world);
    const commitment = ethers.id("a commitment");
    const tx = await w.court.connect(w.reporter).commitDispute(commitment);
    const block = (await tx.wait())!.blockNumber;
    await expect(w.court.connect(w.other).commitDispute(commitment))
      .to.be.revertedWithCustomError(w.court, "SlashingCourtAlreadyCommitted")
      .withArgs(commitment, block);
    expect(await w.court.commitmentBlock(commitment)).to.equal(block);
  });

  it("governance functions and upgrades refuse every other account", async function () {
    const w = await loadFixture(world);
    const node = await w.registerNode();
    const { id } = await openDispute(w, w.reporter, node.address, Fault.Unavailable, await now(), "0x03");
    const governor = await w.court.GOVERNOR_ROLE();
    const c = w.court.connect(w.other);
    const v2 = await (await (await ethers.getContractFactory("SlashingCourt")).deploy()).getAddress();
    for (const call of [
      () => c.acceptDispute(id),
      () => c.rejectDispute(id),
      () => c.slash(node.address, 1n, "no"),
      () => c.setParam(DisputeBond, 1n),
      () => c.setQuorum(2n, 3n),
      () => c.setTreasury(w.other.address),
      () => c.upgradeToAndCall(v2, "0x"),
    ]) {
      await expect(call())
        .to.be.revertedWithCustomError(w.court, "AccessControlUnauthorizedAccount")
        .withArgs(w.other.address, governor);
    }
    expect((await w.court.dispute(id)).status).to.equal(1n); // still Open
  });

  it("an expired dispute of a 1-wei bond keeps nothing; at ExpiredBondKeptBps 10,000 it keeps all", async function () {
    const w = await loadFixture(world);
    const node = await w.registerNode();
    await w.court.connect(w.governor).setParam(DisputeBond, 1n);
    const t = await now();
    const small = await openDispute(w, w.reporter, node.address, Fault.Unavailable, t, "0x04");
    await w.court.connect(w.governor).setParam(DisputeBond, 1_000n);
    const big = await openDispute(
      w,
      w.reporter,
      node.address,
      Fault.Unavailable,
      t - 8n * BigInt(DAY),
      "0x05",
    );
    await ethers.provider.send("evm_increaseTime", [14 * DAY + 1]);
    await ethers.provider.send("evm_mine", []);

    // at 1,000 bps, the share kept of a 1-wei bond rounds to 0: all of it goes back to the disputer
    await w.court.connect(w.governor).setParam(ExpiredBondKeptBps, 1_000n);
    const treasury = await w.token.balanceOf(w.treasury.address);
    const disputer = await w.token.balanceOf(w.reporter.address);
    await expect(w.court.expireDispute(small.id))
      .to.emit(w.court, "DisputeExpired")
      .withArgs(small.id, 1n, 0n);
    expect(await w.token.balanceOf(w.treasury.address)).to.equal(treasury);
    expect(await w.token.balanceOf(w.reporter.address)).to.equal(disputer + 1n);

    await w.court.connect(w.governor).setParam(ExpiredBondKeptBps, 10_000n);
    await expect(w.court.expireDispute(big.id))
      .to.emit(w.court, "DisputeExpired")
      .withArgs(big.id, 0n, 1_000n);
    expect(await w.token.balanceOf(w.treasury.address)).to.equal(treasury + 1_000n);
    expect(await w.token.balanceOf(w.reporter.address)).to.equal(disputer + 1n);
  });

  it("accepting a dispute against a node slashed to nothing meanwhile slashes 0 and returns the bond", async function () {
    const w = await loadFixture(world);
    const node = await w.registerNode();
    const { id } = await openDispute(w, w.reporter, node.address, Fault.Unavailable, await now(), "0x06");
    // an equivocation at 100% takes the whole stake, locked part included
    await w.slashing.connect(w.governor).setParam(Param.EquivocationSlashBps, 10_000n);
    const key = await vectorKey("p256");
    const t = await now();
    const a = await w.attest(node, await w.message(w.alice.address, w.bob.address, key, { at: t }), 7n, t);
    const b = await w.attest(node, await w.message(w.alice.address, w.carol.address, key, { at: t }), 7n, t);
    const claim = await w.commit(equivocationOffenceId(node.address, 7n));
    await w.slashing.proveEquivocation(a.attestation, a.nodeSignature, b.attestation, b.nodeSignature, claim);
    expect(await w.stakeOf(node.address)).to.equal(0n);

    const bond = (await w.court.dispute(id)).bond;
    const balance = await w.token.balanceOf(w.reporter.address);
    const offenceId = (await w.court.dispute(id)).offenceId;
    await expect(w.court.connect(w.governor).acceptDispute(id))
      .to.emit(w.court, "DisputeAccepted")
      .withArgs(id, offenceId, 0n);
    expect(await w.token.balanceOf(w.reporter.address)).to.equal(balance + bond);
    expect(await w.court.isOffenceConsumed(offenceId)).to.equal(true);
    expect(await w.vault.withdrawalLocks(node.address)).to.equal(0n);
  });

  it("a stake of a few wei: the share at risk and the slash round up to 1 wei", async function () {
    const w = await loadFixture(world);
    await w.registry.connect(w.governor).setMinStake(Role.STORAGE, 1n);
    const node = await w.registerNode(5n, Role.STORAGE);
    expect(await w.stakeOf(node.address)).to.equal(5n);
    // 10% of 5 wei is 0: the dispute locks 1 wei, and accepting it slashes 1 wei
    const { id } = await openDispute(w, w.reporter, node.address, Fault.Unavailable, await now(), "0x07");
    expect((await w.court.dispute(id)).locked).to.equal(1n);
    await expect(w.court.connect(w.governor).acceptDispute(id))
      .to.emit(w.court, "DisputeAccepted")
      .withArgs(id, (await w.court.dispute(id)).offenceId, 1n);
    expect(await w.stakeOf(node.address)).to.equal(4n);
  });
});
