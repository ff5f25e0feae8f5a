// KeyRegistry: an owner adding and revoking its own keys, the views, and the caps.
import { expect } from "chai";
import { ethers, network } from "hardhat";
import * as openpgp from "openpgp";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import { ALG, canonical, deployRegistry, fixture, generate, keyHashOf } from "./helpers";

describe("KeyRegistry: own keys", () => {
  let p256: Uint8Array;
  let p256b: Uint8Array;
  let ed25519: Uint8Array;
  let ed25519Legacy: Uint8Array;
  let rsa2048: Uint8Array;
  let rsa3072: Uint8Array;
  let rsa1024: Uint8Array;
  let many: Uint8Array[]; // 34 distinct Ed25519 keys for the cap

  before(async () => {
    p256 = (await generate("p256")).publicKey;
    p256b = (await generate("p256")).publicKey;
    ed25519 = (await generate("ed25519")).publicKey;
    ed25519Legacy = (await generate("ed25519Legacy")).publicKey;
    [rsa1024, rsa2048, rsa3072] = await Promise.all(["rsa1024", "rsa2048", "rsa3072"].map((n) => fixture(n)));
    many = await Promise.all(Array.from({ length: 34 }, async () => (await generate("ed25519")).publicKey));
  });

  async function deployed(): Promise<{
    registry: Awaited<ReturnType<typeof deployRegistry>>["registry"];
    alice: Signer;
    bob: Signer;
    a: string;
    b: string;
  }> {
    const d = await loadFixture(deployRegistry);
    const [alice, bob] = d.users;
    return { registry: d.registry, alice, bob, a: await alice.getAddress(), b: await bob.getAddress() };
  }

  it("addKey records the key and emits its bytes; keyHash is keccak256 of the bytes", async () => {
    const { registry, alice, a } = await deployed();
    const hash = keyHashOf(p256);
    const tx = await registry.connect(alice).addKey(p256);
    const at = BigInt(await time.latest());
    await expect(tx).to.emit(registry, "KeyAdded").withArgs(a, hash, ALG.ECDSA, ethers.hexlify(p256));

    const rec = await registry.keyOf(a, hash);
    expect([rec.algorithm, rec.addedAt, rec.revokedAt]).to.deep.equal([BigInt(ALG.ECDSA), at, 0n]);
    expect(await registry.keyCount(a)).to.equal(1n);
    expect(await registry.activeKeyCount(a)).to.equal(1n);
    const [hashes, records] = await registry.keysOf(a, 0, 10);
    expect(hashes).to.deep.equal([hash]);
    expect(records[0].addedAt).to.equal(at);
    expect(await registry.isActiveAt(a, hash, at)).to.equal(true);

    // the event carries the exact bytes: an indexer can re-derive the key and its hash
    const receipt = await tx.wait();
    const log = registry.interface.parseLog(receipt!.logs[0])!;
    expect(ethers.keccak256(log.args.publicKey)).to.equal(log.args.keyHash);
  });

  it("accepts each allowed algorithm and records it", async () => {
    const { registry, alice, a } = await deployed();
    for (const [key, alg] of [
      [p256, ALG.ECDSA],
      [ed25519, ALG.ED25519],
      [rsa2048, ALG.RSA],
      [rsa3072, ALG.RSA],
    ] as const) {
      await expect(registry.connect(alice).addKey(key))
        .to.emit(registry, "KeyAdded")
        .withArgs(a, keyHashOf(key), alg, ethers.hexlify(key));
      expect((await registry.keyOf(a, keyHashOf(key))).algorithm).to.equal(alg);
    }
    expect(await registry.keyCount(a)).to.equal(4n);
  });

  it("admits EdDSA legacy (22) keys, what openpgp.js 6 makes by default (Ed25519 signatures are proven on chain)", async () => {
    const { registry, alice, a } = await deployed();
    await expect(registry.connect(alice).addKey(ed25519Legacy))
      .to.emit(registry, "KeyAdded")
      .withArgs(a, keyHashOf(ed25519Legacy), ALG.EDDSA_LEGACY, ethers.hexlify(ed25519Legacy));
    expect((await registry.keyOf(a, keyHashOf(ed25519Legacy))).algorithm).to.equal(ALG.EDDSA_LEGACY);
  });

  it("refuses keys outside the allowed set with the verifier's named error, changing nothing", async () => {
    const { registry, alice, a } = await deployed();
    // The key profile is OpenPgpVerifier.checkKey's: its errors come through the registry unchanged.
    const verifier = await ethers.getContractAt("OpenPgpVerifier", await registry.VERIFIER());
    const { privateKey } = await generate("p256");
    const p384 = (await generate("p384")).publicKey;
    await expect(registry.connect(alice).addKey(rsa1024))
      .to.be.revertedWithCustomError(verifier, "OpenPgpKeyRsaModulusTooSmall")
      .withArgs(1024);
    await expect(registry.connect(alice).addKey(p384)).to.be.revertedWithCustomError(
      verifier,
      "OpenPgpKeyUnsupportedCurve",
    );
    await expect(registry.connect(alice).addKey(privateKey))
      .to.be.revertedWithCustomError(verifier, "OpenPgpKeySecretKeyPacket")
      .withArgs(0, 5);
    await expect(registry.connect(alice).addKey("0x")).to.be.revertedWithCustomError(
      verifier,
      "OpenPgpKeyTruncated",
    );
    await expect(registry.connect(alice).addKey(p256.slice(0, 40))).to.be.revertedWithCustomError(
      verifier,
      "OpenPgpKeyTruncated",
    );
    expect(await registry.keyCount(a)).to.equal(0n);
  });

  it("size cap: 8192 bytes accepted, 8193 refused; a real key with many user IDs refused", async () => {
    const { registry, alice, bob } = await deployed();
    expect(await registry.MAX_KEY_SIZE()).to.equal(8192n);
    // a user ID packet (tag 13, two-octet length) pads the key to exactly n bytes
    const pad = (n: number): Uint8Array => {
      const body = n - p256.length - 3;
      const header = Uint8Array.of(0xcd, ((body - 192) >> 8) + 192, (body - 192) & 0xff);
      return ethers.getBytes(ethers.concat([p256, header, new Uint8Array(body).fill(0x61)]));
    };
    await expect(registry.connect(alice).addKey(pad(8192))).to.emit(registry, "KeyAdded");
    await expect(registry.connect(alice).addKey(pad(8193)))
      .to.be.revertedWithCustomError(registry, "KeyRegistryKeyTooLarge")
      .withArgs(8193, 8192);

    const { privateKey } = await openpgp.generateKey({
      type: "ecc",
      curve: "nistP256",
      userIDs: Array.from({ length: 60 }, (_, i) => ({ name: `user ${i}`, email: `user${i}@example.org` })),
      format: "binary",
    });
    const big = await canonical(privateKey);
    expect(big.length).to.be.greaterThan(8192);
    await expect(registry.connect(bob).addKey(big))
      .to.be.revertedWithCustomError(registry, "KeyRegistryKeyTooLarge")
      .withArgs(big.length, 8192);
  });

  it("re-adding an active key: KeyRegistryKeyAlreadyActive", async () => {
    const { registry, alice, a } = await deployed();
    await registry.connect(alice).addKey(p256);
    await expect(registry.connect(alice).addKey(p256))
      .to.be.revertedWithCustomError(registry, "KeyRegistryKeyAlreadyActive")
      .withArgs(a, keyHashOf(p256));
  });

  it("revokeKey ends the key at this block's time and emits KeyRevoked", async () => {
    const { registry, alice, a } = await deployed();
    const hash = keyHashOf(p256);
    await registry.connect(alice).addKey(p256);
    const added = BigInt(await time.latest());
    await time.increase(100);
    await expect(registry.connect(alice).revokeKey(hash)).to.emit(registry, "KeyRevoked").withArgs(a, hash);
    const revoked = BigInt(await time.latest());
    const rec = await registry.keyOf(a, hash);
    expect([rec.algorithm, rec.addedAt, rec.revokedAt]).to.deep.equal([BigInt(ALG.ECDSA), added, revoked]);
    expect(await registry.activeKeyCount(a)).to.equal(0n);
    expect(await registry.keyCount(a)).to.equal(1n);
  });

  it("an owner never re-adds a key it revoked: KeyRegistryKeyRevoked", async () => {
    const { registry, alice, a } = await deployed();
    await registry.connect(alice).addKey(p256);
    await registry.connect(alice).revokeKey(keyHashOf(p256));
    await expect(registry.connect(alice).addKey(p256))
      .to.be.revertedWithCustomError(registry, "KeyRegistryKeyRevoked")
      .withArgs(a, keyHashOf(p256));
  });

  it("revoking an unknown key or a revoked one: named errors", async () => {
    const { registry, alice, a } = await deployed();
    const hash = keyHashOf(p256);
    await expect(registry.connect(alice).revokeKey(hash))
      .to.be.revertedWithCustomError(registry, "KeyRegistryUnknownKey")
      .withArgs(a, hash);
    await registry.connect(alice).addKey(p256);
    await registry.connect(alice).revokeKey(hash);
    await expect(registry.connect(alice).revokeKey(hash))
      .to.be.revertedWithCustomError(registry, "KeyRegistryKeyAlreadyRevoked")
      .withArgs(a, hash);
  });

  it("the same key under several owners: separate records, and only the owner changes its own", async () => {
    const { registry, alice, bob, a, b } = await deployed();
    const hash = keyHashOf(p256);
    await registry.connect(alice).addKey(p256);
    // bob copying alice's public key (or front-running her registration) gets his own record, nothing more
    await expect(registry.connect(bob).addKey(p256))
      .to.emit(registry, "KeyAdded")
      .withArgs(b, hash, ALG.ECDSA, ethers.hexlify(p256));
    await registry.connect(bob).revokeKey(hash);
    expect((await registry.keyOf(a, hash)).revokedAt).to.equal(0n);
    expect(await registry.isActiveAt(a, hash, await time.latest())).to.equal(true);
    expect(await registry.isActiveAt(b, hash, await time.latest())).to.equal(false);
    // bob revoking again is about his own record; alice's stays
    await expect(registry.connect(bob).revokeKey(hash))
      .to.be.revertedWithCustomError(registry, "KeyRegistryKeyAlreadyRevoked")
      .withArgs(b, hash);
    await expect(registry.connect(bob).revokeKey(keyHashOf(p256b)))
      .to.be.revertedWithCustomError(registry, "KeyRegistryUnknownKey")
      .withArgs(b, keyHashOf(p256b));
  });

  it("caps active keys at 32 per owner; revoked keys free a place but still count in keyCount", async () => {
    const { registry, alice, a } = await deployed();
    expect(await registry.MAX_ACTIVE_KEYS()).to.equal(32n);
    for (const key of many.slice(0, 32)) await registry.connect(alice).addKey(key);
    await expect(registry.connect(alice).addKey(many[32]))
      .to.be.revertedWithCustomError(registry, "KeyRegistryTooManyKeys")
      .withArgs(a, 32);
    await registry.connect(alice).revokeKey(keyHashOf(many[0]));
    await registry.connect(alice).addKey(many[32]);
    expect(await registry.keyCount(a)).to.equal(33n);
    expect(await registry.activeKeyCount(a)).to.equal(32n);
    await expect(registry.connect(alice).addKey(many[33])).to.be.revertedWithCustomError(
      registry,
      "KeyRegistryTooManyKeys",
    );
  });

  it("isActiveAt answers for past times: addedAt <= t < revokedAt", async () => {
    const { registry, alice, a } = await deployed();
    const hash = keyHashOf(p256);
    expect(await registry.isActiveAt(a, hash, 0)).to.equal(false);
    await registry.connect(alice).addKey(p256);
    const added = await time.latest();
    await time.increase(1000);
    await registry.connect(alice).revokeKey(hash);
    const revoked = await time.latest();
    await time.increase(1000);
    const at = (t: number): Promise<boolean> => registry.isActiveAt(a, hash, t);
    expect(await at(0)).to.equal(false);
    expect(await at(added - 1)).to.equal(false);
    expect(await at(added)).to.equal(true);
    expect(await at(revoked - 1)).to.equal(true);
    expect(await at(revoked)).to.equal(false);
    expect(await at(revoked + 5000)).to.equal(false);
    // a key never added is never active, whatever the time
    expect(await registry.isActiveAt(a, keyHashOf(p256b), added)).to.equal(false);
    expect(await registry.isActiveAt(a, hash, 2n ** 64n - 1n)).to.equal(false);
  });

  it("a key added and revoked in the same block was never active", async () => {
    const { registry, alice, a } = await deployed();
    const hash = keyHashOf(p256);
    await network.provider.send("evm_setAutomine", [false]);
    try {
      await registry.connect(alice).addKey(p256);
      await registry.connect(alice).revokeKey(hash);
      await network.provider.send("evm_mine", []);
    } finally {
      await network.provider.send("evm_setAutomine", [true]);
    }
    const rec = await registry.keyOf(a, hash);
    expect(rec.addedAt).to.equal(rec.revokedAt);
    expect(rec.addedAt).to.not.equal(0n);
    expect(await registry.isActiveAt(a, hash, rec.addedAt)).to.equal(false);
    expect(await registry.activeKeyCount(a)).to.equal(0n);
  });

  it("keysOf pages through the keys in order of addition", async () => {
    const { registry, alice, a } = await deployed();
    const keys = many.slice(0, 5);
    for (const key of keys) await registry.connect(alice).addKey(key);
    await registry.connect(alice).revokeKey(keyHashOf(keys[1]));
    const hashes = keys.map(keyHashOf);
    const page = async (offset: bigint | number, limit: bigint | number): Promise<string[]> =>
      (await registry.keysOf(a, offset, limit))[0];
    expect(await page(0, 2)).to.deep.equal(hashes.slice(0, 2));
    expect(await page(2, 2)).to.deep.equal(hashes.slice(2, 4));
    expect(await page(4, 2)).to.deep.equal(hashes.slice(4));
    expect(await page(5, 1)).to.deep.equal([]);
    expect(await page(0, 0)).to.deep.equal([]);
    expect(await page(0, ethers.MaxUint256)).to.deep.equal(hashes);
    expect(await page(ethers.MaxUint256, ethers.MaxUint256)).to.deep.equal([]);
    const [, records] = await registry.keysOf(a, 1, 1);
    expect(records[0].revokedAt).to.not.equal(0n);
    expect((await registry.keysOf(await registry.getAddress(), 0, 10))[0]).to.deep.equal([]);
  });
});
