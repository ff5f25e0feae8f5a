import * as http from "node:http";
import * as path from "node:path";
import { getAddress } from "ethers";
import type { Wallet } from "ethers";

/**
 * Drives the UNMODIFIED Push Chat SDK (`@pushprotocol/restapi` 1.7.32, with its own openpgp 5) without
 * the network, for the vector generator (scripts/gen-push-vectors.ts) and the Push tests.
 *
 * The SDK's user creation and `chat.send` reach the backend only for a few calls (user lookup and
 * creation, conversation hash, the request/message POST). `PushBackendStub` answers them the way Push's
 * backend did and records every body the SDK POSTs. It is mounted either as a real HTTP server on
 * 127.0.0.1:4000 (the SDK's `env: "local"` is `http://localhost:4000/apis`; used by the generator) or as
 * the adapter of the SDK's own axios instance (in-process, no port: used by the tests, so that they
 * never collide with another process on port 4000). Either way every SDK function runs as published.
 */

const SDK_DIR = path.dirname(require.resolve("@pushprotocol/restapi/package.json"));
const sdkRequire = (rel: string): unknown => require(path.join(SDK_DIR, "src/lib", rel));

// The SDK functions used, by path (src/lib/...):
interface SdkUserModule {
  /** user/createUser.js `create`: generates the RSA key pair, encrypts it, POSTs /v2/users/. */
  create(options: { signer: Wallet; env: string }): Promise<{ decryptedPrivateKey: string }>;
}
interface SdkChatModule {
  /** chat/send.js `send`: builds the message body (sendMessagePayloadCore) and POSTs it. */
  send(options: {
    messageContent?: string;
    message?: { type: string; content: string };
    to: string;
    signer: Wallet;
    pgpPrivateKey: string;
    env: string;
  }): Promise<unknown>;
}
interface SdkCryptoModule {
  /** chat/helpers/crypto.js: the SDK's verification (and decryption) of a received message. */
  decryptAndVerifyMessage(
    message: unknown,
    pgpPublicKey: string,
    pgpPrivateKey: string,
    env: string,
  ): Promise<{ messageContent: string; messageObj: unknown }>;
}
interface SdkPgpModule {
  /** chat/helpers/pgp.js: the SDK's OpenPGP helper (openpgp 5). */
  PGPHelper: {
    sign(args: { message: string; signingKey: string }): Promise<string>;
    generateKeyPair(): Promise<{ privateKeyArmored: string; publicKeyArmored: string }>;
  };
}
interface SdkSignatureModule {
  /** chat/helpers/signature.js: checks a profile's verificationProof (eip191v2: viem recoverAddress). */
  verifyProfileSignature(verificationProof: string, signedData: string, address: string): Promise<boolean>;
}
interface SdkHelpersCryptoModule {
  /** helpers/crypto.js: CryptoJS SHA-256 hex of JSON.stringify(message). */
  generateHash(message: unknown): string;
  /** helpers/crypto.js: what the SDK does with a fetched profile (lenient: warns, returns the key). */
  verifyProfileKeys(
    encryptedPrivateKey: string,
    publicKey: string,
    did: string,
    caip10: string,
    verificationProof: string,
  ): Promise<string>;
}

export const sdk = {
  user: sdkRequire("user") as SdkUserModule,
  chat: sdkRequire("chat") as SdkChatModule,
  crypto: sdkRequire("chat/helpers/crypto") as SdkCryptoModule,
  pgp: sdkRequire("chat/helpers/pgp") as SdkPgpModule,
  signature: sdkRequire("chat/helpers/signature") as SdkSignatureModule,
  helpersCrypto: sdkRequire("helpers/crypto") as SdkHelpersCryptoModule,
  version: (require(path.join(SDK_DIR, "package.json")) as { version: string }).version,
};

export const SDK_ENV = "local";

/** A user record as Push's backend returned it (`GET /v2/users/?caip10=`). */
interface UserRecord {
  did: string;
  wallets: string;
  publicKey: string;
  encryptedPrivateKey: string;
  verificationProof: string | null;
  profile: {
    name: string | null;
    desc: string | null;
    picture: string | null;
    blockedUsersList: string[];
    profileVerificationProof: string | null;
  };
  msgSent: number;
  maxMsgPersisted: number;
}

export interface RecordedPost {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

/** The minimal Push backend of one-to-one chat (see PUSH-CHAT.md), recording what the SDK sends. */
export class PushBackendStub {
  private readonly users = new Map<string, UserRecord>();
  readonly posts: RecordedPost[] = [];

  private static id(did: string): string {
    return did.replace(/^eip155:/, "").toLowerCase();
  }

  /** Handles one request; `url` is the full URL or path, `body` the parsed JSON body (if any). */
  handle(method: string, url: string, body: unknown): { status: number; data: unknown } {
    const u = new URL(url, "http://localhost:4000");
    const p = u.pathname.replace(/^\/apis/, "");
    method = method.toUpperCase();
    if (method !== "GET") this.posts.push({ method, path: p, body: body as Record<string, unknown> });
    if (method === "GET" && p === "/v2/users/") {
      const did = u.searchParams.get("caip10") ?? "";
      return { status: 200, data: this.users.get(PushBackendStub.id(did)) ?? null };
    }
    if (method === "POST" && p === "/v2/users/") {
      const b = body as {
        caip10: string;
        did: string;
        publicKey: string;
        encryptedPrivateKey: string;
        verificationProof?: string;
      };
      const id = PushBackendStub.id(b.did);
      const existing = this.users.get(id);
      // A keyless placeholder (publicKey "") never replaces a real profile.
      if (!(existing && existing.publicKey !== "" && b.publicKey === "")) {
        this.users.set(id, {
          did: b.did,
          wallets: b.caip10,
          publicKey: b.publicKey,
          encryptedPrivateKey: b.encryptedPrivateKey,
          verificationProof: b.verificationProof ?? null,
          profile: {
            name: null,
            desc: null,
            picture: null,
            blockedUsersList: [],
            profileVerificationProof: null,
          },
          msgSent: 0,
          maxMsgPersisted: 1000,
        });
      }
      return { status: 200, data: this.users.get(id) };
    }
    if (method === "GET" && /^\/v1\/chat\/users\/[^/]+\/conversations\/[^/]+\/hash$/.test(p)) {
      // No thread yet: every send is a request (the body is the same for /request and /message).
      return { status: 200, data: { threadHash: null, intent: false } };
    }
    if (method === "POST" && (p === "/v1/chat/request" || p === "/v1/chat/message")) {
      return { status: 200, data: body };
    }
    return { status: 404, data: { error: `stub: no route for ${method} ${p}` } };
  }

  /** The bodies POSTed to `path` since index `from`. */
  postsTo(path: string, from = 0): Record<string, unknown>[] {
    return this.posts
      .slice(from)
      .filter((r) => r.path === path)
      .map((r) => r.body);
  }

  /** Serves the stub on 127.0.0.1:`port` (the SDK's env "local" is port 4000). */
  async listen(port = 4000): Promise<http.Server> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let out: { status: number; data: unknown };
        try {
          out = this.handle(req.method ?? "GET", req.url ?? "/", text === "" ? undefined : JSON.parse(text));
        } catch (e) {
          out = { status: 500, data: { error: (e as Error).message } };
        }
        res.writeHead(out.status, { "content-type": "application/json" });
        res.end(JSON.stringify(out.data));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", (e: NodeJS.ErrnoException) =>
        reject(
          e.code === "EADDRINUSE" ? new Error(`port ${port} is in use; the SDK's env "local" needs it`) : e,
        ),
      );
      server.listen(port, "127.0.0.1", () => resolve());
    });
    return server;
  }

  /**
   * Routes the SDK's own axios (its node_modules/axios 0.27) to this stub in-process; returns a function
   * that restores the previous adapter.
   */
  installAxiosAdapter(): () => void {
    const axiosPath = require.resolve("axios", { paths: [path.join(SDK_DIR, "src/lib/utils")] });
    const axios =
      (require(axiosPath) as { default?: AxiosLike } & AxiosLike).default ??
      (require(axiosPath) as AxiosLike);
    const previous = axios.defaults.adapter;
    axios.defaults.adapter = async (config: AxiosConfig) => {
      const body =
        typeof config.data === "string" && config.data !== "" ? JSON.parse(config.data) : config.data;
      const out = this.handle(config.method ?? "get", config.url ?? "/", body);
      if (out.status >= 400) throw new Error(`stub ${out.status}: ${JSON.stringify(out.data)}`);
      return {
        data: JSON.stringify(out.data),
        status: out.status,
        statusText: "OK",
        headers: { "content-type": "application/json" },
        config,
        request: {},
      };
    };
    return () => {
      axios.defaults.adapter = previous;
    };
  }
}

interface AxiosConfig {
  url?: string;
  method?: string;
  data?: unknown;
}
interface AxiosLike {
  defaults: { adapter: unknown };
}

/** A profile made by the SDK's user creation, with the key pair it generated. */
export interface SdkProfile {
  wallet: Wallet;
  address: string;
  /** The exact body the SDK POSTed to /v2/users/ (key order kept). */
  body: {
    caip10: string;
    did: string;
    publicKey: string;
    encryptedPrivateKey: string;
    verificationProof: string;
  };
  publicKeyArmored: string;
  privateKeyArmored: string;
}

/** Creates a Push profile for `wallet` with the SDK (`user.create`) and returns what it posted. */
export async function sdkCreateProfile(backend: PushBackendStub, wallet: Wallet): Promise<SdkProfile> {
  const from = backend.posts.length;
  const created = await sdk.user.create({ signer: wallet, env: SDK_ENV });
  const posted = backend.postsTo("/v2/users/", from);
  if (posted.length !== 1) throw new Error(`expected one profile POST, saw ${posted.length}`);
  const body = posted[0] as unknown as SdkProfile["body"];
  return {
    wallet,
    address: getAddress(wallet.address),
    body,
    publicKeyArmored: (JSON.parse(body.publicKey) as { key: string }).key,
    privateKeyArmored: created.decryptedPrivateKey,
  };
}

/**
 * Sends `content` from `sender` to `to` (an address) with the SDK's `chat.send`, and returns the body it
 * POSTed (to /v1/chat/request: the stub never has a thread; /v1/chat/message gets the same body).
 */
export async function sdkSend(
  backend: PushBackendStub,
  sender: SdkProfile,
  to: string,
  content: string,
): Promise<Record<string, unknown>> {
  const from = backend.posts.length;
  await sdk.chat.send({
    message: { type: "Text", content },
    to,
    signer: sender.wallet,
    pgpPrivateKey: sender.privateKeyArmored,
    env: SDK_ENV,
  });
  const posted = [...backend.postsTo("/v1/chat/request", from), ...backend.postsTo("/v1/chat/message", from)];
  if (posted.length !== 1) throw new Error(`expected one message POST, saw ${posted.length}`);
  return posted[0];
}

/**
 * The SDK's verification of a received message (`decryptAndVerifyMessage`, the function `chat.history`,
 * `chat.list` and the stream use): true when it accepts `message` signed by the key `senderPublicKey`.
 * Decryption errors are swallowed by the SDK itself; only the signature decides.
 */
export async function sdkVerifies(
  message: unknown,
  senderPublicKeyArmored: string,
  readerPrivateKeyArmored: string,
): Promise<boolean> {
  try {
    await sdk.crypto.decryptAndVerifyMessage(
      JSON.parse(JSON.stringify(message)),
      senderPublicKeyArmored,
      readerPrivateKeyArmored,
      SDK_ENV,
    );
    return true;
  } catch {
    return false;
  }
}

/** The SDK's check of a profile's eip191v2 proof over its four fields, for the wallet `address`. */
export async function sdkProfileVerifies(body: SdkProfile["body"], address: string): Promise<boolean> {
  const hash = sdk.helpersCrypto.generateHash({
    caip10: body.caip10,
    did: body.did,
    publicKey: body.publicKey,
    encryptedPrivateKey: body.encryptedPrivateKey,
  });
  return sdk.signature.verifyProfileSignature(body.verificationProof, hash, address);
}
