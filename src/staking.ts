// Names and defaults of the staking layer (NodeRegistry + StakingVault), shared by tasks, tests and demo.
import { verifyTypedData } from "ethers";
import type { Signer, TypedDataDomain, TypedDataField } from "ethers";

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

/** EIP-712 type of a node signer's consent to be registered by an operator (`NodeRegistry.registerNode`). */
export const SIGNER_CONSENT_TYPES: Record<string, TypedDataField[]> = {
  SignerConsent: [
    { name: "signer", type: "address" },
    { name: "operator", type: "address" },
  ],
};

/** The NodeRegistry's EIP-712 domain on chain `chainId`. */
export function nodeRegistryDomain(registry: string, chainId: bigint): TypedDataDomain {
  return { name: "Push Node Registry", version: "1", chainId, verifyingContract: registry };
}

/**
 * The node signer key's consent to be registered by `operator` on the NodeRegistry at `registry` (chain
 * `chainId`): a 65-byte signature to pass to `node:register --consent`. Signing it on the node's machine keeps the
 * hot key there; the consent names the operator, so it is useless to anyone else.
 */
export async function signSignerConsent(
  signerKey: Pick<Signer, "getAddress" | "signTypedData">,
  registry: string,
  chainId: bigint,
  operator: string,
): Promise<string> {
  const signer = await signerKey.getAddress();
  return signerKey.signTypedData(nodeRegistryDomain(registry, chainId), SIGNER_CONSENT_TYPES, {
    signer,
    operator,
  });
}

/** The address that signed `consent` for `operator`, or undefined when it is not a well-formed signature. */
export function signerOfConsent(
  consent: string,
  registry: string,
  chainId: bigint,
  signer: string,
  operator: string,
): string | undefined {
  try {
    return verifyTypedData(
      nodeRegistryDomain(registry, chainId),
      SIGNER_CONSENT_TYPES,
      { signer, operator },
      consent,
    );
  } catch {
    return undefined;
  }
}
