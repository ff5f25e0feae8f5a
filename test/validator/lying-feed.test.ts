import { expect } from "chai";
import { Wallet } from "ethers";
import type { Signer } from "ethers";
import { ValidatorService } from "../../src/validator/service";
import { startHttpServer, HttpError } from "../../src/http/server";
import type { RunningHttpServer } from "../../src/http/server";
import {
  cidOf,
  encodeEnvelope,
  encodeSignedAttestation,
  messageDigest,
  signAttestation,
  signatureHashOf,
} from "../../src/message";
import type { Envelope } from "../../src/message";
import { PUSH, createWorld } from "./fixtures/world";
import type { User, World } from "./fixtures/world";
import { SLASHING_INTERFACE } from "../../src/validator/abi";
import { signerConsent } from "../../src/testing/consent";

/**
 * A node whose registered endpoint is a feed server under the test's control: items are real envelopes
 * with attestations really signed by the node's key, served with lies around them (gaps, reordering,
 * content not matching its hash or CID, forged attestations, broken JSON, errors, timeouts, an endpoint
 * that goes away). The validator logs and counts each, does not go past a gap, never crashes, sends no
 * proof for what is not provable, and proves the real faults: an attestation dated before the one before
 * it (attestedAt going back: EQUIVOCATION detail 1), a signature whose length is not the attested
 * signatureSize (BAD_SIGNATURE detail 255), an attested signatureSize over 4096 (MALFORMED detail 8), and
 * a second attestation with a sequence it saw long before (EQUIVOCATION across pages).
 */
describe("validator: a lying feed", function () {
  let world: World;
  let validator: ValidatorService;
  let server: RunningHttpServer;
  const nodeKey = Wallet.createRandom();
  let items: Array<Record<string, unknown>> = [];
  let order: "asc" | "reverse" = "asc";
  let mode: "normal" | "bad-json" | "http-500" | "slow" | "not-object" | "down" = "normal";
  const content = new Map<string, Uint8Array>();
  let alice: User;
  let bob: User;

  before(async function () {
    world = await createWorld({ intervalMs: 500 });
    server = await startHttpServer({
      routes: [
        {
          method: "GET",
          path: "/v1/feed",
          handler: async (ctx) => {
            if (mode === "http-500") throw new Error("injected failure");
            if (mode === "down") {
              ctx.req.socket.destroy();
              return { status: 500 };
            }
            if (mode === "slow") await new Promise((r) => setTimeout(r, 1500));
            if (mode === "bad-json") return { text: '{"items": [', contentType: "application/json" };
            if (mode === "not-object") return { json: [1, 2, 3] };
            const after = BigInt(ctx.query.get("after") ?? "0");
            let page = items.filter((i) => BigInt(i.position as string) > after);
            if (order === "reverse") page = [...page].reverse();
            return {
              json: {
                node: nodeKey.address,
                chainId: world.chainId.toString(),
                verifyingContract: world.deployment.contracts.Slashing.address,
                items: page,
                next: "0",
                head: String(items.reduce((m, i) => Math.max(m, Number(i.position)), 0)),
              },
            };
          },
        },
        {
          method: "GET",
          path: "/v1/content/:cid",
          handler: (ctx) => {
            const bytes = content.get(ctx.params.cid);
            if (!bytes) throw new HttpError(404, "unknown CID");
            return { text: Buffer.from(bytes), contentType: "application/octet-stream" };
          },
        },
      ],
    });
    await (
      await world.registry.connect(world.operator).getFunction("registerNode")(
        nodeKey.address,
        2,
        server.url,
        25_000n * PUSH,
        await signerConsent(world.registry, nodeKey.connect(world.operator.provider), world.operator),
      )
    ).wait();
    alice = await world.user();
    bob = await world.user(false);
    validator = await ValidatorService.create(
      world.validatorOptions(14, {
        dataDir: world.tmp("validator-lies"),
        confirmations: 2,
        feedTimeoutMs: 500,
        maxBackoffMs: 300,
      }),
    );
    validator.start();
  });

  after(async function () {
    await validator?.stop();
    await server?.close();
    await world?.stop();
  });

  const domain = () => ({
    chainId: world.chainId,
    verifyingContract: world.deployment.contracts.Slashing.address,
  });

  /** An honest item: a real message and the node's real attestation of it. */
  async function item(
    position: number,
    opts: {
      sequence?: number;
      signer?: Signer;
      e?: Envelope;
      attestedAt?: bigint;
      signatureSize?: (n: number) => number;
    } = {},
  ) {
    const e = opts.e ?? (await world.compose(alice, bob, { text: `message ${position} ${Math.random()}` }));
    const latest = await world.provider.getBlock("latest");
    const a = await signAttestation(
      opts.signer ?? nodeKey,
      {
        digest: messageDigest(e),
        signatureHash: signatureHashOf(e.signature),
        signatureSize: opts.signatureSize ? opts.signatureSize(e.signature.length) : e.signature.length,
        sequence: BigInt(opts.sequence ?? position),
        attestedAt: opts.attestedAt ?? BigInt(latest!.timestamp),
      },
      domain(),
    );
    const cid = await cidOf(e.content);
    content.set(cid, e.content);
    return {
      position: String(position),
      envelope: encodeEnvelope(e),
      attestation: encodeSignedAttestation(a),
      cid,
      e,
    };
  }

  const cursor = () => validator.store.cursor(nodeKey.address) ?? 0n;
  const kinds = () => validator.store.anomalies(nodeKey.address).map((a) => a.kind);
  const settle = (ms = 1500) => new Promise((r) => setTimeout(r, ms));

  it("does not go past a gap, and continues once it is filled", async function () {
    const [i1, i2, i3, i4] = [await item(1), await item(2), await item(3), await item(4)];
    items = [i1, i2, i4];
    await world.waitFor("positions 1-2", async () => (cursor() === 2n ? true : undefined));
    await settle();
    expect(cursor(), "stays before the gap").to.equal(2n);
    expect(kinds()).to.include("gap");
    items = [i1, i2, i3, i4];
    await world.waitFor("positions 3-4", async () => (cursor() === 4n ? true : undefined));
  });

  it("puts reordered items back in order", async function () {
    items = [...items, await item(5), await item(6)];
    order = "reverse";
    await world.waitFor("positions 5-6", async () => (cursor() === 6n ? true : undefined));
    order = "asc";
    expect(kinds()).to.include("reordered");
  });

  it("content not matching its hash: fetched by CID when the node has it, else counted; no proof", async function () {
    const i7 = await item(7);
    const i8 = await item(8);
    const i9 = await item(9);
    // Other bytes of the same length (contentSize is attested: changing it would be another lie).
    const other = (e: Envelope) => Buffer.from(e.content.map((b) => b ^ 0x5a)).toString("base64");
    // 7: the feed serves other bytes; the node serves the right ones by CID.
    i7.envelope = { ...i7.envelope, content: other(i7.e) };
    // 8: other bytes, and the node does not have the content either.
    content.delete(i8.cid);
    i8.envelope = { ...i8.envelope, content: other(i8.e) };
    // 9: the item's cid names other content.
    i9.cid = await cidOf(new TextEncoder().encode("other content"));
    items = [...items, i7, i8, i9];
    await world.waitFor("positions 7-9", async () => (cursor() === 9n ? true : undefined));
    expect(kinds()).to.include.members([
      "content-mismatch",
      "content-unavailable",
      "cid-mismatch",
      "unprovable-fault",
    ]);
    expect(validator.store.proofs()).to.deep.equal([]);
  });

  it("a forged attestation is counted and skipped, never proven", async function () {
    items = [...items, await item(10, { signer: Wallet.createRandom() })];
    await world.waitFor("position 10", async () => (cursor() === 10n ? true : undefined));
    expect(kinds()).to.include("forged-attestation");
    expect(validator.store.proofs()).to.deep.equal([]);
    expect(validator.metrics.validated.get({ outcome: "forged" })).to.equal(1);
  });

  it("broken JSON, a non-object page, HTTP 500, a timeout, an endpoint gone: counted, backed off, no crash", async function () {
    for (const m of ["bad-json", "not-object", "http-500", "slow", "down"] as const) {
      mode = m;
      await settle(1200);
    }
    mode = "normal";
    const errors = (kind: string) => validator.metrics.feedErrors.get({ kind });
    expect(errors("json")).to.be.greaterThan(0);
    expect(errors("shape")).to.be.greaterThan(0);
    expect(errors("http")).to.be.greaterThan(0);
    expect(errors("timeout")).to.be.greaterThan(0);
    expect(errors("network")).to.be.greaterThan(0);
    const health = validator.health();
    const me = (health.nodes as Array<{ node: string; errors: number }>).find(
      (n) => n.node === nodeKey.address,
    );
    expect(me).to.not.equal(undefined);
    // Back to normal: the feed is read again.
    items = [...items, await item(11)];
    await world.waitFor("position 11", async () => (cursor() === 11n ? true : undefined));
  });

  const provenLogs = async () =>
    (
      await world.provider.getLogs({
        address: world.deployment.contracts.Slashing.address,
        fromBlock: world.startBlock,
        toBlock: "latest",
        topics: [SLASHING_INTERFACE.getEvent("FaultProven")!.topicHash],
      })
    ).map((l) => SLASHING_INTERFACE.parseLog(l)!.args);
  const provenCount = (n: number) =>
    world.waitFor(`${n} FaultProven`, async () => {
      const logs = await provenLogs();
      return logs.length >= n ? logs : undefined;
    });
  const attestedAtOf = (position: number): bigint =>
    BigInt(
      (items.find((i) => i.position === String(position))!.attestation as { attestedAt: string }).attestedAt,
    );

  it("an attestation dated before those of lower sequences (attestedAt going back) is proven EQUIVOCATION", async function () {
    items = [...items, await item(12, { attestedAt: attestedAtOf(1) - 100n })];
    const proven = await provenCount(1);
    expect(proven).to.have.length(1);
    expect([Number(proven[0].faultCode), Number(proven[0].detail)]).to.deep.equal([5, 1]);
    expect(proven[0].reporter).to.equal(validator.address);
    const p = validator.store.proofs();
    expect(p.map((x) => [x.faultCode, x.sequence])).to.deep.equal([["EQUIVOCATION", 12n]]);
    expect(p[0].reason).to.match(/attestedAt went back/);
  });

  it("a signature whose length is not the attested signatureSize is proven BAD_SIGNATURE (detail 255)", async function () {
    items = [...items, await item(13, { signatureSize: (n) => n + 1 })];
    const proven = await provenCount(2);
    expect([Number(proven[1].faultCode), Number(proven[1].detail)]).to.deep.equal([4, 255]);
  });

  it("an attested signatureSize over 4096 is proven MALFORMED without the signature (detail 8)", async function () {
    items = [...items, await item(14, { signatureSize: () => 4097 })];
    const proven = await provenCount(3);
    expect([Number(proven[2].faultCode), Number(proven[2].detail)]).to.deep.equal([1, 8]);
    const call = SLASHING_INTERFACE.parseTransaction({
      data: validator.store.proofs().find((x) => x.faultCode === "MALFORMED")!.data,
    })!;
    expect(call.name).to.equal("proveMalformed");
    expect(call.args.attestation.signatureSize).to.equal(4097n);
  });

  it("a second attestation of an old sequence, pages later, is proven EQUIVOCATION", async function () {
    // Dated like the first attestation of sequence 1: no attestedAt goes back.
    items = [...items, await item(15, { sequence: 1, attestedAt: attestedAtOf(1) })];
    const proven = await provenCount(4);
    expect(proven).to.have.length(4);
    expect([Number(proven[3].faultCode), Number(proven[3].detail)]).to.deep.equal([5, 0]);
    expect(validator.store.proofs().map((p) => p.faultCode)).to.deep.equal([
      "EQUIVOCATION",
      "BAD_SIGNATURE",
      "MALFORMED",
      "EQUIVOCATION",
    ]);
    expect(kinds()).to.include("sequence");
  });

  it("a feed that lost its history and signs a sequence again is read from the start: EQUIVOCATION", async function () {
    // The node "restarted without its data": position 1 now carries a new message with sequence 2.
    items = [await item(1, { sequence: 2, attestedAt: attestedAtOf(2) })];
    const proven = await provenCount(5);
    expect(proven.map((l) => Number(l.faultCode))).to.deep.equal([5, 4, 1, 5, 5]);
    expect(kinds()).to.include("rewound");
    expect(cursor(), "the cursor does not move back").to.equal(15n);
  });
});
