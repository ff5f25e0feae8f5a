import type { HardhatRuntimeEnvironment } from "hardhat/types";

/** Networks whose chain is a throwaway development chain: test token, short time bounds, deployer roles. */
export const LOCAL_NETWORKS: readonly string[] = ["hardhat", "localhost"];

export function isLocalNetwork(hre: HardhatRuntimeEnvironment): boolean {
  return LOCAL_NETWORKS.includes(hre.network.name);
}
