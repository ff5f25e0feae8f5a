// The state-lag rule (DESIGN section 5) is applied twice: by the Slashing contract when a proof arrives,
// and by `checkMessage` when a watcher decides whether to send one. This test draws key records (added,
// maybe revoked), message timestamps and attestation times around them, and checks that both give the
// same answer: a provable fault exactly when the contract takes the proof, an excused fault exactly when
// it reverts with SlashingStateLag, no fault exactly when it reverts with SlashingNoFault. FUZZ_RUNS sets
// the number of random cases per fault class over FUZZ_RUNS / 4 (default 25); each fault class also runs
// fixed scenarios, one per answer, so that every answer is reached whatever the budget (coverage runs
// with FUZZ_RUNS=20).
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { MemoryKeyView, checkMessage, signatureHashOf } from "../../src/message";
import type { CheckResult, FaultCode } from "../../src/message";
import type { Proof, UserKey, World } from "./fixture";
import { DAY, args, deployWorld, increaseTime, vectorKey } from "./fixture";

const RUNS = Math.max(1, Math.floor(Number(process.env.FUZZ_RUNS ?? 100) / 4));
const STATE_LAG = 600n; // the deployed default

type Verdict = "fault" | "excused" | "none";

function tsVerdict(r: CheckResult, code: FaultCode): Verdict {
  if (!r.ok && r.code === code && r.provable) return "fault";
  if (r.excused.some((f) => f.code === code)) return "excused";
  if (!r.ok) throw new Error(`unexpected fault ${r.code} ${r.rule}: ${r.reason}`);
  return "none";
}

async function chainVerdict(w: World, call: () => Promise<unknown>): Promise<Verdict> {
  try {
    await call();
    return "fault";
  } catch (e) {
    const data = (e as { data?: string }).data;
    const name = data ? w.slashing.interface.parseError(data)?.name : undefined;
    if (name === "SlashingStateLag") return "excused";
    if (name === "SlashingNoFault") return "none";
    throw e;
  }
}

/**
 * A fault for checkMessage is a fault for the contract and the other way round; a fault checkMessage
 * excuses, the contract refuses with SlashingStateLag. (Where there is no fault at all, the contract may
 * still answer SlashingStateLag: it checks the lag before the key state.)
 */
function expectAgree(ts: Verdict, chain: Verdict, c: object): void {
  const what = JSON.stringify(c);
  if (ts === "none") expect(chain, what).to.be.oneOf(["none", "excused"]);
  else expect(chain, what).to.equal(ts);
}

/** A key record relative to the moment it is added (A): revoked at A + revokeAfter, a message at A + dt. */
const scenario = fc.record({
  revokeAfter: fc.option(fc.integer({ min: 1, max: 2_000 }), { nil: null }),
  dt: fc.integer({ min: -1_500, max: 2_600 }),
  // attestedAt - timestamp, within the 15-minute clock skew
  skew: fc.integer({ min: -900, max: 900 }),
});
type Scenario = { revokeAfter: number | null; dt: number; skew: number };

describe("Slashing: the state-lag rule, contract and checkMessage agree", function () {
  async function world(): Promise<World & { sender: UserKey }> {
    const w = await deployWorld();
    // dave's own key, older than any lag: the sender of the WRONG_ENCRYPTION messages
    const sender = await vectorKey("p256b");
    await w.addKey(w.dave, sender);
    await increaseTime(DAY);
    return { ...w, sender };
  }

  /** Adds alice's P-256 key now, maybe revokes it later; the same record in a MemoryKeyView. */
  async function record(w: World, revokeAfter: number | null) {
    const key = await vectorKey("p256");
    const addedAt = await w.addKey(w.alice, key);
    let revokedAt: bigint | null = null;
    if (revokeAfter !== null) {
      revokedAt = addedAt + BigInt(revokeAfter);
      await ethers.provider.send("evm_setNextBlockTimestamp", [Number(revokedAt)]);
      await w.keys.connect(w.alice).revokeKey(key.keyHash);
    }
    const view = new MemoryKeyView();
    view.addKey(w.alice.address, key.publicKey, addedAt);
    if (revokedAt !== null) view.revokeKey(w.alice.address, key.keyHash, revokedAt);
    return { key, addedAt, view };
  }

  type Setup = (
    w: World & { sender: UserKey },
    rec: Awaited<ReturnType<typeof record>>,
  ) => { from: string; to: string; key: UserKey; prove: (p: Proof) => Promise<unknown> };

  /** Draws scenarios; for each, `setup` says who writes with which key and how the fault is proven. */
  async function agreeOn(
    code: FaultCode,
    seed: number,
    examples: Record<Verdict, Scenario>,
    setup: Setup,
  ): Promise<void> {
    const seen = new Set<Verdict>();
    await fc.assert(
      fc.asyncProperty(scenario, async ({ revokeAfter, dt, skew }) => {
        const w = await loadFixture(world);
        const node = await w.registerNode();
        const rec = await record(w, revokeAfter);
        const c = setup(w, rec);
        const timestamp = rec.addedAt + BigInt(dt);
        const m = await w.message(c.from, c.to, c.key, { at: timestamp });
        const proof = await w.attest(node, m, 1n, timestamp + BigInt(skew));
        const envelope = {
          ...m.message,
          content: new TextEncoder().encode("hello push"),
          signature: m.signature,
        };
        expect(signatureHashOf(envelope.signature)).to.equal(proof.attestation.signatureHash);
        const params = { stateLag: STATE_LAG };
        const ts = tsVerdict(
          await checkMessage(envelope, proof.attestation, { keys: rec.view, params }),
          code,
        );
        const chain = await chainVerdict(w, () => c.prove(proof));
        seen.add(chain);
        expectAgree(ts, chain, { revokeAfter, dt, skew });
      }),
      {
        numRuns: RUNS + 3, // fast-check counts the examples within numRuns
        seed: Number(process.env.FUZZ_SEED ?? seed),
        examples: (["fault", "excused", "none"] as const).map((v) => [examples[v]]),
      },
    );
    // the fixed scenarios (and the draws) reach all three answers
    expect([...seen].sort()).to.deep.equal(["excused", "fault", "none"]);
  }

  it("UNAUTHORIZED_SENDER: a message signed with a key around its addition and revocation", async function () {
    // signed before the key was added (fault), 100 s after its revocation (within the lag: excused),
    // long after its addition (none)
    const examples = {
      fault: { revokeAfter: null, dt: -1_500, skew: 0 },
      excused: { revokeAfter: 1_000, dt: 1_100, skew: 0 },
      none: { revokeAfter: null, dt: 1_500, skew: 0 },
    };
    await agreeOn("UNAUTHORIZED_SENDER", 0x5e7a, examples, (w, rec) => ({
      from: w.alice.address,
      to: w.carol.address,
      key: rec.key,
      prove: (p) => w.slashing.connect(w.reporter).proveUnauthorizedSender.staticCall(...args(p), p.claim),
    }));
  });

  it("WRONG_ENCRYPTION: plaintext to a recipient around the addition and revocation of its key", async function () {
    // plaintext 1,500 s after the recipient's key was added (fault), 100 s after (excused), before (none)
    const examples = {
      fault: { revokeAfter: null, dt: 1_500, skew: 0 },
      excused: { revokeAfter: null, dt: 100, skew: 0 },
      none: { revokeAfter: null, dt: -100, skew: 0 },
    };
    await agreeOn("WRONG_ENCRYPTION", 0x5e7b, examples, (w, rec) => {
      rec.view.addKey(w.dave.address, w.sender.publicKey, rec.addedAt - DAYS_2);
      return {
        from: w.dave.address,
        to: w.alice.address,
        key: w.sender,
        prove: (p) =>
          w.slashing
            .connect(w.reporter)
            .proveWrongEncryption.staticCall(...args(p), rec.key.keyHash, p.claim),
      };
    });
  });
});

/** dave's key in the view: added well before any drawn timestamp (the chain has it a day old). */
const DAYS_2 = 2n * BigInt(DAY);
