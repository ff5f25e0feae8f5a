import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { loadParams, paramsPath } from "../../src/deploy/params";
import type { ParamsFile } from "../../src/deploy/params";
import { PARAM_SPECS } from "../../src/params/spec";
import { REMOTE_NETWORKS, missingRpcSentence } from "../../src/networks";
import { expectRefused } from "../tasks/helpers";

const NETWORKS = ["hardhat", "localhost", "sepolia", "amoy", "mainnet", "polygon"];
const CHAIN_IDS: Record<string, number> = {
  hardhat: 31337,
  localhost: 31337,
  sepolia: 11155111,
  amoy: 80002,
  mainnet: 1,
  polygon: 137,
};

function writeTmp(p: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "params-")), "x.json");
  fs.writeFileSync(file, JSON.stringify(p));
  return file;
}

function edited(network: string, edit: (p: ParamsFile) => void): string {
  const p = JSON.parse(fs.readFileSync(paramsPath(network), "utf8")) as ParamsFile;
  edit(p);
  return writeTmp(p);
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("deployments/params", () => {
  it("has a file for each of the six networks, with every parameter, the DESIGN token addresses and delays", () => {
    for (const n of NETWORKS) {
      const raw = JSON.parse(fs.readFileSync(paramsPath(n), "utf8")) as ParamsFile;
      expect(raw.chainId, n).to.equal(CHAIN_IDS[n]);
      expect(Object.keys(raw.parameters)).to.have.members(PARAM_SPECS.map((s) => s.name));
    }
    const token = (n: string): string =>
      (JSON.parse(fs.readFileSync(paramsPath(n), "utf8")) as ParamsFile).token;
    expect(token("mainnet")).to.equal("0xf418588522d5dd018b425E472991E52EBBeEEEEE");
    expect(token("polygon")).to.equal("0x58001cC1A9E17A20935079aB40B1B8f4Fc19EFd1");
    expect(token("sepolia")).to.equal("0x37c779a1564DCc0e3914aB130e0e787d93e21804");
    for (const n of ["hardhat", "localhost", "amoy"]) expect(token(n)).to.equal("test");
    // Local files load as they are; the others need their multisig and guardian first.
    for (const n of ["hardhat", "localhost"]) {
      const p = loadParams(n, 31337, { local: true });
      expect(p.shortTimeBounds).to.equal(true);
      expect(p.proposer).to.equal("deployer");
    }
    for (const n of ["mainnet", "polygon"]) {
      const file = edited(n, (p) => {
        p.timelock.proposer = "0x000000000000000000000000000000000000dEaD";
        p.guardian = "0x000000000000000000000000000000000000bEEF";
      });
      const p = loadParams(n, CHAIN_IDS[n], { file, local: false });
      expect(p.minDelay).to.equal(172_800n);
      expect(p.shortTimeBounds).to.equal(false);
      expect(p.parameters.unbondingPeriod).to.deep.equal([21n * 86_400n]);
    }
  });

  it("refuses bad files in one sentence", () => {
    expect(refusal(() => loadParams("nowhere", 1, { local: false }))).to.equal(
      'No parameters for network "nowhere": deployments/params/nowhere.json does not exist (see README, "Deploying").',
    );
    expect(refusal(() => loadParams("sepolia", 11155111, { local: false }))).to.include(
      "timelock.proposer is the zero-address placeholder",
    );
    const mainnetShort = edited("mainnet", (p) => (p.shortTimeBounds = true));
    expect(refusal(() => loadParams("mainnet", 1, { file: mainnetShort, local: false }))).to.include(
      "shortTimeBounds must be false on chainId 1.",
    );
    const fastDelay = edited("polygon", (p) => (p.timelock.minDelay = "1h"));
    expect(refusal(() => loadParams("polygon", 137, { file: fastDelay, local: false }))).to.include(
      "timelock.minDelay is 1 hour; chainId 137 needs at least 2 days.",
    );
    const testToken = edited("mainnet", (p) => (p.token = "test"));
    expect(refusal(() => loadParams("mainnet", 1, { file: testToken, local: false }))).to.include(
      'token "test" is not allowed on chainId 1.',
    );
    const deployerProposer = edited("mainnet", (p) => (p.timelock.proposer = "deployer"));
    expect(refusal(() => loadParams("mainnet", 1, { file: deployerProposer, local: true }))).to.include(
      "timelock.proposer must be an address",
    );
    const shortUnbonding = edited("hardhat", (p) => (p.parameters.unbondingPeriod = "6m"));
    expect(refusal(() => loadParams("hardhat", 31337, { file: shortUnbonding, local: true }))).to.include(
      "unbondingPeriod 6 minutes is out of bounds: it must be between 7 minutes and 60 days (short time bounds).",
    );
    const windowTooLong = edited("hardhat", (p) => (p.parameters.faultWindow = "21d"));
    expect(refusal(() => loadParams("hardhat", 31337, { file: windowTooLong, local: true }))).to.include(
      "must be longer than the fault window (21 days)",
    );
    const missing = edited("hardhat", (p) => delete p.parameters.quorum);
    expect(refusal(() => loadParams("hardhat", 31337, { file: missing, local: true }))).to.include(
      "parameter quorum is missing.",
    );
    const badQuorum = edited("hardhat", (p) => (p.parameters.quorum = "1/3"));
    expect(refusal(() => loadParams("hardhat", 31337, { file: badQuorum, local: true }))).to.include(
      "quorum 1/3 is out of bounds",
    );
  });

  it("deploy:protocol refuses a file for another chain, sending nothing", async () => {
    const [deployer] = await hre.ethers.getSigners();
    await expectRefused(
      "deploy:protocol",
      { fresh: true, params: paramsPath("amoy") },
      "deployments/params/amoy.json is for chainId 80002, but the connected chain is 31337: wrong network or wrong file; nothing was sent.",
      [deployer.address],
    );
  });

  it("names the configuration variable of a remote network without an RPC URL", async () => {
    const sepolia = REMOTE_NETWORKS.find((n) => n.name === "sepolia")!;
    expect(missingRpcSentence(sepolia)).to.equal(
      'Network "sepolia" has no RPC URL: set it with `npx hardhat vars set SEPOLIA_RPC_URL` or the SEPOLIA_RPC_URL environment variable.',
    );
    expect(hre.config.networks.sepolia).to.include({ chainId: 11155111 });
  });
});
