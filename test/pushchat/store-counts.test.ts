import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../../src/store/sqlite";
import { loadCidCodec } from "../../src/pushchat/cid";
import { PUSHCHAT_MIGRATIONS, PushChatStore } from "../../src/pushchat/store";
import { NODE_MIGRATIONS } from "../../src/node/store";

/**
 * Messages sent per user live in `sent_counts` (pushchat migration 2, node migration 6), so a message does not
 * rewrite its sender's row (kilobytes of keys). The count survives the migration and grows with each message.
 */
describe("Push Chat store: messages sent per user", () => {
  const A = "0x93A2e6ef5737B10697B8AA24f71EA65caEd80b90";
  const B = "0xa95c1A01109342e87ca5394b7cb76e7DC0050864";
  before(loadCidCodec);

  for (const [name, file, migrations, first] of [
    ["a Push Chat database", "pushchat.sqlite", PUSHCHAT_MIGRATIONS, 1],
    ["a node database", "node.sqlite", NODE_MIGRATIONS, 5],
  ] as const) {
    it(`keeps the counts of ${name} through the migration and counts each message`, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sent-counts-"));
      try {
        // the database as it was before the migration, with counts in users.msg_sent
        const old = openDatabase({
          dataDir: dir,
          file,
          migrations: migrations.filter((m) => m.version <= first),
        });
        const insert = old.prepare(
          "INSERT INTO users (address, did, wallets, public_key, encrypted_private_key, msg_sent, created_at, " +
            "updated_at) VALUES (?, ?, ?, '', '', ?, 1, 1)",
        );
        insert.run(A, `eip155:${A}`, `eip155:${A}`, 7);
        insert.run(B, `eip155:${B}`, `eip155:${B}`, 0);
        old.close();

        const db = openDatabase({ dataDir: dir, file, migrations: [...migrations] });
        const store = new PushChatStore(db);
        expect(store.user(A)?.msg_sent).to.equal(7);
        expect(store.user(B)?.msg_sent).to.equal(0);
        const base = {
          body: { fromDID: `eip155:${A}`, toDID: `eip155:${B}`, messageContent: "hi" },
          sender: A,
          recipient: B,
          signedHex: "00".repeat(32),
          senderKey: "0x01",
          recipientKey: null,
        };
        store.appendMessage({ ...base, kind: "request", signatureHash: "s1", timestamp: 1, newChatId: "c1" });
        store.appendMessage({ ...base, kind: "message", signatureHash: "s2", timestamp: 2 });
        store.appendMessage({
          ...base,
          sender: B,
          recipient: A,
          kind: "message",
          signatureHash: "s3",
          timestamp: 3,
        });
        expect(store.user(A)?.msg_sent).to.equal(9);
        expect(store.user(B)?.msg_sent).to.equal(1);
        // the users row is not written by a message: its updated_at and stale msg_sent column stay
        const raw = db.prepare("SELECT msg_sent, updated_at FROM users WHERE address = ?").get(A) as {
          msg_sent: number;
          updated_at: number;
        };
        expect(raw).to.deep.equal({ msg_sent: 7, updated_at: 1 });
        expect(store.userGate(A)).to.deep.equal({ address: A, key_hash: null, blocked: "[]" });
        db.close();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

/**
 * A message's commit writes each page it changes once more to the WAL (4 KiB frames), and the checkpoint writes
 * them again. Pushchat migration 3 (node migration 7) took last_at out of the conversation indexes: before it,
 * each message moved its conversation's entry in both.
 */
describe("Push Chat store: pages a message writes", () => {
  const A = "0x93A2e6ef5737B10697B8AA24f71EA65caEd80b90";
  const B = "0xa95c1A01109342e87ca5394b7cb76e7DC0050864";
  before(loadCidCodec);

  /** WAL frames per message, over 30 messages of one conversation, each in its own transaction. */
  function framesPerMessage(migrations: readonly (typeof PUSHCHAT_MIGRATIONS)[number][]): number {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pages-"));
    try {
      const db = openDatabase({ dataDir: dir, file: "pushchat.sqlite", migrations: [...migrations] });
      db.pragma("wal_autocheckpoint = 0");
      const store = new PushChatStore(db);
      const wal = path.join(dir, "pushchat.sqlite-wal");
      const frames = () => (fs.statSync(wal).size - 32) / (4096 + 24);
      const base = {
        body: { fromDID: `eip155:${A}`, toDID: `eip155:${B}`, messageContent: "x".repeat(1024) },
        sender: A,
        recipient: B,
        signedHex: "00".repeat(32),
        senderKey: "0x01",
        recipientKey: null,
      };
      const append = db.transaction((m: Parameters<PushChatStore["appendMessage"]>[0]) =>
        store.appendMessage(m),
      );
      append({ ...base, kind: "request", signatureHash: "s0", timestamp: 1, newChatId: "c1" });
      for (let i = 1; i <= 5; i++)
        append({ ...base, kind: "message", signatureHash: `w${i}`, timestamp: 1 + i });
      const before = frames();
      for (let i = 1; i <= 30; i++)
        append({ ...base, kind: "message", signatureHash: `s${i}`, timestamp: 10 + i });
      const perMessage = (frames() - before) / 30;
      db.close();
      return perMessage;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it("a message writes two pages fewer without last_at in the conversation indexes", () => {
    const withLastAt = framesPerMessage(PUSHCHAT_MIGRATIONS.filter((m) => m.version <= 2));
    const now = framesPerMessage(PUSHCHAT_MIGRATIONS);
    expect(withLastAt - now).to.be.closeTo(2, 0.1);
    expect(now).to.be.at.most(10);
  });
});
