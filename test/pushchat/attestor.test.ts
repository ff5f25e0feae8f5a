import { expect } from "chai";
import { HttpError } from "../../src/http/server";
import type { PushAttestTicket, StoredPushMessage } from "../../src/pushchat";
import { sdkUser } from "../push/sdk";
import { call, errorOf, messageBody, startTestApi } from "./helpers";
import type { KeyedUser, TestApi } from "./helpers";

/**
 * The attestMessage seam: the attestor's commit runs inside the transaction that stores the message, so a
 * commit that throws leaves nothing stored; a retryable error validates again with a new ticket; an attestor
 * that cannot attest (begin throws an HttpError) refuses the message with its status and sentence.
 */

class Moved extends Error {}

describe("Push Chat API: the attestor commits with the message or not at all", function () {
  this.timeout(300_000);
  let api: TestApi;
  let mode: "ok" | "fail" | "moveOnce" | "notReady" = "ok";
  let begun = 0;
  const committed: StoredPushMessage[] = [];
  // the cids reported by the ticket's committed() hook, each seen stored by then
  const afterCommit: string[] = [];
  let a: KeyedUser, b: KeyedUser;

  function count(table: string): number {
    return (api.chat.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  }

  before(async () => {
    api = await startTestApi({
      attestMessage: {
        begin: async (): Promise<PushAttestTicket> => {
          begun++;
          if (mode === "notReady")
            throw new HttpError(503, "The node has not read the chain yet; try again shortly.");
          let mine: string | undefined;
          return {
            retryable: (e) => e instanceof Moved,
            committed: () => {
              expect(api.chat.store.db.inTransaction).to.equal(false);
              expect(mine, "committed() after a commit that attested").to.be.a("string");
              expect(api.chat.store.message(mine as string)).to.not.equal(undefined);
              afterCommit.push(mine as string);
            },
            commit: (m) => {
              // inside the storing transaction, before the message row, which is written once with the record
              // returned here
              expect(api.chat.store.db.inTransaction).to.equal(true);
              expect(api.chat.store.message(m.cid)).to.equal(undefined);
              if (mode === "fail") throw new Error("the feed is broken");
              if (mode === "moveOnce") {
                mode = "ok";
                throw new Moved("attestedAt moved");
              }
              committed.push(m);
              mine = m.cid;
              return JSON.stringify({ cid: m.cid });
            },
          };
        },
      },
    });
    const users: KeyedUser[] = [];
    for (let i = 0; i < 2; i++) {
      const u = await sdkUser();
      const r = await call(api.url, "POST", "/apis/v2/users/", u.profile);
      expect(r.status, errorOf(r)).to.equal(201);
      users.push({
        wallet: u.wallet,
        did: u.profile.did,
        privateKeyArmored: u.armoredPrivateKey,
        publicKeyArmored: u.armoredPublicKey,
      });
    }
    [a, b] = users;
  });
  after(async () => {
    await api?.close();
  });

  it("a commit that throws rolls the message back: nothing stored, the same message goes through later", async () => {
    const body = await messageBody(a, b.did, "atomic", [b.publicKeyArmored, a.publicKeyArmored]);
    mode = "fail";
    const before = [count("messages"), count("conversations")];
    const r = await call(api.url, "POST", "/apis/v1/chat/request", body);
    expect(r.status).to.equal(500);
    expect([count("messages"), count("conversations")]).to.deep.equal(before);
    mode = "ok";
    const ok = await call(api.url, "POST", "/apis/v1/chat/request", body);
    expect(ok.status, errorOf(ok)).to.equal(200);
    const cid = (ok.json as { cid: string }).cid;
    expect(committed.map((m) => m.cid)).to.deep.equal([cid]);
    // the hook ran once, for the message committed, not for the rolled-back attempt
    expect(afterCommit).to.deep.equal([cid]);
    expect(committed[0].acceptedFault).to.equal(null);
    expect(committed[0].senderKey).to.match(/^0x[0-9a-f]{64}$/);
    expect(api.chat.store.message(cid)?.attestation).to.equal(JSON.stringify({ cid }));
  });

  it("a retryable commit error validates again with a new ticket", async () => {
    const body = await messageBody(b, a.did, "retried", [a.publicKeyArmored, b.publicKeyArmored]);
    mode = "moveOnce";
    const started = begun;
    const r = await call(api.url, "POST", "/apis/v1/chat/message", body);
    expect(r.status, errorOf(r)).to.equal(200);
    expect(begun - started).to.equal(2);
    expect(committed.map((m) => m.cid)).to.include((r.json as { cid: string }).cid);
    expect(afterCommit.slice(-1)).to.deep.equal([(r.json as { cid: string }).cid]);
    expect(afterCommit).to.have.length(2);
  });

  it("an attestor that cannot attest refuses the message with its status and sentence", async () => {
    const body = await messageBody(a, b.did, "not now", [b.publicKeyArmored, a.publicKeyArmored]);
    mode = "notReady";
    const before = count("messages");
    const r = await call(api.url, "POST", "/apis/v1/chat/message", body);
    expect(r.status).to.equal(503);
    expect(errorOf(r)).to.match(/has not read the chain yet/);
    expect(count("messages")).to.equal(before);
    mode = "ok";
  });
});
