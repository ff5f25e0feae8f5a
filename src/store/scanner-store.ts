import type { ScannerState, ScannerStore } from "../chain/log-scanner";
import { KvStore, transaction } from "./sqlite";
import type { Database, KvValue } from "./sqlite";

/**
 * Keeps a LogScanner's state under one key of the `kv` table. `save(state, apply)` runs the consumer's
 * `apply` and the cursor write in one IMMEDIATE transaction: after a crash, either both are on disk or
 * neither is.
 */
export class SqliteScannerStore implements ScannerStore {
  private readonly kv: KvStore;

  constructor(
    readonly db: Database,
    readonly key: string,
  ) {
    this.kv = new KvStore(db);
  }

  load(): ScannerState | undefined {
    return this.kv.get<KvValue>(this.key) as ScannerState | undefined;
  }

  save(state: ScannerState, apply?: () => void): void {
    transaction(this.db, () => {
      apply?.();
      this.kv.set(this.key, state as unknown as KvValue);
    });
  }
}
