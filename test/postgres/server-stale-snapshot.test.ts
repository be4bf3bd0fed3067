import type pg from 'pg';
import { type ConsentStore, createConsentManager, type E164 } from 'sms-consent';
import { createPostgresStore, postgresMigrations } from 'sms-consent/postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServerPool, DATABASE_URL, lockWaiter, NEEDS_SERVER, randomSchema } from './helpers.js';

const PHONE = '+14155552671' as E164;

/**
 * Two app instances (two pools, two chain caches) on one server. Instance B, which writes the locked
 * way, holds the number's lock while instance A's one-statement write starts: A's statement takes its
 * snapshot, waits for the lock, and finds the status row of before B's commit. Only the unique index
 * on the chain's places (schema 5) stops A from writing a second event on B's place.
 */
describe.skipIf(!DATABASE_URL)(
  `a one-statement write behind another instance's commit (${NEEDS_SERVER})`,
  () => {
    let admin: pg.Pool;
    const pools: pg.Pool[] = [];
    const schemas: string[] = [];

    beforeAll(() => {
      admin = createServerPool({ max: 4 });
    });
    afterAll(async () => {
      for (const pool of pools) await pool.end();
      for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin?.end();
    });

    function instance(schema: string, application: string, chainCacheSize?: number) {
      const pool = createServerPool({ max: 2, pipeline: true, application_name: application });
      pools.push(pool);
      return createPostgresStore({
        client: pool,
        schema,
        retryDelayMs: 0,
        ...(chainCacheSize === undefined ? {} : { chainCacheSize }),
      });
    }

    /** Schema migrated by a team's own tool, up to `version` (the release's SQL, applied in order). */
    async function migratedTo(version: number): Promise<string> {
      const schema = randomSchema();
      schemas.push(schema);
      for (const step of postgresMigrations(schema).filter((each) => each.version <= version)) {
        await admin.query(step.sql);
      }
      return schema;
    }

    for (const version of [5, 4]) {
      test(`no fork of the number's chain on a schema at version ${version}`, async () => {
        const schema = await migratedTo(version);
        const a = instance(schema, `a_${schema}`);
        const b = instance(schema, `b_${schema}`, 0);
        const consentA = createConsentManager({ store: a, defaultCountry: 'US' });
        // A knows the number's chain: its next write goes out as one statement.
        await consentA.record({ phone: PHONE, action: 'opt_in', source: 'admin' });
        let aWrite: Promise<unknown> | undefined;
        const hooked: ConsentStore = {
          ...b,
          transact: (tenantId, phone, fn) =>
            b.transact(tenantId, phone, async (tx) => {
              const result = await fn(tx);
              // B holds the lock; A's statement starts now and waits for it.
              aWrite = consentA.record({ phone: PHONE, action: 'opt_out', source: 'admin' });
              await lockWaiter(admin, `a_${schema}`);
              return result;
            }),
        };
        const consentB = createConsentManager({ store: hooked, defaultCountry: 'US' });
        await consentB.record({ phone: PHONE, action: 'opt_out', source: 'api' });
        await aWrite;
        const { rows } = await admin.query(
          `SELECT seq, count(*)::int AS n FROM "${schema}".events WHERE phone = $1 GROUP BY seq ORDER BY seq`,
          [PHONE],
        );
        expect(rows).toEqual([
          { seq: '1', n: 1 },
          { seq: '2', n: 1 },
          { seq: '3', n: 1 },
        ]);
        const events = await a.getEvents('default', PHONE);
        expect(events.map((event) => event.prevHash)).toEqual([null, events[0]?.hash, events[1]?.hash]);
        expect(await consentA.verifyAuditTrail()).toMatchObject({ ok: true, checked: 3 });
      });
    }
  },
);
