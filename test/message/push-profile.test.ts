import { expect } from "chai";
import * as openpgp from "openpgp";
import { Wallet, hexlify } from "ethers";
import { pushProfilePreimage, pushProfileSignedHex, verifyPushProfile } from "../../src/message/push";
import type { PushProfileBody, PushProfileResult } from "../../src/message/push";
import { profile, profileVectors } from "./push-fixtures";
import { sdkProfileVerifies } from "./push-sdk";

/**
 * Push profiles (test/fixtures/push/profiles.json, made by the SDK's user creation): the SDK's own
 * check (verifyProfileSignature over generateHash of the four fields) and verifyPushProfile agree; each
 * kind of forgery is refused with its rule.
 */

const alice = profile("alice");
const bob = profile("bob");

function rule(r: PushProfileResult): string {
  return r.ok ? "ok" : r.rule;
}

/** `body` with its proof re-signed by `signer` over the SDK preimage of its four fields. */
async function signedBy(
  signer: Wallet,
  body: Omit<PushProfileBody, "verificationProof">,
): Promise<PushProfileBody> {
  return { ...body, verificationProof: "eip191v2:" + (await signer.signMessage(pushProfileSignedHex(body))) };
}

function changeByte(s: string, at: number): string {
  return s.slice(0, at) + (s[at] === "A" ? "B" : "A") + s.slice(at + 1);
}

describe("Push profiles (verifyPushProfile)", function () {
  this.timeout(120_000);

  for (const v of profileVectors) {
    it(`${v.name}: the SDK's profile verifies, with the SDK's preimage and the registered key`, async () => {
      expect(Object.keys(v.body)).to.deep.equal([
        "caip10",
        "did",
        "publicKey",
        "encryptedPrivateKey",
        "verificationProof",
      ]);
      expect(await sdkProfileVerifies(v.body, v.address)).to.equal(true);
      expect(pushProfilePreimage(v.body)).to.equal(v.preimage);
      expect(pushProfileSignedHex(v.body)).to.equal(v.signedHex);
      const r = await verifyPushProfile(v.body);
      if (!r.ok) expect.fail(`${r.rule}: ${r.reason}`);
      expect(r.address).to.equal(v.address);
      expect(hexlify(r.publicKey)).to.equal(v.publicKey);
      expect(r.keyHash).to.equal(v.keyHash);
      expect(r.signedHex).to.equal(v.signedHex);
      // the key is the SDK's: RSA-2048 primary (signs) and an RSA-2048 subkey
      const key = await openpgp.readKey({ binaryKey: r.publicKey });
      expect(key.getAlgorithmInfo()).to.deep.equal({ algorithm: "rsaEncryptSign", bits: 2048 });
      expect(key.getSubkeys()).to.have.length(1);
    });
  }

  it("a proof signed by another wallet: the SDK refuses, WRONG_WALLET", async () => {
    const forged = await signedBy(new Wallet(bob.walletPrivateKey), alice.body);
    expect(await sdkProfileVerifies(forged, alice.address)).to.equal(false);
    const r = await verifyPushProfile(forged);
    expect(rule(r)).to.equal("WRONG_WALLET");
    expect(r.ok ? "" : r.reason).to.contain(bob.address);
  });

  describe("a changed byte in each of the four signed fields", () => {
    const cases: [string, Partial<PushProfileBody>, string][] = [
      ["caip10", { caip10: changeByte(alice.body.caip10, 12) }, "DID_MISMATCH"],
      ["did", { did: changeByte(alice.body.did, 12) }, "DID_MISMATCH"],
      ["caip10 and did (bob's wallet)", { caip10: bob.body.caip10, did: bob.body.did }, "WRONG_WALLET"],
      ["publicKey", { publicKey: changeByte(alice.body.publicKey, 200) }, "WRONG_WALLET"],
      [
        "encryptedPrivateKey",
        { encryptedPrivateKey: changeByte(alice.body.encryptedPrivateKey, 40) },
        "WRONG_WALLET",
      ],
    ];
    for (const [field, change, want] of cases) {
      it(`${field}: the SDK refuses, ${want}`, async () => {
        const body = { ...alice.body, ...change };
        expect(await sdkProfileVerifies(body, alice.address)).to.equal(false);
        expect(rule(await verifyPushProfile(body))).to.equal(want);
      });
    }
  });

  it("a key outside the key profile (RSA-1024), properly signed by the wallet: the SDK accepts, KEY_PROFILE", async () => {
    const { publicKey } = await openpgp.generateKey({
      type: "rsa",
      rsaBits: 1024,
      userIDs: [{ name: "" }],
      config: { minRSABits: 1024 },
    });
    const body = await signedBy(new Wallet(alice.walletPrivateKey), {
      caip10: alice.body.caip10,
      did: alice.body.did,
      publicKey: JSON.stringify({ key: publicKey, signature: "DEPRECATED" }),
      encryptedPrivateKey: alice.body.encryptedPrivateKey,
    });
    expect(await sdkProfileVerifies(body, alice.address)).to.equal(true);
    const r = await verifyPushProfile(body);
    expect(rule(r)).to.equal("KEY_PROFILE");
    expect(r.ok ? "" : r.keyError).to.equal("OpenPgpKeyRsaModulusTooSmall");
  });

  it("a bare armored key (which the SDK also reads) is accepted; a publicKey with no key is PUBLIC_KEY", async () => {
    const wallet = new Wallet(alice.walletPrivateKey);
    const base = { caip10: alice.body.caip10, did: alice.body.did, encryptedPrivateKey: "{}" };
    const bare = await verifyPushProfile(
      await signedBy(wallet, { ...base, publicKey: alice.publicKeyArmored }),
    );
    expect(bare.ok && hexlify(bare.publicKey)).to.equal(alice.publicKey);
    for (const publicKey of [
      "",
      "not a key",
      JSON.stringify({ key: "nope" }),
      JSON.stringify({ key: alice.privateKeyArmored }),
    ]) {
      expect(
        rule(await verifyPushProfile(await signedBy(wallet, { ...base, publicKey }))),
        publicKey.slice(0, 20),
      ).to.equal("PUBLIC_KEY");
    }
  });

  it("refuses other proof types, malformed proofs, non-EOA DIDs and bodies of another shape", async () => {
    const sig = alice.body.verificationProof.slice("eip191v2:".length);
    expect(rule(await verifyPushProfile({ ...alice.body, verificationProof: `eip191:${sig}` }))).to.equal(
      "PROOF_TYPE",
    );
    expect(rule(await verifyPushProfile({ ...alice.body, verificationProof: `eip712v2:${sig}` }))).to.equal(
      "PROOF_TYPE",
    );
    expect(rule(await verifyPushProfile({ ...alice.body, verificationProof: "eip191v2:0x1234" }))).to.equal(
      "PROOF_FORMAT",
    );
    expect(rule(await verifyPushProfile({ ...alice.body, verificationProof: `eip191v2:1:${sig}` }))).to.equal(
      "PROOF_FORMAT",
    );
    const nft = "nft:eip155:1:0x5FbDB2315678afecb367f032d93F642f64180aa3:1:1700000000";
    expect(rule(await verifyPushProfile({ ...alice.body, caip10: nft, did: nft }))).to.equal("CAIP10");
    const { did, ...noDid } = alice.body;
    void did;
    const missing = await verifyPushProfile(noDid);
    expect(rule(missing)).to.equal("MALFORMED");
    expect(missing.ok ? "" : missing.reason).to.contain('"did": missing');
    expect(rule(await verifyPushProfile({ ...alice.body, caip10: 1 }))).to.equal("MALFORMED");
    expect(rule(await verifyPushProfile({ ...alice.body, extra: "x" }))).to.equal("MALFORMED");
    expect(rule(await verifyPushProfile({ ...alice.body, origin: "app" }))).to.equal("ok"); // origin is not signed
    expect(rule(await verifyPushProfile(JSON.stringify(alice.body)))).to.equal("ok");
    expect(rule(await verifyPushProfile("{"))).to.equal("MALFORMED");
  });
});
