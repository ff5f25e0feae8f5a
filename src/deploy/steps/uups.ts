import type { DeployedContract } from "../../deployments";
import type { DeployContext } from "../types";

/** Deploys `contractName` behind a UUPS proxy (layout checked by hardhat-upgrades) and initializes it. */
export async function deployUupsProxy(
  ctx: DeployContext,
  contractName: string,
  initArgs: unknown[],
  constructorArgs?: unknown[],
): Promise<DeployedContract> {
  const { ethers, upgrades } = ctx.hre;
  const factory = await ethers.getContractFactory(contractName, ctx.signer);
  const proxy = await upgrades.deployProxy(factory, initArgs, {
    kind: "uups",
    initializer: "initialize",
    ...(constructorArgs ? { constructorArgs } : {}),
  });
  await proxy.waitForDeployment();
  const address = await proxy.getAddress();
  const implementation = await upgrades.erc1967.getImplementationAddress(address);
  return { address, implementation, ...(constructorArgs ? { constructorArgs } : {}) };
}
