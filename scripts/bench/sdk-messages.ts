/**
 * Push Chat SDK message bodies for `bench:node`, made by the unmodified SDK 1.7.32 (`chat.send`, its own
 * openpgp 5: RSA-2048 keys as its user creation makes them, `pgpv3`, encrypted to the recipient and the
 * sender) between the three SDK profiles of test/fixtures/push/profiles.json. The SDK talks to an
 * in-process stub of Push's backend (test/message/push-sdk.ts), so making the bodies loads no node.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { Wallet } from "ethers";
import * as openpgp from "openpgp";
import { PushBackendStub, sdkSend } from "../../test/message/push-sdk";
import type { SdkProfile } from "../../test/message/push-sdk";
import profilesJson from "../../test/fixtures/push/profiles.json";
import type { LoadItem } from "./http-load";

export type ProfileVector = (typeof profilesJson.profiles)[number];
export const PROFILES: readonly ProfileVector[] = profilesJson.profiles;

export interface SdkMessage extends LoadItem {
  /** The sender's profile (index into PROFILES). */
  sender: number;
}

/**
 * openpgp.js 6 verifying an SDK message signature as the benchmarks' reference: read the signature, wrap the
 * 64-hex signed text, verify with the sender's key (read once by the caller). Throws when it does not verify.
 */
export async function openpgpVerifySdkSignature(x: {
  signedHex: string;
  signature: Uint8Array;
  key: openpgp.PublicKey;
}): Promise<void> {
  const signature = await openpgp.readSignature({ binarySignature: x.signature });
  const message = await openpgp.createMessage({ text: x.signedHex });
  const v = await openpgp.verify({ message, signature, verificationKeys: x.key });
  await v.signatures[0].verified;
}

/** Printable ASCII, `bytes` long (1 byte per character in UTF-8). */
export function textOf(bytes: number): string {
  return randomBytes(bytes)
    .toString("base64")
    .replace(/[+/=]/g, "x")
    .slice(0, bytes)
    .replace(/(.{63})./g, "$1 ");
}

/**
 * Makes messages round the ring alice -> bob -> carol -> alice (three conversations). The first message of
 * each conversation goes to /v1/chat/request, the rest to /v1/chat/message, as the SDK would send them.
 */
export class SdkMessageMaker {
  private readonly backend = new PushBackendStub();
  private readonly restore: () => void;
  private readonly senders: SdkProfile[];
  private readonly started = new Set<number>();
  private count = 0;
  /** Messages read from `cacheFile`, handed out first, in their order. */
  private readonly pool: SdkMessage[] = [];
  /** Every message handed out, written to `cacheFile` on close when it did not exist. */
  private readonly made: SdkMessage[] | null;

  /**
   * `cacheFile` (optional, BENCH_MESSAGES_FILE): the messages are read from it when it exists (one JSON per
   * line, in the order they were made) and written to it otherwise, so that runs comparing two versions of the
   * node skip the SDK's ~25 ms per message. Messages beyond the file's are made by the SDK.
   */
  constructor(
    private readonly contentBytes: number,
    private readonly cacheFile?: string,
  ) {
    if (cacheFile && fs.existsSync(cacheFile)) {
      for (const line of fs.readFileSync(cacheFile, "utf8").split("\n"))
        if (line.trim() !== "") {
          const m = JSON.parse(line) as SdkMessage;
          this.pool.push({ sender: m.sender, path: m.path, body: m.body });
        }
      this.made = null;
    } else this.made = cacheFile ? [] : null;
    this.restore = this.backend.installAxiosAdapter();
    for (const p of PROFILES) this.backend.handle("POST", "/apis/v2/users/", p.body);
    this.senders = PROFILES.map((p) => ({
      wallet: new Wallet(p.walletPrivateKey),
      address: p.address,
      body: p.body,
      publicKeyArmored: p.publicKeyArmored,
      privateKeyArmored: p.privateKeyArmored,
    }));
  }

  async next(): Promise<SdkMessage> {
    let m: SdkMessage;
    if (this.count < this.pool.length) {
      m = this.pool[this.count];
      delete this.pool[this.count]; // handed out: the bench's heap holds only what it still sends
    } else m = await this.fromSdk(this.count);
    this.started.add(m.sender);
    this.count++;
    this.made?.push(m);
    return m;
  }

  private async fromSdk(count: number): Promise<SdkMessage> {
    const i = count % this.senders.length;
    const to = this.senders[(i + 1) % this.senders.length];
    const parsed = await sdkSend(this.backend, this.senders[i], to.address, textOf(this.contentBytes));
    if (parsed.encType !== "pgp") throw new Error(`the SDK sent ${String(parsed.encType)}, expected pgp`);
    this.backend.posts.length = 0; // keep memory flat
    const first = !this.started.has(i);
    this.started.add(i);
    return {
      sender: i,
      path: first ? "/apis/v1/chat/request" : "/apis/v1/chat/message",
      body: JSON.stringify(parsed),
    };
  }

  async make(n: number): Promise<SdkMessage[]> {
    const out: SdkMessage[] = [];
    for (let k = 0; k < n; k++) out.push(await this.next());
    return out;
  }

  close(): void {
    if (this.made && this.cacheFile)
      fs.writeFileSync(this.cacheFile, this.made.map((m) => JSON.stringify(m)).join("\n") + "\n");
    this.restore();
  }
}
