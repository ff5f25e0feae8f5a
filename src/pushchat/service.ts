/**
 * The Push Chat semantics of one-to-one chat, over PushChatStore (routes.ts maps them to HTTP):
 *
 * - users: a profile is accepted only with the wallet's eip191v2 proof (verifyPushProfile); standalone, it
 *   makes the user's key active at once (on a Push Node: once the chain has it, see `attestMessage`). A keyless placeholder (what the SDK posts for a recipient
 *   without a profile) carries no key; a real profile replaces it, never the other way round, and a
 *   user's key is never replaced (409);
 * - a first message goes to /v1/chat/request and creates the conversation with intent = the sender: it is
 *   a request, in the recipient's requests and the sender's chats, until the recipient accepts it with a
 *   signature of its own key; then it is in both chats. Messages of a pending conversation are stored
 *   with notify = false (requests do not notify); after acceptance notify = true. Push allowed either
 *   side to post /v1/chat/message to a pending conversation, and so do we;
 * - a rejected request deletes the conversation (its messages stay stored by CID), so the next message
 *   is a new request;
 * - blocked: a message, request or accept between two wallets where either blocked the other is refused;
 * - every message passes validatePushMessage with this node's keys (plaintext only to a recipient
 *   without a key; pgp only to one with a key, and encrypted to it), and each signature is accepted once.
 *
 * SEAMS (each one option; absent = the standalone API, as in test/pushchat; a Push Node wires all three,
 * src/node/push-node.ts):
 * - `keys` (PushKeyLookup): which keys are active when no attestor gives its own. Default: the keys of the
 *   verified profiles in this store (storeKeyLookup);
 * - `relayProfile(profile, client)`: called after a new verified profile is stored (and again when the same
 *   profile is posted again), to relay it to the chain (PushProfileGateway). If it throws an HttpError (429
 *   rate limit, 503 budget or chain failure) the API answers that status with its sentence, saying the
 *   profile is stored; any other error is a 503. The profile stays stored and serving either way;
 * - `attestMessage` (PushMessageAttestor): `begin()` before validation gives the keys to validate with (the
 *   node's chain view at the attestation time) and which faults to accept anyway (fault injection); the
 *   ticket's `commit` runs synchronously INSIDE the transaction that stores the message, on this store's
 *   database: the message and its attestation (the node's feed item) commit together or not at all, and
 *   the message is acknowledged only after that commit.
 */
import { randomBytes } from "node:crypto";
import { HttpError } from "../http/server";
import { silentLogger } from "../log";
import type { Logger } from "../log";
import { pushPreimage, sha256Hex, validatePushMessage, verifyPushProfile } from "../message/push";
import type {
  PushFault,
  PushKeyLookup,
  PushMessageBody,
  PushSigVersion,
  RegisteredPushKey,
} from "../message/push";
import { WriteBatcher } from "../store/write-batch";
import { faultMetaOf } from "./fault-meta";
import {
  decodeAccept,
  decodePlaceholder,
  decodeProfileUpdate,
  decodeReject,
  isWalletDid,
  objectBody,
  walletOf,
} from "./bodies";
import { checkControlProof, signatureHashOf } from "./proofs";
import { ConversationStateError, PushChatStore } from "./store";
import type { ConversationRow, MessageRow, UserGateRow, UserRow } from "./store";

/** A user record as the SDK reads it (`GET /v2/users/?caip10=`). */
export interface PushUserRecord {
  did: string;
  wallets: string;
  publicKey: string;
  encryptedPrivateKey: string;
  verificationProof: string | null;
  origin: string | null;
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

/** A stored message as served: its document (body fields, timestamp, link) plus its cid. */
export type ServedMessage = Record<string, unknown> & { cid: string; link: string | null; timestamp: number };

/** A chats/requests list item. */
export interface ListItem {
  chatId: string;
  did: string;
  wallets: string;
  profilePicture: string | null;
  publicKey: string;
  about: string | null;
  name: string | null;
  threadhash: string;
  intent: string;
  intentSentBy: string;
  intentTimestamp: string;
  combinedDID: string;
  groupInformation: null;
  msg: ServedMessage | null;
}

/** What relayProfile receives: a verified profile just stored. */
export interface VerifiedProfile {
  address: string;
  keyHash: string;
  publicKey: Uint8Array;
  /** The body as posted (caip10, did, publicKey, encryptedPrivateKey, verificationProof, origin?). */
  body: Record<string, unknown>;
  /** The 64-hex text the wallet signed and its EIP-191 signature. */
  signedHex: string;
  walletSignature: string;
}

/** What an attestor's commit receives: a message being stored (inside the storing transaction). */
export interface StoredPushMessage {
  cid: string;
  chatId: string;
  /** The stored JSON document (its CID is `cid`). */
  document: string;
  /** The body as posted (the SDK's fields). */
  body: Record<string, unknown>;
  sender: string;
  recipient: string;
  senderKey: string;
  recipientKey: string | null;
  signedHex: string;
  signature: Uint8Array;
  /** False while the conversation is a pending request. */
  notify: boolean;
  /** The decoded body and its signature version (what the attested struct is built from). */
  decoded: PushMessageBody;
  version: PushSigVersion;
  /** UTF-8 bytes of the preimage of `decoded` for `version`, when validation measured it. */
  preimageSize?: number;
  /** Under fault injection: the fault class of the invalid message accepted; null for a valid one. */
  acceptedFault: string | null;
}

/** One attempt at storing a message: the keys to validate with, and the synchronous commit. */
export interface PushAttestTicket {
  /** Keys active at the attestation time (default: the service's `keys`). */
  keys?: PushKeyLookup;
  /** Whether a message refused with this fault is stored and attested anyway (fault injection). */
  acceptsFault?(fault: PushFault): boolean;
  /**
   * Attests the message; synchronous, called inside the transaction that stores it (after the checks and
   * the conversation's update, before the message's row, which is written once with the record returned),
   * and must write (if at all) to the store's database. Returns the attestation record (JSON text) kept in
   * the message's row. Throwing rolls the message back.
   */
  commit(message: StoredPushMessage): string;
  /** Whether an error thrown by `commit` means "validate again with a new ticket" (e.g. attestedAt moved). */
  retryable?(error: unknown): boolean;
  /** Called once for a message refused by validation (its fault), before the refusal is answered. */
  refused?(fault: PushFault): void;
  /** Called once after the transaction holding `commit`'s attestation committed (metrics, logs). */
  committed?(): void;
}

export interface PushMessageAttestor {
  /** Starts an attempt (async: may read the chain). Throws an HttpError (e.g. 503) when it cannot attest now. */
  begin(): Promise<PushAttestTicket>;
}

export interface PushChatOptions {
  keys?: PushKeyLookup;
  relayProfile?: (profile: VerifiedProfile, client: string) => Promise<void>;
  attestMessage?: PushMessageAttestor;
  /** Push's per-user cap reported as maxMsgPersisted (informational; default 1000). */
  maxMsgPersisted?: number;
  logger?: Logger;
  /** Server clock in ms (tests). */
  now?: () => number;
  /**
   * The most messages stored in one transaction (default 64; 1: one transaction per message). Messages whose
   * validation ends in the same turn of the event loop are stored and attested together, each in its own
   * savepoint, and acknowledged after that one commit (src/store/write-batch.ts).
   */
  maxMessagesPerCommit?: number;
  /** Called after each commit of messages with how many it stored (metrics). */
  onMessagesCommitted?: (messages: number) => void;
}

/** The active keys are those of the verified profiles in the store (the node's own view). */
export function storeKeyLookup(store: PushChatStore): PushKeyLookup {
  return {
    activeKeys(address: string): Promise<readonly RegisteredPushKey[]> {
      const u = store.user(address);
      if (!u || u.key_hash === null || u.key_bytes === null) return Promise.resolve([]);
      return Promise.resolve([{ keyHash: u.key_hash, publicKey: new Uint8Array(u.key_bytes) }]);
    },
  };
}

const FAULT_STATUS: Record<string, number> = {
  MALFORMED: 400,
  UNAUTHORIZED_SENDER: 403,
  WRONG_ENCRYPTION: 422,
  BAD_SIGNATURE: 422,
};

export class PushChatService {
  readonly keys: PushKeyLookup;
  private readonly log: Logger;
  private readonly now: () => number;
  /** Stores the messages validated in one turn of the event loop in one transaction. */
  private readonly messageWrites: WriteBatcher;

  constructor(
    readonly store: PushChatStore,
    private readonly opts: PushChatOptions = {},
  ) {
    this.messageWrites = new WriteBatcher(store.db, {
      maxWrites: opts.maxMessagesPerCommit,
      onCommit: opts.onMessagesCommitted,
    });
    this.keys = opts.keys ?? storeKeyLookup(store);
    this.log = (opts.logger ?? silentLogger).child({ component: "pushchat" });
    this.now = opts.now ?? Date.now;
  }

  /** Commits the messages waiting for the next commit now (before the database closes). */
  flushWrites(): void {
    this.messageWrites.flush();
  }

  // ------------------------------------------------------------ users

  record(u: UserRow): PushUserRecord {
    return {
      did: u.did,
      wallets: u.wallets,
      publicKey: u.public_key,
      encryptedPrivateKey: u.encrypted_private_key,
      verificationProof: u.verification_proof,
      origin: u.origin,
      profile: {
        name: u.name,
        desc: u.descr,
        picture: u.picture,
        blockedUsersList: JSON.parse(u.blocked) as string[],
        profileVerificationProof: u.profile_proof,
      },
      msgSent: u.msg_sent,
      maxMsgPersisted: this.opts.maxMsgPersisted ?? 1000,
    };
  }

  /** GET /v2/users/?caip10=: the record, or null for an unknown wallet. */
  getUser(caip10: string | null): PushUserRecord | null {
    if (caip10 === null || caip10 === "")
      throw new HttpError(400, 'The query parameter "caip10" is required (eip155:0x<address>).');
    if (!caip10.startsWith("eip155:"))
      throw new HttpError(
        501,
        `Only eip155 wallet users are served by this node, not "${caip10.slice(0, 60)}".`,
      );
    const u = this.store.user(walletOf(caip10, "caip10"));
    return u ? this.record(u) : null;
  }

  /** POST /v2/users/: a verified profile, or the SDK's keyless placeholder. */
  async createUser(body: unknown, client = "unknown"): Promise<{ status: number; record: PushUserRecord }> {
    const doc = objectBody(body, "user");
    const placeholder = decodePlaceholder(doc);
    if (placeholder) {
      const u = this.store.ensurePlaceholder(
        placeholder.address,
        placeholder.did,
        placeholder.caip10,
        this.now(),
      );
      return { status: 200, record: this.record(u) };
    }
    const v = await verifyPushProfile(doc);
    if (!v.ok) {
      const status = v.rule === "WRONG_WALLET" ? 403 : v.rule === "KEY_PROFILE" ? 422 : 400;
      throw new HttpError(status, `Profile refused (${v.rule}): ${v.reason}.`, {
        rule: v.rule,
        ...(v.keyError ? { keyError: v.keyError } : {}),
      });
    }
    const existing = this.store.user(v.address);
    let status = 201;
    if (existing && existing.key_hash !== null) {
      if (existing.key_hash !== v.keyHash || existing.verification_proof !== doc.verificationProof)
        throw new HttpError(
          409,
          `${v.address} already has a Push profile with key ${existing.key_hash}; this node does not replace a profile's key.`,
        );
      status = 200;
    } else {
      const stored = this.store.putProfile(
        {
          address: v.address,
          did: doc.did as string,
          caip10: doc.caip10 as string,
          publicKey: doc.publicKey as string,
          encryptedPrivateKey: doc.encryptedPrivateKey as string,
          verificationProof: doc.verificationProof as string,
          origin: typeof doc.origin === "string" ? doc.origin : null,
          keyHash: v.keyHash,
          keyBytes: v.publicKey,
        },
        this.now(),
      );
      if (!stored) throw new HttpError(409, `${v.address} got a Push profile meanwhile; read it and retry.`);
      this.log.info("profile stored", { address: v.address, keyHash: v.keyHash });
    }
    if (this.opts.relayProfile) {
      try {
        await this.opts.relayProfile(
          {
            address: v.address,
            keyHash: v.keyHash,
            publicKey: v.publicKey,
            body: doc,
            signedHex: v.signedHex,
            walletSignature: v.walletSignature,
          },
          client,
        );
      } catch (e) {
        if (e instanceof HttpError)
          throw new HttpError(
            e.status,
            `The profile of ${v.address} is stored and served, but it was not relayed to the chain: ${e.message}`,
          );
        throw new HttpError(
          503,
          `The profile of ${v.address} is stored, but relaying it to the chain failed (${errorText(e)}); post it again to retry.`,
        );
      }
    }
    return { status, record: this.record(this.store.user(v.address) as UserRow) };
  }

  /** PUT /v2/users/{did}/profile: name, desc, picture and the block list, signed (pgpv2) with the user's key. */
  async updateProfile(did: string, body: unknown): Promise<PushUserRecord> {
    if (!isWalletDid(did))
      throw new HttpError(
        501,
        `Only eip155 wallet profiles are served by this node, not "${did.slice(0, 60)}".`,
      );
    const address = walletOf(did, "did");
    const u = this.store.user(address);
    if (!u) throw new HttpError(404, `${address} has no Push user on this node.`);
    if (u.key_bytes === null)
      throw new HttpError(409, `${address} has no Push key yet; create its profile first.`);
    const update = decodeProfileUpdate(body);
    const proof = await checkControlProof(
      update.verificationProof,
      ["pgpv2"],
      update.signed,
      new Uint8Array(u.key_bytes),
      "profile update",
    );
    if (!proof.ok) throw new HttpError(proof.status, proof.reason);
    // Synchronous from here: checks and write cannot interleave with another request.
    const now = this.store.user(address) as UserRow;
    if (now.key_hash !== u.key_hash)
      throw new HttpError(409, `The key of ${address} changed meanwhile; sign again.`);
    this.refuseUsedSignature(proof.signatureHash, "profile update");
    if (now.profile_signed_at !== null && proof.createdAt < now.profile_signed_at)
      throw new HttpError(
        409,
        `This profile update was signed at ${proof.createdAt}, before the profile in force (signed at ${now.profile_signed_at}): a replay is refused.`,
      );
    const s = update.signed;
    this.store.updateProfile(
      {
        address,
        name: s.name ?? null,
        desc: s.desc ?? null,
        picture: s.picture ?? null,
        blockedJson: JSON.stringify(s.blockedUsersList),
        verificationProof: update.verificationProof,
        signedAt: proof.createdAt,
        signatureHash: proof.signatureHash,
      },
      this.now(),
    );
    return this.record(this.store.user(address) as UserRow);
  }

  // ------------------------------------------------------------ conversations

  /** GET /v1/chat/users/{me}/conversations/{peer}/hash. */
  conversationHash(me: string, peer: string): { threadHash: string | null; intent: boolean } {
    const a = walletOf(me, "user");
    if (!isWalletDid(peer)) throw groupNotServed("conversation hashes");
    const conv = this.store.conversation(a, walletOf(peer, "conversation"));
    return { threadHash: conv?.threadhash ?? null, intent: conv !== undefined && conv.approver_did !== null };
  }

  /**
   * POST /v1/chat/request ("request") and /v1/chat/message ("message"). With an attestor, the message is
   * validated with its keys, then stored and attested in one transaction (retried when the attestor says
   * so, e.g. another message got a later attestation time meanwhile).
   */
  async send(kind: "request" | "message", body: unknown): Promise<SentMessage> {
    const doc = objectBody(body, "message");
    for (let attempt = 0; ; attempt++) {
      const ticket = this.opts.attestMessage ? await this.opts.attestMessage.begin() : undefined;
      const keys = ticket?.keys ?? this.keys;
      const v = await validatePushMessage(doc, { keys });
      let m: Omit<StoredPushMessage, "cid" | "chatId" | "document" | "notify" | "body">;
      if (v.ok) {
        m = {
          sender: v.sender,
          recipient: v.recipient,
          senderKey: v.senderKey,
          recipientKey: v.recipientKey,
          signedHex: v.signedHex,
          signature: v.signature,
          decoded: v.body,
          version: v.version,
          preimageSize: v.preimageSize,
          acceptedFault: null,
        };
      } else if (ticket?.acceptsFault?.(v)) {
        const meta = await faultMetaOf(doc, [keys, storeKeyLookup(this.store)]);
        if (meta === null) throw messageRefused(v, "");
        this.log.warn("fault injection: storing and attesting an invalid message", {
          code: v.code,
          rule: v.rule,
        });
        m = {
          sender: meta.sender,
          recipient: meta.recipient,
          senderKey: meta.senderKey,
          recipientKey: meta.recipientKey,
          signedHex: sha256HexOf(meta),
          signature: meta.signature,
          decoded: meta.body,
          version: meta.version,
          acceptedFault: v.code,
        };
      } else {
        ticket?.refused?.(v);
        throw messageRefused(v, ticket?.keys ? this.notOnChainHint(v, doc) : "");
      }
      const stored = m.decoded as unknown as Record<string, unknown>;
      const signatureHash = signatureHashOf(m.signature);
      let appended;
      try {
        // Checked against the store, stored and attested in the next commit of messages (with the others
        // validated in this turn of the event loop, each in its own savepoint); resolved after that commit.
        appended = await this.messageWrites.run(() => {
          const sender = this.store.userGate(m.sender);
          const recipient = this.store.userGate(m.recipient);
          if (!recipient)
            throw new HttpError(
              404,
              `${m.recipient} has no Push user on this node; create one first (the SDK posts a keyless user for it).`,
            );
          if (!sender) throw new HttpError(403, `${m.sender} has no Push user on this node.`);
          this.refuseBlocked(sender, recipient);
          this.refuseUsedSignature(signatureHash, "message");
          const conv = this.store.conversation(m.sender, m.recipient);
          if (kind === "request" && conv)
            throw new HttpError(
              409,
              `A conversation between ${m.sender} and ${m.recipient} already exists (thread ${conv.threadhash}); send to /v1/chat/message.`,
            );
          if (kind === "message" && !conv)
            throw new HttpError(
              409,
              `There is no conversation between ${m.sender} and ${m.recipient}; the first message goes to /v1/chat/request.`,
            );
          return this.store.appendMessage({
            kind,
            body: stored,
            sender: m.sender,
            recipient: m.recipient,
            signatureHash,
            signedHex: m.signedHex,
            senderKey: m.senderKey,
            recipientKey: m.recipientKey,
            timestamp: this.now(),
            newChatId: kind === "request" ? randomBytes(32).toString("hex") : undefined,
            conversation: conv ?? null,
            attest: ticket
              ? (a) =>
                  ticket.commit({
                    ...m,
                    cid: a.cid,
                    chatId: a.chatId,
                    document: a.document,
                    body: stored,
                    notify: a.notify,
                  })
              : undefined,
          });
        });
      } catch (e) {
        if (e instanceof ConversationStateError) throw new HttpError(409, e.message);
        if (ticket?.retryable?.(e)) {
          if (attempt < 4) continue;
          throw new HttpError(503, "The node is attesting many messages at once; try again shortly.");
        }
        throw e;
      }
      ticket?.committed?.();
      // With an attestor, it counts the message in its periodic info line (src/node/attested-summary.ts).
      const level = ticket ? "debug" : "info";
      if (this.log.enabled(level))
        this.log[level]("message stored", {
          cid: appended.cid,
          chatId: appended.chatId,
          kind,
          notify: appended.notify,
          attested: ticket !== undefined,
        });
      return { document: appended.document, cid: appended.cid, chatId: appended.chatId };
    }
  }

  /**
   * For a message the chain's keys refuse: a sentence when this node holds a profile whose key the chain does
   * not have yet (the relay to the PushProfileGateway is under way or failed), so the user knows to retry.
   */
  private notOnChainHint(f: PushFault, doc: Record<string, unknown>): string {
    const who =
      f.code === "UNAUTHORIZED_SENDER" ? doc.fromDID : f.rule === "RECIPIENT_NO_KEY" ? doc.toDID : undefined;
    if (typeof who !== "string" || !isWalletDid(who)) return "";
    const u = this.store.user(walletOf(who, "did"));
    if (!u || u.key_hash === null) return "";
    return (
      ` The Push profile of ${u.address} is stored on this node, but its key ${u.key_hash} is not active on chain ` +
      "yet (the node relays profiles to the PushProfileGateway and counts a key once its chain index has seen " +
      "the registration): retry in a few seconds, or register the key with key:import-push-profile."
    );
  }

  /** PUT /v1/chat/request/accept: the recipient (toDID) accepts the request of fromDID. */
  async accept(body: unknown): Promise<string> {
    const a = decodeAccept(body);
    const approver = this.keyedUser(a.approver, "accept");
    const conv = this.pendingFor(a.requester, a.approver, "accept");
    const proof = await checkControlProof(
      a.verificationProof,
      ["pgp"],
      { fromDID: a.fromDID, toDID: a.toDID, status: a.status },
      new Uint8Array(approver.key_bytes as Buffer),
      "accept",
    );
    if (!proof.ok) throw new HttpError(proof.status, proof.reason);
    // Synchronous from here (a block may have landed during the verification).
    const requester = this.store.user(a.requester);
    if (requester) this.refuseBlocked(requester, this.store.user(a.approver) as UserRow);
    this.refuseUsedSignature(proof.signatureHash, "accept");
    try {
      this.store.accept(conv.chat_id, a.toDID, a.verificationProof, proof.signatureHash, a.approver);
    } catch (e) {
      if (e instanceof ConversationStateError) throw new HttpError(409, e.message);
      throw e;
    }
    return `${conv.requester_did}+${a.toDID}`;
  }

  /** PUT /v1/chat/request/reject: the recipient (toDID) rejects the request of fromDID. */
  async reject(body: unknown): Promise<{ chatId: string; rejected: true }> {
    const r = decodeReject(body);
    const rejecter = this.keyedUser(r.rejecter, "reject");
    const conv = this.pendingFor(r.requester, r.rejecter, "reject");
    const proof = await checkControlProof(
      r.verificationProof,
      ["pgp"],
      { fromDID: r.fromDID, toDID: r.toDID },
      new Uint8Array(rejecter.key_bytes as Buffer),
      "reject",
    );
    if (!proof.ok) throw new HttpError(proof.status, proof.reason);
    this.refuseUsedSignature(proof.signatureHash, "reject");
    try {
      this.store.reject(conv.chat_id, proof.signatureHash, r.rejecter);
    } catch (e) {
      if (e instanceof ConversationStateError) throw new HttpError(409, e.message);
      throw e;
    }
    return { chatId: conv.chat_id, rejected: true };
  }

  /** GET /v1/chat/users/{me}/chats and /requests. */
  list(kind: "chats" | "requests", me: string, page: number, limit: number): ListItem[] {
    const address = walletOf(me, "user");
    const rows =
      kind === "chats" ? this.store.chats(address, page, limit) : this.store.requests(address, page, limit);
    return rows.map((c) => this.item(c, address));
  }

  /** GET /v1/chat/conversationhash/{cid}?fetchLimit=: newest first along `link`. */
  history(cid: string, limit: number): ServedMessage[] {
    if (!this.store.message(cid)) throw new HttpError(404, `No message with CID ${cid} on this node.`);
    return this.store.history(cid, limit).map((m) => served(m.document, m.cid));
  }

  /** GET /v1/chat/{recipient}/address/{me}: what `chat.info` reads. */
  chatInfo(recipient: string, me: string): Record<string, unknown> {
    if (!isWalletDid(recipient)) throw groupNotServed("chat info");
    const r = walletOf(recipient, "recipient");
    const m = walletOf(me, "address");
    const conv = this.store.conversation(r, m);
    if (!conv) return { meta: null, list: "UNINITIALIZED", chatId: null, participants: [] };
    const inChats = conv.requester === m || conv.approver_did !== null;
    const recipientUser = this.store.user(r);
    const encrypted = recipientUser !== undefined && recipientUser.key_hash !== null;
    const participants = [conv.requester_did, conv.recipient_did];
    return {
      meta: {
        group: false,
        groupInfo: null,
        recipients: participants.map((d) => ({
          participantId: d,
          pushUser: (this.store.user(walletOf(d, "participant"))?.key_hash ?? null) !== null,
        })),
        encrypted,
        visibility: inChats || !encrypted,
      },
      list: inChats ? "CHATS" : "REQUESTS",
      chatId: conv.chat_id,
      participants,
    };
  }

  // ------------------------------------------------------------ helpers

  private item(c: ConversationRow, me: string): ListItem {
    const peerAddress = c.requester === me ? c.recipient : c.requester;
    const peer = this.store.user(peerAddress);
    const peerDid = c.requester === me ? c.recipient_did : c.requester_did;
    const latest = this.store.message(c.threadhash);
    return {
      chatId: c.chat_id,
      did: peer?.did ?? peerDid,
      wallets: peer?.wallets ?? peerDid,
      profilePicture: peer?.picture ?? null,
      publicKey: peer?.public_key ?? "",
      about: peer?.descr ?? null,
      name: peer?.name ?? null,
      threadhash: c.threadhash,
      intent: c.approver_did === null ? c.requester_did : `${c.requester_did}+${c.approver_did}`,
      intentSentBy: c.requester_did,
      intentTimestamp: new Date(c.intent_at).toISOString(),
      combinedDID: `${c.requester_did}_${c.recipient_did}`,
      groupInformation: null,
      msg: latest ? served(latest.document, latest.cid) : null,
    };
  }

  private keyedUser(address: string, what: string): UserRow {
    const u = this.store.user(address);
    if (!u)
      throw new HttpError(404, `${address} has no Push user on this node, so it cannot ${what} a request.`);
    if (u.key_bytes === null)
      throw new HttpError(403, `${address} has no Push key, so it cannot ${what} a request.`);
    return u;
  }

  /** The pending conversation `requester` started with `recipient`, or the 4xx saying why not. */
  private pendingFor(requester: string, recipient: string, what: string): ConversationRow {
    const conv = this.store.conversation(requester, recipient);
    if (!conv)
      throw new HttpError(404, `There is no request between ${requester} and ${recipient} to ${what}.`);
    if (conv.requester !== requester)
      throw new HttpError(
        403,
        `Only the recipient of a request may ${what} it: ${recipient} sent this request to ${requester}.`,
      );
    if (conv.approver_did !== null)
      throw new HttpError(409, `The request of ${requester} was already accepted.`);
    return conv;
  }

  private refuseBlocked(sender: UserGateRow, recipient: UserGateRow): void {
    if (blocks(recipient, sender.address))
      throw new HttpError(
        403,
        `${recipient.address} has blocked ${sender.address}; the operation is refused.`,
      );
    if (blocks(sender, recipient.address))
      throw new HttpError(403, `${sender.address} has blocked ${recipient.address}; unblock it first.`);
  }

  private refuseUsedSignature(signatureHash: string, what: string): void {
    const used = this.store.signatureUsed(signatureHash);
    if (used !== undefined)
      throw new HttpError(
        409,
        `This ${what} signature was already used (for a ${used}); a replay is refused.`,
      );
  }
}

function blocks(u: UserGateRow, address: string): boolean {
  if (u.blocked === "[]") return false; // the usual list: nothing to parse
  const list = JSON.parse(u.blocked) as string[];
  const a = address.toLowerCase();
  return list.some((d) => d.toLowerCase() === `eip155:${a}`);
}

/** A message just stored: its document text (as the store holds it), CID and conversation. */
export interface SentMessage {
  document: string;
  cid: string;
  chatId: string;
}

/**
 * The JSON answer to a send: the document's members, then `cid` and `chatId` (what the SDK reads back), as
 * `JSON.stringify({ ...JSON.parse(document), cid, chatId })` writes it, without parsing and writing the
 * document's kilobytes again: its text is extended. (A document that is not an object's text, or that mentions
 * `"cid":` or `"chatId":` anywhere, is parsed and written again.)
 */
export function sentMessageJson(m: SentMessage): string {
  const d = m.document;
  const tail = `"cid":${JSON.stringify(m.cid)},"chatId":${JSON.stringify(m.chatId)}}`;
  const object = d.length >= 2 && d.charCodeAt(0) === 0x7b && d.charCodeAt(d.length - 1) === 0x7d;
  if (!object || /"(cid|chatId)":/.test(d))
    return JSON.stringify({ ...(JSON.parse(d) as Record<string, unknown>), cid: m.cid, chatId: m.chatId });
  return d.length === 2 ? `{${tail}` : `${d.slice(0, -1)},${tail}`;
}

function served(document: string, cid: string): ServedMessage {
  return { ...(JSON.parse(document) as Record<string, unknown>), cid } as ServedMessage;
}

function messageRefused(f: PushFault, hint: string): HttpError {
  if (f.rule === "GROUP_UNSUPPORTED") return groupNotServed("group messages");
  return new HttpError(
    FAULT_STATUS[f.code] ?? 422,
    `Message refused: ${f.code} (${f.rule}): ${f.reason}.${hint}`,
    {
      code: f.code,
      rule: f.rule,
    },
  );
}

function groupNotServed(what: string): HttpError {
  return new HttpError(
    501,
    `Group chat (${what}) is not served by this node; it serves one-to-one chat only.`,
  );
}

function sha256HexOf(m: { body: PushMessageBody; version: PushSigVersion }): string {
  return sha256Hex(pushPreimage(m.body, m.version));
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
