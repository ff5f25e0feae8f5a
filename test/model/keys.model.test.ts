// Model-based test of the key registry (DESIGN section 7, invariant 8): random sequences of own and relayed
// additions and revocations (valid, wrong-signer, expired, replayed and future-nonce signatures), nonce
// cancellations and time jumps over several owners sharing a pool of keys. After every step:
// - `isActiveAt` agrees with the model for every owner, key and interesting time, past times included;
// - every record and `keysOf` agree with the model: a record changed only by its owner's call or a valid
//   signature of its owner;
// - nonces match the model, which only ever adds one per used nonce: they strictly increase.
// FUZZ_RUNS sets the number of sequences (default 50 in `npm test`; `npm run test:fuzz` runs 2,000).
import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse, Signer, TypedDataDomain } from "ethers";
import type { KeyRegistry, KeyRegistryReader } from "../../typechain-types";
import {
  ALG,
  FAR_DEADLINE,
  deployRegistry,
  domainOf,
  generate,
  keyHashOf,
  signRequest,
} from "../keys/helpers";
import type { Request } from "../keys/helpers";

const RUNS = Number(process.env.FUZZ_RUNS ?? 50);
const OWNERS = 3;

interface RecordModel {
  algorithm: number;
  addedAt: number;
  revokedAt: number;
}

interface Model {
  records: Map<string, RecordModel>; // `${owner}:${key}`
  order: number[][]; // per owner, key indices in order of addition
  nonces: bigint[];
  times: Set<number>; // every block timestamp at which something happened
  lastRelayed: { owner: number; key: number; kind: Request["kind"]; deadline: bigint; sig: string } | null;
}

interface Real {
  registry: KeyRegistry;
  reader: KeyRegistryReader;
  domain: TypedDataDomain;
  owners: Signer[];
  addrs: string[];
  relayer: Signer;
  stranger: Signer;
}

interface Pool {
  keys: Uint8Array[];
  hashes: string[];
  algs: number[];
}

const pool: Pool = { keys: [], hashes: [], algs: [] };

const id = (o: number, k: number): string => `${o}:${k}`;

function isActive(r: RecordModel | undefined, t: number): boolean {
  return r !== undefined && r.addedAt <= t && (r.revokedAt === 0 || t < r.revokedAt);
}

/** The error an add or revoke of key `k` by owner `o` must revert with, or null if it must succeed. */
function keyOutcome(m: Model, kind: Request["kind"], o: number, k: number): string | null {
  const r = m.records.get(id(o, k));
  if (kind === "AddKey") {
    if (!r) return null;
    return r.revokedAt !== 0 ? "KeyRegistryKeyRevoked" : "KeyRegistryKeyAlreadyActive";
  }
  if (!r) return "KeyRegistryUnknownKey";
  return r.revokedAt !== 0 ? "KeyRegistryKeyAlreadyRevoked" : null;
}

async function blockTime(tx: ContractTransactionResponse): Promise<number> {
  const receipt = await tx.wait();
  return (await ethers.provider.getBlock(receipt!.blockNumber))!.timestamp;
}

function apply(m: Model, kind: Request["kind"], o: number, k: number, at: number): void {
  if (kind === "AddKey") {
    m.records.set(id(o, k), { algorithm: pool.algs[k], addedAt: at, revokedAt: 0 });
    m.order[o].push(k);
  } else {
    m.records.get(id(o, k))!.revokedAt = at;
  }
  m.times.add(at);
}

/** Sends `p` and checks it reverts with `error` (a custom error of the registry), or succeeds. */
async function expectOutcome(
  r: Real,
  p: Promise<ContractTransactionResponse>,
  error: string | null,
): Promise<number | null> {
  if (error) {
    await expect(p).to.be.revertedWithCustomError(r.registry, error);
    return null;
  }
  return blockTime(await p);
}

async function checkAll(m: Model, r: Real): Promise<void> {
  // nonces
  for (let o = 0; o < OWNERS; o++)
    expect(await r.registry.nonces(r.addrs[o]), `nonce of ${o}`).to.equal(m.nonces[o]);
  // isActiveAt over owners x keys x times, past ones included
  const now = await time.latest();
  const ts = new Set<number>([0, now, now + 1000]);
  for (const t of m.times) [t - 1, t, t + 1].forEach((x) => ts.add(x));
  const times = [...ts].sort((a, b) => a - b);
  const got = await r.reader.activeMatrix(await r.registry.getAddress(), r.addrs, pool.hashes, times);
  let i = 0;
  for (let o = 0; o < OWNERS; o++) {
    for (let k = 0; k < pool.keys.length; k++) {
      const rec = m.records.get(id(o, k));
      for (const t of times) {
        expect(got[i++], `isActiveAt(owner ${o}, key ${k}, ${t})`).to.equal(isActive(rec, t));
      }
    }
  }
  // records and order of addition
  for (let o = 0; o < OWNERS; o++) {
    const [hashes, records] = await r.registry.keysOf(r.addrs[o], 0, 100);
    expect(hashes).to.deep.equal(m.order[o].map((k) => pool.hashes[k]));
    m.order[o].forEach((k, j) => {
      const rec = m.records.get(id(o, k))!;
      expect([records[j].algorithm, records[j].addedAt, records[j].revokedAt]).to.deep.equal([
        BigInt(rec.algorithm),
        BigInt(rec.addedAt),
        BigInt(rec.revokedAt),
      ]);
    });
    const active = m.order[o].filter((k) => m.records.get(id(o, k))!.revokedAt === 0).length;
    expect(await r.registry.activeKeyCount(r.addrs[o])).to.equal(BigInt(active));
  }
}

class OwnCall implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly kind: Request["kind"],
    readonly o: number,
    readonly k: number,
  ) {}
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    const registry = r.registry.connect(r.owners[this.o]);
    const p =
      this.kind === "AddKey" ? registry.addKey(pool.keys[this.k]) : registry.revokeKey(pool.hashes[this.k]);
    const at = await expectOutcome(r, p, keyOutcome(m, this.kind, this.o, this.k));
    if (at !== null) apply(m, this.kind, this.o, this.k, at);
    await checkAll(m, r);
  }
  toString = (): string =>
    `${this.kind === "AddKey" ? "addKey" : "revokeKey"}(owner ${this.o}, key ${this.k})`;
}

type Mode = "valid" | "wrongSigner" | "expired" | "futureNonce";

class Relayed implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly kind: Request["kind"],
    readonly o: number,
    readonly k: number,
    readonly mode: Mode,
  ) {}
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    const owner = r.addrs[this.o];
    const deadline = this.mode === "expired" ? BigInt(await time.latest()) : FAR_DEADLINE;
    const req: Request = {
      kind: this.kind,
      owner,
      keyHash: pool.hashes[this.k],
      nonce: m.nonces[this.o] + (this.mode === "futureNonce" ? 1n : 0n),
      deadline,
    };
    const signer = this.mode === "wrongSigner" ? r.stranger : r.owners[this.o];
    const sig = await signRequest(signer, r.domain, req);
    const registry = r.registry.connect(r.relayer);
    const p =
      this.kind === "AddKey"
        ? registry.addKeyFor(owner, pool.keys[this.k], deadline, sig)
        : registry.revokeKeyFor(owner, req.keyHash, deadline, sig);
    const error =
      this.mode === "expired"
        ? "KeyRegistryExpiredSignature"
        : this.mode !== "valid"
          ? "KeyRegistryInvalidSignature"
          : keyOutcome(m, this.kind, this.o, this.k);
    const at = await expectOutcome(r, p, error);
    if (at !== null) {
      apply(m, this.kind, this.o, this.k, at);
      m.nonces[this.o] += 1n;
      m.lastRelayed = { owner: this.o, key: this.k, kind: this.kind, deadline, sig };
    }
    await checkAll(m, r);
  }
  toString = (): string => `${this.kind}For(owner ${this.o}, key ${this.k}, ${this.mode})`;
}

/** Sends the last accepted relayed request again: its nonce is used, so it must fail. */
class Replay implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>): boolean => m.lastRelayed !== null;
  async run(m: Model, r: Real): Promise<void> {
    const last = m.lastRelayed!;
    const registry = r.registry.connect(r.relayer);
    const p =
      last.kind === "AddKey"
        ? registry.addKeyFor(r.addrs[last.owner], pool.keys[last.key], last.deadline, last.sig)
        : registry.revokeKeyFor(r.addrs[last.owner], pool.hashes[last.key], last.deadline, last.sig);
    await expectOutcome(r, p, "KeyRegistryInvalidSignature");
    await checkAll(m, r);
  }
  toString = (): string => "replay(last relayed)";
}

class UseNonce implements fc.AsyncCommand<Model, Real> {
  constructor(readonly o: number) {}
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    await expect(r.registry.connect(r.owners[this.o]).useNonce())
      .to.emit(r.registry, "NonceCancelled")
      .withArgs(r.addrs[this.o], m.nonces[this.o]);
    m.nonces[this.o] += 1n;
    m.lastRelayed = null; // its nonce may be the cancelled one; replay is covered either way
    await checkAll(m, r);
  }
  toString = (): string => `useNonce(owner ${this.o})`;
}

class TimeJump implements fc.AsyncCommand<Model, Real> {
  constructor(readonly seconds: number) {}
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    await time.increase(this.seconds);
    await checkAll(m, r);
  }
  toString = (): string => `wait(${this.seconds}s)`;
}

async function deployModel(): Promise<Real> {
  const d = await deployRegistry();
  const reader = await ethers.deployContract("KeyRegistryReader");
  const owners = d.users.slice(0, OWNERS);
  return {
    registry: d.registry,
    reader,
    domain: await domainOf(d.registry),
    owners,
    addrs: await Promise.all(owners.map((s) => s.getAddress())),
    relayer: d.relayer,
    stranger: d.users[OWNERS],
  };
}

describe("KeyRegistry model (invariant 8)", () => {
  before(async () => {
    const kinds = [
      ["p256", ALG.ECDSA],
      ["p256", ALG.ECDSA],
      ["ed25519", ALG.ED25519],
      ["ed25519", ALG.ED25519],
    ] as const;
    for (const [kind, alg] of kinds) {
      const key = (await generate(kind)).publicKey;
      pool.keys.push(key);
      pool.hashes.push(keyHashOf(key));
      pool.algs.push(alg);
    }
  });

  it(`isActiveAt, records and nonces follow the model (${RUNS} random sequences)`, async () => {
    const owner = fc.nat({ max: OWNERS - 1 });
    const key = fc.nat({ max: 3 });
    const kind = fc.constantFrom<Request["kind"]>("AddKey", "RevokeKey");
    const mode = fc.constantFrom<Mode>("valid", "valid", "valid", "wrongSigner", "expired", "futureNonce");
    const commands = fc.commands(
      [
        fc.tuple(kind, owner, key).map(([a, o, k]) => new OwnCall(a, o, k)),
        fc.tuple(kind, owner, key, mode).map(([a, o, k, md]) => new Relayed(a, o, k, md)),
        fc.constant(new Replay()),
        owner.map((o) => new UseNonce(o)),
        fc
          .oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 60, max: 86_400 }))
          .map((s) => new TimeJump(s)),
      ],
      { maxCommands: 14 },
    );
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const real = await loadFixture(deployModel);
        const model: Model = {
          records: new Map(),
          order: Array.from({ length: OWNERS }, () => []),
          nonces: Array.from({ length: OWNERS }, () => 0n),
          times: new Set(),
          lastRelayed: null,
        };
        await fc.asyncModelRun(() => ({ model, real }), cmds);
      }),
      { numRuns: RUNS },
    );
  });
});
