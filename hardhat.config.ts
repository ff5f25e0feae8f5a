import fs from "node:fs";
import path from "node:path";
import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";
import "@openzeppelin/hardhat-upgrades";

// The compiler comes from the npm package `solc`, pinned exactly in package.json: no download is
// possible on our machines. Keep SOLC_VERSION equal to that pin.
const SOLC_VERSION = "0.8.30";
const SOLC_LONG_VERSION = "0.8.30+commit.73712a01";

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper();
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: SOLC_LONG_VERSION,
  };
});

// Every file in tasks/ registers its own tasks. Tasks import TypeChain types with `import type` only
// (erased by ts-node), so they load before the first compile too.
const tasksDir = path.join(__dirname, "tasks");
for (const f of fs.existsSync(tasksDir) ? fs.readdirSync(tasksDir).sort() : []) {
  if (f.endsWith(".ts")) require(path.join(tasksDir, f));
}

function envAccounts(name: string): string[] | undefined {
  const key = process.env[name];
  return key ? [key] : undefined;
}

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 10_000 },
      evmVersion: "cancun",
      viaIR: false,
    },
  },
  networks: {
    // HARDHAT_CHAIN_ID lets tests start `npx hardhat node` processes on distinct chains (default 31337).
    hardhat: process.env.HARDHAT_CHAIN_ID ? { chainId: Number(process.env.HARDHAT_CHAIN_ID) } : {},
    localhost: { url: process.env.LOCALHOST_RPC_URL ?? "http://127.0.0.1:8545" },
    sepolia: {
      url: process.env.SEPOLIA_RPC_URL ?? "",
      chainId: 11155111,
      accounts: envAccounts("DEPLOYER_KEY"),
    },
    amoy: { url: process.env.AMOY_RPC_URL ?? "", chainId: 80002, accounts: envAccounts("DEPLOYER_KEY") },
    mainnet: { url: process.env.MAINNET_RPC_URL ?? "", chainId: 1, accounts: envAccounts("DEPLOYER_KEY") },
    polygon: { url: process.env.POLYGON_RPC_URL ?? "", chainId: 137, accounts: envAccounts("DEPLOYER_KEY") },
  },
  mocha: { timeout: 600_000 },
  gasReporter: { enabled: process.env.REPORT_GAS === "1", offline: true },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
};

export default config;
