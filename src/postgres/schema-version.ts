import type { Driver } from './client.js';
import { newerSchemaError, POSTGRES_SCHEMA_VERSION } from './migrations.js';
import type { TableNames } from './schema.js';

/** How long a read trusts the last version check before it asks the database again. */
const RECHECK_MS = 10_000;

/** SQL for the newest applied migration, to run as a subquery of a statement the store sends anyway. */
export function versionSubquery(t: TableNames): string {
  return `(SELECT max(version) FROM ${t.migrations})`;
}

/** Refuses a schema newer than this release knows; see {@link createSchemaGuard}. */
export interface SchemaGuard {
  /** Rejects when the schema is newer; asks the database at most every few seconds. */
  check(): Promise<void>;
  /** Throws when `version` (read by the caller in its own statement) is newer. */
  assert(version: unknown): void;
  /** Forgets the last check (after `migrate()`). */
  reset(): void;
}

/**
 * Every store operation goes through this guard, so a release that does not know the schema's
 * newest migration neither writes to it nor reads it wrongly. Transactions on a server read the
 * version in their first statement (no extra round trip); other operations use a check at most
 * {@link RECHECK_MS} old.
 */
export function createSchemaGuard(driver: Driver, t: TableNames): SchemaGuard {
  let checkedAt: number | undefined;
  const assert = (version: unknown): void => {
    const newest = Number(version ?? 0);
    if (newest > POSTGRES_SCHEMA_VERSION) {
      checkedAt = undefined;
      throw newerSchemaError(t.schema, newest);
    }
  };
  return {
    assert,
    reset() {
      checkedAt = undefined;
    },
    async check() {
      if (checkedAt !== undefined && Date.now() - checkedAt < RECHECK_MS) return;
      let rows: { version: unknown }[];
      try {
        rows = await driver.run<{ version: unknown }>(`SELECT ${versionSubquery(t)} AS version`, [], true);
      } catch (error) {
        // Not migrated yet: the operation itself reports the missing tables.
        if ((error as { cause?: { code?: unknown } }).cause?.code === '42P01') return;
        throw error;
      }
      assert(rows[0]?.version);
      checkedAt = Date.now();
    },
  };
}
