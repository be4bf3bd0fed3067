import { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import {
  type ConsentStore,
  CrmRequestError,
  createConsentManager,
  createMemoryStore,
  type HistoryMessage,
} from 'sms-consent';
import { createPostgresStore, type PostgresClient } from 'sms-consent/postgres';
import { createFakeCrm, createFixedClock } from 'sms-consent/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServerPool, DATABASE_URL, NEEDS_SERVER, randomSchema } from '../postgres/helpers.js';

const FIRM = '+18005550100';
const MINUTE = 60_000;

/** CRM sync and backfill on the PostgreSQL store: the outbox, leases and idempotency keys in SQL. */
function runOnPostgres(client: () => PostgresClient, schemas: string[]): void {
  async function store(): Promise<ConsentStore> {
    const schema = randomSchema();
    schemas.push(schema);
    const created = createPostgresStore({ client: client(), schema });
    await created.migrate();
    return created;
  }

  test('an opt-out syncs to the CRM through the SQL outbox, surviving an hour of CRM outage', async () => {
    const clock = createFixedClock('2026-03-02T14:00:00Z');
    const crm = createFakeCrm({ now: () => clock.now().getTime() });
    const ids = ['+14155552671', '(415) 555-2671'].map((phone) => crm.addContact({ phone }));
    const sqlStore = await store();
    const consent = createConsentManager({
      store: sqlStore,
      crm,
      clock,
      defaultCountry: 'US',
      crmSync: { random: () => 0.5 },
    });
    await consent.handleInbound({ from: '+14155552671', to: FIRM, body: 'STOP', messageId: 'SMpg1' });
    crm.setFailure(() => new CrmRequestError('down', { status: 503 }));
    for (let minute = 0; minute < 60; minute += 5) {
      expect((await consent.sync()).dead).toBe(0);
      clock.advance(5 * MINUTE);
    }
    crm.setFailure(null);
    clock.advance(60 * MINUTE);
    expect(await consent.sync()).toMatchObject({ synced: 1, contactsWritten: 2 });
    for (const id of ids) expect(crm.contact(id)?.smsConsent).toBe('opted_out');
    expect(await sqlStore.listJobs({ state: 'pending', limit: 10 })).toEqual([]);
  });

  test('backfill ends in the same state as on the memory store, and again is all duplicates', async () => {
    const history: HistoryMessage[] = Array.from({ length: 120 }, (_, index) => ({
      id: `SMpgb${index}`,
      direction: index % 7 === 0 ? ('outbound' as const) : ('inbound' as const),
      from: index % 7 === 0 ? FIRM : `+1415555${String(1000 + (index % 9))}`,
      to: index % 7 === 0 ? `+1415555${String(1000 + (index % 9))}` : FIRM,
      body: ['STOP', 'START', 'hello', 'stop texting me', 'yes'][index % 5] as string,
      sentAt: new Date(Date.UTC(2026, 0, 1) + (index % 13) * MINUTE),
      errorCode: index % 21 === 0 ? 21610 : null,
    }));
    const clock = createFixedClock('2026-06-01T00:00:00Z');
    const onPostgres = createConsentManager({ store: await store(), clock, defaultCountry: 'US' });
    const inMemory = createConsentManager({ store: createMemoryStore(), clock, defaultCountry: 'US' });
    const first = await onPostgres.backfill(history, { batchSize: 16 });
    await inMemory.backfill(history, { batchSize: 16 });
    const phones = [
      ...new Set(history.map((message) => (message.direction === 'inbound' ? message.from : message.to))),
    ];
    for (const phone of phones) {
      const [a, b] = [await onPostgres.getStatus(phone), await inMemory.getStatus(phone)];
      expect([a.status, a.since, a.cause?.evidence.messageId]).toEqual([
        b.status,
        b.since,
        b.cause?.evidence.messageId,
      ]);
    }
    expect(await onPostgres.backfill(history)).toMatchObject({ recorded: 0, duplicates: first.recorded });
    expect(await onPostgres.verifyAuditTrail()).toMatchObject({ ok: true, checked: first.recorded });
  });
}

describe('CRM sync and backfill on PGlite', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db?.close();
  });
  runOnPostgres(() => db, []);
});

describe.skipIf(!DATABASE_URL)(`CRM sync and backfill on a real PostgreSQL server (${NEEDS_SERVER})`, () => {
  let pool: pg.Pool;
  const schemas: string[] = [];
  beforeAll(() => {
    pool = createServerPool({ max: 10 });
  });
  afterAll(async () => {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool?.end();
  });
  runOnPostgres(() => pool, schemas);
});
