import { expect } from "chai";
import { pushProfileSignedHex } from "../../src/message/push";
import { messageCid } from "../../src/pushchat";
import { controlSignedHex } from "../../src/pushchat/proofs";
import { pairOf } from "../../src/pushchat/store";
import type { StoredPushMessage, VerifiedProfile } from "../../src/pushchat";
import { call, errorOf, messageBody, newWallet, pointSdkAt, sdkSign, startTestApi } from "./helpers";
import type { KeyedUser, TestApi } from "./helpers";

/**
 * The Push Chat API's semantics and every kind of bad input, over raw HTTP, with bodies made exactly as
 * the SDK makes them (its own openpgp 5 signing) by users the SDK created. Each refusal is a 4xx with a
 * sentence, and stores nothing.
 */

interface PushApiStatic {
  initialize(signer: unknown, options: { env: string }): Promise<{ decryptedPgpPvtKey: string }>;
}
const { PushAPI } = require("@pushprotocol/restapi") as { PushAPI: PushApiStatic };

describe("Push Chat API: semantics and bad input", function () {
  this.timeout(600_000);
  let api: TestApi;
  let restore: () => void;
  let a: KeyedUser, b: KeyedUser, c: KeyedUser;
  const placeholderW = newWallet();
  const placeholderDid = `eip155:${placeholderW.address}`;
  const relayed: VerifiedProfile[] = [];
  const attested: StoredPushMessage[] = [];
  const commits: number[] = [];

  async function keyed(): Promise<KeyedUser> {
    const wallet = newWallet();
    const u = await PushAPI.initialize(wallet, { env: "local" });
    const did = `eip155:${wallet.address}`;
    const rec = (await call(api.url, "GET", `/apis/v2/users/?caip10=${did}`)).json as { publicKey: string };
    return {
      wallet,
      did,
      privateKeyArmored: u.decryptedPgpPvtKey,
      publicKeyArmored: (JSON.parse(rec.publicKey) as { key: string }).key,
    };
  }

  function count(table: "messages" | "conversations" | "users"): number {
    return (api.chat.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  }

  /** Asserts a 4xx with a sentence and that no message, conversation or user was stored meanwhile. */
  async function refused(
    method: string,
    p: string,
    body: unknown,
    status: number,
    pattern: RegExp,
  ): Promise<void> {
    const before = [count("messages"), count("conversations"), count("users")];
    const r = await call(api.url, method, p, body);
    expect(r.status, errorOf(r)).to.equal(status);
    expect(errorOf(r)).to.match(pattern);
    expect(errorOf(r).length).to.be.greaterThan(10);
    expect([count("messages"), count("conversations"), count("users")]).to.deep.equal(before);
  }

  before(async () => {
    api = await startTestApi({
      relayProfile: async (p) => {
        relayed.push(p);
      },
      onMessagesCommitted: (n) => commits.push(n),
      attestMessage: {
        begin: async () => ({
          commit: (m: StoredPushMessage) => {
            attested.push(m);
            return JSON.stringify({ attestedBy: "test", cid: m.cid });
          },
        }),
      },
    });
    restore = pointSdkAt(api.url);
    [a, b, c] = [await keyed(), await keyed(), await keyed()];
  });
  after(async () => {
    restore?.();
    await api?.close();
  });

  it("relays each new verified profile once (the profile seam)", () => {
    expect(relayed.map((p) => p.address)).to.deep.equal([a, b, c].map((u) => u.wallet.address));
    expect(relayed[0].signedHex).to.match(/^[0-9a-f]{64}$/);
  });

  it("answers 501 with a sentence for every call it does not serve", async () => {
    for (const [method, p] of [
      ["GET", "/apis/v1/chat/groups/abc"],
      ["POST", "/apis/v1/chat/groups"],
      ["GET", "/apis/v1/users/eip155:0x0000000000000000000000000000000000000001/feeds"],
      ["PUT", "/apis/v2/users/eip155:0x0000000000000000000000000000000000000001/auth"],
      ["GET", `/apis/v1/chat/users/${a.did}/conversations/0123abcd/hash`],
    ]) {
      const r = await call(api.url, method, p);
      expect(r.status, `${method} ${p}`).to.equal(501);
      expect(errorOf(r)).to.match(/not served/);
    }
    const r = await call(api.url, "GET", "/apis/v1/chat/groups/abc");
    expect(r.json).to.include({ status: 501, message: errorOf(r) }); // Push's error fields, which the SDK surfaces
  });

  it("user creation: refuses a proof by another wallet, a changed field, a second key; placeholders never replace", async () => {
    const w = newWallet();
    const other = newWallet();
    const body = {
      caip10: `eip155:${w.address}`,
      did: `eip155:${w.address}`,
      publicKey: JSON.stringify({ key: a.publicKeyArmored, signature: "DEPRECATED" }),
      encryptedPrivateKey: JSON.stringify({
        ciphertext: "00",
        salt: "00",
        nonce: "00",
        version: "x",
        preKey: "",
      }),
    };
    const byOther = {
      ...body,
      verificationProof: "eip191v2:" + (await other.signMessage(pushProfileSignedHex(body))),
    };
    await refused("POST", "/apis/v2/users/", byOther, 403, /WRONG_WALLET/);
    const good = {
      ...body,
      verificationProof: "eip191v2:" + (await w.signMessage(pushProfileSignedHex(body))),
    };
    await refused(
      "POST",
      "/apis/v2/users/",
      { ...good, encryptedPrivateKey: good.encryptedPrivateKey + " " },
      403,
      /WRONG_WALLET/,
    );
    await refused("POST", "/apis/v2/users/", { ...good, verificationProof: 5 }, 400, /must be a string/);
    await refused("POST", "/apis/v2/users/", { ...good, extra: "x" }, 400, /unknown field/);
    await refused("POST", "/apis/v2/users/", { ...good, caip10: "eip155:0x12" }, 400, /did differs|caip10/);
    await refused("POST", "/apis/v2/users/", [], 400, /JSON object/);
    expect((await call(api.url, "POST", "/apis/v2/users/", good)).status).to.equal(201);
    expect((await call(api.url, "POST", "/apis/v2/users/", good)).status).to.equal(200); // same profile again
    const b2 = { ...body, publicKey: JSON.stringify({ key: b.publicKeyArmored, signature: "DEPRECATED" }) };
    const second = {
      ...b2,
      verificationProof: "eip191v2:" + (await w.signMessage(pushProfileSignedHex(b2))),
    };
    await refused("POST", "/apis/v2/users/", second, 409, /does not replace/);
    // the SDK's keyless placeholder for a keyed user changes nothing
    const ph = {
      caip10: a.did,
      did: a.did,
      publicKey: "",
      encryptedPrivateKey: "",
      signature: "xyz",
      sigType: "a",
    };
    const r = await call(api.url, "POST", "/apis/v2/users/", ph);
    expect(r.status).to.equal(200);
    expect((r.json as { publicKey: string }).publicKey).to.contain("BEGIN PGP PUBLIC KEY");
    // a placeholder for a new wallet
    const r2 = await call(api.url, "POST", "/apis/v2/users/", {
      ...ph,
      caip10: placeholderDid,
      did: placeholderDid,
    });
    expect((r2.json as { publicKey: string; did: string }).publicKey).to.equal("");
    await refused("GET", "/apis/v2/users/?caip10=eip155:0xnothex", undefined, 400, /eip155/);
    expect(
      (await call(api.url, "GET", `/apis/v2/users/?caip10=eip155:${newWallet().address}`)).json,
    ).to.equal(null);
  });

  it("messages: malformed JSON, empty, wrong types, missing and unknown fields, oversize bodies are refused", async () => {
    const body = await messageBody(a, b.did, "hi", [b.publicKeyArmored, a.publicKeyArmored]);
    await refused("POST", "/apis/v1/chat/request", '{"fromDID": ', 400, /Malformed JSON/);
    await refused("POST", "/apis/v1/chat/request", undefined, 400, /empty/);
    await refused("POST", "/apis/v1/chat/request", "[1]", 400, /JSON object/);
    const { messageType: _drop, ...missing } = body;
    void _drop;
    await refused("POST", "/apis/v1/chat/request", missing, 400, /MALFORMED \(BODY\).*messageType.*missing/);
    await refused("POST", "/apis/v1/chat/request", { ...body, messageContent: 7 }, 400, /must be a string/);
    await refused("POST", "/apis/v1/chat/request", { ...body, hacked: true }, 400, /unknown field/);
    await refused("POST", "/apis/v1/chat/request", { ...body, encType: "pgpv9" }, 400, /ENC_TYPE/);
    await refused("POST", "/apis/v1/chat/request", { ...body, toCAIP10: c.did }, 400, /TO_CAIP10_MISMATCH/);
    const huge = { ...body, messageContent: "x".repeat(1024 * 1024 + 20 * 1024) };
    await refused("POST", "/apis/v1/chat/request", huge, 413, /exceeds the limit/);
    await refused("POST", "/apis/v1/chat/message", body, 409, /first message goes to \/v1\/chat\/request/);
  });

  it("messages: encryption rules, the sender's key, tampering and replays", async () => {
    // PlainText to a recipient with a key, pgp to one without
    await refused(
      "POST",
      "/apis/v1/chat/request",
      await messageBody(a, b.did, "plain"),
      422,
      /PLAINTEXT_TO_KEYED_RECIPIENT/,
    );
    const toPlaceholder = await messageBody(a, placeholderDid, "x", [a.publicKeyArmored]);
    await refused("POST", "/apis/v1/chat/request", toPlaceholder, 422, /RECIPIENT_NO_KEY/);
    // encrypted, but not to the recipient
    const notToB = await messageBody(a, b.did, "x", [c.publicKeyArmored, a.publicKeyArmored]);
    await refused("POST", "/apis/v1/chat/request", notToB, 422, /NOT_ENCRYPTED_TO_RECIPIENT/);
    // signed by c's key in a's name
    const forged = await messageBody({ ...c, did: a.did }, b.did, "x", [b.publicKeyArmored]);
    await refused("POST", "/apis/v1/chat/request", forged, 403, /SIGNER_NOT_SENDER_KEY/);
    // a sender without a profile
    const keyless = await messageBody({ ...a, did: placeholderDid }, b.did, "x", [b.publicKeyArmored]);
    await refused("POST", "/apis/v1/chat/request", keyless, 403, /SENDER_NO_KEY/);
    // to a wallet with no user at all
    const stranger = `eip155:${newWallet().address}`;
    await refused("POST", "/apis/v1/chat/request", await messageBody(a, stranger, "x"), 404, /no Push user/);

    const body = await messageBody(a, b.did, "hello", [b.publicKeyArmored, a.publicKeyArmored]);
    await refused(
      "POST",
      "/apis/v1/chat/request",
      { ...body, messageObj: "U2FsdGVkX1changed" },
      422,
      /BAD_SIGNATURE/,
    );
    const ok = await call(api.url, "POST", "/apis/v1/chat/request", body);
    expect(ok.status, errorOf(ok)).to.equal(200);
    const stored = ok.json as Record<string, unknown> & { cid: string; link: null; chatId: string };
    // every field comes back verbatim, with link, timestamp and cid
    for (const [k, v] of Object.entries(body)) expect(stored[k], k).to.deep.equal(v);
    expect(stored.link).to.equal(null);
    expect(attested.map((m) => m.cid)).to.include(stored.cid);
    expect(api.chat.store.message(stored.cid)?.attestation).to.contain(stored.cid);

    await refused("POST", "/apis/v1/chat/request", body, 409, /replay/);
    await refused("POST", "/apis/v1/chat/message", body, 409, /replay/);
    const again = await messageBody(a, b.did, "second request", [b.publicKeyArmored, a.publicKeyArmored]);
    await refused("POST", "/apis/v1/chat/request", again, 409, /already exists/);
    const conv = await call(api.url, "GET", `/apis/v1/chat/users/${b.did}/conversations/${a.did}/hash`);
    expect(conv.json).to.deep.equal({ threadHash: stored.cid, intent: false });
  });

  function acceptBody(requester: KeyedUser | string, approver: string, signer: KeyedUser) {
    const fromDID = typeof requester === "string" ? requester : requester.did;
    return sdkSign(
      controlSignedHex({ fromDID, toDID: approver, status: "Approved" }),
      signer.privateKeyArmored,
    ).then((signature) => ({
      fromDID,
      toDID: approver,
      signature,
      status: "Approved",
      sigType: "pgp",
      verificationProof: `pgp:${signature}`,
      encryptedSecret: null,
    }));
  }

  it("accept: only the recipient, with its own key; once", async () => {
    const url = "/apis/v1/chat/request/accept";
    await refused("PUT", url, await acceptBody(b, a.did, a), 403, /Only the recipient/); // the requester
    await refused("PUT", url, await acceptBody(a, b.did, c), 403, /does not verify/); // c signs as b
    await refused("PUT", url, await acceptBody(a, c.did, c), 404, /no request/); // c, no request to c
    const good = await acceptBody(a, b.did, b);
    await refused("PUT", url, { ...good, status: "Rejected" }, 400, /"Approved"/);
    await refused("PUT", url, { ...good, more: 1 }, 400, /unknown field/);
    await refused("PUT", url, { ...good, signature: "x" }, 400, /differs/);
    await refused(
      "PUT",
      url,
      { ...good, verificationProof: "pgpv9:abc", signature: undefined },
      400,
      /not pgp/,
    );
    expect((await call(api.url, "PUT", url, good)).status).to.equal(200);
    expect(api.chat.store.conversation(a.wallet.address, b.wallet.address)?.approver_did).to.equal(b.did);
    await refused("PUT", url, good, 409, /already accepted/);
    const conv = await call(api.url, "GET", `/apis/v1/chat/users/${b.did}/conversations/${a.did}/hash`);
    expect((conv.json as { intent: boolean }).intent).to.equal(true);
  });

  it("messages sent at once: each is stored, attested and answered after its commit; a replay among them is refused alone", async () => {
    const [d, e] = [await keyed(), await keyed()];
    const keys = [d.publicKeyArmored, e.publicKeyArmored];
    const first = await call(
      api.url,
      "POST",
      "/apis/v1/chat/request",
      await messageBody(d, e.did, "hi", keys),
    );
    expect(first.status, errorOf(first)).to.equal(200);
    expect(
      (await call(api.url, "PUT", "/apis/v1/chat/request/accept", await acceptBody(d, e.did, e))).status,
    ).to.equal(200);
    const bodies = [];
    for (let i = 0; i < 12; i++)
      bodies.push(await messageBody(i % 2 ? e : d, i % 2 ? d.did : e.did, `at once ${i}`, keys));
    const before = [count("messages"), commits.length];
    const answers = await Promise.all(
      [...bodies, bodies[5]].map((body) => call(api.url, "POST", "/apis/v1/chat/message", body)),
    );
    const ok = answers.filter((r) => r.status === 200);
    expect(ok.length, answers.map(errorOf).join(" | ")).to.equal(12);
    const replay = answers.filter((r) => r.status !== 200);
    expect(replay.map((r) => r.status)).to.deep.equal([409]);
    expect(count("messages")).to.equal(before[0] + 12);
    // every acknowledged message is in the store, each with its own attestation
    for (const r of ok)
      expect(api.chat.store.message((r.json as { cid: string }).cid)?.attestation).to.not.equal(null);
    // all went through the commits of messages: twelve stored, the replay in none (the unit test of
    // src/store/write-batch.ts shows the sharing itself; here validation ends in different turns)
    const shared = commits.slice(before[1]);
    expect(shared.reduce((x, y) => x + y, 0)).to.equal(12);
    expect(shared.every((n) => n > 0)).to.equal(true);
  });

  it("reject: only the recipient, only a pending request, never replayed", async () => {
    const url = "/apis/v1/chat/request/reject";
    const sign = async (from: string, to: string, signer: KeyedUser) => ({
      fromDID: from,
      toDID: to,
      verificationProof: `pgp:${await sdkSign(controlSignedHex({ fromDID: from, toDID: to }), signer.privateKeyArmored)}`,
    });
    await refused("PUT", url, await sign(a.did, b.did, b), 409, /already accepted/);
    const req = await messageBody(c, a.did, "hi a", [a.publicKeyArmored, c.publicKeyArmored]);
    expect((await call(api.url, "POST", "/apis/v1/chat/request", req)).status).to.equal(200);
    await refused("PUT", url, await sign(a.did, c.did, c), 403, /Only the recipient/);
    await refused("PUT", url, await sign(c.did, a.did, b), 403, /does not verify/);
    await refused("PUT", url, { fromDID: c.did, toDID: a.did }, 400, /missing "verificationProof"/);
    const good = await sign(c.did, a.did, a);
    expect((await call(api.url, "PUT", url, good)).status).to.equal(200);
    expect(api.chat.store.conversation(c.wallet.address, a.wallet.address)).to.equal(undefined);
    // the old reject cannot reject a new request
    const req2 = await messageBody(c, a.did, "hi again", [a.publicKeyArmored, c.publicKeyArmored]);
    expect((await call(api.url, "POST", "/apis/v1/chat/request", req2)).status).to.equal(200);
    await refused("PUT", url, good, 409, /replay/);
  });

  function profileBody(signed: Record<string, unknown>, signer: KeyedUser) {
    return sdkSign(controlSignedHex(signed), signer.privateKeyArmored).then((s) => ({
      ...signed,
      verificationProof: `pgpv2:${s}`,
    }));
  }

  it("block: signed profile updates; a blocked sender is refused; old updates cannot be replayed", async () => {
    const url = `/apis/v2/users/${b.did}/profile`;
    const block = { name: null, desc: null, picture: null, blockedUsersList: [a.did] };
    await refused("PUT", url, await profileBody(block, c), 403, /does not verify/);
    await refused(
      "PUT",
      url,
      await profileBody({ ...block, blockedUsersList: ["bob"] }, b),
      400,
      /blockedUsersList\[0\]/,
    );
    await refused(
      "PUT",
      url,
      await profileBody({ ...block, blockedUsersList: "x" }, b),
      400,
      /must be an array/,
    );
    const signedBlock = await profileBody(block, b);
    await refused("PUT", url, { ...signedBlock, name: "changed" }, 403, /does not verify/);
    const r = await call(api.url, "PUT", url, signedBlock);
    expect(r.status, errorOf(r)).to.equal(200);
    expect((r.json as { profile: { blockedUsersList: string[] } }).profile.blockedUsersList).to.deep.equal([
      a.did,
    ]);

    const msg = await messageBody(a, b.did, "blocked?", [b.publicKeyArmored, a.publicKeyArmored]);
    await refused("POST", "/apis/v1/chat/message", msg, 403, /has blocked/);
    const reply = await messageBody(b, a.did, "you are blocked", [a.publicKeyArmored, b.publicKeyArmored]);
    await refused("POST", "/apis/v1/chat/message", reply, 403, /unblock it first/);

    await new Promise((res) => setTimeout(res, 1100)); // a later signature time than the block
    const unblock = await profileBody({ ...block, blockedUsersList: [] }, b);
    expect((await call(api.url, "PUT", url, unblock)).status).to.equal(200);
    await refused("PUT", url, signedBlock, 409, /replay/);
    expect((await call(api.url, "POST", "/apis/v1/chat/message", msg)).status).to.equal(200);
  });

  it("history and lists: CIDs recompute, links chain, bad parameters are refused", async () => {
    const { threadHash } = (
      await call(api.url, "GET", `/apis/v1/chat/users/${a.did}/conversations/${b.did}/hash`)
    ).json as { threadHash: string };
    const h = (await call(api.url, "GET", `/apis/v1/chat/conversationhash/${threadHash}?fetchLimit=30`))
      .json as Array<Record<string, unknown> & { cid: string; link: string | null }>;
    expect(h.length).to.equal(2);
    for (let i = 0; i < h.length; i++) {
      const { cid, ...doc } = h[i];
      expect(messageCid(JSON.stringify(doc))).to.equal(cid);
      expect(h[i].link).to.equal(i + 1 < h.length ? h[i + 1].cid : null);
    }
    await refused(
      "GET",
      `/apis/v1/chat/conversationhash/${threadHash}?fetchLimit=31`,
      undefined,
      400,
      /fetchLimit/,
    );
    await refused(
      "GET",
      `/apis/v1/chat/conversationhash/${threadHash}?fetchLimit=0`,
      undefined,
      400,
      /fetchLimit/,
    );
    await refused(
      "GET",
      "/apis/v1/chat/conversationhash/bafkreinotacid",
      undefined,
      400,
      /Malformed thread hash/,
    );
    const unknown = messageCid("{}");
    await refused("GET", `/apis/v1/chat/conversationhash/${unknown}`, undefined, 404, /No message/);
    await refused("GET", `/apis/v1/chat/users/${a.did}/chats?limit=0`, undefined, 400, /limit/);
    await refused("GET", `/apis/v1/chat/users/${a.did}/requests?page=x`, undefined, 400, /page/);
    await refused("GET", `/apis/v1/chat/users/eip155:0x12/chats`, undefined, 400, /eip155/);
    const chats = (await call(api.url, "GET", `/apis/v1/chat/users/${a.did}/chats?page=1&limit=5`)).json as {
      chats: Array<{ did: string; msg: { cid: string } }>;
    };
    expect(chats.chats.map((x) => x.did)).to.deep.equal([b.did]);
    expect(chats.chats[0].msg.cid).to.equal(threadHash);
    const requests = (await call(api.url, "GET", `/apis/v1/chat/users/${a.did}/requests`)).json as {
      requests: Array<{ did: string; intent: string }>;
    };
    expect(requests.requests.map((x) => [x.did, x.intent])).to.deep.equal([[c.did, c.did]]);
    expect(pairOf(a.wallet.address, b.wallet.address)).to.equal(pairOf(b.wallet.address, a.wallet.address));
  });

  it("everything acknowledged is on disk: a reopened store serves the same state", async () => {
    const { threadHash } = (
      await call(api.url, "GET", `/apis/v1/chat/users/${a.did}/conversations/${b.did}/hash`)
    ).json as { threadHash: string };
    const dir = api.dataDir;
    await api.close();
    api = await startTestApi({}, dir);
    restore();
    restore = pointSdkAt(api.url);
    const h = (await call(api.url, "GET", `/apis/v1/chat/conversationhash/${threadHash}`)).json as unknown[];
    expect(h).to.have.length(2);
    const u = (await call(api.url, "GET", `/apis/v2/users/?caip10=${b.did}`)).json as {
      profile: { blockedUsersList: string[] };
    };
    expect(u.profile.blockedUsersList).to.deep.equal([]);
  });
});
