import type pg from 'pg';
import { createPostgresStore } from 'sms-consent/postgres';
import { runConsentStoreTests } from 'sms-consent/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runPostgresBehaviourTests } from './behaviour.js';
import {
  createInspector,
  createServerClient,
  createServerPool,
  DATABASE_URL,
  NEEDS_SERVER,
  pgRaw,
  randomSchema,
} from './helpers.js';

const schemas: string[] = [];
function schemaForTest(): string {
  const schema = randomSchema();
  schemas.push(schema);
  return schema;
}

describe.skipIf(!DATABASE_URL)(`PostgreSQL store on a real server (${NEEDS_SERVER})`, () => {
  let pool: pg.Pool;
  let single: pg.Client;
  beforeAll(async () => {
    pool = createServerPool({ max: 10, pipeline: true });
    single = createServerClient();
    await single.connect();
  });
  afterAll(async () => {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await single?.end();
    await pool?.end();
  });

  describe('conformance on a pg Pool (pipeline mode)', () => {
    runConsentStoreTests({
      test,
      expect,
      createStore: async () => {
        const store = createPostgresStore({ client: pool, schema: schemaForTest() });
        await store.migrate();
        return store;
      },
      inspect: (store) => createInspector(pgRaw(pool), store.schema),
    });
  });

  describe('conformance on a single pg Client', () => {
    runConsentStoreTests({
      test,
      expect,
      createStore: async () => {
        const store = createPostgresStore({ client: single, schema: schemaForTest() });
        await store.migrate();
        return store;
      },
      inspect: (store) => createInspector(pgRaw(pool), store.schema),
      concurrency: 50,
      // One connection carries one transaction at a time.
      serialTransactions: true,
    });
  });

  describe('behaviour on a single pg Client', () => {
    runPostgresBehaviourTests({
      client: () => single,
      raw: () => pgRaw(pool),
      sameSession: () => pgRaw(single),
      track: (schema) => schemas.push(schema),
    });
  });

  describe('behaviour on a pg Pool', () => {
    runPostgresBehaviourTests({
      client: () => pool,
      raw: () => pgRaw(pool),
      track: (schema) => schemas.push(schema),
    });
  });
});
