import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { DeploymentFile } from "../deployments";
import { isLocalNetwork } from "./network";

/**
 * Checks that a recorded deployment is on the connected chain: code at every address, and (on local
 * chains, which restart from block 0 and reuse addresses) the same block at deployBlock.
 * Returns why it is not, or undefined when it is.
 */
export async function staleReason(
  hre: HardhatRuntimeEnvironment,
  d: DeploymentFile,
): Promise<string | undefined> {
  const provider = hre.ethers.provider;
  if (isLocalNetwork(hre) && d.deployBlockHash) {
    const block = await provider.getBlock(d.deployBlock);
    if (!block || block.hash !== d.deployBlockHash)
      return `the chain was reset: block ${d.deployBlock} is not the block it was deployed in`;
  }
  for (const [name, c] of Object.entries(d.contracts)) {
    if ((await provider.getCode(c.address)) === "0x") return `no code at ${name} ${c.address}`;
    if (c.implementation && (await provider.getCode(c.implementation)) === "0x")
      return `no code at the implementation of ${name} ${c.implementation}`;
  }
  return undefined;
}
