import { expect } from "chai";
import { Wallet, getBytes, keccak256, toUtf8Bytes } from "ethers";
import {
  CheckContextError,
  MAX_SIGNATURE_SIZE,
  MemoryKeyView,
  ZERO_BYTES32,
  checkMessage,
  withinStateLag,
  composeEnvelope,
  contentHashOf,
  decodeEnvelope,
  decodeSignedAttestation,
  decryptContent,
  encryptContent,
  messageDigest,
  parseEnvelope,
  signAttestation,
  signDigest,
  signatureHashOf,
  stringifyEnvelope,
} from "../../src/message";
import type { Attestation, CheckResult, Envelope } from "../../src/message";
import attestations from "../vectors/attestations.json";
import envelopes from "../vectors/envelopes.json";
import { USERS, vectorKey, vectorRegistry } from "./helpers";
import type { VectorKey } from "./helpers";

const T0 = 1735689600n;
const t = T0 + 7200n;

async function resign(e: Envelope, k: VectorKey): Promise<Envelope> {
  const signature = await signDigest(messageDigest(e), k.privateKey, { date: new Date(Number(t) * 1000) });
  return { ...e, signature };
}

function attest(e: Envelope, attestedAt: bigint, sequence = 1n): Attestation {
  return {
    digest: messageDigest(e),
    signatureHash: signatureHashOf(e.signature),
    signatureSize: e.signature.length,
    sequence,
    attestedAt,
  };
}

function fault(r: CheckResult): Exclude<CheckResult, { ok: true }> {
  if (r.ok) expect.fail("expected a fault");
  return r;
}

describe("checkMessage", () => {
  let alice: VectorKey, bob: VectorKey, dave: VectorKey;
  let keys: MemoryKeyView;
  before(async () => {
    [alice, bob, dave] = await Promise.all([vectorKey("p256"), vectorKey("rsa2048"), vectorKey("ed25519")]);
  });
  beforeEach(() => {
    keys = vectorRegistry();
  });

  describe("the committed envelope vectors (wave 1), judged under the client profile", () => {
    // Verdicts the client profile (docs/client-profile.md) changes: SHA-512 and signing-subkey signatures
    // are admitted; an Ed25519 signature fault is provable on chain.
    const WAVE2: Record<string, { expect: (typeof envelopes.cases)[number]["expect"]; reason: RegExp }> = {
      "valid-sha512": { expect: { ok: true, excused: [] }, reason: /^$/ },
      "valid-signing-subkey": { expect: { ok: true, excused: [] }, reason: /^$/ },
      "bad-signature-ed25519-text-over-raw": {
        expect: { ok: false, code: "BAD_SIGNATURE", rule: "SIGNATURE", provable: true, excused: [] },
        reason: /^profile: SIGNED_HASH_MISMATCH: /,
      },
      "bad-signature-corrupted-rsa": {
        expect: { ok: false, code: "BAD_SIGNATURE", rule: "SIGNATURE", provable: true, excused: [] },
        reason: /^crypto: BAD_SIGNATURE: the signature does not verify under the primary key 0x/,
      },
    };
    for (const c of envelopes.cases) {
      const want = WAVE2[c.name]?.expect ?? c.expect;
      it(`${c.name}: ${want.ok ? "ok" : `${want.code} ${want.rule}`}`, async () => {
        const e = decodeEnvelope(c.envelope);
        const a = decodeSignedAttestation(c.attestation);
        const r = await checkMessage(e, a, { keys });
        const got = r.ok
          ? { ok: true, excused: r.excused.map((f) => f.rule) }
          : {
              ok: false,
              code: r.code,
              rule: r.rule,
              provable: r.provable,
              excused: r.excused.map((f) => f.rule),
            };
        expect(got).to.deep.equal(want);
        if (!r.ok) {
          if (WAVE2[c.name]) expect(r.reason).to.match(WAVE2[c.name].reason);
          else expect(r.reason).to.equal(c.reason);
        }
      });
    }

    it("cover ok and every fault class, provable and not", () => {
      // Under the client profile every signature fault of these vectors is provable (openpgp.js-only
      // refusals, the non-provable kind, are tested in pgp.test.ts).
      const seen = new Set(
        envelopes.cases.map((c) => {
          const e = WAVE2[c.name]?.expect ?? c.expect;
          return e.ok ? "ok" : `${e.code}/${e.provable}`;
        }),
      );
      for (const k of [
        "ok",
        "MALFORMED/true",
        "MALFORMED/false",
        "UNAUTHORIZED_SENDER/true",
        "WRONG_ENCRYPTION/true",
        "BAD_SIGNATURE/true",
      ]) {
        expect(seen.has(k), k).to.equal(true);
      }
    });

    it("the encrypted vectors decrypt to their plaintext for the recipient and the sender", async () => {
      for (const c of envelopes.cases.filter((x) => x.recipient !== null && x.name.startsWith("valid"))) {
        const e = decodeEnvelope(c.envelope);
        for (const k of [c.recipient, c.sender]) {
          const key = await vectorKey(k as Parameters<typeof vectorKey>[0]);
          expect(Buffer.from(await decryptContent(e.content, key.privateKey)).toString()).to.equal(
            c.plaintext,
          );
        }
      }
    });
  });

  describe("as a node (no attestation yet)", () => {
    it("accepts what composeEnvelope builds: PGP to a keyed recipient, plaintext to one without a key", async () => {
      const pgp = await composeEnvelope({
        from: USERS.alice,
        to: USERS.bob,
        content: toUtf8Bytes("hello bob"),
        timestamp: t,
        senderPrivateKey: alice.privateKey,
        recipientPublicKey: bob.publicKey,
      });
      expect(pgp.encryption).to.equal(1);
      expect(pgp.recipientKey).to.equal(bob.keyHash);
      expect(await checkMessage(pgp, undefined, { keys, now: t + 5n })).to.deep.equal({
        ok: true,
        excused: [],
      });
      expect(Buffer.from(await decryptContent(pgp.content, bob.privateKey)).toString()).to.equal("hello bob");
      expect(parseEnvelope(stringifyEnvelope(pgp))).to.deep.equal(pgp);

      const plain = await composeEnvelope({
        from: USERS.dave,
        to: USERS.carol,
        content: toUtf8Bytes("hi carol"),
        timestamp: t,
        senderPrivateKey: dave.privateKey,
      });
      expect(plain.recipientKey).to.equal(ZERO_BYTES32);
      expect((await checkMessage(plain, undefined, { keys, now: t })).ok).to.equal(true);
    });

    it("checks the clock skew against ctx.now, both ways", async () => {
      const e = decodeEnvelope(envelopes.cases[0].envelope);
      expect((await checkMessage(e, undefined, { keys, now: t + 900n })).ok).to.equal(true);
      expect(fault(await checkMessage(e, undefined, { keys, now: t + 901n })).rule).to.equal("CLOCK_SKEW");
      expect(fault(await checkMessage(e, undefined, { keys, now: t - 901n })).rule).to.equal("CLOCK_SKEW");
      const r = fault(
        await checkMessage(e, undefined, { keys, now: t + 100n, params: { maxClockSkew: 99n } }),
      );
      expect(r.reason).to.match(/node's clock/);
    });

    it("does not apply the state-lag excuse: a node refuses a key revoked moments ago", async () => {
      const c = envelopes.cases.find((x) => x.name === "excused-state-lag")!;
      const e = decodeEnvelope(c.envelope);
      const r = fault(await checkMessage(e, undefined, { keys, now: e.timestamp }));
      expect(r.code).to.equal("UNAUTHORIZED_SENDER");
    });

    it("refuses a signature over MAX_SIGNATURE_SIZE bytes as MALFORMED, and takes one of exactly that size past the size rule", async () => {
      const e = decodeEnvelope(envelopes.cases[0].envelope);
      const pad = (n: number) => ({
        ...e,
        signature: Uint8Array.from([...e.signature, ...new Uint8Array(n)]),
      });
      const over = fault(
        await checkMessage(pad(MAX_SIGNATURE_SIZE + 1 - e.signature.length), undefined, { keys, now: t }),
      );
      expect([over.code, over.rule, over.provable]).to.deep.equal(["MALFORMED", "SIGNATURE_SIZE", true]);
      expect(over.reason).to.equal(
        `the signature is ${MAX_SIGNATURE_SIZE + 1} bytes, over the limit of 4096`,
      );
      const exact = fault(
        await checkMessage(pad(MAX_SIGNATURE_SIZE - e.signature.length), undefined, { keys, now: t }),
      );
      expect(exact.rule).to.equal("SIGNATURE"); // junk after the packet: the profile refuses it, not the size
    });

    it("honours the content size parameter", async () => {
      const e = decodeEnvelope(envelopes.cases[0].envelope);
      const r = fault(
        await checkMessage(e, undefined, { keys, now: t, params: { maxContentSize: e.contentSize - 1 } }),
      );
      expect([r.code, r.rule, r.provable]).to.deep.equal(["MALFORMED", "CONTENT_SIZE", true]);
    });
  });

  describe("precedence", () => {
    it("MALFORMED before UNAUTHORIZED_SENDER before WRONG_ENCRYPTION before BAD_SIGNATURE", async () => {
      const base = decodeEnvelope(envelopes.cases[0].envelope); // alice -> bob, PGP, valid
      const badSig = { ...base, signature: Uint8Array.from(base.signature).fill(0, 20) };
      const cases: Array<[Envelope, string]> = [
        [{ ...badSig, version: 2, senderKey: bob.keyHash, recipientKey: alice.keyHash }, "MALFORMED"],
        [{ ...badSig, senderKey: bob.keyHash, recipientKey: alice.keyHash }, "UNAUTHORIZED_SENDER"],
        [{ ...badSig, recipientKey: alice.keyHash }, "WRONG_ENCRYPTION"],
        [badSig, "BAD_SIGNATURE"],
      ];
      for (const [e, code] of cases) {
        expect(fault(await checkMessage(e, undefined, { keys, now: t })).code).to.equal(code);
      }
    });

    it("within MALFORMED: version, from, to, from == to, contentType, encryption, size, skew", async () => {
      const base = decodeEnvelope(envelopes.cases[0].envelope);
      const zero = "0x0000000000000000000000000000000000000000";
      const order: Array<[Partial<Envelope>, string]> = [
        [
          { version: 0, from: zero, to: zero, contentType: 9, encryption: 9, contentSize: 2 ** 31 },
          "VERSION",
        ],
        [{ from: zero, to: zero, contentType: 9 }, "FROM_ZERO"],
        [{ to: zero, contentType: 9 }, "TO_ZERO"],
        [{ to: base.from, contentType: 9 }, "FROM_EQUALS_TO"],
        [{ contentType: 5, encryption: 9, contentSize: 2 ** 31 }, "CONTENT_TYPE"],
        [{ encryption: 9, contentSize: 2 ** 31 }, "ENCRYPTION"],
        [{ contentSize: 2 ** 31, timestamp: 0n }, "CONTENT_SIZE"],
        [{ timestamp: 0n }, "CLOCK_SKEW"],
      ];
      for (const [edit, rule] of order) {
        expect(fault(await checkMessage({ ...base, ...edit }, undefined, { keys, now: t })).rule).to.equal(
          rule,
        );
      }
    });
  });

  describe("envelope consistency (not provable on chain)", () => {
    it("content size and hash must match the content", async () => {
      const e = decodeEnvelope(envelopes.cases[0].envelope);
      const longer = await resign({ ...e, contentSize: e.contentSize + 1 }, alice);
      const r1 = fault(await checkMessage(longer, undefined, { keys, now: t }));
      expect([r1.code, r1.rule, r1.provable]).to.deep.equal(["MALFORMED", "CONTENT_SIZE_MISMATCH", false]);
      const other = await resign({ ...e, contentHash: keccak256("0x00") }, alice);
      const r2 = fault(await checkMessage(other, undefined, { keys, now: t }));
      expect([r2.code, r2.rule, r2.provable]).to.deep.equal(["MALFORMED", "CONTENT_HASH_MISMATCH", false]);
    });

    it("plaintext carries a zero recipientKey", async () => {
      const e = await composeEnvelope({
        from: USERS.dave,
        to: USERS.carol,
        content: toUtf8Bytes("x"),
        timestamp: t,
        senderPrivateKey: dave.privateKey,
      });
      const withKey = await resign({ ...e, recipientKey: bob.keyHash }, dave);
      const r = fault(await checkMessage(withKey, undefined, { keys, now: t }));
      expect([r.code, r.rule, r.provable]).to.deep.equal(["MALFORMED", "PLAINTEXT_RECIPIENT_KEY", false]);
    });

    it("PGP content must be encrypted to the recipientKey", async () => {
      const e = await composeEnvelope({
        from: USERS.alice,
        to: USERS.bob,
        content: toUtf8Bytes("x"),
        timestamp: t,
        senderPrivateKey: alice.privateKey,
        recipientPublicKey: bob.publicKey,
      });
      const toDave = await encryptContent(toUtf8Bytes("x"), dave.publicKey, alice.publicKey);
      const swapped = await resign(
        { ...e, content: toDave, contentHash: contentHashOf(toDave), contentSize: toDave.length },
        alice,
      );
      const r = fault(await checkMessage(swapped, undefined, { keys, now: t }));
      expect([r.code, r.rule, r.provable]).to.deep.equal([
        "WRONG_ENCRYPTION",
        "NOT_ENCRYPTED_TO_RECIPIENT",
        false,
      ]);
    });
  });

  describe("state lag (with an attestation)", () => {
    it("excuses plaintext to a recipient whose key was added within the lag, not after it", async () => {
      const carolKey = (await vectorKey("ed25519")).publicKey;
      const e = await composeEnvelope({
        from: USERS.alice,
        to: USERS.carol,
        content: toUtf8Bytes("x"),
        timestamp: t,
        senderPrivateKey: alice.privateKey,
      });
      keys.addKey(USERS.carol, carolKey, t - 100n);
      const within = await checkMessage(e, attest(e, t + 10n), { keys });
      expect(within.ok).to.equal(true);
      expect(within.excused.map((f) => f.rule)).to.deep.equal(["PLAINTEXT_TO_KEYED_RECIPIENT"]);
      const after = fault(await checkMessage(e, attest(e, t + 600n), { keys }));
      expect([after.code, after.rule, after.provable]).to.deep.equal([
        "WRONG_ENCRYPTION",
        "PLAINTEXT_TO_KEYED_RECIPIENT",
        true,
      ]);
      const shorter = await checkMessage(e, attest(e, t + 200n), { keys, params: { stateLag: 60n } });
      expect(shorter.ok).to.equal(false);
    });

    it("excuses nothing for a change after the message timestamp: it does not change the answer", async () => {
      // A key revoked after the timestamp (and within the lag of attestedAt): plaintext to carol is
      // still a provable fault, because her key was added long before.
      const carolKey = (await vectorKey("ed25519")).publicKey;
      const e = await composeEnvelope({
        from: USERS.alice,
        to: USERS.carol,
        content: toUtf8Bytes("x"),
        timestamp: t,
        senderPrivateKey: alice.privateKey,
      });
      const h = keys.addKey(USERS.carol, carolKey, t - 86_400n);
      keys.revokeKey(USERS.carol, h, t + 5n);
      const plain = fault(await checkMessage(e, attest(e, t + 10n), { keys }));
      expect([plain.code, plain.rule, plain.provable]).to.deep.equal([
        "WRONG_ENCRYPTION",
        "PLAINTEXT_TO_KEYED_RECIPIENT",
        true,
      ]);
      // A sender key added after the timestamp (within the lag of attestedAt): unauthorized, provable.
      const fresh = new MemoryKeyView();
      fresh.addKey(USERS.alice, alice.publicKey, t + 30n);
      const early = fault(await checkMessage(e, attest(e, t + 60n), { keys: fresh }));
      expect([early.code, early.rule, early.provable]).to.deep.equal([
        "UNAUTHORIZED_SENDER",
        "SENDER_KEY_INACTIVE",
        true,
      ]);
      expect(withinStateLag({ addedAt: t + 30n, revokedAt: null }, t, t + 60n, 600n)).to.equal(false);
      expect(withinStateLag({ addedAt: t - 30n, revokedAt: null }, t, t + 60n, 600n)).to.equal(true);
      expect(withinStateLag({ addedAt: t - 9_000n, revokedAt: t }, t, t + 599n, 600n)).to.equal(true);
      expect(withinStateLag({ addedAt: t - 9_000n, revokedAt: t }, t, t + 600n, 600n)).to.equal(false);
    });

    it("excuses a sender key revoked after attestedAt but before the message timestamp", async () => {
      const e = decodeEnvelope(envelopes.cases[0].envelope); // timestamp t
      keys.revokeKey(USERS.alice, alice.keyHash, t - 30n);
      const r = await checkMessage(e, attest(e, t - 60n), { keys });
      expect(r.ok).to.equal(true);
      expect(r.excused.map((f) => f.code)).to.deep.equal(["UNAUTHORIZED_SENDER"]);
    });
  });

  describe("signature size (with an attestation)", () => {
    it("judges the attested signatureSize, not the bytes served: over the limit is MALFORMED", async () => {
      const e = decodeEnvelope(envelopes.cases[0].envelope);
      const a = { ...attest(e, t + 60n), signatureSize: MAX_SIGNATURE_SIZE + 1 };
      const r = fault(await checkMessage(e, a, { keys }));
      expect([r.code, r.rule, r.provable]).to.deep.equal(["MALFORMED", "SIGNATURE_SIZE", true]);
    });
    it("a signature whose length differs from signatureSize is a provable BAD_SIGNATURE, either way", async () => {
      const e = decodeEnvelope(envelopes.cases[0].envelope);
      for (const d of [-1, 1]) {
        const a = { ...attest(e, t + 60n), signatureSize: e.signature.length + d };
        const r = fault(await checkMessage(e, a, { keys }));
        expect([r.code, r.rule, r.provable]).to.deep.equal([
          "BAD_SIGNATURE",
          "SIGNATURE_SIZE_MISMATCH",
          true,
        ]);
      }
      expect((await checkMessage(e, attest(e, t + 60n), { keys })).ok).to.equal(true);
    });
  });

  describe("context errors", () => {
    it("refuses an attestation of another envelope", async () => {
      const e = decodeEnvelope(envelopes.cases[0].envelope);
      const other = decodeSignedAttestation(envelopes.cases[1].attestation);
      let err: unknown;
      await checkMessage(e, other, { keys }).catch((x: unknown) => (err = x));
      expect(err).to.be.instanceOf(CheckContextError);
    });

    it("refuses a key view without the bytes of an active key, or with wrong bytes", async () => {
      const e = decodeEnvelope(envelopes.cases[0].envelope);
      const missing = vectorRegistry();
      missing.publicKeyBytes = async () => null;
      let err: unknown;
      await checkMessage(e, undefined, { keys: missing, now: t }).catch((x: unknown) => (err = x));
      expect(err).to.be.instanceOf(CheckContextError);
      const wrong = vectorRegistry();
      wrong.publicKeyBytes = async () => bob.publicKey;
      err = undefined;
      await checkMessage(e, undefined, { keys: wrong, now: t }).catch((x: unknown) => (err = x));
      expect(err).to.be.instanceOf(CheckContextError);
    });
  });

  it("a real node flow: check, attest, and a watcher re-checks the same verdict", async () => {
    const node = new Wallet(
      envelopes.cases[0].attestation.signature.length
        ? (await import("../vectors/attestations.json")).nodePrivateKey
        : "",
    );
    const domain = { chainId: 31337n, verifyingContract: envelopes.verifyingContract };
    const e = await composeEnvelope({
      from: USERS.bob,
      to: USERS.alice,
      content: toUtf8Bytes("ping"),
      timestamp: t,
      senderPrivateKey: bob.privateKey,
      recipientPublicKey: alice.publicKey,
    });
    expect((await checkMessage(e, undefined, { keys, now: t + 2n })).ok).to.equal(true);
    const signed = await signAttestation(node, attest(e, t + 2n, 42n), domain);
    const again = parseEnvelope(stringifyEnvelope(e));
    expect(await checkMessage(again, signed, { keys })).to.deep.equal({ ok: true, excused: [] });
    expect(getBytes(signed.digest)).to.have.length(32);
  });
});
