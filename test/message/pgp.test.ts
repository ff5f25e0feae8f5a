import { expect } from "chai";
import { createHash } from "node:crypto";
import * as openpgp from "openpgp";
import { getBytes, keccak256 } from "ethers";
import {
  P256_N,
  SignatureProfileError,
  craftKeyWithBinding,
  checkDigestSignature,
  craftSignature,
  creationTimeSubpacket,
  digestHexText,
  isHighS,
  issuerFingerprintSubpacket,
  issuerKeyIdSubpacket,
  keyHashOf,
  lowS,
  notationSubpacket,
  parsePrimaryKey,
  parseSignaturePacket,
  signDigest,
  signedHash,
  verifyDigestSignature,
  verifyRawSignature,
} from "../../src/message";
import type { PrimaryKey, ProfileViolationCode, SignatureVerdict, Subpacket } from "../../src/message";
import { concatBytes, packetHeader, uint32be } from "../../src/message/pgp-packets";
import keys from "../vectors/keys.json";
import signatures from "../vectors/signatures.json";
import { generate, vectorKey } from "./helpers";
import type { KeyName, VectorKey } from "./helpers";

const digest = getBytes(keccak256("0x1234"));

function failure(v: SignatureVerdict): { stage: string; code?: ProfileViolationCode; reason: string } {
  if (v.ok) expect.fail("expected the signature to be refused");
  return v;
}

describe("OpenPGP signature profile (docs/client-profile.md section 2)", () => {
  for (const kind of ["p256", "rsa2048", "ed25519"] as const) {
    describe(`${kind} keys (freshly generated)`, () => {
      let key: Awaited<ReturnType<typeof generate>>;
      let other: Awaited<ReturnType<typeof generate>>;
      before(async () => {
        [key, other] = await Promise.all([generate(kind), generate(kind)]);
      });

      it("signDigest makes a one-packet v4 binary signature by the primary key that verifies", async () => {
        const sig = await signDigest(digest, key.privateKey);
        expect(sig[0]).to.equal(0xc2);
        const p = parseSignaturePacket(sig);
        expect([p.version, p.signatureType]).to.deep.equal([4, 0]);
        expect([8, 9, 10]).to.include(p.hashAlgorithm);
        const primary = parsePrimaryKey(key.publicKey);
        expect(p.publicKeyAlgorithm).to.equal(primary.algorithm);
        expect(p.issuerFingerprints).to.deep.equal([primary.fingerprint]);
        expect(primary.fingerprint).to.equal("0x" + key.privateKey.getFingerprint());
        const v = await verifyDigestSignature(digest, sig, key.publicKey);
        if (!v.ok) expect.fail(v.reason);
        expect([v.form, v.signer.subkey]).to.deep.equal(["raw", false]);
      });

      it("the hashed layout reproduces the signed hash the contract computes", async () => {
        const sig = craftSignature(digest, key.privateKey);
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

      it("is refused over another digest (SIGNED_HASH_MISMATCH), under another key and corrupted (BAD_SIGNATURE)", async () => {
        const sig = await signDigest(digest, key.privateKey);
        const otherDigest = failure(
          await verifyDigestSignature(getBytes(keccak256("0x99")), sig, key.publicKey),
        );
        expect([otherDigest.stage, otherDigest.code]).to.deep.equal(["profile", "SIGNED_HASH_MISMATCH"]);
        // no signing subkey: the arithmetic comes before the issuer check
        const wrongKey = failure(await verifyDigestSignature(digest, sig, other.publicKey));
        expect([wrongKey.stage, wrongKey.code]).to.deep.equal(["crypto", "BAD_SIGNATURE"]);
        const bad = Uint8Array.from(sig);
        bad[bad.length - 2] ^= 0x10;
        const corrupted = failure(await verifyDigestSignature(digest, bad, key.publicKey));
        expect([corrupted.stage, corrupted.code]).to.deep.equal(["crypto", "BAD_SIGNATURE"]);
      });

      for (const hashAlgorithm of [8, 9, 10]) {
        it(`admits hash ${hashAlgorithm}, binary over the raw digest and over its hex, text over the hex`, async () => {
          const hex = digestHexText(digest);
          const cases: Array<[Uint8Array, number, string]> = [
            [digest, 0, "raw"],
            [hex, 0, "hex"],
            [hex, 1, "hex"],
          ];
          for (const [data, signatureType, form] of cases) {
            const sig = craftSignature(data, key.privateKey, { hashAlgorithm, signatureType });
            const v = await verifyDigestSignature(digest, sig, key.publicKey);
            if (!v.ok) expect.fail(`type ${signatureType} ${form}: ${v.reason}`);
            expect(v.form).to.equal(form);
          }
          // a text signature over the raw bytes covers no allowed form
          const textRaw = craftSignature(digest, key.privateKey, { hashAlgorithm, signatureType: 1 });
          expect(failure(await verifyDigestSignature(digest, textRaw, key.publicKey)).code).to.equal(
            "SIGNED_HASH_MISMATCH",
          );
        });
      }

      it("admits old-format headers (88, 89, 8A) and MPIs with leading zero octets", async () => {
        for (const header of kind === "rsa2048" ? ([1, 2] as const) : ([0, 1, 2] as const)) {
          const sig = craftSignature(digest, key.privateKey, { header });
          expect(sig[0]).to.equal(0x88 + header);
          expect(
            (await verifyDigestSignature(digest, sig, key.publicKey)).ok,
            `length type ${header}`,
          ).to.equal(true);
        }
        if (kind !== "ed25519") {
          // The profile reads MPIs with extra leading zero octets; openpgp.js 6 refuses an MPI longer than
          // its field ("Input array too long"), so the node refuses it (stage "openpgp", not provable).
          const padded = craftSignature(digest, key.privateKey, { mpiPadding: 1 });
          const m = checkDigestSignature(digest, padded, parsePrimaryKey(key.publicKey));
          expect(m.form).to.equal("raw");
          const v = failure(await verifyDigestSignature(digest, padded, key.publicKey));
          expect(v.stage).to.equal("openpgp");
        }
        const two = Uint8Array.from([...craftSignature(digest, key.privateKey), 0x00]);
        expect(failure(await verifyDigestSignature(digest, two, key.publicKey)).code).to.equal(
          "TRAILING_DATA",
        );
      });
    });
  }

  describe("EdDSA legacy keys (algorithm 22, openpgp.js 6's default)", () => {
    let legacy: openpgp.PrivateKey;
    let legacyPublic: Uint8Array;
    before(async () => {
      legacy = (await openpgp.generateKey({ userIDs: [{ name: "legacy" }], format: "object" })).privateKey;
      legacyPublic = legacy.toPublic().write();
      expect(legacy.keyPacket.algorithm).to.equal(22);
    });

    it("signDigest signs and the profile admits it", async () => {
      const sig = await signDigest(digest, legacy);
      const v = await verifyDigestSignature(digest, sig, legacyPublic);
      if (!v.ok) expect.fail(v.reason);
      expect(v.signature.publicKeyAlgorithm).to.equal(22);
    });

    it("reads r and s as MPIs (leading zeros allowed, at most 32 significant octets)", async () => {
      for (const hashAlgorithm of [8, 10]) {
        const sig = craftSignature(digest, legacy, { hashAlgorithm, mpiPadding: 2 });
        expect(checkDigestSignature(digest, sig, parsePrimaryKey(legacyPublic)).form).to.equal("raw");
        expect(failure(await verifyDigestSignature(digest, sig, legacyPublic)).stage).to.equal("openpgp");
      }
      const good = parseSignaturePacket(craftSignature(digest, legacy));
      const body = good.packet.subarray(good.bodyOffset);
      const valuesAt =
        good.hashedPart.length +
        2 +
        body[good.hashedPart.length] * 256 +
        body[good.hashedPart.length + 1] +
        2;
      // r of 33 significant octets
      const long = concatBytes([
        body.subarray(0, valuesAt),
        Uint8Array.of(0x01, 0x08, 0x01),
        new Uint8Array(32).fill(7),
        Uint8Array.of(0x00, 0x08, 0x01),
      ]);
      const packet = concatBytes([Uint8Array.of(0xc2, long.length), long]);
      expect(failure(await verifyDigestSignature(digest, packet, legacyPublic)).code).to.equal("MPI");
    });

    it("a 27 signature against a 22 key is ALGORITHM_MISMATCH, and the other way round", async () => {
      const modern = await generate("ed25519");
      const sig27 = craftSignature(digest, modern.privateKey);
      expect(failure(await verifyDigestSignature(digest, sig27, legacyPublic)).code).to.equal(
        "ALGORITHM_MISMATCH",
      );
      const sig22 = craftSignature(digest, legacy);
      expect(failure(await verifyDigestSignature(digest, sig22, modern.publicKey)).code).to.equal(
        "ALGORITHM_MISMATCH",
      );
    });
  });

  describe("every verdict, in the spec's order (a P-256 key without subkeys)", () => {
    let k: VectorKey;
    let primary: PrimaryKey;
    let created: number;
    const sp = (type: number, body: Uint8Array, critical = false): Subpacket => ({ type, critical, body });
    const code = async (sig: Uint8Array, key: Uint8Array = k.publicKey) =>
      (await verifyDigestSignature(digest, sig, key)) as SignatureVerdict;
    const expectCode = async (sig: Uint8Array, c: ProfileViolationCode | "OK", key?: Uint8Array) => {
      const v = await code(sig, key);
      if (c === "OK") {
        if (!v.ok) expect.fail(v.reason);
      } else {
        expect(v.ok ? "OK" : v.code).to.equal(c);
      }
    };
    before(async () => {
      k = await vectorKey("p256");
      primary = parsePrimaryKey(k.publicKey);
      created = primary.created + 100;
    });
    const std = () => [
      creationTimeSubpacket(created),
      issuerKeyIdSubpacket(primary.keyId),
      issuerFingerprintSubpacket(primary.fingerprint),
    ];

    it("rule 1: EMPTY, PACKET_TAG, PACKET_LENGTH, TRAILING_DATA", async () => {
      const sig = craftSignature(digest, k.privateKey, { created });
      await expectCode(new Uint8Array(), "EMPTY");
      await expectCode(Uint8Array.from([0xc3, ...sig.subarray(1)]), "PACKET_TAG");
      await expectCode(Uint8Array.from([0x84, ...sig.subarray(1)]), "PACKET_TAG");
      await expectCode(Uint8Array.from([0x8b, ...sig.subarray(1)]), "PACKET_LENGTH");
      await expectCode(Uint8Array.of(0xc2, 0xe1, 0, 0), "PACKET_LENGTH"); // partial
      await expectCode(Uint8Array.of(0xc2), "PACKET_LENGTH");
      await expectCode(Uint8Array.of(0x89, 0), "PACKET_LENGTH");
      await expectCode(sig.subarray(0, sig.length - 1), "PACKET_LENGTH");
      await expectCode(Uint8Array.of(0xc2, 5, 4, 0, 19, 8, 0), "PACKET_LENGTH");
      await expectCode(Uint8Array.from([...sig, 0xc2]), "TRAILING_DATA");
      // five-octet length of a small body: no minimality rule any more
      const body = sig.subarray(2);
      await expectCode(concatBytes([Uint8Array.of(0xc2, 0xff, 0, 0, 0, body.length), body]), "OK");
    });

    it("rule 2: VERSION, SIGNATURE_TYPE, PUBLIC_KEY_ALGORITHM, HASH_ALGORITHM, in that order", async () => {
      await expectCode(
        craftSignature(digest, k.privateKey, { created, version: 3, signatureType: 2 }),
        "VERSION",
      );
      await expectCode(
        craftSignature(digest, k.privateKey, { created, signatureType: 2, hashAlgorithm: 11 }),
        "SIGNATURE_TYPE",
      );
      await expectCode(
        craftSignature(digest, k.privateKey, { created, publicKeyAlgorithm: 17, hashAlgorithm: 11 }),
        "PUBLIC_KEY_ALGORITHM",
      );
      await expectCode(
        craftSignature(digest, k.privateKey, { created, hashAlgorithm: 11 }),
        "HASH_ALGORITHM",
      );
      await expectCode(craftSignature(digest, k.privateKey, { created, hashAlgorithm: 2 }), "HASH_ALGORITHM");
    });

    it("rule 3: framing and sizes are SUBPACKETS, critical bits SUBPACKET_NOT_ALLOWED (first in order)", async () => {
      const hashed = (list: Subpacket[]) =>
        craftSignature(digest, k.privateKey, { created, hashedSubpackets: list });
      await expectCode(hashed([...std(), sp(2, Uint8Array.of(1, 2, 3))]), "SUBPACKETS");
      await expectCode(hashed([...std(), sp(16, new Uint8Array(7))]), "SUBPACKETS");
      await expectCode(hashed([...std(), sp(20, Uint8Array.of(0x80), true)]), "SUBPACKET_NOT_ALLOWED");
      // the first bad subpacket names the verdict
      await expectCode(
        hashed([...std(), sp(20, Uint8Array.of(0x80), true), sp(16, new Uint8Array(7))]),
        "SUBPACKET_NOT_ALLOWED",
      );
      await expectCode(
        hashed([...std(), sp(16, new Uint8Array(7)), sp(20, Uint8Array.of(0x80), true)]),
        "SUBPACKETS",
      );
      // any non-critical type, critical 2, 3, 16, 33
      await expectCode(
        hashed([
          ...std(),
          sp(3, uint32be(3600), true),
          notationSubpacket("salt@x", new Uint8Array(16)),
          sp(27, Uint8Array.of(3)),
          sp(99, new Uint8Array(0)),
        ]),
        "OK",
      );
      await expectCode(
        hashed([
          { ...creationTimeSubpacket(created), critical: true },
          { ...issuerFingerprintSubpacket(primary.fingerprint), critical: true },
        ]),
        "OK",
      );
      // unhashed area: same critical rule, an unhashed creation time is ignored (any size)
      const unhashed = (list: Subpacket[]) =>
        craftSignature(digest, k.privateKey, { created, unhashedSubpackets: list });
      await expectCode(unhashed([sp(27, Uint8Array.of(1), true)]), "SUBPACKET_NOT_ALLOWED");
      await expectCode(unhashed([sp(2, Uint8Array.of(1))]), "OK");
      await expectCode(unhashed([sp(16, new Uint8Array(9))]), "SUBPACKETS");
      // framing: a subpacket running past its area
      const sig = craftSignature(digest, k.privateKey, { created });
      const bad = Uint8Array.from(sig);
      bad[2 + 6] = 0x30; // first hashed subpacket length
      await expectCode(bad, "SUBPACKETS");
    });

    it("rules 4 and 5: CREATION_TIME (hashed, exactly one), ISSUER_MISSING (either area)", async () => {
      const hashed = (list: Subpacket[], unhashed: Subpacket[] = []) =>
        craftSignature(digest, k.privateKey, {
          created,
          hashedSubpackets: list,
          unhashedSubpackets: unhashed,
        });
      await expectCode(hashed([issuerKeyIdSubpacket(primary.keyId)]), "CREATION_TIME");
      await expectCode(
        hashed([issuerKeyIdSubpacket(primary.keyId)], [creationTimeSubpacket(created)]),
        "CREATION_TIME",
      );
      await expectCode(
        hashed([creationTimeSubpacket(created), creationTimeSubpacket(created)]),
        "CREATION_TIME",
      );
      await expectCode(hashed([creationTimeSubpacket(created)]), "ISSUER_MISSING");
      await expectCode(hashed([creationTimeSubpacket(created)], [issuerKeyIdSubpacket(primary.keyId)]), "OK");
      // a type 33 that names no v4 key is an issuer (rule 5) that names no key (rule 7, last here)
      await expectCode(
        hashed([creationTimeSubpacket(created), sp(33, Uint8Array.of(5, 1, 2))]),
        "ISSUER_MISMATCH",
      );
    });

    it("rule 6: MPI (ECDSA range, left-over bytes), RSA s longer than the modulus", async () => {
      const sig = craftSignature(digest, k.privateKey, { created });
      await expectCode(Uint8Array.from([sig[0], sig[1] + 1, ...sig.subarray(2), 0]), "MPI");
      const p = parseSignaturePacket(sig);
      const valuesAt = p.packet.length - (sig.length - (2 + p.hashedPart.length + 2 + 0 + 2));
      const zeroR = concatBytes([
        sig.subarray(0, valuesAt),
        Uint8Array.of(0, 0),
        sig.subarray(valuesAt + 2 + 32),
      ]);
      zeroR[1] = zeroR.length - 2;
      await expectCode(zeroR, "MPI");
      const n = Buffer.from(P256_N.toString(16), "hex");
      const bigR = concatBytes([
        sig.subarray(0, valuesAt),
        Uint8Array.of(1, 0),
        n,
        sig.subarray(valuesAt + 2 + 32),
      ]);
      bigR[1] = bigR.length - 2;
      await expectCode(bigR, "MPI");
      const rsa = await vectorKey("rsa2048");
      const rsaSig = craftSignature(digest, rsa.privateKey);
      const rp = parseSignaturePacket(rsaSig);
      const at = rsaSig.length - 258;
      const longS = concatBytes([
        rsaSig.subarray(0, at),
        Uint8Array.of(0x08, 0x08, 1),
        rsaSig.subarray(at + 2),
      ]);
      const hdr = packetHeader(2, longS.length - rp.bodyOffset);
      const longPacket = concatBytes([hdr, longS.subarray(rp.bodyOffset)]);
      await expectCode(longPacket, "MPI", rsa.publicKey);
    });

    it("rules 8-11 and the issuer last: ALGORITHM_MISMATCH, KEY_NEWER_THAN_SIGNATURE, SIGNED_HASH_MISMATCH, BAD_SIGNATURE, ISSUER_MISMATCH", async () => {
      const rsa = await vectorKey("rsa2048");
      await expectCode(
        craftSignature(digest, k.privateKey, { created }),
        "ALGORITHM_MISMATCH",
        rsa.publicKey,
      );
      const early = primary.created - 1;
      await expectCode(craftSignature(digest, k.privateKey, { created: early }), "KEY_NEWER_THAN_SIGNATURE");
      await expectCode(
        craftSignature(digest, k.privateKey, { created, left16: Uint8Array.of(0, 0) }),
        "SIGNED_HASH_MISMATCH",
      );
      const sig = craftSignature(digest, k.privateKey, { created });
      const bad = Uint8Array.from(sig);
      bad[bad.length - 1] ^= 1;
      await expectCode(bad, "BAD_SIGNATURE");
      const otherIssuer = [creationTimeSubpacket(created), issuerKeyIdSubpacket("0x0102030405060708")];
      await expectCode(
        craftSignature(digest, k.privateKey, { created, hashedSubpackets: otherIssuer }),
        "ISSUER_MISMATCH",
      );
      // the issuer comes last: a bad signature naming another key is BAD_SIGNATURE, an early one KEY_NEWER
      const badOther = craftSignature(digest, k.privateKey, { created, hashedSubpackets: otherIssuer });
      badOther[badOther.length - 1] ^= 1;
      await expectCode(badOther, "BAD_SIGNATURE");
      const earlyOther = [creationTimeSubpacket(early), issuerKeyIdSubpacket("0x0102030405060708")];
      await expectCode(
        craftSignature(digest, k.privateKey, { created: early, hashedSubpackets: earlyOther }),
        "KEY_NEWER_THAN_SIGNATURE",
      );
    });
  });

  describe("signing subkeys (rule 7)", () => {
    let key: openpgp.PrivateKey;
    let pub: Uint8Array;
    let parsed: PrimaryKey;
    before(async () => {
      key = (
        await openpgp.generateKey({
          type: "ecc",
          curve: "nistP256",
          userIDs: [{ name: "sub" }],
          subkeys: [{}, { sign: true }],
          format: "object",
          date: new Date(1_700_000_000_000),
        })
      ).privateKey;
      pub = key.toPublic().write();
      parsed = parsePrimaryKey(pub);
    });

    it("finds the signing subkey (not the encryption one) and admits its signatures", async () => {
      expect(parsed.signingKeys.map((s) => s.subkey)).to.deep.equal([false, true]);
      expect(parsed.signingKeys[1].fingerprint).to.equal("0x" + key.getSubkeys()[1].getFingerprint());
      const byOpenpgp = (await openpgp.sign({
        message: await openpgp.createMessage({ binary: digest }),
        signingKeys: key,
        detached: true,
        format: "binary",
      })) as Uint8Array;
      const v = await verifyDigestSignature(digest, byOpenpgp, pub);
      if (!v.ok) expect.fail(v.reason);
      expect(v.signer.fingerprint).to.equal(parsed.signingKeys[1].fingerprint);
      const crafted = craftSignature(digest, key, { subkeyIndex: 1, hashAlgorithm: 9 });
      expect((await verifyDigestSignature(digest, crafted, pub)).ok).to.equal(true);
      // the primary key signs too
      expect((await verifyDigestSignature(digest, craftSignature(digest, key), pub)).ok).to.equal(true);
    });

    it("issuers must all name one candidate: otherwise ISSUER_MISMATCH, before any other key rule", async () => {
      const sub = parsed.signingKeys[1];
      const mixed = [
        creationTimeSubpacket(1_700_000_100),
        issuerKeyIdSubpacket(parsed.keyId),
        issuerFingerprintSubpacket(sub.fingerprint),
      ];
      const sig = craftSignature(digest, key, { subkeyIndex: 1, hashedSubpackets: mixed });
      expect(failure(await verifyDigestSignature(digest, sig, pub)).code).to.equal("ISSUER_MISMATCH");
      // the encryption subkey is not a candidate
      const enc = "0x" + key.getSubkeys()[0].getKeyID().toHex();
      const byEnc = craftSignature(digest, key, {
        subkeyIndex: 1,
        hashedSubpackets: [creationTimeSubpacket(1_700_000_100), issuerKeyIdSubpacket(enc)],
      });
      expect(failure(await verifyDigestSignature(digest, byEnc, pub)).code).to.equal("ISSUER_MISMATCH");
      // with signing subkeys, the issuer check comes before the creation time
      const early = craftSignature(digest, key, {
        subkeyIndex: 1,
        created: 1,
        hashedSubpackets: [creationTimeSubpacket(1), issuerKeyIdSubpacket(enc)],
      });
      expect(failure(await verifyDigestSignature(digest, early, pub)).code).to.equal("ISSUER_MISMATCH");
      // key ID in the unhashed area only (gpg's layout)
      const gpgLayout = craftSignature(digest, key, {
        subkeyIndex: 1,
        hashedSubpackets: [creationTimeSubpacket(1_700_000_100), issuerFingerprintSubpacket(sub.fingerprint)],
        unhashedSubpackets: [issuerKeyIdSubpacket(sub.keyId)],
      });
      expect((await verifyDigestSignature(digest, gpgLayout, pub)).ok).to.equal(true);
    });

    it("the subkey signer's own algorithm and creation time decide rules 8 and 9", async () => {
      const sub = parsed.signingKeys[1];
      const sig = craftSignature(digest, key, {
        subkeyIndex: 1,
        created: sub.created - 1,
        hashedSubpackets: [
          creationTimeSubpacket(sub.created - 1),
          issuerFingerprintSubpacket(sub.fingerprint),
        ],
      });
      expect(failure(await verifyDigestSignature(digest, sig, pub)).code).to.equal(
        "KEY_NEWER_THAN_SIGNATURE",
      );
      const bad = craftSignature(digest, key, { subkeyIndex: 1 });
      bad[bad.length - 1] ^= 1;
      expect(failure(await verifyDigestSignature(digest, bad, pub)).code).to.equal("BAD_SIGNATURE");
    });

    it("a signature by a subkey whose binding is broken is refused with the key (KEY stage)", async () => {
      const broken = craftKeyWithBinding(key, 1, { corruptBackSignature: true });
      const v = failure(
        await verifyDigestSignature(digest, craftSignature(digest, key, { subkeyIndex: 1 }), broken),
      );
      expect(v.stage).to.equal("key");
      expect(v.reason).to.match(/OpenPgpKeyBadSubkeyBinding/);
      // a subkey bound without the sign flag is no candidate
      const encOnly = craftKeyWithBinding(key, 1, { keyFlags: 0x0c });
      const w = failure(
        await verifyDigestSignature(digest, craftSignature(digest, key, { subkeyIndex: 1 }), encOnly),
      );
      expect([w.stage, w.code]).to.deep.equal(["crypto", "BAD_SIGNATURE"]);
    });
  });

  describe("what openpgp.js 5 and 6 make with their defaults passes the profile", () => {
    const hex = Buffer.from(digest).toString("hex");
    type Lib = typeof openpgp;
    const libs: Array<[string, Lib]> = [
      ["openpgp.js 6", openpgp],
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      ["openpgp.js 5", require("openpgp5") as Lib],
    ];
    for (const [libName, lib] of libs) {
      for (const [keyName, opts] of [
        ["RSA-2048", { type: "rsa", rsaBits: 2048 }],
        ["P-256", { type: "ecc", curve: libName === "openpgp.js 5" ? "p256" : "nistP256" }],
        ["curve25519 (default)", {}],
      ]) {
        it(`${libName}, ${keyName}: binary raw, binary hex, text hex; primary and signing subkey`, async () => {
          for (const subkeys of [undefined, [{}, { sign: true }]]) {
            const { privateKey } = await lib.generateKey({
              ...(opts as object),
              userIDs: [{ name: "x" }],
              ...(subkeys ? { subkeys } : {}),
              format: "object",
            } as Parameters<Lib["generateKey"]>[0] & { format: "object" });
            const pubBytes = privateKey.toPublic().write();
            const messages = [
              await lib.createMessage({ binary: digest }),
              await lib.createMessage({ binary: Buffer.from(hex, "ascii") }),
              await lib.createMessage({ text: hex }),
            ];
            for (const [i, message] of messages.entries()) {
              const sig = (await lib.sign({
                message: message as openpgp.Message<Uint8Array>,
                signingKeys: privateKey,
                detached: true,
                format: "binary",
              } as Parameters<Lib["sign"]>[0])) as unknown as Uint8Array;
              const v = await verifyDigestSignature(digest, sig, pubBytes);
              if (!v.ok) expect.fail(`message form ${i}, subkeys ${subkeys !== undefined}: ${v.reason}`);
              expect(v.signer.subkey).to.equal(subkeys !== undefined);
            }
          }
        });
      }
    }
  });

  it("never throws, whatever the bytes; a flipped bit is refused unless openpgp.js accepts it too", async () => {
    const k = await vectorKey("p256");
    const sig = await signDigest(digest, k.privateKey);
    const pgpKey = await openpgp.readKey({ binaryKey: k.publicKey });
    for (let i = 0; i < sig.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const bad = Uint8Array.from(sig);
        bad[i] ^= 1 << bit;
        const v = await verifyDigestSignature(digest, bad, k.publicKey);
        if (v.ok) {
          // only an MPI bit count that keeps its octet count (openpgp.js reads MPIs so)
          const r = await openpgp.verify({
            message: await openpgp.createMessage({ binary: digest }),
            signature: await openpgp.readSignature({ binarySignature: bad }),
            verificationKeys: pgpKey,
            date: new Date(v.signature.created * 1000),
          });
          expect(await r.signatures[0].verified, `byte ${i} bit ${bit}`).to.equal(true);
        }
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

  it("refuses keys outside the profile: RSA-1024, P-384, secret-key packets, no bytes", async () => {
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
      [rsa1024.privateKey.toPublic().write(), /below 2048/],
      [p384.privateKey.toPublic().write(), /other than NIST P-256/],
      [p384.privateKey.write(), /secret key packet/],
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

  describe("the committed signature vectors (wave 1), judged under the client profile", () => {
    // The verdicts the client profile changes (docs/client-profile.md section 2); every other vector keeps
    // the verdict it was committed with.
    const WAVE2: Record<string, { ok: true } | { stage: string; code: ProfileViolationCode }> = {
      "p256-sha512": { ok: true },
      "rsa2048-sha512": { ok: true },
      "rsa3072-sha512": { ok: true },
      "ed25519-sha512": { ok: true },
      "p256-sha512-openpgp-default": { ok: true },
      // type 0x01 over the raw digest bytes: the text form is the hex of the digest
      "p256-type-text": { stage: "profile", code: "SIGNED_HASH_MISMATCH" },
      "rsa2048-type-text": { stage: "profile", code: "SIGNED_HASH_MISMATCH" },
      "rsa3072-type-text": { stage: "profile", code: "SIGNED_HASH_MISMATCH" },
      "ed25519-type-text": { stage: "profile", code: "SIGNED_HASH_MISMATCH" },
      "p256Subkey-subkey-signature": { ok: true },
      // no signing subkey: the issuer is checked after the arithmetic
      "p256-wrong-key": { stage: "crypto", code: "BAD_SIGNATURE" },
      "p256-old-format": { ok: true },
      "p256-no-issuer": { ok: true }, // its issuer is in the unhashed area
      "p256-expiration-subpacket": { ok: true },
      "rsa2048-non-canonical-mpi": { ok: true },
    };
    for (const v of signatures.signatures) {
      const want =
        WAVE2[v.name] ??
        (v.expect.ok
          ? { ok: true as const }
          : {
              stage: v.expect.stage as string,
              code: (v.expect.code ?? "BAD_SIGNATURE") as ProfileViolationCode,
            });
      it(`${v.name}: ${"ok" in want ? "valid" : `${want.stage} ${want.code}`}`, async () => {
        const key = keys.keys[v.key as KeyName];
        const sig = getBytes(v.signature);
        const d = getBytes(v.digest);
        const verdict = await verifyDigestSignature(d, sig, getBytes(key.publicKey));
        if ("ok" in want) {
          if (!verdict.ok) expect.fail(verdict.reason);
        } else {
          if (verdict.ok) expect.fail("expected a refusal");
          expect([verdict.stage, verdict.code]).to.deep.equal([want.stage, want.code]);
        }
        expect(keccak256(sig)).to.equal(v.signatureHash);
        if (v.parsed && v.expect.ok) {
          const p = parseSignaturePacket(sig);
          // the signing key the issuer names (the primary key, or a signing subkey)
          const { signer } = checkDigestSignature(d, sig, parsePrimaryKey(getBytes(key.publicKey)));
          expect(verifyRawSignature(p, signer, d)).to.equal(true);
          expect(p.created).to.equal(v.parsed.created);
          expect(Buffer.from(p.hashedPart).toString("hex")).to.equal(v.parsed.hashedPart.slice(2));
          expect(Buffer.from(signedHash(d, p)).toString("hex")).to.equal(v.parsed.signedHash.slice(2));
        }
      });
    }
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
        expect(p.signingKeys[0].fingerprint).to.equal(p.fingerprint);
      });
    }
  });
});
