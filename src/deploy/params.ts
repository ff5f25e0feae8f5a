// deployments/params/<network>.json: what a deployment on that network is made of (token, governance,
// time bounds, every protocol parameter). Loaded and validated before anything is sent; every problem is one
// sentence (DeployError).
import fs from "node:fs";
import path from "node:path";
import { ZeroAddress, getAddress, isAddress } from "ethers";
import { DEPLOYMENTS_DIR } from "../deployments";
import { PARAM_SPECS, boundsViolation, formatDuration, parseDuration, parseParamValue } from "../params/spec";
import { DeployError } from "./types";

/** Networks where the protocol holds real value: long time bounds, 2-day timelock, real multisig. */
export const PRODUCTION_CHAIN_IDS: readonly number[] = [1, 137];
export const MIN_PRODUCTION_DELAY = 2n * 86_400n;

/** The file as written (see deployments/params/*.json). */
export interface ParamsFile {
  $comment?: string;
  chainId: number;
  /** PUSH token address, or "test" to deploy the TestPush token (never on chainId 1 or 137). */
  token: string;
  shortTimeBounds: boolean;
  timelock: {
    /** Duration: "2d", "60", "5m". */
    minDelay: string | number;
    /** The multisig that schedules; "deployer" on local networks only. The zero address is a placeholder. */
    proposer: string;
    /** "open" (anyone may execute a ripe operation) or an address. */
    executor: string;
  };
  /** Address that may pause (never unpause); "deployer" on local networks only. */
  guardian: string;
  /** Where the court sends the treasury's share of slashes: an address or "timelock". */
  treasury?: string;
  /** Every protocol parameter, by its gov:params name (src/params/spec.ts). */
  parameters: Record<string, string | number>;
}

/** The file, checked and turned into contract units. */
export interface DeployParams {
  file: string;
  chainId: number;
  /** undefined: deploy the test token. */
  token?: string;
  shortTimeBounds: boolean;
  minDelay: bigint;
  /** An address, or "deployer". */
  proposer: string;
  /** An address, or "open" (zero address executor role). */
  executor: string;
  guardian: string;
  treasury: string;
  /** Every parameter by name, in contract units ([value] or [numerator, denominator]). */
  parameters: Record<string, bigint[]>;
}

export function paramsPath(network: string, dir = DEPLOYMENTS_DIR): string {
  return path.join(dir, "params", `${network}.json`);
}

function addressOr(
  where: string,
  field: string,
  raw: unknown,
  words: readonly string[],
  production: boolean,
): string {
  if (typeof raw === "string" && words.includes(raw)) return raw;
  if (typeof raw !== "string" || !isAddress(raw))
    throw new DeployError(
      `${where}: ${field} must be an address${words.length ? ` or ${words.map((w) => `"${w}"`).join(" / ")}` : ""}.`,
    );
  const a = getAddress(raw);
  if (a === ZeroAddress)
    throw new DeployError(
      `${where}: ${field} is the zero-address placeholder: set the real ${
        field === "guardian" ? "guardian" : "governance multisig"
      } address${production ? " (required on mainnet and Polygon)" : ""} before deploying.`,
    );
  return a;
}

/**
 * Reads and validates the params file of `network` (or `file`) for a chain of id `chainId`. `rehearsal`
 * lets a file for another chain deploy onto the embedded Hardhat network (the caller checks the network).
 */
export function loadParams(
  network: string,
  chainId: number,
  opts: { file?: string; dir?: string; rehearsal?: boolean; local: boolean },
): DeployParams {
  const file = opts.file ?? paramsPath(network, opts.dir);
  const where = path.relative(process.cwd(), file) || file;
  if (!fs.existsSync(file))
    throw new DeployError(
      `No parameters for network "${network}": ${where} does not exist (see README, "Deploying").`,
    );
  let raw: ParamsFile;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8")) as ParamsFile;
  } catch (e) {
    throw new DeployError(`${where} is not valid JSON (${(e as Error).message.split("\n")[0]}).`);
  }
  if (typeof raw !== "object" || raw === null) throw new DeployError(`${where} is not a JSON object.`);
  if (typeof raw.chainId !== "number") throw new DeployError(`${where}: chainId must be a number.`);
  if (raw.chainId !== chainId && !opts.rehearsal)
    throw new DeployError(
      `${where} is for chainId ${raw.chainId}, but the connected chain is ${chainId}: wrong network or wrong file; nothing was sent.`,
    );
  const production = PRODUCTION_CHAIN_IDS.includes(raw.chainId);
  // "deployer" as proposer or guardian only where the chain is a throwaway one.
  const localWords = opts.local && !production ? ["deployer"] : [];

  let token: string | undefined;
  if (raw.token === "test") {
    if (production) throw new DeployError(`${where}: token "test" is not allowed on chainId ${raw.chainId}.`);
  } else if (typeof raw.token === "string" && isAddress(raw.token)) token = getAddress(raw.token);
  else throw new DeployError(`${where}: token must be the PUSH token address or "test".`);

  if (typeof raw.shortTimeBounds !== "boolean")
    throw new DeployError(`${where}: shortTimeBounds must be true or false.`);
  if (production && raw.shortTimeBounds)
    throw new DeployError(`${where}: shortTimeBounds must be false on chainId ${raw.chainId}.`);

  const t = raw.timelock;
  if (typeof t !== "object" || t === null)
    throw new DeployError(`${where}: timelock { minDelay, proposer, executor } is missing.`);
  const minDelay = parseDuration(String(t.minDelay));
  if (minDelay === undefined)
    throw new DeployError(`${where}: timelock.minDelay ${JSON.stringify(t.minDelay)} is not a duration.`);
  if (production && minDelay < MIN_PRODUCTION_DELAY)
    throw new DeployError(
      `${where}: timelock.minDelay is ${formatDuration(minDelay)}; chainId ${raw.chainId} needs at least 2 days.`,
    );
  const proposer = addressOr(where, "timelock.proposer", t.proposer, localWords, production);
  const executor = addressOr(where, "timelock.executor", t.executor, ["open"], production);
  const guardian = addressOr(where, "guardian", raw.guardian, localWords, production);
  const treasury = addressOr(where, "treasury", raw.treasury ?? "timelock", ["timelock"], production);

  if (typeof raw.parameters !== "object" || raw.parameters === null)
    throw new DeployError(`${where}: parameters is missing.`);
  const parameters: Record<string, bigint[]> = {};
  for (const name of Object.keys(raw.parameters))
    if (!PARAM_SPECS.some((s) => s.name === name))
      throw new DeployError(`${where}: unknown parameter "${name}".`);
  for (const spec of PARAM_SPECS) {
    if (!(spec.name in raw.parameters)) throw new DeployError(`${where}: parameter ${spec.name} is missing.`);
    try {
      parameters[spec.name] = parseParamValue(spec, raw.parameters[spec.name], where);
    } catch (e) {
      throw new DeployError((e as Error).message);
    }
  }
  const context = {
    unbondingPeriod: parameters.unbondingPeriod[0],
    faultWindow: parameters.faultWindow[0],
  };
  for (const spec of PARAM_SPECS) {
    const why = boundsViolation(spec, parameters[spec.name], raw.shortTimeBounds, context);
    if (why) throw new DeployError(`${where}: ${why}`);
  }
  return {
    file,
    chainId: raw.chainId,
    token,
    shortTimeBounds: raw.shortTimeBounds,
    minDelay,
    proposer,
    executor,
    guardian,
    treasury,
    parameters,
  };
}
