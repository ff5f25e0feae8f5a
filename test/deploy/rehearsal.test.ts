import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import type { DeploymentFile } from "../../src/deployments";
import { paramsPath } from "../../src/deploy/params";
import type { ParamsFile } from "../../src/deploy/params";
import { GOVERNED, ROLES, rolesHeld } from "../../src/deploy/wiring";
import { PARAM_SPECS, parseParamValue } from "../../src/params/spec";
import { readParam } from "../../src/params/read";
import { expectRefused, runTask } from "../tasks/helpers";

/**
 * Places a TestPush's runtime code at `address` (hardhat_setCode runs no constructor): the EIP-712 name is an
 * immutable (in the code), but ERC-20 name and symbol are storage (slots 3 and 4), copied over explicitly.
 */
async function placeToken(address: string): Promise<void> {
  const t = await hre.ethers.deployContract("TestPush");
  const source = await t.getAddress();
  const code = await hre.ethers.provider.getCode(source);
  await hre.network.provider.request({ method: "hardhat_setCode", params: [address, code] });
  for (const slot of [3, 4]) {
    const value = await hre.ethers.provider.getStorage(source, slot);
    await hre.network.provider.request({
      method: "hardhat_setStorageAt",
      params: [address, hre.ethers.toBeHex(slot, 32), value],
    });
  }
}

function tmpParams(network: string, edit: (p: ParamsFile) => void): string {
  const p = JSON.parse(fs.readFileSync(paramsPath(network), "utf8")) as ParamsFile;
  edit(p);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "params-")), `${network}.json`);
  fs.writeFileSync(file, JSON.stringify(p, null, 2));
  return file;
}

for (const network of ["mainnet", "polygon"]) {
  describe(`rehearsal: deploy with deployments/params/${network}.json onto the embedded network`, () => {
    it("refuses the file's zero proposer placeholder and the other chain's id without --rehearsal", async () => {
      const [deployer] = await hre.ethers.getSigners();
      const file = paramsPath(network);
      const chainId = (JSON.parse(fs.readFileSync(file, "utf8")) as ParamsFile).chainId;
      await expectRefused(
        "deploy:protocol",
        { fresh: true, params: file },
        `is for chainId ${chainId}, but the connected chain is 31337: wrong network or wrong file; nothing was sent.`,
        [deployer.address],
      );
      await expectRefused(
        "deploy:protocol",
        { fresh: true, params: file, rehearsal: true },
        "timelock.proposer is the zero-address placeholder: set the real governance multisig address (required on mainnet and Polygon) before deploying.",
        [deployer.address],
      );
    });

    it("wires roles, the 2-day delay and the file's parameters, leaving the deployer nothing", async () => {
      const [deployer, , , , , , , , safe, guardian] = await hre.ethers.getSigners();
      const file = tmpParams(network, (p) => {
        p.timelock.proposer = safe.address;
        p.guardian = guardian.address;
      });
      const params = JSON.parse(fs.readFileSync(file, "utf8")) as ParamsFile;
      await placeToken(params.token);
      const token = await hre.ethers.getContractAt("TestPush", params.token);
      expect(await token.name()).to.equal("Test Push");

      const { result: d } = await runTask<DeploymentFile>("deploy:protocol", {
        fresh: true,
        params: file,
        rehearsal: true,
      });
      expect(d.contracts.PushToken.address).to.equal(params.token);
      expect(d.parameters).to.include({ rehearsalOfChainId: params.chainId, shortTimeBounds: false });

      const timelockAddress = d.contracts.TimelockController.address;
      const timelock = await hre.ethers.getContractAt("TimelockController", timelockAddress);
      expect(await timelock.getMinDelay()).to.equal(2n * 86_400n);
      expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), safe.address)).to.equal(true);
      expect(await timelock.hasRole(await timelock.CANCELLER_ROLE(), safe.address)).to.equal(true);
      expect(await timelock.hasRole(await timelock.EXECUTOR_ROLE(), hre.ethers.ZeroAddress)).to.equal(true);
      expect(await timelock.hasRole(ROLES.DEFAULT_ADMIN_ROLE, timelockAddress)).to.equal(true);
      for (const role of [
        ROLES.DEFAULT_ADMIN_ROLE,
        await timelock.PROPOSER_ROLE(),
        await timelock.CANCELLER_ROLE(),
      ])
        expect(await timelock.hasRole(role, deployer.address)).to.equal(false);

      // The timelock holds governor and admin everywhere, the guardian only the guardian role, the deployer nothing.
      expect(await rolesHeld(d, deployer.address, hre.ethers.provider)).to.deep.equal([]);
      const expectedTimelock: string[] = [];
      const expectedGuardian: string[] = [];
      for (const { name, guardian: hasGuardian } of GOVERNED) {
        if (!d.contracts[name]) continue;
        expectedTimelock.push(`${name}.DEFAULT_ADMIN_ROLE`, `${name}.GOVERNOR_ROLE`);
        if (hasGuardian) expectedGuardian.push(`${name}.GUARDIAN_ROLE`);
      }
      expect(await rolesHeld(d, timelockAddress, hre.ethers.provider)).to.have.members(expectedTimelock);
      expect(await rolesHeld(d, guardian.address, hre.ethers.provider)).to.have.members(expectedGuardian);
      expect(expectedTimelock).to.include.members([
        "NodeRegistry.GOVERNOR_ROLE",
        "StakingVault.DEFAULT_ADMIN_ROLE",
      ]);

      // Every parameter of the file, on chain (those of contracts in this checkout).
      const registry = await hre.ethers.getContractAt("NodeRegistry", d.contracts.NodeRegistry.address);
      expect(await registry.shortTimeBounds()).to.equal(false);
      // The unbonding period is bounded by the court's fault window on chain.
      expect(await registry.faultWindowSource()).to.equal(d.contracts.SlashingCourt.address);
      const court = await hre.ethers.getContractAt("SlashingCourt", d.contracts.SlashingCourt.address);
      expect((await registry.unbondingPeriodBounds())[0]).to.equal(
        BigInt((await court.params()).faultWindow) + 1n,
      );
      let checked = 0;
      for (const spec of PARAM_SPECS) {
        const c = d.contracts[spec.contract];
        if (!c) continue;
        const want = parseParamValue(spec, params.parameters[spec.name], file);
        expect(await readParam(hre, spec, c.address), spec.name).to.deep.equal(want);
        checked++;
      }
      expect(checked).to.be.at.least(6);

      // Resumable: a second run sends nothing.
      const nonce = await hre.ethers.provider.getTransactionCount(deployer.address);
      const again = await runTask("deploy:protocol", { params: file, rehearsal: true });
      expect(again.out).to.include("Nothing new to deploy");
      expect(await hre.ethers.provider.getTransactionCount(deployer.address)).to.equal(nonce);
    });
  });
}
