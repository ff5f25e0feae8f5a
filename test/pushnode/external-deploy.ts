import hre from "hardhat";
import { ContractFactory } from "ethers";
import type { Signer } from "ethers";
import proxyArtifact from "@openzeppelin/upgrades-core/artifacts/@openzeppelin/contracts-v5/proxy/ERC1967/ERC1967Proxy.sol/ERC1967Proxy.json";

/**
 * Deploys an upgradeable contract behind a UUPS (ERC-1967) proxy on an external JSON-RPC node (a real
 * `npx hardhat node`). The OpenZeppelin plugin's deployProxy only talks to the in-process network, so the
 * implementation is validated with `upgrades.validateImplementation` (storage layout and upgrade safety,
 * as deployProxy would) and then deployed, with the plugin's own ERC1967Proxy artifact, through `signer`.
 */
export async function deployUupsProxy(
  name: string,
  signer: Signer,
  initArgs: unknown[],
  constructorArgs: unknown[] = [],
): Promise<{ address: string; implementation: string; block: number }> {
  const factory = await hre.ethers.getContractFactory(name, signer);
  // validateImplementation builds the deploy data too, so it needs the constructor arguments (its option
  // type omits them, its implementation reads them).
  const validation = { kind: "uups", constructorArgs } as Parameters<
    typeof hre.upgrades.validateImplementation
  >[1];
  await hre.upgrades.validateImplementation(factory, validation);
  const impl = await factory.deploy(...constructorArgs);
  await impl.waitForDeployment();
  const data = factory.interface.encodeFunctionData("initialize", initArgs);
  const proxyFactory = new ContractFactory(proxyArtifact.abi, proxyArtifact.bytecode, signer);
  const proxy = await proxyFactory.deploy(await impl.getAddress(), data);
  const receipt = await proxy.deploymentTransaction()!.wait();
  return {
    address: await proxy.getAddress(),
    implementation: await impl.getAddress(),
    block: receipt!.blockNumber,
  };
}
