import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { Contract, toUtf8Bytes } from "ethers";
import type { JsonRpcSigner, Wallet } from "ethers";
import type { HardhatNode } from "../../src/testing/hardhat-node";
import { sharedChain } from "./shared-chain";
import {
  MAX_SIGNATURE_SIZE,
  attestationDigest,
  attestationOf,
  cidOf,
  composeEnvelope,
  decodeSignedAttestation,
  detectEquivocation,
  detectNonMonotonic,
  encodeEnvelope,
  keyHashOf,
  messageDigest,
  recoverAttestationSigner,
} from "../../src/message";
import type { Envelope, EnvelopeJson } from "../../src/message";
import { FlakyProxy } from "../../src/testing/flaky-proxy";
import { startPushNode } from "../../src/node/push-node";
import type { PushNodeOptions, RunningPushNode } from "../../src/node/push-node";
import { NodeApiError, NodeClient } from "../../src/node/api";
import type { FaultClass } from "../../src/node/faults";
import { readConversation } from "../../src/client/messaging";
import { generate } from "../message/helpers";
import { chainTime, deployProtocol, mine, newSigner, registerNode } from "./fixture";
import type { Protocol } from "./fixture";

type Key = Awaited<ReturnType<typeof generate>>;

/**
 * The Push Node against a real `npx hardhat node` with the real registries, over real HTTP.
 */
describe("pushnode: the Push Node over HTTP", function () {
  let chain: HardhatNode;
  let p: Protocol;
  const dirs: string[] = [];
  const running: RunningPushNode[] = [];
  let alice: JsonRpcSigner, bob: JsonRpcSigner, carol: JsonRpcSigner, dave: JsonRpcSigner;
  let aliceKey: Key, bobKey: Key, daveKey: Key;
  let honest: RunningPushNode;
  let honestSigner: Wallet;
  let client: NodeClient;

  function tmp(): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "pushnode-"));
    dirs.push(d);
    return d;
  }

  function options(signer: Wallet, dataDir: string, extra: Partial<PushNodeOptions> = {}): PushNodeOptions {
    return {
      dataDir,
      rpcUrls: [chain.url],
      chainId: chain.chainId,
      keyRegistry: p.addresses.keyRegistry,
      nodeRegistry: p.addresses.nodeRegistry,
      slashing: p.addresses.slashing,
      startBlock: p.deployBlock,
      signerKey: signer.privateKey,
      confirmations: 1,
      pollIntervalMs: 60_000, // the tests call refresh() themselves
      ...extra,
    };
  }

  async function start(signer: Wallet, dataDir: string, extra: Partial<PushNodeOptions> = {}) {
    const n = await startPushNode(options(signer, dataDir, extra));
    running.push(n);
    return n;
  }

  /** Mines a block so the latest changes are confirmed (depth 1), and lets every node read them. */
  async function settle(): Promise<void> {
    await mine(p, 1);
    for (const n of running) await n.node.refresh().catch(() => undefined);
  }

  async function compose(
    from: JsonRpcSigner,
    to: JsonRpcSigner,
    text: string,
    key: Key,
    recipient?: Key,
    timestamp?: bigint,
  ): Promise<Envelope> {
    return composeEnvelope({
      from: from.address,
      to: to.address,
      content: toUtf8Bytes(text),
      timestamp: timestamp ?? (await chainTime(p)),
      senderPrivateKey: key.privateKey,
      recipientPublicKey: recipient?.publicKey,
    });
  }

  async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
    const res = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
    const text = await res.text();
    let json: { error?: string; [k: string]: unknown } = {};
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      // not JSON
    }
    return { status: res.status, json };
  }

  async function refusal(
    env: Envelope | EnvelopeJson,
    url = honest.url,
  ): Promise<{ status: number; error: string; code?: string }> {
    const body =
      "version" in env && typeof env.timestamp === "bigint" ? encodeEnvelope(env as Envelope) : env;
    const r = await post(url, JSON.stringify(body));
    return { status: r.status, error: r.json.error ?? "", code: r.json.code as string | undefined };
  }

  before(async function () {
    chain = await sharedChain();
    p = await deployProtocol(chain);
    [alice, bob, carol, dave] = await Promise.all([1, 2, 3, 4].map((i) => p.provider.getSigner(i)));
    [aliceKey, bobKey, daveKey] = await Promise.all([generate("p256"), generate("p256"), generate("p256")]);
    await (await p.keyRegistry.connect(alice).addKey(aliceKey.publicKey)).wait();
    await (await p.keyRegistry.connect(bob).addKey(bobKey.publicKey)).wait();
    // dave signs with a key he never registered; carol has no key (plaintext recipient)
    honestSigner = newSigner();
    await registerNode(p, honestSigner, "http://127.0.0.1:1");
    await mine(p, 1);
    honest = await start(honestSigner, tmp());
    client = new NodeClient(honest.url);
  });

  after(async function () {
    for (const n of running) await n.close().catch(() => undefined);
    p?.provider.destroy();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it("accepts an honest message: attests with sequence 1, stores it, serves it in the feed and by CID", async function () {
    const h = await client.health();
    expect(h, h.reason).to.deep.include({ ok: true, status: "Active", node: honestSigner.address });
    const env = await compose(alice, bob, "hello bob", aliceKey, bobKey);
    const res = await client.submit(encodeEnvelope(env));
    expect(res.duplicate).to.equal(false);
    expect(res.position).to.equal("1");
    const att = decodeSignedAttestation(res.attestation);
    expect(att.sequence).to.equal(1n);
    expect(att.digest).to.equal(messageDigest(env));
    expect(att.signatureSize).to.equal(env.signature.length);
    expect(recoverAttestationSigner(att, honest.node.domain)).to.equal(honestSigner.address);
    // the domain is the deployed Slashing contract's: it computes the same digest the node signed
    const slashing = new Contract(
      p.addresses.slashing,
      hre.artifacts.readArtifactSync("Slashing").abi,
      p.provider,
    );
    expect(await slashing.attestationDigest(attestationOf(att))).to.equal(
      attestationDigest(att, honest.node.domain),
    );
    expect(honest.node.currentParams()).to.deep.equal({
      stateLag: 600n,
      maxContentSize: 65536,
      maxClockSkew: 900n,
    });
    expect(res.cid).to.equal(await cidOf(env.content));

    const page = await client.feed(0n);
    expect(page.node).to.equal(honestSigner.address);
    expect(page.items).to.have.length(1);
    expect(page.items[0].envelope).to.deep.equal(env);
    expect(page.items[0].attestation).to.deep.equal(att);
    expect(page.next).to.equal(1n);
    expect(await client.content(res.cid)).to.deep.equal(env.content);

    // the same envelope again: same attestation, nothing new signed
    const again = await client.submit(encodeEnvelope(env));
    expect(again).to.deep.include({ duplicate: true, position: "1" });
    expect(again.attestation).to.deep.equal(res.attestation);

    // plaintext to a recipient without a key
    const plain = await compose(alice, carol, "hi carol", aliceKey);
    const r2 = await client.submit(encodeEnvelope(plain));
    expect(decodeSignedAttestation(r2.attestation).sequence).to.equal(2n);
    expect((await client.feed(1n)).items.map((i) => i.position)).to.deep.equal([2n]);
  });

  it("answers bad input with a 4xx and a clear sentence, and never skips a sequence", async function () {
    const head = (await client.feed(0n)).head;
    const url = honest.url;
    const env = encodeEnvelope(await compose(alice, bob, "x", aliceKey, bobKey));

    let r = await post(url, "{not json");
    expect(r.status).to.equal(400);
    expect(r.json.error).to.match(/Malformed JSON/);
    r = await post(url, "");
    expect(r.status).to.equal(400);
    expect(r.json.error).to.match(/empty/);
    r = await post(url, Buffer.alloc(2 * 1024 * 1024, 0x61));
    expect(r.status).to.equal(413);
    expect(r.json.error).to.match(/exceeds the limit/);

    const { contentSize: _omit, ...missing } = env;
    r = await post(url, JSON.stringify(missing));
    expect(r).to.deep.include({ status: 400 });
    expect(r.json).to.deep.include({ field: "contentSize" });
    expect(r.json.error).to.match(/missing field/);
    r = await post(url, JSON.stringify({ ...env, extra: 1 }));
    expect(r.json).to.deep.include({ field: "extra" });
    r = await post(url, JSON.stringify({ ...env, timestamp: 12 }));
    expect(r.status).to.equal(400);
    expect(r.json.error).to.match(/timestamp.*decimal string/);
    r = await post(url, JSON.stringify([env]));
    expect(r.status).to.equal(400);

    // bad signature: a valid packet by alice's key over another digest
    const other = await compose(alice, bob, "y", aliceKey, bobKey);
    const forged = { ...env, signature: encodeEnvelope(other).signature };
    let f = await refusal(forged);
    expect(f).to.deep.include({ status: 422, code: "BAD_SIGNATURE" });
    expect(f.error).to.match(/^Message refused: BAD_SIGNATURE/);
    // unauthorized sender: dave's key is not registered
    f = await refusal(await compose(dave, carol, "z", daveKey));
    expect(f).to.deep.include({ status: 422, code: "UNAUTHORIZED_SENDER" });
    // wrong encryption: plaintext to bob, who has a key
    f = await refusal(await compose(alice, bob, "plain to bob", aliceKey));
    expect(f).to.deep.include({ status: 422, code: "WRONG_ENCRYPTION" });
    // malformed: to itself; clock skew
    f = await refusal(await compose(alice, alice, "me", aliceKey));
    expect(f).to.deep.include({ status: 422, code: "MALFORMED" });
    f = await refusal(await compose(alice, carol, "old", aliceKey, undefined, (await chainTime(p)) - 3600n));
    expect(f.error).to.match(/CLOCK_SKEW/);
    // a signature over MAX_SIGNATURE_SIZE bytes: MALFORMED (422), not a schema error
    const valid = await compose(alice, carol, "long signature", aliceKey);
    const padded = new Uint8Array(MAX_SIGNATURE_SIZE + 1);
    padded.set(valid.signature);
    f = await refusal({ ...valid, signature: padded });
    expect(f).to.deep.include({ status: 422, code: "MALFORMED" });
    expect(f.error).to.equal(
      "Message refused: MALFORMED (SIGNATURE_SIZE): the signature is 4097 bytes, over the limit of 4096.",
    );

    // content and feed queries
    let g = await fetch(`${url}/v1/content/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy`);
    expect(g.status).to.equal(404);
    expect(((await g.json()) as { error: string }).error).to.match(/No content/);
    g = await fetch(`${url}/v1/content/not-a-cid`);
    expect(g.status).to.equal(400);
    expect(((await g.json()) as { error: string }).error).to.match(/Malformed CID/);
    g = await fetch(`${url}/v1/feed?after=-1`);
    expect(g.status).to.equal(400);
    g = await fetch(`${url}/v1/feed?limit=0`);
    expect(g.status).to.equal(400);
    g = await fetch(`${url}/v1/feed?limit=100000`);
    expect(g.status).to.equal(200);
    g = await fetch(`${url}/v1/nothing`);
    expect(g.status).to.equal(404);
    g = await fetch(`${url}/v1/feed`, { method: "POST" });
    expect(g.status).to.equal(405);

    expect((await client.feed(0n)).head).to.equal(head);
    const ok = await client.submit(encodeEnvelope(await compose(alice, carol, "still fine", aliceKey)));
    expect(BigInt(ok.position)).to.equal(head + 1n);
    expect(decodeSignedAttestation(ok.attestation).sequence).to.equal(head + 1n);
  });

  it("refuses to attest while its node is not registered, and once it is no longer Active", async function () {
    const signer = newSigner();
    const n = await start(signer, tmp());
    const env = encodeEnvelope(await compose(alice, carol, "to a stranger", aliceKey));
    let f = await refusal(env, n.url);
    expect(f.status).to.equal(403);
    expect(f.error).to.match(/is not registered in the NodeRegistry/);
    expect((await new NodeClient(n.url).health()).ok).to.equal(false);

    const op = await registerNode(p, signer, n.url, 8);
    await settle();
    const res = await new NodeClient(n.url).submit(env);
    expect(decodeSignedAttestation(res.attestation).sequence).to.equal(1n);

    // the operator unstakes below the minimum: Active -> Jailed
    await (await p.nodeRegistry.connect(op).requestUnstake(signer.address, 10n * 10n ** 18n)).wait();
    await settle();
    f = await refusal(encodeEnvelope(await compose(alice, carol, "again", aliceKey)), n.url);
    expect(f.status).to.equal(403);
    expect(f.error).to.match(/is Jailed on chain; only Active nodes attest/);
  });

  it("keeps its feed and sequence across a restart", async function () {
    const dir = tmp();
    const signer = newSigner();
    await registerNode(p, signer, "http://127.0.0.1:2", 7);
    await mine(p, 1);
    let n = await start(signer, dir);
    let c = new NodeClient(n.url);
    for (const t of ["one", "two"]) await c.submit(encodeEnvelope(await compose(alice, carol, t, aliceKey)));
    const before = await c.feedJson(0n);
    await n.close();
    n = await start(signer, dir);
    c = new NodeClient(n.url);
    expect(await c.feedJson(0n)).to.deep.equal(before);
    const r = await c.submit(encodeEnvelope(await compose(alice, carol, "three", aliceKey)));
    expect(decodeSignedAttestation(r.attestation).sequence).to.equal(3n);
    await n.close();
    // another signer cannot take over this data directory
    await expect(start(newSigner(), dir)).to.be.rejectedWith(/holds the feed of node/);
  });

  it("never lets attestedAt go back along its feed, even restarted with its clock set back", async function () {
    const dir = tmp();
    const signer = newSigner();
    await registerNode(p, signer, "http://127.0.0.1:3", 9);
    await mine(p, 1);
    // The clock stays within the state lag of the chain's time (else the node would not be ready) and within
    // the allowed clock skew of the messages' timestamps (chain time).
    let clock = (await chainTime(p)) - 400n;
    let n = await start(signer, dir, { clock: () => clock });
    let c = new NodeClient(n.url);
    const first = decodeSignedAttestation(
      (await c.submit(encodeEnvelope(await compose(alice, carol, "at t", aliceKey)))).attestation,
    );
    expect(first.attestedAt).to.equal(clock);
    clock += 300n;
    const second = decodeSignedAttestation(
      (await c.submit(encodeEnvelope(await compose(alice, carol, "at t+300", aliceKey)))).attestation,
    );
    expect(second.attestedAt).to.equal(clock);
    await n.close();

    // restarted with the clock 10 minutes back: attestedAt stays at the last one until the clock catches up
    clock -= 600n;
    n = await start(signer, dir, { clock: () => clock });
    c = new NodeClient(n.url);
    const third = decodeSignedAttestation(
      (await c.submit(encodeEnvelope(await compose(alice, carol, "clock back", aliceKey)))).attestation,
    );
    expect([third.sequence, third.attestedAt]).to.deep.equal([3n, second.attestedAt]);
    expect(n.node.store.lastAttestedAt()).to.equal(second.attestedAt);
    clock += 900n;
    const fourth = decodeSignedAttestation(
      (await c.submit(encodeEnvelope(await compose(alice, carol, "caught up", aliceKey)))).attestation,
    );
    expect([fourth.sequence, fourth.attestedAt]).to.deep.equal([4n, clock]);
    // no pair in the feed is a non-monotonic fault
    const items = (await c.feed(0n)).items.map((i) => i.attestation);
    for (let i = 0; i < items.length; i++)
      for (let j = i + 1; j < items.length; j++)
        expect(detectNonMonotonic(items[i], items[j], n.node.domain), `${i}/${j}`).to.equal(null);
    await n.close();
  });

  it("survives losing the chain: keeps serving its feed, refuses to attest with 503, recovers", async function () {
    const proxy = await FlakyProxy.start(chain.url);
    try {
      const signer = newSigner();
      await registerNode(p, signer, "http://127.0.0.1:3", 6);
      await mine(p, 1);
      const n = await start(signer, tmp(), {
        rpcUrls: [proxy.url],
        rpcTimeoutMs: 300,
        pollIntervalMs: 100,
        headStatusMaxAgeMs: 1500,
      });
      const c = new NodeClient(n.url);
      await c.submit(encodeEnvelope(await compose(alice, carol, "before the outage", aliceKey)));
      proxy.setMode({ kind: "reset" });
      await new Promise((r) => setTimeout(r, 2500));
      const f = await refusal(await compose(alice, carol, "during the outage", aliceKey), n.url);
      expect(f.status).to.equal(503);
      expect(f.error).to.match(/could not check its status at the chain head recently/);
      expect((await c.feed(0n)).items).to.have.length(1);
      expect((await c.health()).ok).to.equal(false);
      proxy.setMode({ kind: "pass" });
      await n.node.refresh();
      const r = await c.submit(encodeEnvelope(await compose(alice, carol, "after the outage", aliceKey)));
      expect(decodeSignedAttestation(r.attestation).sequence).to.equal(2n);
    } finally {
      await proxy.close();
    }
  });

  describe("fault injection (--accept)", function () {
    const nodes = new Map<FaultClass, RunningPushNode>();
    let twoClasses: RunningPushNode;
    let invalid: Record<Exclude<FaultClass, "EQUIVOCATION">, () => Promise<Envelope>>;

    before(async function () {
      const classes: FaultClass[] = [
        "MALFORMED",
        "UNAUTHORIZED_SENDER",
        "WRONG_ENCRYPTION",
        "BAD_SIGNATURE",
        "EQUIVOCATION",
      ];
      const signers = classes.map(() => newSigner());
      for (const [i, s] of signers.entries()) await registerNode(p, s, `http://127.0.0.1:${10 + i}`, 10 + i);
      await mine(p, 1);
      for (const [i, c] of classes.entries()) nodes.set(c, await start(signers[i], tmp(), { accept: c }));
      const both = newSigner();
      await registerNode(p, both, "http://127.0.0.1:15", 15);
      await mine(p, 1);
      twoClasses = await start(both, tmp(), { accept: ["UNAUTHORIZED_SENDER", "BAD_SIGNATURE"] });
      invalid = {
        MALFORMED: () => compose(alice, alice, "to myself", aliceKey),
        UNAUTHORIZED_SENDER: () => compose(dave, carol, "unregistered key", daveKey),
        WRONG_ENCRYPTION: () => compose(alice, bob, "plaintext to a keyed recipient", aliceKey),
        BAD_SIGNATURE: async () => {
          const e = await compose(alice, carol, "forged", aliceKey);
          const o = await compose(alice, carol, "other", aliceKey);
          return { ...e, signature: o.signature };
        },
      };
    });

    for (const cls of ["MALFORMED", "UNAUTHORIZED_SENDER", "WRONG_ENCRYPTION", "BAD_SIGNATURE"] as const) {
      it(`--accept ${cls} accepts that class only`, async function () {
        const n = nodes.get(cls)!;
        const c = new NodeClient(n.url);
        const res = await c.submit(encodeEnvelope(await invalid[cls]()));
        expect(res).to.deep.include({ acceptedFault: cls, position: "1" });
        expect(decodeSignedAttestation(res.attestation).sequence).to.equal(1n);
        for (const other of Object.keys(invalid) as Array<keyof typeof invalid>) {
          if (other === cls) continue;
          const f = await refusal(await invalid[other](), n.url);
          expect(f, `${cls} node given ${other}`).to.deep.include({ status: 422, code: other });
        }
        // honest traffic still goes through
        const ok = await c.submit(encodeEnvelope(await compose(alice, carol, "honest", aliceKey)));
        expect(ok.acceptedFault).to.equal(undefined);
        expect(ok.position).to.equal("2");
      });
    }

    it("--accept UNAUTHORIZED_SENDER,BAD_SIGNATURE accepts both classes and refuses the others", async function () {
      const c = new NodeClient(twoClasses.url);
      expect((await c.health()).accept).to.deep.equal(["UNAUTHORIZED_SENDER", "BAD_SIGNATURE"]);
      const a = await c.submit(encodeEnvelope(await invalid.UNAUTHORIZED_SENDER()));
      const b = await c.submit(encodeEnvelope(await invalid.BAD_SIGNATURE()));
      expect([a.acceptedFault, b.acceptedFault]).to.deep.equal(["UNAUTHORIZED_SENDER", "BAD_SIGNATURE"]);
      for (const other of ["MALFORMED", "WRONG_ENCRYPTION"] as const)
        expect(await refusal(await invalid[other](), twoClasses.url)).to.deep.include({
          status: 422,
          code: other,
        });
    });

    it("--accept EQUIVOCATION signs two attestations with one sequence, and refuses invalid messages", async function () {
      const n = nodes.get("EQUIVOCATION")!;
      const c = new NodeClient(n.url);
      const a = await c.submit(encodeEnvelope(await compose(alice, carol, "first", aliceKey)));
      const b = await c.submit(encodeEnvelope(await compose(alice, carol, "second", aliceKey)));
      const x = decodeSignedAttestation(a.attestation);
      const y = decodeSignedAttestation(b.attestation);
      expect([a.position, b.position]).to.deep.equal(["1", "2"]);
      expect([x.sequence, y.sequence]).to.deep.equal([1n, 1n]);
      const fault = detectEquivocation(x, y, n.node.domain);
      expect(fault).to.deep.include({ code: "EQUIVOCATION", signer: n.address, sequence: 1n });
      const third = await c.submit(encodeEnvelope(await compose(alice, carol, "third", aliceKey)));
      expect(decodeSignedAttestation(third.attestation).sequence).to.equal(2n);
      for (const k of Object.keys(invalid) as Array<keyof typeof invalid>)
        expect((await refusal(await invalid[k](), n.url)).status).to.equal(422);
      const page = await c.feed(0n);
      expect(page.items.map((i) => i.attestation.sequence)).to.deep.equal([1n, 1n, 2n]);
      expect(page.items.map((i) => i.position)).to.deep.equal([1n, 2n, 3n]);
    });

    it("readConversation flags what a faulty node attested, and decrypts what an honest one did", async function () {
      const chainCtx = {
        provider: p.provider,
        chainId: chain.chainId,
        keyRegistry: p.addresses.keyRegistry,
        slashing: p.addresses.slashing,
        fromBlock: p.deployBlock,
      };
      const faulty = await readConversation({
        chain: chainCtx,
        node: new NodeClient(nodes.get("WRONG_ENCRYPTION")!.url),
        me: bob.address,
        other: alice.address,
      });
      expect(faulty.entries).to.have.length(1);
      expect(faulty.entries[0].attestationOk).to.equal(true);
      // Every key of this fresh chain is younger than the state lag (10 minutes): the fault is there, but
      // excused, as the Slashing contract would (SlashingStateLag).
      const v = faulty.entries[0].verdict!;
      expect(v.ok).to.equal(true);
      expect(v.excused.map((f) => f.code)).to.deep.equal(["WRONG_ENCRYPTION"]);
      const malformed = await readConversation({
        chain: chainCtx,
        node: new NodeClient(nodes.get("MALFORMED")!.url),
        me: alice.address,
      });
      const self = malformed.entries.filter((e) => e.envelope.to === alice.address);
      expect(self).to.have.length(1);
      expect(self[0].verdict).to.deep.include({ ok: false, code: "MALFORMED", rule: "FROM_EQUALS_TO" });
      const good = await readConversation({
        chain: chainCtx,
        node: client,
        nodeAddress: honestSigner.address,
        me: bob.address,
        other: alice.address,
        privateKey: bobKey.privateKey,
      });
      expect(good.entries.length).to.be.greaterThan(0);
      expect(good.entries.every((e) => e.attestationOk && e.verdict?.ok)).to.equal(true);
      expect(new TextDecoder().decode(good.entries[0].text)).to.equal("hello bob");
    });

    it("is refused on Ethereum mainnet and Polygon PoS, before anything starts", async function () {
      for (const [chainId, name] of [
        [1n, "Ethereum mainnet"],
        [137n, "Polygon PoS"],
      ] as const) {
        const dir = path.join(tmp(), "never-created");
        await expect(
          startPushNode(options(newSigner(), dir, { chainId, accept: "MALFORMED" })),
        ).to.be.rejectedWith(`Refusing --accept MALFORMED on ${name} (chainId ${chainId})`);
        expect(fs.existsSync(dir)).to.equal(false);
      }
      expect(keyHashOf(aliceKey.publicKey)).to.match(/^0x/);
    });
  });

  it("client errors surface as NodeApiError with the node's sentence", async function () {
    try {
      await client.submit({
        ...encodeEnvelope(await compose(alice, bob, "x", aliceKey, bobKey)),
        version: 300,
      });
      expect.fail("should throw");
    } catch (e) {
      expect(e).to.be.instanceOf(NodeApiError);
      expect((e as NodeApiError).status).to.equal(400);
      expect((e as Error).message).to.match(/version/);
    }
  });
});
