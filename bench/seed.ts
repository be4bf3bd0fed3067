import { type ConsentEvent, createIdGenerator, type E164, sealEvent } from 'sms-consent';
import type { PostgresConsentStore } from 'sms-consent/postgres';

/** Raw SQL on the benchmark's database. */
export type Raw = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

const SEED_BATCH = 5_000;

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
