// The slashing layer (branch `slashing`): Slashing (UUPS; the registries and the verifier, deployed by the
// verifier step, are immutables of the implementation) and SlashingCourt (UUPS; disputes, quorum reports,
// governance slashes). Deployed only when their artifacts are in this checkout. Both get the NodeRegistry's
// SLASHER_ROLE; their parameters are set to the params file's values while the deployer still governs.
import type { DeployStep } from "../types";
import { TIMELOCK } from "./timelock";
import { deployUupsProxy } from "./uups";

export const SLASHING_CONTRACTS = ["Slashing", "SlashingCourt"] as const;

export const slashingStep: DeployStep = {
  name: "Slashing (Slashing + SlashingCourt)",
  produces: [...SLASHING_CONTRACTS],
  async applies(ctx) {
    for (const name of SLASHING_CONTRACTS) if (!(await ctx.hre.artifacts.artifactExists(name))) return false;
    return ctx.contracts.KeyRegistry !== undefined && ctx.contracts.OpenPgpVerifier !== undefined;
  },
  async deploy(ctx) {
    const contracts: Record<
      string,
      { address: string; implementation?: string; constructorArgs?: unknown[] }
    > = {};
    const verifier = ctx.contracts.OpenPgpVerifier.address;
    let slashing = ctx.contracts.Slashing?.address;
    if (!slashing) {
      const s = await deployUupsProxy(
        ctx,
        "Slashing",
        [ctx.deployer, ctx.roles.governor, ctx.roles.guardian],
        [ctx.contracts.NodeRegistry.address, ctx.contracts.KeyRegistry.address, verifier],
      );
      slashing = s.address;
      contracts.Slashing = s;
    }
    const treasury =
      ctx.params.treasury === "timelock" ? ctx.contracts[TIMELOCK].address : ctx.params.treasury;
    contracts.SlashingCourt = await deployUupsProxy(ctx, "SlashingCourt", [
      ctx.deployer,
      ctx.roles.governor,
      ctx.roles.guardian,
      slashing,
      treasury,
      ctx.shortTimeBounds,
    ]);
    return { contracts, parameters: { treasury } };
  },
};
