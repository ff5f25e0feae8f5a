/**
 * The validator's SQLite state (better-sqlite3 12, WAL, synchronous=FULL; see src/store/sqlite.ts):
 *
 * - `feeds`: per node, the last feed position fully processed (the cursor);
 * - `attestations`: every attestation a node signed that the validator saw, by (node, sequence, struct
 *   hash), so that a second, different attestation with the same sequence is caught even after a restart;
 * - `proofs`: one row per offenceId with the proof calldata, its claim (reporter, salt) and commitment, and
 *   its state machine (commit-reveal, see submitter.ts and docs/validator-proofs.md)
 *       found -> committing(commitTxHash) -> committed(commitBlock) -> simulated -> sent(txHash, nonce)
 *             -> mined | consumed | rejected
 *   (`final` = 1 once the outcome is at the confirmation depth, or cannot change). The salt is written with
 *   the proof, in the page's transaction, before any commitment is sent: it is never lost;
 *   Push proofs (version 3) also carry `target` (the PushProofs address the proof is sent to; NULL: the
 *   Slashing contract) and `evidence` (the Push proof file, JSON, that validator:export writes);
 * - `proof_log`: every state change of a proof, for audits;
 * - `anomalies`: what lying or failing feeds did (gaps, reordering, forged items, content mismatches...).
 *
 * A page of a feed commits in one transaction: its attestations, the proofs it found and the cursor.
 * After a crash (kill -9 included) either all of it is on disk or none, and the page is fetched again;
 * every write is idempotent (keys: (node, sequence, hash) and offenceId).
 */
import { openDatabase, transaction } from "../store/sqlite";
import type { Database, Migration } from "../store/sqlite";

export type ProofState =
  "found" | "committing" | "committed" | "simulated" | "sent" | "mined" | "consumed" | "rejected";
export const PROOF_STATES: readonly ProofState[] = [
  "found",
  "committing",
  "committed",
  "simulated",
  "sent",
  "mined",
  "consumed",
  "rejected",
];

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: "validator state",
    up: `
      CREATE TABLE feeds (
        node TEXT PRIMARY KEY NOT NULL,
        cursor TEXT,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE attestations (
        node TEXT NOT NULL,
        seq TEXT NOT NULL,
        struct_hash TEXT NOT NULL,
        position TEXT NOT NULL, -- feed position where it was first seen, padded like seq
        digest TEXT NOT NULL,
        signature_hash TEXT NOT NULL,
        attested_at TEXT NOT NULL, -- padded like seq
        signature TEXT NOT NULL,
        verdict TEXT NOT NULL,
        seen_at INTEGER NOT NULL,
        PRIMARY KEY (node, seq, struct_hash)
      ) STRICT;
      CREATE TABLE proofs (
        offence_id TEXT PRIMARY KEY NOT NULL,
        node TEXT NOT NULL,
        fault_code TEXT NOT NULL,
        method TEXT NOT NULL,
        data TEXT NOT NULL,
        digest TEXT NOT NULL,
        seq TEXT NOT NULL,
        reason TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('found','simulated','sent','mined','consumed','rejected')),
        final INTEGER NOT NULL DEFAULT 0,
        tx_hash TEXT,
        nonce INTEGER,
        raw_tx TEXT,
        block_number INTEGER,
        block_hash TEXT,
        detail TEXT,
        found_at INTEGER NOT NULL,
        visible_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX proofs_open ON proofs (final, state);
      CREATE TABLE proof_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        offence_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        from_state TEXT,
        to_state TEXT NOT NULL,
        tx_hash TEXT,
        detail TEXT
      ) STRICT;
      CREATE TABLE anomalies (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        node TEXT NOT NULL,
        kind TEXT NOT NULL,
        seq TEXT,
        detail TEXT NOT NULL,
        at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: "attestations commit to signatureSize; proofs by commit-reveal",
    up: (db) => {
      const held = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM attestations").get()?.n ?? 0;
      const open =
        db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM proofs WHERE final = 0").get()?.n ?? 0;
      if (held > 0 || open > 0)
        throw new Error(
          `This data directory holds ${held} attestations and ${open} open proofs made under the previous ` +
            "Attestation type and proof calls (without signatureSize and without a claim), which the Slashing " +
            "contract no longer takes: start the validator with a new data directory.",
        );
      db.exec(`
        ALTER TABLE attestations ADD COLUMN signature_size INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX attestations_time ON attestations (node, attested_at);
        DROP INDEX proofs_open;
        ALTER TABLE proofs RENAME TO proofs_v1;
        CREATE TABLE proofs (
          offence_id TEXT PRIMARY KEY NOT NULL,
          node TEXT NOT NULL,
          fault_code TEXT NOT NULL,
          method TEXT NOT NULL,
          data TEXT NOT NULL,
          digest TEXT NOT NULL,
          seq TEXT NOT NULL,
          reason TEXT NOT NULL,
          reporter TEXT NOT NULL,
          salt TEXT NOT NULL,
          commitment TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN
            ('found','committing','committed','simulated','sent','mined','consumed','rejected')),
          final INTEGER NOT NULL DEFAULT 0,
          commit_tx_hash TEXT,
          commit_nonce INTEGER,
          commit_raw_tx TEXT,
          commit_block_number INTEGER,
          commit_block_hash TEXT,
          tx_hash TEXT,
          nonce INTEGER,
          raw_tx TEXT,
          block_number INTEGER,
          block_hash TEXT,
          detail TEXT,
          found_at INTEGER NOT NULL,
          visible_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;
        INSERT INTO proofs (offence_id, node, fault_code, method, data, digest, seq, reason, reporter, salt,
          commitment, state, final, tx_hash, nonce, raw_tx, block_number, block_hash, detail, found_at,
          visible_at, updated_at)
          SELECT offence_id, node, fault_code, method, data, digest, seq, reason, '', '', '', state, final,
          tx_hash, nonce, raw_tx, block_number, block_hash, detail, found_at, visible_at, updated_at
          FROM proofs_v1;
        DROP TABLE proofs_v1;
        CREATE INDEX proofs_open ON proofs (final, state);
      `);
    },
  },
  {
    // Push Chat SDK messages (docs/push-format.md): their proofs go to PushProofs, not to Slashing, and their
    // proof file is kept with them (the hashed-form calldata does not carry the message). Existing rows are
    // envelope proofs: target NULL (the Slashing contract), evidence NULL (the file is decoded from calldata).
    version: 3,
    name: "Push proofs: target contract and evidence",
    up: `
      ALTER TABLE proofs ADD COLUMN target TEXT;
      ALTER TABLE proofs ADD COLUMN evidence TEXT;
    `,
  },
];

/** uint64 sequences as fixed-width decimal text, so that SQL ordering is numeric ordering. */
export function seqKey(n: bigint): string {
  return n.toString().padStart(20, "0");
}

export interface StoredAttestation {
  node: string;
  /** Feed position where it was first seen. */
  position: bigint;
  sequence: bigint;
  structHash: string;
  digest: string;
  signatureHash: string;
  signatureSize: number;
  attestedAt: bigint;
  signature: string;
  verdict: string;
}

export interface ProofRow {
  offenceId: string;
  node: string;
  faultCode: string;
  method: string;
  data: string;
  digest: string;
  sequence: bigint;
  reason: string;
  /** The claim: the reporter the reward goes to, and the salt of the commitment. */
  reporter: string;
  salt: string;
  /** keccak256(abi.encode(reporter, salt, offenceId)). */
  commitment: string;
  /** The contract the proof calldata is sent to (PushProofs), or null for the Slashing contract. */
  target: string | null;
  /** Push proofs: the proof file (JSON text) that validator:export writes; null for envelope proofs. */
  evidence: string | null;
  state: ProofState;
  final: boolean;
  /** The commitProof transaction (signed and stored before it is broadcast). */
  commitTxHash: string | null;
  commitNonce: number | null;
  commitRawTx: string | null;
  /** Where the commitment is on chain (read from the receipt, or from commitmentBlock). */
  commitBlockNumber: number | null;
  commitBlockHash: string | null;
  txHash: string | null;
  nonce: number | null;
  rawTx: string | null;
  blockNumber: number | null;
  blockHash: string | null;
  detail: string | null;
  foundAt: number;
  /** When the evidence became visible to the validator (ms since epoch). */
  visibleAt: number;
  updatedAt: number;
}

export interface NewProof {
  offenceId: string;
  node: string;
  faultCode: string;
  method: string;
  data: string;
  digest: string;
  sequence: bigint;
  reason: string;
  reporter: string;
  salt: string;
  commitment: string;
  visibleAt: number;
  /** See ProofRow.target (default null: Slashing). */
  target?: string | null;
  /** See ProofRow.evidence. */
  evidence?: string | null;
}

export interface Anomaly {
  node: string;
  kind: string;
  sequence?: bigint;
  detail: string;
}

interface ProofDbRow {
  offence_id: string;
  node: string;
  fault_code: string;
  method: string;
  data: string;
  digest: string;
  seq: string;
  reason: string;
  reporter: string;
  salt: string;
  commitment: string;
  target: string | null;
  evidence: string | null;
  state: ProofState;
  final: number;
  commit_tx_hash: string | null;
  commit_nonce: number | null;
  commit_raw_tx: string | null;
  commit_block_number: number | null;
  commit_block_hash: string | null;
  tx_hash: string | null;
  nonce: number | null;
  raw_tx: string | null;
  block_number: number | null;
  block_hash: string | null;
  detail: string | null;
  found_at: number;
  visible_at: number;
  updated_at: number;
}

interface AttestationDbRow {
  node: string;
  seq: string;
  struct_hash: string;
  position: string;
  digest: string;
  signature_hash: string;
  signature_size: number;
  attested_at: string;
  signature: string;
  verdict: string;
}

function toAttestation(r: AttestationDbRow): StoredAttestation {
  return {
    node: r.node,
    position: BigInt(r.position),
    sequence: BigInt(r.seq),
    structHash: r.struct_hash,
    digest: r.digest,
    signatureHash: r.signature_hash,
    signatureSize: r.signature_size,
    attestedAt: BigInt(r.attested_at),
    signature: r.signature,
    verdict: r.verdict,
  };
}

function toProof(r: ProofDbRow): ProofRow {
  return {
    offenceId: r.offence_id,
    node: r.node,
    faultCode: r.fault_code,
    method: r.method,
    data: r.data,
    digest: r.digest,
    sequence: BigInt(r.seq),
    reason: r.reason,
    reporter: r.reporter,
    salt: r.salt,
    commitment: r.commitment,
    target: r.target,
    evidence: r.evidence,
    state: r.state,
    final: r.final === 1,
    commitTxHash: r.commit_tx_hash,
    commitNonce: r.commit_nonce,
    commitRawTx: r.commit_raw_tx,
    commitBlockNumber: r.commit_block_number,
    commitBlockHash: r.commit_block_hash,
    txHash: r.tx_hash,
    nonce: r.nonce,
    rawTx: r.raw_tx,
    blockNumber: r.block_number,
    blockHash: r.block_hash,
    detail: r.detail,
    foundAt: r.found_at,
    visibleAt: r.visible_at,
    updatedAt: r.updated_at,
  };
}

/** Fields a state change may set besides the state. `undefined` keeps the stored value, `null` clears it. */
export interface ProofUpdate {
  final?: boolean;
  commitTxHash?: string | null;
  commitNonce?: number | null;
  commitRawTx?: string | null;
  commitBlockNumber?: number | null;
  commitBlockHash?: string | null;
  txHash?: string | null;
  nonce?: number | null;
  rawTx?: string | null;
  blockNumber?: number | null;
  blockHash?: string | null;
  detail?: string | null;
}

export class ValidatorStore {
  readonly db: Database;
  private readonly now: () => number;

  constructor(db: Database, now: () => number = Date.now) {
    this.db = db;
    this.now = now;
  }

  /** Opens (creating and migrating) `dataDir/validator.sqlite`. */
  static open(dataDir: string, file = "validator.sqlite"): ValidatorStore {
    return new ValidatorStore(openDatabase({ dataDir, file, migrations: MIGRATIONS }));
  }

  close(): void {
    this.db.close();
  }

  /** Runs `fn` in one IMMEDIATE transaction. */
  atomically<T>(fn: () => T): T {
    return transaction(this.db, fn);
  }

  // ---- feeds ----

  /** The last feed position fully processed for `node`, or null when nothing was. */
  cursor(node: string): bigint | null {
    const row = this.db
      .prepare<[string], { cursor: string | null }>("SELECT cursor FROM feeds WHERE node = ?")
      .get(node);
    return row?.cursor == null ? null : BigInt(row.cursor);
  }

  setCursor(node: string, cursor: bigint | null): void {
    this.db
      .prepare(
        "INSERT INTO feeds (node, cursor, updated_at) VALUES (?, ?, ?) " +
          "ON CONFLICT(node) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
      )
      .run(node, cursor === null ? null : cursor.toString(), this.now());
  }

  cursors(): Array<{ node: string; cursor: bigint | null }> {
    return this.db
      .prepare<[], { node: string; cursor: string | null }>("SELECT node, cursor FROM feeds ORDER BY node")
      .all()
      .map((r) => ({ node: r.node, cursor: r.cursor === null ? null : BigInt(r.cursor) }));
  }

  // ---- attestations ----

  /** Stores an attestation (idempotent). Returns the stored attestations of the same node and sequence
   *  with another struct hash (equivocation evidence), oldest first. */
  addAttestation(a: StoredAttestation): StoredAttestation[] {
    this.db
      .prepare(
        "INSERT OR IGNORE INTO attestations (node, seq, struct_hash, position, digest, signature_hash, " +
          "signature_size, attested_at, signature, verdict, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(
        a.node,
        seqKey(a.sequence),
        a.structHash,
        seqKey(a.position),
        a.digest,
        a.signatureHash,
        a.signatureSize,
        seqKey(a.attestedAt),
        a.signature,
        a.verdict,
        this.now(),
      );
    return this.attestationsAt(a.node, a.sequence).filter((o) => o.structHash !== a.structHash);
  }

  attestationsAt(node: string, sequence: bigint): StoredAttestation[] {
    return this.db
      .prepare<[string, string], AttestationDbRow>(
        "SELECT * FROM attestations WHERE node = ? AND seq = ? ORDER BY seen_at, struct_hash",
      )
      .all(node, seqKey(sequence))
      .map(toAttestation);
  }

  /**
   * A stored attestation of `node` that, with one at (`sequence`, `attestedAt`), breaks the rule that
   * attestedAt never decreases as the sequence grows: a lower sequence attested later, or a higher sequence
   * attested earlier (the first seen), or undefined.
   */
  outOfOrderWith(node: string, sequence: bigint, attestedAt: bigint): StoredAttestation | undefined {
    const r = this.db
      .prepare<[string, string, string, string, string], AttestationDbRow>(
        "SELECT * FROM attestations WHERE node = ? AND " +
          "((seq < ? AND attested_at > ?) OR (seq > ? AND attested_at < ?)) ORDER BY seen_at, seq LIMIT 1",
      )
      .get(node, seqKey(sequence), seqKey(attestedAt), seqKey(sequence), seqKey(attestedAt));
    return r && toAttestation(r);
  }

  /** The lowest feed position of `node` attested at or after `t` (to re-validate after a reorg). */
  firstPositionAttestedSince(node: string, t: bigint): bigint | null {
    const row = this.db
      .prepare<[string, string], { position: string | null }>(
        "SELECT MIN(position) AS position FROM attestations WHERE node = ? AND attested_at >= ?",
      )
      .get(node, seqKey(t < 0n ? 0n : t));
    return row?.position == null ? null : BigInt(row.position);
  }

  attestationCount(node?: string): number {
    const row = node
      ? this.db
          .prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM attestations WHERE node = ?")
          .get(node)
      : this.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM attestations").get();
    return row?.n ?? 0;
  }

  // ---- proofs ----

  /** Records a new proof in state `found`; returns false (and changes nothing) when the offence is known. */
  addProof(p: NewProof): boolean {
    const now = this.now();
    const r = this.db
      .prepare(
        "INSERT OR IGNORE INTO proofs (offence_id, node, fault_code, method, data, digest, seq, reason, " +
          "reporter, salt, commitment, target, evidence, state, final, found_at, visible_at, updated_at) " +
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'found', 0, ?, ?, ?)",
      )
      .run(
        p.offenceId,
        p.node,
        p.faultCode,
        p.method,
        p.data,
        p.digest,
        seqKey(p.sequence),
        p.reason,
        p.reporter,
        p.salt,
        p.commitment,
        p.target ?? null,
        p.evidence ?? null,
        now,
        p.visibleAt,
        now,
      );
    if (r.changes > 0) this.logProof(p.offenceId, null, "found", null, p.reason);
    return r.changes > 0;
  }

  proof(offenceId: string): ProofRow | undefined {
    const r = this.db
      .prepare<[string], ProofDbRow>("SELECT * FROM proofs WHERE offence_id = ?")
      .get(offenceId);
    return r && toProof(r);
  }

  /** Proofs whose outcome is not final, oldest first. */
  openProofs(): ProofRow[] {
    return this.db
      .prepare<[], ProofDbRow>("SELECT * FROM proofs WHERE final = 0 ORDER BY found_at, offence_id")
      .all()
      .map(toProof);
  }

  proofs(): ProofRow[] {
    return this.db
      .prepare<[], ProofDbRow>("SELECT * FROM proofs ORDER BY found_at, offence_id")
      .all()
      .map(toProof);
  }

  proofCounts(): Record<ProofState, number> {
    const out = Object.fromEntries(PROOF_STATES.map((s) => [s, 0])) as Record<ProofState, number>;
    for (const r of this.db
      .prepare<[], { state: ProofState; n: number }>("SELECT state, COUNT(*) AS n FROM proofs GROUP BY state")
      .all())
      out[r.state] = r.n;
    return out;
  }

  /** Moves a proof to `state` (recording the change in proof_log). */
  updateProof(offenceId: string, state: ProofState, u: ProofUpdate = {}): void {
    const before = this.proof(offenceId);
    if (!before) throw new Error(`unknown proof ${offenceId}`);
    const pick = <T>(v: T | undefined, old: T): T => (v === undefined ? old : v);
    this.atomically(() => {
      this.db
        .prepare(
          "UPDATE proofs SET state = ?, final = ?, commit_tx_hash = ?, commit_nonce = ?, commit_raw_tx = ?, " +
            "commit_block_number = ?, commit_block_hash = ?, tx_hash = ?, nonce = ?, raw_tx = ?, " +
            "block_number = ?, block_hash = ?, detail = ?, updated_at = ? WHERE offence_id = ?",
        )
        .run(
          state,
          pick(u.final, before.final) ? 1 : 0,
          pick(u.commitTxHash, before.commitTxHash),
          pick(u.commitNonce, before.commitNonce),
          pick(u.commitRawTx, before.commitRawTx),
          pick(u.commitBlockNumber, before.commitBlockNumber),
          pick(u.commitBlockHash, before.commitBlockHash),
          pick(u.txHash, before.txHash),
          pick(u.nonce, before.nonce),
          pick(u.rawTx, before.rawTx),
          pick(u.blockNumber, before.blockNumber),
          pick(u.blockHash, before.blockHash),
          pick(u.detail, before.detail),
          this.now(),
          offenceId,
        );
      if (before.state !== state || u.txHash !== undefined || u.commitTxHash !== undefined) {
        const tx =
          state === "committing" ? pick(u.commitTxHash, before.commitTxHash) : pick(u.txHash, before.txHash);
        this.logProof(offenceId, before.state, state, tx, u.detail ?? null);
      }
    });
  }

  private logProof(
    offenceId: string,
    from: ProofState | null,
    to: ProofState,
    txHash: string | null,
    detail: string | null,
  ): void {
    this.db
      .prepare(
        "INSERT INTO proof_log (offence_id, at, from_state, to_state, tx_hash, detail) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(offenceId, this.now(), from, to, txHash, detail);
  }

  proofLog(
    offenceId: string,
  ): Array<{ from: string | null; to: string; txHash: string | null; detail: string | null }> {
    return this.db
      .prepare<
        [string],
        { from_state: string | null; to_state: string; tx_hash: string | null; detail: string | null }
      >("SELECT from_state, to_state, tx_hash, detail FROM proof_log WHERE offence_id = ? ORDER BY id")
      .all(offenceId)
      .map((r) => ({ from: r.from_state, to: r.to_state, txHash: r.tx_hash, detail: r.detail }));
  }

  /** Every proof transaction hash this validator ever signed (for tests and audits). */
  sentTransactions(): string[] {
    return this.loggedTransactions("sent");
  }

  /** Every commitProof transaction hash this validator ever signed. */
  commitTransactions(): string[] {
    return this.loggedTransactions("committing");
  }

  private loggedTransactions(state: "sent" | "committing"): string[] {
    return this.db
      .prepare<[string], { tx_hash: string }>(
        "SELECT DISTINCT tx_hash FROM proof_log WHERE tx_hash IS NOT NULL AND to_state = ? ORDER BY tx_hash",
      )
      .all(state)
      .map((r) => r.tx_hash);
  }

  // ---- anomalies ----

  addAnomaly(a: Anomaly): void {
    this.db
      .prepare("INSERT INTO anomalies (node, kind, seq, detail, at) VALUES (?, ?, ?, ?, ?)")
      .run(a.node, a.kind, a.sequence === undefined ? null : a.sequence.toString(), a.detail, this.now());
  }

  anomalies(node?: string): Array<Anomaly & { at: number }> {
    const rows = node
      ? this.db
          .prepare<[string], { node: string; kind: string; seq: string | null; detail: string; at: number }>(
            "SELECT node, kind, seq, detail, at FROM anomalies WHERE node = ? ORDER BY id",
          )
          .all(node)
      : this.db
          .prepare<[], { node: string; kind: string; seq: string | null; detail: string; at: number }>(
            "SELECT node, kind, seq, detail, at FROM anomalies ORDER BY id",
          )
          .all();
    return rows.map((r) => ({
      node: r.node,
      kind: r.kind,
      sequence: r.seq === null ? undefined : BigInt(r.seq),
      detail: r.detail,
      at: r.at,
    }));
  }
}
