import * as path from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import { Wallet, getBytes, hexlify, sha256 } from "ethers";
import {
  addressOfDid,
  decodePushMessage,
  jsonString,
  parseVerificationProof,
  pushAttestedMessageOf,
  pushMessageDigest,
  pushPreimage,
  pushSignedHex,
  validatePushMessage,
  verifyPushSignature,
  wtf8,
} from "../../src/message/push";
import type { PushSigVersion } from "../../src/message/push";
import { now } from "../slashing/fixture";
import { attestPush, deployPushWorld, fullArgs } from "../push/proofs-fixture";
import type { PushWorld } from "../push/proofs-fixture";
import { copyBody, keylessWallets, profile, profileVectors, pushLookup, twinsOf } from "./push-fixtures";
import { PushBackendStub, sdkSend, sdkVerifies } from "./push-sdk";
import { bodySizeBound } from "../../src/message/push/validate";
import type { SdkProfile } from "./push-sdk";

/**
 * Differential test against the unmodified SDK: it builds and signs messages with generated contents
 * (Unicode outside the BMP, quotes, backslashes, control characters, `</script>`, empty, sizes around
 * the preimage limit); src/message/push must rebuild the SDK's preimage byte for byte (the string the
 * SDK hashed, captured from its crypto-js) and agree with the SDK's verification on the message and on
 * a twin with one changed field. The contract agrees too (contracts/PushProofs.sol, deployed with the SDK
 * keys registered): for every message and twin its `preimage` view rebuilds the text the SDK signed, its
 * `pushMessageDigest` view is TypeScript's, and the verifier it proves BAD_SIGNATURE with
 * (`OpenPgpVerifier.check` over `sha256(preimage)`, exactly `provePushBadSignature`'s verdict) accepts the
 * signature exactly when the SDK does; for a few messages the proof itself is sent: it reverts with
 * `PushProofsNoFault` for the message and slashes for its twin.
 */

/** A message (or twin) whose contract verdict must be `signatureOk`, checked after the SDK run. */
interface ContractCase {
  label: string;
  body: Record<string, unknown>;
  signatureOk: boolean;
}

/**
 * Checks one case against the contract (views only): the preimage, the digest and the signature verdict.
 * Returns the attested struct for the proofs that are sent.
 */
async function contractAgrees(w: PushWorld, c: ContractCase, timestamp: bigint): Promise<void> {
  const m = decodePushMessage(c.body);
  const proof = await parseVerificationProof(m.verificationProof);
  const version: PushSigVersion = proof.version;
  const attested = pushAttestedMessageOf(
    m,
    version,
    addressOfDid(m.fromDID) ?? alice.address,
    addressOfDid(m.toDID) ?? bob.address,
    { timestamp, senderKey: alice.keyHash, recipientKey: m.encType === "pgp" ? bob.keyHash : null },
  );
  const [pre, digest] = await Promise.all([
    w.proofs.preimage(attested.body, attested.header.sigType),
    w.proofs.pushMessageDigest(attested.header, attested.body),
  ]);
  expect(pre, `${c.label}: the contract's preimage`).to.equal(hexlify(wtf8(pushPreimage(m, version))));
  expect(getBytes(pre).length, `${c.label}: preimageSize`).to.equal(attested.header.preimageSize);
  expect(digest, `${c.label}: the digest`).to.equal(pushMessageDigest(attested, w.domain));
  const [, status] = await w.verifier.check(sha256(pre), proof.signature, alice.publicKey);
  expect(status === 0n, `${c.label}: the contract's signature verdict (status ${status})`).to.equal(
    c.signatureOk,
  );
}

const RUNS = Math.max(200, Number(process.env.FUZZ_RUNS ?? 0));
/** A small preimage limit, so that generated contents fall on both sides of it. */
const LIMIT = 2048;

// The SDK's crypto-js instance: every SHA256 input is recorded (the SDK's own preimage strings).
const sdkDir = path.dirname(require.resolve("@pushprotocol/restapi/package.json"));
const cryptoJs = require(
  require.resolve("crypto-js", { paths: [path.join(sdkDir, "src/lib/chat/helpers")] }),
) as {
  SHA256: (input: unknown) => unknown;
};

const alice = profile("alice");
const bob = profile("bob");
const carol = profile("carol");
const dave = keylessWallets[0];
const aliceKey = getBytes(alice.publicKey);

const special = fc.constantFrom(
  '"',
  "\\",
  "\\u0022",
  "</script>",
  "\u0000",
  "\u0001",
  "\b",
  "\t",
  "\n",
  "\f",
  "\r",
  "\u001f",
  "\u007f",
  "\u2028",
  "\u2029",
  "\u{1F600}",
  "\u{1D11E}",
  "\u{10FFFF}",
  "\ud800",
  "\udfff",
  "'",
  "",
);
const mixed = fc
  .array(fc.oneof(special, fc.string({ unit: "binary", maxLength: 16 }), fc.string({ maxLength: 24 })), {
    maxLength: 12,
  })
  .map((parts) => parts.join(""));
const content = fc.oneof(
  { arbitrary: mixed, weight: 4 },
  {
    arbitrary: fc.tuple(mixed, fc.integer({ min: 900, max: 2100 })).map(([s, n]) => s + "z".repeat(n)),
    weight: 1,
  },
);
/** Contents the SDK can encrypt (its crypto-js UTF-8 encoder throws on a lone surrogate). */
const wellFormed = (s: string) =>
  !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

describe("Push SDK differential (generated contents, SDK-signed)", function () {
  this.timeout(1_200_000);
  const backend = new PushBackendStub();
  const lookup = pushLookup();
  let restore: () => void;
  let originalSha256: (input: unknown) => unknown;
  const hashed: string[] = [];
  let sender: SdkProfile;
  let warn: typeof console.warn;
  let w: PushWorld;
  /** Every SDK message and twin of the property, judged by the contract afterwards. */
  const cases: ContractCase[] = [];
  /** A few messages and one signed-field twin of each, proven with real transactions. */
  const proven: { label: string; body: Record<string, unknown>; twin: Record<string, unknown> }[] = [];

  before(async () => {
    w = await deployPushWorld();
    restore = backend.installAxiosAdapter();
    for (const p of profileVectors) backend.handle("POST", "/apis/v2/users/", p.body);
    originalSha256 = cryptoJs.SHA256;
    cryptoJs.SHA256 = (input: unknown) => {
      if (typeof input === "string") hashed.push(input);
      return originalSha256(input);
    };
    sender = {
      wallet: new Wallet(alice.walletPrivateKey),
      address: alice.address,
      body: alice.body,
      publicKeyArmored: alice.publicKeyArmored,
      privateKeyArmored: alice.privateKeyArmored,
    };
    warn = console.warn;
    console.warn = () => undefined; // the SDK warns on every keyless placeholder it posts
  });
  after(() => {
    cryptoJs.SHA256 = originalSha256;
    restore();
    console.warn = warn;
  });

  /** The last message preimage the SDK hashed since `from`. */
  const sdkPreimage = (from: number) => {
    const p = hashed.slice(from).filter((s) => s.startsWith('{"fromDID":'));
    expect(p, "the SDK hashed one message preimage").to.have.length(1);
    return p[0];
  };

  const ourSignatureOk = async (body: unknown) => {
    const m = decodePushMessage(body);
    const proof = await parseVerificationProof(m.verificationProof);
    return (await verifyPushSignature(pushSignedHex(m, proof.version), proof.signature, aliceKey)).ok;
  };

  it(`${RUNS} SDK messages: same preimage byte for byte, same verdict on the message and a twin`, async () => {
    let plaintexts = 0;
    let overLimit = 0;
    await fc.assert(
      fc.asyncProperty(content, fc.boolean(), fc.nat(), async (text, toKeyed, twinIndex) => {
        const keyed = toKeyed && wellFormed(text);
        const to = keyed ? bob.address : dave.address;
        const from = hashed.length;
        const body = await sdkSend(backend, sender, to, text);
        expect(body.encType).to.equal(keyed ? "pgp" : "PlainText");
        if (!keyed) plaintexts++;
        const preimage = pushPreimage(decodePushMessage(body), "pgpv3");
        expect(preimage).to.equal(sdkPreimage(from));
        if (!keyed) expect(preimage).to.contain(`"messageObj":{"content":${jsonString(text)}}`);

        const reader = keyed ? bob.privateKeyArmored : alice.privateKeyArmored;
        expect(await sdkVerifies(body, alice.publicKeyArmored, reader)).to.equal(true);
        const size = Buffer.byteLength(preimage, "utf8");
        const r = await validatePushMessage(body, { keys: lookup, params: { maxPreimageSize: LIMIT } });
        if (size <= LIMIT) {
          if (!r.ok) expect.fail(`${r.code} ${r.rule}: ${r.reason}`);
        } else {
          overLimit++;
          expect(r.ok ? "ok" : r.rule).to.equal("PREIMAGE_SIZE");
        }

        const twins = twinsOf(copyBody(body), "pgpv3", `eip155:${carol.address}`);
        const twin = twins[twinIndex % twins.length];
        const label = `message ${cases.length / 2} (${keyed ? "pgp" : "PlainText"}, ${size} bytes)`;
        cases.push({ label, body: copyBody(body), signatureOk: true });
        cases.push({ label: `${label}, twin ${twin.field}`, body: twin.body, signatureOk: twin.signatureOk });
        if (proven.filter((x) => (x.body.encType === "pgp") === keyed).length < 2) {
          const signedTwin = twins.find((x) => x.field === "messageType");
          if (!signedTwin) expect.fail("twinsOf has no messageType twin");
          proven.push({ label, body: copyBody(body), twin: signedTwin.body });
        }
        expect(
          await sdkVerifies(twin.body, alice.publicKeyArmored, reader),
          `${twin.field}: the SDK`,
        ).to.equal(twin.signatureOk);
        expect(await ourSignatureOk(twin.body), `${twin.field}: ours`).to.equal(twin.signatureOk);
        const t = await validatePushMessage(twin.body, { keys: lookup, params: { maxPreimageSize: LIMIT } });
        // the twin's own version: a pgpv2 preimage has no sessionKey member, 18 bytes shorter
        const twinVersion = String(twin.body.verificationProof).startsWith("pgpv2:") ? "pgpv2" : "pgpv3";
        const twinSize = Buffer.byteLength(pushPreimage(decodePushMessage(twin.body), twinVersion), "utf8");
        const sizeFirst = twinSize > LIMIT && !("code" in twin.expect && twin.expect.code === "MALFORMED");
        const want = sizeFirst ? { code: "MALFORMED", rule: "PREIMAGE_SIZE" } : twin.expect;
        expect(t.ok ? { ok: true } : { code: t.code, rule: t.rule }, twin.field).to.deep.equal(want);
      }),
      { numRuns: RUNS },
    );
    // The generator really reached both encryptions and both sides of the limit.
    expect(plaintexts).to.be.within(1, RUNS - 1);
    expect(overLimit).to.be.within(1, RUNS - 1);
  });

  it(`the contract agrees on the ${RUNS} messages and their twins: preimage, digest and signature verdict`, async () => {
    expect(cases).to.have.length(2 * RUNS);
    const t = await now();
    const BATCH = 16;
    for (let i = 0; i < cases.length; i += BATCH) {
      await Promise.all(cases.slice(i, i + BATCH).map((c) => contractAgrees(w, c, t)));
    }
    // Both verdicts occur among the twins (a changed signed field, and an unsigned one).
    const twinVerdicts = new Set(cases.filter((_, i) => i % 2 === 1).map((c) => c.signatureOk));
    expect([...twinVerdicts].sort()).to.deep.equal([false, true]);
  });

  it("provePushBadSignature reverts PushProofsNoFault for SDK messages and slashes for their signed-field twins", async () => {
    expect(proven).to.have.length(4);
    const node = await w.registerNode();
    for (const [i, p] of proven.entries()) {
      for (const [which, body] of [
        ["message", p.body],
        ["twin", p.twin],
      ] as const) {
        const m = decodePushMessage(body);
        const proof = await parseVerificationProof(m.verificationProof);
        const attested = pushAttestedMessageOf(m, proof.version, alice.address, addressOfDid(m.toDID)!, {
          timestamp: await now(),
          senderKey: alice.keyHash,
          recipientKey: m.encType === "pgp" ? bob.keyHash : null,
        });
        const pp = await attestPush(w, node, attested, proof.signature, { sequence: BigInt(2 * i + 1) });
        const send = () =>
          w.proofs.provePushBadSignature(...fullArgs(pp), pp.signature, alice.publicKey, pp.claim);
        if (which === "message") {
          await expect(send(), `${p.label}: the message`)
            .to.be.revertedWithCustomError(w.proofs, "PushProofsNoFault")
            .withArgs(4);
        } else {
          const before = await w.stakeOf(node.address);
          await expect(send(), `${p.label}: its messageType twin`).to.emit(w.slashing, "FaultProven");
          expect(await w.stakeOf(node.address), p.label).to.equal(before - before / 10n);
          expect(await w.slashing.isOffenceConsumed(pp.offenceId)).to.equal(true);
        }
      }
    }
  });

  it("the default preimage limit (64 KiB): an SDK message exactly at it passes, one byte more is MALFORMED", async () => {
    const empty = await sdkSend(backend, sender, dave.address, "");
    const overhead = Buffer.byteLength(pushPreimage(decodePushMessage(empty), "pgpv3"), "utf8");
    const at = await sdkSend(backend, sender, dave.address, "a".repeat(65536 - overhead));
    expect(Buffer.byteLength(pushPreimage(decodePushMessage(at), "pgpv3"), "utf8")).to.equal(65536);
    const ok = await validatePushMessage(at, { keys: lookup });
    expect(ok.ok, ok.ok ? "" : ok.reason).to.equal(true);
    await contractAgrees(w, { label: "64 KiB preimage", body: copyBody(at), signatureOk: true }, await now());
    const over = await sdkSend(backend, sender, dave.address, "a".repeat(65537 - overhead));
    expect(await sdkVerifies(over, alice.publicKeyArmored, alice.privateKeyArmored)).to.equal(true);
    const r = await validatePushMessage(over, { keys: lookup });
    expect(r.ok ? "ok" : `${r.code} ${r.rule}`).to.equal("MALFORMED PREIMAGE_SIZE");
  });

  it("the body limit: a body of exactly maxBodySize bytes passes, a limit one byte lower is MALFORMED BODY_SIZE", async () => {
    const body = await sdkSend(backend, sender, bob.address, "body size");
    const size = Buffer.byteLength(JSON.stringify(body), "utf8");
    const at = await validatePushMessage(body, { keys: lookup, params: { maxBodySize: size } });
    expect(at.ok, at.ok ? "" : at.reason).to.equal(true);
    const r = await validatePushMessage(body, { keys: lookup, params: { maxBodySize: size - 1 } });
    expect(r.ok ? "ok" : `${r.code} ${r.rule}`).to.equal("MALFORMED BODY_SIZE");
  });
});

describe("validatePushMessage: the body size bound", () => {
  it("is never below the bytes of the body's JSON text (any strings: quotes, controls, lone surrogates, astral)", () => {
    const text = fc.string({ unit: "binary", maxLength: 80 });
    const member = fc.oneof(text, fc.constant(null), fc.constant(undefined));
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: "binary", maxLength: 12 }), member), (m) => {
        const bound = bodySizeBound(m as never);
        expect(bound).to.not.equal(undefined);
        expect(bound!).to.be.at.least(Buffer.byteLength(JSON.stringify(m), "utf8"));
      }),
      { numRuns: 1000 },
    );
    // close to the worst case: a control character is 6 bytes in JSON, a key's too (the bound counts a comma
    // after each member)
    const ctl = { ["\u0001"]: "\u0001".repeat(10) };
    expect(bodySizeBound(ctl as never)).to.equal(Buffer.byteLength(JSON.stringify(ctl), "utf8") + 1);
    expect(bodySizeBound({ messageObj: { content: "x" } } as never)).to.equal(undefined);
    expect(bodySizeBound({ n: 1 } as never)).to.equal(undefined);
  });
});
