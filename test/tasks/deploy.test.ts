import { expect } from "chai";
import fs from "node:fs";
import hre from "hardhat";
import type { NodeRegistry, StakingVault, TestPush } from "../../typechain-types";
import { deploymentPath, readDeployment, writeDeployment } from "../../src/deployments";
import type { DeploymentFile } from "../../src/deployments";
import { parsePush } from "../../src/units";
import { expectRefused, newNodeKey, newSigner, runTask } from "./helpers";

const file = deploymentPath("hardhat");
const shown = "deployments/hardhat.json";

async function contracts(d: DeploymentFile): Promise<{ registry: NodeRegistry; vault: StakingVault }> {
  const registry = (await hre.ethers.getContractAt(
    "NodeRegistry",
    d.contracts.NodeRegistry.address,
  )) as unknown as NodeRegistry;
  const vault = (await hre.ethers.getContractAt(
    "StakingVault",
    d.contracts.StakingVault.address,
  )) as unknown as StakingVault;
  return { registry, vault };
}

describe("deploy:protocol", () => {
  it("deploys token, vault and registry proxies, wires them, and writes deployments/hardhat.json", async () => {
    const [deployer] = await hre.ethers.getSigners();
    const startBlock = await hre.ethers.provider.getBlockNumber();
    const { result, out } = await runTask<DeploymentFile>("deploy:protocol", { fresh: true });
    expect(out).to.include(`Wrote ${shown}.`);
    const onDisk = readDeployment("hardhat")!;
    expect(onDisk).to.deep.equal(JSON.parse(JSON.stringify(result)));
    expect(onDisk.chainId).to.equal(31337);
    expect(onDisk.network).to.equal("hardhat");
    expect(onDisk.deployer).to.equal(deployer.address);
    expect(onDisk.deployBlock).to.equal(startBlock + 1);
    expect(onDisk.deployBlockHash).to.equal((await hre.ethers.provider.getBlock(startBlock + 1))!.hash);
    expect(Object.keys(onDisk.contracts)).to.include.members(["PushToken", "StakingVault", "NodeRegistry"]);

    const { registry, vault } = await contracts(onDisk);
    expect(await registry.vault()).to.equal(onDisk.contracts.StakingVault.address);
    expect(await vault.registry()).to.equal(onDisk.contracts.NodeRegistry.address);
    expect(await vault.token()).to.equal(onDisk.contracts.PushToken.address);
    for (const name of ["StakingVault", "NodeRegistry"]) {
      const c = onDisk.contracts[name];
      expect(await hre.upgrades.erc1967.getImplementationAddress(c.address), name).to.equal(c.implementation);
    }
    const token = (await hre.ethers.getContractAt(
      "TestPush",
      onDisk.contracts.PushToken.address,
    )) as unknown as TestPush;
    expect(await token.symbol()).to.equal("tPUSH");

    // Local defaults (deployments/params/hardhat.json): the timelock governs, the deployer is its proposer
    // and the guardian, and keeps no governor or admin role; short time bounds.
    const timelock = onDisk.contracts.TimelockController.address;
    expect(await registry.hasRole(await registry.GOVERNOR_ROLE(), timelock)).to.equal(true);
    expect(await registry.hasRole(await registry.GOVERNOR_ROLE(), deployer.address)).to.equal(false);
    expect(await registry.hasRole(await registry.DEFAULT_ADMIN_ROLE(), deployer.address)).to.equal(false);
    expect(await registry.hasRole(await registry.GUARDIAN_ROLE(), deployer.address)).to.equal(true);
    expect(await registry.shortTimeBounds()).to.equal(true);
    expect(onDisk.parameters).to.include({
      governor: timelock,
      proposer: deployer.address,
      guardian: deployer.address,
      shortTimeBounds: true,
      testToken: true,
      unbondingPeriodSeconds: Number(await registry.unbondingPeriod()),
      "minStakeWei.VALIDATOR": (await registry.minStake(0)).toString(),
      "minStakeWei.ARCHIVE": (await registry.minStake(3)).toString(),
    });
  });

  it("deploys nothing new when run again, and says so", async () => {
    const [deployer] = await hre.ethers.getSigners();
    await runTask("deploy:protocol", { fresh: true });
    const before = fs.readFileSync(file, "utf8");
    const nonce = await hre.ethers.provider.getTransactionCount(deployer.address);
    const { out } = await runTask("deploy:protocol");
    expect(out).to.include(`Nothing new to deploy: every contract in ${shown} is on chain 31337.`);
    expect(out).to.include("- StakingVault + NodeRegistry: already deployed, kept.");
    expect(await hre.ethers.provider.getTransactionCount(deployer.address)).to.equal(nonce);
    expect(fs.readFileSync(file, "utf8")).to.equal(before);
  });

  it("resumes an interrupted deploy: keeps what is on chain, deploys the rest", async () => {
    const { result: first } = await runTask<DeploymentFile>("deploy:protocol", { fresh: true });
    const partial = readDeployment("hardhat")!;
    delete partial.contracts.StakingVault;
    delete partial.contracts.NodeRegistry;
    writeDeployment(partial);
    const { result, out } = await runTask<DeploymentFile>("deploy:protocol");
    expect(out).to.include("- PUSH token: already deployed, kept.");
    expect(out).to.include("- StakingVault + NodeRegistry: deploying...");
    expect(result.contracts.PushToken.address).to.equal(first.contracts.PushToken.address);
    expect(result.deployBlock).to.equal(first.deployBlock);
    expect(result.contracts.NodeRegistry.address).to.not.equal(first.contracts.NodeRegistry.address);
    const { vault } = await contracts(result);
    expect(await vault.token()).to.equal(first.contracts.PushToken.address);
  });

  it("deploys anew over a stale local file (restarted chain or other chainId)", async () => {
    await runTask("deploy:protocol", { fresh: true });
    const stale = readDeployment("hardhat")!;
    writeDeployment({ ...stale, deployBlockHash: "0x" + "11".repeat(32) });
    const { out } = await runTask("deploy:protocol");
    expect(out).to.match(
      /is stale \(the chain was reset: block \d+ is not the block it was deployed in\): deploying anew\./,
    );
    expect(out).to.include("- StakingVault + NodeRegistry: deploying...");

    writeDeployment({ ...readDeployment("hardhat")!, chainId: 5 });
    const again = await runTask("deploy:protocol");
    expect(again.out).to.include("is for chainId 5, not 31337: deploying anew.");
  });

  it("gives the timelock proposer and the guardian to the given addresses, no role to the deployer; refuses to mix them on resume", async () => {
    const [deployer, , , , , proposer, guardian, other] = await hre.ethers.getSigners();
    const { result } = await runTask<DeploymentFile>("deploy:protocol", {
      fresh: true,
      proposer: proposer.address,
      guardian: guardian.address,
      shortTimeBounds: "false",
    });
    const { registry, vault } = await contracts(result);
    const [GOV, GUARD, ADMIN] = [
      await registry.GOVERNOR_ROLE(),
      await registry.GUARDIAN_ROLE(),
      await registry.DEFAULT_ADMIN_ROLE(),
    ];
    const governor = { address: result.contracts.TimelockController.address };
    const timelock = await hre.ethers.getContractAt("TimelockController", governor.address);
    expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), proposer.address)).to.equal(true);
    expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), deployer.address)).to.equal(false);
    expect(await registry.hasRole(GOV, governor.address)).to.equal(true);
    expect(await registry.hasRole(ADMIN, governor.address)).to.equal(true);
    expect(await registry.hasRole(GUARD, guardian.address)).to.equal(true);
    expect(await vault.hasRole(GOV, governor.address)).to.equal(true);
    for (const role of [GOV, GUARD, ADMIN]) {
      expect(await registry.hasRole(role, deployer.address)).to.equal(false);
      expect(await vault.hasRole(role, deployer.address)).to.equal(false);
    }
    expect(await registry.shortTimeBounds()).to.equal(false);
    expect(result.parameters).to.include({
      governor: governor.address,
      proposer: proposer.address,
      guardian: guardian.address,
      shortTimeBounds: false,
    });

    await expectRefused(
      "deploy:protocol",
      { proposer: other.address },
      `The existing deployment on "hardhat" has proposer ${proposer.address}, not ${other.address}: pass --fresh to deploy anew.`,
      [deployer.address],
    );
    await expectRefused(
      "deploy:protocol",
      { shortTimeBounds: "true" },
      'The existing deployment on "hardhat" has shortTimeBounds=false: pass --fresh to deploy anew.',
      [deployer.address],
    );
    // The same values are fine: nothing new.
    const same = await runTask("deploy:protocol", { proposer: proposer.address, shortTimeBounds: "false" });
    expect(same.out).to.include("Nothing new to deploy");
  });

  it("refuses bad options in one sentence, sending nothing", async () => {
    const [deployer] = await hre.ethers.getSigners();
    const accounts = [deployer.address];
    await expectRefused(
      "deploy:protocol",
      { fresh: true, proposer: "0xabc" },
      '--proposer "0xabc" is not an Ethereum address.',
      accounts,
    );
    await expectRefused(
      "deploy:protocol",
      { fresh: true, guardian: "me" },
      '--guardian "me" is not an Ethereum address.',
      accounts,
    );
    await expectRefused(
      "deploy:protocol",
      { fresh: true, shortTimeBounds: "maybe" },
      '--short-time-bounds must be true or false, not "maybe".',
      accounts,
    );
    const nowhere = newSigner();
    await expectRefused(
      "deploy:protocol",
      { fresh: true, token: nowhere },
      `There is no contract at token address ${nowhere} on "hardhat".`,
      accounts,
    );
    await expectRefused(
      "deploy:protocol",
      { fresh: true, token: "0x12" },
      'Token address "0x12" is not an Ethereum address.',
      accounts,
    );
  });

  it("uses an existing token given by --token; operators without permit approve exactly the amount", async () => {
    const [, op] = await hre.ethers.getSigners();
    const plain = await hre.ethers.deployContract("NoPermitToken");
    const plainAddress = await plain.getAddress();
    await (await plain.getFunction("mint")(op.address, parsePush("100000"))).wait();
    const { result } = await runTask<DeploymentFile>("deploy:protocol", { fresh: true, token: plainAddress });
    expect(result.contracts.PushToken).to.deep.equal({ address: plainAddress });
    expect(result.parameters.testToken).to.equal(false);
    await expectRefused(
      "token:mint",
      { to: op.address, amount: "1" },
      'The token of network "hardhat" is not the test token: it cannot be minted.',
    );
    await expectRefused(
      "deploy:protocol",
      { token: newSigner() },
      `The existing deployment on "hardhat" uses token ${plainAddress}`,
    );

    const nonce = await hre.ethers.provider.getTransactionCount(op.address);
    const key = newNodeKey();
    const { out } = await runTask("node:register", {
      role: "delivery",
      signer: key.address,
      signerKey: key.privateKey,
      amount: "25000",
      endpoint: "https://d.example.org",
      from: op.address,
    });
    expect(out).to.match(/approve 25,000 PUSH to the vault: tx 0x[0-9a-f]{64} \(block \d+, gas used \d+\)/);
    expect(out).to.not.include("permit");
    expect(await hre.ethers.provider.getTransactionCount(op.address)).to.equal(nonce + 2);
    expect(await plain.getFunction("allowance")(op.address, result.contracts.StakingVault.address)).to.equal(
      0n,
    );
    expect(await plain.getFunction("balanceOf")(op.address)).to.equal(parsePush("75000"));
  });

  it("deploys the KeyRegistry when its contract is in the checkout", async () => {
    const { result, out } = await runTask<DeploymentFile>("deploy:protocol", { fresh: true });
    if (await hre.artifacts.artifactExists("KeyRegistry")) {
      const k = result.contracts.KeyRegistry;
      expect(k, "KeyRegistry in the deployments file").to.not.equal(undefined);
      expect(await hre.upgrades.erc1967.getImplementationAddress(k.address)).to.equal(k.implementation);
      const [deployer] = await hre.ethers.getSigners();
      const access = new hre.ethers.Contract(
        k.address,
        ["function hasRole(bytes32 role, address account) view returns (bool)"],
        hre.ethers.provider,
      );
      const timelock = result.contracts.TimelockController.address;
      const has = (role: string, who: string): Promise<boolean> =>
        access.getFunction("hasRole")(role, who) as Promise<boolean>;
      expect(await has(hre.ethers.id("GOVERNOR_ROLE"), timelock)).to.equal(true);
      expect(await has(hre.ethers.ZeroHash, timelock)).to.equal(true);
      expect(await has(hre.ethers.id("GUARDIAN_ROLE"), deployer.address)).to.equal(true);
      expect(await has(hre.ethers.id("GOVERNOR_ROLE"), deployer.address)).to.equal(false);
      expect(await has(hre.ethers.ZeroHash, deployer.address)).to.equal(false);
    } else {
      expect(out).to.include("- KeyRegistry: not in this checkout, skipped.");
      expect(result.contracts).to.not.have.property("KeyRegistry");
    }
  });
});
