// What deploy:protocol does after the contracts exist, each part idempotent (it reads the chain and sends only
// what is missing, so a second run sends nothing): the slashing contracts' parameters, their SLASHER_ROLE on
// the NodeRegistry, the NodeRegistry's link to the SlashingCourt's fault window, then the hand-over: GOVERNOR_ROLE and DEFAULT_ADMIN_ROLE of every contract to the
// timelock, GUARDIAN_ROLE to the guardian, and every role of the deployer renounced (DEFAULT_ADMIN_ROLE last).
import { Contract, Interface, id } from "ethers";
import type { DeploymentFile } from "../deployments";
import { PARAM_SPECS, formatParam } from "../params/spec";
import { readParam, sameValue } from "../params/read";
import { sendTx } from "../tasks-util";
import type { DeployContext } from "./types";
import { DeployError } from "./types";
import { TIMELOCK } from "./steps/timelock";

export const ACCESS_ABI = [
  "function hasRole(bytes32 role, address account) view returns (bool)",
  "function grantRole(bytes32 role, address account)",
  "function renounceRole(bytes32 role, address callerConfirmation)",
  "error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)",
  "error AccessControlBadConfirmation()",
];
const ACCESS = new Interface(ACCESS_ABI);

export const ROLES = {
  DEFAULT_ADMIN_ROLE: "0x" + "00".repeat(32),
  GOVERNOR_ROLE: id("GOVERNOR_ROLE"),
  GUARDIAN_ROLE: id("GUARDIAN_ROLE"),
  SLASHER_ROLE: id("SLASHER_ROLE"),
  COURT_ROLE: id("COURT_ROLE"),
  PUSH_PROVER_ROLE: id("PUSH_PROVER_ROLE"),
} as const;

/** Contracts governed by the timelock, and whether each has a guardian. */
export const GOVERNED: readonly { name: string; guardian: boolean }[] = [
  { name: "StakingVault", guardian: false },
  { name: "NodeRegistry", guardian: true },
  { name: "KeyRegistry", guardian: true },
  { name: "Slashing", guardian: true },
  { name: "SlashingCourt", guardian: true },
];

/** Contracts that need the NodeRegistry's SLASHER_ROLE. */
export const SLASHERS: readonly string[] = ["Slashing", "SlashingCourt"];

function access(ctx: DeployContext, address: string): Contract {
  return new Contract(address, ACCESS_ABI, ctx.signer);
}

async function has(ctx: DeployContext, address: string, role: string, who: string): Promise<boolean> {
  return (await access(ctx, address).getFunction("hasRole")(role, who)) as boolean;
}

function roleName(role: string): string {
  return Object.entries(ROLES).find(([, v]) => v === role)?.[0] ?? role;
}

async function grant(
  ctx: DeployContext,
  name: string,
  role: string,
  to: string,
  toName: string,
): Promise<number> {
  const address = ctx.contracts[name].address;
  if (await has(ctx, address, role, to)) return 0;
  if (!(await has(ctx, address, ROLES.DEFAULT_ADMIN_ROLE, ctx.deployer)))
    throw new DeployError(
      `${name} lacks ${roleName(role)} for ${toName} ${to}, and the deployer is no longer its admin: grant it through governance (gov:call).`,
    );
  await sendTx(
    `${name}: grant ${roleName(role)} to ${toName}`,
    () => access(ctx, address).getFunction("grantRole")(role, to),
    [ACCESS],
    [],
    ctx.log,
  );
  return 1;
}

/** Sets every slashing parameter that differs from the params file (the deployer is still their governor). */
export async function applySlashingParams(ctx: DeployContext): Promise<number> {
  let sent = 0;
  for (const spec of PARAM_SPECS) {
    if (spec.contract === "NodeRegistry") continue;
    const c = ctx.contracts[spec.contract];
    if (!c) continue;
    const want = ctx.params.parameters[spec.name];
    const now = await readParam(ctx.hre, spec, c.address);
    if (sameValue(now, want)) continue;
    if (!(await has(ctx, c.address, ROLES.GOVERNOR_ROLE, ctx.deployer))) {
      ctx.log(
        `    ${spec.contract}.${spec.name} is ${formatParam(spec, now)}, the params file says ${formatParam(spec, want)}: set it with gov:params.`,
      );
      continue;
    }
    const { signature, args } = spec.call(want);
    const contract = await ctx.hre.ethers.getContractAt(spec.contract, c.address, ctx.signer);
    await sendTx(
      `${spec.contract}: set ${spec.name} to ${formatParam(spec, want)}`,
      () => contract.getFunction(signature)(...args),
      [contract.interface, ACCESS],
      [spec.contract],
      ctx.log,
    );
    sent++;
  }
  return sent;
}

/**
 * Gives the NodeRegistry's SLASHER_ROLE to the slashing contracts, the court Slashing's COURT_ROLE, and PushProofs
 * Slashing's PUSH_PROVER_ROLE.
 */
export async function grantSlasherRoles(ctx: DeployContext): Promise<number> {
  let sent = 0;
  for (const name of SLASHERS) {
    const c = ctx.contracts[name];
    if (c) sent += await grant(ctx, "NodeRegistry", ROLES.SLASHER_ROLE, c.address, name);
  }
  // The court shares the Slashing contract's offence ledger (one offence, one slash).
  const court = ctx.contracts.SlashingCourt;
  if (court && ctx.contracts.Slashing) {
    sent += await grant(ctx, "Slashing", ROLES.COURT_ROLE, court.address, "SlashingCourt");
  }
  // The Push Chat prover slashes through Slashing.slashPushFault.
  const pushProofs = ctx.contracts.PushProofs;
  if (pushProofs && ctx.contracts.Slashing) {
    sent += await grant(ctx, "Slashing", ROLES.PUSH_PROVER_ROLE, pushProofs.address, "PushProofs");
  }
  return sent;
}

/**
 * Makes the NodeRegistry refuse an unbonding period that is not longer than the SlashingCourt's fault window
 * (`setFaultWindowSource(court)`), while the deployer is still its governor.
 */
export async function linkFaultWindow(ctx: DeployContext): Promise<number> {
  const registry = ctx.contracts.NodeRegistry;
  const court = ctx.contracts.SlashingCourt;
  if (!registry || !court) return 0;
  const contract = await ctx.hre.ethers.getContractAt("NodeRegistry", registry.address, ctx.signer);
  if ((await contract.faultWindowSource()).toLowerCase() === court.address.toLowerCase()) return 0;
  if (!(await has(ctx, registry.address, ROLES.GOVERNOR_ROLE, ctx.deployer))) {
    ctx.log(
      `    NodeRegistry does not check the unbonding period against the SlashingCourt's fault window: ` +
        `call setFaultWindowSource(${court.address}) through governance (gov:call).`,
    );
    return 0;
  }
  await sendTx(
    "NodeRegistry: bound the unbonding period by the SlashingCourt's fault window",
    () => contract.setFaultWindowSource(court.address),
    [contract.interface, ACCESS],
    ["NodeRegistry"],
    ctx.log,
  );
  return 1;
}

/**
 * Hands every contract to the timelock: GOVERNOR_ROLE and DEFAULT_ADMIN_ROLE to it, GUARDIAN_ROLE to the
 * guardian, then renounces the deployer's roles (DEFAULT_ADMIN_ROLE last). The deployer keeps GUARDIAN_ROLE
 * only where it is the guardian (local networks).
 */
export async function handOver(ctx: DeployContext): Promise<number> {
  const timelock = ctx.contracts[TIMELOCK].address;
  let sent = 0;
  for (const { name, guardian } of GOVERNED) {
    const c = ctx.contracts[name];
    if (!c) continue;
    sent += await grant(ctx, name, ROLES.GOVERNOR_ROLE, timelock, "the timelock");
    sent += await grant(ctx, name, ROLES.DEFAULT_ADMIN_ROLE, timelock, "the timelock");
    if (guardian) sent += await grant(ctx, name, ROLES.GUARDIAN_ROLE, ctx.roles.guardian, "the guardian");
    const renounce: string[] = [ROLES.GOVERNOR_ROLE];
    if (guardian && ctx.roles.guardian !== ctx.deployer) renounce.push(ROLES.GUARDIAN_ROLE);
    renounce.push(ROLES.DEFAULT_ADMIN_ROLE);
    for (const role of renounce) {
      if (!(await has(ctx, c.address, role, ctx.deployer))) continue;
      await sendTx(
        `${name}: deployer renounces ${roleName(role)}`,
        () => access(ctx, c.address).getFunction("renounceRole")(role, ctx.deployer),
        [ACCESS],
        [],
        ctx.log,
      );
      sent++;
    }
  }
  return sent;
}

/** Roles `account` holds on the governed contracts of `d` ("NodeRegistry.GOVERNOR_ROLE", ...). */
export async function rolesHeld(
  d: DeploymentFile,
  account: string,
  runner: Contract["runner"],
): Promise<string[]> {
  const held: string[] = [];
  for (const { name } of GOVERNED) {
    const c = d.contracts[name];
    if (!c) continue;
    const a = new Contract(c.address, ACCESS_ABI, runner);
    for (const [roleKey, role] of Object.entries(ROLES))
      if ((await a.getFunction("hasRole")(role, account)) as boolean) held.push(`${name}.${roleKey}`);
  }
  return held;
}
