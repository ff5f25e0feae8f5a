import fs from "node:fs";
import path from "node:path";
import { extendEnvironment, extendProvider, subtask, task } from "hardhat/config";
import {
  TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD,
  TASK_COMPILE_SOLIDITY_LOG_COMPILATION_ERRORS,
} from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";
import "@openzeppelin/hardhat-upgrades";
import type { NetworksUserConfig } from "hardhat/types";
import { HardhatPluginError } from "hardhat/plugins";
import {
  DEPLOYER_KEY_VAR,
  ETHERSCAN_KEY_VAR,
  REMOTE_NETWORKS,
  configValue,
  missingRpcSentence,
  placeholderUrl,
  remoteNetwork,
} from "./src/networks";
import { wrapEntryTaskErrors } from "./src/cli-errors";
import { withoutKnownDependencyWarnings } from "./src/compiler-warnings";
import type { SolcDiagnostic } from "./src/compiler-warnings";
import { installTranspileCache } from "./src/ts-transpile-cache";

// ts-node's transpiled output of tasks/, src/ and test/, cached on disk by content (src/ts-transpile-cache.ts): every
// Hardhat process would otherwise transpile them again.
installTranspileCache(path.join(__dirname, "cache", "ts-transpile"));

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

// Known, reviewed warnings of our dependencies are not printed (OpenZeppelin's transient-storage warning of
// ReentrancyGuardTransient, on every first compile); our own contracts' warnings and all errors still are.
subtask(
  TASK_COMPILE_SOLIDITY_LOG_COMPILATION_ERRORS,
  async (args: { output?: { errors?: SolcDiagnostic[] }; quiet: boolean }, _hre, runSuper) => {
    const output = args.output?.errors
      ? { ...args.output, errors: withoutKnownDependencyWarnings(args.output.errors) }
      : args.output;
    return runSuper({ ...args, output });
  },
);

// Every file in tasks/ registers its own tasks. Tasks import TypeChain types with `import type` only
// (erased by ts-node), so they load before the first compile too.
const tasksDir = path.join(__dirname, "tasks");
for (const f of fs.existsSync(tasksDir) ? fs.readdirSync(tasksDir).sort() : []) {
  if (f.endsWith(".ts")) require(path.join(tasksDir, f));
}

// Expected failures of the task run from the command line print one sentence and exit 1 on every machine,
// headless servers included; a real bug still shows its stack trace (src/cli-errors.ts).
extendEnvironment((hre) => wrapEntryTaskErrors(hre));

// A hidden task that fails with a plain Error, for the test that a real bug still shows its trace.
if (process.env.PUSH_NODES_CRASH_TASK === "1") {
  task("test:crash", "Fails with an unexpected error (tests only)").setAction(async () => {
    throw new Error("deliberate internal error for the stack trace test");
  });
}

// Remote networks: RPC URL and deployer key from configuration variables or the environment (src/networks.ts).
// A missing URL does not stop the config from loading: the network gets a placeholder URL, and its provider
// refuses every request with one sentence (below), so no task sends anything to it.
const deployerKey = configValue(DEPLOYER_KEY_VAR);
const networks: NetworksUserConfig = {
  // HARDHAT_CHAIN_ID lets tests start `npx hardhat node` processes on distinct chains (default 31337).
  hardhat: process.env.HARDHAT_CHAIN_ID ? { chainId: Number(process.env.HARDHAT_CHAIN_ID) } : {},
  localhost: { url: configValue("LOCALHOST_RPC_URL") ?? "http://127.0.0.1:8545" },
};
for (const n of REMOTE_NETWORKS) {
  networks[n.name] = {
    url: configValue(n.urlVar) ?? placeholderUrl(n.name),
    chainId: n.chainId,
    accounts: deployerKey ? [deployerKey] : [],
  };
}

extendProvider((provider, _config, network) => {
  const remote = remoteNetwork(network);
  if (!remote || configValue(remote.urlVar) !== undefined) return provider;
  const refuse = (): never => {
    throw new HardhatPluginError("push-nodes", missingRpcSentence(remote));
  };
  return new Proxy(provider, {
    get(target, prop, receiver) {
      if (prop === "request" || prop === "send" || prop === "sendAsync") return refuse;
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
});

// Coverage (npm run coverage, docs/coverage.md): solidity-coverage injects a probe call before every statement and
// into every branch, and compiles the legacy pipeline without the optimizer. The RSA check of OpenPgpSignature then
// no longer fits in the 16 reachable stack slots ("Stack too deep"), so every file that includes it is compiled
// through the IR pipeline with the optimizer (as OpenPgpVerifier always is), in one compilation job (one shared
// settings object); the others stay on the legacy pipeline. The size overrides are dropped: they only keep
// contracts under EIP-170's limit, which coverage lifts.
function importersOf(target: string): string[] {
  const root = path.join(__dirname, "contracts");
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".sol")) files.push(p);
    }
  };
  walk(root);
  const imports = new Map<string, string[]>(
    files.map((f) => [
      f,
      [...fs.readFileSync(f, "utf8").matchAll(/^import\s[^;]*"(\.[^"]+)"/gm)].map((m) =>
        path.resolve(path.dirname(f), m[1]),
      ),
    ]),
  );
  const reaches = (f: string, seen: Set<string>): boolean =>
    f === target || (!seen.has(f) && (seen.add(f), (imports.get(f) ?? []).some((d) => reaches(d, seen))));
  return files
    .filter((f) => reaches(f, new Set()))
    .map((f) => path.relative(__dirname, f).split(path.sep).join("/"));
}

/** Titles of the tests that assert gas figures (docs/coverage.md, "What runs"). */
const COVERAGE_LEAVES_OUT =
  /gas ceilings|gas budgets|costs under [\d,]+ gas|under 50,000 gas|gas: pgpv3Hex|gas of the proofs|gas of reports signed/;

task("coverage").setAction(async (args: Record<string, unknown>, hre, runSuper) => {
  // One fast-check seed for every property and model test: each coverage run draws the same cases, so its branch
  // figures (and the gate of scripts/coverage-check.ts) are the same every time (docs/coverage.md).
  (require("fast-check") as typeof import("fast-check")).configureGlobal({
    seed: Number(process.env.COVERAGE_SEED ?? "20261207"),
  });
  const [first] = hre.config.solidity.compilers;
  const viaIr = { ...first, settings: { ...first.settings, viaIR: true } };
  const irFiles = importersOf(path.join(__dirname, "contracts/libraries/OpenPgpSignature.sol"));
  hre.config.solidity.overrides = Object.fromEntries(irFiles.map((f) => [f, viaIr]));
  // solidity-coverage picks one probe for the whole build: with any IR file, `abi.encode(<hash>);`, which allocates
  // memory and so breaks PushJson's writes past the free memory pointer in the legacy files (docs/coverage.md).
  // Only the IR files need that probe (the IR optimizer would drop a call to an empty function); the legacy files
  // get the call probe, which allocates nothing. The collector, in its IR mode, sees both.
  const instrumenter = require("solidity-coverage/lib/instrumenter") as {
    prototype: { injector: { viaIR: boolean }; instrument(source: string, file: string): unknown };
  };
  const instrument = instrumenter.prototype.instrument;
  instrumenter.prototype.instrument = function (source: string, file: string) {
    this.injector.viaIR = irFiles.includes(path.relative(__dirname, file).split(path.sep).join("/"));
    return instrument.call(this, source, file);
  };
  // The instrumented contracts cost several times their gas, and under Osaka (Hardhat's default) solidity-coverage
  // sends every transaction with EIP-7825's 2^24 cap, which deploying them exceeds. Prague has no such cap; the
  // contracts target Cancun (evmVersion), so only gas prices differ, and coverage runs no gas assertions.
  hre.config.networks.hardhat.hardfork = "prague";
  // Tests of gas figures measure the optimized build; the instrumented one costs several times more by construction.
  // They do not run under coverage (npm test runs them); docs/coverage.md lists them.
  hre.config.mocha = { ...hre.config.mocha, grep: COVERAGE_LEAVES_OUT, invert: true };
  return runSuper(args);
});

const config: HardhatUserConfig = {
  solidity: {
    compilers: [
      {
        version: SOLC_VERSION,
        settings: { optimizer: { enabled: true, runs: 10_000 }, evmVersion: "cancun", viaIR: false },
      },
    ],
    // Fewer optimizer runs keep these under the 24,576-byte code size limit of EIP-170: the court is not on a
    // hot path (its report loop is measured in docs/court.md); the vault (and its test V2) costs a few hundred
    // gas per call more than with 10,000 runs (reports/gas.json).
    overrides: {
      ...Object.fromEntries(
        [
          ["contracts/StakingVault.sol", 1_000],
          ["contracts/test/StakingVaultV2.sol", 1_000],
          ["contracts/SlashingCourt.sol", 200],
        ].map(([file, runs]) => [
          file,
          {
            version: SOLC_VERSION,
            settings: {
              optimizer: { enabled: true, runs: Number(runs) },
              evmVersion: "cancun",
              viaIR: false,
            },
          },
        ]),
      ),
      // The OpenPGP profile checker (key and signature profile, docs/client-profile.md) is compiled through the
      // IR pipeline: its parsers are many small functions that the IR optimizer inlines.
      "contracts/OpenPgpVerifier.sol": {
        version: SOLC_VERSION,
        settings: { optimizer: { enabled: true, runs: 10_000 }, evmVersion: "cancun", viaIR: true },
      },
    },
  },
  networks,
  // Etherscan API v2: one key for every chain (Ethereum, Polygon and their testnets); deploy:verify uses it.
  etherscan: { apiKey: configValue(ETHERSCAN_KEY_VAR) ?? "" },
  sourcify: { enabled: false },
  // TEST_TIMINGS=<file.json> prints and saves the slowest test files and tests (scripts/test-timings.ts).
  mocha: {
    timeout: 600_000,
    ...(process.env.TEST_TIMINGS
      ? { reporter: require("./scripts/test-timings") as Mocha.ReporterConstructor }
      : {}),
  },
  gasReporter: { enabled: process.env.REPORT_GAS === "1", offline: true },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
};

export default config;
