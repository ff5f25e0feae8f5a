import { checksumAddress } from "../util/address";
import { getAddress } from "ethers";
import { keyHashOf } from "./pgp-key";
import type { KeyView, RecordTimes } from "./check";

/**
 * An in-memory KeyView: key records per owner plus the key bytes by keyHash. Used by tests and vectors;
 * a node or validator can fill one from `KeyAdded` / `KeyRevoked` events.
 *
 * Activity follows the key registry's `isActiveAt(owner, keyHash, t)`: active when
 * `addedAt <= t` and (not revoked or `t < revokedAt`).
 */
export interface KeyRecord {
  owner: string;
  keyHash: string;
  addedAt: bigint;
  revokedAt: bigint | null;
}

export class MemoryKeyView implements KeyView {
  private readonly records = new Map<string, KeyRecord>();
  private readonly bytes = new Map<string, Uint8Array>();

  private static id(owner: string, keyHash: string): string {
    return `${checksumAddress(owner)}/${keyHash.toLowerCase()}`;
  }

  /** Records `owner` adding the key `publicKeyBytes` at `addedAt`; returns its keyHash. */
  addKey(owner: string, publicKeyBytes: Uint8Array, addedAt: bigint): string {
    const keyHash = keyHashOf(publicKeyBytes);
    this.bytes.set(keyHash, publicKeyBytes);
    const id = MemoryKeyView.id(owner, keyHash);
    if (this.records.has(id)) throw new Error(`${owner} already has key ${keyHash}`);
    this.records.set(id, { owner: getAddress(owner), keyHash, addedAt, revokedAt: null });
    return keyHash;
  }

  revokeKey(owner: string, keyHash: string, revokedAt: bigint): void {
    const r = this.records.get(MemoryKeyView.id(owner, keyHash));
    if (!r) throw new Error(`${owner} has no key ${keyHash}`);
    if (r.revokedAt !== null) throw new Error(`key ${keyHash} of ${owner} is already revoked`);
    r.revokedAt = revokedAt;
  }

  list(): KeyRecord[] {
    return [...this.records.values()].map((r) => ({ ...r }));
  }

  private static active(r: KeyRecord, t: bigint): boolean {
    return r.addedAt <= t && (r.revokedAt === null || t < r.revokedAt);
  }

  async keyActiveAt(owner: string, keyHash: string, t: bigint): Promise<boolean> {
    const r = this.records.get(MemoryKeyView.id(owner, keyHash));
    return r !== undefined && MemoryKeyView.active(r, t);
  }

  async anyActiveKeyAt(owner: string, t: bigint): Promise<string | null> {
    const o = checksumAddress(owner);
    const active = [...this.records.values()]
      .filter((r) => r.owner === o && MemoryKeyView.active(r, t))
      .sort((a, b) => (a.addedAt < b.addedAt ? -1 : a.addedAt > b.addedAt ? 1 : 0));
    return active[0]?.keyHash ?? null;
  }

  async publicKeyBytes(keyHash: string): Promise<Uint8Array | null> {
    return this.bytes.get(keyHash.toLowerCase()) ?? null;
  }

  async recordTimes(owner: string, keyHash: string): Promise<RecordTimes | null> {
    const r = this.records.get(MemoryKeyView.id(owner, keyHash));
    return r === undefined ? null : { addedAt: r.addedAt, revokedAt: r.revokedAt };
  }
}
