import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { ConsentEvent, ConsentStatusValue, E164 } from 'sms-consent';
import type { StoreInspector, StoreTamperer } from 'sms-consent/testing';

/** The real server the server tests run against; they are skipped when it is not set. */
export const DATABASE_URL = process.env.DATABASE_URL;

/** Why server tests were skipped, in their titles. */
export const NEEDS_SERVER = 'needs DATABASE_URL (scripts/start-postgres.sh prints one)';

/** A fresh schema name per test, so tests share one database without seeing each other. */
export function randomSchema(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

/**
 * A pool on DATABASE_URL. `postgres:///db` (no host, no user) means the local socket as the current
 * user for psql; node-postgres would try TCP on localhost instead, so fill both in.
 */
export function createServerPool(options: pg.PoolConfig = {}): pg.Pool {
  return new pg.Pool({ ...serverConfig(), ...options });
}

/** One connection on DATABASE_URL, not yet connected. */
export function createServerClient(): pg.Client {
  return new pg.Client(serverConfig());
}

function serverConfig(): pg.ClientConfig {
  const url = new URL(DATABASE_URL ?? 'postgres:///postgres');
  return {
    connectionString: DATABASE_URL,
    ...(url.hostname === '' ? { host: process.env.PGHOST ?? '/var/run/postgresql' } : {}),
    ...(url.username === '' ? { user: process.env.PGUSER ?? userInfo().username } : {}),
  };
}

/**
 * The pid of a backend of `application` that waits on a lock, polled until one does (10 s at most):
 * how a test knows a write reached the lock another connection holds.
 */
export async function lockWaiter(admin: pg.Pool, application: string): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { rows } = await admin.query(
      `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
      [application],
    );
    const pid = rows[0]?.pid as number | undefined;
    if (pid !== undefined) return pid;
  }
  throw new Error(`no backend of ${application} waits on a lock`);
}

/** A raw SQL runner that bypasses the store. */
export type RawQuery = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** Raw SQL on a pg pool or client. */
export function pgRaw(client: pg.Pool | pg.Client): RawQuery {
  return async (text, params) => (await client.query(text, params)).rows;
}

/** Raw SQL on PGlite. */
export function pgliteRaw(db: PGlite): RawQuery {
  return async (text, params) => (await db.query<Record<string, unknown>>(text, params)).rows;
}

const EPOCH_MS = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`;
const iso = (ms: unknown): string => new Date(Number(ms)).toISOString();

/**
 * The suite's independent reads: plain SQL on the tables, its own column list and its own
 * timestamp conversion (epoch milliseconds), sharing no code with the adapter's reads.
 */
export function createInspector(raw: RawQuery, schema: string): StoreInspector {
  const q = (table: string) => `"${schema}"."${table}"`;
  return {
    async events(tenantId) {
      const rows = await raw(
        `SELECT id, tenant_id, phone, action, source, ${EPOCH_MS('occurred_at')} AS occurred_ms,
           ${EPOCH_MS('recorded_at')} AS recorded_ms, applied, reason, idempotency_key, evidence, seq, prev_hash, hash,
           mac, chain
         FROM ${q('events')} WHERE tenant_id = $1 ORDER BY chain DESC, phone, seq, id`,
        [tenantId],
      );
      return rows.map(
        (row): ConsentEvent => ({
          id: row.id as string,
          tenantId: row.tenant_id as string,
          phone: row.phone as E164,
          action: row.action as ConsentEvent['action'],
          source: row.source as ConsentEvent['source'],
          occurredAt: iso(row.occurred_ms),
          recordedAt: iso(row.recorded_ms),
          applied: row.applied as boolean,
          ...(row.reason === null ? {} : { reason: row.reason as 'requires_sms_opt_in' }),
          ...(row.idempotency_key === null ? {} : { idempotencyKey: row.idempotency_key as string }),
          evidence: row.evidence as ConsentEvent['evidence'],
          seq: Number(row.seq),
          prevHash: row.prev_hash as string | null,
          hash: row.hash as string,
          ...(row.mac === null ? {} : { mac: row.mac as string }),
          ...(row.chain === 'tenant' ? { chain: 'tenant' as const } : {}),
        }),
      );
    },
    async status(tenantId, phone) {
      const [row] = await raw(
        `SELECT status, cause_event_id FROM ${q('statuses')} WHERE tenant_id = $1 AND phone = $2`,
        [tenantId, phone],
      );
      if (!row) return null;
      const status = row.status as ConsentStatusValue;
      return row.cause_event_id === null
        ? { status }
        : { status, causeEventId: row.cause_event_id as string };
    },
    async keyCount(tenantId) {
      const [row] = await raw(`SELECT count(*) AS n FROM ${q('idempotency_keys')} WHERE tenant_id = $1`, [
        tenantId,
      ]);
      return Number(row?.n ?? 0);
    },
    async jobs() {
      const rows = await raw(
        `SELECT id, tenant_id, phone, kind, event_id, ${EPOCH_MS('created_at')} AS created_ms, state, attempts,
           ${EPOCH_MS('available_at')} AS available_ms, last_error, lease_token, ${EPOCH_MS('lease_until')} AS lease_ms
         FROM ${q('outbox_jobs')} ORDER BY available_at, id`,
      );
      return rows.map((row) => ({
        id: row.id as string,
        tenantId: row.tenant_id as string,
        phone: row.phone as E164,
        kind: row.kind as string,
        eventId: row.event_id as string,
        createdAt: iso(row.created_ms),
        state: row.state as 'pending' | 'dead',
        attempts: Number(row.attempts),
        availableAt: iso(row.available_ms),
        ...(row.last_error === null ? {} : { lastError: row.last_error as string }),
        ...(row.lease_token === null ? {} : { leaseToken: row.lease_token as string }),
        ...(row.lease_ms === null ? {} : { leaseUntil: iso(row.lease_ms) }),
      }));
    },
    async reviews(tenantId) {
      const rows = await raw(
        `SELECT id, key, state, resolution->>'decision' AS decision FROM ${q('reviews')} WHERE tenant_id = $1 ORDER BY id`,
        [tenantId],
      );
      return rows.map((row) => ({
        id: row.id as string,
        key: row.key as string,
        state: row.state as 'open' | 'resolved',
        ...(row.decision === null ? {} : { decision: row.decision as string }),
      }));
    },
  };
}

/**
 * The audit group's tampering as plain SQL, meant to run as the app's own (non-superuser) role that
 * owns the schema: status rows and new events directly; edits of events and snapshots with the
 * append-only trigger disabled for the statement, which a table owner may do.
 */
export function createTamperer(raw: RawQuery, schema: string): StoreTamperer {
  const q = (table: string) => `"${schema}"."${table}"`;
  const withoutTrigger = async (table: string, trigger: string, statement: string, params: unknown[]) => {
    await raw(`ALTER TABLE ${q(table)} DISABLE TRIGGER ${trigger}`);
    try {
      await raw(statement, params);
    } finally {
      await raw(`ALTER TABLE ${q(table)} ENABLE TRIGGER ${trigger}`);
    }
  };
  // The unique index on a number chain's places refuses a twin or a swap; its owner can drop it.
  const dropPlaceIndex = () => raw(`DROP INDEX IF EXISTS "${schema}".events_number_seq_key`);
  const eventValues = (event: ConsentEvent): unknown[] => [
    event.tenantId,
    event.seq,
    event.id,
    event.phone,
    event.action,
    event.source,
    event.occurredAt,
    event.recordedAt,
    event.applied,
    event.reason ?? null,
    event.idempotencyKey ?? null,
    JSON.stringify(event.evidence),
    event.prevHash,
    event.hash,
    event.mac ?? null,
    event.chain ?? 'number',
  ];
  return {
    async writeStatusRow(tenantId, row) {
      await raw(
        `INSERT INTO ${q('statuses')} (tenant_id, phone, status, since, cause_event_id, last_event_id, head_seq, head_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (tenant_id, phone) DO UPDATE SET status = EXCLUDED.status, since = EXCLUDED.since,
           cause_event_id = EXCLUDED.cause_event_id, last_event_id = EXCLUDED.last_event_id,
           head_seq = EXCLUDED.head_seq, head_hash = EXCLUDED.head_hash`,
        [
          tenantId,
          row.phone,
          row.status,
          row.since ?? null,
          row.causeEventId ?? null,
          row.lastEventId ?? null,
          row.head?.seq ?? null,
          row.head?.hash ?? null,
        ],
      );
    },
    async deleteStatusRow(tenantId, phone) {
      await raw(`DELETE FROM ${q('statuses')} WHERE tenant_id = $1 AND phone = $2`, [tenantId, phone]);
    },
    async insertEvent(event) {
      await dropPlaceIndex();
      await raw(
        `INSERT INTO ${q('events')} (tenant_id, seq, id, phone, action, source, occurred_at, recorded_at, applied,
           reason, idempotency_key, evidence, prev_hash, hash, mac, chain)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::text::jsonb, $13, $14, $15, $16)`,
        eventValues(event),
      );
    },
    async updateEvent(tenantId, eventId, event) {
      await dropPlaceIndex();
      await withoutTrigger(
        'events',
        'events_append_only',
        `UPDATE ${q('events')} SET tenant_id = $1, seq = $2, id = $3, phone = $4, action = $5, source = $6,
           occurred_at = $7, recorded_at = $8, applied = $9, reason = $10, idempotency_key = $11,
           evidence = $12::text::jsonb, prev_hash = $13, hash = $14, mac = $15, chain = $16
         WHERE tenant_id = $17 AND id = $18`,
        [...eventValues(event), tenantId, eventId],
      );
    },
    async deleteEvent(tenantId, eventId) {
      await withoutTrigger(
        'events',
        'events_append_only',
        `DELETE FROM ${q('events')} WHERE tenant_id = $1 AND id = $2`,
        [tenantId, eventId],
      );
    },
    async updateSnapshotHead(tenantId, checkpointId, head) {
      await withoutTrigger(
        'checkpoint_heads',
        'checkpoint_heads_append_only',
        `UPDATE ${q('checkpoint_heads')} SET seq = $4, hash = $5
         WHERE tenant_id = $1 AND checkpoint_id = $2 AND phone = $3`,
        [tenantId, checkpointId, head.phone, head.seq, head.hash],
      );
    },
  };
}
