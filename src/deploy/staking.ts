import { getCreateAddress } from "ethers";
import type { Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { NodeRegistry, StakingVault, TestPush } from "../../typechain-types";
import { DEFAULT_STAKING_PARAMS } from "../staking";
import type { StakingParams } from "../staking";

export interface DeployStakingOptions {
  /** Existing PUSH token; when omitted, a TestPush is deployed (local networks and testnets only). */
  token?: string;
  /** Gets DEFAULT_ADMIN_ROLE and GOVERNOR_ROLE on both contracts (the timelock in production). */
  governor: string;
  /** Gets GUARDIAN_ROLE on the registry (pause only). */
  guardian: string;
  /** Minutes instead of days as lower time bounds; fixed forever. Local networks and testnets only. */
  shortTimeBounds: boolean;
  /** Overrides of the DESIGN defaults (see DEFAULT_STAKING_PARAMS). */
  params?: Partial<StakingParams>;
  /** Account that sends the deployment transactions; defaults to the first signer. */
  deployer?: Signer;
}

export interface StakingDeployment {
  /** The staked token. Typed as TestPush; `mint` exists only when `tokenDeployed` is true. */
  token: TestPush;
  tokenDeployed: boolean;
  vault: StakingVault;
  registry: NodeRegistry;
  addresses: {
    token: string;
    vault: string;
    vaultImplementation: string;
    registry: string;
    registryImplementation: string;
  };
  params: StakingParams;
  /** First block that may hold a deployment transaction (for event scans). */
  deployBlock: number;
}

/**
 * Deploys the staking layer: TestPush when no token is given, then StakingVault and NodeRegistry as UUPS
 * proxies (validated by the OpenZeppelin upgrades plugin). The two reference each other: the vault
 * implementation is constructed with the token and the registry proxy address (immutables), predicted from the
 * deployer's nonce and checked afterwards; the registry proxy is then initialized with the vault proxy's address. Upgrading the
 * vault later needs the same constructor arguments: `constructorArgs: [token, registry]`.
 * No role is left to the deployer unless it is the governor or guardian.
 */
export async function deployStaking(
  hre: HardhatRuntimeEnvironment,
  opts: DeployStakingOptions,
): Promise<StakingDeployment> {
  const deployer = opts.deployer ?? (await hre.ethers.getSigners())[0];
  const from = await deployer.getAddress();
  const params: StakingParams = { ...DEFAULT_STAKING_PARAMS, ...opts.params };
  const deployBlock = (await hre.ethers.provider.getBlockNumber()) + 1;

  let tokenAddress = opts.token;
  const tokenDeployed = tokenAddress === undefined;
  if (tokenAddress === undefined) {
    const t = await hre.ethers.deployContract("TestPush", deployer);
    await t.waitForDeployment();
    tokenAddress = await t.getAddress();
  }

  const Vault = await hre.ethers.getContractFactory("StakingVault", deployer);
  const Registry = await hre.ethers.getContractFactory("NodeRegistry", deployer);
  // The vault implementation has the token and the registry proxy as immutables, and the registry proxy is
  // initialized with the vault proxy's address (its initializer stores the minimum stakes in the vault, so the
  // vault proxy must exist first). Order: registry implementation (cached or one transaction), then exactly
  // three transactions from `deployer`: vault implementation (nonce n), vault proxy (n + 1), registry proxy
  // (n + 2), whose address is predicted and checked.
  await hre.upgrades.deployImplementation(Registry, { kind: "uups" });
  const nonce = await hre.ethers.provider.getTransactionCount(from, "pending");
  const predictedRegistry = getCreateAddress({ from, nonce: nonce + 2 });
  const vaultProxy = await hre.upgrades.deployProxy(Vault, [opts.governor], {
    kind: "uups",
    constructorArgs: [tokenAddress, predictedRegistry],
  });
  await vaultProxy.waitForDeployment();
  const vaultAddress = await vaultProxy.getAddress();
  const registryProxy = await hre.upgrades.deployProxy(
    Registry,
    [
      vaultAddress,
      opts.governor,
      opts.guardian,
      opts.shortTimeBounds,
      [params.minStake, params.unbondingPeriod, params.slashesBeforeBan],
    ],
    { kind: "uups" },
  );
  await registryProxy.waitForDeployment();
  const registryAddress = await registryProxy.getAddress();
  if (registryAddress.toLowerCase() !== predictedRegistry.toLowerCase()) {
    throw new Error(
      `NodeRegistry was deployed at ${registryAddress}, not at the predicted ${predictedRegistry} the vault ` +
        `trusts: another transaction from ${from} interleaved. Redeploy from an idle account.`,
    );
  }

  return {
    token: (await hre.ethers.getContractAt("TestPush", tokenAddress, deployer)) as unknown as TestPush,
    tokenDeployed,
    vault: (await hre.ethers.getContractAt(
      "StakingVault",
      vaultAddress,
      deployer,
    )) as unknown as StakingVault,
    registry: (await hre.ethers.getContractAt(
      "NodeRegistry",
      registryAddress,
      deployer,
    )) as unknown as NodeRegistry,
    addresses: {
      token: tokenAddress,
      vault: vaultAddress,
      vaultImplementation: await hre.upgrades.erc1967.getImplementationAddress(vaultAddress),
      registry: registryAddress,
      registryImplementation: await hre.upgrades.erc1967.getImplementationAddress(registryAddress),
    },
    params,
    deployBlock,
  };
}
