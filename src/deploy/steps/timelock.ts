import { ZeroAddress } from "ethers";
import type { DeployStep } from "../types";

/** Key of the governance timelock in deployments/<network>.json. */
export const TIMELOCK = "TimelockController";

/**
 * OpenZeppelin TimelockController: min delay from the params file, the multisig as proposer (and canceller),
 * executor open (anyone executes a ripe operation) or the multisig, no admin (it administers itself).
 */
export const timelockStep: DeployStep = {
  name: "TimelockController",
  produces: [TIMELOCK],
  applies: async () => true,
  async deploy(ctx) {
    const { minDelay } = ctx.params;
    const proposer = ctx.params.proposer === "deployer" ? ctx.deployer : ctx.params.proposer;
    const executor = ctx.params.executor === "open" ? ZeroAddress : ctx.params.executor;
    const args = [minDelay, [proposer], [executor], ZeroAddress];
    const timelock = await ctx.hre.ethers.deployContract("TimelockController", args, ctx.signer);
    await timelock.waitForDeployment();
    return {
      contracts: {
        [TIMELOCK]: {
          address: await timelock.getAddress(),
          constructorArgs: [minDelay.toString(), [proposer], [executor], ZeroAddress],
        },
      },
      parameters: {
        proposer,
        executor: ctx.params.executor === "open" ? "open" : executor,
        timelockMinDelaySeconds: Number(minDelay),
      },
    };
  },
};
