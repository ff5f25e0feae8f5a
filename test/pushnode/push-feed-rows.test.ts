import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../../src/store/sqlite";
import type { Database } from "../../src/store/sqlite";
import { loadCidCodec } from "../../src/pushchat/cid";
import { ConversationStateError, PushChatStore, messageDocument } from "../../src/pushchat/store";
import { messageCid } from "../../src/pushchat/cid";
import { AttestedAtMovedError, NODE_MIGRATIONS, NodeStore } from "../../src/node/store";
import type { AppendPushInput } from "../../src/node/store";
import {
  addressOfDid,
  decodePushMessage,
  encodePushAttested,
  parseVerificationProof,
  pushAttestedMessageOf,
} from "../../src/message/push";
import type { PushMessageBody } from "../../src/message/push";
import { hex0x } from "../../src/util/hex";

const vectors = JSON.parse(
  fs.readFileSync(path.join(__dirname, "../fixtures/push/messages.json"), "utf8"),
) as {
  messages: Array<{ name: string; version: "pgpv2" | "pgpv3"; body: Record<string, unknown> }>;
};

/**
 * A Push feed row holds the attested header and the signature only; the body as posted and the attested
 * struct's body fields come back from the message document stored under the same CID (src/node/store.ts,
 * CompactPush). A body the document cannot give back (its own `timestamp` or `link`) is stored in full, and
 * rows stored in full before keep reading as they were.
 */
describe("Push feed rows: compact, rebuilt from the message document", () => {
  let dir: string;
  let db: Database;
  let chat: PushChatStore;
  let feed: NodeStore;
  let n = 0;

  before(loadCidCodec);
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "push-feed-rows-"));
    db = openDatabase({ dataDir: dir, file: "node.sqlite", migrations: NODE_MIGRATIONS });
    chat = new PushChatStore(db);
    feed = new NodeStore(db);
    n = 0;
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Stores `body` as the node does: the message row and, inside its transaction, the feed row. */
  async function store(
    body: Record<string, unknown>,
    version: "pgpv2" | "pgpv3",
    over: { signatureHash?: string; timestamp?: number } = {},
  ) {
    n++;
    // a body with its own timestamp or link is a fault-injection case (the decoder refuses unknown fields)
    const known = Object.fromEntries(Object.entries(body).filter(([k]) => k !== "timestamp" && k !== "link"));
    const decoded = decodePushMessage(known) as unknown as Record<string, unknown>;
    const stored = {
      ...decoded,
      ...Object.fromEntries(Object.entries(body).filter(([k]) => !(k in decoded))),
    };
    const sender = addressOfDid(body.fromDID as string) as string;
    const recipient = addressOfDid(body.toDID as string) as string;
    const signature = (await parseVerificationProof(body.verificationProof as string)).signature;
    const message = pushAttestedMessageOf(stored as unknown as PushMessageBody, version, sender, recipient, {
      timestamp: 1_800_000_000n + BigInt(n),
      senderKey: "0x" + "11".repeat(32),
      recipientKey: n % 2 === 0 ? null : "0x" + "22".repeat(32),
    });
    let position = 0n;
    const first = chat.conversation(sender, recipient) === undefined;
    chat.appendMessage({
      kind: first ? "request" : "message",
      body: stored,
      sender,
      recipient,
      signatureHash: over.signatureHash ?? `sig-${n}`,
      signedHex: "00".repeat(32),
      senderKey: "0x11",
      recipientKey: null,
      timestamp: over.timestamp ?? 1_800_000_000_000 + n,
      newChatId: first ? `chat-${n}` : undefined,
      attest: (a) => {
        const input: AppendPushInput = {
          message,
          signature,
          body: stored,
          digest: "0x" + n.toString(16).padStart(64, "0"),
          signatureHash: "0x" + "ab".repeat(32),
          signatureSize: signature.length,
          cid: a.cid,
          sender,
          recipient,
          attestedAt: 1_800_000_000n + BigInt(n),
          sequenceFor: (_p, last) => last + 1n,
          sign: (att) => ({ ...att, signature: "0x" + "cd".repeat(65) }),
        };
        position = feed.appendPush(input).position;
        return "{}";
      },
    });
    return { position, message, signature, stored };
  }

  const rawPush = (position: bigint) =>
    (db.prepare("SELECT push FROM feed WHERE position = ?").get(Number(position)) as { push: string }).push;

  it("stores the header and signature only, and serves the item the full form served, for every SDK vector", async () => {
    for (const v of vectors.messages.slice(0, 6)) {
      const { position, message, signature, stored } = await store(v.body, v.version);
      const raw = JSON.parse(rawPush(position)) as Record<string, unknown>;
      expect(Object.keys(raw), v.name).to.deep.equal(["header", "signature"]);
      const item = feed.pushItem(position);
      expect(item?.push, v.name).to.deep.equal({
        message: encodePushAttested(message),
        signature: hex0x(signature),
        body: stored,
      });
      // the row is a fraction of the full item's JSON
      expect(rawPush(position).length, v.name).to.be.lessThan(JSON.stringify(item?.push).length / 2);
    }
    expect(feed.pageJson(0n, 100).map((i) => i.position)).to.deep.equal(["1", "2", "3", "4", "5", "6"]);
  });

  it("a body with its own timestamp or link is stored in full and served as posted", async () => {
    const v = vectors.messages[0];
    await store(v.body, v.version);
    for (const extra of [{ timestamp: 7 }, { link: "bafy-own-link" }]) {
      const body = { ...v.body, ...extra };
      const { position, stored } = await store(body, v.version);
      expect(Object.keys(JSON.parse(rawPush(position)))).to.deep.equal(["message", "signature", "body"]);
      expect(feed.pushItem(position)?.push.body).to.deep.equal(stored);
      expect(feed.pushItem(position)?.push.body).to.include(extra);
    }
  });

  it("a row in the full form, as written before the compact one, reads as stored", async () => {
    const v = vectors.messages[1];
    const { position } = await store(v.body, v.version);
    const full = JSON.stringify(feed.pushItem(position)?.push);
    db.prepare("UPDATE feed SET push = ? WHERE position = ?").run(full, Number(position));
    expect(JSON.stringify(feed.pushItem(position)?.push)).to.equal(full);
  });

  it("refuses to serve an item whose message document is missing or no longer gives the attested header", async () => {
    const v = vectors.messages[0];
    const { position } = await store(v.body, v.version);
    const cid = (
      db.prepare("SELECT cid FROM feed WHERE position = ?").get(Number(position)) as { cid: string }
    ).cid;
    const doc = (db.prepare("SELECT document FROM messages WHERE cid = ?").get(cid) as { document: string })
      .document;
    const changed = JSON.stringify({
      ...JSON.parse(doc),
      toDID: "eip155:0x0000000000000000000000000000000000000001",
    });
    db.prepare("UPDATE messages SET document = ? WHERE cid = ?").run(changed, cid);
    expect(() => feed.pushItem(position)).to.throw(/does not give the attested header/);
    db.prepare("DELETE FROM messages WHERE cid = ?").run(cid);
    expect(() => feed.pushItem(position)).to.throw(
      `the message document ${cid} of Push feed position 1 is missing`,
    );
  });

  it("nextAttestedAt answers from the last attestedAt the store read or wrote; an append before a row written by another connection is refused and teaches it", async () => {
    expect(feed.nextAttestedAt(5n)).to.equal(5n); // empty feed: now
    const v = vectors.messages[0];
    await store(v.body, v.version); // attestedAt 1_800_000_001
    expect(feed.nextAttestedAt(1n)).to.equal(1_800_000_001n);
    expect(feed.nextAttestedAt(1_900_000_000n)).to.equal(1_900_000_000n);
    // a writer this store does not know of appends a later row
    const other = openDatabase({ dataDir: dir, file: "node.sqlite", migrations: NODE_MIGRATIONS });
    try {
      other
        .prepare(
          "INSERT INTO feed (position, sequence, digest, signature_hash, attested_at, attestation_signature, " +
            "envelope, cid, sender, recipient, received_at) VALUES (2, 2, 'd', 's', 1850000000, 'x', '', 'c', 'a', 'b', 0)",
        )
        .run();
    } finally {
      other.close();
    }
    // answered from memory (no read per message), so still the time this store wrote
    expect(feed.nextAttestedAt(1n)).to.equal(1_800_000_001n);
    // the append reads the last row in its transaction: a time before it is refused, nothing is written
    const next = vectors.messages[1];
    let refused: unknown;
    try {
      await store(next.body, next.version); // attestedAt 1_800_000_002
    } catch (e) {
      refused = e;
    }
    expect(refused).to.be.instanceOf(AttestedAtMovedError);
    expect((db.prepare("SELECT COUNT(*) AS n FROM feed").get() as { n: number }).n).to.equal(2);
    expect(feed.nextAttestedAt(1n)).to.equal(1_850_000_000n);
    expect(feed.nextAttestedAt(1_900_000_000n)).to.equal(1_900_000_000n);
  });

  it("a message already stored (same signature hash, or same document and so CID) is refused by the table's keys, its attestation and thread move undone", async () => {
    const [v1, , v2] = vectors.messages; // the first and third: the same conversation
    await store(v1.body, v1.version); // sig-1, position 1
    const [sender, recipient] = [v1.body.fromDID, v1.body.toDID].map(
      (d) => addressOfDid(d as string) as string,
    );
    const thread = () => chat.conversation(sender, recipient)?.threadhash;
    const feedRows = () => (db.prepare("SELECT COUNT(*) AS n FROM feed").get() as { n: number }).n;
    const before = thread();
    const refusal = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const sameSignature = await refusal(store(v2.body, v2.version, { signatureHash: "sig-1" }));
    expect(sameSignature).to.be.instanceOf(ConversationStateError);
    expect((sameSignature as Error).message).to.equal("This message was already accepted.");
    // the same document as a row already stored: its CID is taken
    const timestamp = 1_800_000_000_999;
    const decoded = decodePushMessage(v2.body) as unknown as Record<string, unknown>;
    const cid = messageCid(messageDocument(decoded, timestamp, before ?? null));
    db.prepare(
      "INSERT INTO messages (cid, chat_id, link, sender, recipient, document, signature_hash, signed_hex, sender_key, " +
        "recipient_key, is_request, notify, received_at) VALUES (?, 'x', NULL, 'a', 'b', '{}', 'other', '', '', NULL, 0, 0, 0)",
    ).run(cid);
    const sameCid = await refusal(store(v2.body, v2.version, { timestamp }));
    expect(sameCid).to.be.instanceOf(ConversationStateError);
    expect((sameCid as Error).message).to.equal("This message was already accepted.");
    expect(feedRows()).to.equal(1);
    expect(thread()).to.equal(before);
    // and a new message goes through
    await store(v2.body, v2.version);
    expect(feedRows()).to.equal(2);
    expect(thread()).to.not.equal(before);
  });
});
