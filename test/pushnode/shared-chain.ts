import { startHardhatNode } from "../../src/testing/hardhat-node";
import type { HardhatNode } from "../../src/testing/hardhat-node";

/**
 * One `npx hardhat node` (chain 31337) shared by the pushnode test files: each file deploys its own
 * contracts on it, so they do not interfere; starting a node costs seconds on our machines. Stopped by a
 * root `after` hook (and, whatever happens, by the helper's exit hook).
 */
let shared: Promise<HardhatNode> | undefined;

export function sharedChain(): Promise<HardhatNode> {
  shared ??= startHardhatNode();
  return shared;
}

after(async function () {
  if (shared) await (await shared).stop();
});
