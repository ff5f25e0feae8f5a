// Names and defaults of the staking layer (NodeRegistry + StakingVault), shared by tasks, tests and demo.

/** Node roles as the contracts number them (uint8). */
export const Role = { VALIDATOR: 0, STORAGE: 1, DELIVERY: 2, ARCHIVE: 3 } as const;
export type RoleName = keyof typeof Role;
export const ROLE_NAMES: readonly RoleName[] = ["VALIDATOR", "STORAGE", "DELIVERY", "ARCHIVE"];

/** Node status as the contracts number it (INodeRegistry.Status). */
export const NodeStatus = { None: 0, Active: 1, Jailed: 2, Exiting: 3, Exited: 4, Banned: 5 } as const;
export type NodeStatusName = keyof typeof NodeStatus;
export const STATUS_NAMES: readonly NodeStatusName[] = [
  "None",
  "Active",
  "Jailed",
  "Exiting",
  "Exited",
  "Banned",
];

/** Why a status changed (INodeRegistry.StatusReason), in the NodeStatusChanged event. */
export const STATUS_REASONS = [
  "Registered",
  "UnderStake",
  "Slashed",
  "Unjailed",
  "ExitRequested",
  "StakeWithdrawn",
  "StakeSlashedAway",
  "SlashLimitReached",
] as const;

/** Staking parameters (INodeRegistry.Params). Amounts in wei, period in seconds. */
export interface StakingParams {
  minStake: [bigint, bigint, bigint, bigint];
  unbondingPeriod: bigint;
  slashesBeforeBan: number;
}

const PUSH = 10n ** 18n;
const DAY = 86_400n;

/** DESIGN section 3 defaults: 100k / 50k / 25k / 50k PUSH, 21 days, 3 slashes. */
export const DEFAULT_STAKING_PARAMS: StakingParams = {
  minStake: [100_000n * PUSH, 50_000n * PUSH, 25_000n * PUSH, 50_000n * PUSH],
  unbondingPeriod: 21n * DAY,
  slashesBeforeBan: 3,
};

/** Role number from a name ("validator", "STORAGE") or a number string ("0"); one clear sentence otherwise. */
export function parseRole(input: string): number {
  const text = input.trim().toUpperCase();
  if (/^[0-3]$/.test(text)) return Number(text);
  const r = (Role as Record<string, number>)[text];
  if (r === undefined) throw new Error(`"${input}" is not a node role (one of ${ROLE_NAMES.join(", ")}).`);
  return r;
}

export function roleName(role: number | bigint): string {
  return ROLE_NAMES[Number(role)] ?? `unknown role ${role}`;
}

export function statusName(status: number | bigint): string {
  return STATUS_NAMES[Number(status)] ?? `unknown status ${status}`;
}
