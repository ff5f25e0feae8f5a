/**
 * Writes test/fixtures/push/{profiles,messages}.json: Push Chat payloads made by the UNMODIFIED SDK
 * (`@pushprotocol/restapi` 1.7.32), for the TypeScript tests (test/message/push*.test.ts) and the
 * contracts' tests. No network: the SDK runs with `env: "local"` against a recording stub of Push's
 * backend on 127.0.0.1:4000 (test/message/push-sdk.ts), and the bodies it POSTs are the vectors.
 *
 *   npx ts-node scripts/gen-push-vectors.ts            (port 4000 must be free)
 *
 * - profiles: `user.create({signer: ethers Wallet, env})` (RSA-2048 key pair, eip191v2 proof) for
 *   alice, bob, carol; dave has no profile (the SDK sends him PlainText).
 * - messages: `chat.send` of each content, pgpv3: `pgp` alice -> bob, `PlainText` alice -> dave.
 * - pgpv2: SDK 1.7.32 has no builder for it (it only verifies pgpv2). Those vectors are the SDK's pgpv3
 *   body with `verificationProof = "pgpv2:" + PGPHelper.sign(generateHash(pgpv2 preimage))` and
 *   `sigType: "pgpv2"`, the preimage being the one the SDK's `decryptAndVerifyMessage` checks for pgpv2
 *   (the pgpv3 one without sessionKey), built with the SDK's own generateHash and PGPHelper.sign.
 * Every message is checked with the SDK's `decryptAndVerifyMessage` before it is written. The size
 * limits are exercised by test/message/push-differential.test.ts (SDK-built at run time, not committed).
 */
import * as dns from "node:dns";
import * as fs from "node:fs";
import * as path from "node:path";
import { Wallet, id, hexlify } from "ethers";
import { parseVerificationProof, pushPreimage, sha256Hex, verifyPushProfile } from "../src/message/push";
import type { PushMessageBody } from "../src/message/push";
import {
  PushBackendStub,
  sdk,
  sdkCreateProfile,
  sdkProfileVerifies,
  sdkSend,
  sdkVerifies,
} from "../test/message/push-sdk";
import type { SdkProfile } from "../test/message/push-sdk";

const OUT_DIR = path.join(__dirname, "..", "test", "fixtures", "push");

/** Test-only wallets, derived from fixed labels so the addresses are stable across regenerations. */
export const WALLET_LABELS = ["alice", "bob", "carol", "dave"] as const;
const walletOf = (label: string) => new Wallet(id(`push-vectors/${label}`));

/** The contents every format is made with (name, content). */
const CONTENTS: [string, string][] = [
  ["ascii", "hello from the Push SDK"],
  ["astral", "astral plane: \u{1F600} \u{1D11E} \u{1F9D1}\u200D\u{1F680} \u{10FFFF}"],
  ["quotes", `quotes "double" 'single' \`back\``],
  ["backslashes", "back\\slash \\n \\u0041 \\\\ end\\"],
  ["controls", "controls \u0000\u0001\u0007\b\t\n\u000b\f\r\u001b\u001f\u007f\u0080\u009f end"],
  ["script", "</script><script>alert(1)</script><!-- -->"],
  ["separators", "line\u2028separator\u2029paragraph \uFEFF bom"],
  ["empty", ""],
  ["long", "The quick brown fox \u00e9\u4e2d\u{1F98A} jumps. ".repeat(250)],
];

/** PlainText only: a lone surrogate (the SDK's AES path cannot encode it, JSON.stringify escapes it). */
const PLAINTEXT_ONLY: [string, string][] = [["lone-surrogate", "lone \ud800 high and \udc00 low"]];

interface MessageVector {
  name: string;
  version: "pgpv3" | "pgpv2";
  encType: string;
  from: string;
  to: string;
  /** The plaintext the sender typed. */
  content: string;
  /** The exact body the SDK POSTed (key order kept). */
  body: Record<string, unknown>;
  /** The signed preimage and its 64-hex SHA-256 (the text the OpenPGP signature signs). */
  preimage: string;
  signedHex: string;
  /** The de-armored signature packet, 0x hex. */
  signature: string;
  /** What validatePushMessage gives with the registry of profiles.json and default parameters. */
  expect: { ok: true };
}

async function main(): Promise<void> {
  dns.setDefaultResultOrder("ipv4first"); // the SDK calls http://localhost:4000
  const backend = new PushBackendStub();
  const server = await backend.listen(4000);
  try {
    const profiles = new Map<string, SdkProfile>();
    const registered = new Map<string, { publicKey: string; keyHash: string }>();
    for (const label of ["alice", "bob", "carol"]) {
      const p = await sdkCreateProfile(backend, walletOf(label));
      if (!(await sdkProfileVerifies(p.body, p.address)))
        throw new Error(`the SDK refuses ${label}'s profile`);
      const mine = await verifyPushProfile(p.body);
      if (!mine.ok)
        throw new Error(`verifyPushProfile refuses ${label}'s profile: ${mine.rule} ${mine.reason}`);
      profiles.set(label, p);
      registered.set(label, { publicKey: hexlify(mine.publicKey), keyHash: mine.keyHash });
      console.log(`profile ${label} ${p.address} (${JSON.stringify(p.body).length} bytes)`);
    }
    const alice = profiles.get("alice")!;
    const bob = profiles.get("bob")!;
    const dave = walletOf("dave");

    const messages: MessageVector[] = [];
    const record = async (
      name: string,
      version: "pgpv3" | "pgpv2",
      to: string,
      content: string,
      body: Record<string, unknown>,
    ) => {
      const reader = to === bob.address ? bob : alice;
      if (!(await sdkVerifies(body, alice.publicKeyArmored, reader.privateKeyArmored))) {
        throw new Error(`the SDK refuses its own message ${name}`);
      }
      const preimage = pushPreimage(body as unknown as PushMessageBody, version);
      const proof = await parseVerificationProof(body.verificationProof as string);
      messages.push({
        name,
        version,
        encType: body.encType as string,
        from: alice.address,
        to,
        content,
        body,
        preimage,
        signedHex: sha256Hex(preimage),
        signature: hexlify(proof.signature),
        expect: { ok: true },
      });
      console.log(`message ${name}`);
    };
    const toPgpv2 = async (body: Record<string, unknown>): Promise<Record<string, unknown>> => {
      const hash = sdk.helpersCrypto.generateHash({
        fromDID: body.fromDID,
        toDID: body.fromDID,
        fromCAIP10: body.fromCAIP10,
        toCAIP10: body.toCAIP10,
        messageObj: body.messageObj,
        messageType: body.messageType,
        encType: body.encType,
        encryptedSecret: body.encryptedSecret,
      });
      const signature = await sdk.pgp.PGPHelper.sign({ message: hash, signingKey: alice.privateKeyArmored });
      return { ...body, sigType: "pgpv2", verificationProof: `pgpv2:${signature}` };
    };

    for (const [name, content] of CONTENTS) {
      const pgp = await sdkSend(backend, alice, bob.address, content);
      await record(`pgpv3-pgp-${name}`, "pgpv3", bob.address, content, pgp);
      const plain = await sdkSend(backend, alice, dave.address, content);
      await record(`pgpv3-plaintext-${name}`, "pgpv3", dave.address, content, plain);
      if (["ascii", "astral", "controls", "empty"].includes(name)) {
        await record(`pgpv2-pgp-${name}`, "pgpv2", bob.address, content, await toPgpv2(pgp));
        await record(`pgpv2-plaintext-${name}`, "pgpv2", dave.address, content, await toPgpv2(plain));
      }
    }
    for (const [name, content] of PLAINTEXT_ONLY) {
      await record(
        `pgpv3-plaintext-${name}`,
        "pgpv3",
        dave.address,
        content,
        await sdkSend(backend, alice, dave.address, content),
      );
    }
    fs.mkdirSync(OUT_DIR, { recursive: true });
    const header = {
      sdk: `@pushprotocol/restapi ${sdk.version}`,
      generator: "scripts/gen-push-vectors.ts",
      note: "Test-only keys and wallets; never use them for anything else.",
    };
    const profileVectors = [...profiles.entries()].map(([name, p]) => ({
      name,
      walletPrivateKey: p.wallet.privateKey,
      address: p.address,
      body: p.body,
      preimage: JSON.stringify({
        caip10: p.body.caip10,
        did: p.body.did,
        publicKey: p.body.publicKey,
        encryptedPrivateKey: p.body.encryptedPrivateKey,
      }),
      signedHex: sdk.helpersCrypto.generateHash({
        caip10: p.body.caip10,
        did: p.body.did,
        publicKey: p.body.publicKey,
        encryptedPrivateKey: p.body.encryptedPrivateKey,
      }),
      publicKeyArmored: p.publicKeyArmored,
      /** The binary key the registry registers (de-armored publicKey.key) and its keyHash. */
      publicKey: registered.get(name)!.publicKey,
      keyHash: registered.get(name)!.keyHash,
      privateKeyArmored: p.privateKeyArmored,
    }));
    fs.writeFileSync(
      path.join(OUT_DIR, "profiles.json"),
      JSON.stringify(
        {
          ...header,
          profiles: profileVectors,
          keyless: [{ name: "dave", walletPrivateKey: dave.privateKey, address: dave.address }],
        },
        null,
        2,
      ) + "\n",
    );
    fs.writeFileSync(
      path.join(OUT_DIR, "messages.json"),
      JSON.stringify({ ...header, messages }, null, 2) + "\n",
    );
    console.log(`wrote ${profileVectors.length} profiles and ${messages.length} messages to ${OUT_DIR}`);
  } finally {
    server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
