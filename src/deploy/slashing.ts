import type { Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { NodeRegistry, OpenPgpVerifier, Slashing, SlashingCourt } from "../../typechain-types";
import { deployVerifier } from "./verifier";

export interface DeploySlashingOptions {
  /** The NodeRegistry proxy (the staking layer must exist). */
  registry: string;
  /** The KeyRegistry proxy. */
  keyRegistry: string;
  /** The OpenPgpVerifier the KeyRegistry was built with (its `VERIFIER`); deployed anew when absent. */
  verifier?: string;
  /** Gets DEFAULT_ADMIN_ROLE and GOVERNOR_ROLE on both contracts (the timelock in production). */
  governor: string;
  /** Gets GUARDIAN_ROLE (pause only). */
  guardian: string;
  /** Receives forfeited dispute bonds. */
  treasury: string;
  /** Minutes instead of days as lower bounds of the court's time parameters; fixed forever. Testnets only. */
  shortTimeBounds: boolean;
  /** Account that sends the deployment transactions; defaults to the first signer. */
  deployer?: Signer;
  /**
   * When the deployer holds the registry's DEFAULT_ADMIN_ROLE (local networks, tests), grant SLASHER_ROLE on
   * the registry to both contracts now. Otherwise governance must grant it (the task prints the calls).
   */
  grantSlasherRole?: boolean;
}

export interface SlashingDeployment {
  verifier: OpenPgpVerifier;
  slashing: Slashing;
  court: SlashingCourt;
  addresses: {
    verifier: string;
    slashing: string;
    slashingImplementation: string;
    court: string;
    courtImplementation: string;
  };
  /** Whether SLASHER_ROLE was granted to both contracts by this deployment. */
  slasherRoleGranted: boolean;
}

/**
 * Deploys the fault-proof layer: the stateless OpenPgpVerifier (unless given), then Slashing and SlashingCourt as UUPS
 * proxies (validated by the OpenZeppelin upgrades plugin). Both need the registry's SLASHER_ROLE.
 */
export async function deploySlashing(
  hre: HardhatRuntimeEnvironment,
  opts: DeploySlashingOptions,
): Promise<SlashingDeployment> {
  const deployer = opts.deployer ?? (await hre.ethers.getSigners())[0];
  const verifierAddress = opts.verifier ?? (await deployVerifier(hre, deployer)).address;

  // The registries and the verifier are immutables of the Slashing implementation: upgrades pass
  // `constructorArgs: [registry, keyRegistry, verifier]` (a new verifier is deployed by such an upgrade).
  const slashingProxy = await hre.upgrades.deployProxy(
    await hre.ethers.getContractFactory("Slashing", deployer),
    [opts.governor, opts.governor, opts.guardian],
    { kind: "uups", constructorArgs: [opts.registry, opts.keyRegistry, verifierAddress] },
  );
  await slashingProxy.waitForDeployment();
  const slashingAddress = await slashingProxy.getAddress();

  const courtProxy = await hre.upgrades.deployProxy(
    await hre.ethers.getContractFactory("SlashingCourt", deployer),
    [opts.governor, opts.governor, opts.guardian, slashingAddress, opts.treasury, opts.shortTimeBounds],
    { kind: "uups" },
  );
  await courtProxy.waitForDeployment();
  const courtAddress = await courtProxy.getAddress();

  let slasherRoleGranted = false;
  if (opts.grantSlasherRole) {
    const registry = (await hre.ethers.getContractAt(
      "NodeRegistry",
      opts.registry,
      deployer,
    )) as unknown as NodeRegistry;
    const role = await registry.SLASHER_ROLE();
    await (await registry.grantRole(role, slashingAddress)).wait();
    await (await registry.grantRole(role, courtAddress)).wait();
    const slashing = (await hre.ethers.getContractAt(
      "Slashing",
      slashingAddress,
      deployer,
    )) as unknown as Slashing;
    await (await slashing.grantRole(await slashing.COURT_ROLE(), courtAddress)).wait();
    slasherRoleGranted = true;
  }

  return {
    verifier: (await hre.ethers.getContractAt(
      "OpenPgpVerifier",
      verifierAddress,
      deployer,
    )) as unknown as OpenPgpVerifier,
    slashing: (await hre.ethers.getContractAt("Slashing", slashingAddress, deployer)) as unknown as Slashing,
    court: (await hre.ethers.getContractAt(
      "SlashingCourt",
      courtAddress,
      deployer,
    )) as unknown as SlashingCourt,
    addresses: {
      verifier: verifierAddress,
      slashing: slashingAddress,
      slashingImplementation: await hre.upgrades.erc1967.getImplementationAddress(slashingAddress),
      court: courtAddress,
      courtImplementation: await hre.upgrades.erc1967.getImplementationAddress(courtAddress),
    },
    slasherRoleGranted,
  };
}
