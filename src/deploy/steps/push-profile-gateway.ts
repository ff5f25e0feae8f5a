// The Push profile gateway (plain contract, no roles, not upgradeable): registers Push Chat SDK profiles in the
// KeyRegistry. It needs the registry's GATEWAY_ROLE, granted here while the deployer still administers the
// registry (idempotent; after the hand-over, governance grants it with gov:call).
import { Contract, id } from "ethers";
import { sendTx } from "../../tasks-util";
import { ACCESS_ABI } from "../wiring";
import { DeployError } from "../types";
import type { DeployContext, DeployStep } from "../types";

export const PUSH_PROFILE_GATEWAY = "PushProfileGateway";
export const GATEWAY_ROLE = id("GATEWAY_ROLE");

export const pushProfileGatewayStep: DeployStep = {
  name: "PushProfileGateway",
  produces: [PUSH_PROFILE_GATEWAY],
  async applies(ctx) {
    return (
      ctx.contracts.KeyRegistry !== undefined &&
      (await ctx.hre.artifacts.artifactExists(PUSH_PROFILE_GATEWAY))
    );
  },
  async deploy(ctx) {
    const registry = ctx.contracts.KeyRegistry.address;
    const gateway = await ctx.hre.ethers.deployContract(PUSH_PROFILE_GATEWAY, [registry], ctx.signer);
    await gateway.waitForDeployment();
    return {
      contracts: {
        [PUSH_PROFILE_GATEWAY]: { address: await gateway.getAddress(), constructorArgs: [registry] },
      },
    };
  },
};

/** Gives the gateway the KeyRegistry's GATEWAY_ROLE if it lacks it (1 transaction sent, else 0). */
export async function grantGatewayRole(ctx: DeployContext): Promise<number> {
  const registry = ctx.contracts.KeyRegistry;
  const gateway = ctx.contracts[PUSH_PROFILE_GATEWAY];
  if (!registry || !gateway) return 0;
  const access = new Contract(registry.address, ACCESS_ABI, ctx.signer);
  if ((await access.getFunction("hasRole")(GATEWAY_ROLE, gateway.address)) as boolean) return 0;
  const admin = "0x" + "00".repeat(32);
  if (!((await access.getFunction("hasRole")(admin, ctx.deployer)) as boolean))
    throw new DeployError(
      `KeyRegistry lacks GATEWAY_ROLE for the PushProfileGateway ${gateway.address}, and the deployer is no longer its admin: grant it through governance (gov:call).`,
    );
  await sendTx(
    "KeyRegistry: grant GATEWAY_ROLE to the PushProfileGateway",
    () => access.getFunction("grantRole")(GATEWAY_ROLE, gateway.address),
    [access.interface],
    [],
    ctx.log,
  );
  return 1;
}
