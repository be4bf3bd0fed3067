import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { ConsentEvent, ConsentStatusValue, E164 } from 'sms-consent';
import type { StoreInspector } from 'sms-consent/testing';

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
           ${EPOCH_MS('recorded_at')} AS recorded_ms, applied, reason, idempotency_key, evidence, seq, prev_hash, hash
         FROM ${q('events')} WHERE tenant_id = $1 ORDER BY seq`,
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
