/**
 * Hardhat configuration of the mutation workers (scripts/mutation/run.ts): the project's configuration, with
 * TypeChain generation left out of `compile`. A mutant changes a contract's bytecode, never its ABI, and the
 * tests that mutation testing runs deploy from the artifacts (`ethers.getContractFactory`), so regenerating
 * the typings after every mutant is wasted work. The typings themselves are copied into each worker from the
 * project's `typechain-types` (the tests import them as types only).
 */
import path from "node:path";
import type { HardhatUserConfig } from "hardhat/config";
import config from "../../hardhat.config";

const workerConfig: HardhatUserConfig = {
  ...config,
  paths: { ...config.paths, root: path.resolve(__dirname, "../..") },
  typechain: { ...config.typechain, dontOverrideCompile: true },
};

export default workerConfig;
