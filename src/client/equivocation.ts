// Spots a node's equivocation in what a reader fetched: two different attestations, both signed by the
// node, with the same sequence number. Each is provable on chain with fault:prove (an EQUIVOCATION).
import type { Attestation } from "../message/types";

export interface AttestedEntry {
  position: bigint;
  attestation: Attestation;
  /** The attestation is signed by the node (only those count: anyone can forge an unsigned one). */
  attestationOk: boolean;
}

export interface Equivocation {
  sequence: bigint;
  /** Feed positions of the conflicting attestations (two or more). */
  positions: bigint[];
}

function sameAttestation(a: Attestation, b: Attestation): boolean {
  return (
    a.digest.toLowerCase() === b.digest.toLowerCase() &&
    a.signatureHash.toLowerCase() === b.signatureHash.toLowerCase() &&
    a.signatureSize === b.signatureSize &&
    a.attestedAt === b.attestedAt
  );
}

/** The sequences the node signed more than one different attestation for, in order of sequence. */
export function findEquivocations(entries: readonly AttestedEntry[]): Equivocation[] {
  const bySequence = new Map<bigint, AttestedEntry[]>();
  for (const e of entries) {
    if (!e.attestationOk) continue;
    const list = bySequence.get(e.attestation.sequence) ?? [];
    if (!list.some((o) => sameAttestation(o.attestation, e.attestation))) list.push(e);
    bySequence.set(e.attestation.sequence, list);
  }
  return [...bySequence.entries()]
    .filter(([, list]) => list.length > 1)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([sequence, list]) => ({ sequence, positions: list.map((e) => e.position) }));
}

/** The warning msg:read prints for one equivocation. */
export function equivocationWarning(node: string, e: Equivocation): string {
  const where = e.positions.map((p) => `#${p}`).join(", ");
  return `WARNING: node ${node} signed ${e.positions.length === 2 ? "two" : e.positions.length} different attestations with sequence ${e.sequence} (${where}): EQUIVOCATION, provable with fault:prove.`;
}
