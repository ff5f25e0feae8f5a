// Every protocol parameter governance can set, with its contract, setter, unit and hard bounds (DESIGN
// section 3). Used twice: to validate deployments/params/<network>.json before deploying, and by gov:params
// to check a new value locally (one sentence) before anything is scheduled. Values are written the same way
// in both places: "21d" / "10m" / "3600" for durations, "100000" (PUSH) for amounts, integers for bps and
// counts, "2/3" for the quorum.
import { Interface } from "ethers";

const MINUTE = 60n;
const DAY = 86_400n;
const UINT96_MAX = (1n << 96n) - 1n;

export type ParamUnit = "seconds" | "push" | "bps" | "count" | "bytes" | "ratio";

export interface ParamSpec {
  /** Name in params files and for gov:params, e.g. "unbondingPeriod" or "minStake.VALIDATOR". */
  name: string;
  /** Key of the contract in deployments/<network>.json. */
  contract: "NodeRegistry" | "Slashing" | "SlashingCourt";
  unit: ParamUnit;
  /** Hard bounds (inclusive), in the contract's units (seconds, wei, bps). Short: shortTimeBounds deployments. */
  bounds(short: boolean): [bigint, bigint];
  /** The governance call that sets it: function signature and arguments. */
  call(value: bigint[]): { signature: string; args: unknown[] };
  /** Field of the contract's view that reads it back (see readParam). */
  read: { signature: string; args: unknown[]; field?: string };
  describe: string;
}

const ROLES = ["VALIDATOR", "STORAGE", "DELIVERY", "ARCHIVE"] as const;

function slashingParam(
  name: string,
  index: number,
  unit: ParamUnit,
  min: bigint,
  max: bigint,
  describe: string,
): ParamSpec {
  return {
    name,
    contract: "Slashing",
    unit,
    bounds: () => [min, max],
    call: ([v]) => ({ signature: "setParam(uint8,uint256)", args: [index, v] }),
    read: { signature: "params()", args: [], field: name },
    describe,
  };
}

function courtParam(
  name: string,
  index: number,
  unit: ParamUnit,
  bounds: (short: boolean) => [bigint, bigint],
  describe: string,
): ParamSpec {
  return {
    name,
    contract: "SlashingCourt",
    unit,
    bounds,
    call: ([v]) => ({ signature: "setParam(uint8,uint256)", args: [index, v] }),
    read: { signature: "params()", args: [], field: name },
    describe,
  };
}

export const PARAM_SPECS: readonly ParamSpec[] = [
  ...ROLES.map((role, i): ParamSpec => ({
    name: `minStake.${role}`,
    contract: "NodeRegistry",
    unit: "push",
    bounds: () => [1n, UINT96_MAX],
    call: ([v]) => ({ signature: "setMinStake(uint8,uint256)", args: [i, v] }),
    read: { signature: "minStake(uint8)", args: [i] },
    describe: `minimum stake of a ${role} node, in PUSH`,
  })),
  {
    name: "unbondingPeriod",
    contract: "NodeRegistry",
    unit: "seconds",
    bounds: (short) => [short ? 7n * MINUTE : 7n * DAY, 60n * DAY],
    call: ([v]) => ({ signature: "setUnbondingPeriod(uint64)", args: [v] }),
    read: { signature: "unbondingPeriod()", args: [] },
    describe: "unbonding period (longer than the fault window)",
  },
  {
    name: "slashesBeforeBan",
    contract: "NodeRegistry",
    unit: "count",
    bounds: () => [1n, 10n],
    call: ([v]) => ({ signature: "setSlashesBeforeBan(uint8)", args: [v] }),
    read: { signature: "slashesBeforeBan()", args: [] },
    describe: "slashes before a node is banned",
  },
  slashingParam("stateLag", 0, "seconds", MINUTE, DAY, "state lag for key records"),
  slashingParam("messageFaultSlashBps", 1, "bps", 100n, 5_000n, "slash for a provable message fault, bps"),
  slashingParam("equivocationSlashBps", 2, "bps", 1_000n, 10_000n, "slash for equivocation, bps"),
  slashingParam("reporterRewardBps", 3, "bps", 0n, 5_000n, "reporter's share of a slash, bps"),
  slashingParam("maxContentSize", 4, "bytes", 1_024n, 16n * 1024n * 1024n, "max message content size, bytes"),
  slashingParam("maxClockSkew", 5, "seconds", MINUTE, DAY, "max clock skew message vs attestation"),
  courtParam(
    "faultWindow",
    0,
    "seconds",
    (short) => [short ? MINUTE : DAY, 30n * DAY],
    "fault window for disputes and quorum reports (shorter than the unbonding period)",
  ),
  courtParam("disputeBond", 1, "push", () => [1n, UINT96_MAX], "dispute bond, in PUSH"),
  courtParam(
    "disputeDecisionPeriod",
    2,
    "seconds",
    (short) => [short ? MINUTE : DAY, 30n * DAY],
    "time governance has to decide a dispute",
  ),
  courtParam("governanceSlashCapBps", 3, "bps", () => [1n, 1_000n], "cap of one governance slash, bps"),
  {
    name: "quorum",
    contract: "SlashingCourt",
    unit: "ratio",
    bounds: () => [1n, 10_000n],
    call: ([n, d]) => ({ signature: "setQuorum(uint256,uint256)", args: [n, d] }),
    read: { signature: "params()", args: [] },
    describe: "quorum of active validator stake for reports, as n/d between 1/2 and 1",
  },
];

export function paramSpec(name: string): ParamSpec | undefined {
  return PARAM_SPECS.find((p) => p.name.toLowerCase() === name.toLowerCase());
}

/** Parses "90", "90s", "15m", "2h", "21d" into seconds. */
export function parseDuration(text: string): bigint | undefined {
  const m = /^(\d+)\s*(s|m|h|d)?$/i.exec(text.trim());
  if (!m) return undefined;
  const mult = { s: 1n, m: MINUTE, h: 3_600n, d: DAY }[(m[2] ?? "s").toLowerCase() as "s" | "m" | "h" | "d"];
  return BigInt(m[1]) * mult;
}

/** Formats seconds as the largest exact unit: 1814400 -> "21 days". */
export function formatDuration(seconds: bigint): string {
  for (const [unit, size] of [
    ["day", DAY],
    ["hour", 3_600n],
    ["minute", MINUTE],
  ] as const) {
    if (seconds >= size && seconds % size === 0n) {
      const n = seconds / size;
      return `${n} ${unit}${n === 1n ? "" : "s"}`;
    }
  }
  return `${seconds} seconds`;
}

function parsePushAmount(text: string): bigint | undefined {
  const m = /^(\d+)(?:\.(\d{1,18}))?$/.exec(text.trim().replace(/_/g, "").replace(/,/g, ""));
  if (!m) return undefined;
  return BigInt(m[1]) * 10n ** 18n + BigInt((m[2] ?? "").padEnd(18, "0") || "0");
}

/** Formats a value of `spec` for people: "21 days", "100,000 PUSH", "1000 bps", "2/3". */
export function formatParam(spec: ParamSpec, value: bigint[]): string {
  const [v] = value;
  switch (spec.unit) {
    case "seconds":
      return formatDuration(v);
    case "push": {
      const whole = (v / 10n ** 18n).toLocaleString("en-US");
      const frac = (v % 10n ** 18n).toString().padStart(18, "0").replace(/0+$/, "");
      return `${whole}${frac ? "." + frac : ""} PUSH`;
    }
    case "bps":
      return `${v} bps`;
    case "bytes":
      return `${v} bytes`;
    case "ratio":
      return `${value[0]}/${value[1]}`;
    default:
      return v.toString();
  }
}

/** Parses a value of `spec` (file value or --value) into contract units; throws one sentence. */
export function parseParamValue(spec: ParamSpec, raw: unknown, where: string): bigint[] {
  const text = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw : undefined;
  const fail = (what: string): never => {
    throw new Error(`${where}: ${spec.name} ${JSON.stringify(raw)} ${what}.`);
  };
  if (text === undefined) return fail("must be a string or a number");
  let value: bigint[] | undefined;
  switch (spec.unit) {
    case "seconds": {
      const s = parseDuration(text);
      value = s === undefined ? undefined : [s];
      if (!value) fail('is not a duration (e.g. "21d", "10m", "3600")');
      break;
    }
    case "push": {
      const w = parsePushAmount(text);
      value = w === undefined ? undefined : [w];
      if (!value) fail('is not an amount of PUSH (e.g. "1000" or "0.5")');
      break;
    }
    case "ratio": {
      const m = /^(\d+)\s*\/\s*(\d+)$/.exec(text.trim());
      if (!m) return fail('is not a ratio n/d (e.g. "2/3")');
      value = [BigInt(m[1]), BigInt(m[2])];
      break;
    }
    default:
      if (!/^\d+$/.test(text.trim())) fail("is not a whole number");
      value = [BigInt(text.trim())];
  }
  return value as bigint[];
}

/**
 * Why `value` is outside the hard bounds of `spec` (one sentence), or undefined when it is within them.
 * `context` gives the cross-parameter bounds: the unbonding period must exceed the fault window.
 */
export function boundsViolation(
  spec: ParamSpec,
  value: bigint[],
  short: boolean,
  context: { unbondingPeriod?: bigint; faultWindow?: bigint } = {},
): string | undefined {
  if (spec.unit === "ratio") {
    const [n, d] = value;
    if (d === 0n || d > 10_000n || n > d || 2n * n < d)
      return `quorum ${n}/${d} is out of bounds: it must be between 1/2 and 1 (denominator at most 10000).`;
    return undefined;
  }
  const [min, max] = spec.bounds(short);
  const [v] = value;
  const shown = (x: bigint): string => formatParam(spec, [x]);
  if (v < min || v > max)
    return `${spec.name} ${shown(v)} is out of bounds: it must be between ${shown(min)} and ${shown(max)}${
      spec.unit === "seconds" && short ? " (short time bounds)" : ""
    }.`;
  if (spec.name === "unbondingPeriod" && context.faultWindow !== undefined && v <= context.faultWindow)
    return `unbondingPeriod ${shown(v)} must be longer than the fault window (${formatDuration(context.faultWindow)}).`;
  if (spec.name === "faultWindow" && context.unbondingPeriod !== undefined && v >= context.unbondingPeriod)
    return `faultWindow ${shown(v)} must be shorter than the unbonding period (${formatDuration(context.unbondingPeriod)}).`;
  return undefined;
}

/** Calldata of the governance call setting `spec` to `value`. */
export function encodeParamCall(spec: ParamSpec, value: bigint[]): { signature: string; data: string } {
  const { signature, args } = spec.call(value);
  const iface = new Interface([`function ${signature}`]);
  return { signature, data: iface.encodeFunctionData(signature.slice(0, signature.indexOf("(")), args) };
}
