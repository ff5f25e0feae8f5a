import { expect } from "chai";
import { createHash } from "node:crypto";
import { getBytes, toUtf8Bytes } from "ethers";
import {
  cidOf,
  contentHashOf,
  contentHashOfCid,
  decryptContent,
  encryptContent,
  encryptionKeyIdsOf,
  isEncryptedTo,
} from "../../src/message";
import contents from "../vectors/content.json";
import { generate, vectorKey } from "./helpers";

describe("message content", () => {
  it("CID known answer: 'hello' is bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq", async () => {
    expect(await cidOf(toUtf8Bytes("hello"))).to.equal(
      "bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq",
    );
  });

  it("contentHash is sha256 of the bytes, and the CID names the same hash", async () => {
    for (const v of contents.contents) {
      const bytes = getBytes(v.content);
      expect(contentHashOf(bytes), v.name).to.equal("0x" + createHash("sha256").update(bytes).digest("hex"));
      expect(contentHashOf(bytes), v.name).to.equal(v.contentHash);
      expect(await cidOf(bytes), v.name).to.equal(v.cid);
      expect(await contentHashOfCid(v.cid), v.name).to.equal(v.contentHash);
    }
  });

  it("contentHashOfCid refuses what is not a CIDv1 raw sha2-256", async () => {
    const bad = [
      "hello",
      "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", // CIDv0 (dag-pb)
      "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", // dag-pb
    ];
    for (const cid of bad) {
      let err: unknown;
      await contentHashOfCid(cid).catch((e: unknown) => (err = e));
      expect(err, cid).to.be.instanceOf(Error);
    }
  });

  describe("encryption to the recipient and the sender", () => {
    it("both can decrypt, a third key cannot", async () => {
      const [alice, bob, eve] = await Promise.all([
        vectorKey("p256"),
        vectorKey("rsa2048"),
        generate("ed25519"),
      ]);
      const plaintext = toUtf8Bytes("meet at noon ✓");
      const ciphertext = await encryptContent(plaintext, bob.publicKey, alice.publicKey);
      expect(Buffer.from(ciphertext).includes(Buffer.from(plaintext))).to.equal(false);
      expect(await decryptContent(ciphertext, bob.privateKey)).to.deep.equal(plaintext);
      expect(await decryptContent(ciphertext, alice.privateKey)).to.deep.equal(plaintext);
      let err: unknown;
      await decryptContent(ciphertext, eve.privateKey).catch((e: unknown) => (err = e));
      expect(err).to.be.instanceOf(Error);
    });

    it("works for Ed25519 (X25519) keys and binary content", async () => {
      const [a, b] = await Promise.all([generate("ed25519"), generate("p256")]);
      const plaintext = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) & 0xff);
      const ciphertext = await encryptContent(plaintext, a.publicKey, b.privateKey);
      expect(await decryptContent(ciphertext, a.privateKey)).to.deep.equal(plaintext);
      expect(await decryptContent(ciphertext, b.privateKey)).to.deep.equal(plaintext);
    });

    it("names the encryption subkeys of both keys, and isEncryptedTo tells them apart", async () => {
      const [alice, bob, dave] = await Promise.all([
        vectorKey("p256"),
        vectorKey("rsa2048"),
        vectorKey("ed25519"),
      ]);
      const ciphertext = await encryptContent(toUtf8Bytes("x"), bob.publicKey, alice.publicKey);
      const ids = await encryptionKeyIdsOf(ciphertext);
      expect(ids).to.have.length(2);
      expect(ids).to.include("0x" + bob.privateKey.getSubkeys()[0].getKeyID().toHex());
      expect(ids).to.include("0x" + alice.privateKey.getSubkeys()[0].getKeyID().toHex());
      expect(await isEncryptedTo(ciphertext, bob.publicKey)).to.equal(true);
      expect(await isEncryptedTo(ciphertext, alice.publicKey)).to.equal(true);
      expect(await isEncryptedTo(ciphertext, dave.publicKey)).to.equal(false);
      expect(await encryptionKeyIdsOf(toUtf8Bytes("plain text"))).to.equal(null);
      expect(await isEncryptedTo(toUtf8Bytes("plain text"), bob.publicKey)).to.equal(false);
    });
  });
});
