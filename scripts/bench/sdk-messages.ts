/**
 * Push Chat SDK message bodies for `bench:node`, made by the unmodified SDK 1.7.32 (`chat.send`, its own
 * openpgp 5: RSA-2048 keys as its user creation makes them, `pgpv3`, encrypted to the recipient and the
 * sender) between the three SDK profiles of test/fixtures/push/profiles.json. The SDK talks to an
 * in-process stub of Push's backend (test/message/push-sdk.ts), so making the bodies loads no node.
 */
import { randomBytes } from "node:crypto";
import { Wallet } from "ethers";
import { PushBackendStub, sdkSend } from "../../test/message/push-sdk";
import type { SdkProfile } from "../../test/message/push-sdk";
import profilesJson from "../../test/fixtures/push/profiles.json";
import type { LoadItem } from "./http-load";

export type ProfileVector = (typeof profilesJson.profiles)[number];
export const PROFILES: readonly ProfileVector[] = profilesJson.profiles;

export interface SdkMessage extends LoadItem {
  /** The sender's profile (index into PROFILES). */
  sender: number;
  parsed: Record<string, unknown>;
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

  constructor(private readonly contentBytes: number) {
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
    const i = this.count++ % this.senders.length;
    const to = this.senders[(i + 1) % this.senders.length];
    const parsed = await sdkSend(this.backend, this.senders[i], to.address, textOf(this.contentBytes));
    if (parsed.encType !== "pgp") throw new Error(`the SDK sent ${String(parsed.encType)}, expected pgp`);
    this.backend.posts.length = 0; // keep memory flat
    const first = !this.started.has(i);
    this.started.add(i);
    return {
      sender: i,
      parsed,
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
    this.restore();
  }
}
