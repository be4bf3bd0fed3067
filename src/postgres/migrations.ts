import { ConsentError } from '../errors.js';
import type { Driver } from './client.js';
import { type TableNames, tableNames } from './schema.js';

/** One versioned step of the store's schema. Steps only ever add; none drops or rewrites data. */
export interface PostgresMigration {
  readonly version: number;
  readonly name: string;
  /** The SQL of the step for one schema (several statements). */
  readonly sql: string;
}

/** What `store.migrate()` did. */
export interface MigrationResult {
  /** The schema version after the call. */
  readonly version: number;
  /** The versions this call applied (empty when the schema was already current). */
  readonly applied: readonly number[];
}

interface MigrationStep {
  readonly version: number;
  readonly name: string;
  readonly sql: (t: TableNames) => string;
}

/** The unique index on a number chain's places; a write that collides on it assumed a stale head. */
export const CHAIN_SEQ_INDEX = 'events_number_seq_key';

/** The schema version that created {@link CHAIN_SEQ_INDEX}: below it, nothing arbitrates a write sent without the lock. */
export const CHAIN_SEQ_INDEX_VERSION = 5;

const STEPS: readonly MigrationStep[] = [
  {
    version: 1,
    name: 'ledger, statuses, idempotency keys, chain heads, outbox',
    sql: (t) => `
CREATE TABLE ${t.events} (
  tenant_id text COLLATE "C" NOT NULL,
  seq bigint NOT NULL CHECK (seq > 0),
  id text COLLATE "C" NOT NULL,
  phone text COLLATE "C" NOT NULL,
  action text NOT NULL CHECK (action IN ('opt_out', 'opt_in')),
  source text NOT NULL,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL,
  applied boolean NOT NULL,
  reason text,
  idempotency_key text COLLATE "C",
  evidence jsonb NOT NULL,
  prev_hash text,
  hash text NOT NULL,
  PRIMARY KEY (tenant_id, seq),
  UNIQUE (id)
);
CREATE INDEX events_tenant_phone_idx ON ${t.events} (tenant_id, phone);

CREATE FUNCTION "${t.schema}".refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'sms-consent: the consent ledger is append-only (% on %.% refused)', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = 'P0001', HINT = 'Consent events are evidence; record a new event instead.';
END
$fn$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON ${t.events}
  FOR EACH ROW EXECUTE FUNCTION "${t.schema}".refuse_ledger_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON ${t.events}
  FOR EACH STATEMENT EXECUTE FUNCTION "${t.schema}".refuse_ledger_change();

CREATE TABLE ${t.statuses} (
  tenant_id text COLLATE "C" NOT NULL,
  phone text COLLATE "C" NOT NULL,
  status text NOT NULL CHECK (status IN ('opted_out', 'opted_in', 'unknown')),
  since timestamptz,
  cause_event_id text COLLATE "C",
  last_event_id text COLLATE "C",
  confirmation_text text,
  confirmation_until timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, phone)
);
CREATE INDEX statuses_tenant_status_phone_idx ON ${t.statuses} (tenant_id, status, phone);

CREATE TABLE ${t.keys} (
  tenant_id text COLLATE "C" NOT NULL,
  key text COLLATE "C" NOT NULL,
  event_id text COLLATE "C" NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key)
);

CREATE TABLE ${t.heads} (
  tenant_id text COLLATE "C" PRIMARY KEY,
  seq bigint NOT NULL DEFAULT 0,
  hash text
);

CREATE TABLE ${t.jobs} (
  id text COLLATE "C" PRIMARY KEY,
  tenant_id text COLLATE "C" NOT NULL,
  phone text COLLATE "C" NOT NULL,
  kind text NOT NULL,
  event_id text COLLATE "C" NOT NULL,
  created_at timestamptz NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  available_at timestamptz NOT NULL,
  last_error text,
  lease_token text,
  lease_until timestamptz
);
CREATE INDEX outbox_jobs_due_idx ON ${t.jobs} (state, available_at, id);
`,
  },
  {
    version: 2,
    name: 'review queue',
    sql: (t) => `
CREATE TABLE ${t.reviews} (
  tenant_id text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  key text COLLATE "C" NOT NULL,
  phone text COLLATE "C" NOT NULL,
  message_id text,
  body text NOT NULL,
  from_number text NOT NULL,
  to_number text,
  received_at timestamptz NOT NULL,
  due_by timestamptz NOT NULL,
  classification jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
  resolution jsonb,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, key)
);
CREATE INDEX reviews_tenant_due_idx ON ${t.reviews} (tenant_id, due_by, id);
`,
  },
  {
    version: 3,
    name: 'per-number chains, keyed MACs, checkpoints',
    // Events already stored keep their tenant chain (chain = 'tenant', read from the column default
    // without rewriting a row); the tenant's head row is frozen and keeps proving that prefix.
    sql: (t) => `
ALTER TABLE ${t.events} ADD COLUMN chain text NOT NULL DEFAULT 'tenant' CHECK (chain IN ('tenant', 'number'));
ALTER TABLE ${t.events} ALTER COLUMN chain SET DEFAULT 'number';
ALTER TABLE ${t.events} ADD COLUMN mac text;
ALTER TABLE ${t.events} DROP CONSTRAINT events_pkey;
CREATE UNIQUE INDEX events_tenant_chain_idx ON ${t.events} (tenant_id, seq) WHERE chain = 'tenant';
CREATE INDEX events_number_chain_idx ON ${t.events} (tenant_id, phone, seq, id);
DROP INDEX "${t.schema}".events_tenant_phone_idx;

ALTER TABLE ${t.statuses} ADD COLUMN head_seq bigint, ADD COLUMN head_hash text;

CREATE TABLE ${t.checkpoints} (
  tenant_id text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  at timestamptz NOT NULL,
  body jsonb NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE TABLE ${t.checkpointHeads} (
  tenant_id text COLLATE "C" NOT NULL,
  checkpoint_id text COLLATE "C" NOT NULL,
  phone text COLLATE "C" NOT NULL,
  seq bigint NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (tenant_id, checkpoint_id, phone)
);
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON ${t.checkpoints}
  FOR EACH ROW EXECUTE FUNCTION "${t.schema}".refuse_ledger_change();
CREATE TRIGGER checkpoint_heads_append_only BEFORE UPDATE OR DELETE ON ${t.checkpointHeads}
  FOR EACH ROW EXECUTE FUNCTION "${t.schema}".refuse_ledger_change();
`,
  },
  {
    version: 4,
    name: 'status index led by the status',
    // On a small table the planner costs (tenant_id, status, phone) the same as the primary key for
    // a lookup by tenant and phone, and a pooled connection keeps the generic plan it made then:
    // every write's head read scanned the tenant's whole index range, slower with each new number.
    // Led by the status, the index serves only the listing by status it exists for.
    sql: (t) => `
DROP INDEX "${t.schema}".statuses_tenant_status_phone_idx;
CREATE INDEX statuses_status_tenant_phone_idx ON ${t.statuses} (status, tenant_id, phone);
`,
  },
  {
    version: CHAIN_SEQ_INDEX_VERSION,
    name: 'one event per place of a number chain',
    // The arbiter of writes sent without the number's lock (see `optimisticWrite`): of two writers
    // that assumed the same head, the second's event collides here and nothing of it is written.
    sql: (t) => `
CREATE UNIQUE INDEX ${CHAIN_SEQ_INDEX} ON ${t.events} (tenant_id, phone, seq) WHERE chain = 'number';
`,
  },
];

/** The schema version this release of the store expects. */
export const POSTGRES_SCHEMA_VERSION: number = STEPS.at(-1)?.version ?? 0;

/** The error of every store operation (and `migrate()`) on a schema migrated by a newer release. */
export function newerSchemaError(schema: string, version: number): ConsentError {
  return new ConsentError(
    'CONFIG',
    `Schema "${schema}" is at version ${version}, newer than this sms-consent release knows (${POSTGRES_SCHEMA_VERSION}); upgrade sms-consent`,
  );
}

/**
 * The store's migrations as plain SQL for one schema, for teams that apply migrations with their own
 * tool (Flyway, sqitch, …) instead of `store.migrate()`. Apply them in order, each once. Each step
 * creates the schema and the `schema_migrations` table when missing and records its version there,
 * so `store.migrate()` and `npx sms-consent migrate` see a database migrated this way as up to date.
 */
export function postgresMigrations(schema?: string): PostgresMigration[] {
  const t = tableNames(schema);
  return STEPS.map((step) => ({
    version: step.version,
    name: step.name,
    sql: `CREATE SCHEMA IF NOT EXISTS "${t.schema}";
CREATE TABLE IF NOT EXISTS ${t.migrations} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
${step.sql(t)}
INSERT INTO ${t.migrations} (version, name) VALUES (${step.version}, '${step.name.replaceAll("'", "''")}');
`,
  }));
}

/**
 * Brings the schema to {@link POSTGRES_SCHEMA_VERSION} in one transaction. Concurrent callers (many
 * app instances starting at once) queue on a transaction-scoped advisory lock; the first applies the
 * missing steps, the others find nothing left to do.
 */
export async function migrateSchema(driver: Driver, t: TableNames): Promise<MigrationResult> {
  return driver.transaction(
    async (session) => {
      await session.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `sms-consent:migrate:${t.schema}`,
      ]);
      const [found] = await session.query<{ schema: boolean; table: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS schema, to_regclass($2) IS NOT NULL AS table`,
        [t.schema, t.migrations],
      );
      if (!found?.schema) await session.exec(`CREATE SCHEMA "${t.schema}"`);
      if (!found?.table) {
        await session.exec(
          `CREATE TABLE ${t.migrations} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
        );
      }
      const rows = await session.query<{ version: number }>(`SELECT version FROM ${t.migrations}`);
      const done = new Set(rows.map((row) => Number(row.version)));
      const newest = Math.max(0, ...done);
      if (newest > POSTGRES_SCHEMA_VERSION) {
        throw newerSchemaError(t.schema, newest);
      }
      const applied: number[] = [];
      for (const step of STEPS) {
        if (done.has(step.version)) continue;
        await session.exec(step.sql(t));
        await session.query(`INSERT INTO ${t.migrations} (version, name) VALUES ($1, $2)`, [
          step.version,
          step.name,
        ]);
        applied.push(step.version);
      }
      return { version: Math.max(newest, ...applied), applied };
    },
    undefined,
    { untimed: true },
  );
}
