import { expect } from "chai";
import fc from "fast-check";
import { getBytes } from "ethers";
import * as openpgp from "openpgp";
import { MemoryKeyView } from "../../src/message";
import {
  parseVerificationProof,
  pushKeyLookupOf,
  pushSignedHex,
  validatePushMessage,
} from "../../src/message/push";
import type { PushValidateResult } from "../../src/message/push";
import { openpgpKeyOf } from "../../src/message/key-cache";
import { openpgpVerdictKnownPlain } from "../../src/message/push/openpgp-agreement";
import {
  dearmorCanonical,
  keyReadingNow,
  plainEncryptionKeyIds,
  plainSignature,
  setOpenpgpReadings,
} from "../../src/message/push/openpgp-readings";
import {
  copyBody,
  messageVectors,
  profile,
  profileVectors,
  pushLookup,
  twinsOf,
} from "../message/push-fixtures";

/**
 * openpgp-readings.ts answers what validatePushMessage asks openpgp.js, without openpgp.js, for inputs in the
 * SDK's plain form. Each answer must be openpgp.js's own (checked here on the SDK vectors and on random
 * mutations of them), validatePushMessage must give the same result with and without the readings, and the
 * readings must decide the SDK's messages (else the node pays for openpgp.js again).
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

const pgpVectors = messageVectors.filter((m) => m.encType === "pgp");
const armorOf = (m: (typeof messageVectors)[number]) =>
  (m.body as { verificationProof: string }).verificationProof.split(":")[1];
const secretOf = (m: (typeof messageVectors)[number]) =>
  (m.body as { encryptedSecret: string }).encryptedSecret;

async function unarmorOrNull(text: string): Promise<{ type: number; data: Uint8Array } | null> {
  try {
    const u = (await openpgp.unarmor(text)) as { type: number; data: unknown };
    return u.data instanceof Uint8Array ? { type: u.type, data: u.data } : null;
  } catch {
    return null;
  }
}

async function encryptionIdsOrNull(bytes: Uint8Array): Promise<string[] | null> {
  try {
    const m = await openpgp.readMessage({ binaryMessage: bytes });
    return m.getEncryptionKeyIDs().map((id) => "0x" + id.toHex());
  } catch {
    return null;
  }
}

/** A mutation of a string: replace, insert or delete one character (from armor-relevant ones). */
const textMutation = fc.record({
  at: fc.nat(),
  op: fc.constantFrom("replace", "insert", "delete"),
  ch: fc.constantFrom("A", "z", "0", "+", "/", "=", "\n", "\r", " ", "-", ":", "\t"),
});
function mutateText(s: string, m: { at: number; op: string; ch: string }): string {
  const i = m.at % (s.length + 1);
  if (m.op === "insert") return s.slice(0, i) + m.ch + s.slice(i);
  const j = Math.min(i, s.length - 1);
  return s.slice(0, j) + (m.op === "replace" ? m.ch : "") + s.slice(j + 1);
}

/** A mutation of bytes: set one byte, or truncate, or append one. */
const byteMutation = fc.record({
  at: fc.nat(),
  op: fc.constantFrom("set", "set", "set", "cut", "add"),
  v: fc.nat(255),
});
function mutateBytes(b: Uint8Array, m: { at: number; op: string; v: number }): Uint8Array {
  const out = Uint8Array.from(b);
  const i = m.at % b.length;
  if (m.op === "cut") return out.subarray(0, i);
  if (m.op === "add") return Uint8Array.from([...out, m.v]);
  out[i] = m.v;
  return out;
}

/**
 * Runs `check` on RUNS * 5 byte mutations of `inputs`; `check` returns whether the reading answered (rather than
 * declining). Returns how many answered: a property whose reading always declined would prove nothing.
 */
async function onMutatedBytes(
  inputs: Uint8Array[],
  check: (bytes: Uint8Array) => Promise<boolean>,
): Promise<number> {
  let answered = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.nat(inputs.length - 1),
      fc.array(byteMutation, { minLength: 1, maxLength: 2 }),
      async (k, ms) => {
        if (await check(ms.reduce(mutateBytes, inputs[k]))) answered++;
      },
    ),
    { numRuns: RUNS * 5 },
  );
  return answered;
}

describe("openpgp.js's readings without openpgp.js (openpgp-readings.ts)", function () {
  this.timeout(300_000);

  describe("armor: dearmorCanonical gives openpgp.unarmor's bytes", function () {
    it("reads every SDK signature and encryptedSecret armor, as openpgp.js does", async function () {
      for (const m of messageVectors) {
        const sig = dearmorCanonical(armorOf(m), "SIGNATURE");
        expect(sig, m.name).to.not.equal(undefined);
        expect(Buffer.from(sig!)).to.deep.equal(Buffer.from((await unarmorOrNull(armorOf(m)))!.data));
      }
      for (const m of pgpVectors) {
        const msg = dearmorCanonical(secretOf(m), "MESSAGE");
        expect(msg, m.name).to.not.equal(undefined);
        expect(Buffer.from(msg!)).to.deep.equal(Buffer.from((await unarmorOrNull(secretOf(m)))!.data));
      }
    });

    it("reads what openpgp.armor writes, for any bytes", async function () {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 400 }), async (data) => {
          const text = openpgp.armor(openpgp.enums.armor.message, data);
          expect(Buffer.from(dearmorCanonical(text, "MESSAGE")!)).to.deep.equal(Buffer.from(data));
          expect(dearmorCanonical(text, "SIGNATURE")).to.equal(undefined);
        }),
        { numRuns: RUNS },
      );
    });

    it("on a mutated armor, answers only with openpgp.unarmor's bytes (and refuses a bad CRC-24)", async function () {
      const texts = [...messageVectors.map(armorOf), ...pgpVectors.map(secretOf)];
      let answered = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.nat(texts.length - 1),
          fc.array(textMutation, { minLength: 1, maxLength: 3 }),
          async (k, ms) => {
            const text = ms.reduce(mutateText, texts[k]);
            const kind = text.includes("SIGNATURE") ? "SIGNATURE" : "MESSAGE";
            const fast = dearmorCanonical(text, kind);
            if (fast === undefined) return;
            answered++;
            const slow = await unarmorOrNull(text);
            expect(slow, "openpgp.js reads it too").to.not.equal(null);
            expect(slow!.type).to.equal(
              kind === "SIGNATURE" ? openpgp.enums.armor.signature : openpgp.enums.armor.message,
            );
            expect(Buffer.from(fast)).to.deep.equal(Buffer.from(slow!.data));
          },
        ),
        { numRuns: RUNS * 5 },
      );
      expect(answered, "some mutations (e.g. a changed base64 line) stay readable").to.be.greaterThan(0);
    });
  });

  describe("signature: plainSignature reads the issuer openpgp.js reads", function () {
    it("reads every SDK signature (RSA, creation time and issuers only)", async function () {
      for (const m of messageVectors) {
        const bytes = dearmorCanonical(armorOf(m), "SIGNATURE")!;
        const plain = plainSignature(bytes);
        expect(plain, m.name).to.not.equal(undefined);
        const sig = await openpgp.readSignature({ binarySignature: bytes });
        expect([plain!.issuerKeyId]).to.deep.equal(sig.getSigningKeyIDs().map((id) => id.toHex()));
      }
    });

    it("declines a signature with any other subpacket, hashed or unhashed (openpgp.js then reads it)", async function () {
      const sig = dearmorCanonical(armorOf(messageVectors[0]), "SIGNATURE")!;
      expect(sig[0]).to.equal(0xc2);
      expect(sig[1]).to.be.within(192, 223); // a two-octet length, as the SDK writes it
      /** The packet with `sub` (a whole subpacket) appended to the hashed or unhashed area. */
      const withSubpacket = (area: "hashed" | "unhashed", sub: number[]): Uint8Array => {
        const body = Array.from(sig.subarray(3));
        const hashedLen = (body[4] << 8) | body[5];
        const lenAt = area === "hashed" ? 4 : 6 + hashedLen;
        const areaLen = (body[lenAt] << 8) | body[lenAt + 1];
        body.splice(lenAt + 2 + areaLen, 0, ...sub); // at the end of the area
        body[lenAt] = (areaLen + sub.length) >> 8;
        body[lenAt + 1] = (areaLen + sub.length) & 0xff;
        const n = body.length - 192;
        return Uint8Array.from([0xc2, (n >> 8) + 192, n & 0xff, ...body]);
      };
      const expiration = [5, 3, 0, 0, 0x0e, 0x10]; // signature expiration time: 3,600 s
      const notation = [12, 20, 0x80, 0, 0, 0, 0, 1, 0, 2, 0x61, 0x62, 0x63]; // human-readable notation a = "bc"
      for (const [area, sub] of [
        ["unhashed", expiration],
        ["hashed", expiration],
        ["unhashed", notation],
      ] as const) {
        const bytes = withSubpacket(area, [...sub]);
        expect(plainSignature(sig), "the vector itself").to.not.equal(undefined);
        expect(plainSignature(bytes), `${area} subpacket ${sub[1]}`).to.equal(undefined);
        // still a well-formed packet that openpgp.js reads
        expect((await openpgp.readSignature({ binarySignature: bytes })).packets.length).to.equal(1);
      }
    });

    it("on mutated signature bytes, answers only with openpgp.js's issuer and value size", async function () {
      const sigs = messageVectors.map((m) => dearmorCanonical(armorOf(m), "SIGNATURE")!);
      const answered = await onMutatedBytes(sigs, async (bytes) => {
        const plain = plainSignature(bytes);
        if (plain === undefined) return false;
        const sig = await openpgp.readSignature({ binarySignature: bytes });
        expect(sig.packets.length).to.equal(1);
        expect([plain.issuerKeyId]).to.deep.equal(sig.getSigningKeyIDs().map((id) => id.toHex()));
        const params = await (sig.packets[0] as unknown as { params: Promise<{ s: Uint8Array }> }).params;
        expect(plain.rsaValueLength).to.equal(params.s.length);
        expect(plain.parsed.created * 1000).to.equal(sig.packets[0].created!.getTime());
        expect(sig.packets[0].getExpirationTime()).to.equal(Infinity);
        return true;
      });
      expect(answered, "mutations of the RSA value keep the plain form").to.be.greaterThan(0);
    });
  });

  describe("encryptedSecret: plainEncryptionKeyIds lists openpgp.js's key IDs", function () {
    it("reads every SDK encryptedSecret", async function () {
      for (const m of pgpVectors) {
        const bytes = dearmorCanonical(secretOf(m), "MESSAGE")!;
        const ids = plainEncryptionKeyIds(bytes);
        expect(ids, m.name).to.not.equal(undefined);
        expect(ids).to.deep.equal(await encryptionIdsOrNull(bytes));
      }
    });

    it("on mutated message bytes, answers only with openpgp.js's key IDs", async function () {
      const msgs = pgpVectors.map((m) => dearmorCanonical(secretOf(m), "MESSAGE")!);
      const answered = await onMutatedBytes(msgs, async (bytes) => {
        const ids = plainEncryptionKeyIds(bytes);
        if (ids === undefined) return false;
        expect(ids).to.deep.equal(await encryptionIdsOrNull(bytes));
        return true;
      });
      expect(answered, "mutations inside the packets keep the plain form").to.be.greaterThan(0);
    });
  });

  describe("validatePushMessage with and without the readings", function () {
    async function both(body: unknown, keys = pushLookup(), now?: Date): Promise<PushValidateResult> {
      const was = setOpenpgpReadings(false);
      let slow: PushValidateResult;
      try {
        slow = await validatePushMessage(copyBody(body as object), { keys, now });
      } finally {
        setOpenpgpReadings(was);
      }
      const fast = await validatePushMessage(copyBody(body as object), { keys, now });
      expect(fast).to.deep.equal(slow);
      return fast;
    }

    it("the same result on every vector and each of its twins", async function () {
      const carol = profile("carol");
      for (const m of messageVectors) {
        expect((await both(m.body)).ok, m.name).to.equal(true);
        for (const t of twinsOf(copyBody(m.body), m.version, `eip155:${carol.address}`)) await both(t.body);
      }
    });

    it("the same result on bodies whose proof or encryptedSecret was mutated", async function () {
      await fc.assert(
        fc.asyncProperty(
          fc.nat(pgpVectors.length - 1),
          fc.boolean(),
          fc.array(textMutation, { minLength: 1, maxLength: 2 }),
          async (k, proof, ms) => {
            const body = copyBody(pgpVectors[k].body);
            if (proof) body.verificationProof = ms.reduce(mutateText, body.verificationProof as string);
            else body.encryptedSecret = ms.reduce(mutateText, body.encryptedSecret as string);
            await both(body);
          },
        ),
        { numRuns: RUNS * 2 },
      );
    });

    it("the same result for a plain-form signature by a key that expires, and after its expiry", async function () {
      const created = new Date(Date.now() - 10 * 86_400_000);
      const { privateKey, publicKey } = await openpgp.generateKey({
        type: "rsa",
        rsaBits: 2048,
        userIDs: [{ name: "expiring" }],
        date: created,
        keyExpirationTime: 5 * 86_400,
        format: "object",
      });
      const alice = profile("alice");
      const view = new MemoryKeyView();
      view.addKey(alice.address, publicKey.write(), 1n); // the recipient of the plaintext vector has no key
      const keys = pushKeyLookupOf(view, 2n);
      const vector = messageVectors.find((m) => m.name === "pgpv3-plaintext-ascii")!;
      expect(vector.from).to.equal(alice.address);
      const body = copyBody(vector.body);
      let signed = 0;
      for (const signedAt of [new Date(created.getTime() + 86_400_000), new Date()]) {
        const signature = (await openpgp
          .sign({
            message: await openpgp.createMessage({ text: pushSignedHex(body as never, "pgpv3") }),
            signingKeys: privateKey,
            detached: true,
            date: signedAt,
            // no salt notation (openpgp.js 6's default for v4 signatures): the SDK's plain form
            config: { nonDeterministicSignaturesViaNotation: false },
          })
          .catch(() => null)) as string | null;
        if (signature === null) continue; // openpgp.js will not sign with the expired key
        signed++;
        body.verificationProof = "pgpv3:" + signature;
        expect(
          plainSignature((await parseVerificationProof(body.verificationProof as string)).signature),
        ).to.not.equal(undefined);
        await both(body, keys);
        expect((await both(body, keys, new Date(created.getTime() + 2 * 86_400_000))).ok).to.equal(true);
      }
      expect(signed).to.equal(1);
    });

    it("decides the SDK's messages without openpgp.js once their keys have been read", async function () {
      const keys = pushLookup();
      for (const m of messageVectors) {
        expect((await validatePushMessage(copyBody(m.body), { keys })).ok).to.equal(true);
        const bytes = dearmorCanonical(armorOf(m), "SIGNATURE")!;
        const plain = plainSignature(bytes)!;
        const sender = profileVectors.find((p) => p.address === m.from)!;
        const reading = keyReadingNow(getBytes(sender.publicKey));
        expect(reading, `${m.name}: the sender's key has been read`).to.not.equal(undefined);
        expect(reading!.key).to.equal(await openpgpKeyOf(getBytes(sender.publicKey)));
        const signer = `0x${plain.issuerKeyId}`;
        const at = new Date(Date.now() + 86_400_000);
        expect(openpgpVerdictKnownPlain(plain, reading!, signer, at), m.name).to.equal(true);
        if (m.encType === "pgp")
          expect(plainEncryptionKeyIds(dearmorCanonical(secretOf(m), "MESSAGE")!)).to.not.equal(undefined);
      }
    });
  });
});
