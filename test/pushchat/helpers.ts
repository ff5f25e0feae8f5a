import fs from "node:fs";
import { Wallet } from "ethers";
import { pushSignedHex } from "../../src/message/push";
import type { PushMessageBody } from "../../src/message/push";
import { sdk } from "../message/push-sdk";
import os from "node:os";
import path from "node:path";
import { startHttpServer } from "../../src/http/server";
import type { RunningHttpServer } from "../../src/http/server";
import { openPushChat, pushChatRoutes } from "../../src/pushchat";
import type { OpenPushChat, PushChatOptions } from "../../src/pushchat";

/** A Push Chat API on 127.0.0.1 (a free port) over a fresh data directory (`pointSdkAt` points the SDK at it). */
export { pointSdkAt } from "../../src/testing/push-sdk";

export interface TestApi {
  chat: OpenPushChat;
  http: RunningHttpServer;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function startTestApi(opts: PushChatOptions = {}, dataDir?: string): Promise<TestApi> {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "pushchat-"));
  const chat = await openPushChat(dir, opts);
  const http = await startHttpServer({ routes: pushChatRoutes(chat.service), port: 0 });
  return {
    chat,
    http,
    url: http.url,
    dataDir: dir,
    close: async () => {
      await http.close();
      chat.close();
    },
  };
}

/** A raw call to the API: status and parsed JSON (or text). */
export async function call(
  url: string,
  method: string,
  p: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url + p, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, json };
}

/** The `error` sentence of a 4xx/5xx answer. */
export function errorOf(r: { json: unknown }): string {
  const j = r.json as { error?: unknown };
  return typeof j?.error === "string" ? j.error : JSON.stringify(r.json);
}

// ------------------------------------------------------------ bodies made like the SDK makes them

/** A wallet with the SDK's key pair (from PushAPI.initialize: its decrypted private key and stored public key). */
export interface KeyedUser {
  wallet: Wallet;
  did: string;
  privateKeyArmored: string;
  publicKeyArmored: string;
}

export function newWallet(): Wallet {
  return new Wallet(Wallet.createRandom().privateKey);
}

/** The SDK's PGP signature (openpgp 5, detached, armored) over `text`. */
export function sdkSign(text: string, privateKeyArmored: string): Promise<string> {
  return sdk.pgp.PGPHelper.sign({ message: text, signingKey: privateKeyArmored });
}

/**
 * A message body exactly as the SDK builds it (sendMessagePayloadCore): PlainText when `encryptTo` is
 * empty, else pgp with the secret encrypted (openpgp 5) to those armored keys. `messageObj` of a pgp body
 * is an opaque AES-looking string: the node cannot and does not decrypt it.
 */
export async function messageBody(
  from: KeyedUser,
  toDid: string,
  content: string,
  encryptTo: string[] = [],
): Promise<Record<string, unknown>> {
  const pgp = encryptTo.length > 0;
  const cipher = (s: string) => "U2FsdGVkX1" + Buffer.from(s).toString("base64");
  const body: Record<string, unknown> = {
    fromDID: from.did,
    toDID: toDid,
    fromCAIP10: from.did,
    toCAIP10: toDid,
    messageType: "Text",
    messageObj: pgp ? cipher(JSON.stringify({ content })) : { content },
    encType: pgp ? "pgp" : "PlainText",
    sessionKey: null,
    encryptedSecret: pgp
      ? await (
          sdk.pgp.PGPHelper as unknown as {
            pgpEncrypt(a: { plainText: string; keys: string[] }): Promise<string>;
          }
        ).pgpEncrypt({ plainText: "secret123456789", keys: encryptTo })
      : "",
    messageContent: pgp ? cipher(content) : content,
  };
  body.signature = await sdkSign(body.messageContent as string, from.privateKeyArmored);
  body.sigType = "pgpv3";
  body.verificationProof =
    "pgpv3:" + (await sdkSign(pushSignedHex(body as unknown as PushMessageBody), from.privateKeyArmored));
  return body;
}
