import { expect } from "chai";
import { createHash } from "node:crypto";
import * as openpgp from "openpgp";
import { getBytes, keccak256 } from "ethers";
import {
  P256_N,
  SignatureProfileError,
  checkSignatureAgainstKey,
  craftSignature,
  isHighS,
  keyHashOf,
  lowS,
  parsePrimaryKey,
  parseSignaturePacket,
  signDigest,
  signedHash,
  verifyDigestSignature,
  verifyRawSignature,
} from "../../src/message";
import type { ProfileViolationCode, SignatureVerdict } from "../../src/message";
import keys from "../vectors/keys.json";
import signatures from "../vectors/signatures.json";
import { generate, vectorKey } from "./helpers";
import type { KeyName } from "./helpers";

const digest = getBytes(keccak256("0x1234"));

function failure(v: SignatureVerdict): { stage: string; code?: ProfileViolationCode; reason: string } {
  if (v.ok) expect.fail("expected the signature to be refused");
  return v;
}

describe("OpenPGP strict signature profile", () => {
  for (const kind of ["p256", "rsa2048", "ed25519"] as const) {
    describe(`${kind} keys (freshly generated)`, () => {
      let key: Awaited<ReturnType<typeof generate>>;
      let other: Awaited<ReturnType<typeof generate>>;
      before(async () => {
        [key, other] = await Promise.all([generate(kind), generate(kind)]);
      });

      it("signDigest makes a one-packet v4 binary SHA-256 signature by the primary key that verifies", async () => {
        const sig = await signDigest(digest, key.privateKey);
        expect(sig[0]).to.equal(0xc2);
        const p = parseSignaturePacket(sig);
        expect([p.version, p.signatureType, p.hashAlgorithm]).to.deep.equal([4, 0, 8]);
        const primary = parsePrimaryKey(key.publicKey);
        expect(p.publicKeyAlgorithm).to.equal(primary.algorithm);
        expect(p.issuerFingerprints).to.deep.equal([primary.fingerprint]);
        expect(primary.fingerprint).to.equal("0x" + key.privateKey.getFingerprint());
        const v = await verifyDigestSignature(digest, sig, key.publicKey);
        expect(v.ok).to.equal(true);
      });

      it("the hashed layout reproduces the signed hash the contract computes", async () => {
        const sig = await signDigest(digest, key.privateKey);
        const p = parseSignaturePacket(sig);
        const len = p.hashedPart.length;
        expect(Buffer.from(p.trailer).toString("hex")).to.equal("04ff" + len.toString(16).padStart(8, "0"));
        expect(Buffer.from(p.hashedPart.subarray(0, 4))).to.deep.equal(
          Buffer.from([4, 0, p.publicKeyAlgorithm, 8]),
        );
        const h = createHash("sha256").update(digest).update(p.hashedPart).update(p.trailer).digest();
        expect(Buffer.from(signedHash(digest, p))).to.deep.equal(h);
        expect(Buffer.from(p.left16)).to.deep.equal(h.subarray(0, 2));
        expect(verifyRawSignature(p, parsePrimaryKey(key.publicKey), digest)).to.equal(true);
      });

      it("is refused over another digest, under another key, and when corrupted", async () => {
        const sig = await signDigest(digest, key.privateKey);
        expect(
          failure(await verifyDigestSignature(getBytes(keccak256("0x99")), sig, key.publicKey)).stage,
        ).to.equal("profile");
        const wrongKey = failure(await verifyDigestSignature(digest, sig, other.publicKey));
        expect(wrongKey.code).to.equal("ISSUER_MISMATCH");
        const bad = Uint8Array.from(sig);
        bad[bad.length - 2] ^= 0x10;
        expect(failure(await verifyDigestSignature(digest, bad, key.publicKey)).stage).to.equal("crypto");
      });

      it("refuses SHA-512, type 0x01, two packets, each with its reason", async () => {
        const sha512 = craftSignature(digest, key.privateKey, { hashAlgorithm: 10 });
        expect(failure(await verifyDigestSignature(digest, sha512, key.publicKey)).code).to.equal(
          "HASH_ALGORITHM",
        );
        const text = craftSignature(digest, key.privateKey, { signatureType: 1 });
        expect(failure(await verifyDigestSignature(digest, text, key.publicKey)).code).to.equal(
          "SIGNATURE_TYPE",
        );
        const one = await signDigest(digest, key.privateKey);
        const two = Uint8Array.from([...one, ...one]);
        expect(failure(await verifyDigestSignature(digest, two, key.publicKey)).code).to.equal(
          "TRAILING_DATA",
        );
      });
    });
  }

  it("openpgp.js's default config signs P-256 with SHA-512, which the profile refuses", async () => {
    const { privateKey, publicKey } = await generate("p256");
    const sig = (await openpgp.sign({
      message: await openpgp.createMessage({ binary: digest }),
      signingKeys: privateKey,
      detached: true,
      format: "binary",
    })) as Uint8Array;
    expect(failure(await verifyDigestSignature(digest, sig, publicKey)).code).to.equal("HASH_ALGORITHM");
  });

  it("signDigest signs with the primary key even when the key has a signing subkey", async () => {
    const k = await vectorKey("p256Subkey");
    const sig = await signDigest(digest, k.privateKey);
    expect(parseSignaturePacket(sig).issuerFingerprints).to.deep.equal([
      keys.keys.p256Subkey.primary.fingerprint,
    ]);
    expect((await verifyDigestSignature(digest, sig, k.publicKey)).ok).to.equal(true);
    // what openpgp.js does without signingKeyIDs: the subkey signs, and the profile refuses it
    const bySubkey = (await openpgp.sign({
      message: await openpgp.createMessage({ binary: digest }),
      signingKeys: k.privateKey,
      detached: true,
      format: "binary",
      config: { preferredHashAlgorithm: openpgp.enums.hash.sha256 },
    })) as Uint8Array;
    expect(failure(await verifyDigestSignature(digest, bySubkey, k.publicKey)).code).to.equal(
      "ISSUER_MISMATCH",
    );
  });

  it("signDigest refuses an EdDSA-legacy key (openpgp.js signs it with SHA-512 regardless)", async () => {
    const { privateKey } = await openpgp.generateKey({
      type: "ecc",
      curve: "curve25519Legacy",
      userIDs: [{ name: "legacy" }],
      format: "object",
    });
    let err: unknown;
    await signDigest(digest, privateKey).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(SignatureProfileError);
  });

  it("refuses keys outside the profile: legacy EdDSA, RSA-1024, secret-key packets", async () => {
    const legacy = await openpgp.generateKey({
      type: "ecc",
      curve: "curve25519Legacy",
      userIDs: [{ name: "l" }],
      format: "object",
    });
    const rsa1024 = await openpgp.generateKey({
      type: "rsa",
      rsaBits: 1024,
      userIDs: [{ name: "r" }],
      format: "object",
      config: { minRSABits: 1024 },
    });
    const p384 = await openpgp.generateKey({
      type: "ecc",
      curve: "nistP384",
      userIDs: [{ name: "p" }],
      format: "object",
    });
    const cases: Array<[Uint8Array, RegExp]> = [
      [legacy.privateKey.toPublic().write(), /algorithm 22 is outside the profile/],
      [rsa1024.privateKey.toPublic().write(), /below 2048/],
      [p384.privateKey.toPublic().write(), /other than NIST P-256/],
      [legacy.privateKey.write(), /public key packet/],
      [new Uint8Array(), /no key bytes/],
    ];
    for (const [bytes, re] of cases) {
      expect(() => parsePrimaryKey(bytes)).to.throw(SignatureProfileError, re);
      const v = failure(await verifyDigestSignature(digest, new Uint8Array([0xc2, 0]), bytes));
      expect(v.stage).to.equal("key");
    }
  });

  it("reports an openpgp.js-only refusal (expired key) as stage 'openpgp', not as a profile or crypto failure", async () => {
    const created = new Date(1_700_000_000_000);
    const { privateKey } = await openpgp.generateKey({
      type: "ecc",
      curve: "nistP256",
      userIDs: [{ name: "e" }],
      date: created,
      keyExpirationTime: 60,
      format: "object",
    });
    const sig = craftSignature(digest, privateKey, { created: 1_700_000_000 + 3600 });
    const v = failure(await verifyDigestSignature(digest, sig, privateKey.toPublic().write()));
    expect(v.stage).to.equal("openpgp");
    expect(v.reason).to.match(/expired/i);
  });

  it("never throws, whatever the bytes (random, truncated, every bit flipped)", async () => {
    const k = await vectorKey("p256");
    const sig = await signDigest(digest, k.privateKey);
    for (let i = 0; i < sig.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const bad = Uint8Array.from(sig);
        bad[i] ^= 1 << bit;
        const v = await verifyDigestSignature(digest, bad, k.publicKey);
        expect(v.ok, `byte ${i} bit ${bit}`).to.equal(false);
      }
      expect((await verifyDigestSignature(digest, sig.subarray(0, i), k.publicKey)).ok).to.equal(false);
    }
    for (let i = 0; i < 200; i++) {
      const junk = Uint8Array.from({ length: i * 3 }, () => Math.floor(Math.random() * 256));
      if (i % 2) junk[0] = 0xc2;
      expect((await verifyDigestSignature(digest, junk, k.publicKey)).ok).to.equal(false);
      expect((await verifyDigestSignature(digest, sig, junk)).ok).to.equal(false);
    }
    expect(failure(await verifyDigestSignature(new Uint8Array(31), sig, k.publicKey)).stage).to.equal(
      "input",
    );
    expect(failure(await verifyDigestSignature("0xzz", sig, k.publicKey)).stage).to.equal("input");
  });

  describe("high and low s (P-256)", () => {
    it("both verify; the contract's low-s form verifies too", async () => {
      const k = await vectorKey("p256");
      const primary = parsePrimaryKey(k.publicKey);
      for (const highS of [true, false]) {
        const sig = craftSignature(digest, k.privateKey, { highS });
        const p = parseSignaturePacket(sig);
        if (p.values.kind !== "ecdsa") expect.fail("not ECDSA");
        expect(isHighS(p.values.s)).to.equal(highS);
        const low = BigInt("0x" + Buffer.from(lowS(p.values.s)).toString("hex"));
        expect(low <= P256_N / 2n).to.equal(true);
        const v = await verifyDigestSignature(digest, sig, k.publicKey);
        expect(v.ok && v.highS).to.equal(highS);
        expect(verifyRawSignature(p, primary, digest)).to.equal(true);
      }
    });
  });

  describe("the committed signature vectors", () => {
    for (const v of signatures.signatures) {
      it(`${v.name}: ${v.expect.ok ? "valid" : `${v.expect.stage} ${v.expect.code ?? ""}`}`, async () => {
        const key = keys.keys[v.key as KeyName];
        const sig = getBytes(v.signature);
        const d = getBytes(v.digest);
        const verdict = await verifyDigestSignature(d, sig, getBytes(key.publicKey));
        expect(verdict.ok).to.equal(v.expect.ok);
        if (!verdict.ok) {
          expect(verdict.stage).to.equal(v.expect.stage);
          expect(verdict.code).to.equal(v.expect.code);
          expect(verdict.reason).to.equal(v.reason);
        }
        expect(keccak256(sig)).to.equal(v.signatureHash);
        if (v.parsed) {
          const p = parseSignaturePacket(sig);
          // the contract's arithmetic agrees with openpgp.js on every signature that passes the profile
          const math = verifyRawSignature(p, parsePrimaryKey(getBytes(key.publicKey)), d);
          if (v.expect.ok) expect(math).to.equal(true);
          if (v.expect.stage === "crypto") expect(math).to.equal(false);
          expect(p.created).to.equal(v.parsed.created);
          expect(Buffer.from(p.hashedPart).toString("hex")).to.equal(v.parsed.hashedPart.slice(2));
          expect(Buffer.from(signedHash(d, p)).toString("hex")).to.equal(v.parsed.signedHash.slice(2));
        }
        if (
          v.expect.code &&
          ["PACKET_TAG", "TRAILING_DATA", "VERSION", "SIGNATURE_TYPE", "HASH_ALGORITHM"].includes(
            v.expect.code,
          )
        ) {
          // key-independent rules fire in the parser alone
          expect(() => parseSignaturePacket(sig)).to.throw(SignatureProfileError, v.expect.code);
        }
        if (v.expect.code === "ISSUER_MISMATCH" || v.expect.code === "SIGNED_HASH_MISMATCH") {
          const p = parseSignaturePacket(sig);
          expect(() => checkSignatureAgainstKey(p, parsePrimaryKey(getBytes(key.publicKey)), d)).to.throw(
            SignatureProfileError,
            v.expect.code,
          );
        }
      });
    }

    it("cover every profile rule a message signature can break", () => {
      const codes = new Set(signatures.signatures.map((s) => s.expect.code).filter(Boolean));
      for (const c of [
        "EMPTY",
        "PACKET_TAG",
        "TRAILING_DATA",
        "VERSION",
        "SIGNATURE_TYPE",
        "HASH_ALGORITHM",
        "SUBPACKET_NOT_ALLOWED",
        "ISSUER_MISSING",
        "ISSUER_MISMATCH",
        "MPI",
        "KEY_NEWER_THAN_SIGNATURE",
        "SIGNED_HASH_MISMATCH",
      ]) {
        expect(codes.has(c), c).to.equal(true);
      }
    });
  });

  describe("primary key parser", () => {
    for (const [name, k] of Object.entries(keys.keys)) {
      it(`reads ${name} as the contract will`, async () => {
        const bytes = getBytes(k.publicKey);
        const p = parsePrimaryKey(bytes);
        expect(keyHashOf(bytes)).to.equal(k.keyHash);
        expect(p.fingerprint).to.equal(k.primary.fingerprint);
        expect(p.keyId).to.equal(k.primary.keyId);
        expect(p.algorithm).to.equal(k.primary.algorithm);
        expect(p.created).to.equal(keys.keyCreated);
        const pgp = await openpgp.readKey({ binaryKey: bytes });
        expect(p.fingerprint).to.equal("0x" + pgp.getFingerprint());
        expect(p.keyId).to.equal("0x" + pgp.getKeyID().toHex());
        expect(bytes[0]).to.equal(0xc6);
      });
    }
  });
});
