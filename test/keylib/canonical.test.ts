import { expect } from "chai";
import { keccak256 } from "ethers";
import fc from "fast-check";
import * as openpgp from "openpgp";
import {
  KeyValidationError,
  armorPublicKey,
  canonicalPublicKey,
  computeKeyHash,
  listPackets,
  parsePrimaryKeyPacket,
  publicKeyHex,
} from "../../src/keys";
import { concatBytes, makeKey, toOldFormat } from "./fixtures";

async function expectCode(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  try {
    await promise;
  } catch (e) {
    expect(e).to.be.instanceOf(KeyValidationError);
    expect((e as KeyValidationError).code).to.equal(code);
    if (message) expect((e as Error).message).to.match(message);
    return;
  }
  expect.fail(`expected KeyValidationError ${code}`);
}

describe("keys: canonical form and keyHash", () => {
  let p256: openpgp.PublicKey;
  let p256Private: openpgp.PrivateKey;
  let ed25519: openpgp.PublicKey;
  let rsa: openpgp.PublicKey;

  before(async () => {
    ({ publicKey: p256, privateKey: p256Private } = await makeKey());
    ({ publicKey: ed25519 } = await makeKey({ type: "curve25519" }));
    ({ publicKey: rsa } = await makeKey({ type: "rsa", rsaBits: 2048 }));
  });

  it("gives the same bytes and keyHash for armored, binary, 0x hex and armored-as-bytes input", async () => {
    for (const key of [p256, ed25519, rsa]) {
      const fromBinary = await canonicalPublicKey(key.write());
      const fromArmor = await canonicalPublicKey(key.armor());
      const fromHex = await canonicalPublicKey(publicKeyHex(key.write()));
      const fromArmorBytes = await canonicalPublicKey(new TextEncoder().encode(key.armor()));
      for (const other of [fromArmor, fromHex, fromArmorBytes]) {
        expect(other.keyHash).to.equal(fromBinary.keyHash);
        expect(Buffer.from(other.bytes).equals(Buffer.from(fromBinary.bytes))).to.equal(true);
      }
      expect(fromBinary.fingerprint).to.equal(key.getFingerprint());
    }
  });

  it("computes keyHash as keccak256 of the canonical bytes", async () => {
    const c = await canonicalPublicKey(p256.armor());
    expect(c.keyHash).to.equal(keccak256(c.bytes));
    expect(computeKeyHash(c.bytes)).to.equal(c.keyHash);
    expect(c.keyHash).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("is idempotent: canonical bytes canonicalise to themselves, also through armor", async () => {
    for (const key of [p256, ed25519, rsa]) {
      const once = await canonicalPublicKey(key.write());
      const twice = await canonicalPublicKey(once.bytes);
      const viaArmor = await canonicalPublicKey(armorPublicKey(once.bytes));
      expect(publicKeyHex(twice.bytes)).to.equal(publicKeyHex(once.bytes));
      expect(publicKeyHex(viaArmor.bytes)).to.equal(publicKeyHex(once.bytes));
    }
  });

  it("rewrites old-format packet headers as new-format ones with the same keyHash", async () => {
    const canonical = await canonicalPublicKey(rsa.write());
    const old = toOldFormat(canonical.bytes);
    expect(old[0] & 0x40).to.equal(0); // really old format
    expect(publicKeyHex(old)).to.not.equal(publicKeyHex(canonical.bytes));
    const fromOld = await canonicalPublicKey(old);
    expect(fromOld.keyHash).to.equal(canonical.keyHash);
    expect(listPackets(fromOld.bytes).every((p) => p.newFormat)).to.equal(true);
  });

  it("starts with a new-format version 4 public key packet the contract can parse", async () => {
    // The contract reads: tag byte 0xC6, length, version 4, creation time, algorithm byte.
    for (const [key, algorithm] of [
      [p256, 19],
      [ed25519, 27],
      [rsa, 1],
    ] as const) {
      const { bytes } = await canonicalPublicKey(key.write());
      expect(bytes[0]).to.equal(0xc6);
      const headerLength = bytes[1] < 192 ? 2 : 3;
      expect(bytes[headerLength]).to.equal(4);
      expect(bytes[headerLength + 5]).to.equal(algorithm);
      expect(parsePrimaryKeyPacket(bytes).algorithm).to.equal(algorithm);
      expect(parsePrimaryKeyPacket(bytes).createdAt).to.equal(
        Math.floor(key.getCreationTime().getTime() / 1000),
      );
    }
    const { bytes } = await canonicalPublicKey(rsa.write());
    expect(parsePrimaryKeyPacket(bytes).rsaBits).to.equal(2048);
    expect(parsePrimaryKeyPacket((await canonicalPublicKey(p256.write())).bytes).curveOid).to.equal(
      "2a8648ce3d030107",
    );
  });

  it("property: for random user IDs and key types, armored and binary agree and canonicalisation is stable", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom<Partial<openpgp.KeyOptions>>(
          { type: "ecc", curve: "nistP256" },
          { type: "curve25519" },
          { type: "ecc", curve: "ed25519Legacy" },
        ),
        async (names, type) => {
          const { publicKey } = await makeKey({ ...type, userIDs: names.map((name) => ({ name })) });
          const a = await canonicalPublicKey(publicKey.armor());
          const b = await canonicalPublicKey(toOldFormat(publicKey.write()));
          const c = await canonicalPublicKey(a.bytes);
          expect(b.keyHash).to.equal(a.keyHash);
          expect(c.keyHash).to.equal(a.keyHash);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 25) },
    );
  });

  it("refuses private keys, armored or binary, encrypted or not", async () => {
    const encrypted = await openpgp.encryptKey({ privateKey: p256Private, passphrase: "correct horse" });
    for (const input of [p256Private.armor(), p256Private.write(), encrypted.armor(), encrypted.write()]) {
      await expectCode(canonicalPublicKey(input), "PRIVATE_KEY", /private key material/);
    }
    // Secret key packets hidden behind a PUBLIC KEY armor header are still found.
    const disguised = openpgp.armor(openpgp.enums.armor.publicKey, p256Private.write());
    await expectCode(canonicalPublicKey(disguised), "PRIVATE_KEY");
  });

  it("refuses two keys in one input", async () => {
    await expectCode(
      canonicalPublicKey(concatBytes(p256.write(), ed25519.write())),
      "MULTIPLE_KEYS",
      /^The input holds 2 public keys; give exactly one\.$/,
    );
  });

  it("refuses garbage: random bytes, text, empty, truncated keys, other armor types", async () => {
    const inputs: (string | Uint8Array)[] = [
      new Uint8Array(0),
      "",
      "hello world",
      "0x1234zz",
      new TextEncoder().encode("not a key at all"),
      p256.write().subarray(0, 40),
      await openpgp.sign({
        message: await openpgp.createMessage({ text: "hi" }),
        signingKeys: p256Private,
        detached: true,
      }),
    ];
    for (const input of inputs) {
      await expectCode(canonicalPublicKey(input), "NOT_A_KEY", /^The input is not an OpenPGP public key\.$/);
    }
  });

  it("property: random bytes are always refused with a KeyValidationError, never accepted", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 700 }), async (bytes) => {
        try {
          await canonicalPublicKey(bytes);
        } catch (e) {
          expect(e).to.be.instanceOf(KeyValidationError);
          // Random bytes that happen to form a well-framed secret key packet are refused as PRIVATE_KEY.
          expect(["NOT_A_KEY", "PRIVATE_KEY", "MULTIPLE_KEYS"]).to.include((e as KeyValidationError).code);
          if (bytes.length === 0 || (bytes[0] & 0x80) === 0) {
            expect((e as KeyValidationError).code).to.equal("NOT_A_KEY");
          }
          return;
        }
        expect.fail("random bytes were accepted as a key");
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });
});

describe("keys: primary key packet parser (mirror of the contract's)", () => {
  /** Rebuilds a key with the primary key packet body replaced (new-format header, 1- or 2-octet length). */
  function withPrimaryBody(bytes: Uint8Array, edit: (body: Buffer) => Buffer): Uint8Array {
    const [first] = listPackets(bytes);
    const body = edit(Buffer.from(bytes.subarray(first.headerLength, first.headerLength + first.bodyLength)));
    const n = body.length;
    const header = n < 192 ? [0xc6, n] : [0xc6, ((n - 192) >> 8) + 192, (n - 192) & 0xff];
    return concatBytes(Buffer.from(header), body, bytes.subarray(first.headerLength + first.bodyLength));
  }

  it("flags encodings the contract refuses", async () => {
    const { publicKey: p256 } = await makeKey();
    const good = (await canonicalPublicKey(p256.write())).bytes;
    expect(parsePrimaryKeyPacket(good).malformed).to.equal(undefined);
    const trailing = withPrimaryBody(good, (b) => Buffer.concat([b, Buffer.from([0])]));
    expect(parsePrimaryKeyPacket(trailing).malformed).to.match(/do not fill the packet body/);
    const compressedMark = withPrimaryBody(good, (b) => {
      const c = Buffer.from(b);
      c[6 + 9 + 2] = 0x02; // the 04 prefix of the point after version, time, algorithm, OID, bit count
      return c;
    });
    expect(parsePrimaryKeyPacket(compressedMark).malformed).to.match(/515-bit MPI with prefix 0x04/);
  });

  it("canonicalisation drops bytes after the key fields, giving the clean key's keyHash", async () => {
    const { publicKey } = await makeKey();
    const clean = await canonicalPublicKey(publicKey.write());
    const padded = withPrimaryBody(clean.bytes, (b) => Buffer.concat([b, Buffer.from([1, 2, 3])]));
    expect((await canonicalPublicKey(padded)).keyHash).to.equal(clean.keyHash);
  });

  it("flags a non-minimal RSA modulus MPI", async () => {
    const { publicKey } = await makeKey({ type: "rsa", rsaBits: 2048 });
    const good = (await canonicalPublicKey(publicKey.write())).bytes;
    expect(parsePrimaryKeyPacket(good).malformed).to.equal(undefined);
    const inflated = withPrimaryBody(good, (b) => {
      const c = Buffer.from(b);
      c.writeUInt16BE(2047, 6); // claims 2047 bits, but the top byte has its highest bit set
      return c;
    });
    expect(parsePrimaryKeyPacket(inflated).malformed).to.match(/not minimal|fill the packet/);
  });
});
