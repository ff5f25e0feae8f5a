/**
 * SQLite (better-sqlite3 12) helpers: open a database in a data directory with settings that lose nothing
 * on kill -9 (WAL, synchronous=FULL), numbered migrations, a JSON key-value table for cursors, and
 * transactions so a batch of work and its cursor commit together.
 */
import fs from "node:fs";
import path from "node:path";
import DatabaseCtor from "better-sqlite3";
import type { Database, Statement } from "better-sqlite3";

export type { Database } from "better-sqlite3";

/** One schema step. Versions start at 1 and increase by one; never edit a released migration. */
export interface Migration {
  version: number;
  name: string;
  /** SQL run with `exec`, or a function using the database (runs inside the migration's transaction). */
  up: string | ((db: Database) => void);
}

export interface OpenDatabaseOptions {
  /** Directory holding the database; created (recursively) if missing. */
  dataDir: string;
  /** File name inside dataDir (default "state.sqlite"). */
  file?: string;
  /** Migrations to apply at open (see {@link migrate}). */
  migrations?: Migration[];
  /** How long a writer waits for a lock held by another connection, in ms (default 5000). */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) `dataDir/file` with journal_mode=WAL, synchronous=FULL, foreign_keys=ON,
 * temp_store=MEMORY and a busy timeout, creates the infrastructure tables (`schema_migrations`, `kv`) and
 * applies `migrations`.
 */
export function openDatabase(opts: OpenDatabaseOptions): Database {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const file = path.join(opts.dataDir, opts.file ?? "state.sqlite");
  const db = new DatabaseCtor(file, { timeout: opts.busyTimeoutMs ?? 5000 });
  try {
    const mode = db.pragma("journal_mode = WAL", { simple: true });
    if (String(mode).toLowerCase() !== "wal")
      throw new Error(`could not switch ${file} to WAL (got ${String(mode)})`);
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    // Statement journals and temporary b-trees in memory: with the default (files), every message the node
    // stored created, unlinked and closed a file in /var/tmp (~4% of the node's CPU under bench:node).
    db.pragma("temp_store = MEMORY");
    db.exec(`CREATE TABLE IF NOT EXISTS kv (
      key TEXT PRIMARY KEY NOT NULL,
      value TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT`);
    migrate(db, opts.migrations ?? []);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/** The highest migration version applied to `db` (0 if none). */
export function schemaVersion(db: Database): number {
  ensureMigrationTable(db);
  const row = db.prepare<[], { v: number | null }>("SELECT MAX(version) AS v FROM schema_migrations").get();
  return row?.v ?? 0;
}

function ensureMigrationTable(db: Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
}

/**
 * Applies the migrations above the database's version, each in its own IMMEDIATE transaction together with
 * its `schema_migrations` row (so a crash leaves either the step fully applied or not at all). Throws if
 * versions are not 1, 2, 3..., or if the database is newer than the code (a downgrade). Returns the
 * versions applied now.
 */
export function migrate(db: Database, migrations: Migration[]): number[] {
  ensureMigrationTable(db);
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`Migrations must be numbered 1, 2, 3...: found ${m.version} at position ${i + 1}.`);
  });
  const current = schemaVersion(db);
  if (current > sorted.length) {
    throw new Error(
      `Database schema is at version ${current} but this program knows only ${sorted.length}: refusing to run an older program on newer data.`,
    );
  }
  const applied: number[] = [];
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  for (const m of sorted.slice(current)) {
    db.transaction(() => {
      if (typeof m.up === "string") db.exec(m.up);
      else m.up(db);
      record.run(m.version, m.name, Date.now());
    }).immediate();
    applied.push(m.version);
  }
  return applied;
}

/**
 * Runs `fn` in an IMMEDIATE transaction (the write lock is taken at BEGIN, so no SQLITE_BUSY surprise at
 * the first write): everything it writes commits together, or nothing does if it throws. Nested calls
 * become savepoints. `fn` must be synchronous.
 */
export function transaction<T>(db: Database, fn: () => T): T {
  // What better-sqlite3's db.transaction(fn).immediate() does, without making four wrapper functions per call
  // (that was a few percent of a node's CPU per message): the statements are prepared once per connection.
  const s = controlStatements(db);
  const nested = db.inTransaction;
  (nested ? s.savepoint : s.begin).run();
  try {
    const out = fn();
    if (out instanceof Promise)
      throw new Error("transaction(): fn must be synchronous (it returned a Promise)");
    (nested ? s.release : s.commit).run();
    return out;
  } catch (e) {
    // SQLite may have rolled the whole transaction back already (e.g. SQLITE_FULL): then nothing to undo.
    if (db.inTransaction) {
      if (nested) {
        s.rollbackTo.run();
        s.release.run();
      } else s.rollback.run();
    }
    throw e;
  }
}

interface ControlStatements {
  begin: Statement;
  commit: Statement;
  rollback: Statement;
  savepoint: Statement;
  release: Statement;
  rollbackTo: Statement;
}

const controls = new WeakMap<Database, ControlStatements>();

function controlStatements(db: Database): ControlStatements {
  let s = controls.get(db);
  if (s === undefined) {
    s = {
      begin: db.prepare("BEGIN IMMEDIATE"),
      commit: db.prepare("COMMIT"),
      rollback: db.prepare("ROLLBACK"),
      // One name for every level: RELEASE and ROLLBACK TO act on the innermost savepoint of that name.
      savepoint: db.prepare('SAVEPOINT "push_tx"'),
      release: db.prepare('RELEASE "push_tx"'),
      rollbackTo: db.prepare('ROLLBACK TO "push_tx"'),
    };
    controls.set(db, s);
  }
  return s;
}

/** JSON values the kv table stores; bigints survive the round trip. */
export type KvValue =
  string | number | boolean | null | bigint | KvValue[] | { [key: string]: KvValue | undefined };

const BIGINT_TAG = "$bigint";

function encode(value: KvValue): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === "bigint" ? { [BIGINT_TAG]: v.toString() } : v,
  );
}

function decode(text: string): KvValue {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === BIGINT_TAG)
        return BigInt((v as Record<string, string>)[BIGINT_TAG]);
    }
    return v;
  }) as KvValue;
}

/**
 * Typed access to the `kv` table (created by {@link openDatabase}): one JSON value per key, e.g. cursors.
 * Writes made inside {@link transaction} commit with the rest of the batch.
 */
export class KvStore {
  private readonly getStmt;
  private readonly setStmt;
  private readonly delStmt;
  private readonly listStmt;

  constructor(readonly db: Database) {
    this.getStmt = db.prepare<[string], { value: string }>("SELECT value FROM kv WHERE key = ?");
    this.setStmt = db.prepare<[string, string, number]>(
      "INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) " +
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    );
    this.delStmt = db.prepare<[string]>("DELETE FROM kv WHERE key = ?");
    this.listStmt = db.prepare<[string, string], { key: string }>(
      "SELECT key FROM kv WHERE key >= ? AND key < ? ORDER BY key",
    );
  }

  /** The value stored under `key`, or undefined. The type parameter is the caller's promise, not checked. */
  get<T extends KvValue>(key: string): T | undefined {
    const row = this.getStmt.get(key);
    return row === undefined ? undefined : (decode(row.value) as T);
  }

  set(key: string, value: KvValue): void {
    this.setStmt.run(key, encode(value), Date.now());
  }

  /** Removes `key`; returns whether it existed. */
  delete(key: string): boolean {
    return this.delStmt.run(key).changes > 0;
  }

  /** Keys starting with `prefix`, sorted. */
  keys(prefix = ""): string[] {
    return this.listStmt.all(prefix, prefix + "\uffff").map((r) => r.key);
  }
}
