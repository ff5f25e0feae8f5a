// Model-based test of the slashing layer (fast-check) over the real contracts: Slashing, SlashingCourt, the
// staking layer and the key registry.
//
// Random sequences of node registrations, unstake requests, exits, withdrawals, time jumps, fault proofs of
// every class (faulty or honest, fresh or sent again by another account), quorum reports (reaching the quorum
// or not), disputes (committed then opened, accepted, rejected, expired) and pauses. The model knows the court's
// rules: a report pays the reporter it names (sent here by another account); signers count only stake older
// than the fault window; validator stake the court removed stays in the required stake for a fault window;
// one UNAVAILABLE offence per node per 7-day period; at most 4 open disputes per node and one per offence;
// an expired dispute keeps half of its bond. A TypeScript model predicts the outcome
// of each call (success, or the exact custom error); after every step these invariants of DESIGN section 7
// are checked:
//   3. a slash never exceeds the node's stake (bonded + unbonding) before it; the reward credited never
//      exceeds the slash (it is exactly reporterRewardBps of it);
//   5. each offenceId is consumed at most once, whoever submits it (a second submission reverts with
//      SlashingOffenceConsumed / SlashingCourtOffenceConsumed and moves nothing);
//   7. a valid fault proof against a node with stake never reverts (while not paused);
// and every revert moves no token (vault and court balances unchanged). FUZZ_RUNS sets the number of
// sequences over FUZZ_RUNS / 4 (default 25; `npm run test:fuzz` runs 500).
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import fc from "fast-check";
import { Wallet } from "ethers";
import type { TypedDataDomain } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Encryption, ZERO_BYTES32, messageDigest } from "../../src/message";
import { revertData } from "../../src/errors";
import { NodeStatus } from "../../src/staking";
import { signerConsent } from "../../src/testing/consent";
import type { Proof, World } from "../slashing/fixture";
import { DAY, Fault, VALIDATOR_MIN, deployWorld, vectorKey } from "../slashing/fixture";
import { packSignatures, planDispute, signReport, unavailableOffenceId } from "../../src/slashing/court";
import type { UserKey } from "../slashing/fixture";

const RUNS = Math.max(1, Math.floor(Number(process.env.FUZZ_RUNS ?? 100) / 4));
const MAX_ACTIONS = 24;
const POOL = 5; // node signers 0..2 are VALIDATORs, 3..4 STORAGE
const UNBONDING = 21 * DAY;
const BOND = 1_000n * 10n ** 18n;

type Kind = "malformed" | "unauthorized" | "encryption" | "signature" | "equivocation";

type Action =
  | { t: "register"; node: number; stakeMul: number }
  | { t: "unstake"; node: number; all: boolean }
  | { t: "exit"; node: number }
  | { t: "withdraw"; node: number }
  | { t: "wait"; seconds: number }
  | { t: "prove"; node: number; kind: Kind; faulty: boolean }
  | { t: "resend"; index: number }
  | { t: "report"; node: number; signers: number }
  | { t: "open"; node: number }
  | { t: "decide"; index: number; how: "accept" | "reject" | "expire" }
  | { t: "pause"; on: boolean };

interface Sent {
  kind: Kind;
  node: number;
  send: (from: number) => Promise<unknown>;
  offenceId: string;
  faulty: boolean;
}

interface Real {
  w: World;
  nodes: Wallet[];
  /** Each node signer's consent to be registered by `w.operator`. */
  consents: string[];
  reporters: HardhatEthersSigner[];
  p256: UserKey;
  registeredKey: UserKey;
  courtDomain: TypedDataDomain;
}

const FAULT_WINDOW = BigInt(14 * DAY);

interface Model {
  registered: Set<number>;
  /** Block time of each node's registration (its only deposit): its stake counts once a fault window old. */
  registeredAt: Map<number, bigint>;
  /** Validator stake the court's slashes took out of active stake, and when. */
  removed: { at: bigint; amount: bigint }[];
  consumed: Set<string>;
  disputes: { node: number; open: boolean; decideBy: bigint; offenceId: string }[];
  slashingPaused: boolean;
  /** The vault's exposure clock as the model sees it: seconds of ended pauses, start of the ongoing one. */
  pausedTotal: bigint;
  pausedSince: bigint;
  sequence: bigint;
  nonce: number;
}

/** Seconds fault proofs were paused up to `t` (the model of `StakingVault.pausedDuration`). */
function pausedAt(m: Model, t: bigint): bigint {
  return m.pausedTotal + (m.slashingPaused ? t - m.pausedSince : 0n);
}

const STATS = new Map<string, number>();
function stat(k: string): void {
  STATS.set(k, (STATS.get(k) ?? 0) + 1);
}

async function now(): Promise<bigint> {
  return BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
}

/** Runs `send`, expecting success (null) or the named custom error. Returns whether it succeeded. */
async function run(
  r: Real,
  send: () => Promise<unknown>,
  expectedError: string | null,
  ctx: string,
): Promise<boolean> {
  const vault = await r.w.token.balanceOf(await r.w.vault.getAddress());
  const court = await r.w.token.balanceOf(await r.w.court.getAddress());
  try {
    const tx = (await send()) as { wait: () => Promise<unknown> };
    await tx.wait();
  } catch (e) {
    const data = revertData(e);
    let name = "unknown revert";
    for (const iface of [
      r.w.slashing.interface,
      r.w.court.interface,
      r.w.registry.interface,
      r.w.vault.interface,
    ]) {
      try {
        const d = data ? iface.parseError(data) : null;
        if (d) {
          name = d.name;
          break;
        }
      } catch {
        /* next */
      }
    }
    expect(name, `${ctx}: reverted (${(e as Error).message.split("\n")[0]})`).to.equal(
      expectedError ?? "success",
    );
    // a revert moves no token
    expect(await r.w.token.balanceOf(await r.w.vault.getAddress()), `${ctx}: vault balance`).to.equal(vault);
    expect(await r.w.token.balanceOf(await r.w.court.getAddress()), `${ctx}: court balance`).to.equal(court);
    return false;
  }
  expect("success", ctx).to.equal(expectedError ?? "success");
  return true;
}

describe("Slashing model (fast-check, invariants 3, 5, 7)", function () {
  let real: Real;
  let snapshot: string;

  before(async function () {
    const w = await deployWorld();
    const p256 = await vectorKey("p256");
    const registeredKey = await vectorKey("p256b");
    await w.keys.connect(w.alice).addKey(registeredKey.publicKey); // alice's real key, older than the lag
    await ethers.provider.send("evm_increaseTime", [DAY]);
    await ethers.provider.send("evm_mine", []);
    const signers = await ethers.getSigners();
    const nodes = Array.from(
      { length: POOL },
      (_, i) => new Wallet(ethers.id(`model node ${i}`), ethers.provider),
    );
    const { chainId } = await ethers.provider.getNetwork();
    const consents = await Promise.all(nodes.map((n) => signerConsent(w.registry, n, w.operator, chainId)));
    real = {
      w,
      nodes,
      consents,
      reporters: [w.reporter, w.other, signers[12]],
      p256,
      registeredKey,
      courtDomain: {
        name: "Push Nodes",
        version: "1",
        chainId,
        verifyingContract: await w.court.getAddress(),
      },
    };
    await w.token.mint(signers[12].address, 10n ** 24n);
    // Every sequence starts with nodes 0..3 registered (validators 0, 1, 2 with 1x, 2x, 5x the minimum;
    // storage node 3); node 4 is never registered unless a sequence registers it.
    for (const [i, mul] of [1n, 2n, 5n, 1n].entries()) {
      const role = i < 3 ? 0 : 1;
      const amount = (role === 0 ? VALIDATOR_MIN : VALIDATOR_MIN / 2n) * mul;
      await w.registry
        .connect(w.operator)
        .registerNode(nodes[i].address, role, "https://n.example", amount, consents[i]);
    }
    // their stake is old enough to count in quorum reports
    await ethers.provider.send("evm_increaseTime", [15 * DAY]);
    await ethers.provider.send("evm_mine", []);
    snapshot = (await hre.network.provider.send("evm_snapshot", [])) as string;
  });

  after(function () {
    if (process.env.MODEL_STATS) console.log([...STATS.entries()].sort());
  });

  it(`keeps invariants 3, 5 and 7 over ${RUNS} random sequences`, async function () {
    const node = fc.integer({ min: 0, max: POOL - 1 });
    const kind = fc.constantFrom<Kind>(
      "malformed",
      "unauthorized",
      "encryption",
      "signature",
      "equivocation",
    );
    const action: fc.Arbitrary<Action> = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          t: fc.constant("register" as const),
          node,
          stakeMul: fc.integer({ min: 1, max: 20 }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ t: fc.constant("unstake" as const), node, all: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant("exit" as const), node }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant("withdraw" as const), node }) },
      {
        weight: 2,
        arbitrary: fc.record({
          t: fc.constant("wait" as const),
          seconds: fc.oneof(
            fc.integer({ min: 1, max: 3600 }),
            fc.constantFrom(7 * DAY, 15 * DAY, UNBONDING + 1),
          ),
        }),
      },
      {
        weight: 8,
        arbitrary: fc.record({ t: fc.constant("prove" as const), node, kind, faulty: fc.boolean() }),
      },
      { weight: 3, arbitrary: fc.record({ t: fc.constant("resend" as const), index: fc.nat() }) },
      {
        weight: 2,
        arbitrary: fc.record({
          t: fc.constant("report" as const),
          node,
          signers: fc.integer({ min: 0, max: 3 }),
        }),
      },
      { weight: 2, arbitrary: fc.record({ t: fc.constant("open" as const), node }) },
      {
        weight: 2,
        arbitrary: fc.record({
          t: fc.constant("decide" as const),
          index: fc.nat(),
          how: fc.constantFrom<"accept" | "reject" | "expire">("accept", "reject", "expire"),
        }),
      },
      { weight: 1, arbitrary: fc.record({ t: fc.constant("pause" as const), on: fc.boolean() }) },
    );

    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 8, maxLength: MAX_ACTIONS }), async (actions) => {
        await hre.network.provider.send("evm_revert", [snapshot]);
        snapshot = (await hre.network.provider.send("evm_snapshot", [])) as string;
        const m: Model = {
          registered: new Set([0, 1, 2, 3]),
          registeredAt: new Map([0, 1, 2, 3].map((i) => [i, 0n])),
          removed: [],
          consumed: new Set(),
          disputes: [],
          slashingPaused: false,
          pausedTotal: 0n,
          pausedSince: 0n,
          sequence: 0n,
          nonce: 0,
        };
        const sent: Sent[] = [];
        for (const [step, a] of actions.entries())
          await apply(real, m, sent, a, `step ${step} ${JSON.stringify(a)}`);
      }),
      { numRuns: RUNS },
    );
  });
});

async function stakeOf(r: Real, i: number): Promise<bigint> {
  const [b, u] = await r.w.registry.stakeOf(r.nodes[i].address);
  return b + u;
}

/** Sends a slashing call expected to slash `node` (with `bps` of its stake, reward to `reporter`) and checks
 *  invariant 3 on the result; or expects `error`. */
async function slashingCall(
  r: Real,
  i: number,
  reporter: string,
  bps: bigint,
  send: () => Promise<unknown>,
  error: string | null,
  ctx: string,
  floor = 0n,
): Promise<boolean> {
  const before = await stakeOf(r, i);
  const rewardBefore = await r.w.vault.rewardsOf(reporter);
  const ok = await run(r, send, error, ctx);
  if (!ok) {
    expect(await stakeOf(r, i), `${ctx}: stake after a revert`).to.equal(before);
    return false;
  }
  const after = await stakeOf(r, i);
  const slashed = before - after;
  const share = (before * bps) / 10_000n;
  // at least 1 from a node with stake; nothing from a node without (an accepted dispute against it); an
  // accepted dispute at least the amount its lock held (audit of wave 2)
  const least = share === 0n ? 1n : share;
  const expected = before === 0n ? 0n : least < floor ? floor : least;
  // invariant 3: never more than the stake; exactly the share (the registry caps it at the stake)
  expect(slashed, `${ctx}: slashed`).to.equal(expected < before ? expected : before);
  expect(slashed <= before, `${ctx}: slash within stake`).to.equal(true);
  const reward = (await r.w.vault.rewardsOf(reporter)) - rewardBefore;
  expect(reward <= slashed, `${ctx}: reward within slash`).to.equal(true);
  if (reporter !== ethers.ZeroAddress)
    expect(reward, `${ctx}: reward`).to.equal((slashed * 5_000n) / 10_000n);
  return true;
}

async function buildProof(
  r: Real,
  m: Model,
  kind: Kind,
  i: number,
  faulty: boolean,
): Promise<{ send: (from: number) => Promise<unknown>; offenceId: string }> {
  const { w } = r;
  const node = r.nodes[i];
  const n = ++m.nonce;
  const coder = ethers.AbiCoder.defaultAbiCoder();
  // One offence per node and message, whatever the fault code (the court shares this ledger).
  const id = (_code: number, digest: string) =>
    ethers.keccak256(coder.encode(["address", "bytes32"], [node.address, digest]));
  // Commit-reveal: the reporter commits in its own block, then proves in a later one.
  const claimFor = (offenceId: string, from: number) => w.commit(offenceId, r.reporters[from].address);
  const fields = { contentHash: ethers.id(`content ${n}`) };
  if (kind === "equivocation") {
    const seq = ++m.sequence;
    const a = await w.attest(
      node,
      await w.message(w.alice.address, w.bob.address, r.registeredKey, fields),
      seq,
    );
    const b = faulty
      ? await w.attest(node, await w.message(w.alice.address, w.carol.address, r.registeredKey, fields), seq)
      : a;
    const offenceId = ethers.keccak256(
      coder.encode(["uint8", "address", "uint64"], [Fault.Equivocation, node.address, seq]),
    );
    return {
      send: async (from) =>
        w.slashing
          .connect(r.reporters[from])
          .proveEquivocation(
            a.attestation,
            a.nodeSignature,
            b.attestation,
            b.nodeSignature,
            await claimFor(offenceId, from),
          ),
      offenceId,
    };
  }
  let p: Proof;
  if (kind === "malformed") {
    p = await w.attest(
      node,
      await w.message(w.alice.address, w.bob.address, r.registeredKey, {
        ...fields,
        version: faulty ? 2 : 1,
      }),
    );
    const offenceId = id(Fault.Malformed, p.attestation.digest);
    return {
      send: async (from) =>
        w.slashing
          .connect(r.reporters[from])
          .proveMalformed(p.message, p.attestation, p.nodeSignature, await claimFor(offenceId, from)),
      offenceId,
    };
  }
  if (kind === "unauthorized") {
    const key = faulty ? r.p256 : r.registeredKey; // p256 is registered to nobody
    p = await w.attest(node, await w.message(w.alice.address, w.bob.address, key, fields));
    const offenceId = id(Fault.UnauthorizedSender, p.attestation.digest);
    return {
      send: async (from) =>
        w.slashing
          .connect(r.reporters[from])
          .proveUnauthorizedSender(
            p.message,
            p.attestation,
            p.nodeSignature,
            await claimFor(offenceId, from),
          ),
      offenceId,
    };
  }
  if (kind === "encryption") {
    // PGP to bob, who has no key (faulty) / plaintext to bob, who has no key (honest)
    const enc = faulty ? { encryption: Encryption.PGP, recipientKey: r.registeredKey.keyHash } : {};
    p = await w.attest(
      node,
      await w.message(w.alice.address, w.bob.address, r.registeredKey, { ...fields, ...enc }),
    );
    const offenceId = id(Fault.WrongEncryption, p.attestation.digest);
    return {
      send: async (from) =>
        w.slashing
          .connect(r.reporters[from])
          .proveWrongEncryption(
            p.message,
            p.attestation,
            p.nodeSignature,
            ZERO_BYTES32,
            await claimFor(offenceId, from),
          ),
      offenceId,
    };
  }
  const m1 = await w.message(w.alice.address, w.bob.address, r.p256, fields);
  const sig = Uint8Array.from(m1.signature);
  if (faulty) sig[sig.length - 1] ^= 0x01;
  p = await w.attest(node, { message: m1.message, signature: sig });
  void messageDigest;
  const offenceId = id(Fault.BadSignature, p.attestation.digest);
  return {
    send: async (from) =>
      w.slashing
        .connect(r.reporters[from])
        .proveBadSignature(
          p.message,
          p.attestation,
          p.nodeSignature,
          sig,
          r.p256.publicKey,
          await claimFor(offenceId, from),
        ),
    offenceId,
  };
}

async function apply(r: Real, m: Model, sent: Sent[], a: Action, ctx: string): Promise<void> {
  const { w } = r;
  switch (a.t) {
    case "register": {
      const role = a.node < 3 ? 0 : 1;
      const amount = (role === 0 ? VALIDATOR_MIN : VALIDATOR_MIN / 2n) * BigInt(a.stakeMul);
      const ok = await run(
        r,
        () =>
          w.registry
            .connect(w.operator)
            .registerNode(r.nodes[a.node].address, role, "https://n.example", amount, r.consents[a.node]),
        m.registered.has(a.node) ? "NodeRegistrySignerAlreadyRegistered" : null,
        ctx,
      );
      if (ok) {
        m.registered.add(a.node);
        m.registeredAt.set(a.node, await now());
      }
      return;
    }
    case "unstake":
    case "exit":
    case "withdraw": {
      // staking moves are modelled by the staking model; here they only change the stake proofs see
      if (!m.registered.has(a.node)) return;
      const addr = r.nodes[a.node].address;
      const [bonded] = await w.registry.stakeOf(addr);
      // Invariant 4 with the pause rule: an entry matures after the unbonding period of *unpaused* time.
      const entries = a.t === "withdraw" ? await w.vault.unbondingEntries(addr) : [];
      const shownAt = await now();
      let withdrawnAt: bigint | undefined;
      try {
        if (a.t === "unstake" && bonded > 0n)
          await (
            await w.registry.connect(w.operator).requestUnstake(addr, a.all ? bonded : bonded / 3n + 1n)
          ).wait();
        if (a.t === "exit") await (await w.registry.connect(w.operator).exit(addr)).wait();
        if (a.t === "withdraw") {
          const receipt = (await (await w.vault.connect(w.operator).withdraw(addr)).wait())!;
          withdrawnAt = BigInt((await ethers.provider.getBlock(receipt.blockNumber))!.timestamp);
        }
        stat(`staking ${a.t}`);
      } catch {
        stat(`staking ${a.t} refused`);
      }
      if (withdrawnAt !== undefined) {
        const exposureRelease = entries[0].releaseAt - pausedAt(m, shownAt);
        expect(exposureRelease, `${ctx}: invariant 4 (exposure clock)`).to.be.lessThanOrEqual(
          withdrawnAt - pausedAt(m, withdrawnAt),
        );
        if (m.slashingPaused) stat("withdraw while paused (entry matured before the pause)");
      }
      return;
    }
    case "wait":
      await ethers.provider.send("evm_increaseTime", [a.seconds]);
      await ethers.provider.send("evm_mine", []);
      return;
    case "pause": {
      const ok = await run(
        r,
        () => (a.on ? w.slashing.connect(w.guardian).pause() : w.slashing.connect(w.governor).unpause()),
        a.on === m.slashingPaused ? (a.on ? "SlashingPaused" : "SlashingNotPaused") : null,
        ctx,
      );
      if (ok) {
        const t = await now();
        if (a.on) m.pausedSince = t;
        else m.pausedTotal += t - m.pausedSince;
        m.slashingPaused = a.on;
      }
      // The vault's exposure clock follows every pause and unpause of the provers.
      expect(await w.vault.pausedDuration(), `${ctx}: pause clock`).to.equal(pausedAt(m, await now()));
      return;
    }
    case "prove": {
      const proof = await buildProof(r, m, a.kind, a.node, a.faulty);
      const s: Sent = {
        kind: a.kind,
        node: a.node,
        send: proof.send,
        offenceId: proof.offenceId,
        faulty: a.faulty,
      };
      sent.push(s);
      await sendProof(r, m, s, 0, ctx);
      return;
    }
    case "resend": {
      if (sent.length === 0) return;
      await sendProof(r, m, sent[a.index % sent.length], 1 + (a.index % 2), ctx);
      return;
    }
    case "report": {
      const target = r.nodes[a.node].address;
      const evidence = ethers.id(`outage ${++m.nonce}`);
      const t = await now();
      // an earlier moment of the fault window half of the time: another UNAVAILABLE period
      const reportedAt = m.nonce % 2 === 0 ? t : t - 8n * BigInt(DAY);
      const report = {
        node: target,
        faultCode: Fault.Unavailable,
        evidenceHash: evidence,
        reportedAt,
        reporter: w.reporter.address, // signed by the validators; the report is sent by another account
      };
      // signers: the first `signers` registered, Active validators other than the target, ascending
      const active: Wallet[] = [];
      for (const i of [0, 1, 2]) {
        if (!m.registered.has(i)) continue;
        const n = await w.registry.nodeOf(r.nodes[i].address);
        if (Number(n.status) === NodeStatus.Active && i !== a.node) active.push(r.nodes[i]);
      }
      const chosen = active.slice(0, a.signers);
      const sigs = packSignatures(await signReport(r.courtDomain, report, chosen));
      const at = t + 1n; // the report's block time
      // the model's quorum: 2/3 of active validator stake plus what the court removed within the fault window,
      // the target's own stake left out; a signer counts its stake once registered a fault window ago
      let total = await w.registry.activeStake(0);
      const tn = await w.registry.nodeOf(target);
      const targetWasActiveValidator = Number(tn.status) === NodeStatus.Active && Number(tn.role) === 0;
      const targetBonded = (await w.registry.stakeOf(target))[0];
      if (targetWasActiveValidator) total -= targetBonded;
      for (const x of m.removed) if (at - x.at <= FAULT_WINDOW) total += x.amount;
      let signed = 0n;
      for (const v of chosen) {
        const i = r.nodes.indexOf(v);
        if (at - m.registeredAt.get(i)! >= FAULT_WINDOW) signed += (await w.registry.stakeOf(v.address))[0];
      }
      const required = (total * 2n + 2n) / 3n;
      const offenceId = unavailableOffenceId(target, reportedAt);
      const stake = m.registered.has(a.node) ? await stakeOf(r, a.node) : 0n;
      await ethers.provider.send("evm_setNextBlockTimestamp", [Number(at)]);
      const error =
        stake === 0n
          ? "SlashingCourtNodeWithoutStake"
          : m.consumed.has(offenceId)
            ? "SlashingCourtOffenceConsumed"
            : signed === 0n || signed < required
              ? "SlashingCourtQuorumNotReached"
              : null;
      const ok = await slashingCall(
        r,
        a.node,
        w.reporter.address,
        1_000n,
        () => w.court.connect(w.other).submitReport(report, sigs),
        error,
        ctx,
      );
      stat(ok ? "report slashed" : `report ${error}`);
      if (ok) {
        expect(m.consumed.has(offenceId), `${ctx}: invariant 5`).to.equal(false);
        m.consumed.add(offenceId);
        if (targetWasActiveValidator) m.removed.push({ at, amount: targetBonded });
      }
      return;
    }
    case "open": {
      const target = r.nodes[a.node].address;
      const text = ethers.toUtf8Bytes(`evidence ${++m.nonce}`);
      const stake = m.registered.has(a.node) ? await stakeOf(r, a.node) : 0n;
      // commit, then open in a later block (each transaction is a block here)
      const commitAndOpen = async (occurredAt: bigint) => {
        const plan = planDispute(w.reporter.address, target, Fault.Unavailable, occurredAt, text);
        await (await w.court.connect(w.reporter).commitDispute(plan.commitment)).wait();
        return w.court
          .connect(w.reporter)
          .openDispute(target, Fault.Unavailable, occurredAt, plan.digest, text, plan.salt);
      };
      // a fault from before the fault window cannot be disputed
      await run(r, () => commitAndOpen(0n), "SlashingCourtOutsideFaultWindow", ctx);
      const at = (await now()) - (m.nonce % 2 === 0 ? 0n : 8n * BigInt(DAY));
      const offenceId = unavailableOffenceId(target, at);
      const openHere = m.disputes.filter((d) => d.open && d.node === a.node);
      let error: string | null = null;
      if (stake === 0n) error = "SlashingCourtNodeWithoutStake";
      else if (m.consumed.has(offenceId)) error = "SlashingCourtOffenceConsumed";
      else if (openHere.some((d) => d.offenceId === offenceId)) error = "SlashingCourtOffenceDisputed";
      else if (openHere.length >= 4) error = "SlashingCourtTooManyOpenDisputes";
      const opened = await run(r, () => commitAndOpen(at), error, ctx);
      if (opened) {
        const d = await w.court.dispute(await w.court.disputeCount());
        expect(d.offenceId, `${ctx}: offence`).to.equal(offenceId);
        m.disputes.push({ node: a.node, open: true, decideBy: d.decideBy, offenceId });
        expect(await w.vault.withdrawalLocks(target), `${ctx}: lock`).to.be.greaterThan(0n);
        expect(d.locked, `${ctx}: locked`).to.equal(stake / 10n === 0n ? 1n : stake / 10n);
        stat("dispute opened");
      } else stat(`dispute open ${error}`);
      return;
    }
    case "decide": {
      if (m.disputes.length === 0) return;
      const k = a.index % m.disputes.length;
      const d = m.disputes[k];
      const id = BigInt(k + 1);
      const t = (await now()) + 1n;
      await ethers.provider.send("evm_setNextBlockTimestamp", [Number(t)]); // the decision's block time
      let error: string | null = null;
      if (!d.open) error = "SlashingCourtDisputeNotOpen";
      else if (a.how === "expire" && t <= d.decideBy) error = "SlashingCourtDecisionPeriodNotOver";
      else if (a.how !== "expire" && t > d.decideBy) error = "SlashingCourtDecisionPeriodOver";
      else if (a.how === "accept" && m.consumed.has(d.offenceId)) error = "SlashingCourtOffenceConsumed";
      const bondHolder = a.how === "reject" ? await w.court.treasury() : w.reporter.address;
      const target = r.nodes[d.node].address;
      const tn = await w.registry.nodeOf(target);
      const targetWasActiveValidator = Number(tn.status) === NodeStatus.Active && Number(tn.role) === 0;
      const targetBonded = (await w.registry.stakeOf(target))[0];
      const before = await w.token.balanceOf(bondHolder);
      let ok: boolean;
      if (a.how === "accept") {
        const locked = BigInt((await w.court.dispute(id)).locked);
        ok = await slashingCall(
          r,
          d.node,
          w.reporter.address,
          1_000n,
          () => w.court.connect(w.governor).acceptDispute(id),
          error,
          ctx,
          locked,
        );
        if (ok) {
          expect(m.consumed.has(d.offenceId), `${ctx}: invariant 5`).to.equal(false);
          m.consumed.add(d.offenceId);
          if (targetWasActiveValidator) m.removed.push({ at: t, amount: targetBonded });
        }
      } else {
        ok = await run(
          r,
          () =>
            a.how === "reject" ? w.court.connect(w.governor).rejectDispute(id) : w.court.expireDispute(id),
          error,
          ctx,
        );
      }
      if (ok) {
        d.open = false;
        // an expired dispute keeps half of the bond (for the treasury)
        expect((await w.token.balanceOf(bondHolder)) - before, `${ctx}: bond`).to.equal(
          a.how === "expire" ? BOND / 2n : BOND,
        );
      }
      stat(ok ? `dispute ${a.how}` : `dispute ${a.how} ${error}`);
      return;
    }
  }
}

async function sendProof(r: Real, m: Model, s: Sent, from: number, ctx: string): Promise<void> {
  const stake = m.registered.has(s.node) ? await stakeOf(r, s.node) : 0n;
  let error: string | null;
  if (m.slashingPaused) error = "SlashingPaused";
  else if (!s.faulty && s.kind === "equivocation") error = "SlashingIdenticalAttestations";
  else if (stake === 0n) error = "SlashingNodeWithoutStake";
  else if (m.consumed.has(s.offenceId)) error = "SlashingOffenceConsumed";
  else if (!s.faulty) error = "SlashingNoFault";
  else error = null; // invariant 7: a valid proof against a node with stake must go through
  const bps = s.kind === "equivocation" ? 5_000n : 1_000n;
  const ok = await slashingCall(
    r,
    s.node,
    r.reporters[from].address,
    bps,
    () => s.send(from),
    error,
    `${ctx} ${s.kind}`,
  );
  stat(ok ? `${s.kind} slashed` : `${s.kind} ${error}`);
  if (ok) {
    // invariant 5: consumed once, and now on chain
    expect(m.consumed.has(s.offenceId), `${ctx}: invariant 5`).to.equal(false);
    m.consumed.add(s.offenceId);
    expect(await r.w.slashing.isOffenceConsumed(s.offenceId), `${ctx}: consumed on chain`).to.equal(true);
  }
}
