/**
 * Turns `node:serve` arguments into {@link PushNodeOptions}: deployment file, RPC URLs, signer key,
 * confirmation depth per chain, fault injection. Each problem is one sentence (ConfigError).
 */
import fs from "node:fs";
import path from "node:path";
import { Wallet } from "ethers";
import { readDeployment } from "../deployments";
import { KEYSTORE_PASSWORD_VAR } from "../networks";
import { promptHidden } from "../signer";
import type { DeploymentFile } from "../deployments";
import { assertFaultInjectionAllowed, parseFaultClasses } from "./faults";
import type { PushNodeOptions } from "./push-node";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Default confirmation depth per chain id: well inside the 10-minute default state lag. */
export const DEFAULT_CONFIRMATIONS: ReadonlyMap<number, number> = new Map([
  [1, 12], // Ethereum: 12 x 12 s = 2.4 min
  [11155111, 6], // Sepolia
  [137, 32], // Polygon PoS: 32 x 2 s
  [80002, 16], // Amoy
  [31337, 0], // Hardhat / local: automine, no reorgs
]);
export const FALLBACK_CONFIRMATIONS = 12;

export function defaultConfirmations(chainId: number): number {
  return DEFAULT_CONFIRMATIONS.get(chainId) ?? FALLBACK_CONFIRMATIONS;
}

/** Environment variables read by node:serve. */
export const ENV_SIGNER_KEY = "PUSH_NODE_SIGNER_KEY";
export const ENV_KEYSTORE_PASSWORD = "PUSH_NODE_KEYSTORE_PASSWORD";
export const ENV_RELAYER_KEY = "PUSH_NODE_RELAYER_KEY";
/** "1" or "true": group commit (src/node/wal-sync.ts) instead of one fsync per transaction (the default). */
export const ENV_GROUP_COMMIT = "PUSH_NODE_GROUP_COMMIT";
/** "0" or "false": the node's own connection checkpoints the WAL (SQLite's default) instead of a worker thread. */
export const ENV_BACKGROUND_CHECKPOINT = "PUSH_NODE_BACKGROUND_CHECKPOINT";
/**
 * The most Push messages stored in one transaction (1 to 1000; default 64, 1: one transaction and one fsync per
 * message). Messages validated in the same turn of the event loop commit together (src/store/write-batch.ts).
 */
export const ENV_MESSAGES_PER_COMMIT = "PUSH_NODE_MESSAGES_PER_COMMIT";
/**
 * "wall" or "chain": the node's clock (PushNodeOptions.clockSource); default "chain" on development chains
 * (31337, 1337), else "wall" (docs/local-dev.md).
 */
export const ENV_CLOCK = "PUSH_NODE_CLOCK";

function clockSetting(env: NodeJS.ProcessEnv): "wall" | "chain" | undefined {
  const v = env[ENV_CLOCK]?.trim().toLowerCase();
  if (v === undefined || v === "") return undefined;
  if (v === "wall" || v === "chain") return v;
  throw new ConfigError(`${ENV_CLOCK}="${env[ENV_CLOCK]}" is not "wall" or "chain".`);
}

function intSetting(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const v = env[name]?.trim();
  if (v === undefined || v === "") return undefined;
  if (!/^[0-9]+$/.test(v) || Number(v) < min || Number(v) > max)
    throw new ConfigError(`${name}="${env[name]}" is not an integer from ${min} to ${max}.`);
  return Number(v);
}

function booleanSetting(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const v = env[name]?.trim().toLowerCase();
  if (v === undefined || v === "") return undefined;
  if (v === "0" || v === "false") return false;
  if (v === "1" || v === "true") return true;
  throw new ConfigError(`${name}="${env[name]}" is not one of 1, 0, true, false.`);
}

export interface ServeArgs {
  port?: string;
  dataDir?: string;
  signerKey?: string;
  keystore?: string;
  rpc?: string;
  confirmations?: string;
  accept?: string;
  deployment?: string;
  pollInterval?: string;
  maxBody?: string;
  relayerKey?: string;
  relayPerAddress?: string;
  relayPerClient?: string;
  relayGasBudget?: string;
}

const WINDOWS: Record<string, number> = { minute: 60, hour: 3600, day: 86_400 };

/**
 * Parses "<count>/<window>" (window: minute, hour, day, or a number of seconds followed by "s"), e.g. "3/hour",
 * "30000000/day", "10/600s". Returns the count and the window in seconds.
 */
export function parseRate(name: string, v: string): { count: bigint; windowSec: number } {
  const m = /^\s*([0-9]{1,20})\s*\/\s*(minute|hour|day|[1-9][0-9]{0,8}s)\s*$/.exec(v);
  if (!m)
    throw new ConfigError(
      `--${name} must be "<count>/<window>" with a window of minute, hour, day or <seconds>s (e.g. "3/hour"), got "${v}".`,
    );
  const w = m[2];
  return { count: BigInt(m[1]), windowSec: WINDOWS[w] ?? Number(w.slice(0, -1)) };
}

function relayOptions(args: ServeArgs, env: NodeJS.ProcessEnv, d: DeploymentFile, where: string) {
  const key = args.relayerKey || env[ENV_RELAYER_KEY];
  const limits = [args.relayPerAddress, args.relayPerClient, args.relayGasBudget].some(
    (x) => x !== undefined,
  );
  if (!key) {
    if (limits)
      throw new ConfigError(`The relay limits need a relayer: pass --relayer-key or set ${ENV_RELAYER_KEY}.`);
    return undefined;
  }
  const hex = key.startsWith("0x") ? key : `0x${key}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex))
    throw new ConfigError("The relayer key must be 32 bytes of hex (0x followed by 64 hex digits).");
  const gateway = d.contracts.PushProfileGateway;
  if (!gateway)
    throw new ConfigError(
      `PushProfileGateway is not deployed in ${where}: profiles cannot be relayed (drop --relayer-key, or deploy it).`,
    );
  const limit = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const r = parseRate(name, v);
    if (r.count < 1n || r.count > 1_000_000n)
      throw new ConfigError(`--${name} must allow 1 to 1000000 relays per window, got "${v}".`);
    return { max: Number(r.count), windowSec: r.windowSec };
  };
  const budget =
    args.relayGasBudget === undefined ? undefined : parseRate("relay-gas-budget", args.relayGasBudget);
  return {
    gateway: gateway.address,
    relayerKey: hex,
    perAddress: limit("relay-per-address", args.relayPerAddress),
    perClient: limit("relay-per-client", args.relayPerClient),
    gasBudget: budget ? { gas: budget.count, windowSec: budget.windowSec } : undefined,
  };
}

export interface ServeContext {
  /** Hardhat network name (for the deployment file and the default data dir). */
  network: string;
  /** URL of the network in the Hardhat config, if it has one. */
  networkUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** Directory of deployments/<network>.json (default: the project's). */
  deploymentsDir?: string;
}

function int(name: string, v: string, min: number, max: number): number {
  if (!/^[0-9]+$/.test(v.trim()) || Number(v) < min || Number(v) > max)
    throw new ConfigError(`--${name} must be an integer from ${min} to ${max}, got "${v}".`);
  return Number(v);
}

function contract(d: DeploymentFile, name: string, where: string): string {
  const c = d.contracts[name];
  if (!c) throw new ConfigError(`${name} is not deployed in ${where}; deploy the protocol first.`);
  return c.address;
}

/** Reads a deployment file at any path. */
export function readDeploymentFile(file: string): DeploymentFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === "ENOENT" ? `No deployment file at ${file}.` : `${file} is not a readable JSON file.`,
    );
  }
  const d = parsed as DeploymentFile;
  if (
    typeof d !== "object" ||
    d === null ||
    typeof d.chainId !== "number" ||
    typeof d.deployBlock !== "number" ||
    typeof d.contracts !== "object"
  )
    throw new ConfigError(`${file} is not a deployment file (needs chainId, deployBlock and contracts).`);
  return d;
}

/** Reads the signer key from --signer-key, PUSH_NODE_SIGNER_KEY or --keystore (+ its password). */
export async function loadSignerKey(args: ServeArgs, env: NodeJS.ProcessEnv): Promise<string> {
  const sources = [args.signerKey, args.keystore, env[ENV_SIGNER_KEY]].filter(
    (s) => s !== undefined && s !== "",
  );
  if (sources.length === 0)
    throw new ConfigError(
      `No signer key: pass --signer-key, set ${ENV_SIGNER_KEY}, or pass --keystore with ${ENV_KEYSTORE_PASSWORD}.`,
    );
  if (args.keystore !== undefined && args.keystore !== "") {
    if (args.signerKey) throw new ConfigError("Pass either --signer-key or --keystore, not both.");
    let json: string;
    try {
      json = fs.readFileSync(args.keystore, "utf8");
    } catch {
      throw new ConfigError(`Cannot read the keystore file ${args.keystore}.`);
    }
    let password = env[ENV_KEYSTORE_PASSWORD] || env[KEYSTORE_PASSWORD_VAR] || undefined;
    if (password === undefined && process.stdin.isTTY && env === process.env)
      password = await promptHidden(`Passphrase for ${args.keystore}: `);
    if (password === undefined)
      throw new ConfigError(
        `Set ${ENV_KEYSTORE_PASSWORD} (or ${KEYSTORE_PASSWORD_VAR}) to decrypt ${args.keystore}, or run in a terminal.`,
      );
    try {
      const w = await Wallet.fromEncryptedJson(json, password);
      return w.privateKey;
    } catch (e) {
      throw new ConfigError(`Cannot decrypt the keystore ${args.keystore}: ${(e as Error).message}.`);
    }
  }
  const key = (args.signerKey || env[ENV_SIGNER_KEY]) as string;
  const hex = key.startsWith("0x") ? key : `0x${key}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex))
    throw new ConfigError("The signer key must be 32 bytes of hex (0x followed by 64 hex digits).");
  return hex;
}

/** Resolves every option; refuses fault injection on chains 1 and 137 before anything starts. */
export async function resolveServeOptions(args: ServeArgs, ctx: ServeContext): Promise<PushNodeOptions> {
  const env = ctx.env ?? process.env;
  let d: DeploymentFile | undefined;
  let where: string;
  if (args.deployment) {
    where = args.deployment;
    d = readDeploymentFile(args.deployment);
  } else {
    where = `deployments/${ctx.network}.json`;
    try {
      d = readDeployment(ctx.network, ctx.deploymentsDir);
    } catch (e) {
      throw new ConfigError((e as Error).message);
    }
    if (!d)
      throw new ConfigError(
        `No deployment for network "${ctx.network}" (${where}): deploy first, or pass --deployment <file>.`,
      );
  }
  const accept = args.accept ? parseFaultClasses(args.accept) : undefined;
  try {
    assertFaultInjectionAllowed(BigInt(d.chainId), accept);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const rpcUrls = (args.rpc ?? ctx.networkUrl ?? "")
    .split(",")
    .map((u) => u.trim())
    .filter((u) => u !== "");
  if (rpcUrls.length === 0)
    throw new ConfigError(
      `No JSON-RPC URL: pass --rpc <url>[,<url>...] or use a network with a url (e.g. --network localhost).`,
    );
  for (const u of rpcUrls) {
    let ok = false;
    try {
      ok = ["http:", "https:"].includes(new URL(u).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw new ConfigError(`--rpc "${u}" is not an http(s) URL.`);
  }
  const signerKey = await loadSignerKey(args, env);
  const confirmations =
    args.confirmations !== undefined
      ? int("confirmations", args.confirmations, 0, 10_000)
      : defaultConfirmations(d.chainId);
  return {
    dataDir: path.resolve(args.dataDir ?? path.join(".data", `pushnode-${ctx.network}`)),
    port: args.port !== undefined ? int("port", args.port, 0, 65535) : 8700,
    rpcUrls,
    chainId: BigInt(d.chainId),
    keyRegistry: contract(d, "KeyRegistry", where),
    nodeRegistry: contract(d, "NodeRegistry", where),
    slashing: contract(d, "Slashing", where),
    startBlock: d.deployBlock,
    signerKey,
    confirmations,
    accept,
    pollIntervalMs:
      args.pollInterval !== undefined ? int("poll-interval", args.pollInterval, 100, 600_000) : 2000,
    bodyLimitBytes:
      args.maxBody !== undefined ? int("max-body", args.maxBody, 1024, 64 * 1024 * 1024) : undefined,
    relay: relayOptions(args, env, d, where),
    groupCommit: booleanSetting(env, ENV_GROUP_COMMIT),
    backgroundCheckpoint: booleanSetting(env, ENV_BACKGROUND_CHECKPOINT),
    messagesPerCommit: intSetting(env, ENV_MESSAGES_PER_COMMIT, 1, 1000),
    clockSource: clockSetting(env),
  };
}
