import fs from "node:fs";
import path from "node:path";
import { DEPLOYMENTS_DIR } from "../../deployments";
import { DeployError } from "../types";
import type { DeployContext, DeployStep } from "../types";

/** Key of the PUSH token in `deployments/<network>.json` (the test token on local networks). */
export const TOKEN = "PushToken";

/** The `token` address of `deployments/params/<network>.json`, when that file exists and has one. */
export function paramsFileToken(network: string, dir = DEPLOYMENTS_DIR): string | undefined {
  const file = path.join(dir, "params", `${network}.json`);
  if (!fs.existsSync(file)) return undefined;
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as { token?: unknown };
  return typeof parsed.token === "string" ? parsed.token : undefined;
}

function requestedToken(ctx: DeployContext): string | undefined {
  const t = ctx.options.token ?? paramsFileToken(ctx.hre.network.name, ctx.options.dir);
  if (t === undefined) return undefined;
  if (!ctx.hre.ethers.isAddress(t)) throw new DeployError(`Token address "${t}" is not an Ethereum address.`);
  return ctx.hre.ethers.getAddress(t);
}

/** Records an existing PUSH token, or deploys TestPush on local networks. */
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
    if (!ctx.local)
      throw new DeployError(
        `Network "${ctx.hre.network.name}" needs the PUSH token address: pass --token <address> or add it to deployments/params/${ctx.hre.network.name}.json.`,
      );
    const token = await ctx.hre.ethers.deployContract("TestPush");
    await token.waitForDeployment();
    return { contracts: { [TOKEN]: { address: await token.getAddress() } }, parameters: { testToken: true } };
  },
};
