import { deployStaking } from "../staking";
import type { DeployStep } from "../types";
import { TOKEN } from "./token";

const ROLE_KEYS = ["VALIDATOR", "STORAGE", "DELIVERY", "ARCHIVE"] as const;

/** StakingVault + NodeRegistry (UUPS proxies), on the token of the token step. */
export const stakingStep: DeployStep = {
  name: "StakingVault + NodeRegistry",
  produces: ["StakingVault", "NodeRegistry"],
  applies: async () => true,
  async deploy(ctx) {
    const d = await deployStaking(ctx.hre, {
      token: ctx.contracts[TOKEN].address,
      governor: ctx.roles.governor,
      guardian: ctx.roles.guardian,
      shortTimeBounds: ctx.shortTimeBounds,
    });
    const p = await d.registry.params();
    const parameters: Record<string, string | number> = {
      unbondingPeriodSeconds: Number(p.unbondingPeriod),
      slashesBeforeBan: Number(p.slashesBeforeBan),
    };
    ROLE_KEYS.forEach((role, i) => (parameters[`minStakeWei.${role}`] = p.minStake[i].toString()));
    return {
      contracts: {
        StakingVault: { address: d.addresses.vault, implementation: d.addresses.vaultImplementation },
        NodeRegistry: { address: d.addresses.registry, implementation: d.addresses.registryImplementation },
      },
      parameters,
    };
  },
};
