import type pg from 'pg';
import { createConsentManager, type E164 } from 'sms-consent';
import { createTwilioWebhook } from 'sms-consent/express';
import { createPostgresStore, type PostgresStoreOptions } from 'sms-consent/postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AUTH_TOKEN, postSigned, type RunningApp, startApp } from '../express/harness.js';
import { inboundParams } from '../twilio/fixtures.js';
import { createServerClient, createServerPool, DATABASE_URL, NEEDS_SERVER, randomSchema } from './helpers.js';

const PHONE = '+14155552671' as E164;
const phoneOf = (index: number) => `+1415555${String(4000 + index)}` as E164;

describe.skipIf(!DATABASE_URL)(`one tenant's stalled writes on a real server (${NEEDS_SERVER})`, () => {
  let admin: pg.Pool;
  const schemas: string[] = [];
  const pools: pg.Pool[] = [];
  const apps: RunningApp[] = [];

  beforeAll(() => {
    admin = createServerPool({ max: 2 });
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const pool of pools) await pool.end();
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin?.end();
  });

  async function setup(options: Omit<PostgresStoreOptions, 'client'>, max = 4) {
    const schema = randomSchema();
    schemas.push(schema);
    const pool = createServerPool({ max });
    pools.push(pool);
    const store = createPostgresStore({ ...options, client: pool, schema });
    await store.migrate();
    const consent = createConsentManager({ store, defaultCountry: 'US' });
    await consent.record({ phone: PHONE, action: 'opt_out', source: 'admin', tenantId: 'stuck' });
    /** Holds the tenant's chain head from another session, as a long admin transaction would. */
    const holdChain = async (tenantId: string): Promise<() => Promise<void>> => {
      const client = createServerClient();
      await client.connect();
      await client.query('BEGIN');
      await client.query(`SELECT 1 FROM "${schema}".chain_heads WHERE tenant_id = $1 FOR UPDATE`, [tenantId]);
      return async () => {
        await client.query('ROLLBACK');
        await client.end();
      };
    };
    return { consent, holdChain };
  }

  test('a write stuck behind a held lock fails after lockTimeoutMs; the webhook answers 500 and the retry lands', async () => {
    const { consent, holdChain } = await setup({ lockTimeoutMs: 300 });
    const hook = createTwilioWebhook({
      consent,
      authToken: AUTH_TOKEN,
      tenant: 'stuck',
      onError: () => {},
    });
    const app = await startApp((server) => server.post('/twilio/inbound', hook.inbound));
    apps.push(app);
    const params = inboundParams({ From: phoneOf(1), Body: 'STOP' });
    const release = await holdChain('stuck');
    let answered: Response;
    try {
      const failure = await consent
        .record({ phone: phoneOf(2), action: 'opt_out', source: 'admin', tenantId: 'stuck' })
        .catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: 'STORE_FAILURE', cause: { code: '55P03' } });
      answered = await postSigned({ target: `${app.origin}/twilio/inbound`, params });
    } finally {
      await release();
    }
    expect(answered.status).toBe(500);
    const retried = await postSigned({ target: `${app.origin}/twilio/inbound`, params });
    expect(retried.status).toBe(200);
    expect((await consent.canSend(phoneOf(1), { tenantId: 'stuck' })).allowed).toBe(false);
    expect(await consent.history(phoneOf(2), { tenantId: 'stuck' })).toEqual([]);
  });

  test('other tenants read and write while one tenant’s writes wait on its held chain', async () => {
    // No timeout to rescue the others here: only the per-tenant share of the pool keeps them going.
    const { consent, holdChain } = await setup({ lockTimeoutMs: 0, queueTimeoutMs: 60_000 }, 4);
    const release = await holdChain('stuck');
    const stuck = Array.from({ length: 8 }, (_, index) =>
      consent.record({ phone: phoneOf(10 + index), action: 'opt_out', source: 'admin', tenantId: 'stuck' }),
    );
    try {
      for (let index = 0; index < 5; index++) {
        const tenantId = `busy-${index}`;
        const { status } = await consent.record({
          phone: PHONE,
          action: 'opt_out',
          source: 'admin',
          tenantId,
        });
        expect(status.status).toBe('opted_out');
        expect((await consent.canSend(PHONE, { tenantId })).allowed).toBe(false);
        expect((await consent.partitionRecipients([PHONE, phoneOf(1)], { tenantId })).sendable).toEqual([
          phoneOf(1),
        ]);
      }
      // The stuck tenant's own reads do not wait for its writes either.
      expect((await consent.canSend(PHONE, { tenantId: 'stuck' })).allowed).toBe(false);
    } finally {
      await release();
    }
    const written = await Promise.all(stuck);
    expect(written.map((outcome) => outcome.event.seq).sort((a, b) => a - b)).toEqual([
      2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(await consent.verifyAuditTrail({ tenantId: 'stuck' })).toEqual({ ok: true, checked: 9 });
  });
});
