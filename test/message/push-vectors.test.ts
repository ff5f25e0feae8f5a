import { expect } from "chai";
import { getBytes, hexlify } from "ethers";
import {
  decodePushMessage,
  jsonString,
  parseVerificationProof,
  pushPreimage,
  pushSignedHex,
  validatePushMessage,
  verifyPushSignature,
} from "../../src/message/push";
import type { PushSigVersion } from "../../src/message/push";
import { copyBody, messageVectors, profile, pushLookup, twinsOf } from "./push-fixtures";
import { sdkVerifies } from "./push-sdk";

/**
 * The committed SDK vectors (test/fixtures/push/messages.json): the SDK's own verification
 * (decryptAndVerifyMessage) and src/message/push agree on every vector and on a twin per field.
 */

const alice = profile("alice");
const bob = profile("bob");
const carol = profile("carol");
const aliceKey = getBytes(alice.publicKey);

/** Our signature verdict alone (preimage, hex, openpgp.js), to compare with the SDK's. */
async function ourSignatureOk(body: unknown): Promise<boolean> {
  const m = decodePushMessage(body);
  const proof = await parseVerificationProof(m.verificationProof);
  return (await verifyPushSignature(pushSignedHex(m, proof.version), proof.signature, aliceKey)).ok;
}

/** The private key that can decrypt a vector (the recipient's for pgp; the SDK swallows failures). */
const readerOf = (to: string) => (to === bob.address ? bob : alice).privateKeyArmored;

describe("Push SDK vectors (test/fixtures/push)", function () {
  this.timeout(600_000);
  const lookup = pushLookup();

  it("cover pgpv3 and pgpv2, pgp and PlainText, and the listed contents", () => {
    const names = messageVectors.map((v) => v.name);
    for (const prefix of ["pgpv3-pgp-", "pgpv3-plaintext-", "pgpv2-pgp-", "pgpv2-plaintext-"]) {
      expect(names.filter((n) => n.startsWith(prefix))).to.not.be.empty;
    }
    for (const c of [
      "astral",
      "quotes",
      "backslashes",
      "controls",
      "script",
      "empty",
      "long",
      "lone-surrogate",
    ]) {
      expect(
        names.some((n) => n.endsWith(`-${c}`)),
        c,
      ).to.equal(true);
    }
  });

  for (const v of messageVectors) {
    describe(v.name, () => {
      it("decodes with the SDK's key order and rebuilds its preimage, hex and signature", async () => {
        const m = decodePushMessage(v.body);
        expect(Object.keys(m)).to.deep.equal(Object.keys(v.body));
        expect(m).to.deep.equal(v.body);
        expect(pushPreimage(m, v.version as PushSigVersion)).to.equal(v.preimage);
        expect(pushSignedHex(m, v.version as PushSigVersion)).to.equal(v.signedHex);
        expect(hexlify((await parseVerificationProof(m.verificationProof)).signature)).to.equal(v.signature);
      });

      it("the preimage is the SDK's JSON with JSON.stringify's string escaping (json.ts)", () => {
        const b = v.body as Record<string, unknown>;
        const obj = b.messageObj;
        const objJson =
          typeof obj === "string"
            ? jsonString(obj)
            : `{"content":${jsonString((obj as { content: string }).content)}}`;
        const secret = b.encryptedSecret === null ? "null" : jsonString(b.encryptedSecret as string);
        const rebuilt =
          `{"fromDID":${jsonString(b.fromDID as string)},"toDID":${jsonString(b.fromDID as string)},` +
          `"fromCAIP10":${jsonString(b.fromCAIP10 as string)},"toCAIP10":${jsonString(b.toCAIP10 as string)},` +
          `"messageObj":${objJson},"messageType":${jsonString(b.messageType as string)},` +
          `"encType":${jsonString(b.encType as string)},` +
          (v.version === "pgpv3" ? `"sessionKey":null,` : "") +
          `"encryptedSecret":${secret}}`;
        expect(rebuilt).to.equal(v.preimage);
      });

      it("the SDK and validatePushMessage accept it", async () => {
        expect(await sdkVerifies(v.body, alice.publicKeyArmored, readerOf(v.to))).to.equal(true);
        expect(await ourSignatureOk(v.body)).to.equal(true);
        const r = await validatePushMessage(v.body, { keys: lookup });
        if (!r.ok) expect.fail(`${r.code} ${r.rule}: ${r.reason}`);
        expect(r.version).to.equal(v.version);
        expect(r.senderKey).to.equal(alice.keyHash);
        expect(r.recipientKey).to.equal(v.encType === "pgp" ? bob.keyHash : null);
        expect(r.signedHex).to.equal(v.signedHex);
      });

      it("a twin with one changed field: the SDK and src/message/push agree", async () => {
        for (const twin of twinsOf(copyBody(v.body), v.version, `eip155:${carol.address}`)) {
          const sdk = await sdkVerifies(twin.body, alice.publicKeyArmored, readerOf(v.to));
          const ours = await ourSignatureOk(twin.body);
          expect(sdk, `${twin.field}: the SDK`).to.equal(twin.signatureOk);
          expect(ours, `${twin.field}: ours`).to.equal(twin.signatureOk);
          const r = await validatePushMessage(twin.body, { keys: lookup });
          const got = r.ok ? { ok: true } : { code: r.code, rule: r.rule };
          expect(got, twin.field).to.deep.equal(twin.expect);
        }
      });
    });
  }
});
