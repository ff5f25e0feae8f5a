import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startHttpServer } from "../../src/http/server";
import type { RunningHttpServer } from "../../src/http/server";
import { openPushChat, pushChatRoutes } from "../../src/pushchat";
import type { OpenPushChat, PushChatOptions } from "../../src/pushchat";

/**
 * A Push Chat API on 127.0.0.1 (a free port) over a fresh data directory, and the SDK pointed at it.
 *
 * The SDK's `env: "local"` reads its base URL at every call from the exported object
 * `API_BASE_URL` of `@pushprotocol/restapi/src/lib/config.js` ("http://localhost:4000/apis"). `pointSdkAt`
 * sets that entry, in memory, to this server's URL: no SDK file is modified and every SDK function runs as
 * published, over real HTTP.
 */

const SDK_DIR = path.dirname(require.resolve("@pushprotocol/restapi/package.json"));

interface SdkConfig {
  API_BASE_URL: Record<string, string>;
}

/** Points the SDK's env "local" at `baseUrl` (e.g. http://127.0.0.1:PORT); returns a function restoring it. */
export function pointSdkAt(baseUrl: string): () => void {
  const config = require(path.join(SDK_DIR, "src/lib/config")) as SdkConfig;
  const previous = config.API_BASE_URL.local;
  config.API_BASE_URL.local = `${baseUrl}/apis`;
  return () => {
    config.API_BASE_URL.local = previous;
  };
}

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
