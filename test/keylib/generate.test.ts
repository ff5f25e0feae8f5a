import { expect } from "chai";
import { keccak256 } from "ethers";
import * as openpgp from "openpgp";
import {
  caip10,
  generateWalletKey,
  parseCaip10,
  parsePrimaryKeyPacket,
  validatePublicKey,
  type GeneratedWalletKey,
} from "../../src/keys";
import { signDigest, verifyDigestSignature } from "../../src/message";
import { ADDRESS, CHECKSUMMED } from "./fixtures";

describe("keys: generateWalletKey", () => {
  let p256: GeneratedWalletKey;
  let rsa: GeneratedWalletKey; // RSA-3072 generation takes seconds: once in this file
  let ed25519: GeneratedWalletKey;

  before(async () => {
    p256 = await generateWalletKey({ address: ADDRESS, chainId: 11155111, passphrase: "p256 pass" });
    rsa = await generateWalletKey({
      address: ADDRESS,
      chainId: 137,
      algorithm: "rsa3072",
      passphrase: "rsa pass",
    });
    ed25519 = await generateWalletKey({ address: ADDRESS, chainId: 1, algorithm: "ed25519" });
  });

  it("defaults to ECDSA NIST P-256 with an ECDH P-256 encryption subkey", async () => {
    expect(p256.algorithm).to.equal(19);
    expect(p256.algorithmName).to.equal("ECDSA NIST P-256");
    const key = await openpgp.readKey({ binaryKey: p256.publicKey });
    expect(key.getAlgorithmInfo()).to.deep.equal({ algorithm: "ecdsa", curve: "nistP256" });
    expect(key.subkeys.map((s) => s.getAlgorithmInfo())).to.deep.equal([
      { algorithm: "ecdh", curve: "nistP256" },
    ]);
    expect(key.keyPacket.version).to.equal(4);
  });

  it("makes RSA-3072 and Ed25519 keys on request", async () => {
    expect(rsa.algorithm).to.equal(1);
    expect(rsa.algorithmName).to.equal("RSA-3072");
    expect(parsePrimaryKeyPacket(rsa.publicKey).rsaBits).to.equal(3072);
    expect(ed25519.algorithm).to.equal(27);
    const key = await openpgp.readKey({ binaryKey: ed25519.publicKey });
    expect(key.subkeys.map((s) => s.getAlgorithmInfo().algorithm)).to.deep.equal(["x25519"]);
  });

  it("binds the wallet by a CAIP-10 user ID with the checksummed address", async () => {
    for (const [g, chainId] of [
      [p256, 11155111],
      [rsa, 137],
      [ed25519, 1],
    ] as const) {
      expect(g.userID).to.equal(`eip155:${chainId}:${CHECKSUMMED}`);
      const v = await validatePublicKey(g.publicKey);
      expect(v.userIDs).to.deep.equal([g.userID]);
      expect(v.wallets).to.deep.equal([{ chainId, address: CHECKSUMMED }]);
    }
  });

  it("every generated key can send: its signature over a digest passes the profile and openpgp.js", async () => {
    const digest = new Uint8Array(32).fill(0x31);
    for (const [g, passphrase] of [
      [p256, "p256 pass"],
      [rsa, "rsa pass"],
      [ed25519, undefined],
    ] as const) {
      let key = await openpgp.readPrivateKey({ armoredKey: g.privateKey });
      if (passphrase !== undefined) key = await openpgp.decryptKey({ privateKey: key, passphrase });
      const v = await verifyDigestSignature(digest, await signDigest(digest, key), g.publicKey);
      if (!v.ok) expect.fail(`${g.algorithmName}: ${v.reason}`);
    }
  });

  it("returns canonical bytes, keyHash, fingerprint and armor that agree with each other", async () => {
    for (const g of [p256, rsa, ed25519]) {
      expect(g.keyHash).to.equal(keccak256(g.publicKey));
      const v = await validatePublicKey(g.publicKeyArmored);
      expect(v.keyHash).to.equal(g.keyHash);
      expect(v.fingerprint).to.equal(g.fingerprint);
      expect(g.fingerprint).to.match(/^[0-9a-f]{40}$/);
      expect(g.createdAt.getTime()).to.equal(v.createdAt.getTime());
      const fromPrivate = (await openpgp.readPrivateKey({ armoredKey: g.privateKey })).toPublic();
      expect((await validatePublicKey(fromPrivate.write())).keyHash).to.equal(g.keyHash);
    }
  });

  it("encrypts the private key with the passphrase, and the primary key signs the message digest", async () => {
    expect(p256.encrypted).to.equal(true);
    const locked = await openpgp.readPrivateKey({ armoredKey: p256.privateKey });
    expect(locked.isDecrypted()).to.equal(false);
    await openpgp
      .decryptKey({ privateKey: locked, passphrase: "wrong" })
      .then(() => expect.fail("decrypted with a wrong passphrase"))
      .catch((e: Error) => expect(e.message).to.match(/passphrase/i));
    const unlocked = await openpgp.decryptKey({ privateKey: locked, passphrase: "p256 pass" });
    // DESIGN section 4: the primary key signs the 32 digest bytes, binary, SHA-256, detached.
    const digest = new Uint8Array(32).fill(7);
    const signature = await openpgp.sign({
      message: await openpgp.createMessage({ binary: digest }),
      signingKeys: unlocked,
      detached: true,
      format: "binary",
      config: { preferredHashAlgorithm: openpgp.enums.hash.sha256 },
    });
    const sig = await openpgp.readSignature({ binarySignature: signature });
    const packet = sig.packets[0];
    expect(packet.hashAlgorithm).to.equal(openpgp.enums.hash.sha256);
    expect(packet.issuerKeyID.toHex()).to.equal(locked.getKeyID().toHex());
    const verification = await openpgp.verify({
      message: await openpgp.createMessage({ binary: digest }),
      signature: sig,
      verificationKeys: await openpgp.readKey({ binaryKey: p256.publicKey }),
      format: "binary",
    });
    expect(await verification.signatures[0].verified).to.equal(true);
  });

  it("leaves the private key unencrypted only when no passphrase is given", async () => {
    expect(ed25519.encrypted).to.equal(false);
    expect((await openpgp.readPrivateKey({ armoredKey: ed25519.privateKey })).isDecrypted()).to.equal(true);
    const empty = await generateWalletKey({ address: ADDRESS, chainId: 1, passphrase: "" });
    expect(empty.encrypted).to.equal(false);
  });

  it("sets an expiry when asked", async () => {
    const g = await generateWalletKey({ address: ADDRESS, chainId: 1, keyExpirationTime: 86_400 });
    const v = await validatePublicKey(g.publicKey);
    expect(v.expiresAt?.getTime()).to.equal(g.createdAt.getTime() + 86_400_000);
  });

  it("refuses a bad address, chain id or algorithm", async () => {
    const bad: Parameters<typeof generateWalletKey>[0][] = [
      { address: "0x1234", chainId: 1 },
      { address: "0x52908400098527886E0F7030069857D2E4169Ee7", chainId: 1 }, // wrong checksum
      { address: ADDRESS, chainId: 0 },
      { address: ADDRESS, chainId: 1, algorithm: "dsa" as "p256" },
    ];
    for (const options of bad) {
      await generateWalletKey(options).then(
        () => expect.fail(`accepted ${JSON.stringify(options)}`),
        (e: Error) => expect(e.message).to.be.a("string").and.not.equal(""),
      );
    }
  });

  it("caip10 / parseCaip10 round trip, and parseCaip10 ignores other user IDs", () => {
    expect(caip10(5n, ADDRESS)).to.equal(`eip155:5:${CHECKSUMMED}`);
    expect(parseCaip10(`eip155:5:${CHECKSUMMED}`)).to.deep.equal({ chainId: 5, address: CHECKSUMMED });
    expect(parseCaip10(`Alice <eip155:10:${ADDRESS}>`)).to.deep.equal({ chainId: 10, address: CHECKSUMMED });
    expect(parseCaip10("Alice <alice@example.org>")).to.equal(null);
    expect(parseCaip10(`eip155:1:${CHECKSUMMED}00`)).to.equal(null);
    expect(parseCaip10("eip155:1:0x52908400098527886E0F7030069857D2E4169Ee7")).to.equal(null); // bad checksum
  });
});
