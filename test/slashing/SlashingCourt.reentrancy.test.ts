// SlashingCourt's reentrancy guard against a hostile bond token (contracts/test/ReentrantToken.sol): the staking
// layer, and so the court's bond token, is built on a token that calls back into the court from inside each of its
// transfers. Every guarded entry point refuses that call with ReentrancyGuardReentrantCall, including the
// governance ones when the caller holds GOVERNOR_ROLE (their role check comes first, so the token is given it).
import { expect } from "chai";
import hre, { ethers, upgrades } from "hardhat";
import { MaxUint256, Wallet } from "ethers";
import { deployStaking } from "../../src/deploy/staking";
import { deploySlashing } from "../../src/deploy/slashing";
import { deployVerifier } from "../../src/deploy/verifier";
import { Role } from "../../src/staking";
import { signerConsent } from "../../src/testing/consent";
import { planDispute } from "../../src/slashing/court";
import type { KeyRegistry, ReentrantToken } from "../../typechain-types";
import { DAY, ENDPOINT, Fault, VALIDATOR_MIN, now } from "./fixture";

describe("SlashingCourt: reentrancy from the bond token", function () {
  it("openDispute, submitReport, acceptDispute, rejectDispute, expireDispute and slash refuse a call from inside a transfer", async function () {
    const [governor, guardian, treasury, operator, disputer] = await ethers.getSigners();
    const token = (await ethers.deployContract("ReentrantToken")) as unknown as ReentrantToken;
    const { vault, registry } = await deployStaking(hre, {
      token: await token.getAddress(),
      governor: governor.address,
      guardian: guardian.address,
      shortTimeBounds: false,
    });
    const { address: verifier } = await deployVerifier(hre, governor);
    const keys = (await upgrades.deployProxy(
      await ethers.getContractFactory("KeyRegistry"),
      [governor.address, guardian.address],
      { kind: "uups", constructorArgs: [verifier] },
    )) as unknown as KeyRegistry;
    const { court } = await deploySlashing(hre, {
      registry: await registry.getAddress(),
      keyRegistry: await keys.getAddress(),
      verifier,
      governor: governor.address,
      guardian: guardian.address,
      treasury: treasury.address,
      shortTimeBounds: false,
      deployer: governor,
      grantSlasherRole: true,
    });
    expect(await court.token()).to.equal(await token.getAddress());
    const courtAddress = await court.getAddress();
    await court.connect(governor).grantRole(await court.GOVERNOR_ROLE(), await token.getAddress());

    await token.mint(operator.address, 10n * VALIDATOR_MIN);
    await token.connect(operator).approve(await vault.getAddress(), MaxUint256);
    await token.mint(disputer.address, 1_000_000n * 10n ** 18n);
    await token.connect(disputer).approve(courtAddress, MaxUint256);
    const nodes: Wallet[] = [];
    for (let i = 0; i < 2; i++) {
      const node = new Wallet(Wallet.createRandom().privateKey, ethers.provider);
      await registry
        .connect(operator)
        .registerNode(
          node.address,
          Role.VALIDATOR,
          ENDPOINT,
          VALIDATOR_MIN,
          await signerConsent(registry, node, operator),
        );
      nodes.push(node);
    }

    const t = await now();
    const open = async (node: string, occurredAt: bigint, text: string) => {
      const plan = planDispute(
        disputer.address,
        node,
        Fault.Unavailable,
        occurredAt,
        ethers.toUtf8Bytes(text),
      );
      await court.connect(disputer).commitDispute(plan.commitment);
      return court
        .connect(disputer)
        .openDispute(plan.node, plan.faultCode, plan.occurredAt, plan.digest, plan.evidence, plan.salt);
    };
    const reentrant = court.interface.getError("ReentrancyGuardReentrantCall")!.selector;
    const c = court.interface;
    const report = {
      node: nodes[0].address,
      faultCode: Fault.Unavailable,
      evidenceHash: ethers.ZeroHash,
      reportedAt: t,
      reporter: disputer.address,
    };
    const refused = async (payload: string, trigger: () => Promise<unknown>) => {
      const before = await token.reentries();
      await token.arm(courtAddress, payload);
      await trigger();
      expect(await token.reentries()).to.equal(before + 1n);
      expect(await token.lastReentrySucceeded()).to.equal(false);
      expect(await token.lastRevertData()).to.equal(reentrant);
    };

    // dispute 1 (node 0, this period) is opened with the token re-entering submitReport
    await refused(c.encodeFunctionData("submitReport", [report, "0x"]), () => open(nodes[0].address, t, "1"));
    // dispute 2 (node 0, the period before), re-entering openDispute
    await refused(
      c.encodeFunctionData("openDispute", [
        nodes[0].address,
        Fault.Unavailable,
        t,
        ethers.ZeroHash,
        "0x",
        ethers.ZeroHash,
      ]),
      () => open(nodes[0].address, t - 8n * BigInt(DAY), "2"),
    );
    // dispute 3 (node 1), re-entering acceptDispute
    await refused(c.encodeFunctionData("acceptDispute", [1n]), () => open(nodes[1].address, t, "3"));
    expect(await court.disputeCount()).to.equal(3n);
    // rejecting dispute 2 pays the treasury: the token re-enters rejectDispute
    await refused(c.encodeFunctionData("rejectDispute", [1n]), () =>
      court.connect(governor).rejectDispute(2n),
    );
    // rejecting dispute 3: re-entering expireDispute
    await refused(c.encodeFunctionData("expireDispute", [1n]), () =>
      court.connect(governor).rejectDispute(3n),
    );
    // accepting dispute 1 returns the bond: re-entering slash
    await refused(c.encodeFunctionData("slash", [nodes[0].address, 1n, "re-entered"]), () =>
      court.connect(governor).acceptDispute(1n),
    );
    // the outer calls went through, and nothing else was decided
    expect((await court.dispute(1n)).status).to.equal(2n); // Accepted
    expect((await court.dispute(2n)).status).to.equal(3n); // Rejected
    expect((await court.dispute(3n)).status).to.equal(3n);
    expect(await court.openDisputesOf(nodes[0].address)).to.equal(0n);
  });
});
