import { expect } from "chai";
import * as openpgp from "openpgp";
import { KeyProfileError, checkKeyProfile, listPackets, type KeyProfileErrorName } from "../../src/keys";
import { craftKeyWithBinding, toOldFormat } from "../../src/message";
import { concatBytes, makeKey } from "./fixtures";

// The key profile of docs/client-profile.md section 1, as checkKeyProfile applies it (the contract's
// verdict, error name for error name).

function refusal(bytes: Uint8Array): { error: KeyProfileErrorName; args: ReadonlyArray<bigint | string> } {
  try {
    checkKeyProfile(bytes);
  } catch (e) {
    expect(e).to.be.instanceOf(KeyProfileError);
    return { error: (e as KeyProfileError).error, args: (e as KeyProfileError).args };
  }
  return expect.fail("expected the key to be refused");
}

/** Offset of the `n`th packet with tag `tag`. */
function packetOffset(bytes: Uint8Array, tag: number, n = 0): number {
  return listPackets(bytes).filter((p) => p.tag === tag)[n].offset;
}

describe("key profile (checkKeyProfile): client profile rules", () => {
  let p256: openpgp.PrivateKey;
  let withSigningSubkey: openpgp.PrivateKey;
  before(async () => {
    p256 = (await makeKey()).privateKey;
    withSigningSubkey = (await makeKey({ subkeys: [{}, { sign: true }] })).privateKey;
  });

  describe("headers", () => {
    it("reads old-format headers (gpg --export) with the same signing keys and fingerprints", () => {
      const bytes = withSigningSubkey.toPublic().write();
      const old = toOldFormat(bytes);
      expect(old[0] & 0xfc).to.equal(0x98); // tag 6, old format
      const a = checkKeyProfile(bytes);
      const b = checkKeyProfile(old);
      expect(b.signingKeys.map((k) => k.fingerprint)).to.deep.equal(a.signingKeys.map((k) => k.fingerprint));
      expect(b.signingKeys.map((k) => k.subkey)).to.deep.equal([false, true]);
      expect(b.tags).to.deep.equal(a.tags);
      // old-format lengths need no minimal encoding: a four-octet length of a short packet
      const first = listPackets(bytes)[0];
      const body = bytes.subarray(first.headerLength, first.headerLength + first.bodyLength);
      const four = concatBytes(
        Uint8Array.of(0x9a, 0, 0, body.length >> 8, body.length & 0xff),
        body,
        bytes.subarray(first.headerLength + first.bodyLength),
      );
      expect(checkKeyProfile(four).signingKeys[0].fingerprint).to.equal(a.signingKeys[0].fingerprint);
    });

    it("OpenPgpKeyIndeterminateLength(offset), OpenPgpKeyNotAPacket(offset, octet)", () => {
      const old = toOldFormat(p256.toPublic().write());
      const second = listPackets(old)[1].offset;
      const indeterminate = Uint8Array.from(old);
      indeterminate[second] |= 0x03;
      expect(refusal(indeterminate)).to.deep.equal({
        error: "OpenPgpKeyIndeterminateLength",
        args: [BigInt(second)],
      });
      const notAPacket = Uint8Array.from(old);
      notAPacket[second] = 0x7f;
      expect(refusal(notAPacket)).to.deep.equal({
        error: "OpenPgpKeyNotAPacket",
        args: [BigInt(second), 0x7fn],
      });
      expect(refusal(Uint8Array.of(0x04, 0x00)).error).to.equal("OpenPgpKeyNotAPacket");
    });

    it("a trust packet (12) is still refused; the size cap is 8,192 bytes", () => {
      const bytes = p256.toPublic().write();
      const trust = concatBytes(bytes, Uint8Array.of(0xcc, 0x02, 0x00, 0x00));
      expect(refusal(trust)).to.deep.equal({
        error: "OpenPgpKeyPacketNotAllowed",
        args: [BigInt(bytes.length), 12n],
      });
      const big = concatBytes(bytes, Uint8Array.of(0xcd, 0xff, 0, 0, 0x20, 0), new Uint8Array(0x2000));
      expect(refusal(big)).to.deep.equal({
        error: "KeyRegistryKeyTooLarge",
        args: [BigInt(big.length), 8192n],
      });
    });
  });

  describe("algorithms", () => {
    it("admits EdDSA legacy (22) and Ed25519 (27) keys; v6 keys are OpenPgpKeyUnsupportedVersion(6)", async () => {
      const legacy = (await makeKey({ type: "ecc", curve: "ed25519Legacy" })).publicKey.write();
      expect(checkKeyProfile(legacy).algorithm).to.equal(22);
      const modern = (await makeKey({ type: "curve25519" })).publicKey.write();
      expect(checkKeyProfile(modern).algorithm).to.equal(27);
      const v6 = (await makeKey({ type: "curve25519", config: { v6Keys: true } })).publicKey.write();
      expect(refusal(v6)).to.deep.equal({ error: "OpenPgpKeyUnsupportedVersion", args: [6n] });
    });

    it("a non-canonical Ed25519 point is OpenPgpKeyInvalidPoint (y >= p, not on the curve, x = 0 with the sign bit)", async () => {
      const modern = (await makeKey({ type: "curve25519" })).publicKey.write();
      const legacy = (await makeKey({ type: "ecc", curve: "ed25519Legacy" })).publicKey.write();
      const p = (1n << 255n) - 19n;
      const le = (n: bigint) =>
        Uint8Array.from(Buffer.from(n.toString(16).padStart(64, "0"), "hex").reverse());
      const points = [
        le(p), // y = p: not canonical (it is y = 0)
        le(p + 1n), // y = 1 + p
        le(2n), // y = 2: (y^2 - 1) / (d y^2 + 1) is not a square, no point
        (() => {
          const b = le(1n); // y = 1 is x = 0; sign bit set
          b[31] |= 0x80;
          return b;
        })(),
      ];
      for (const [bytes, at] of [
        [modern, 6],
        [legacy, 6 + 1 + 9 + 3],
      ] as const) {
        const h = listPackets(bytes)[0].headerLength;
        for (const pt of points) {
          const bad = Uint8Array.from(bytes);
          bad.set(pt, h + at);
          expect(refusal(bad)).to.deep.equal({ error: "OpenPgpKeyInvalidPoint", args: [] });
        }
      }
    });

    it("EdDSA legacy: another curve is OpenPgpKeyUnsupportedCurve, a point MPI of other size OpenPgpKeyMalformedMpi", async () => {
      const legacy = (await makeKey({ type: "ecc", curve: "ed25519Legacy" })).publicKey.write();
      const h = listPackets(legacy)[0].headerLength;
      const curve = Uint8Array.from(legacy);
      curve[h + 6 + 9] ^= 1;
      expect(refusal(curve).error).to.equal("OpenPgpKeyUnsupportedCurve");
      const size = Uint8Array.from(legacy);
      size[h + 6 + 10 + 1] = 0x06; // 262 bits
      expect(refusal(size)).to.deep.equal({ error: "OpenPgpKeyMalformedMpi", args: [BigInt(h + 16)] });
      const prefix = Uint8Array.from(legacy);
      prefix[h + 6 + 10 + 2] = 0x41;
      expect(refusal(prefix)).to.deep.equal({ error: "OpenPgpKeyInvalidPoint", args: [] });
    });
  });

  it("throws nothing but KeyProfileError, whatever byte of a key with a signing subkey is flipped", () => {
    for (const bytes of [
      craftKeyWithBinding(withSigningSubkey, 1),
      toOldFormat(craftKeyWithBinding(withSigningSubkey, 1, { hashAlgorithm: 10 })),
    ]) {
      for (let i = 0; i < bytes.length; i++) {
        for (const mask of [0x01, 0xff]) {
          const bad = Uint8Array.from(bytes);
          bad[i] ^= mask;
          try {
            checkKeyProfile(bad);
          } catch (e) {
            expect(e, `byte ${i} mask ${mask}: ${String(e)}`).to.be.instanceOf(KeyProfileError);
          }
        }
        try {
          checkKeyProfile(bytes.subarray(0, i));
        } catch (e) {
          expect(e, `truncated at ${i}`).to.be.instanceOf(KeyProfileError);
        }
      }
    }
  });

  describe("signing subkeys and their bindings", () => {
    it("an encryption subkey is not interpreted; a sign-flagged one is a signing key", () => {
      const k = checkKeyProfile(withSigningSubkey.toPublic().write());
      expect(k.signingKeys.length).to.equal(2);
      expect(k.signingKeys[1].fingerprint).to.equal(
        "0x" + withSigningSubkey.getSubkeys()[1].getFingerprint(),
      );
      expect(k.signingKeys[1].created).to.equal(
        Math.floor(withSigningSubkey.getSubkeys()[1].getCreationTime().getTime() / 1000),
      );
      expect(checkKeyProfile(p256.toPublic().write()).signingKeys.length).to.equal(1);
    });

    for (const hashAlgorithm of [8, 9, 10]) {
      it(`crafted bindings verify with hash ${hashAlgorithm}, back signature hashed or unhashed, old-format header`, () => {
        for (const options of [{}, { backSignatureUnhashed: true }, { header: 1 as const }]) {
          const bytes = craftKeyWithBinding(withSigningSubkey, 1, { hashAlgorithm, ...options });
          expect(checkKeyProfile(bytes).signingKeys.map((s) => s.subkey)).to.deep.equal([false, true]);
        }
      });
    }

    for (const [name, options] of [
      ["a broken binding", { corruptBinding: true }],
      ["a broken back signature", { corruptBackSignature: true }],
      ["no back signature", { omitBackSignature: true }],
      ["a back signature of type 0x18", { backSignatureType: 0x18 }],
      ["a SHA-224 binding", { hashAlgorithm: 11 }],
    ] as const) {
      it(`${name}: OpenPgpKeyBadSubkeyBinding(offset of the binding)`, () => {
        const bytes = craftKeyWithBinding(withSigningSubkey, 1, options);
        const at = listPackets(bytes).findIndex((p) => p.offset === packetOffset(bytes, 14, 1));
        const binding = listPackets(bytes)[at + 1];
        expect(refusal(bytes)).to.deep.equal({
          error: "OpenPgpKeyBadSubkeyBinding",
          args: [BigInt(binding.offset)],
        });
      });
    }

    it("every packet's header and tag are checked before any subkey binding (OpenPgpKey.signers' order)", () => {
      const bad = craftKeyWithBinding(withSigningSubkey, 1, { corruptBinding: true });
      const trust = concatBytes(bad, Uint8Array.of(0xcc, 0x02, 0x00, 0x00));
      expect(refusal(trust)).to.deep.equal({
        error: "OpenPgpKeyPacketNotAllowed",
        args: [BigInt(bad.length), 12n],
      });
      const truncated = concatBytes(bad, Uint8Array.of(0xcd, 0x05, 0x00));
      expect(refusal(truncated).error).to.equal("OpenPgpKeyTruncated");
    });

    it("a binding without the sign flag is not read: a broken one passes, and the subkey is no signing key", () => {
      const bytes = craftKeyWithBinding(withSigningSubkey, 1, { keyFlags: 0x0c, corruptBinding: true });
      expect(checkKeyProfile(bytes).signingKeys.length).to.equal(1);
    });

    it("a signing subkey must satisfy the key field rules (RSA-1024: OpenPgpKeyRsaModulusTooSmall)", async () => {
      const { privateKey } = await openpgp.generateKey({
        type: "ecc",
        curve: "nistP256",
        userIDs: [{ name: "weak subkey" }],
        subkeys: [{ sign: true, type: "rsa", rsaBits: 1024 }],
        format: "object",
        config: { minRSABits: 1024 },
      });
      expect(refusal(privateKey.toPublic().write())).to.deep.equal({
        error: "OpenPgpKeyRsaModulusTooSmall",
        args: [1024n],
      });
      // the same subkey for encryption only is not interpreted
      const enc = await openpgp.generateKey({
        type: "ecc",
        curve: "nistP256",
        userIDs: [{ name: "weak enc subkey" }],
        subkeys: [{ type: "rsa", rsaBits: 1024 }],
        format: "object",
        config: { minRSABits: 1024 },
      });
      expect(checkKeyProfile(enc.privateKey.toPublic().write()).signingKeys.length).to.equal(1);
    });
  });
});
