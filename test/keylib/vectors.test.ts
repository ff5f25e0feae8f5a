import { expect } from "chai";
import { getBytes, hexlify } from "ethers";
import * as openpgp from "openpgp";
import keysJson from "../vectors/keys.json";
import { parsePrimaryKey } from "../../src/message/pgp-key";
import {
  canonicalPublicKey,
  generateWalletKey,
  parsePrimaryKeyPacket,
  validatePublicKey,
} from "../../src/keys";
import { ADDRESS } from "./fixtures";

/** The key library agrees with the message standard's committed key vectors and with its key parser. */
describe("keys: agreement with the message standard (test/vectors/keys.json, src/message)", () => {
  for (const [name, vector] of Object.entries(keysJson.keys)) {
    it(`${name}: the vector's bytes are canonical, with the vector's keyHash and algorithm`, async () => {
      const bytes = getBytes(vector.publicKey);
      const fromBytes = await canonicalPublicKey(bytes);
      expect(hexlify(fromBytes.bytes)).to.equal(vector.publicKey.toLowerCase());
      expect(fromBytes.keyHash).to.equal(vector.keyHash);
      // The public part of the vector's private key canonicalises to the same bytes.
      const privateKey = await openpgp.readPrivateKey({ armoredKey: vector.privateKeyArmored });
      expect((await canonicalPublicKey(privateKey.toPublic().armor())).keyHash).to.equal(vector.keyHash);
      const v = await validatePublicKey(bytes);
      expect(v.algorithm).to.equal(vector.primary.algorithm);
      expect(v.keyHash).to.equal(vector.keyHash);
    });
  }

  it("the key library's packet parser and the message library's agree on generated keys", async () => {
    for (const algorithm of ["p256", "ed25519", "p256", "ed25519"] as const) {
      const { publicKey, fingerprint, createdAt } = await generateWalletKey({
        address: ADDRESS,
        chainId: 1,
        algorithm,
      });
      const ours = parsePrimaryKeyPacket(publicKey);
      const theirs = parsePrimaryKey(publicKey);
      expect(ours.malformed).to.equal(undefined);
      expect(ours.algorithm).to.equal(theirs.algorithm);
      expect(ours.createdAt).to.equal(theirs.created);
      expect(theirs.fingerprint).to.equal("0x" + fingerprint);
      expect(ours.createdAt).to.equal(createdAt.getTime() / 1000);
    }
  });
});
