/**
 * The Push Chat API of a Push Node (issue 14): the one-to-one chat calls of the unmodified Push Chat SDK
 * (`@pushprotocol/restapi` 1.7.32) under `/apis`. See docs/push-chat-api.md.
 *
 *   store.ts    SQLite: users, conversations, content-addressed messages (each write one transaction or savepoint)
 *   cid.ts      CIDv1 json sha2-256 of a stored message document
 *   bodies.ts   shape checks of the control bodies (placeholder user, accept, reject, profile update)
 *   proofs.ts   pgp / pgpv2 proofs of the control bodies, verified with the user's key
 *   service.ts  the chat semantics and the three seams (keys, relayProfile, attestMessage)
 *   fault-meta.ts  what a node under fault injection attests for an invalid message
 *   routes.ts   the HTTP routes and the 501 fallback
 */
import path from "node:path";
import { openDatabase } from "../store/sqlite";
import type { Database } from "../store/sqlite";
import { loadCidCodec } from "./cid";
import { PushChatService } from "./service";
import type { PushChatOptions } from "./service";
import { PUSHCHAT_DB_FILE, PUSHCHAT_MIGRATIONS, PushChatStore } from "./store";

export { PushChatService, storeKeyLookup } from "./service";
export type {
  ListItem,
  PushChatOptions,
  PushAttestTicket,
  PushMessageAttestor,
  PushUserRecord,
  ServedMessage,
  StoredPushMessage,
  VerifiedProfile,
} from "./service";
export { PushChatStore, PUSHCHAT_DB_FILE, PUSHCHAT_MIGRATIONS, pairOf } from "./store";
export { pushChatRoutes, PUSH_API_PREFIX } from "./routes";
export { messageCid, isMessageCid, loadCidCodec } from "./cid";

export interface OpenPushChat {
  db: Database;
  store: PushChatStore;
  service: PushChatService;
  close(): void;
}

/**
 * The Push Chat API over an open database that already has its tables (a Push Node's `pushnode.sqlite`,
 * NODE_MIGRATIONS 3): messages and feed items then commit in one transaction. `close` commits the messages
 * waiting for their commit and does not close `db`.
 */
export async function pushChatOver(db: Database, opts: PushChatOptions = {}): Promise<OpenPushChat> {
  await loadCidCodec();
  const store = new PushChatStore(db);
  const service = new PushChatService(store, opts);
  return { db, store, service, close: () => service.flushWrites() };
}

/**
 * Opens (creating) `dataDir/pushchat.sqlite` (WAL, synchronous=FULL, migrations) and the service over it.
 */
export async function openPushChat(dataDir: string, opts: PushChatOptions = {}): Promise<OpenPushChat> {
  await loadCidCodec();
  const db = openDatabase({
    dataDir: path.resolve(dataDir),
    file: PUSHCHAT_DB_FILE,
    migrations: PUSHCHAT_MIGRATIONS,
  });
  const store = new PushChatStore(db);
  const service = new PushChatService(store, opts);
  return {
    db,
    store,
    service,
    close: () => {
      service.flushWrites();
      if (db.open) db.close();
    },
  };
}
