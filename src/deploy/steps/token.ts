import { DeployError } from "../types";
import type { DeployContext, DeployStep } from "../types";

/** Key of the PUSH token in `deployments/<network>.json` (the test token on local networks). */
export const TOKEN = "PushToken";

function requestedToken(ctx: DeployContext): string | undefined {
  const t = ctx.options.token ?? ctx.params.token;
  if (t === undefined) return undefined;
  if (!ctx.hre.ethers.isAddress(t)) throw new DeployError(`Token address "${t}" is not an Ethereum address.`);
  return ctx.hre.ethers.getAddress(t);
}

/** Records the existing PUSH token of the params file (or --token), or deploys TestPush where it says "test". */
export const tokenStep: DeployStep = {
  name: "PUSH token",
  produces: [TOKEN],
  applies: async () => true,
  async checkExisting(ctx) {
    const t = requestedToken(ctx);
    const recorded = ctx.contracts[TOKEN].address;
    if (t && t.toLowerCase() !== recorded.toLowerCase())
      throw new DeployError(
        `The existing deployment on "${ctx.hre.network.name}" uses token ${recorded}, not ${t}: pass --fresh to deploy anew.`,
      );
  },
  async deploy(ctx) {
    const t = requestedToken(ctx);
    if (t) {
      if ((await ctx.hre.ethers.provider.getCode(t)) === "0x")
        throw new DeployError(`There is no contract at token address ${t} on "${ctx.hre.network.name}".`);
      return { contracts: { [TOKEN]: { address: t } }, parameters: { testToken: false } };
    }
    const token = await ctx.hre.ethers.deployContract("TestPush", ctx.signer);
    await token.waitForDeployment();
    return {
      contracts: { [TOKEN]: { address: await token.getAddress(), constructorArgs: [] } },
      parameters: { testToken: true },
    };
  },
};
