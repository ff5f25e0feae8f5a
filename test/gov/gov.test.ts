import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { NodeRegistry } from "../../typechain-types";
import type { DeploymentFile } from "../../src/deployments";
import type { GovResult, SafeBatchFile } from "../../src/gov/timelock";
import { expectRefused, runTask } from "../tasks/helpers";

async function fresh(): Promise<{ d: DeploymentFile; registry: NodeRegistry }> {
  const { result: d } = await runTask<DeploymentFile>("deploy:protocol", { fresh: true });
  const registry = (await hre.ethers.getContractAt(
    "NodeRegistry",
    d.contracts.NodeRegistry.address,
  )) as unknown as NodeRegistry;
  return { d, registry };
}

describe("gov:* through the timelock", () => {
  it("gov:params schedules, refuses to execute before the ETA, executes after the delay", async () => {
    const [deployer] = await hre.ethers.getSigners();
    const { registry } = await fresh();
    const first = await runTask<GovResult>("gov:params", { name: "unbondingPeriod", value: "30d" });
    expect(first.result.state).to.equal("Waiting");
    expect(first.out).to.match(/Scheduled operation 0x[0-9a-f]{64}: executable from \d{4}-\d\d-\d\dT/);
    expect(await registry.unbondingPeriod()).to.equal(21n * 86_400n);

    await expectRefused(
      "gov:params",
      { name: "unbondingPeriod", value: "30d" },
      new RegExp(
        `^Operation ${first.result.id} is not ripe: it can be executed from .+ \\(in \\d+ s\\); nothing was sent\\.$`,
      ),
      [deployer.address],
    );
    const status = await runTask<{ id: string; state: string }[]>("gov:status");
    expect(status.result.map((o) => [o.id, o.state])).to.deep.equal([[first.result.id, "Waiting"]]);

    await time.increaseTo(first.result.eta!);
    const second = await runTask<GovResult>("gov:params", { name: "unbondingPeriod", value: "30d" });
    expect(second.result.state).to.equal("Done");
    expect(await registry.unbondingPeriod()).to.equal(30n * 86_400n);
    expect((await runTask<unknown[]>("gov:status")).result).to.deep.equal([]);
  });

  it("gov:params checks bounds locally in one sentence, and --execute runs both steps locally", async () => {
    const [deployer] = await hre.ethers.getSigners();
    const { registry } = await fresh();
    await expectRefused(
      "gov:params",
      { name: "slashesBeforeBan", value: "11" },
      "slashesBeforeBan 11 is out of bounds: it must be between 1 and 10; nothing was sent.",
      [deployer.address],
    );
    await expectRefused(
      "gov:params",
      { name: "unbondingPeriod", value: "5m" },
      "unbondingPeriod 5 minutes is out of bounds: it must be between 7 minutes and 60 days (short time bounds); nothing was sent.",
      [deployer.address],
    );
    await expectRefused("gov:params", { name: "nope", value: "1" }, '"nope" is not a parameter: use one of');
    await expectRefused(
      "gov:params",
      { name: "stateLag", value: "5s" },
      "stateLag 5 seconds is out of bounds",
    );
    const { result } = await runTask<GovResult>("gov:params", {
      name: "minStake.DELIVERY",
      value: "30000",
      execute: true,
    });
    expect(result.state).to.equal("Done");
    expect(await registry.minStake(2)).to.equal(hre.ethers.parseEther("30000"));
  });

  it("writes Safe Transaction Builder files when the sender is not a proposer", async () => {
    const [, other] = await hre.ethers.getSigners();
    const { d } = await fresh();
    const stem = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "safe-")), "pause-fix");
    const nonce = await hre.ethers.provider.getTransactionCount(other.address);
    const { result } = await runTask<GovResult>("gov:params", {
      name: "slashesBeforeBan",
      value: "4",
      from: "1",
      safe: stem,
    });
    expect(result.state).to.equal("Unset");
    expect(result.safeFiles).to.deep.equal([`${stem}-schedule.json`, `${stem}-execute.json`]);
    expect(await hre.ethers.provider.getTransactionCount(other.address)).to.equal(nonce);
    const schedule = JSON.parse(fs.readFileSync(`${stem}-schedule.json`, "utf8")) as SafeBatchFile;
    expect(schedule.version).to.equal("1.0");
    expect(schedule.chainId).to.equal("31337");
    expect(schedule.meta.name).to.equal("Schedule: set slashesBeforeBan from 3 to 4");
    expect(schedule.transactions).to.have.length(1);
    const [tx] = schedule.transactions;
    expect(tx.to).to.equal(d.contracts.TimelockController.address);
    expect(tx.value).to.equal("0");
    expect(tx.contractMethod.name).to.equal("schedule");
    expect(tx.contractMethod.inputs.map((i) => `${i.type} ${i.name}`)).to.deep.equal([
      "address target",
      "uint256 value",
      "bytes data",
      "bytes32 predecessor",
      "bytes32 salt",
      "uint256 delay",
    ]);
    const registry = await hre.ethers.getContractAt("NodeRegistry", d.contracts.NodeRegistry.address);
    expect(tx.contractInputsValues).to.deep.equal({
      target: d.contracts.NodeRegistry.address,
      value: "0",
      data: registry.interface.encodeFunctionData("setSlashesBeforeBan", [4]),
      predecessor: hre.ethers.ZeroHash,
      salt: hre.ethers.ZeroHash,
      delay: "60",
    });
    // The schedule call of the file, sent by the proposer, yields the printed operation id.
    const timelock = await hre.ethers.getContractAt("TimelockController", tx.to);
    const v = tx.contractInputsValues;
    await (await timelock.schedule(v.target, v.value, v.data, v.predecessor, v.salt, v.delay)).wait();
    expect(await timelock.isOperationPending(result.id)).to.equal(true);
    const execute = JSON.parse(fs.readFileSync(`${stem}-execute.json`, "utf8")) as SafeBatchFile;
    expect(execute.transactions[0].contractMethod.name).to.equal("execute");
  });

  it("gov:pause from the guardian, gov:unpause and gov:upgrade through the timelock", async () => {
    const [, stranger] = await hre.ethers.getSigners();
    const { d, registry } = await fresh();
    await expectRefused(
      "gov:pause",
      { contract: "NodeRegistry", from: "1" },
      `${stranger.address} is not the guardian of NodeRegistry`,
    );
    await runTask("gov:pause", { contract: "NodeRegistry" });
    expect(await registry.paused()).to.equal(true);
    await runTask("gov:unpause", { execute: true });
    expect(await registry.paused()).to.equal(false);
    await expectRefused(
      "gov:unpause",
      { contract: "NodeRegistry" },
      "NodeRegistry is not paused: nothing to unpause.",
    );

    const { result } = await runTask<GovResult & { implementation: string }>("gov:upgrade", {
      contract: "NodeRegistry",
      implementation: "NodeRegistryV2",
      execute: true,
    });
    expect(await hre.upgrades.erc1967.getImplementationAddress(d.contracts.NodeRegistry.address)).to.equal(
      result.implementation,
    );
  });

  it("gov:call checks the function against the target's ABI and simulates it as the timelock", async () => {
    const [deployer] = await hre.ethers.getSigners();
    const { registry } = await fresh();
    await expectRefused(
      "gov:call",
      { contract: "NodeRegistry", function: "setSlashesBeforeBan(uint256)", args: '["4"]' },
      "NodeRegistry has no function setSlashesBeforeBan(uint256): it has setSlashesBeforeBan(uint8); nothing was scheduled.",
      [deployer.address],
    );
    await expectRefused(
      "gov:call",
      { contract: "NodeRegistry", function: "bogus(uint256)", args: '["4"]' },
      "NodeRegistry has no function named bogus; nothing was scheduled.",
      [deployer.address],
    );
    const why = await expectRefused(
      "gov:call",
      { contract: "NodeRegistry", function: "setSlashesBeforeBan(uint8)", args: '["0"]' },
      /^NodeRegistry\.setSlashesBeforeBan\(0\) would fail when the timelock makes it now: NodeRegistry: .+; nothing was scheduled \(--skip-checks schedules it anyway\)\.$/,
      [deployer.address],
    );
    expect(why).to.not.match(/0x[0-9a-f]{8}\b(?!.)/);
    const { result } = await runTask<GovResult>("gov:call", {
      contract: "NodeRegistry",
      function: "setSlashesBeforeBan(uint8)",
      args: '["4"]',
      execute: true,
    });
    expect(result.state).to.equal("Done");
    expect(await registry.slashesBeforeBan()).to.equal(4n);
  });

  it("decodes a failed execution, and gov:cancel removes the dead operation", async () => {
    const [deployer, other] = await hre.ethers.getSigners();
    await fresh();
    const args = { contract: "NodeRegistry", function: "bogus(uint256)", args: '["4"]', skipChecks: true };
    const { result } = await runTask<GovResult>("gov:call", args);
    expect(result.state).to.equal("Waiting");
    await time.increaseTo(result.eta!);
    const message = await expectRefused(
      "gov:call",
      args,
      "execute call bogus(uint256) on NodeRegistry would fail: ",
    );
    expect(message).to.include("it reverted without a reason (FailedCall: the target has no such function");
    expect(message).to.include(`gov:cancel --id ${result.id} removes it`);
    expect(
      (await runTask<{ id: string; state: string }[]>("gov:status")).result.map((o) => o.state),
    ).to.deep.equal(["Ready"]);

    await expectRefused(
      "gov:cancel",
      { id: "0x" + "11".repeat(32) },
      `Operation 0x${"11".repeat(32)} is not scheduled on the timelock`,
      [deployer.address],
    );
    const stem = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cancel-")), "dead");
    const nonce = await hre.ethers.provider.getTransactionCount(other.address);
    const viaSafe = await runTask<{ safeFile?: string }>("gov:cancel", {
      id: result.id,
      from: "1",
      safe: stem,
    });
    expect(viaSafe.out).to.include(`${other.address} is not a canceller of the timelock`);
    expect(viaSafe.result.safeFile).to.equal(`${stem}-cancel.json`);
    const file = JSON.parse(fs.readFileSync(`${stem}-cancel.json`, "utf8")) as SafeBatchFile;
    expect(file.transactions[0].contractMethod.name).to.equal("cancel");
    expect(file.transactions[0].contractInputsValues).to.deep.equal({ id: result.id });
    expect(await hre.ethers.provider.getTransactionCount(other.address)).to.equal(nonce);

    const cancelled = await runTask<{ state: string }>("gov:cancel", { id: result.id });
    expect(cancelled.out).to.include(`Operation ${result.id} is cancelled (it was Ready).`);
    expect((await runTask<unknown[]>("gov:status")).result).to.deep.equal([]);
    await expectRefused("gov:cancel", { id: result.id }, "(never scheduled, or already cancelled)", [
      deployer.address,
    ]);
  });
});
