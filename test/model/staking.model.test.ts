// Model-based test of NodeRegistry + StakingVault (fast-check `fc.commands`).
//
// Random sequences of register, stake, request unstake, withdraw, unjail, exit, slash (by an account holding
// SLASHER_ROLE), withdrawal locks, reward claims, pause/unpause and time jumps, over three operators and a pool
// of six signers, run against the real contracts. A TypeScript model predicts the outcome of every call (the
// exact custom error, or the new state); after every step the whole on-chain state is compared with the model
// and these invariants of DESIGN section 7 are checked:
//   1. token balance of the vault == total bonded + total unbonding + unclaimed rewards + treasury held
//   2. total bonded == sum of node bonded stakes, total unbonding == sum of node unbonding stakes (and
//      active stake per role == sum of bonded stake of Active nodes of the role)
//   3. a slash never exceeds the node's stake (bonded + unbonding); rewards credited never exceed slashed
//   4. no withdrawal completes before its unbonding period ends
//   6. node status follows the graph of DESIGN section 3; Banned is terminal; a signer is never reused
// Each sequence starts from the same EVM snapshot. FUZZ_RUNS sets the number of sequences (default 100 in
// `npm test`; `npm run test:fuzz` runs 2,000).
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import fc from "fast-check";
import { Interface, MaxUint256, Wallet, ZeroAddress } from "ethers";
import type { ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { deployStaking } from "../../src/deploy/staking";
import { revertData } from "../../src/errors";
import { NodeStatus, STATUS_NAMES } from "../../src/staking";
import { signerConsent } from "../../src/testing/consent";
import type { NodeRegistry, StakingLens, StakingVault, TestPush } from "../../typechain-types";

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const MAX_COMMANDS = 30;
const SIGNERS = 5;
const PUSH = 10n ** 18n;
const DAY = 86_400n;
const PERIOD = 7n * DAY;
const MIN_STAKE = [100n * PUSH, 50n * PUSH, 25n * PUSH, 50n * PUSH];
const SLASHES_BEFORE_BAN = 3;
const MAX_ENTRIES = 8;
const ENDPOINT = "https://node.example:443";
const S = NodeStatus;

// Allowed status changes within one call (DESIGN section 3; exit of a node with nothing staked and a slash
// that bans go straight to their final status).
const ALLOWED = new Set([
  `${S.None}>${S.Active}`,
  `${S.Active}>${S.Jailed}`,
  `${S.Jailed}>${S.Active}`,
  `${S.Active}>${S.Exiting}`,
  `${S.Jailed}>${S.Exiting}`,
  `${S.Jailed}>${S.Exited}`,
  `${S.Exiting}>${S.Exited}`,
  `${S.Active}>${S.Banned}`,
  `${S.Jailed}>${S.Banned}`,
  `${S.Exiting}>${S.Banned}`,
]);

interface Entry {
  amount: bigint;
  releaseAt: bigint;
  requestedAt: bigint;
}
interface MNode {
  operator: number;
  role: number;
  status: number;
  bonded: bigint;
  entries: Entry[];
  slashCount: number;
  locks: number;
  /** Amounts of the open withdrawal locks, oldest first (the vault holds their sum, `lockedAmount`). */
  lockAmounts: bigint[];
}
interface Model {
  now: bigint;
  paused: boolean;
  nodes: Map<number, MNode>;
  rewards: bigint[]; // per reporter (index 2 = no reporter, never credited)
  treasury: bigint;
  totalSlashed: bigint;
  totalCredited: bigint;
  claimed: bigint;
}
const INITIAL_NODES: { sig: number; node: MNode }[] = [
  {
    sig: 0,
    node: {
      operator: 0,
      role: 0,
      status: S.Active,
      bonded: 150n * PUSH,
      entries: [],
      slashCount: 0,
      locks: 0,
      lockAmounts: [],
    },
  },
  {
    sig: 1,
    node: {
      operator: 1,
      role: 1,
      status: S.Active,
      bonded: 120n * PUSH,
      entries: [],
      slashCount: 0,
      locks: 0,
      lockAmounts: [],
    },
  },
];

interface Real {
  registry: NodeRegistry;
  vault: StakingVault;
  token: TestPush;
  lens: StakingLens;
  operators: HardhatEthersSigner[];
  reporters: HardhatEthersSigner[];
  slasher: HardhatEthersSigner;
  governor: HardhatEthersSigner;
  guardian: HardhatEthersSigner;
  signers: string[];
  /** consents[sig][op]: signer `sig`'s consent to be registered by operator `op`. */
  consents: string[][];
  errors: Interface[];
}

type Outcome = { ok: true } | { ok: false; error: string };
const fail = (error: string): Outcome => ({ ok: false, error });
const OK: Outcome = { ok: true };

const STATS = new Map<string, number>();
const unbonding = (n: MNode): bigint => n.entries.reduce((a, e) => a + e.amount, 0n);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

function pushEntry(n: MNode, amount: bigint, now: bigint): void {
  const last = n.entries[n.entries.length - 1];
  let releaseAt = now + PERIOD;
  if (last && last.releaseAt > releaseAt) releaseAt = last.releaseAt;
  n.entries.push({ amount, releaseAt, requestedAt: now });
}

/** Model of StakingVault.unbondAll. */
function unbondAll(n: MNode, now: bigint): void {
  if (n.bonded === 0n) return;
  if (n.entries.length === MAX_ENTRIES) {
    const last = n.entries[MAX_ENTRIES - 1];
    last.amount += n.bonded;
    if (now + PERIOD > last.releaseAt) last.releaseAt = now + PERIOD;
  } else {
    pushEntry(n, n.bonded, now);
  }
  n.bonded = 0n;
}

/** Sends a transaction at model time now + 1 and returns its outcome (decoded custom error name on revert). */
async function send(
  m: Model,
  r: Real,
  tx: () => Promise<ContractTransactionResponse>,
): Promise<{ outcome: Outcome; gasUsed?: bigint }> {
  m.now += 1n;
  await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(m.now)]);
  try {
    const receipt = await (await tx()).wait();
    return { outcome: OK, gasUsed: receipt?.gasUsed };
  } catch (e) {
    const data = revertData(e);
    if (!data) throw e;
    for (const iface of r.errors) {
      const desc = iface.parseError(data);
      if (desc) return { outcome: fail(desc.name) };
    }
    throw e;
  }
}

/**
 * Node choice of a generated command: values below SIGNERS pick the n-th registered node (mod their count) when
 * there is one, so that most calls hit real nodes; values from SIGNERS pick a pool signer directly (possibly
 * never registered).
 */
function resolveSig(m: Model, choice: number, prefer?: (n: MNode) => boolean): number {
  let registered = [...m.nodes.keys()].sort();
  // some commands prefer nodes where they can succeed (e.g. withdraw: nodes with unbonding entries)
  const preferred = prefer ? registered.filter((k) => prefer(m.nodes.get(k)!)) : [];
  if (preferred.length > 0) registered = preferred;
  if (choice < SIGNERS && registered.length > 0) return registered[choice % registered.length];
  return SIGNERS - 1 - (choice % SIGNERS);
}

/** Operator index -1 stands for "the node's own operator" (most generated calls), others for a given account. */
function resolveOp(m: Model, sig: number, op: number): number {
  return op >= 0 ? op : (m.nodes.get(sig)?.operator ?? 0);
}

/** Checks every operator precondition in the contract's order; returns the node or the expected error. */
/** `prefix`: the contract that answers the call (NodeRegistry, or StakingVault for top-ups and withdrawals). */
function operatorCheck(
  m: Model,
  sig: number,
  op: number,
  prefix: "NodeRegistry" | "StakingVault" = "NodeRegistry",
): MNode | string {
  if (m.paused) return "EnforcedPause";
  const n = m.nodes.get(sig);
  if (!n) return `${prefix}UnknownNode`;
  if (n.operator !== op) return `${prefix}NotOperator`;
  return n;
}

abstract class Cmd implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  abstract toString(): string;
  /** Predicts the outcome and updates the model on success; `tx` performs the call. */
  abstract step(m: Model, r: Real): Promise<void>;

  async run(m: Model, r: Real): Promise<void> {
    const before = new Map([...m.nodes].map(([k, n]) => [k, n.status]));
    await this.step(m, r);
    for (const [k, n] of m.nodes) {
      const from = before.get(k) ?? S.None;
      if (from === n.status) continue;
      // invariant 6: the graph; Banned is terminal
      expect(
        ALLOWED.has(`${from}>${n.status}`),
        `${this}: ${STATUS_NAMES[from]} -> ${STATUS_NAMES[n.status]}`,
      ).to.be.true;
    }
    await checkState(m, r, this.toString());
  }

  protected async expectOutcome(
    m: Model,
    r: Real,
    expected: Outcome,
    tx: () => Promise<ContractTransactionResponse>,
  ): Promise<boolean> {
    const { outcome } = await send(m, r, tx);
    const key = `${this.constructor.name}:${outcome.ok ? "ok" : outcome.error}`;
    STATS.set(key, (STATS.get(key) ?? 0) + 1);
    expect(outcome, `${this}`).to.deep.equal(expected);
    return outcome.ok;
  }
}

class Register extends Cmd {
  constructor(
    readonly op: number,
    readonly sig: number,
    readonly role: number,
    readonly amount: bigint,
  ) {
    super();
  }
  toString(): string {
    return `register(op${this.op}, sig${this.sig}, role ${this.role}, ${this.amount / PUSH} PUSH)`;
  }
  async step(m: Model, r: Real): Promise<void> {
    let expected = OK;
    if (m.paused) expected = fail("EnforcedPause");
    else if (this.role > 3) expected = fail("NodeRegistryUnknownRole");
    // invariant 6: a signer is never reused, whatever its status
    else if (m.nodes.has(this.sig)) expected = fail("NodeRegistrySignerAlreadyRegistered");
    else if (this.amount < MIN_STAKE[this.role]) expected = fail("NodeRegistryStakeBelowMinimum");
    const ok = await this.expectOutcome(m, r, expected, () =>
      r.registry
        .connect(r.operators[this.op])
        .registerNode(r.signers[this.sig], this.role, ENDPOINT, this.amount, r.consents[this.sig][this.op], {
          gasLimit: 1_000_000,
        }),
    );
    if (ok) {
      m.nodes.set(this.sig, {
        operator: this.op,
        role: this.role,
        status: S.Active,
        bonded: this.amount,
        entries: [],
        slashCount: 0,
        locks: 0,
        lockAmounts: [],
      });
    }
  }
}

class Stake extends Cmd {
  constructor(
    readonly op: number,
    readonly choice: number,
    readonly amount: bigint,
  ) {
    super();
  }
  sig = -1;
  toString(): string {
    return `stake(op${this.op}, sig${this.sig}, ${this.amount / PUSH} PUSH)`;
  }
  async step(m: Model, r: Real): Promise<void> {
    this.sig = resolveSig(m, this.choice);
    const op = resolveOp(m, this.sig, this.op);
    const n = operatorCheck(m, this.sig, op, "StakingVault");
    let expected = OK;
    if (typeof n === "string") expected = fail(n);
    else if (n.status !== S.Active && n.status !== S.Jailed) expected = fail("StakingVaultInvalidStatus");
    else if (this.amount === 0n) expected = fail("StakingVaultZeroAmount");
    const ok = await this.expectOutcome(m, r, expected, () =>
      r.vault.connect(r.operators[op]).stake(r.signers[this.sig], this.amount, { gasLimit: 1_000_000 }),
    );
    if (ok && typeof n !== "string") n.bonded += this.amount;
  }
}

class RequestUnstake extends Cmd {
  constructor(
    readonly op: number,
    readonly choice: number,
    readonly amount: bigint,
  ) {
    super();
  }
  sig = -1;
  toString(): string {
    return `requestUnstake(op${this.op}, sig${this.sig}, ${this.amount / PUSH} PUSH)`;
  }
  async step(m: Model, r: Real): Promise<void> {
    this.sig = resolveSig(m, this.choice);
    const op = resolveOp(m, this.sig, this.op);
    const n = operatorCheck(m, this.sig, op);
    let expected = OK;
    if (typeof n === "string") expected = fail(n);
    else if (n.status !== S.Active && n.status !== S.Jailed) expected = fail("NodeRegistryInvalidStatus");
    else if (this.amount === 0n) expected = fail("NodeRegistryZeroAmount");
    else if (this.amount > n.bonded) expected = fail("StakingVaultInsufficientStake");
    else if (n.entries.length === MAX_ENTRIES) expected = fail("StakingVaultUnbondingQueueFull");
    const ok = await this.expectOutcome(m, r, expected, () =>
      r.registry
        .connect(r.operators[op])
        .requestUnstake(r.signers[this.sig], this.amount, { gasLimit: 1_000_000 }),
    );
    if (ok && typeof n !== "string") {
      n.bonded -= this.amount;
      pushEntry(n, this.amount, m.now);
      if (n.status === S.Active && n.bonded < MIN_STAKE[n.role]) n.status = S.Jailed;
    }
  }
}

/** Withdraw; with `waitFirst`, time first moves to the release time of the node's oldest entry (if later). */
class Withdraw extends Cmd {
  constructor(
    readonly op: number,
    readonly choice: number,
    readonly waitFirst: boolean,
  ) {
    super();
  }
  sig = -1;
  toString(): string {
    return `${this.waitFirst ? "waitForRelease+" : ""}withdraw(op${this.op}, sig${this.sig})`;
  }
  async step(m: Model, r: Real): Promise<void> {
    this.sig = resolveSig(m, this.choice, (n) => n.entries.length > 0);
    const first = m.nodes.get(this.sig)?.entries[0];
    if (this.waitFirst && first && first.releaseAt > m.now + 1n) m.now = first.releaseAt - 1n;
    const op = resolveOp(m, this.sig, this.op);
    const n = operatorCheck(m, this.sig, op, "StakingVault");
    const at = m.now + 1n;
    let matured = 0;
    // Locks hold an amount: what leaves must keep their sum in bonded + unbonding stake; the last entry
    // paid may be paid in part.
    let amount = 0n;
    let partial = 0n;
    let lockedOut = false;
    if (typeof n !== "string") {
      const held = n.bonded + n.entries.reduce((a, e) => a + e.amount, 0n);
      const locked = n.lockAmounts.reduce((a, x) => a + x, 0n);
      const free = n.locks > 0 ? (held > locked ? held - locked : 0n) : -1n;
      while (matured < n.entries.length && n.entries[matured].releaseAt <= at) {
        const e = n.entries[matured];
        if (free >= 0n && e.amount > free - amount) {
          partial = free - amount;
          if (partial === 0n && amount === 0n) lockedOut = true;
          amount += partial;
          break;
        }
        amount += e.amount;
        matured++;
      }
    }
    let expected = OK;
    if (typeof n === "string") expected = fail(n);
    else if (lockedOut) expected = fail("StakingVaultWithdrawalsLocked");
    else if (amount === 0n) expected = fail("StakingVaultNothingToWithdraw");
    const operator = r.operators[op];
    const balanceBefore = await r.token.balanceOf(operator.address);
    const ok = await this.expectOutcome(m, r, expected, () =>
      r.vault.connect(operator).withdraw(r.signers[this.sig], { gasLimit: 1_000_000 }),
    );
    if (ok && typeof n !== "string") {
      const paid = n.entries.splice(0, matured);
      if (partial !== 0n) {
        paid.push({ ...n.entries[0], amount: partial });
        n.entries[0].amount -= partial;
      }
      for (const e of paid) {
        // invariant 4: no withdrawal before its unbonding period ends
        expect(e.releaseAt <= m.now, `${this}: released early`).to.be.true;
        expect(e.releaseAt - e.requestedAt >= PERIOD, `${this}: period shortened`).to.be.true;
      }
      expect(
        paid.reduce((a, e) => a + e.amount, 0n),
        `${this}: amount`,
      ).to.equal(amount);
      expect((await r.token.balanceOf(operator.address)) - balanceBefore, `${this}: paid`).to.equal(amount);
      if (n.status === S.Exiting && n.bonded === 0n && n.entries.length === 0) n.status = S.Exited;
    }
  }
}

class Unjail extends Cmd {
  constructor(
    readonly op: number,
    readonly choice: number,
  ) {
    super();
  }
  sig = -1;
  toString(): string {
    return `unjail(op${this.op}, sig${this.sig})`;
  }
  async step(m: Model, r: Real): Promise<void> {
    this.sig = resolveSig(m, this.choice, (n) => n.status === S.Jailed);
    const op = resolveOp(m, this.sig, this.op);
    const n = operatorCheck(m, this.sig, op);
    let expected = OK;
    if (typeof n === "string") expected = fail(n);
    else if (n.status !== S.Jailed) expected = fail("NodeRegistryInvalidStatus");
    else if (n.bonded < MIN_STAKE[n.role]) expected = fail("NodeRegistryStakeBelowMinimum");
    const ok = await this.expectOutcome(m, r, expected, () =>
      r.registry.connect(r.operators[op]).unjail(r.signers[this.sig], { gasLimit: 1_000_000 }),
    );
    if (ok && typeof n !== "string") n.status = S.Active;
  }
}

class Exit extends Cmd {
  constructor(
    readonly op: number,
    readonly choice: number,
  ) {
    super();
  }
  sig = -1;
  toString(): string {
    return `exit(op${this.op}, sig${this.sig})`;
  }
  async step(m: Model, r: Real): Promise<void> {
    this.sig = resolveSig(m, this.choice);
    const op = resolveOp(m, this.sig, this.op);
    const n = operatorCheck(m, this.sig, op);
    let expected = OK;
    if (typeof n === "string") expected = fail(n);
    else if (n.status !== S.Active && n.status !== S.Jailed) expected = fail("NodeRegistryInvalidStatus");
    const ok = await this.expectOutcome(m, r, expected, () =>
      r.registry.connect(r.operators[op]).exit(r.signers[this.sig], { gasLimit: 1_000_000 }),
    );
    if (ok && typeof n !== "string") {
      unbondAll(n, m.now);
      n.status = n.entries.length === 0 ? S.Exited : S.Exiting;
    }
  }
}

class Slash extends Cmd {
  constructor(
    readonly choice: number,
    readonly amount: bigint,
    readonly reporter: number,
    readonly bps: number,
  ) {
    super();
  }
  sig = -1;
  toString(): string {
    return `slash(sig${this.sig}, ${this.amount / PUSH} PUSH, reporter ${this.reporter}, ${this.bps} bps)`;
  }
  async step(m: Model, r: Real): Promise<void> {
    this.sig = resolveSig(m, this.choice);
    const n = m.nodes.get(this.sig);
    let expected = OK;
    // The registry resolves the node first, then checks the reward share.
    if (!n) expected = fail("NodeRegistryUnknownNode");
    else if (this.bps > 5000) expected = fail("NodeRegistryRewardTooHigh");
    const reporter = this.reporter < 2 ? r.reporters[this.reporter].address : ZeroAddress;
    const ok = await this.expectOutcome(m, r, expected, () =>
      r.registry
        .connect(r.slasher)
        .slash(r.signers[this.sig], this.amount, reporter, this.bps, { gasLimit: 1_000_000 }),
    );
    if (!ok || !n) return;
    const held = n.bonded + unbonding(n);
    const slashed = min(this.amount, held);
    // invariant 3: never more than the node's stake
    expect(slashed <= held).to.be.true;
    if (slashed === 0n) return;
    const fromBonded = min(slashed, n.bonded);
    n.bonded -= fromBonded;
    let left = slashed - fromBonded;
    while (left > 0n) {
      const e = n.entries[0];
      if (e.amount > left) {
        e.amount -= left;
        left = 0n;
      } else {
        left -= e.amount;
        n.entries.shift();
      }
    }
    const reward = this.reporter < 2 ? (slashed * BigInt(this.bps)) / 10_000n : 0n;
    if (this.reporter < 2) m.rewards[this.reporter] += reward;
    m.treasury += slashed - reward;
    m.totalSlashed += slashed;
    m.totalCredited += reward;
    if (n.slashCount < 255) n.slashCount++;
    if (n.status !== S.Banned && n.slashCount >= SLASHES_BEFORE_BAN) {
      n.status = S.Banned;
      unbondAll(n, m.now);
    } else if (n.status === S.Active) {
      n.status = S.Jailed;
    } else if (n.status === S.Exiting && n.bonded === 0n && n.entries.length === 0) {
      n.status = S.Exited;
    }
  }
}

const LOCK_AMOUNTS = [0n, 10n * PUSH, 1_000n * PUSH];

class Lock extends Cmd {
  constructor(
    readonly choice: number,
    readonly lock: boolean,
    readonly amountChoice: number = 1,
  ) {
    super();
  }
  sig = -1;
  amount = 0n;
  toString(): string {
    return `${this.lock ? "lock" : "unlock"}Withdrawals(sig${this.sig}, ${this.amount})`;
  }
  async step(m: Model, r: Real): Promise<void> {
    this.sig = resolveSig(m, this.choice);
    const n = m.nodes.get(this.sig);
    let expected = OK;
    if (!n) expected = fail("NodeRegistryUnknownNode");
    else if (!this.lock && n.locks === 0) expected = fail("StakingVaultNotLocked");
    const s = r.registry.connect(r.slasher);
    const signer = r.signers[this.sig];
    // a lock holds one of a few amounts; an unlock releases the newest lock's amount (as the court does)
    this.amount = this.lock
      ? LOCK_AMOUNTS[this.amountChoice % LOCK_AMOUNTS.length]
      : (n?.lockAmounts[n.lockAmounts.length - 1] ?? 0n);
    const ok = await this.expectOutcome(m, r, expected, () =>
      this.lock
        ? s.lockWithdrawals(signer, this.amount, { gasLimit: 1_000_000 })
        : s.unlockWithdrawals(signer, this.amount, { gasLimit: 1_000_000 }),
    );
    if (ok && n) {
      n.locks += this.lock ? 1 : -1;
      if (this.lock) n.lockAmounts.push(this.amount);
      else n.lockAmounts.pop();
    }
  }
}

class Claim extends Cmd {
  constructor(readonly reporter: number) {
    super();
  }
  toString(): string {
    return `claimRewards(reporter ${this.reporter})`;
  }
  async step(m: Model, r: Real): Promise<void> {
    const amount = m.rewards[this.reporter];
    const who = r.reporters[this.reporter];
    const before = await r.token.balanceOf(who.address);
    const ok = await this.expectOutcome(m, r, amount === 0n ? fail("StakingVaultNothingToClaim") : OK, () =>
      r.vault.connect(who).claimRewards({ gasLimit: 1_000_000 }),
    );
    if (!ok) return;
    expect((await r.token.balanceOf(who.address)) - before).to.equal(amount);
    m.claimed += amount;
    m.rewards[this.reporter] = 0n;
  }
}

class Pause extends Cmd {
  constructor(readonly pause: boolean) {
    super();
  }
  toString(): string {
    return this.pause ? "pause()" : "unpause()";
  }
  async step(m: Model, r: Real): Promise<void> {
    let expected = OK;
    if (this.pause && m.paused) expected = fail("EnforcedPause");
    if (!this.pause && !m.paused) expected = fail("ExpectedPause");
    const ok = await this.expectOutcome(m, r, expected, () =>
      this.pause
        ? r.registry.connect(r.guardian).pause({ gasLimit: 1_000_000 })
        : r.registry.connect(r.governor).unpause({ gasLimit: 1_000_000 }),
    );
    if (ok) m.paused = this.pause;
  }
}

/** Advances time by `seconds`, or (seconds < 0) to the next release time of any unbonding entry. */
class TimeJump extends Cmd {
  constructor(readonly seconds: bigint) {
    super();
  }
  toString(): string {
    return this.seconds < 0n ? "waitForNextRelease()" : `wait(${Number(this.seconds) / 86_400} days)`;
  }
  async step(m: Model): Promise<void> {
    if (this.seconds >= 0n) {
      m.now += this.seconds;
      return;
    }
    const future = [...m.nodes.values()]
      .flatMap((n) => n.entries.map((e) => e.releaseAt))
      .filter((t) => t > m.now + 1n);
    // the next transaction is mined at now + 1: land it exactly on the release time
    if (future.length > 0) m.now = future.reduce((a, b) => (a < b ? a : b)) - 1n;
  }
}

/** Compares the whole on-chain state with the model and checks invariants 1, 2 and 3. */
async function checkState(m: Model, r: Real, after: string): Promise<void> {
  const s = await r.lens.read(await r.registry.getAddress(), r.signers);
  const ctx = `after ${after}`;
  // invariant 1
  expect(s.balance, `${ctx}: vault balance`).to.equal(
    s.totalBonded + s.totalUnbonding + s.totalRewards + s.treasury,
  );
  // invariant 2
  let bonded = 0n;
  let unbond = 0n;
  const active = [0n, 0n, 0n, 0n];
  s.nodes.forEach((v, i) => {
    bonded += v.bonded;
    unbond += v.unbonding;
    expect(v.unbonding, `${ctx}: sig${i} unbonding = sum of entries`).to.equal(
      v.queue.reduce((a, e) => a + e.amount, 0n),
    );
    if (v.record.status === BigInt(S.Active)) active[Number(v.record.role)] += v.bonded;
    // the vault's status mirror (it serves top-ups and withdrawals alone) always equals the registry's record
    expect(v.vaultStatus, `${ctx}: sig${i} vault status mirror`).to.equal(v.record.status);
    // the model agrees with the chain, node by node
    const n = m.nodes.get(i);
    const want = n
      ? {
          status: n.status,
          role: n.role,
          slashCount: n.slashCount,
          bonded: n.bonded,
          locks: n.locks,
          entries: n.entries.map((e) => [e.amount, e.releaseAt]),
        }
      : { status: S.None, role: 0, slashCount: 0, bonded: 0n, locks: 0, entries: [] };
    expect(
      {
        status: Number(v.record.status),
        role: Number(v.record.role),
        slashCount: Number(v.record.slashCount),
        bonded: v.bonded,
        locks: Number(v.locks),
        entries: v.queue.map((e) => [e.amount, e.releaseAt]),
      },
      `${ctx}: sig${i}`,
    ).to.deep.equal(want);
  });
  expect(s.totalBonded, `${ctx}: total bonded`).to.equal(bonded);
  expect(s.totalUnbonding, `${ctx}: total unbonding`).to.equal(unbond);
  expect(
    s.activeStake.map((x) => x),
    `${ctx}: active stake per role`,
  ).to.deep.equal(active);
  expect(s.paused).to.equal(m.paused);
  expect(s.vaultPaused, `${ctx}: the vault is paused with the registry`).to.equal(m.paused);
  // invariant 3 (rewards side): credited rewards never exceed what was slashed; the split adds up
  expect(m.totalCredited <= m.totalSlashed).to.be.true;
  expect(s.totalRewards + m.claimed, `${ctx}: rewards`).to.equal(m.totalCredited);
  expect(s.treasury, `${ctx}: treasury`).to.equal(m.totalSlashed - m.totalCredited);
}

describe("Staking model (fast-check, invariants 1, 2, 3, 4, 6)", function () {
  let real: Real;
  let snapshot: string;
  let startTime: bigint;

  before(async () => {
    const [governor, guardian, slasher, op0, op1, op2, rep0, rep1] = await ethers.getSigners();
    const d = await deployStaking(hre, {
      governor: governor.address,
      guardian: guardian.address,
      shortTimeBounds: false,
      params: {
        minStake: [MIN_STAKE[0], MIN_STAKE[1], MIN_STAKE[2], MIN_STAKE[3]],
        unbondingPeriod: PERIOD,
        slashesBeforeBan: SLASHES_BEFORE_BAN,
      },
    });
    await d.registry.connect(governor).grantRole(await d.registry.SLASHER_ROLE(), slasher.address);
    const operators = [op0, op1, op2];
    for (const op of operators) {
      await d.token.mint(op.address, 1_000_000n * PUSH);
      await d.token.connect(op).approve(d.addresses.vault, MaxUint256);
    }
    const lens = (await ethers.deployContract("StakingLens")) as unknown as StakingLens;
    // fixed keys (the registry needs each signer's consent to its operator)
    const keys = Array.from(
      { length: SIGNERS },
      (_, i) => new Wallet(ethers.id(`staking model signer ${i}`)),
    );
    const signers = keys.map((k) => k.address);
    const { chainId } = await ethers.provider.getNetwork();
    const consents = await Promise.all(
      keys.map((k) => Promise.all(operators.map((op) => signerConsent(d.registry, k, op, chainId)))),
    );
    real = {
      registry: d.registry,
      vault: d.vault,
      token: d.token,
      lens,
      operators,
      reporters: [rep0, rep1],
      slasher,
      governor,
      guardian,
      signers,
      consents,
      errors: [d.registry.interface, d.vault.interface, d.token.interface],
    };
    // Every sequence starts with two registered nodes (sig0: VALIDATOR of op0, sig1: STORAGE of op1).
    for (const n of INITIAL_NODES) {
      await d.registry
        .connect(operators[n.node.operator])
        .registerNode(signers[n.sig], n.node.role, ENDPOINT, n.node.bonded, consents[n.sig][n.node.operator]);
    }
    startTime = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    snapshot = (await hre.network.provider.send("evm_snapshot", [])) as string;
  });

  it(`keeps the invariants over ${RUNS} random sequences`, async () => {
    const op = fc.integer({ min: 0, max: 2 });
    // mostly the node's own operator (-1), sometimes any operator
    const nodeOp = fc.oneof({ arbitrary: fc.constant(-1), weight: 6 }, { arbitrary: op, weight: 1 });
    const sig = fc.integer({ min: 0, max: SIGNERS - 1 });
    const nodeChoice = fc.integer({ min: 0, max: SIGNERS + 1 });
    const amount = fc.oneof(
      { arbitrary: fc.constant(0n), weight: 1 },
      { arbitrary: fc.bigInt({ min: 1n, max: 160n }).map((x) => x * PUSH), weight: 6 },
      { arbitrary: fc.constantFrom(...MIN_STAKE), weight: 2 },
    );
    const registerAmount = fc.oneof(
      { arbitrary: amount, weight: 1 },
      { arbitrary: fc.bigInt({ min: 100n, max: 200n }).map((x) => x * PUSH), weight: 4 },
    );
    const role = fc.integer({ min: 0, max: 4 }); // 4 is unknown
    const bps = fc.integer({ min: 0, max: 5100 }); // above 5000 is refused
    const commands = [
      fc.tuple(op, sig, role, registerAmount).map((a) => new Register(...a)),
      fc.tuple(nodeOp, nodeChoice, amount).map((a) => new Stake(...a)),
      fc.tuple(nodeOp, nodeChoice, amount).map((a) => new RequestUnstake(...a)),
      fc.tuple(nodeOp, nodeChoice, fc.boolean()).map((a) => new Withdraw(...a)),
      fc.tuple(nodeOp, nodeChoice).map((a) => new Unjail(...a)),
      fc.tuple(nodeOp, nodeChoice).map((a) => new Exit(...a)),
      fc.tuple(nodeChoice, amount, fc.integer({ min: 0, max: 2 }), bps).map((a) => new Slash(...a)),
      fc.tuple(nodeChoice, fc.boolean(), fc.nat()).map((a) => new Lock(...a)),
      fc.integer({ min: 0, max: 1 }).map((a) => new Claim(a)),
      fc.integer({ min: 0, max: 2 }).map((a) => new Pause(a === 0)),
      fc
        .oneof(
          fc.bigInt({ min: 0n, max: DAY }),
          fc.bigInt({ min: PERIOD - DAY, max: PERIOD + DAY }),
          fc.constant(-1n),
        )
        .map((a) => new TimeJump(a)),
    ];
    const [register, stake, unstake, withdraw, unjail, exit, slash, lock, claim, pause, wait] = commands;
    // Weights: the paths that move stake come up more often than locks, claims and pauses.
    const weighted = [register, register, stake, unstake, unstake, withdraw, withdraw, unjail, exit];
    weighted.push(slash, lock, claim, pause, wait, wait, wait);
    await fc.assert(
      fc.asyncProperty(fc.commands(weighted, { size: "max", maxCommands: MAX_COMMANDS }), async (cmds) => {
        await hre.network.provider.send("evm_revert", [snapshot]);
        snapshot = (await hre.network.provider.send("evm_snapshot", [])) as string;
        const model: Model = {
          now: startTime,
          paused: false,
          nodes: new Map(INITIAL_NODES.map((n) => [n.sig, { ...n.node, entries: [], lockAmounts: [] }])),
          rewards: [0n, 0n],
          treasury: 0n,
          totalSlashed: 0n,
          totalCredited: 0n,
          claimed: 0n,
        };
        await fc.asyncModelRun(() => ({ model, real }), cmds);
      }),
      { numRuns: RUNS },
    );
    if (process.env.MODEL_STATS) console.log([...STATS].sort());
  });
});
