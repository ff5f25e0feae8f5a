import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { DeployError, deployProtocol } from "../src/deploy/protocol";
import { verifyDeployment } from "../src/deploy/verify";
import { KEYSTORE_HELP, signerFor } from "../src/signer";
import { EMBEDDED_NETWORK_ADVICE, TaskError, loadDeployment } from "../src/tasks-util";
import { isHardhatCli } from "../src/cli-errors";

interface DeployArgs {
  proposer?: string;
  guardian?: string;
  shortTimeBounds?: string;
  token?: string;
  params?: string;
  rehearsal: boolean;
  fresh: boolean;
  from?: string;
  keystore?: string;
}

function parseBool(name: string, v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (/^(true|1|yes)$/i.test(v)) return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  throw new TaskError(`--${name} must be true or false, not "${v}".`);
}

task(
  "deploy:protocol",
  "Deploys every protocol contract and a TimelockController from deployments/params/<network>.json, hands every governor and admin role to the timelock (the deployer keeps none), and writes deployments/<network>.json; resumes an interrupted deploy and deploys nothing new when complete",
)
  .addOptionalParam(
    "proposer",
    "Timelock proposer (the governance multisig), overriding the params file's timelock.proposer",
  )
  .addOptionalParam("guardian", "Address given the guardian (pause only) role, overriding the params file")
  .addOptionalParam(
    "shortTimeBounds",
    "true: time parameters may be minutes instead of days (fixed forever; never on mainnet or Polygon), overriding the params file",
    undefined,
    types.string,
  )
  .addOptionalParam("token", "Address of the existing PUSH token, overriding the params file's token")
  .addOptionalParam("params", "Parameters file (default: deployments/params/<network>.json)")
  .addFlag(
    "rehearsal",
    "Rehearse: let a params file for another chain (e.g. mainnet.json) deploy onto the embedded hardhat network; refused on any other network",
  )
  .addFlag("fresh", "Ignore an existing deployments file and deploy everything anew")
  .addOptionalParam(
    "from",
    "Deploying account: an index among the network's accounts or an address (default: the first)",
  )
  .addOptionalParam("keystore", KEYSTORE_HELP)
  .setAction(async (args: DeployArgs, hre: HardhatRuntimeEnvironment) => {
    const shortTimeBounds = parseBool("short-time-bounds", args.shortTimeBounds);
    // The steps deploy from compiled artifacts; from the command line nothing has compiled them yet.
    await hre.run("compile", { quiet: true });
    try {
      const signer =
        args.from !== undefined || args.keystore !== undefined
          ? await signerFor(hre, { from: args.from, keystore: args.keystore })
          : undefined;
      const result = await deployProtocol(hre, {
        proposer: args.proposer,
        guardian: args.guardian,
        shortTimeBounds,
        token: args.token,
        paramsFile: args.params,
        rehearsal: args.rehearsal,
        fresh: args.fresh,
        signer,
      });
      if (hre.network.name === "hardhat" && !args.rehearsal && isHardhatCli())
        console.warn(`Note: this deployment is already gone: ${EMBEDDED_NETWORK_ADVICE}.`);
      return result.deployment;
    } catch (e) {
      if (e instanceof DeployError) throw new TaskError(e.message);
      throw e;
    }
  });

task(
  "deploy:verify",
  "Verifies every contract of deployments/<network>.json (proxies, implementations, timelock, token) on the network's block explorer with hardhat-verify (Etherscan API v2: one ETHERSCAN_API_KEY for every chain)",
).setAction(async (_args: Record<string, never>, hre: HardhatRuntimeEnvironment) => {
  const deployment = await loadDeployment(hre);
  try {
    return await verifyDeployment(hre, deployment);
  } catch (e) {
    if (e instanceof DeployError) throw new TaskError(e.message);
    throw e;
  }
});
