import type pg from 'pg';
import {
  ConsentError,
  type ConsentEvent,
  type ConsentStore,
  createConsentManager,
  type E164,
} from 'sms-consent';
import {
  createPostgresStore,
  POSTGRES_SCHEMA_VERSION,
  type PostgresConsentStore,
  postgresMigrations,
} from 'sms-consent/postgres';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tableNames } from '../../src/postgres/schema.js';
import { phoneLockKey, phoneLockSql } from '../../src/postgres/transaction.js';
import {
  createInspector,
  createServerClient,
  createServerPool,
  DATABASE_URL,
  NEEDS_SERVER,
  pgRaw,
  randomSchema,
} from './helpers.js';

const PHONE = '+14155552671' as E164;
const OTHER = '+14155550123' as E164;

describe.skipIf(!DATABASE_URL)(`PostgreSQL store failures on a real server (${NEEDS_SERVER})`, () => {
  let admin: pg.Pool;
  const schemas: string[] = [];
  const pools: pg.Pool[] = [];

  beforeAll(() => {
    admin = createServerPool({ max: 2 });
  });
  afterAll(async () => {
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    for (const pool of pools) await pool.end();
    await admin?.end();
  });

  /** A store on its own pool whose connections carry a unique application_name, so a test can find and kill them. */
  async function killableStore(
    maxRetries: number,
    chainCacheSize?: number,
  ): Promise<{ store: PostgresConsentStore; application: string; kill: () => Promise<number> }> {
    const schema = randomSchema();
    schemas.push(schema);
    const application = `kill_${schema}`;
    const pool = createServerPool({ max: 2, application_name: application });
    pools.push(pool);
    const store = createPostgresStore({
      client: pool,
      schema,
      maxRetries,
      retryDelayMs: 0,
      ...(chainCacheSize === undefined ? {} : { chainCacheSize }),
    });
    await store.migrate();
    // Waits (up to 5 s) until the killed backend has exited, so the next statement surely fails.
    const kill = async () => {
      const rows = await admin.query(
        `SELECT pg_terminate_backend(pid, 5000) AS killed FROM pg_stat_activity
         WHERE application_name = $1 AND state = 'idle in transaction'`,
        [application],
      );
      return rows.rows.filter((row) => row.killed === true).length;
    };
    return { store, application, kill };
  }

  /** The store, except that its transactions run `afterFn` inside the transaction once `fn` has finished. */
  function withHook(store: ConsentStore, afterFn: () => Promise<void>): ConsentStore {
    return {
      ...store,
      transact: (tenantId, phone, fn) =>
        store.transact(tenantId, phone, async (tx) => {
          const result = await fn(tx);
          await afterFn();
          return result;
        }),
    };
  }

  /** Busy-polls (no timers) until a backend of `application` waits on a lock; returns its pid. */
  async function blockedBackend(application: string): Promise<number> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const { rows } = await admin.query(
        `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
        [application],
      );
      if (rows[0]) return rows[0].pid as number;
    }
    throw new Error(`no backend of ${application} is waiting on a lock`);
  }

  test("a connection killed while its transaction waits on the number's lock is retried: one event, nothing partial", async () => {
    const { store, application } = await killableStore(3);
    const consent = createConsentManager({ store, defaultCountry: 'US' });
    const first = await consent.record({ phone: OTHER, action: 'opt_out', source: 'admin' });
    let attempts = 0;
    const counted = createConsentManager({
      store: {
        ...store,
        transact: (tenantId, phone, fn) =>
          store.transact(tenantId, phone, (tx) => {
            attempts++;
            return fn(tx);
          }),
      },
      defaultCountry: 'US',
    });
    // Another session holds the number's advisory lock, so the inbound transaction waits there.
    const blocker = await admin.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(phoneLockSql(tableNames(store.schema)), [
        phoneLockKey(store.schema, 'default', PHONE as E164),
      ]);
      const pending = counted.handleInbound({ from: PHONE, body: 'STOP', messageId: 'SM-killed' });
      const pid = await blockedBackend(application);
      const killed = await admin.query('SELECT pg_terminate_backend($1, 5000) AS killed', [pid]);
      expect(killed.rows).toEqual([{ killed: true }]);
      await blocker.query('COMMIT');
      const result = await pending;
      // The one-statement write ran the callback first and died waiting for the lock in its
      // statement; nothing of it was committed, so the locked retry ran the callback once more.
      expect(attempts).toBe(2);
      expect(result).toMatchObject({ intent: 'opt_out', changed: true, duplicate: false });
      const inspector = createInspector(pgRaw(admin), store.schema);
      expect(await inspector.events('default')).toEqual([first.event, result.event]);
      expect(await inspector.keyCount('default')).toBe(1);
      expect(await inspector.status('default', PHONE)).toEqual({
        status: 'opted_out',
        causeEventId: result.event?.id,
      });
      expect(await consent.verifyAuditTrail()).toEqual({ ok: true, checked: 2 });
      const again = await consent.handleInbound({ from: PHONE, body: 'STOP', messageId: 'SM-killed' });
      expect(again).toMatchObject({ duplicate: true, event: result.event as ConsentEvent });
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      blocker.release();
    }
  });

  test('a connection killed after the callback, before COMMIT: STORE_FAILURE and nothing written', async () => {
    // The locked way (every write on a store without a chain cache): the callback runs in the transaction.
    const { store, kill } = await killableStore(0, 0);
    let attempts = 0;
    const hooked = withHook(store, async () => {
      attempts++;
      expect(await kill()).toBe(1);
    });
    const consent = createConsentManager({ store: hooked, defaultCountry: 'US' });
    const failure = await consent
      .handleInbound({ from: PHONE, body: 'STOP', messageId: 'SM-doomed' })
      .catch((error: unknown) => error);
    expect(attempts).toBe(1);
    expect(failure).toBeInstanceOf(ConsentError);
    expect(failure).toMatchObject({ code: 'STORE_FAILURE' });
    expect((failure as ConsentError).cause).toBeInstanceOf(Error);
    const inspector = createInspector(pgRaw(admin), store.schema);
    expect(await inspector.events('default')).toEqual([]);
    expect(await inspector.keyCount('default')).toBe(0);
    expect(await inspector.status('default', PHONE)).toBeNull();
    expect(await inspector.jobs()).toEqual([]);
    const heads = await admin.query(`SELECT seq FROM "${store.schema}".chain_heads`);
    expect(heads.rows).toEqual([]);
    // The store is still usable: the next call commits normally.
    const consentAfter = createConsentManager({ store, defaultCountry: 'US' });
    expect(
      await consentAfter.handleInbound({ from: PHONE, body: 'STOP', messageId: 'SM-doomed' }),
    ).toMatchObject({
      changed: true,
      duplicate: false,
    });
  });

  test('four instances migrating at once on separate connections apply each version once', async () => {
    const schema = randomSchema();
    schemas.push(schema);
    const clients = Array.from({ length: 4 }, () => createServerClient());
    await Promise.all(clients.map((client) => client.connect()));
    try {
      const results = await Promise.all(
        clients.map((client) => createPostgresStore({ client, schema }).migrate()),
      );
      const versions = postgresMigrations().map(({ version }) => version);
      expect(results.flatMap((result) => result.applied)).toEqual(versions);
      expect(results.map((result) => result.version)).toEqual(Array(4).fill(POSTGRES_SCHEMA_VERSION));
      const rows = await admin.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
      expect(rows.rows).toEqual(versions.map((version) => ({ version })));
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });
});
