/**
 * The Push Chat store (SQLite, better-sqlite3; opened by openPushChat with WAL and synchronous=FULL):
 * users and their profiles, one-to-one conversations (intent, intentSentBy, threadhash), and messages
 * stored content-addressed by the CID of their JSON document, each linking to the previous thread hash.
 *
 * Every write method runs in ONE IMMEDIATE transaction and returns after the commit: with
 * synchronous=FULL a write acknowledged by the API survives kill -9. The methods are synchronous, so a
 * caller that checks state and writes in the same tick (no `await` between) cannot race another request.
 *
 * Addresses (EIP-55) are the keys; DIDs and every signed field are kept exactly as received.
 */
import type { Statement } from "better-sqlite3";
import type { Database, Migration } from "../store/sqlite";
import { transaction } from "../store/sqlite";
import { messageCid } from "./cid";

export const PUSHCHAT_DB_FILE = "pushchat.sqlite";

export const PUSHCHAT_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: "push chat users, conversations, messages",
    up: `
      CREATE TABLE users (
        address TEXT PRIMARY KEY NOT NULL,
        did TEXT NOT NULL,
        wallets TEXT NOT NULL,
        public_key TEXT NOT NULL,
        encrypted_private_key TEXT NOT NULL,
        verification_proof TEXT,
        origin TEXT,
        key_hash TEXT,
        key_bytes BLOB,
        name TEXT,
        descr TEXT,
        picture TEXT,
        blocked TEXT NOT NULL DEFAULT '[]',
        profile_proof TEXT,
        profile_signed_at INTEGER,
        msg_sent INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE conversations (
        chat_id TEXT PRIMARY KEY NOT NULL,
        pair TEXT NOT NULL UNIQUE,
        requester TEXT NOT NULL,
        requester_did TEXT NOT NULL,
        recipient TEXT NOT NULL,
        recipient_did TEXT NOT NULL,
        approver_did TEXT,
        accept_proof TEXT,
        threadhash TEXT NOT NULL,
        intent_at INTEGER NOT NULL,
        last_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX conversations_requester ON conversations (requester, last_at);
      CREATE INDEX conversations_recipient ON conversations (recipient, last_at);
      CREATE TABLE messages (
        cid TEXT PRIMARY KEY NOT NULL,
        chat_id TEXT NOT NULL,
        link TEXT,
        sender TEXT NOT NULL,
        recipient TEXT NOT NULL,
        document TEXT NOT NULL,
        signature_hash TEXT NOT NULL UNIQUE,
        signed_hex TEXT NOT NULL,
        sender_key TEXT NOT NULL,
        recipient_key TEXT,
        is_request INTEGER NOT NULL,
        notify INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        attestation TEXT
      ) STRICT;
      CREATE INDEX messages_chat ON messages (chat_id);
      CREATE TABLE used_signatures (
        signature_hash TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL,
        address TEXT NOT NULL,
        used_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: "messages sent per user in their own small table (a message no longer rewrites its sender's row)",
    // users.msg_sent stays (SQLite keeps the column) but is no longer written or read.
    up: `
      CREATE TABLE sent_counts (
        address TEXT PRIMARY KEY NOT NULL,
        msg_sent INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      INSERT INTO sent_counts (address, msg_sent) SELECT address, msg_sent FROM users WHERE msg_sent > 0;
    `,
  },
  {
    version: 3,
    name: "conversation indexes without last_at (a message no longer rewrites two index entries)",
    // Every message sets its conversation's last_at: with last_at in these indexes each message deleted and
    // re-inserted an entry in both (two more pages written per commit). The chats and requests lists sort a
    // user's conversations by last_at instead.
    up: `
      DROP INDEX conversations_requester;
      DROP INDEX conversations_recipient;
      CREATE INDEX conversations_requester ON conversations (requester);
      CREATE INDEX conversations_recipient ON conversations (recipient);
    `,
  },
];

/** Who may send to whom: the columns the send path reads (not the keys' kilobytes). */
export type UserGateRow = Pick<UserRow, "address" | "key_hash" | "blocked">;

export interface UserRow {
  address: string;
  did: string;
  wallets: string;
  public_key: string;
  encrypted_private_key: string;
  verification_proof: string | null;
  origin: string | null;
  key_hash: string | null;
  key_bytes: Buffer | null;
  name: string | null;
  descr: string | null;
  picture: string | null;
  blocked: string;
  profile_proof: string | null;
  profile_signed_at: number | null;
  msg_sent: number;
  created_at: number;
  updated_at: number;
}

export interface ConversationRow {
  chat_id: string;
  pair: string;
  requester: string;
  requester_did: string;
  recipient: string;
  recipient_did: string;
  approver_did: string | null;
  accept_proof: string | null;
  threadhash: string;
  intent_at: number;
  last_at: number;
}

export interface MessageRow {
  cid: string;
  chat_id: string;
  link: string | null;
  sender: string;
  recipient: string;
  document: string;
  signature_hash: string;
  signed_hex: string;
  sender_key: string;
  recipient_key: string | null;
  is_request: number;
  notify: number;
  received_at: number;
  attestation: string | null;
}

/** A verified profile to store (from verifyPushProfile). */
export interface ProfileInput {
  address: string;
  did: string;
  caip10: string;
  publicKey: string;
  encryptedPrivateKey: string;
  verificationProof: string;
  origin: string | null;
  keyHash: string;
  keyBytes: Uint8Array;
}

export interface ProfileUpdateInput {
  address: string;
  name: string | null;
  desc: string | null;
  picture: string | null;
  /** The blockedUsersList as received (JSON text of the array). */
  blockedJson: string;
  verificationProof: string;
  /** The signature's creation time (unix seconds). */
  signedAt: number;
  signatureHash: string;
}

/** A validated message to append (the body fields in the SDK's order, as received). */
export interface AppendMessageInput {
  /** "request": creates the conversation; "message": appends to the existing one. */
  kind: "request" | "message";
  body: Record<string, unknown>;
  sender: string;
  recipient: string;
  signatureHash: string;
  signedHex: string;
  senderKey: string;
  recipientKey: string | null;
  /** Server time (ms) the message document carries. */
  timestamp: number;
  /** New chat id when kind is "request". */
  newChatId?: string;
  /**
   * The conversation of the two wallets as the caller read it in the transaction this append joins (undefined:
   * read it here). Saves the read when the caller already checked it.
   */
  conversation?: ConversationRow | null;
  /**
   * Attests the message (synchronous, inside this transaction, before its row is written): returns the
   * attestation record (JSON text) stored in the row, so the row is written once.
   */
  attest?: (m: AppendedMessage) => string;
}

export interface AppendedMessage {
  cid: string;
  chatId: string;
  /** The stored JSON document (its CID is `cid`). */
  document: string;
  link: string | null;
  notify: boolean;
}

/** The conversation a message is appended to changed since it was checked (raced by another request). */
export class ConversationStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConversationStateError";
  }
}

/**
 * The stored document of a message (its CID is the message's): the body as posted, then the node's
 * `timestamp` (ms) and the `link` to the previous message of the conversation (null for the first).
 */
export function messageDocument(
  body: Record<string, unknown>,
  timestamp: number,
  link: string | null,
): string {
  return JSON.stringify({ ...body, timestamp, link });
}

/**
 * Whether {@link bodyOfDocument} gives `body` back from its document: true unless the body has its own
 * `timestamp` or `link` (the document's would replace them). JSON text round-trips a parsed body.
 */
export function bodyInDocument(body: Record<string, unknown>): boolean {
  return (
    !Object.prototype.hasOwnProperty.call(body, "timestamp") &&
    !Object.prototype.hasOwnProperty.call(body, "link")
  );
}

/** The body a message document was made from ({@link messageDocument}), when {@link bodyInDocument} held. */
export function bodyOfDocument(document: string): Record<string, unknown> {
  const body = JSON.parse(document) as Record<string, unknown>;
  delete body.timestamp;
  delete body.link;
  return body;
}

/**
 * Runs an INSERT into `messages`; a row breaking its unique keys (the CID, the signature hash) is a message
 * already accepted: ConversationStateError.
 */
function runRefusingDuplicate(insert: Statement, ...params: unknown[]): void {
  try {
    insert.run(...params);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE")
      throw new ConversationStateError("This message was already accepted.");
    throw e;
  }
}

/** The unordered pair of two addresses: the conversation key. */
export function pairOf(a: string, b: string): string {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? `${x}_${y}` : `${y}_${x}`;
}

export class PushChatStore {
  private readonly s;

  constructor(readonly db: Database) {
    this.s = {
      user: db.prepare<[string], UserRow>(
        "SELECT address, did, wallets, public_key, encrypted_private_key, verification_proof, origin, key_hash, " +
          "key_bytes, name, descr, picture, blocked, profile_proof, profile_signed_at, created_at, updated_at, " +
          "COALESCE((SELECT msg_sent FROM sent_counts WHERE sent_counts.address = users.address), 0) AS msg_sent " +
          "FROM users WHERE address = ?",
      ),
      userGate: db.prepare<[string], UserGateRow>(
        "SELECT address, key_hash, blocked FROM users WHERE address = ?",
      ),
      insertPlaceholder: db.prepare(
        "INSERT INTO users (address, did, wallets, public_key, encrypted_private_key, created_at, updated_at) " +
          "VALUES (?, ?, ?, '', '', ?, ?)",
      ),
      upsertProfile: db.prepare(
        "INSERT INTO users (address, did, wallets, public_key, encrypted_private_key, verification_proof, origin, " +
          "key_hash, key_bytes, created_at, updated_at) VALUES (@address, @did, @wallets, @publicKey, " +
          "@encryptedPrivateKey, @verificationProof, @origin, @keyHash, @keyBytes, @now, @now) " +
          "ON CONFLICT(address) DO UPDATE SET did = excluded.did, wallets = excluded.wallets, " +
          "public_key = excluded.public_key, encrypted_private_key = excluded.encrypted_private_key, " +
          "verification_proof = excluded.verification_proof, origin = excluded.origin, key_hash = excluded.key_hash, " +
          "key_bytes = excluded.key_bytes, updated_at = excluded.updated_at",
      ),
      updateProfile: db.prepare(
        "UPDATE users SET name = @name, descr = @desc, picture = @picture, blocked = @blocked, " +
          "profile_proof = @proof, profile_signed_at = @signedAt, updated_at = @now WHERE address = @address",
      ),
      conversationByPair: db.prepare<[string], ConversationRow>("SELECT * FROM conversations WHERE pair = ?"),
      conversationById: db.prepare<[string], ConversationRow>(
        "SELECT * FROM conversations WHERE chat_id = ?",
      ),
      insertConversation: db.prepare(
        "INSERT INTO conversations (chat_id, pair, requester, requester_did, recipient, recipient_did, threadhash, " +
          "intent_at, last_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      setThread: db.prepare("UPDATE conversations SET threadhash = ?, last_at = ? WHERE chat_id = ?"),
      accept: db.prepare("UPDATE conversations SET approver_did = ?, accept_proof = ? WHERE chat_id = ?"),
      deleteConversation: db.prepare("DELETE FROM conversations WHERE chat_id = ?"),
      insertMessage: db.prepare(
        "INSERT INTO messages (cid, chat_id, link, sender, recipient, document, signature_hash, signed_hex, " +
          "sender_key, recipient_key, is_request, notify, received_at, attestation) " +
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      message: db.prepare<[string], MessageRow>("SELECT * FROM messages WHERE cid = ?"),
      messageBySignature: db.prepare<[string], { cid: string }>(
        "SELECT cid FROM messages WHERE signature_hash = ?",
      ),
      bumpSent: db.prepare(
        "INSERT INTO sent_counts (address, msg_sent) VALUES (?, 1) " +
          "ON CONFLICT(address) DO UPDATE SET msg_sent = msg_sent + 1",
      ),
      usedSignature: db.prepare<[string], { kind: string }>(
        "SELECT kind FROM used_signatures WHERE signature_hash = ?",
      ),
      useSignature: db.prepare(
        "INSERT INTO used_signatures (signature_hash, kind, address, used_at) VALUES (?, ?, ?, ?)",
      ),
      chats: db.prepare<[string, string, number, number], ConversationRow>(
        "SELECT * FROM conversations WHERE requester = ? OR (recipient = ? AND approver_did IS NOT NULL) " +
          "ORDER BY last_at DESC, chat_id LIMIT ? OFFSET ?",
      ),
      requests: db.prepare<[string, number, number], ConversationRow>(
        "SELECT * FROM conversations WHERE recipient = ? AND approver_did IS NULL " +
          "ORDER BY last_at DESC, chat_id LIMIT ? OFFSET ?",
      ),
    };
  }

  user(address: string): UserRow | undefined {
    return this.s.user.get(address);
  }

  /** The user's address, key hash and block list only (what sending checks), or undefined. */
  userGate(address: string): UserGateRow | undefined {
    return this.s.userGate.get(address);
  }

  /** Creates a keyless placeholder for `address` unless a user exists; returns the user row. */
  ensurePlaceholder(address: string, did: string, caip10: string, now = Date.now()): UserRow {
    return transaction(this.db, () => {
      if (!this.s.user.get(address)) this.s.insertPlaceholder.run(address, did, caip10, now, now);
      return this.s.user.get(address) as UserRow;
    });
  }

  /**
   * Stores a verified profile. Only a missing user or a keyless placeholder may be written: a user that
   * already has a key keeps it (the caller answers 409), so `false` is returned and nothing changes.
   */
  putProfile(p: ProfileInput, now = Date.now()): boolean {
    return transaction(this.db, () => {
      const existing = this.s.user.get(p.address);
      if (existing && existing.key_hash !== null) return false;
      this.s.upsertProfile.run({
        address: p.address,
        did: p.did,
        wallets: p.caip10,
        publicKey: p.publicKey,
        encryptedPrivateKey: p.encryptedPrivateKey,
        verificationProof: p.verificationProof,
        origin: p.origin,
        keyHash: p.keyHash,
        keyBytes: Buffer.from(p.keyBytes),
        now,
      });
      return true;
    });
  }

  /** Applies a verified profile update and records its signature as used. */
  updateProfile(u: ProfileUpdateInput, now = Date.now()): void {
    transaction(this.db, () => {
      this.s.useSignature.run(u.signatureHash, "profile", u.address, now);
      this.s.updateProfile.run({
        address: u.address,
        name: u.name,
        desc: u.desc,
        picture: u.picture,
        blocked: u.blockedJson,
        proof: u.verificationProof,
        signedAt: u.signedAt,
        now,
      });
    });
  }

  /** The kind ("profile", "accept", "reject", "message") a signature was already used for, if any. */
  signatureUsed(signatureHash: string): string | undefined {
    const used = this.s.usedSignature.get(signatureHash)?.kind;
    if (used !== undefined) return used;
    return this.s.messageBySignature.get(signatureHash) ? "message" : undefined;
  }

  conversation(a: string, b: string): ConversationRow | undefined {
    return this.s.conversationByPair.get(pairOf(a, b));
  }

  conversationById(chatId: string): ConversationRow | undefined {
    return this.s.conversationById.get(chatId);
  }

  /**
   * Appends a validated message. "request" creates the conversation (refused if one exists); "message"
   * needs one. The document is the body's fields in order plus `timestamp` and `link` (the previous
   * thread hash, null for the first); its CID becomes the conversation's thread hash.
   */
  appendMessage(m: AppendMessageInput): AppendedMessage {
    return transaction(this.db, () => {
      const pair = pairOf(m.sender, m.recipient);
      let conv =
        m.conversation === undefined ? this.s.conversationByPair.get(pair) : (m.conversation ?? undefined);
      if (m.kind === "request" && conv)
        throw new ConversationStateError("A conversation between these wallets already exists.");
      if (m.kind === "message" && !conv)
        throw new ConversationStateError("There is no conversation between these wallets.");
      const link = conv ? conv.threadhash : null;
      const document = messageDocument(m.body, m.timestamp, link);
      const cid = messageCid(document);
      let chatId: string;
      if (!conv) {
        if (!m.newChatId) throw new Error("appendMessage: a request needs newChatId");
        chatId = m.newChatId;
        this.s.insertConversation.run(
          chatId,
          pair,
          m.sender,
          m.body.fromDID as string,
          m.recipient,
          m.body.toDID as string,
          cid,
          m.timestamp,
          m.timestamp,
        );
        conv = this.s.conversationById.get(chatId) as ConversationRow;
      } else {
        chatId = conv.chat_id;
        this.s.setThread.run(cid, m.timestamp, chatId);
      }
      const notify = conv.approver_did !== null;
      const attestation = m.attest ? m.attest({ cid, chatId, document, link, notify }) : null;
      // A message already stored (same signature, or same CID) is refused by the table's unique keys: this
      // throws, and the savepoint undoes the conversation update and the attestation with it.
      runRefusingDuplicate(
        this.s.insertMessage,
        cid,
        chatId,
        link,
        m.sender,
        m.recipient,
        document,
        m.signatureHash,
        m.signedHex,
        m.senderKey,
        m.recipientKey,
        m.kind === "request" ? 1 : 0,
        notify ? 1 : 0,
        m.timestamp,
        attestation,
      );
      this.s.bumpSent.run(m.sender);
      return { cid, chatId, document, link, notify };
    });
  }

  /** Marks the conversation accepted by its recipient (`approverDid`), recording the proof's signature. */
  accept(chatId: string, approverDid: string, proof: string, signatureHash: string, address: string): void {
    transaction(this.db, () => {
      const conv = this.s.conversationById.get(chatId);
      if (!conv || conv.approver_did !== null)
        throw new ConversationStateError("The request is no longer pending.");
      this.s.useSignature.run(signatureHash, "accept", address, Date.now());
      this.s.accept.run(approverDid, proof, chatId);
    });
  }

  /** Deletes a pending conversation (its messages stay stored by CID), recording the proof's signature. */
  reject(chatId: string, signatureHash: string, address: string): void {
    transaction(this.db, () => {
      const conv = this.s.conversationById.get(chatId);
      if (!conv || conv.approver_did !== null)
        throw new ConversationStateError("The request is no longer pending.");
      this.s.useSignature.run(signatureHash, "reject", address, Date.now());
      this.s.deleteConversation.run(chatId);
    });
  }

  message(cid: string): MessageRow | undefined {
    return this.s.message.get(cid);
  }

  /** Up to `limit` messages from `cid` back along `link`, newest first. */
  history(cid: string, limit: number): MessageRow[] {
    const out: MessageRow[] = [];
    let next: string | null = cid;
    while (next !== null && out.length < limit) {
      const row = this.s.message.get(next);
      if (!row) break;
      out.push(row);
      next = row.link;
    }
    return out;
  }

  /** Conversations in `address`'s chats: it sent the request, or accepted it. Latest activity first. */
  chats(address: string, page: number, limit: number): ConversationRow[] {
    return this.s.chats.all(address, address, limit, (page - 1) * limit);
  }

  /** Pending requests `address` received. Latest activity first. */
  requests(address: string, page: number, limit: number): ConversationRow[] {
    return this.s.requests.all(address, limit, (page - 1) * limit);
  }
}
