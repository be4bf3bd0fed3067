import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ConsentError, createConsentManager, type E164 } from 'sms-consent';
import { createPostgresStore } from 'sms-consent/postgres';
import { sealEvent } from 'sms-consent/store';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tableNames } from '../../src/postgres/schema.js';
import { phoneLockKey, phoneLockSql } from '../../src/postgres/transaction.js';
import { createServerPool, DATABASE_URL, lockWaiter, NEEDS_SERVER, randomSchema } from './helpers.js';

const PHONE = '+14155552671' as E164;

/**
 * A socket proxy in front of the real server. Once armed, the first connection that sends a COMMIT
 * has its answers held back: the server runs (and commits) what it was sent, the client never hears
 * it, and its connection is cut once `committed` says so. That is a network that fails after the
 * server's answer left it: the client cannot know whether the COMMIT it sent took effect.
 */
function createAnswerEatingProxy(target: string) {
  const folder = mkdtempSync(join(tmpdir(), 'pg-proxy-'));
  const sockets = new Set<net.Socket>();
  let armed: ((cut: () => void) => void) | undefined;
  const server = net.createServer((client) => {
    const upstream = net.connect({ path: target });
    sockets.add(client).add(upstream);
    let eating = false;
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      if (armed && chunk.includes('COMMIT')) {
        const onCut = armed;
        armed = undefined;
        eating = true;
        onCut(() => {
          client.destroy();
          upstream.destroy();
        });
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!eating) client.write(chunk);
    });
    for (const socket of [client, upstream]) {
      socket.on('error', () => undefined);
      socket.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  return {
    folder,
    listen: () => new Promise<void>((resolve) => server.listen(join(folder, '.s.PGSQL.5432'), resolve)),
    /** The next COMMIT's answers are eaten; `cutWhen` decides when its connection is cut. */
    arm(cutWhen: () => Promise<void>) {
      armed = (cut) => {
        void cutWhen().then(cut);
      };
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

describe.skipIf(!DATABASE_URL)(
  `a write whose answer is lost after the server committed it (${NEEDS_SERVER})`,
  () => {
    const url = new URL(DATABASE_URL ?? 'postgres:///postgres');
    const host = url.hostname === '' ? '/var/run/postgresql' : decodeURIComponent(url.hostname);
    const proxy = createAnswerEatingProxy(join(host, `.s.PGSQL.${url.port || 5432}`));
    let admin: pg.Pool;
    const pools: pg.Pool[] = [];
    const schemas: string[] = [];

    beforeAll(async () => {
      admin = createServerPool({ max: 2 });
      await proxy.listen();
    });
    afterAll(async () => {
      for (const pool of pools) await pool.end().catch(() => undefined);
      for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin?.end();
      await proxy.close();
    });

    /** A connection holding PHONE's lock in `schema`, in an open transaction, as a stalled writer would. */
    async function holdNumberLock(schema: string): Promise<pg.PoolClient> {
      const blocker = await admin.connect();
      await blocker.query('BEGIN');
      await blocker.query(phoneLockSql(tableNames(schema)), [phoneLockKey(schema, 'default', PHONE)]);
      return blocker;
    }

    /** A store on a pipelining pool whose connections go through the proxy. */
    async function proxiedStore(chainCacheSize: number) {
      const schema = randomSchema();
      schemas.push(schema);
      const pool = new pg.Pool({
        host: proxy.folder,
        database: decodeURIComponent(url.pathname.slice(1)) || 'postgres',
        user: decodeURIComponent(url.username) || process.env.PGUSER || userInfo().username,
        max: 2,
        pipeline: true,
      } as pg.PoolConfig);
      pool.on('error', () => undefined);
      pools.push(pool);
      const store = createPostgresStore({ client: pool, schema, retryDelayMs: 0, chainCacheSize });
      await store.migrate();
      const count = async () =>
        Number((await admin.query(`SELECT count(*) AS n FROM "${schema}".events`)).rows[0]?.n);
      // The connection is cut only once the server has committed the write it was sent.
      const armAfterCommit = (committed: number) =>
        proxy.arm(async () => {
          const deadline = Date.now() + 10_000;
          while ((await count()) < committed && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        });
      return { store, count, armAfterCommit };
    }

    /** The server committed the write; the client was never told: it must say so, not write it again. */
    function expectUnknownOutcome(outcome: unknown): void {
      expect(outcome).toBeInstanceOf(ConsentError);
      expect(outcome).toMatchObject({ code: 'STORE_FAILURE' });
      expect((outcome as Error).message).toMatch(/outcome is unknown/);
    }

    for (const chainCacheSize of [10_000, 0]) {
      test(`a recorded opt-out answers that its outcome is unknown (chainCacheSize ${chainCacheSize})`, async () => {
        const { store, count, armAfterCommit } = await proxiedStore(chainCacheSize);
        const consent = createConsentManager({ store, defaultCountry: 'US' });
        armAfterCommit(1);
        const outcome = await consent
          .record({ phone: PHONE, action: 'opt_out', source: 'admin' })
          .catch((error: unknown) => error);
        expect(await count()).toBe(1);
        expectUnknownOutcome(outcome);
        expect(await consent.verifyAuditTrail()).toMatchObject({ ok: true, checked: 1 });
      });

      test(`a transaction whose callback makes its event is not run again (chainCacheSize ${chainCacheSize})`, async () => {
        const { store, count, armAfterCommit } = await proxiedStore(chainCacheSize);
        const consent = createConsentManager({ store, defaultCountry: 'US' });
        // A known chain (one event written before), so the one-statement way is taken when enabled.
        await consent.record({ phone: PHONE, action: 'opt_in', source: 'admin' });
        armAfterCommit(2);
        let runs = 0;
        const outcome = await store
          .transact('default', PHONE, async (tx) => {
            runs++;
            const at = new Date().toISOString();
            const event = sealEvent(
              {
                id: `evt_${randomUUID()}`,
                tenantId: 'default',
                phone: PHONE,
                action: 'opt_out',
                source: 'admin',
                occurredAt: at,
                recordedAt: at,
                applied: true,
                evidence: {},
              },
              await tx.chainHead(),
            );
            await tx.append(event);
            await tx.putStatus({
              status: 'opted_out',
              since: at,
              causeEventId: event.id,
              lastEventId: event.id,
            });
          })
          .catch((error: unknown) => error);
        expect(await count()).toBe(2);
        expectUnknownOutcome(outcome);
        expect(runs).toBe(1);
        expect(await consent.verifyAuditTrail()).toMatchObject({ ok: true, checked: 2 });
      });
    }

    test('a pipelined one-statement write killed while it waits for the lock is run again: one event', async () => {
      const schema = randomSchema();
      schemas.push(schema);
      const application = `lost_${schema}`;
      const pool = createServerPool({ max: 2, pipeline: true, application_name: application });
      pool.on('error', () => undefined);
      pools.push(pool);
      const store = createPostgresStore({ client: pool, schema, retryDelayMs: 0 });
      await store.migrate();
      const consent = createConsentManager({ store, defaultCountry: 'US' });
      const blocker = await holdNumberLock(schema);
      try {
        const pending = consent.handleInbound({ from: PHONE, body: 'STOP', messageId: 'SM-pipelined' });
        const pid = await lockWaiter(admin, application);
        // The server answers the waiting statement with an error (57P01) before it closes: nothing committed.
        await admin.query('SELECT pg_terminate_backend($1, 5000)', [pid]);
        await blocker.query('COMMIT');
        expect(await pending).toMatchObject({ intent: 'opt_out', changed: true, duplicate: false });
        const events = await admin.query(`SELECT id FROM "${schema}".events`);
        expect(events.rows).toHaveLength(1);
        expect(await consent.verifyAuditTrail()).toMatchObject({ ok: true, checked: 1 });
      } finally {
        await blocker.query('ROLLBACK').catch(() => undefined);
        blocker.release();
      }
    });

    test('a pipelined one-statement write cancelled by statement_timeout writes nothing; its text lands once later', async () => {
      const schema = randomSchema();
      schemas.push(schema);
      const pool = createServerPool({ max: 2, pipeline: true });
      pools.push(pool);
      const store = createPostgresStore({ client: pool, schema, lockTimeoutMs: 0, statementTimeoutMs: 300 });
      await store.migrate();
      const consent = createConsentManager({ store, defaultCountry: 'US' });
      const blocker = await holdNumberLock(schema);
      try {
        const failure = await consent
          .handleInbound({ from: PHONE, body: 'STOP', messageId: 'SM-slow' })
          .catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(ConsentError);
        expect((failure as ConsentError).cause).toMatchObject({ code: '57014' });
        const counts = await admin.query(
          `SELECT (SELECT count(*) FROM "${schema}".events)::int AS events,
           (SELECT count(*) FROM "${schema}".idempotency_keys)::int AS keys,
           (SELECT count(*) FROM "${schema}".statuses)::int AS statuses,
           (SELECT count(*) FROM "${schema}".outbox_jobs)::int AS jobs`,
        );
        expect(counts.rows).toEqual([{ events: 0, keys: 0, statuses: 0, jobs: 0 }]);
      } finally {
        await blocker.query('ROLLBACK').catch(() => undefined);
        blocker.release();
      }
      const again = await consent.handleInbound({ from: PHONE, body: 'STOP', messageId: 'SM-slow' });
      expect(again).toMatchObject({ duplicate: false, changed: true });
      expect(await consent.verifyAuditTrail()).toMatchObject({ ok: true, checked: 1 });
    });
  },
);
