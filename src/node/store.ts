/**
 * The Push Node's SQLite store: the feed (one row per attested message, by position), the content by
 * CID, and the node identity the data directory belongs to.
 *
 * Sequencing: {@link NodeStore.append} picks the next position and sequence, has the attestation signed
 * (synchronously, with the signer key in memory) and inserts the row in ONE IMMEDIATE transaction. The
 * attestation leaves the process only after that transaction committed, so a crash either loses an
 * attestation nobody has seen or keeps it: a sequence is never signed twice and never skipped.
 *
 * attestedAt never decreases along the feed (a later sequence with an earlier attestedAt is a provable
 * fault): inside the same transaction the row is refused when the caller's attestedAt is below the last
 * row's, so a clock set back (even across a restart: the feed on disk is the record) cannot make the node
 * sign such a pair. The caller asks {@link NodeStore.nextAttestedAt} for the time to validate with.
 */
import type { Migration, Database } from "../store/sqlite";
import { KvStore, transaction } from "../store/sqlite";
import { encodeEnvelope, encodeSignedAttestation, decodeEnvelope, decodeSignedAttestation } from "../message";
import type { Attestation, Envelope, EnvelopeJson, SignedAttestation } from "../message";
import { PUSHCHAT_MIGRATIONS, bodyInDocument, bodyOfDocument } from "../pushchat/store";
import { encodePushAttested, encodePushHeader, pushAttestedMessageOf } from "../message/push";
import type { PushAttestedMessage, PushAttestedMessageJson, PushMessageBody } from "../message/push";
import { hex0x } from "../util/hex";
import type { FeedItem, PushFeedItemJson } from "./api";

export const NODE_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: "push node feed and content",
    up: `
      CREATE TABLE feed (
        position INTEGER PRIMARY KEY NOT NULL,
        sequence INTEGER NOT NULL,
        digest TEXT NOT NULL,
        signature_hash TEXT NOT NULL,
        attested_at INTEGER NOT NULL,
        attestation_signature TEXT NOT NULL,
        envelope TEXT NOT NULL,
        cid TEXT NOT NULL,
        sender TEXT NOT NULL,
        recipient TEXT NOT NULL,
        accepted_fault TEXT,
        received_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX feed_message ON feed (digest, signature_hash);
      CREATE INDEX feed_parties ON feed (sender, recipient);
      CREATE TABLE content (
        cid TEXT PRIMARY KEY NOT NULL,
        bytes BLOB NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: "attestations commit to the signature size",
    up: (db) => {
      const rows = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM feed").get();
      if ((rows?.n ?? 0) > 0)
        throw new Error(
          `This data directory holds ${rows?.n} attestations signed under the previous Attestation type ` +
            "(without signatureSize), which the Slashing contract no longer reads: start the node with a new " +
            "data directory.",
        );
      db.exec("ALTER TABLE feed ADD COLUMN signature_size INTEGER NOT NULL DEFAULT 0");
    },
  },
  {
    version: 3,
    name: "the Push Chat API's tables in the node's database (one transaction stores and attests a message)",
    up: PUSHCHAT_MIGRATIONS[0].up,
  },
  {
    version: 4,
    name: "Push Chat SDK messages in the feed",
    up: `
      ALTER TABLE feed ADD COLUMN kind TEXT NOT NULL DEFAULT 'envelope';
      ALTER TABLE feed ADD COLUMN push TEXT;
    `,
  },
  {
    version: 5,
    name: "index on the feed's sequence (the next sequence is read in O(log n), not by a scan of the feed)",
    up: "CREATE INDEX feed_sequence ON feed (sequence);",
  },
  {
    version: 6,
    name: "Push Chat: messages sent per user in their own table",
    up: PUSHCHAT_MIGRATIONS[1].up,
  },
  {
    version: 7,
    name: "no feed index on (sender, recipient), which no query reads; conversation indexes without last_at",
    // Each index entry written per message is a page more in the commit (a 4 KiB WAL frame, then a
    // checkpoint write).
    up: "DROP INDEX feed_parties;\n" + (PUSHCHAT_MIGRATIONS[2].up as string),
  },
];

interface FeedRow {
  position: number;
  sequence: number;
  digest: string;
  signature_hash: string;
  signature_size: number;
  attested_at: number;
  attestation_signature: string;
  envelope: string;
  cid: string;
  accepted_fault: string | null;
  kind: string;
  /**
   * For kind "push", JSON of either
   *   - {message, signature, body}: PushFeedItemJson's `push` in full (rows written before the compact form,
   *     and rows whose body has its own `timestamp` or `link`), or
   *   - {header, signature} ({@link CompactPush}): the body is the stored message document of the row's CID
   *     less its `timestamp` and `link`, and the attested struct's body is made from it again on reading.
   */
  push: string | null;
}

/**
 * A Push feed row's `push` without what the Push Chat API's message row already holds: the attested
 * struct's header and the signature. The rest of the item (the body as posted, and the attested struct's
 * body fields, made from it by pushAttestedMessageOf) is rebuilt from the message document on reading.
 * Written instead of the full item because the full one repeated the body twice (as posted, and in hex):
 * about 11 KB per message, the largest row the node wrote.
 */
interface CompactPush {
  header: PushAttestedMessageJson["header"];
  signature: string;
}

/** What the caller decides for a new row inside the transaction. */
export interface AppendPlan {
  position: bigint;
  sequence: bigint;
}

export interface AppendInput {
  envelope: Envelope;
  digest: string;
  signatureHash: string;
  cid: string;
  /**
   * The attestation time, from {@link NodeStore.nextAttestedAt}. If another row was appended meanwhile with
   * a later attestedAt, append refuses (AttestedAtMovedError) and the caller validates again.
   */
  attestedAt: bigint;
  /** The fault class accepted under fault injection, or undefined for a valid message. */
  acceptedFault?: string;
  /** Chooses the sequence for the next position (honest: last sequence + 1). */
  sequenceFor: (position: bigint, lastSequence: bigint, sequenceAt: (p: bigint) => bigint) => bigint;
  /** Signs synchronously (the transaction cannot wait). */
  sign: (a: Attestation) => SignedAttestation;
}

/** A Push Chat SDK message to append (docs/push-format.md): the attested struct, its signature and body. */
export interface AppendPushInput {
  /** The attested struct. */
  message: PushAttestedMessage;
  /** The binary OpenPGP signature packet(s), de-armored from the verificationProof. */
  signature: Uint8Array;
  /** The message body as the SDK posted it (what pushAttestedMessageOf made `message` from). */
  body: Record<string, unknown>;
  /** pushMessageDigest of `message` in the node's attestation domain. */
  digest: string;
  signatureHash: string;
  signatureSize: number;
  /**
   * The message's CID in the Push Chat API. Its document, stored in the same transaction, is `body` with the
   * node's timestamp and link (pushchat's messageDocument): the row then holds only the header and signature.
   */
  cid: string;
  sender: string;
  recipient: string;
  attestedAt: bigint;
  acceptedFault?: string;
  sequenceFor: AppendInput["sequenceFor"];
  sign: AppendInput["sign"];
}

/** The position and attestation of an appended Push message (its feed item is read back with pushItem). */
export interface AppendPushResult {
  position: bigint;
  attestation: SignedAttestation;
  acceptedFault: string | null;
}

export interface AppendResult {
  item: FeedItem;
  duplicate: boolean;
  acceptedFault: string | null;
}

/** Identity a data directory is bound to (refused if another node or chain opens it). */
export interface NodeIdentity {
  signer: string;
  chainId: string;
  verifyingContract: string;
}

export class NodeIdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NodeIdentityError";
  }
}

/** The feed's last attestedAt moved past the time a message was validated with: validate it again. */
export class AttestedAtMovedError extends Error {
  constructor(
    readonly attestedAt: bigint,
    readonly last: bigint,
  ) {
    super(`the feed's last attestedAt is ${last}, after ${attestedAt}; validate the message again`);
    this.name = "AttestedAtMovedError";
  }
}

export class NodeStore {
  private readonly kv: KvStore;
  private readonly s;
  /**
   * At least the last feed row's attestedAt, as this store last read or appended it (undefined until then):
   * nextAttestedAt answers from it without a read transaction per message. It is never below the feed's value
   * when this store is the feed's only writer; a rolled-back append may leave it above (by an earlier `now`),
   * which nextAttestedAt's max allows. Whatever the value, the append reads the last row in its transaction
   * and refuses a time before it (AttestedAtMovedError), setting this to what it read.
   */
  private attestedAtSeen: bigint | null | undefined;

  constructor(readonly db: Database) {
    this.kv = new KvStore(db);
    this.s = {
      byMessage: db.prepare<[string, string], FeedRow>(
        "SELECT * FROM feed WHERE digest = ? AND signature_hash = ? ORDER BY position LIMIT 1",
      ),
      byPosition: db.prepare<[number], FeedRow>("SELECT * FROM feed WHERE position = ?"),
      // Two queries, one aggregate each: SQLite reads a lone MAX from the index's end (O(log n)); with two
      // aggregates in one SELECT it would scan the whole feed.
      headPosition: db.prepare<[], { p: number | null }>("SELECT MAX(position) AS p FROM feed"),
      headSequence: db.prepare<[], { s: number | null }>("SELECT MAX(sequence) AS s FROM feed"),
      // The last row's position and attestedAt in one read (the primary key's end).
      lastRow: db.prepare<[], { p: number; t: number }>(
        "SELECT position AS p, attested_at AS t FROM feed ORDER BY position DESC LIMIT 1",
      ),
      page: db.prepare<[number, number], FeedRow>(
        "SELECT * FROM feed WHERE position > ? ORDER BY position LIMIT ?",
      ),
      insertPush: db.prepare(
        "INSERT INTO feed (position, sequence, digest, signature_hash, signature_size, attested_at, " +
          "attestation_signature, envelope, cid, sender, recipient, accepted_fault, received_at, kind, push) " +
          "VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, 'push', ?)",
      ),
      insert: db.prepare(
        "INSERT INTO feed (position, sequence, digest, signature_hash, signature_size, attested_at, " +
          "attestation_signature, envelope, cid, sender, recipient, accepted_fault, received_at) " +
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      insertContent: db.prepare("INSERT INTO content (cid, bytes) VALUES (?, ?) ON CONFLICT(cid) DO NOTHING"),
      content: db.prepare<[string], { bytes: Buffer }>("SELECT bytes FROM content WHERE cid = ?"),
      // The Push Chat API's table, in this database since migration 3.
      messageDocument: db.prepare<[string], { document: string }>(
        "SELECT document FROM messages WHERE cid = ?",
      ),
    };
  }

  /** Binds the data directory to a node identity on first use; throws if it belongs to another. */
  bindIdentity(id: NodeIdentity): void {
    transaction(this.db, () => {
      const stored = this.kv.get<{ signer: string; chainId: string; verifyingContract: string }>(
        "node:identity",
      );
      if (stored === undefined) {
        this.kv.set("node:identity", { ...id });
        return;
      }
      if (
        stored.signer.toLowerCase() !== id.signer.toLowerCase() ||
        stored.chainId !== id.chainId ||
        stored.verifyingContract.toLowerCase() !== id.verifyingContract.toLowerCase()
      ) {
        throw new NodeIdentityError(
          `This data directory holds the feed of node ${stored.signer} on chain ${stored.chainId} ` +
            `(Slashing ${stored.verifyingContract}), not of ${id.signer} on chain ${id.chainId} ` +
            `(Slashing ${id.verifyingContract}): use the data directory of this node, or a new one.`,
        );
      }
    });
  }

  /** Highest position and highest sequence (0 when empty). */
  head(): { position: bigint; sequence: bigint } {
    const p = this.s.headPosition.get();
    const s = this.s.headSequence.get();
    return { position: BigInt(p?.p ?? 0), sequence: BigInt(s?.s ?? 0) };
  }

  /** attestedAt of the last feed row, or null when the feed is empty. */
  lastAttestedAt(): bigint | null {
    const r = this.s.lastRow.get();
    return r === undefined ? null : BigInt(r.t);
  }

  /** The attestedAt a message accepted now gets: max(last attestedAt in the feed, now). Never decreases. */
  nextAttestedAt(now: bigint): bigint {
    if (this.attestedAtSeen === undefined) this.attestedAtSeen = this.lastAttestedAt();
    const last = this.attestedAtSeen;
    return last !== null && last > now ? last : now;
  }

  /** The feed item already holding this exact message (same digest and signature), if any. */
  findMessage(digest: string, signatureHash: string): FeedItem | undefined {
    const row = this.s.byMessage.get(digest, signatureHash);
    return row && this.toItem(row);
  }

  /**
   * The next feed slot and its signed attestation, inside the caller's transaction: refuses
   * (AttestedAtMovedError) when the feed's last attestedAt is after `attestedAt`; the position follows the head,
   * the sequence is `sequenceFor`'s choice.
   */
  private nextAttestation(
    input: Pick<AppendInput, "digest" | "signatureHash" | "attestedAt" | "sequenceFor" | "sign">,
    signatureSize: number,
  ): { position: bigint; sequence: bigint; attestation: SignedAttestation } {
    const lastRow = this.s.lastRow.get();
    if (lastRow !== undefined && BigInt(lastRow.t) > input.attestedAt) {
      this.attestedAtSeen = BigInt(lastRow.t);
      throw new AttestedAtMovedError(input.attestedAt, BigInt(lastRow.t));
    }
    // the row about to be written carries input.attestedAt (>= the last one)
    this.attestedAtSeen = input.attestedAt;
    const position = BigInt(lastRow?.p ?? 0) + 1n;
    const headSequence = BigInt(this.s.headSequence.get()?.s ?? 0);
    const sequence = input.sequenceFor(position, headSequence, (p) => {
      const row = this.s.byPosition.get(Number(p));
      if (!row) throw new Error(`no feed item at position ${p}`);
      return BigInt(row.sequence);
    });
    const attestation = input.sign({
      digest: input.digest,
      signatureHash: input.signatureHash,
      signatureSize,
      sequence,
      attestedAt: input.attestedAt,
    });
    return { position, sequence, attestation };
  }

  /**
   * Appends a message: content stored by CID, next position, sequence chosen by `sequenceFor`, attestation
   * signed, row inserted, all in one transaction. A message already held is returned as is.
   */
  append(input: AppendInput): AppendResult {
    return transaction(this.db, () => {
      const existing = this.s.byMessage.get(input.digest, input.signatureHash);
      if (existing) {
        return { item: this.toItem(existing), duplicate: true, acceptedFault: existing.accepted_fault };
      }
      const { position, sequence, attestation } = this.nextAttestation(
        input,
        input.envelope.signature.length,
      );
      const json = encodeEnvelope(input.envelope);
      const stored: EnvelopeJson = { ...json, content: "" };
      this.s.insertContent.run(input.cid, Buffer.from(input.envelope.content));
      this.s.insert.run(
        Number(position),
        Number(sequence),
        input.digest,
        input.signatureHash,
        attestation.signatureSize,
        Number(input.attestedAt),
        attestation.signature,
        JSON.stringify(stored),
        input.cid,
        input.envelope.from,
        input.envelope.to,
        input.acceptedFault ?? null,
        Date.now(),
      );
      return {
        item: { position, envelope: input.envelope, attestation, cid: input.cid },
        duplicate: false,
        acceptedFault: input.acceptedFault ?? null,
      };
    });
  }

  /**
   * Appends a Push Chat SDK message: next position, sequence chosen by `sequenceFor`, attestation signed, row
   * inserted, in one transaction (a savepoint when the caller's transaction is open: the Push Chat API stores
   * the message in the same database and transaction, so both commit or neither does). Refuses
   * (AttestedAtMovedError) when the feed's last attestedAt is after `attestedAt`.
   */
  appendPush(input: AppendPushInput): AppendPushResult {
    return transaction(this.db, () => {
      const { position, sequence, attestation } = this.nextAttestation(input, input.signatureSize);
      const signature = hex0x(input.signature);
      const push = bodyInDocument(input.body)
        ? JSON.stringify({
            header: encodePushHeader(input.message.header),
            signature,
          } satisfies CompactPush)
        : JSON.stringify({ message: encodePushAttested(input.message), signature, body: input.body });
      this.s.insertPush.run(
        Number(position),
        Number(sequence),
        input.digest,
        input.signatureHash,
        input.signatureSize,
        Number(input.attestedAt),
        attestation.signature,
        input.cid,
        input.sender,
        input.recipient,
        input.acceptedFault ?? null,
        Date.now(),
        push,
      );
      return { position, attestation, acceptedFault: input.acceptedFault ?? null };
    });
  }

  /** Envelope items after `after` (a position), in feed order, at most `limit` rows read (Push items are left out). */
  page(after: bigint, limit: number): FeedItem[] {
    const from = after > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(after);
    return this.s.page
      .all(from, limit)
      .filter((r) => r.kind !== "push")
      .map((r) => this.toItem(r));
  }

  /** The Push feed item at a position (undefined when none, or an envelope). */
  pushItem(position: bigint): PushFeedItemJson | undefined {
    const r = this.s.byPosition.get(Number(position));
    return r && r.kind === "push" ? this.pushJson(r) : undefined;
  }

  /** The JSON of a page, without decoding and re-encoding the envelopes. */
  pageJson(
    after: bigint,
    limit: number,
  ): Array<
    | {
        position: string;
        envelope: EnvelopeJson;
        attestation: ReturnType<typeof encodeSignedAttestation>;
        cid: string;
      }
    | PushFeedItemJson
  > {
    const from = after > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(after);
    return this.s.page.all(from, limit).map((r) =>
      r.kind === "push"
        ? this.pushJson(r)
        : {
            position: String(r.position),
            envelope: this.envelopeJson(r),
            attestation: encodeSignedAttestation(this.attestationOf(r)),
            cid: r.cid,
          },
    );
  }

  private pushJson(r: FeedRow): PushFeedItemJson {
    return {
      position: String(r.position),
      kind: "push",
      push: this.pushOf(r),
      attestation: encodeSignedAttestation(this.attestationOf(r)),
      cid: r.cid,
    };
  }

  /** The `push` of a feed item: stored in full, or rebuilt from a compact row and its message document. */
  private pushOf(r: FeedRow): PushFeedItemJson["push"] {
    const stored = JSON.parse(r.push as string) as PushFeedItemJson["push"] | CompactPush;
    if ("message" in stored) return stored;
    const doc = this.s.messageDocument.get(r.cid);
    if (doc === undefined)
      throw new Error(`the message document ${r.cid} of Push feed position ${r.position} is missing`);
    const body = bodyOfDocument(doc.document);
    const h = stored.header;
    const message = encodePushAttested(
      pushAttestedMessageOf(
        body as unknown as PushMessageBody,
        h.sigType === 3 ? "pgpv3" : "pgpv2",
        h.from,
        h.to,
        {
          timestamp: BigInt(h.timestamp),
          senderKey: h.senderKey,
          recipientKey: h.recipientKey,
        },
      ),
    );
    // The header's fields made from the body must come out as attested (a document changed since would not).
    if (message.header.preimageSize !== h.preimageSize || message.header.toDID !== h.toDID)
      throw new Error(
        `the message document ${r.cid} of Push feed position ${r.position} does not give the attested header ` +
          `(preimageSize ${message.header.preimageSize} and toDID ${message.header.toDID}, attested ` +
          `${h.preimageSize} and ${h.toDID})`,
      );
    return { message: { header: h, body: message.body }, signature: stored.signature, body };
  }

  content(cid: string): Uint8Array | undefined {
    const row = this.s.content.get(cid);
    return row ? new Uint8Array(row.bytes) : undefined;
  }

  private envelopeJson(r: FeedRow): EnvelopeJson {
    const env = JSON.parse(r.envelope) as EnvelopeJson;
    const bytes = this.content(r.cid);
    if (bytes === undefined) throw new Error(`content ${r.cid} of feed position ${r.position} is missing`);
    return { ...env, content: Buffer.from(bytes).toString("base64") };
  }

  private attestationOf(r: FeedRow): SignedAttestation {
    return decodeSignedAttestation({
      digest: r.digest,
      signatureHash: r.signature_hash,
      signatureSize: r.signature_size,
      sequence: String(r.sequence),
      attestedAt: String(r.attested_at),
      signature: r.attestation_signature,
    });
  }

  private toItem(r: FeedRow): FeedItem {
    return {
      position: BigInt(r.position),
      envelope: decodeEnvelope(this.envelopeJson(r)),
      attestation: this.attestationOf(r),
      cid: r.cid,
    };
  }
}
