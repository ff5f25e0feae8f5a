import { deployStaking } from "../staking";
import type { DeployStep } from "../types";
import { TOKEN } from "./token";

const ROLE_KEYS = ["VALIDATOR", "STORAGE", "DELIVERY", "ARCHIVE"] as const;

/** StakingVault + NodeRegistry (UUPS proxies), on the token of the token step, parameters from the params file. */
export const stakingStep: DeployStep = {
  name: "StakingVault + NodeRegistry",
  produces: ["StakingVault", "NodeRegistry"],
  applies: async () => true,
  async deploy(ctx) {
    const p = ctx.params.parameters;
    const d = await deployStaking(ctx.hre, {
      token: ctx.contracts[TOKEN].address,
      governor: ctx.roles.governor,
      guardian: ctx.roles.guardian,
      shortTimeBounds: ctx.shortTimeBounds,
      deployer: ctx.signer,
      params: {
        minStake: [
          p["minStake.VALIDATOR"][0],
          p["minStake.STORAGE"][0],
          p["minStake.DELIVERY"][0],
          p["minStake.ARCHIVE"][0],
        ],
        unbondingPeriod: p.unbondingPeriod[0],
        slashesBeforeBan: Number(p.slashesBeforeBan[0]),
      },
    });
    const onChain = await d.registry.params();
    const parameters: Record<string, string | number> = {
      unbondingPeriodSeconds: Number(onChain.unbondingPeriod),
      slashesBeforeBan: Number(onChain.slashesBeforeBan),
    };
    ROLE_KEYS.forEach((role, i) => (parameters[`minStakeWei.${role}`] = onChain.minStake[i].toString()));
    return {
      contracts: {
        StakingVault: {
          address: d.addresses.vault,
          implementation: d.addresses.vaultImplementation,
          constructorArgs: [d.addresses.token, d.addresses.registry],
        },
        NodeRegistry: { address: d.addresses.registry, implementation: d.addresses.registryImplementation },
      },
      parameters,
    };
  },
};
