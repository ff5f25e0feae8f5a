// PushPreimage rebuilds the hex text the Push Chat SDK signs for a message (pgpv3, and pgpv2 of older clients),
// byte for byte: differential against the SDK's own sendMessagePayloadCore (pgpv3) and decryptAndVerifyMessage
// (pgpv2) on generated contents, encrypted and plaintext.
import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import { sha256, toUtf8Bytes } from "ethers";
import type { PushLibrariesHarness } from "../../typechain-types";
import type { PushPreimage } from "../../typechain-types/contracts/test/PushLibrariesHarness";
import { sdkMessage, sdkUser } from "./sdk";
import type { SdkUser } from "./sdk";
import { wtf8 } from "./wtf8";
import { pushPreimage } from "../../src/message/push";
import type { PushMessageBody } from "../../src/message/push";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkCrypto = require("@pushprotocol/restapi/src/lib/chat/helpers/crypto") as {
  decryptAndVerifyMessage(
    message: Record<string, unknown>,
    publicKey: string,
    privateKey: string,
    env: string,
    pgpHelper: Record<string, unknown>,
  ): Promise<unknown>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkPgp = require("@pushprotocol/restapi/src/lib/chat/helpers/pgp") as {
  PGPHelper: Record<string, unknown>;
};

const KIND = { Undefined: 0, Null: 1, String: 2, ContentObject: 3, Raw: 4 } as const;
const PER_KIND = Number(process.env.PUSH_MESSAGES ?? 40);

type Value = PushPreimage.ValueStruct;
type Message = PushPreimage.MessageStruct;

/** How calldata carries a value of the signed object (see PushPreimage's notice). */
function value(v: unknown): Value {
  if (v === undefined) return { kind: KIND.Undefined, data: "0x" };
  if (v === null) return { kind: KIND.Null, data: "0x" };
  if (typeof v === "string") return { kind: KIND.String, data: wtf8(v) };
  const keys = typeof v === "object" ? Object.keys(v as object) : [];
  const content = (v as { content?: unknown }).content;
  if (keys.length === 1 && keys[0] === "content" && typeof content === "string")
    return { kind: KIND.ContentObject, data: wtf8(content) };
  return { kind: KIND.Raw, data: toUtf8Bytes(JSON.stringify(v)) };
}

/** The signed fields of a message body, as PushPreimage takes them. */
function fields(body: Record<string, unknown>): Message {
  return {
    fromDID: wtf8(body.fromDID as string),
    fromCAIP10: wtf8(body.fromCAIP10 as string),
    toCAIP10: wtf8(body.toCAIP10 as string),
    messageObj: value(body.messageObj),
    messageType: wtf8(body.messageType as string),
    encType: wtf8(body.encType as string),
    sessionKey: value(body.sessionKey),
    encryptedSecret: value(body.encryptedSecret),
  };
}

/** The hex text the SDK's own verification (decryptAndVerifyMessage) hashes for a `pgpv2` body. */
async function sdkPgpv2Hex(body: Record<string, unknown>, user: SdkUser): Promise<string> {
  let seen: string | undefined;
  const helper = {
    ...sdkPgp.PGPHelper,
    async verifySignature({ messageContent }: { messageContent: string }) {
      seen = messageContent;
      throw new Error("captured");
    },
  };
  await sdkCrypto
    .decryptAndVerifyMessage(
      { ...body, verificationProof: "pgpv2:x" },
      user.armoredPublicKey,
      user.armoredPrivateKey,
      "local",
      helper,
    )
    .catch(() => undefined);
  if (!seen) throw new Error("the SDK hashed nothing");
  return seen;
}

const content = fc.oneof(
  fc.string({ unit: "binary", maxLength: 60 }),
  fc
    .array(
      fc.constantFrom(
        '"',
        "\\",
        "\n",
        "\u0000",
        "\u001f",
        "</script>",
        "\u2028",
        "\ud83d\ude00",
        "\u00e9",
        "a",
        " ",
      ),
      { maxLength: 40 },
    )
    .map((a) => a.join("")),
  fc.constant(""),
  fc.constant("x".repeat(1024)),
);

describe("PushPreimage", () => {
  let h: PushLibrariesHarness;
  let alice: SdkUser;
  let bob: SdkUser;

  before(async () => {
    h = (await ethers.deployContract("PushLibrariesHarness")) as unknown as PushLibrariesHarness;
    alice = await sdkUser();
    bob = await sdkUser();
  });

  it(`pgpv3: the SDK's signed hex for ${PER_KIND} encrypted and ${PER_KIND} plaintext messages, and pgpv2`, async () => {
    const contents = fc.sample(content, { numRuns: PER_KIND, seed: 13 });
    const stranger = ethers.Wallet.createRandom().address;
    let checked = 0;
    for (const [i, text] of contents.entries()) {
      for (const to of [bob, stranger]) {
        const { body, signedHex } = await sdkMessage(alice, to, text);
        expect(body.encType).to.equal(typeof to === "string" ? "PlainText" : "pgp");
        const m = fields(body);
        expect(ethers.toUtf8String(await h.pgpv3Hex(m)), `message ${i}`).to.equal(signedHex);
        // The preimage itself is JSON.stringify of the SDK's object (src/message/push, checked against the
        // SDK's own hashing in test/message/push-differential.test.ts).
        const preimage = pushPreimage(body as unknown as PushMessageBody, "pgpv3");
        expect(await h.preimage(m, true)).to.equal(ethers.hexlify(toUtf8Bytes(preimage)));
        expect(sha256(toUtf8Bytes(preimage)).slice(2)).to.equal(signedHex);
        if (i % 4 === 0) {
          expect(ethers.toUtf8String(await h.pgpv2Hex(m))).to.equal(await sdkPgpv2Hex(body, alice));
        }
        // A twin with one changed field hashes differently on both sides.
        const twin = { ...body, toCAIP10: (body.toCAIP10 as string).toLowerCase() + "0" };
        const twinHex = sha256(toUtf8Bytes(pushPreimage(twin as unknown as PushMessageBody, "pgpv3"))).slice(
          2,
        );
        expect(ethers.toUtf8String(await h.pgpv3Hex(fields(twin))))
          .to.equal(twinHex)
          .and.not.equal(signedHex);
        checked++;
      }
    }
    expect(checked).to.equal(2 * PER_KIND);
  });

  it("null is kept, undefined dropped; other plaintext objects travel pre-serialized (Raw)", async () => {
    const base = {
      fromDID: "eip155:0xAbC",
      fromCAIP10: "eip155:0xAbC",
      toCAIP10: "eip155:0xdef",
      messageType: "Reply",
      encType: "PlainText",
    };
    const cases: Record<string, unknown>[] = [
      {
        ...base,
        messageObj: { content: { messageType: "Text", messageObj: { content: "hi" } }, reference: "bafy" },
      },
      { ...base, messageObj: undefined, sessionKey: undefined, encryptedSecret: undefined },
      { ...base, messageObj: null, sessionKey: null, encryptedSecret: null },
      {
        ...base,
        messageObj: "U2FsdGVkX1+abc",
        sessionKey: "sk\u2028",
        encryptedSecret: "-----BEGIN PGP MESSAGE-----\n",
      },
      { ...base, messageObj: { content: "" }, sessionKey: null, encryptedSecret: "" },
    ];
    for (const body of cases) {
      const v3 = pushPreimage(body as unknown as PushMessageBody, "pgpv3");
      const v2 = pushPreimage(body as unknown as PushMessageBody, "pgpv2");
      const m = fields(body);
      expect(await h.preimage(m, true)).to.equal(ethers.hexlify(toUtf8Bytes(v3)));
      expect(await h.preimage(m, false)).to.equal(ethers.hexlify(toUtf8Bytes(v2)));
      expect(ethers.toUtf8String(await h.pgpv2Hex(m))).to.equal(sha256(toUtf8Bytes(v2)).slice(2));
    }
  });

  it("gas: pgpv3Hex of an encrypted 1 KiB message", async () => {
    const { body, signedHex } = await sdkMessage(alice, bob, "z".repeat(1024));
    const m = fields(body);
    expect(ethers.toUtf8String(await h.pgpv3Hex(m))).to.equal(signedHex);
    const gas = await h.pgpv3HexGas(m);
    const bytes = (body.messageObj as string).length + (body.encryptedSecret as string).length;
    console.log(
      `      pgpv3Hex of an encrypted 1 KiB message (${bytes} bytes of messageObj + encryptedSecret): ${gas} gas`,
    );
    expect(gas).to.be.lessThan(60_000n);
  });
});
