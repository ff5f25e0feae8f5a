// deploy:verify: every contract of a deployment on the network's block explorer, through hardhat-verify
// (Etherscan API v2, one key for every chain). Proxies go through the `verify` task as extended by
// @openzeppelin/hardhat-upgrades, which verifies the implementation and links the proxy to it.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { DeploymentFile } from "../deployments";
import { ETHERSCAN_KEY_VAR, configValue, remoteNetwork } from "../networks";
import { DeployError } from "./types";

export interface VerifyOutcome {
  name: string;
  address: string;
  result: "verified" | "already verified" | "failed";
  detail?: string;
}

export async function verifyDeployment(
  hre: HardhatRuntimeEnvironment,
  d: DeploymentFile,
  log: (line: string) => void = console.log,
): Promise<VerifyOutcome[]> {
  const remote = remoteNetwork(hre.network.name);
  if (!remote)
    throw new DeployError(
      `Network "${hre.network.name}" has no block explorer: there is nothing to verify (verify runs on sepolia, amoy, mainnet and polygon).`,
    );
  if (configValue(ETHERSCAN_KEY_VAR) === undefined)
    throw new DeployError(
      `No Etherscan API key: set it with \`npx hardhat vars set ${ETHERSCAN_KEY_VAR}\` (one Etherscan v2 key covers Ethereum and Polygon).`,
    );
  const outcomes: VerifyOutcome[] = [];
  for (const [name, c] of Object.entries(d.contracts)) {
    if (name === "PushToken" && d.parameters.testToken !== true) continue; // not ours
    const proxy = c.implementation !== undefined && c.implementation !== c.address;
    try {
      if (proxy) await hre.run("verify", { address: c.address, constructorArgsParams: [] });
      else
        await hre.run("verify:verify", { address: c.address, constructorArguments: c.constructorArgs ?? [] });
      outcomes.push({ name, address: c.address, result: "verified" });
      log(`${name} ${c.address}: verified on ${remote.explorer}.`);
    } catch (e) {
      const msg = (e as Error).message.split("\n")[0];
      const already = /already verified/i.test(msg);
      outcomes.push({
        name,
        address: c.address,
        result: already ? "already verified" : "failed",
        detail: msg,
      });
      log(`${name} ${c.address}: ${already ? "already verified" : `not verified (${msg})`}.`);
    }
  }
  return outcomes;
}
