import type { DeployStep } from "../types";
import { deployUupsProxy } from "./uups";

/** The users' OpenPGP key registry (UUPS proxy), when its contract is in this checkout. */
export const keyRegistryStep: DeployStep = {
  name: "KeyRegistry",
  produces: ["KeyRegistry"],
  applies: async (ctx) =>
    (await ctx.hre.artifacts.artifactExists("KeyRegistry")) && ctx.contracts.OpenPgpVerifier !== undefined,
  async deploy(ctx) {
    // The verifier (key profile) is an immutable of the implementation: upgrades pass it as constructor argument.
    const KeyRegistry = await deployUupsProxy(
      ctx,
      "KeyRegistry",
      [ctx.roles.governor, ctx.roles.guardian],
      [ctx.contracts.OpenPgpVerifier.address],
    );
    return { contracts: { KeyRegistry } };
  },
};
