import { userInfo } from 'node:os';
import type { ConsentEvent, E164 } from 'sms-consent';
import type { PostgresClient, PostgresConsentStore } from 'sms-consent/postgres';
import { createIdGenerator, sealEvent } from 'sms-consent/store';

/** Raw SQL on the benchmark's database. */
export type Raw = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

const SEED_BATCH = 5_000;

/** The database a PostgreSQL benchmark runs on. */
export interface Backend {
  readonly name: string;
  readonly client: PostgresClient;
  readonly raw: Raw;
  readonly close: () => Promise<void>;
}

/** A real server when DATABASE_URL is set (a `pg` Pool), else an in-memory PGlite. */
export async function openBackend(options: {
  readonly max: number;
  readonly pipeline?: boolean;
  /** The server connections' `application_name`, to find their backends (`serverCpu`). */
  readonly applicationName?: string;
}): Promise<Backend> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const { default: pg } = await import('pg');
    const parsed = new URL(url);
    const pool = new pg.Pool({
      connectionString: url,
      max: options.max,
      pipeline: options.pipeline ?? false,
      ...(options.applicationName === undefined ? {} : { application_name: options.applicationName }),
      ...(parsed.hostname === '' ? { host: '/var/run/postgresql' } : {}),
      ...(parsed.username === '' ? { user: userInfo().username } : {}),
    });
    const raw: Raw = async (text, params) => (await pool.query(text, params)).rows;
    const [version] = await raw('SHOW server_version');
    return {
      name: `PostgreSQL ${String(version?.server_version)} (pg Pool)`,
      client: pool,
      raw,
      close: () => pool.end(),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create();
  const raw: Raw = async (text, params) => (await db.query<Record<string, unknown>>(text, params)).rows;
  return { name: 'PGlite (in memory)', client: db, raw, close: () => db.close() };
}

/**
 * The seeding fast path (bench only): valid opt-out events, each the first of its number's chain,
 * and their status rows with the chain heads, written straight into the tables, 5,000 per statement
 * (one statement per batch, so each batch is atomic).
 */
export async function seedOptOuts(
  raw: Raw,
  store: PostgresConsentStore,
  phones: readonly E164[],
  tenantId: string,
): Promise<void> {
  const q = (table: string) => `"${store.schema}"."${table}"`;
  const ids = createIdGenerator();
  const at = '2026-03-01T12:00:00.000Z';
  for (let start = 0; start < phones.length; start += SEED_BATCH) {
    const events: ConsentEvent[] = phones.slice(start, start + SEED_BATCH).map((phone) => {
      return sealEvent(
        {
          id: ids('evt'),
          tenantId,
          phone,
          action: 'opt_out',
          source: 'import',
          occurredAt: at,
          recordedAt: at,
          applied: true,
          evidence: { note: 'bench seed' },
        },
        null,
      );
    });
    await raw(
      `WITH batch AS (
         SELECT * FROM jsonb_to_recordset($1::text::jsonb) AS e("tenantId" text, seq bigint, id text, phone text,
           action text, source text, "occurredAt" timestamptz, "recordedAt" timestamptz, applied boolean, evidence jsonb,
           "prevHash" text, hash text)),
       appended AS (
         INSERT INTO ${q('events')} (tenant_id, seq, id, phone, action, source, occurred_at, recorded_at, applied,
           evidence, prev_hash, hash)
         SELECT "tenantId", seq, id, phone, action, source, "occurredAt", "recordedAt", applied, evidence, "prevHash", hash
         FROM batch),
       statuses AS (
         INSERT INTO ${q('statuses')} (tenant_id, phone, status, since, cause_event_id, last_event_id, head_seq, head_hash)
         SELECT "tenantId", phone, 'opted_out', "occurredAt", id, id, seq, hash FROM batch)
       SELECT 1`,
      [JSON.stringify(events)],
    );
  }
}
