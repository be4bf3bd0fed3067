import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { createPostgresStore } from 'sms-consent/postgres';
import { runConsentStoreTests } from 'sms-consent/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createInspector,
  createServerPool,
  createTamperer,
  DATABASE_URL,
  NEEDS_SERVER,
  pgRaw,
  randomSchema,
} from './helpers.js';

// The app's own role: no superuser, owner of the schemas it migrates (as `store.migrate()` at startup
// makes it). The store and the tampering both run as that role.
const ROLE = `sms_app_${randomBytes(4).toString('hex')}`;
const schemas: string[] = [];

describe.skipIf(!DATABASE_URL)(`audit on a real server, tampered by the app role (${NEEDS_SERVER})`, () => {
  let admin: pg.Pool;
  let app: pg.Pool;
  beforeAll(async () => {
    admin = createServerPool({ max: 1 });
    const [database] = (await admin.query('SELECT current_database() AS name')).rows;
    await admin.query(`CREATE ROLE ${ROLE} NOSUPERUSER NOCREATEROLE NOCREATEDB`);
    await admin.query(`GRANT CREATE ON DATABASE "${database.name}" TO ${ROLE}`);
    app = createServerPool({ max: 6, pipeline: true, options: `-c role=${ROLE}` });
    const [who] = (await app.query(`SELECT current_user AS name, current_setting('is_superuser') AS su`))
      .rows;
    expect(who).toEqual({ name: ROLE, su: 'off' });
  });
  afterAll(async () => {
    for (const schema of schemas) await app?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await app?.end();
    const [database] = (await admin.query('SELECT current_database() AS name')).rows;
    await admin.query(`REVOKE CREATE ON DATABASE "${database.name}" FROM ${ROLE}`);
    await admin.query(`DROP ROLE IF EXISTS ${ROLE}`);
    await admin?.end();
  });

  runConsentStoreTests({
    test,
    expect,
    createStore: async () => {
      const schema = randomSchema();
      schemas.push(schema);
      const store = createPostgresStore({ client: app, schema });
      await store.migrate();
      return store;
    },
    inspect: (store) => createInspector(pgRaw(app), store.schema),
    tamper: (store) => createTamperer(pgRaw(app), store.schema),
    skip: ['ledger', 'idempotency', 'ordering', 'concurrency', 'tenants', 'reads', 'confirmation', 'outbox'],
  });
});
