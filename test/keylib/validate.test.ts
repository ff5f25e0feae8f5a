import { expect } from "chai";
import * as openpgp from "openpgp";
import { KeyValidationError, canonicalPublicKey, validatePublicKey, type KeyInput } from "../../src/keys";
import {
  CHECKSUMMED,
  browserOpenpgp,
  concatBytes,
  keyWithoutSigningFlag,
  makeKey,
  tamperSelfSignature,
  type Made,
} from "./fixtures";

const DAY = 86_400_000;

async function expectRefused(input: KeyInput, code: string, message: RegExp, date?: Date): Promise<void> {
  try {
    await validatePublicKey(input, date ? { date } : {});
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(KeyValidationError);
    expect((e as KeyValidationError).code, (e as Error).message).to.equal(code);
    expect((e as Error).message).to.match(message);
    // One sentence: ends with a period, no line breaks.
    expect((e as Error).message).to.match(/^[A-Z][^\n]*\.$/);
    return;
  }
  expect.fail(`expected ${code}`);
}

describe("keys: strict validation", () => {
  let p256: Made;

  before(async () => {
    p256 = await makeKey({ userIDs: [{ name: `eip155:1:${CHECKSUMMED}` }] });
  });

  describe("accepts the allowed algorithms and reports the id the contract records", () => {
    it("ECDSA NIST P-256 (19)", async () => {
      const v = await validatePublicKey(p256.publicKey.armor());
      expect(v.algorithm).to.equal(19);
      expect(v.algorithmName).to.equal("ECDSA NIST P-256");
      expect(v.keyHash).to.equal((await canonicalPublicKey(p256.publicKey.write())).keyHash);
      expect(v.fingerprint).to.equal(p256.publicKey.getFingerprint());
      expect(v.keyId).to.equal(p256.publicKey.getKeyID().toHex());
      expect(v.expiresAt).to.equal(null);
      expect(v.canEncrypt).to.equal(true);
      expect(v.wallets).to.deep.equal([{ chainId: 1, address: CHECKSUMMED }]);
      expect(v.primaryUserID).to.equal(`eip155:1:${CHECKSUMMED}`);
      expect(v.warnings).to.deep.equal([]);
    });

    it("Ed25519 (27) and EdDSA Ed25519 legacy (22, openpgp.js 6's default)", async () => {
      const modern = await validatePublicKey((await makeKey({ type: "curve25519" })).publicKey.write());
      expect(modern.algorithm).to.equal(27);
      expect(modern.algorithmName).to.equal("Ed25519");
      expect(modern.warnings).to.deep.equal([]);
      const legacy = await validatePublicKey(
        (await makeKey({ type: "ecc", curve: "ed25519Legacy" })).publicKey.write(),
      );
      expect(legacy.algorithm).to.equal(22);
      expect(legacy.algorithmName).to.equal("EdDSA Ed25519 (legacy)");
      const byDefault = await validatePublicKey(
        (await openpgp.generateKey({ userIDs: [{ name: "d" }] })).publicKey,
      );
      expect(byDefault.algorithm).to.equal(22);
      expect(byDefault.canEncrypt).to.equal(true);
    });

    it("RSA-2048 (1), with its modulus size", async () => {
      const v = await validatePublicKey((await makeKey({ type: "rsa", rsaBits: 2048 })).publicKey.armor());
      expect(v.algorithm).to.equal(1);
      expect(v.rsaBits).to.equal(2048);
      expect(v.algorithmName).to.equal("RSA-2048");
    });

    it("a key that expires later, reporting when", async () => {
      const { publicKey } = await makeKey({ keyExpirationTime: 3600 });
      const v = await validatePublicKey(publicKey.write());
      expect(v.expiresAt?.getTime()).to.equal(publicKey.getCreationTime().getTime() + 3600_000);
    });
  });

  describe("refuses every bad key class with one sentence", () => {
    it("private key material", async () => {
      await expectRefused(p256.privateKey.armor(), "PRIVATE_KEY", /private key material/);
      await expectRefused(p256.privateKey.write(), "PRIVATE_KEY", /private key material/);
    });

    it("expired key (keyExpirationTime, generated in the past)", async () => {
      const created = new Date(Date.now() - 10 * DAY);
      const { publicKey } = await makeKey({ keyExpirationTime: 3600, date: created });
      const expiry = new Date(publicKey.getCreationTime().getTime() + 3600_000);
      await expectRefused(
        publicKey.armor(),
        "EXPIRED",
        new RegExp(`^The key expired at ${expiry.toISOString().slice(0, 19)}Z\\.$`),
      );
      // Valid while it had not expired yet: validity is judged at the given date.
      const v = await validatePublicKey(publicKey.armor(), { date: new Date(created.getTime() + 60_000) });
      expect(v.expiresAt?.getTime()).to.equal(expiry.getTime());
    });

    it("revoked key (openpgp.revokeKey), at any date: an OpenPGP revocation is retroactive", async () => {
      const created = new Date(Date.now() - 10 * DAY);
      const made = await makeKey({ date: created });
      const revokedAt = new Date(Date.now() - 5 * DAY);
      const { publicKey } = await openpgp.revokeKey({
        key: made.privateKey,
        date: revokedAt,
        format: "object",
      });
      await expectRefused(publicKey.write(), "REVOKED", /^The key has been revoked by its owner\.$/);
      const before = new Date(revokedAt.getTime() - DAY);
      await expectRefused(publicKey.write(), "REVOKED", /revoked/, before);
      await validatePublicKey(made.publicKey.write(), { date: before }); // the same key before revoking
    });

    it("invalid self-signature (a flipped byte in the signature value or in the signed data)", async () => {
      const bytes = p256.publicKey.write();
      for (const where of ["value", "hashed"] as const) {
        await expectRefused(
          tamperSelfSignature(bytes, where),
          "BAD_SELF_SIGNATURE",
          /no valid self-signature/,
        );
      }
    });

    it("no self-signature at all (a bare primary key packet)", async () => {
      const bare = new openpgp.PacketList<openpgp.AnyPacket>();
      bare.push(p256.publicKey.keyPacket);
      await expectRefused(bare.write(), "BAD_SELF_SIGNATURE", /no valid self-signature/);
    });

    it("RSA under 2048 bits", async () => {
      const { publicKey } = await makeKey({ type: "rsa", rsaBits: 1024, config: { minRSABits: 1024 } });
      await expectRefused(
        publicKey.armor(),
        "RSA_TOO_SHORT",
        /^The RSA key has a 1024-bit modulus; at least 2048 bits are required\.$/,
      );
    });

    it("unsupported algorithms: ECDSA on secp256k1, Brainpool P-256r1 and P-384, Ed448", async () => {
      const browser = await browserOpenpgp();
      const gen = async (curve: openpgp.EllipticCurveName) =>
        (
          await browser.generateKey({
            type: "ecc",
            curve,
            userIDs: [{ name: "x" }],
            format: "binary",
            config: { rejectCurves: new Set() },
          })
        ).publicKey;
      const cases: [Uint8Array, RegExp][] = [
        [await gen("secp256k1"), /ECDSA on secp256k1 is not supported/],
        [await gen("brainpoolP256r1"), /ECDSA on brainpoolP256r1 is not supported/],
        [(await makeKey({ curve: "nistP384" })).publicKey.write(), /ECDSA on nistP384 is not supported/],
        [(await makeKey({ type: "curve448" })).publicKey.write(), /algorithm Ed448 is not supported/],
      ];
      for (const [bytes, message] of cases) {
        await expectRefused(bytes, "UNSUPPORTED_ALGORITHM", message);
        await expectRefused(
          bytes,
          "UNSUPPORTED_ALGORITHM",
          /use RSA of 2048 to 4096 bits, ECDSA on NIST P-256, or Ed25519 \(EdDSA legacy or RFC 9580\)\.$/,
        );
      }
    });

    it("version 6 keys", async () => {
      const { publicKey } = await makeKey({ type: "curve25519", config: { v6Keys: true } });
      await expectRefused(publicKey.write(), "UNSUPPORTED_VERSION", /version 6 key; only version 4 keys/);
    });

    it("oversize (> 8192 bytes canonical)", async () => {
      const userIDs = Array.from({ length: 60 }, (_, i) => ({ name: `user id number ${i}` }));
      const { publicKey } = await makeKey({ userIDs });
      const size = (await canonicalPublicKey(publicKey.write())).bytes.length;
      expect(size).to.be.greaterThan(8192);
      await expectRefused(
        publicKey.armor(),
        "OVERSIZE",
        new RegExp(
          `^The key is ${size.toLocaleString("en-US")} bytes in canonical form, over the 8,192-byte limit\\.$`,
        ),
      );
      await expectRefused(
        new Uint8Array(2 << 20).fill(0x99),
        "OVERSIZE",
        /far over the 8,192-byte key limit/,
      );
    });

    it("garbage / not an OpenPGP key", async () => {
      const random = new Uint8Array(Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 37 + 11) & 0x7f)));
      await expectRefused(random, "NOT_A_KEY", /^The input is not an OpenPGP public key\.$/);
      await expectRefused(
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm90IGEga2V5\n-----END PGP PUBLIC KEY BLOCK-----",
        "NOT_A_KEY",
        /not an OpenPGP public key/,
      );
      await expectRefused(
        concatBytes(p256.publicKey.write(), p256.publicKey.write()),
        "MULTIPLE_KEYS",
        /holds 2 public keys/,
      );
    });

    it("a key created after the validation time", async () => {
      const { publicKey } = await makeKey({ date: new Date(Date.now() + DAY) });
      await expectRefused(
        publicKey.write(),
        "NOT_YET_VALID",
        /creation time .* is later than the validation time/,
      );
    });

    it("a key with no key certified for signing (neither the primary key nor a subkey)", async () => {
      await expectRefused(
        await keyWithoutSigningFlag(),
        "PRIMARY_CANNOT_SIGN",
        /^Neither the key's primary key nor any of its subkeys is certified for signing/,
      );
    });

    it("admits a primary key that only certifies when a signing subkey is bound (Sequoia's layout)", async () => {
      const bytes = await keyWithoutSigningFlag(true);
      const v = await validatePublicKey(bytes);
      const key = await openpgp.readKey({ binaryKey: bytes });
      expect(v.signingSubkeys).to.deep.equal([key.subkeys[1].getFingerprint()]);
      expect(v.canEncrypt).to.equal(true);
    });
  });
});
