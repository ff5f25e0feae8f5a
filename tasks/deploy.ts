import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { DeployError, deployProtocol } from "../src/deploy/protocol";
import { TaskError } from "../src/tasks-util";

interface DeployArgs {
  governor?: string;
  guardian?: string;
  shortTimeBounds?: string;
  token?: string;
  fresh: boolean;
}

function parseBool(name: string, v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (/^(true|1|yes)$/i.test(v)) return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  throw new TaskError(`--${name} must be true or false, not "${v}".`);
}

task(
  "deploy:protocol",
  "Deploys every protocol contract (the test token on local networks) and writes deployments/<network>.json; resumes an interrupted deploy and deploys nothing new when complete",
)
  .addOptionalParam(
    "governor",
    "Address given the governor (admin, parameters, upgrades) role (default on local networks: the deployer)",
  )
  .addOptionalParam(
    "guardian",
    "Address given the guardian (pause only) role (default on local networks: the deployer)",
  )
  .addOptionalParam(
    "shortTimeBounds",
    "true: time parameters may be minutes instead of days (fixed forever); default true on local networks, false elsewhere",
    undefined,
    types.string,
  )
  .addOptionalParam(
    "token",
    "Address of the existing PUSH token (required outside local networks unless deployments/params/<network>.json has it)",
  )
  .addFlag("fresh", "Ignore an existing deployments file and deploy everything anew")
  .setAction(async (args: DeployArgs, hre: HardhatRuntimeEnvironment) => {
    // The steps deploy from compiled artifacts; from the command line nothing has compiled them yet.
    await hre.run("compile", { quiet: true });
    try {
      const result = await deployProtocol(hre, {
        governor: args.governor,
        guardian: args.guardian,
        shortTimeBounds: parseBool("short-time-bounds", args.shortTimeBounds),
        token: args.token,
        fresh: args.fresh,
      });
      return result.deployment;
    } catch (e) {
      if (e instanceof DeployError) throw new TaskError(e.message);
      throw e;
    }
  });
