import { expect } from "chai";
import fc from "fast-check";
import * as openpgp from "openpgp";
import { getBytes } from "ethers";
import { MemoryKeyView } from "../../src/message";
import {
  PushDecodeError,
  PushProofError,
  decodePushMessage,
  jsonString,
  parseVerificationProof,
  pushKeyLookupOf,
  pushPreimage,
  validatePushMessage,
} from "../../src/message/push";
import type { PushKeyLookup } from "../../src/message/push";
import { copyBody, messageVectors, profile, pushLookup } from "./push-fixtures";
import { sdkVerifies } from "./push-sdk";

/** Decoding, proof parsing and each rule of validatePushMessage that the twins do not reach. */

const alice = profile("alice");
const bob = profile("bob");
const carol = profile("carol");
const vector = (name: string) => {
  const v = messageVectors.find((m) => m.name === name);
  if (!v) throw new Error(`no vector ${name}`);
  return v;
};
const pgp = vector("pgpv3-pgp-ascii");
const plain = vector("pgpv3-plaintext-ascii");

async function verdict(body: unknown, keys: PushKeyLookup = pushLookup()): Promise<string> {
  const r = await validatePushMessage(body, { keys });
  return r.ok ? "ok" : `${r.code} ${r.rule}`;
}

/** A registry with only the given (owner, key) records. */
function registry(records: [string, string][]): PushKeyLookup {
  const view = new MemoryKeyView();
  for (const [owner, key] of records) view.addKey(owner, getBytes(key), 1n);
  return pushKeyLookupOf(view, 2n);
}

describe("Push message decoding and rules (validatePushMessage)", function () {
  this.timeout(120_000);

  describe("decodePushMessage", () => {
    const required = [
      "fromDID",
      "toDID",
      "fromCAIP10",
      "toCAIP10",
      "messageType",
      "encType",
      "encryptedSecret",
    ];
    for (const field of [...required, "messageContent", "signature", "sigType", "verificationProof"]) {
      it(`a missing ${field} is named`, () => {
        const b = copyBody(pgp.body);
        delete b[field];
        expect(() => decodePushMessage(b)).to.throw(PushDecodeError, `"${field}": missing`);
      });
    }
    it("wrong types and unknown fields are named; JSON text is accepted", () => {
      expect(() => decodePushMessage({ ...pgp.body, toDID: 7 })).to.throw(
        PushDecodeError,
        '"toDID": must be a string, got a number',
      );
      expect(() => decodePushMessage({ ...pgp.body, sessionKey: 1 })).to.throw(
        PushDecodeError,
        '"sessionKey": must be a string or null',
      );
      expect(() => decodePushMessage({ ...pgp.body, messageObj: [1] })).to.throw(
        PushDecodeError,
        '"messageObj": must be a string or an object, got an array',
      );
      expect(() => decodePushMessage({ ...pgp.body, messageObj: null })).to.throw(
        PushDecodeError,
        '"messageObj"',
      );
      expect(() => decodePushMessage({ ...pgp.body, timestamp: 1 })).to.throw(
        PushDecodeError,
        '"timestamp": unknown field',
      );
      expect(() => decodePushMessage([])).to.throw(PushDecodeError, "must be a JSON object, got an array");
      expect(() => decodePushMessage("{")).to.throw(PushDecodeError, "not JSON");
      expect(decodePushMessage(JSON.stringify(pgp.body))).to.deep.equal(pgp.body);
    });
    it("a missing sessionKey reads as null (Push's default) and a missing messageObj is dropped from the preimage", () => {
      const b = copyBody(plain.body);
      delete b.sessionKey;
      delete b.messageObj;
      const m = decodePushMessage(b);
      expect(m.sessionKey).to.equal(null);
      expect("messageObj" in m).to.equal(false);
      expect(pushPreimage(m, "pgpv3")).to.equal(
        JSON.stringify({
          fromDID: b.fromDID,
          toDID: b.fromDID,
          fromCAIP10: b.fromCAIP10,
          toCAIP10: b.toCAIP10,
          messageObj: undefined,
          messageType: b.messageType,
          encType: b.encType,
          sessionKey: null,
          encryptedSecret: b.encryptedSecret,
        }),
      );
      expect(pushPreimage(m, "pgpv3")).to.not.contain("messageObj");
    });
  });

  it("jsonString is JSON.stringify's string escaping", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary" }),
        fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
        (a, b) => {
          expect(jsonString(a)).to.equal(JSON.stringify(a));
          expect(jsonString(b)).to.equal(JSON.stringify(b));
        },
      ),
      { numRuns: 500 },
    );
  });

  describe("parseVerificationProof", () => {
    const armored = pgp.body.verificationProof.slice(6);
    it("names the type and format errors", async () => {
      const err = async (proof: string) => {
        try {
          await parseVerificationProof(proof);
        } catch (e) {
          expect(e).to.be.instanceOf(PushProofError);
          return (e as PushProofError).rule;
        }
        return "ok";
      };
      expect(await err(`pgp:${armored}`)).to.equal("SIG_TYPE");
      expect(await err(`eip191v2:${armored}`)).to.equal("SIG_TYPE");
      expect(await err(`pgpv3:${armored}:extra`)).to.equal("VERIFICATION_PROOF");
      expect(await err("pgpv3:not armor")).to.equal("VERIFICATION_PROOF");
      expect(await err(`pgpv3:${alice.publicKeyArmored}`)).to.equal("VERIFICATION_PROOF");
      expect(await err(`pgpv3:${armored}`)).to.equal("ok");
    });
    it("a bad armor checksum: the SDK (openpgp 5) refuses, MALFORMED VERIFICATION_PROOF", async () => {
      const crc = /^=(.{4})$/m.exec(armored);
      expect(crc).to.not.equal(null);
      const other = crc![1] === "AAAA" ? "AAAB" : "AAAA";
      const body = {
        ...copyBody(pgp.body),
        verificationProof: "pgpv3:" + armored.replace(`=${crc![1]}`, `=${other}`),
      };
      expect(await sdkVerifies(body, alice.publicKeyArmored, bob.privateKeyArmored)).to.equal(false);
      expect(await verdict(body)).to.equal("MALFORMED VERIFICATION_PROOF");
    });
  });

  describe("rules", () => {
    it("MALFORMED: encType, groups, DIDs, messageType, secrets, messageObj", async () => {
      const carolDid = `eip155:${carol.address}`;
      expect(await verdict({ ...pgp.body, encType: "aes" })).to.equal("MALFORMED ENC_TYPE");
      expect(await verdict({ ...pgp.body, encType: "pgpv1:group" })).to.equal("MALFORMED GROUP_UNSUPPORTED");
      const chatId = "b8e068e02fe12d7136bc2f24408835573f30c6fbf0b65ea26ab4c7055a2c85f1";
      expect(await verdict({ ...pgp.body, toDID: chatId, toCAIP10: chatId })).to.equal(
        "MALFORMED GROUP_UNSUPPORTED",
      );
      const badDid = "eip155:0x93a2e6ef5737B10697B8AA24f71EA65caEd80b90"; // broken checksum
      expect(await verdict({ ...pgp.body, fromDID: badDid, fromCAIP10: badDid })).to.equal(
        "MALFORMED FROM_DID",
      );
      expect(
        await verdict({
          ...pgp.body,
          fromDID: "eip155:1:" + alice.address,
          fromCAIP10: "eip155:1:" + alice.address,
        }),
      ).to.equal("MALFORMED FROM_DID");
      expect(await verdict({ ...pgp.body, toDID: pgp.body.fromDID, toCAIP10: pgp.body.fromDID })).to.equal(
        "MALFORMED FROM_EQUALS_TO",
      );
      const lower = "eip155:" + alice.address.toLowerCase();
      expect(await verdict({ ...pgp.body, toDID: lower, toCAIP10: lower })).to.equal(
        "MALFORMED FROM_EQUALS_TO",
      );
      for (const messageType of ["", "Meta", "UserActivity"]) {
        expect(await verdict({ ...pgp.body, messageType })).to.equal("MALFORMED MESSAGE_TYPE");
      }
      expect(await verdict({ ...pgp.body, encryptedSecret: "" })).to.equal("MALFORMED ENCRYPTED_SECRET");
      expect(await verdict({ ...pgp.body, encryptedSecret: null })).to.equal("MALFORMED ENCRYPTED_SECRET");
      expect(await verdict({ ...pgp.body, messageObj: { content: "x" } })).to.equal("MALFORMED MESSAGE_OBJ");
      expect(await verdict({ ...plain.body, encryptedSecret: "x" })).to.equal("MALFORMED ENCRYPTED_SECRET");
      expect(await verdict({ ...pgp.body, fromDID: carolDid })).to.equal("MALFORMED FROM_CAIP10_MISMATCH");
    });

    it("MALFORMED SIGNATURE_SIZE: a signature over 4096 bytes (without reading it)", async () => {
      const big = new Uint8Array(4097);
      big[0] = 0xc2;
      const armored = openpgp.armor(openpgp.enums.armor.signature, big);
      expect(await verdict({ ...pgp.body, verificationProof: `pgpv3:${armored}` })).to.equal(
        "MALFORMED SIGNATURE_SIZE",
      );
    });

    it("UNAUTHORIZED_SENDER: no key, or the signer is not one of the sender's keys", async () => {
      expect(await verdict(pgp.body, registry([[bob.address, bob.publicKey]]))).to.equal(
        "UNAUTHORIZED_SENDER SENDER_NO_KEY",
      );
      expect(
        await verdict(
          pgp.body,
          registry([
            [alice.address, carol.publicKey],
            [bob.address, bob.publicKey],
          ]),
        ),
      ).to.equal("UNAUTHORIZED_SENDER SIGNER_NOT_SENDER_KEY");
      // a second key of the sender is fine: the issuer picks the key
      const r = await validatePushMessage(pgp.body, {
        keys: registry([
          [alice.address, carol.publicKey],
          [alice.address, alice.publicKey],
          [bob.address, bob.publicKey],
        ]),
      });
      expect(r.ok && r.senderKey).to.equal(alice.keyHash);
    });

    it("WRONG_ENCRYPTION: pgp to a recipient with no key, PlainText to one with a key, secret not for the recipient's key", async () => {
      expect(await verdict(pgp.body, registry([[alice.address, alice.publicKey]]))).to.equal(
        "WRONG_ENCRYPTION RECIPIENT_NO_KEY",
      );
      const daveNowKeyed = registry([
        [alice.address, alice.publicKey],
        [plain.to, carol.publicKey],
      ]);
      expect(await verdict(plain.body, daveNowKeyed)).to.equal(
        "WRONG_ENCRYPTION PLAINTEXT_TO_KEYED_RECIPIENT",
      );
      const bobWithCarolsKey = registry([
        [alice.address, alice.publicKey],
        [bob.address, carol.publicKey],
      ]);
      expect(await verdict(pgp.body, bobWithCarolsKey)).to.equal(
        "WRONG_ENCRYPTION NOT_ENCRYPTED_TO_RECIPIENT",
      );
    });

    it("BAD_SIGNATURE SIGNATURE_PROFILE: two signature packets where one is allowed (the plug point)", async () => {
      const sig = getBytes(pgp.signature);
      const doubled = new Uint8Array([...sig, ...sig]);
      const body = {
        ...pgp.body,
        verificationProof: `pgpv3:${openpgp.armor(openpgp.enums.armor.signature, doubled)}`,
      };
      const r = await validatePushMessage(body, { keys: pushLookup() });
      expect(r.ok ? "ok" : `${r.code} ${r.rule}`).to.equal("BAD_SIGNATURE SIGNATURE_PROFILE");
      expect(r.ok ? "" : r.reason).to.match(/^TRAILING_DATA/);
    });

    it("BAD_SIGNATURE SIGNATURE: a valid signature of alice's key over another text", async () => {
      const other = messageVectors.find((m) => m.name === "pgpv3-pgp-quotes")!;
      expect(await verdict({ ...pgp.body, verificationProof: other.body.verificationProof })).to.equal(
        "BAD_SIGNATURE SIGNATURE",
      );
    });

    it("the sender of a vector whose key was revoked before the decision time is UNAUTHORIZED_SENDER", async () => {
      const view = new MemoryKeyView();
      const hash = view.addKey(alice.address, getBytes(alice.publicKey), 1n);
      view.addKey(bob.address, getBytes(bob.publicKey), 1n);
      view.revokeKey(alice.address, hash, 2n);
      expect(await verdict(pgp.body, pushKeyLookupOf(view, 1n))).to.equal("ok");
      expect(await verdict(pgp.body, pushKeyLookupOf(view, 2n))).to.equal(
        "UNAUTHORIZED_SENDER SENDER_NO_KEY",
      );
    });
  });
});
