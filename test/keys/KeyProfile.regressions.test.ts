// Regressions of issue 10 in the key registry: keys whose signatures the chain cannot verify at a bounded
// cost, and secret key material after the primary key, were accepted by addKey (and published for ever in
// KeyAdded). Each test here fails on the registry that read only the first packet with no RSA bounds.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployRegistry, generate, keyHashOf, primaryBody } from "./helpers";
import {
  bigBytes,
  concat,
  cryptoModulus,
  insertedEverywhere,
  keyWithBody,
  mpi,
  packet,
  packetBounds,
  randomModulus,
  rsaBody,
} from "./profile-keys";

describe("KeyRegistry: issue 10 regressions (key profile)", function () {
  this.timeout(120_000);

  describe("RSA keys the chain cannot verify at a bounded cost are refused by name", () => {
    it("e = 3, e = 65539 and a 2040-bit e: OpenPgpKeyRsaExponentNotAllowed(e)", async () => {
      const { registry, users } = await loadFixture(deployRegistry);
      const n = cryptoModulus(2048);
      for (const e of [3n, 65539n]) {
        const key = keyWithBody(rsaBody(cryptoModulus(2048, Number(e)), e));
        await expect(registry.connect(users[0]).addKey(key))
          .to.be.revertedWithCustomError(registry, "OpenPgpKeyRsaExponentNotAllowed")
          .withArgs(ethers.hexlify(bigBytes(e)));
      }
      const bigE = randomModulus(2040);
      await expect(registry.connect(users[0]).addKey(keyWithBody(rsaBody(n, mpi(bigE)))))
        .to.be.revertedWithCustomError(registry, "OpenPgpKeyRsaExponentNotAllowed")
        .withArgs(ethers.hexlify(bigE));
      expect(await registry.keyCount(await users[0].getAddress())).to.equal(0n);
    });

    it("an 8200-bit modulus (over EIP-7823's MODEXP bound) and a 4097-bit one: OpenPgpKeyRsaModulusTooLarge(bits)", async () => {
      const { registry, users } = await loadFixture(deployRegistry);
      for (const bits of [8200, 8192, 4097]) {
        await expect(registry.connect(users[0]).addKey(keyWithBody(rsaBody(randomModulus(bits), 65537n))))
          .to.be.revertedWithCustomError(registry, "OpenPgpKeyRsaModulusTooLarge")
          .withArgs(bits);
      }
    });

    it("a 1024-bit modulus: OpenPgpKeyRsaModulusTooSmall(1024)", async () => {
      const { registry, users } = await loadFixture(deployRegistry);
      await expect(registry.connect(users[0]).addKey(keyWithBody(rsaBody(cryptoModulus(1024), 65537n))))
        .to.be.revertedWithCustomError(registry, "OpenPgpKeyRsaModulusTooSmall")
        .withArgs(1024);
    });

    it("RSA-2048 and RSA-4096 with e = 65537 are accepted", async () => {
      const { registry, users } = await loadFixture(deployRegistry);
      for (const bits of [2048, 4096]) {
        const key = keyWithBody(rsaBody(cryptoModulus(bits), 65537n));
        await expect(registry.connect(users[0]).addKey(key))
          .to.emit(registry, "KeyAdded")
          .withArgs(await users[0].getAddress(), keyHashOf(key), 1, ethers.hexlify(key));
      }
    });
  });

  describe("every packet is read: secret key material anywhere is refused", () => {
    it("a public key followed by a secret subkey packet (tag 7): OpenPgpKeySecretKeyPacket(offset, 7), no KeyAdded", async () => {
      const { registry, users } = await loadFixture(deployRegistry);
      const { publicKey, privateKey } = await generate("p256");
      // The secret subkey packet exactly as openpgp.js writes it in the private key.
      const secretSubkey = packetBounds(privateKey)
        .map(([s, e]) => privateKey.subarray(s, e))
        .find((p) => (p[0] & 0x3f) === 7);
      expect(secretSubkey, "openpgp.js private key has a secret subkey packet").to.not.equal(undefined);
      const leaked = concat(publicKey, secretSubkey!);
      await expect(registry.connect(users[0]).addKey(leaked))
        .to.be.revertedWithCustomError(registry, "OpenPgpKeySecretKeyPacket")
        .withArgs(publicKey.length, 7);
      expect(await registry.keyCount(await users[0].getAddress())).to.equal(0n);
    });

    it("secret key (5) and secret subkey (7) packets at every position: refused at their offset", async () => {
      const { registry, users } = await loadFixture(deployRegistry);
      const { publicKey } = await generate("p256");
      const body = concat(primaryBody(publicKey), Uint8Array.of(0xfe), new Uint8Array(40));
      let positions = 0;
      for (const tag of [5, 7]) {
        for (const { at, bytes } of insertedEverywhere(publicKey, packet(tag, body))) {
          await expect(registry.connect(users[0]).addKey(bytes), `tag ${tag} at ${at}`)
            .to.be.revertedWithCustomError(registry, "OpenPgpKeySecretKeyPacket")
            .withArgs(at, tag);
          positions++;
        }
        await expect(registry.connect(users[0]).addKey(concat(packet(tag, body), publicKey)))
          .to.be.revertedWithCustomError(registry, "OpenPgpKeySecretKeyPacket")
          .withArgs(0, tag);
      }
      expect(positions).to.be.greaterThan(8);
    });

    it("a second public key, a foreign packet, a non-packet octet, an indeterminate or non-minimal header after the primary: refused by name; an old-format header is read", async () => {
      const { registry, users } = await loadFixture(deployRegistry);
      const { publicKey } = await generate("p256");
      const other = (await generate("ed25519")).publicKey;
      const u = registry.connect(users[0]);
      const end = publicKey.length;
      await expect(u.addKey(concat(publicKey, other)))
        .to.be.revertedWithCustomError(registry, "OpenPgpKeyMultipleKeys")
        .withArgs(end);
      await expect(u.addKey(concat(publicKey, packet(12, Uint8Array.of(0)))))
        .to.be.revertedWithCustomError(registry, "OpenPgpKeyPacketNotAllowed")
        .withArgs(end, 12);
      // Wave 2 (docs/client-profile.md): old-format headers are read (gpg --export writes them); length type 3
      // (indeterminate) is refused, and an octet with bit 7 clear is not a packet.
      await expect(u.addKey(concat(publicKey, packet(13, ethers.toUtf8Bytes("x"), "old")))).to.emit(
        registry,
        "KeyAdded",
      );
      await expect(u.addKey(concat(publicKey, Uint8Array.of(0xb7, 1, 0x78))))
        .to.be.revertedWithCustomError(registry, "OpenPgpKeyIndeterminateLength")
        .withArgs(end);
      await expect(u.addKey(concat(publicKey, Uint8Array.of(0x35, 1, 0x78))))
        .to.be.revertedWithCustomError(registry, "OpenPgpKeyNotAPacket")
        .withArgs(end, 0x35);
      await expect(u.addKey(concat(publicKey, packet(13, ethers.toUtf8Bytes("x"), "five"))))
        .to.be.revertedWithCustomError(registry, "OpenPgpKeyNonMinimalLength")
        .withArgs(end, 1);
      await expect(u.addKey(concat(publicKey, Uint8Array.of(0)))).to.be.revertedWithCustomError(
        registry,
        "OpenPgpKeyTruncated",
      );
    });
  });
});
