/**
 * `validator:export`: the proofs a validator found, as the proof files `fault:prove --file` reads
 * (src/slashing/proof-file.ts's format), one JSON file per fault. The proof's calldata, stored with the
 * proof in the validator's SQLite state, is decoded back into the message, the attestation(s) and the
 * extra evidence; the validator's claim (reporter, salt) is left out: `fault:prove` makes its own for the
 * account that sends it.
 */
import fs from "node:fs";
import path from "node:path";
import DatabaseCtor from "better-sqlite3";
import { getAddress, hexlify } from "ethers";
import type { Result } from "ethers";
import { SLASHING_INTERFACE } from "./abi";
import type { ProofState } from "./store";
import type { EnvelopeJson } from "../message";
import type { PushProofJson } from "../slashing/push-proof-file";

export interface ProofJsonAttestation {
  digest: string;
  signatureHash: string;
  signatureSize: number;
  sequence: string;
  attestedAt: string;
  signature: string;
}

/** The message of a proof file: an envelope's fields without its content and signature. */
export type ProofJsonMessage = Omit<EnvelopeJson, "content" | "signature">;

/** A proof file: what `fault:prove --file` reads (Push proof files: src/slashing/push-proof-file.ts). */
export type ProofJson =
  | (PushProofJson & { node: string; offenceId: string })
  | {
      fault: "MALFORMED" | "UNAUTHORIZED_SENDER" | "WRONG_ENCRYPTION" | "BAD_SIGNATURE";
      node: string;
      offenceId: string;
      message: ProofJsonMessage;
      attestation: ProofJsonAttestation;
      recipientActiveKey?: string;
      signature?: string;
      publicKey?: string;
    }
  | {
      fault: "EQUIVOCATION";
      node: string;
      offenceId: string;
      attestations: [ProofJsonAttestation, ProofJsonAttestation];
    };

/** A proof row as export reads it. */
export interface ExportableProof {
  offenceId: string;
  node: string;
  faultCode: string;
  data: string;
  state: ProofState;
  reason: string;
  /** Push proofs: the proof file itself (JSON text); null for envelope proofs. */
  evidence?: string | null;
}

export class ProofExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProofExportError";
  }
}

function attestationJson(a: Result, signature: string): ProofJsonAttestation {
  return {
    digest: String(a.digest).toLowerCase(),
    signatureHash: String(a.signatureHash).toLowerCase(),
    signatureSize: Number(a.signatureSize),
    sequence: (a.sequence as bigint).toString(),
    attestedAt: (a.attestedAt as bigint).toString(),
    signature: hexlify(signature),
  };
}

function messageJson(m: Result): ProofJsonMessage {
  return {
    version: Number(m.version),
    from: getAddress(String(m.from)),
    to: getAddress(String(m.to)),
    timestamp: (m.timestamp as bigint).toString(),
    contentType: Number(m.contentType),
    encryption: Number(m.encryption),
    contentHash: String(m.contentHash).toLowerCase(),
    contentSize: Number(m.contentSize),
    senderKey: String(m.senderKey).toLowerCase(),
    recipientKey: String(m.recipientKey).toLowerCase(),
    previous: String(m.previous).toLowerCase(),
  };
}

/** The proof file of a stored proof (its calldata decoded). */
export function proofJsonOf(p: ExportableProof): ProofJson {
  if (p.evidence) {
    const file = JSON.parse(p.evidence) as PushProofJson;
    return { ...file, node: getAddress(p.node), offenceId: p.offenceId };
  }
  const tx = SLASHING_INTERFACE.parseTransaction({ data: p.data });
  if (tx === null) throw new ProofExportError(`The stored proof ${p.offenceId} is not a Slashing call.`);
  const a = tx.args;
  const base = { node: getAddress(p.node), offenceId: p.offenceId };
  switch (tx.name) {
    case "proveEquivocation":
      return {
        fault: "EQUIVOCATION",
        ...base,
        attestations: [
          attestationJson(a[0] as Result, a[1] as string),
          attestationJson(a[2] as Result, a[3] as string),
        ],
      };
    case "proveMalformed":
    case "proveUnauthorizedSender":
    case "proveWrongEncryption":
    case "proveBadSignature": {
      const message = messageJson(a[0] as Result);
      const attestation = attestationJson(a[1] as Result, a[2] as string);
      if (tx.name === "proveMalformed") return { fault: "MALFORMED", ...base, message, attestation };
      if (tx.name === "proveUnauthorizedSender")
        return { fault: "UNAUTHORIZED_SENDER", ...base, message, attestation };
      if (tx.name === "proveWrongEncryption")
        return {
          fault: "WRONG_ENCRYPTION",
          ...base,
          message,
          attestation,
          recipientActiveKey: String(a[3]).toLowerCase(),
        };
      return {
        fault: "BAD_SIGNATURE",
        ...base,
        message,
        attestation,
        signature: hexlify(a[3] as string),
        publicKey: hexlify(a[4] as string),
      };
    }
    default:
      throw new ProofExportError(`The stored proof ${p.offenceId} calls ${tx.name}, which is not a proof.`);
  }
}

/** Reads the proofs of a validator's data directory, read-only (the validator may be running). */
export function readStoredProofs(dataDir: string, file = "validator.sqlite"): ExportableProof[] {
  const db = path.join(path.resolve(dataDir), file);
  if (!fs.existsSync(db))
    throw new ProofExportError(
      `${db} does not exist: pass the --data-dir of a validator (validator:run) that ran on this network.`,
    );
  const conn = new DatabaseCtor(db, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    const has = conn
      .prepare<[], { n: number }>(
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'proofs'",
      )
      .get();
    if (!has || has.n === 0) return [];
    const withEvidence =
      (conn
        .prepare<[], { n: number }>(
          "SELECT COUNT(*) AS n FROM pragma_table_info('proofs') WHERE name = 'evidence'",
        )
        .get()?.n ?? 0) > 0;
    return conn
      .prepare<
        [],
        {
          offence_id: string;
          node: string;
          fault_code: string;
          data: string;
          state: ProofState;
          reason: string;
          evidence: string | null;
        }
      >(
        `SELECT offence_id, node, fault_code, data, state, reason, ${withEvidence ? "evidence" : "NULL AS evidence"} ` +
          "FROM proofs ORDER BY found_at, offence_id",
      )
      .all()
      .map((r) => ({
        offenceId: r.offence_id,
        node: r.node,
        faultCode: r.fault_code,
        data: r.data,
        state: r.state,
        reason: r.reason,
        evidence: r.evidence,
      }));
  } finally {
    conn.close();
  }
}

/** The file name of a proof: <fault>-<node>-<first 8 hex digits of the offenceId>.json. */
export function proofFileName(p: ProofJson): string {
  const push = "format" in p && p.format === "push" ? "push-" : "";
  return `${push}${p.fault.toLowerCase().replace(/_/g, "-")}-${p.node}-${p.offenceId.slice(2, 10)}.json`;
}

/** States whose proof the validator already got on chain (exported only when asked). */
export const PROVEN_STATES: readonly ProofState[] = ["mined", "consumed"];

export interface ExportedProof {
  file: string;
  proof: ProofJson;
  state: ProofState;
  reason: string;
}

/** Writes one proof file per stored proof into `outDir` (created if missing). */
export function exportProofs(
  dataDir: string,
  outDir: string,
  opts: { includeProven?: boolean; node?: string } = {},
): ExportedProof[] {
  const rows = readStoredProofs(dataDir).filter(
    (r) =>
      (opts.includeProven === true || !PROVEN_STATES.includes(r.state)) &&
      (opts.node === undefined || r.node.toLowerCase() === opts.node.toLowerCase()),
  );
  fs.mkdirSync(outDir, { recursive: true });
  return rows.map((r) => {
    const proof = proofJsonOf(r);
    const file = path.join(path.resolve(outDir), proofFileName(proof));
    fs.writeFileSync(file, JSON.stringify(proof, null, 2) + "\n");
    return { file, proof, state: r.state, reason: r.reason };
  });
}
