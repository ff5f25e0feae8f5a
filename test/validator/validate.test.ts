import { expect } from "chai";
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { Wallet, getBytes } from "ethers";
import {
  attestationDigest,
  cidOf,
  contentHashOf,
  recoverAttestationSigner,
  signAttestation,
} from "../../src/message";
import type { CheckParams, SignedAttestation } from "../../src/message";
import {
  attestationSigner,
  forceEthersRecovery,
  recoverSigner,
  recoveryBackend,
} from "../../src/validator/attestation-signer";
import { cidOfContentHash } from "../../src/validator/cid";
import { validateItem } from "../../src/validator/validate";
import type { ItemVerdict } from "../../src/validator/validate";
import { InlineValidator, WorkerPoolValidator } from "../../src/validator/worker-pool";
import type { RecordsSource } from "../../src/validator/key-source";
import { vectorRegistry } from "../message/helpers";
import envelopes from "../vectors/envelopes.json";
import keysJson from "../vectors/keys.json";

const domain = { chainId: BigInt(envelopes.chainId), verifyingContract: envelopes.verifyingContract };
const params: CheckParams = {
  maxContentSize: envelopes.params.maxContentSize,
  maxClockSkew: BigInt(envelopes.params.maxClockSkew),
  stateLag: BigInt(envelopes.params.stateLag),
};
const node = envelopes.nodeSigner;
const itemOf = (c: (typeof envelopes.cases)[number]) => ({
  position: "1",
  envelope: c.envelope,
  attestation: c.attestation,
});

/** The vector key registry, as a worker thread's key source. */
function vectorSource(): RecordsSource {
  return {
    kind: "records",
    records: envelopes.registry.map((r) => ({
      owner: r.owner,
      publicKey: getBytes(keysJson.keys[r.key as keyof typeof keysJson.keys].publicKey),
      addedAt: BigInt(r.addedAt),
      revokedAt: r.revokedAt === null ? null : BigInt(r.revokedAt),
    })),
  };
}

/** The verdict a vector case expects, in validateItem's terms. */
function expected(c: (typeof envelopes.cases)[number]) {
  return c.expect.ok
    ? { status: "valid" }
    : { status: "fault", code: c.expect.code, rule: c.expect.rule, provable: c.expect.provable };
}

function summary(v: ItemVerdict) {
  if (v.kind !== "attested") return { kind: v.kind };
  const o = v.outcome;
  return o.status === "fault"
    ? { status: "fault", code: o.fault.code, rule: o.fault.rule, provable: o.fault.provable }
    : { status: o.status };
}

describe("validator: validation of feed items", function () {
  it("gives every envelope vector its expected verdict", async function () {
    const keys = vectorRegistry();
    for (const c of envelopes.cases) {
      const v = await validateItem(itemOf(c), node, { keys, domain, params });
      expect(v.kind, c.name).to.equal("attested");
      expect(summary(v), c.name).to.deep.equal(expected(c));
    }
  });

  it("takes an attestation by another key as forged, and a malformed one as unreadable", async function () {
    const keys = vectorRegistry();
    const c = envelopes.cases[0];
    const other = Wallet.createRandom();
    const a = c.attestation;
    const forged = await signAttestation(
      other,
      {
        digest: a.digest,
        signatureHash: a.signatureHash,
        signatureSize: a.signatureSize,
        sequence: BigInt(a.sequence),
        attestedAt: BigInt(a.attestedAt),
      },
      domain,
    );
    const v = await validateItem({ ...itemOf(c), attestation: { ...a, signature: forged.signature } }, node, {
      keys,
      domain,
      params,
    });
    expect(v.kind).to.equal("forged");
    const u = await validateItem({ ...itemOf(c), attestation: { ...a, sequence: -1 } }, node, {
      keys,
      domain,
      params,
    });
    expect(u.kind).to.equal("unreadable");
    expect((await validateItem(null, node, { keys, domain, params })).kind).to.equal("unreadable");
  });

  it("reports an undecodable envelope and an attestation of another envelope", async function () {
    const keys = vectorRegistry();
    const [c, d] = envelopes.cases;
    const bad = await validateItem({ ...itemOf(c), envelope: { ...c.envelope, content: "%%%" } }, node, {
      keys,
      domain,
      params,
    });
    expect(bad.kind === "attested" && bad.outcome.status).to.equal("undecodable");
    const mismatch = await validateItem({ ...itemOf(c), envelope: d.envelope }, node, {
      keys,
      domain,
      params,
    });
    expect(mismatch.kind === "attested" && mismatch.outcome.status).to.equal("mismatch");
  });

  it("a worker pool of two threads gives the same verdicts as the main thread", async function () {
    const source = vectorSource();
    const pool = await WorkerPoolValidator.start({ workers: 2, source });
    const inline = new InlineValidator(vectorRegistry());
    try {
      const tasks = envelopes.cases.map((c) => ({ item: itemOf(c), node, params, domain }));
      const [a, b] = await Promise.all([
        Promise.all(tasks.map((t) => pool.validate(t))),
        Promise.all(tasks.map((t) => inline.validate(t))),
      ]);
      expect(a.map(summary)).to.deep.equal(b.map(summary));
      expect(pool.threads).to.equal(2);
    } finally {
      await pool.close();
    }
  });

  it("batches: a burst split over workers in batches of 3 keeps each verdict with its own task", async function () {
    const source = vectorSource();
    const [c, d] = envelopes.cases;
    const odd = [
      { ...itemOf(c), attestation: { ...c.attestation, sequence: -1 } }, // unreadable
      { ...itemOf(c), envelope: { ...c.envelope, content: "%%%" } }, // undecodable
      { ...itemOf(c), envelope: d.envelope }, // mismatch
      "{not json", // text that is not JSON: unreadable
    ];
    // Vector cases (as objects and as JSON text) interleaved with the odd items, 3 times over.
    const items: unknown[] = [];
    for (let round = 0; round < 3; round++)
      envelopes.cases.forEach((k, i) => {
        items.push(round === 1 ? JSON.stringify(itemOf(k)) : itemOf(k));
        if (i % 5 === 0) items.push(odd[(i / 5 + round) % odd.length]);
      });
    const keys = vectorRegistry();
    const one = [];
    for (const item of items)
      one.push(
        summary(
          await validateItem(typeof item === "string" ? safeParse(item) : item, node, {
            keys,
            domain,
            params,
          }),
        ),
      );
    const pool = await WorkerPoolValidator.start({
      workers: 2,
      source,
      batchSize: 3,
      maxInflightPerWorker: 6,
    });
    const inline = new InlineValidator(vectorRegistry());
    try {
      const tasks = items.map((item) => ({ item, node, params, domain }));
      const [a, b] = await Promise.all([
        Promise.all(tasks.map((t) => pool.validate(t))),
        Promise.all(tasks.map((t) => inline.validate(t))),
      ]);
      expect(a.map(summary)).to.deep.equal(one);
      expect(b.map(summary)).to.deep.equal(one);
      // The mix really has every kind of verdict.
      const kinds = new Set(one.map((v) => ("status" in v ? v.status : v.kind)));
      expect([...kinds].sort()).to.deep.equal(["fault", "mismatch", "undecodable", "unreadable", "valid"]);
    } finally {
      await pool.close();
    }
    await expect(pool.validate({ item: itemOf(c), node, params, domain })).to.be.rejectedWith("closed");
  });
});

describe("validator: attestation signer recovery", function () {
  it("the native binding survives worker threads loading and unloading it (a child process)", function () {
    // secp256k1 4.x kept one static JavaScript reference for every thread: threads starting and stopping
    // corrupted the heap (free(): invalid pointer, or a segfault). 5.x keeps it per thread.
    const script = `
      const { Worker } = require("node:worker_threads");
      const sec = require("secp256k1/bindings");
      const msg = require("node:crypto").randomBytes(32);
      const s = sec.ecdsaSign(msg, require("node:crypto").randomBytes(32));
      (async () => {
        for (let i = 0; i < 30; i++) {
          const ws = [0, 1].map(() => new Worker(
            'require("secp256k1/bindings"); require("node:worker_threads").parentPort.postMessage(1);',
            { eval: true }));
          await Promise.all(ws.map((w) => new Promise((r) => w.once("message", r))));
          await Promise.all(ws.map((w) => w.terminate()));
          for (let j = 0; j < 100; j++) sec.ecdsaRecover(s.signature, s.recid, msg, false);
          global.gc();
        }
        console.log("survived");
      })();`;
    const r = spawnSync(process.execPath, ["--expose-gc", "-e", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.stderr).to.equal("");
    expect([r.status, r.stdout.trim()]).to.deep.equal([0, "survived"]);
  });

  it("uses the native libsecp256k1 binding here", function () {
    expect(recoveryBackend()).to.equal("native");
  });

  it("agrees with ethers (and the message library) on random attestations, both backends", async function () {
    const w = Wallet.createRandom();
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        async (digest, sequence) => {
          const a = await signAttestation(
            w,
            {
              digest: contentHashOf(digest),
              signatureHash: contentHashOf(digest),
              signatureSize: Number(sequence % 4097n),
              sequence,
              attestedAt: sequence,
            },
            domain,
          );
          expect(attestationSigner(a, domain)).to.equal(w.address);
          expect(recoverAttestationSigner(a, domain)).to.equal(w.address);
          forceEthersRecovery(true);
          try {
            expect(attestationSigner(a, domain)).to.equal(w.address);
          } finally {
            forceEthersRecovery(false);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("refuses what OpenZeppelin's ECDSA refuses: high s, v other than 27/28, wrong length", async function () {
    const w = Wallet.createRandom();
    const a: SignedAttestation = await signAttestation(
      w,
      {
        digest: contentHashOf(new Uint8Array(1)),
        signatureHash: contentHashOf(new Uint8Array(2)),
        signatureSize: 2,
        sequence: 1n,
        attestedAt: 2n,
      },
      domain,
    );
    const h = attestationDigest(a, domain);
    const sig = getBytes(a.signature);
    const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt("0x" + Buffer.from(sig.subarray(32, 64)).toString("hex"));
    const highS = Uint8Array.from(sig);
    highS.set(getBytes("0x" + (N - s).toString(16).padStart(64, "0")), 32);
    highS[64] = sig[64] === 27 ? 28 : 27;
    for (const backend of [false, true]) {
      forceEthersRecovery(backend);
      try {
        expect(recoverSigner(h, a.signature)).to.equal(w.address);
        expect(recoverSigner(h, "0x" + Buffer.from(highS).toString("hex")), "high s").to.equal(null);
        const v0 = Uint8Array.from(sig);
        v0[64] -= 27;
        expect(recoverSigner(h, "0x" + Buffer.from(v0).toString("hex")), "v = 0/1").to.equal(null);
        expect(recoverSigner(h, a.signature.slice(0, -2)), "64 bytes").to.equal(null);
        expect(recoverSigner(h, "0x1234"), "garbage").to.equal(null);
      } finally {
        forceEthersRecovery(false);
      }
    }
  });
});

describe("validator: CIDs from content hashes", function () {
  it("equals the message library's cidOf(content)", async function () {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (content) => {
        expect(cidOfContentHash(contentHashOf(content))).to.equal(await cidOf(content));
      }),
      { numRuns: 100 },
    );
    expect(() => cidOfContentHash("0x12")).to.throw(RangeError);
  });
});

describe("validator: native keccak", function () {
  it("the native sponge equals @noble's keccak256 on random inputs of every length up to 600 bytes", async function () {
    const { keccak_256 } = await import("@noble/hashes/sha3");
    const { nativeKeccak256 } = await import("../../src/validator/native-hash");
    const native = nativeKeccak256();
    expect(native, "the keccak add-on loads here").to.not.equal(undefined);
    await fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        // ethers' keccak256 may already be the native one here: compare with @noble's implementation.
        expect(Buffer.from(native!(data)).toString("hex")).to.equal(
          Buffer.from(keccak_256(data)).toString("hex"),
        );
      }),
      { numRuns: 300 },
    );
  });
});

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
