import { expect } from "chai";
import { Wallet } from "ethers";
import { call, errorOf, pointSdkAt, startTestApi } from "./helpers";
import type { TestApi } from "./helpers";

/**
 * The UNMODIFIED Push Chat SDK (`@pushprotocol/restapi` 1.7.32), used as an app uses it
 * (`PushAPI.initialize(signer, {env: "local"})` with ethers Wallets), against our Push Chat API over real
 * HTTP on 127.0.0.1 (the SDK's "local" base URL pointed at the test server's free port).
 */

interface SdkMessage {
  cid?: string;
  link?: string | null;
  fromDID: string;
  toDID: string;
  fromCAIP10: string;
  toCAIP10: string;
  encType: string;
  messageType: string;
  messageContent: string;
  messageObj: unknown;
  timestamp?: number;
  listType?: string;
  [k: string]: unknown;
}
interface SdkListItem {
  did: string;
  chatId: string;
  intent: string;
  intentSentBy: string;
  threadhash: string;
  msg: SdkMessage;
}
interface SdkChat {
  send(to: string, message: { type?: string; content: string }): Promise<SdkMessage & { chatId: string }>;
  list(type: "CHATS" | "REQUESTS", options?: { page?: number; limit?: number }): Promise<SdkListItem[]>;
  history(target: string, options?: { reference?: string; limit?: number }): Promise<SdkMessage[]>;
  latest(target: string): Promise<SdkMessage[]>;
  accept(target: string): Promise<unknown>;
  reject(target: string): Promise<void>;
  block(users: string[]): Promise<{ profile: { blockedUsersList: string[] } }>;
  unblock(users: string[]): Promise<{ profile: { blockedUsersList: string[] } }>;
  info(recipient: string): Promise<{ list: string; chatId: string | null; participants: string[] }>;
}
interface SdkUser {
  account: string;
  chat: SdkChat;
  profile: {
    info(): Promise<{ name: string | null; desc: string | null; blockedUsersList: string[] }>;
    update(options: { name?: string; desc?: string }): Promise<{ name: string | null; desc: string | null }>;
  };
  readmode(): boolean;
  errors: unknown[];
}
interface PushApiStatic {
  initialize(signer: Wallet, options: { env: string }): Promise<SdkUser>;
}

const { PushAPI } = require("@pushprotocol/restapi") as { PushAPI: PushApiStatic };

const did = (w: Wallet) => `eip155:${w.address}`;
const newWallet = () => new Wallet(Wallet.createRandom().privateKey);

describe("Push Chat SDK against our Push Chat API (real HTTP)", function () {
  this.timeout(600_000);
  let api: TestApi;
  let restore: () => void;
  const aliceW = newWallet();
  const bobW = newWallet();
  const carolW = newWallet();
  const daveW = newWallet();
  let alice: SdkUser;
  let bob: SdkUser;

  before(async () => {
    api = await startTestApi();
    restore = pointSdkAt(api.url);
  });
  after(async () => {
    restore?.();
    await api?.close();
  });

  it("two new users initialise: their verified profiles are stored and served", async () => {
    alice = await PushAPI.initialize(aliceW, { env: "local" });
    bob = await PushAPI.initialize(bobW, { env: "local" });
    for (const [u, w] of [
      [alice, aliceW],
      [bob, bobW],
    ] as const) {
      expect(u.readmode()).to.equal(false);
      expect(u.errors).to.deep.equal([]);
      const r = await call(api.url, "GET", `/apis/v2/users/?caip10=${did(w)}`);
      expect(r.status).to.equal(200);
      const rec = r.json as { did: string; publicKey: string; verificationProof: string };
      expect(rec.did).to.equal(did(w));
      expect(rec.verificationProof).to.match(/^eip191v2:0x/);
      expect(JSON.parse(rec.publicKey).key).to.contain("BEGIN PGP PUBLIC KEY BLOCK");
    }
    // initialising again reads the stored profile and decrypts the key (no new profile)
    const again = await PushAPI.initialize(aliceW, { env: "local" });
    expect(again.readmode()).to.equal(false);
  });

  let requestCid: string;
  it("a first message is a request: in the recipient's requests and the sender's chats, not yet in the recipient's chats", async () => {
    const sent = await alice.chat.send(bobW.address, { content: "hello bob" });
    expect(sent.encType).to.equal("pgp");
    expect(sent.link).to.equal(null);
    expect(sent.cid).to.match(/^bagaaiera/);
    requestCid = sent.cid as string;

    const requests = await bob.chat.list("REQUESTS");
    expect(requests).to.have.length(1);
    expect(requests[0].did).to.equal(did(aliceW));
    expect(requests[0].intent).to.equal(did(aliceW));
    expect(requests[0].intentSentBy).to.equal(did(aliceW));
    expect(requests[0].threadhash).to.equal(requestCid);
    expect(requests[0].msg.messageContent).to.equal("hello bob"); // decrypted and verified by the SDK
    expect(await bob.chat.list("CHATS")).to.deep.equal([]);
    const aliceChats = await alice.chat.list("CHATS");
    expect(aliceChats.map((c) => c.did)).to.deep.equal([did(bobW)]);
    expect((await bob.chat.info(aliceW.address)).list).to.equal("REQUESTS");
    expect((await alice.chat.info(bobW.address)).list).to.equal("CHATS");
    // requests do not notify
    expect(api.chat.store.message(requestCid)?.notify).to.equal(0);
  });

  it("the recipient accepts; both chat both ways encrypted; history decrypts in the SDK", async () => {
    await bob.chat.accept(aliceW.address);
    expect(await bob.chat.list("REQUESTS")).to.deep.equal([]);
    const bobChats = await bob.chat.list("CHATS");
    expect(bobChats).to.have.length(1);
    expect(bobChats[0].intent).to.equal(`${did(aliceW)}+${did(bobW)}`);
    expect((await bob.chat.info(aliceW.address)).list).to.equal("CHATS");

    const r1 = await bob.chat.send(aliceW.address, { content: "hi alice" });
    const r2 = await alice.chat.send(bobW.address, { content: "how are you?" });
    expect(r1.encType).to.equal("pgp");
    expect(r1.link).to.equal(requestCid);
    expect(r2.link).to.equal(r1.cid);
    expect(api.chat.store.message(r2.cid as string)?.notify).to.equal(1);

    for (const [reader, peer] of [
      [alice, bobW],
      [bob, aliceW],
    ] as const) {
      const h = await reader.chat.history(peer.address);
      expect(h.map((m) => m.messageContent)).to.deep.equal(["how are you?", "hi alice", "hello bob"]);
      expect(h.map((m) => (m.messageObj as { content: string }).content)).to.deep.equal([
        "how are you?",
        "hi alice",
        "hello bob",
      ]);
      expect(h.every((m) => m.encType === "pgp")).to.equal(true);
    }
    // paging along `link`, as apps do with `reference`
    const page1 = await alice.chat.history(bobW.address, { limit: 2 });
    expect(page1).to.have.length(2);
    const page2 = await alice.chat.history(bobW.address, { reference: page1[1].link as string, limit: 2 });
    expect(page2.map((m) => m.messageContent)).to.deep.equal(["hello bob"]);
    const latest = await bob.chat.latest(aliceW.address);
    expect(latest.map((m) => m.messageContent)).to.deep.equal(["how are you?"]);
    const chats = await alice.chat.list("CHATS");
    expect(chats[0].msg.messageContent).to.equal("how are you?");
  });

  it("block refuses the blocked sender's messages; unblock lets them through", async () => {
    const blocked = await bob.chat.block([aliceW.address]);
    expect(blocked.profile.blockedUsersList.map((d) => d.toLowerCase())).to.deep.equal([
      did(aliceW).toLowerCase(),
    ]);
    let refused: unknown;
    try {
      await alice.chat.send(bobW.address, { content: "are you there?" });
    } catch (e) {
      refused = e;
    }
    expect(String(refused)).to.match(/403|blocked/);
    expect((await bob.chat.history(aliceW.address)).map((m) => m.messageContent)[0]).to.equal("how are you?");
    const unblocked = await bob.chat.unblock([aliceW.address]);
    expect(unblocked.profile.blockedUsersList).to.deep.equal([]);
    await alice.chat.send(bobW.address, { content: "back again" });
    expect((await bob.chat.latest(aliceW.address))[0].messageContent).to.equal("back again");
  });

  it("profile update is verified and served", async () => {
    await alice.profile.update({ name: "Alice", desc: "testing" });
    const r = await call(api.url, "GET", `/apis/v2/users/?caip10=${did(aliceW)}`);
    expect((r.json as { profile: { name: string; desc: string } }).profile).to.include({
      name: "Alice",
      desc: "testing",
    });
  });

  it("a request rejected by its recipient disappears; the next message is a new request", async () => {
    const carol = await PushAPI.initialize(carolW, { env: "local" });
    await carol.chat.send(aliceW.address, { content: "spam?" });
    expect((await alice.chat.list("REQUESTS")).map((c) => c.did)).to.deep.equal([did(carolW)]);
    await alice.chat.reject(carolW.address);
    expect(await alice.chat.list("REQUESTS")).to.deep.equal([]);
    expect(await carol.chat.list("CHATS")).to.deep.equal([]);
    expect((await carol.chat.info(aliceW.address)).list).to.equal("UNINITIALIZED");
    await carol.chat.send(aliceW.address, { content: "sorry, once more" });
    const requests = await alice.chat.list("REQUESTS");
    expect(requests.map((c) => c.msg.messageContent)).to.deep.equal(["sorry, once more"]);
    expect(requests[0].msg.link).to.equal(null);
  });

  it("a user without a profile receives plaintext, then encrypted messages once it has a key", async () => {
    const sent = await alice.chat.send(daveW.address, { content: "welcome dave" });
    expect(sent.encType).to.equal("PlainText");
    const placeholder = await call(api.url, "GET", `/apis/v2/users/?caip10=${did(daveW)}`);
    expect((placeholder.json as { publicKey: string }).publicKey).to.equal("");

    const dave = await PushAPI.initialize(daveW, { env: "local" });
    expect(dave.readmode()).to.equal(false);
    const requests = await dave.chat.list("REQUESTS");
    expect(requests).to.have.length(1);
    expect(requests[0].msg.encType).to.equal("PlainText");
    expect(requests[0].msg.messageContent).to.equal("welcome dave");
    await dave.chat.accept(aliceW.address);
    const next = await alice.chat.send(daveW.address, { content: "now encrypted" });
    expect(next.encType).to.equal("pgp");
    const h = await dave.chat.history(aliceW.address);
    expect(h.map((m) => [m.encType, m.messageContent])).to.deep.equal([
      ["pgp", "now encrypted"],
      ["PlainText", "welcome dave"],
    ]);
  });

  it("a tampered SDK message is refused with 4xx; a replayed one too; nothing is stored", async () => {
    const [latest] = await call(
      api.url,
      "GET",
      `/apis/v1/chat/conversationhash/${(await alice.chat.latest(bobW.address))[0].cid}?fetchLimit=1`,
    ).then((r) => r.json as Record<string, unknown>[]);
    const body: Record<string, unknown> = { ...latest };
    for (const k of ["cid", "timestamp", "link"]) delete body[k];
    const before = await bob.chat.history(aliceW.address, { limit: 30 });

    const tampered = {
      ...body,
      messageObj: (body.messageObj as string).replace(/.$/, (c) => (c === "A" ? "B" : "A")),
    };
    const r1 = await call(api.url, "POST", "/apis/v1/chat/message", tampered);
    expect(r1.status).to.equal(422);
    expect(errorOf(r1)).to.match(/BAD_SIGNATURE/);

    const retargeted = { ...body, toDID: did(carolW), toCAIP10: did(carolW) };
    const r2 = await call(api.url, "POST", "/apis/v1/chat/message", retargeted);
    expect(r2.status).to.be.within(400, 499);

    const r3 = await call(api.url, "POST", "/apis/v1/chat/message", body);
    expect(r3.status).to.equal(409);
    expect(errorOf(r3)).to.match(/replay/);

    const after = await bob.chat.history(aliceW.address, { limit: 30 });
    expect(after.map((m) => m.cid)).to.deep.equal(before.map((m) => m.cid));
  });
});
