import { PGlite } from '@electric-sql/pglite';
import { createConsentManager } from 'sms-consent';
import { createPostgresStore, POSTGRES_SCHEMA_VERSION, postgresMigrations } from 'sms-consent/postgres';
import { runConsentStoreTests } from 'sms-consent/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runPostgresBehaviourTests } from './behaviour.js';
import { createInspector, createTamperer, pgliteRaw, randomSchema } from './helpers.js';

// One PGlite for the whole file (it takes seconds to start); every test gets its own schema.
let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create();
});
afterAll(async () => {
  await db?.close();
});

describe('PostgreSQL store on PGlite: conformance', () => {
  runConsentStoreTests({
    test,
    expect,
    createStore: async () => {
      const store = createPostgresStore({ client: db, schema: randomSchema() });
      await store.migrate();
      return store;
    },
    inspect: (store) => createInspector(pgliteRaw(db), store.schema),
    serialTransactions: true,
  });
});

describe('PostgreSQL store on PGlite: audit, tampered by the app role (no superuser)', () => {
  // Its own PGlite: everything here runs as a non-superuser role that owns the schemas it migrates.
  let appDb: PGlite;
  beforeAll(async () => {
    appDb = await PGlite.create();
    await appDb.exec(
      `CREATE ROLE sms_app NOSUPERUSER; GRANT CREATE ON DATABASE postgres TO sms_app; SET ROLE sms_app`,
    );
    const [row] = (await appDb.query<{ su: string }>(`SELECT current_setting('is_superuser') AS su`)).rows;
    expect(row?.su).toBe('off');
  });
  afterAll(async () => {
    await appDb?.close();
  });
  runConsentStoreTests({
    test,
    expect,
    createStore: async () => {
      const store = createPostgresStore({ client: appDb, schema: randomSchema() });
      await store.migrate();
      return store;
    },
    inspect: (store) => createInspector(pgliteRaw(appDb), store.schema),
    tamper: (store) => createTamperer(pgliteRaw(appDb), store.schema),
    skip: ['ledger', 'idempotency', 'ordering', 'concurrency', 'tenants', 'reads', 'confirmation', 'outbox'],
  });
});

describe('PostgreSQL store on PGlite: behaviour', () => {
  runPostgresBehaviourTests({ client: () => db, raw: () => pgliteRaw(db), sameSession: () => pgliteRaw(db) });

  test('concurrent migrate() calls apply each version once', async () => {
    const schema = randomSchema();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => createPostgresStore({ client: db, schema }).migrate()),
    );
    expect(results.flatMap((result) => result.applied)).toEqual(
      postgresMigrations().map(({ version }) => version),
    );
    expect(results.every((result) => result.version === POSTGRES_SCHEMA_VERSION)).toBe(true);
  });

  test('postgresMigrations() gives the same schema as SQL for an external migration tool', async () => {
    const schema = randomSchema();
    const migrations = postgresMigrations(schema);
    expect(migrations.map((migration) => migration.version).at(-1)).toBe(POSTGRES_SCHEMA_VERSION);
    for (const migration of migrations) await db.exec(migration.sql);
    const store = createPostgresStore({ client: db, schema });
    expect(await store.migrate()).toEqual({ version: POSTGRES_SCHEMA_VERSION, applied: [] });
    const consent = createConsentManager({ store, defaultCountry: 'US' });
    await consent.handleInbound({ from: '+14155552671', body: 'STOP', messageId: 'SM-external' });
    expect((await consent.getStatus('+14155552671')).status).toBe('opted_out');
    expect(await consent.verifyAuditTrail()).toEqual({ ok: true, checked: 1 });
  });
});
