import type { DeployStep } from "../types";
import { deployUupsProxy } from "./uups";

/** The users' OpenPGP key registry (UUPS proxy), when its contract is in this checkout. */
export const keyRegistryStep: DeployStep = {
  name: "KeyRegistry",
  produces: ["KeyRegistry"],
  applies: (ctx) => ctx.hre.artifacts.artifactExists("KeyRegistry"),
  async deploy(ctx) {
    const KeyRegistry = await deployUupsProxy(ctx, "KeyRegistry", [ctx.roles.governor, ctx.roles.guardian]);
    return { contracts: { KeyRegistry } };
  },
};
