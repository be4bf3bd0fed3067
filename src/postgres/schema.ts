import { z } from 'zod';
import { parseConfig } from '../helpers/config.js';

/** The schema the store uses when none is given. */
export const DEFAULT_SCHEMA = 'sms_consent';

/** A name that is safe quoted and unsurprising unquoted; `pg_*` is reserved for PostgreSQL's own. */
const schemaName = z
  .string({
    error: (issue) =>
      `Invalid PostgreSQL schema name ${JSON.stringify(issue.input)}: use lower-case letters, digits and _ (max 63, not pg_*)`,
  })
  .regex(/^[a-z_][a-z0-9_]{0,62}$/)
  .refine((name) => !name.startsWith('pg_'));

/** The quoted, schema-qualified names of the store's tables. */
export interface TableNames {
  /** The schema name, unquoted. */
  readonly schema: string;
  readonly events: string;
  readonly statuses: string;
  readonly keys: string;
  readonly heads: string;
  readonly jobs: string;
  readonly checkpoints: string;
  readonly checkpointHeads: string;
  readonly reviews: string;
  readonly migrations: string;
}

/**
 * Validates a schema name (lower-case letters, digits and `_`, at most 63 characters, not starting
 * with a digit) and returns the quoted table names in it. The name is only ever interpolated quoted.
 */
export function tableNames(schema: string = DEFAULT_SCHEMA): TableNames {
  parseConfig(schemaName, schema);
  const table = (name: string) => `"${schema}"."${name}"`;
  return {
    schema,
    events: table('events'),
    statuses: table('statuses'),
    keys: table('idempotency_keys'),
    heads: table('chain_heads'),
    jobs: table('outbox_jobs'),
    checkpoints: table('checkpoints'),
    checkpointHeads: table('checkpoint_heads'),
    reviews: table('reviews'),
    migrations: table('schema_migrations'),
  };
}

/** SQL that renders a timestamptz as the ISO 8601 UTC text the core writes (`2026-03-02T14:00:00.000Z`). */
export function isoText(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
