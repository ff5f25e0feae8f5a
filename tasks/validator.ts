// The validator (watcher): `npx hardhat validator:run --network <net>`. The logic is in src/validator/;
// this task reads the deployment and the flags, starts it and runs until SIGINT / SIGTERM.
import path from "node:path";
import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { createLogger } from "../src/log";
import { contractAddress, readDeployment } from "../src/deployments";
import type { DeploymentFile } from "../src/deployments";
import { TaskError } from "../src/tasks-util";
import {
  DEV_CHAINS,
  defaultConfirmations,
  devAccountKey,
  parseAddresses,
  parseIntFlag,
  splitList,
} from "../src/validator/config";

interface RunArgs {
  rpc?: string;
  deployment?: string;
  dataDir?: string;
  confirmations?: string;
  keyEnv: string;
  account?: string;
  port: string;
  feedInterval: string;
  indexInterval: string;
  proofInterval: string;
  pageSize: string;
  workers?: string;
  chunkSize: string;
  rpcTimeout: string;
  feedTimeout: string;
  maxBackoff: string;
  nodes?: string;
  dryRun: boolean;
  allowPrivateEndpoints: boolean;
  logLevel?: string;
  json: boolean;
}

function networkUrl(hre: HardhatRuntimeEnvironment): string | undefined {
  const c = hre.network.config as { url?: string };
  return c.url && c.url.length > 0 ? c.url : undefined;
}

function loadDeployment(hre: HardhatRuntimeEnvironment, file: string | undefined): DeploymentFile {
  let d: DeploymentFile | undefined;
  try {
    if (file) {
      const resolved = path.resolve(file);
      d = readDeployment(path.basename(resolved, ".json"), path.dirname(resolved));
    } else d = readDeployment(hre.network.name);
  } catch (e) {
    throw new TaskError((e as Error).message);
  }
  if (!d)
    throw new TaskError(
      `No deployment for network "${hre.network.name}": run \`npx hardhat deploy:protocol --network ${hre.network.name}\` first, or pass --deployment <file>.`,
    );
  return d;
}

task("validator:run", "Runs the validator (watcher): re-validates every node's feed and submits fault proofs")
  .addOptionalParam(
    "rpc",
    "JSON-RPC URL(s), comma-separated, tried in order with failover (default: the network's url)",
  )
  .addOptionalParam("deployment", "Deployment file (default: deployments/<network>.json)")
  .addOptionalParam(
    "dataDir",
    "Directory of the validator's SQLite state (default: .data/validator/<network>)",
  )
  .addOptionalParam(
    "confirmations",
    "Blocks below head the validator reads events at (default per chain: 12 Ethereum, 6 Sepolia, 32 Polygon, 16 Amoy, 0 local)",
  )
  .addParam(
    "keyEnv",
    "Environment variable holding the watcher's private key (signs proofs, earns the reporter reward)",
    "VALIDATOR_PRIVATE_KEY",
  )
  .addOptionalParam(
    "account",
    "Local chains only: use Hardhat's development account with this index instead of --key-env",
  )
  .addParam("port", "Port of GET /health and GET /metrics on 127.0.0.1 (0: any free port)", "9477")
  .addParam("feedInterval", "Milliseconds between feed polls", "2000")
  .addParam("indexInterval", "Milliseconds between chain index polls", "2000")
  .addParam("proofInterval", "Milliseconds between proof submission passes", "2000")
  .addParam("pageSize", "Feed items fetched per request", "100")
  .addOptionalParam("workers", "Validation worker threads (default: the number of CPUs; 0: main thread)")
  .addParam(
    "chunkSize",
    "Blocks per eth_getLogs request (halved automatically when a provider refuses)",
    "2000",
  )
  .addParam("rpcTimeout", "Milliseconds before an RPC attempt times out", "10000")
  .addParam("feedTimeout", "Milliseconds before a feed request times out", "10000")
  .addParam("maxBackoff", "Cap of the exponential backoff after RPC or feed errors, in milliseconds", "60000")
  .addOptionalParam("nodes", "Only watch these nodes: signer addresses, comma-separated (default: all)")
  .addFlag("dryRun", "Find and simulate proofs but never send a transaction")
  .addFlag(
    "allowPrivateEndpoints",
    "Fetch feeds from loopback, private and link-local addresses too (default: only on local development chains)",
  )
  .addOptionalParam("logLevel", "debug, info, warn, error or silent (default: LOG_LEVEL or info)")
  .addFlag(
    "json",
    "Log one JSON object per line on stderr (the default when stderr is not a terminal); on a terminal the default is one readable line per event",
  )
  .setAction(async (args: RunArgs, hre) => {
    // Imported here so that loading the task (and --help) stays fast.
    const { ValidatorService } = await import("../src/validator/service");
    const { chooseLogFormat, parseLogLevel } = await import("../src/log");
    const parseLevel = (v: string) => {
      try {
        return parseLogLevel(v);
      } catch (e) {
        throw new TaskError(`--log-level: ${(e as Error).message}`);
      }
    };
    const logger = createLogger({
      ...(args.logLevel ? { level: parseLevel(args.logLevel) } : {}),
      format: chooseLogFormat(args.json),
    });
    const d = loadDeployment(hre, args.deployment);
    const chainId = BigInt(d.chainId);
    const rpcUrls = splitList(args.rpc);
    if (rpcUrls.length === 0) {
      const url = networkUrl(hre);
      if (!url) throw new TaskError(`Network "${hre.network.name}" has no url: pass --rpc <url>[,<url>...].`);
      rpcUrls.push(url);
    }
    let privateKey: string;
    if (args.account !== undefined) {
      if (!DEV_CHAINS.has(chainId))
        throw new TaskError(
          `--account is for local development chains only; on chain ${chainId} set ${args.keyEnv}.`,
        );
      privateKey = devAccountKey(parseIntFlag("account", args.account, 0));
    } else {
      const k = process.env[args.keyEnv];
      if (!k)
        throw new TaskError(
          `Set ${args.keyEnv} to the watcher's private key${DEV_CHAINS.has(chainId) ? " (or pass --account <index> on a local chain)" : ""}.`,
        );
      privateKey = k;
    }
    let slashing: string, keyRegistry: string, nodeRegistry: string;
    try {
      slashing = contractAddress(d, "Slashing");
      keyRegistry = contractAddress(d, "KeyRegistry");
      nodeRegistry = contractAddress(d, "NodeRegistry");
    } catch (e) {
      throw new TaskError((e as Error).message);
    }
    const dataDir = args.dataDir ?? path.join(".data", "validator", hre.network.name);
    // One validator per data directory on this machine (docs/process-locks.md).
    const { LockHeldError, lockDataDir } = await import("../src/util/process-lock");
    let lock;
    try {
      lock = lockDataDir(dataDir, "validator:run");
    } catch (e) {
      if (e instanceof LockHeldError) throw new TaskError(e.message);
      throw e;
    }
    if (lock.tookOver)
      console.log(`Took over ${lock.file} from PID ${lock.tookOver.pid}, which is no longer running.`);
    let service;
    try {
      service = await ValidatorService.create({
        rpcUrls,
        chainId,
        slashing,
        keyRegistry,
        nodeRegistry,
        startBlock: d.deployBlock,
        pushProofs: d.contracts.PushProofs?.address,
        privateKey,
        dataDir,
        confirmations: parseIntFlag("confirmations", args.confirmations, defaultConfirmations(chainId)),
        port: parseIntFlag("port", args.port, 9477),
        feedIntervalMs: parseIntFlag("feed-interval", args.feedInterval, 2000, 10),
        indexIntervalMs: parseIntFlag("index-interval", args.indexInterval, 2000, 10),
        proofIntervalMs: parseIntFlag("proof-interval", args.proofInterval, 2000, 10),
        pageSize: parseIntFlag("page-size", args.pageSize, 100, 1),
        workers: args.workers === undefined ? undefined : parseIntFlag("workers", args.workers, 0),
        chunkSize: parseIntFlag("chunk-size", args.chunkSize, 2000, 1),
        rpcTimeoutMs: parseIntFlag("rpc-timeout", args.rpcTimeout, 10000, 1),
        feedTimeoutMs: parseIntFlag("feed-timeout", args.feedTimeout, 10000, 1),
        maxBackoffMs: parseIntFlag("max-backoff", args.maxBackoff, 60000, 1),
        nodes: parseAddresses("nodes", args.nodes),
        dryRun: args.dryRun,
        allowPrivateEndpoints: args.allowPrivateEndpoints || DEV_CHAINS.has(chainId),
        logger,
      });
    } catch (e) {
      lock.release();
      if (e instanceof TaskError) throw e;
      throw new TaskError(`The validator could not start: ${(e as Error).message}`);
    }
    service.start();
    console.log(
      `Validator ${service.address} watching chain ${chainId} (Slashing ${slashing}); state in ${path.resolve(dataDir)}` +
        (service.url ? `; health and metrics at ${service.url}/health and ${service.url}/metrics` : ""),
    );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    console.log("Stopping the validator...");
    await service.stop();
    lock.release();
  });

task(
  "validator:export",
  "Writes the proofs a validator found as proof files for fault:prove --file, one JSON file per fault",
)
  .addOptionalParam(
    "dataDir",
    "Directory of the validator's SQLite state (default: .data/validator/<network>)",
  )
  .addParam("out", "Directory to write the proof files to (created if missing)")
  .addOptionalParam("node", "Only the proofs against this node signer address")
  .addFlag("all", "Also export proofs the validator already got on chain (mined or consumed)")
  .setAction(async (args: { dataDir?: string; out: string; node?: string; all: boolean }, hre) => {
    const { exportProofs, ProofExportError } = await import("../src/validator/proof-export");
    const { isAddress } = await import("ethers");
    if (args.node !== undefined && !isAddress(args.node))
      throw new TaskError(`--node "${args.node}" is not an address.`);
    const dataDir = args.dataDir ?? path.join(".data", "validator", hre.network.name);
    let written;
    try {
      written = exportProofs(dataDir, args.out, { includeProven: args.all, node: args.node });
    } catch (e) {
      if (e instanceof ProofExportError) throw new TaskError(e.message);
      throw e;
    }
    if (written.length === 0) {
      console.log(
        `No proof to export from ${path.resolve(dataDir)}${args.all ? "" : " (proofs already on chain are left out: pass --all)"}.`,
      );
      return [];
    }
    for (const w of written) {
      const push = "format" in w.proof && w.proof.format === "push" ? "Push " : "";
      console.log(`${push}${w.proof.fault} by node ${w.proof.node} (${w.state}): ${w.file}`);
    }
    console.log(
      `Wrote ${written.length} proof file(s) to ${path.resolve(args.out)}; submit one with ` +
        `\`npx hardhat fault:prove --file <file> --network ${hre.network.name}\`.`,
    );
    return written.map((w) => w.file);
  });
