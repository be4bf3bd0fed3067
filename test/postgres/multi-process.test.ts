import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { createConsentManager, type E164, type InboundMessage } from 'sms-consent';
import { createPostgresStore } from 'sms-consent/postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { foldConsent } from '../../src/consent/rules.js';
import type { WorkerJob, WorkerReport } from './fixtures/inbound-worker.js';
import { createServerPool, DATABASE_URL, NEEDS_SERVER, randomSchema } from './helpers.js';

const WORKERS = 4;
const PHONES = Array.from({ length: 50 }, (_, index) => `+1415555${String(6000 + index)}` as E164);
const UNIQUE = 1600;
const DUPLICATES = 400;
const OPT_OUT = ['STOP', 'stop', 'Stop.', 'UNSUBSCRIBE', 'cancel', 'END', 'QUIT', 'STOPALL', 'Opt out'];
const OPT_IN = ['START', 'start', 'UNSTOP', 'YES'];
const WORKER = fileURLToPath(new URL('./fixtures/inbound-worker.ts', import.meta.url));

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** 1,600 distinct STOP/START texts for 50 numbers, received in random order, plus 400 redeliveries. */
function makeMessages(): InboundMessage[] {
  const random = seeded(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const base = Date.UTC(2026, 2, 1);
  const unique: InboundMessage[] = Array.from({ length: UNIQUE }, (_, index) => ({
    from: pick(PHONES),
    to: '+18005550100',
    body: random() < 0.55 ? pick(OPT_OUT) : pick(OPT_IN),
    messageId: `SM-mp-${index}`,
    receivedAt: new Date(base + Math.floor(random() * 86_400_000)).toISOString(),
  }));
  const all = [...unique, ...Array.from({ length: DUPLICATES }, () => pick(unique))];
  for (let index = all.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [all[index], all[other]] = [all[other] as InboundMessage, all[index] as InboundMessage];
  }
  return all;
}

function runWorker(schema: string, messages: InboundMessage[]): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, SMS_CONSENT_SCHEMA: schema },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let report: WorkerReport | undefined;
    child.once('message', (message) => {
      report = message as WorkerReport;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      report ? resolve(report) : reject(new Error(`worker exited with ${code} before reporting`)),
    );
    child.send({ messages } satisfies WorkerJob);
  });
}

describe.skipIf(!DATABASE_URL)(`PostgreSQL store across processes (${NEEDS_SERVER})`, () => {
  let pool: pg.Pool;
  const schema = randomSchema();
  beforeAll(() => {
    pool = createServerPool({ max: 4 });
  });
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  test(`${WORKERS} processes, 2,000 mixed, duplicated, out-of-order texts: statuses fold, keys unique, chain verifies`, async () => {
    const store = createPostgresStore({ client: pool, schema });
    await store.migrate();
    const messages = makeMessages();
    const shares = Array.from({ length: WORKERS }, (_, worker) =>
      messages.filter((_, index) => index % WORKERS === worker),
    );
    const reports = await Promise.all(shares.map((share) => runWorker(schema, share)));
    for (const report of reports) expect(report).toMatchObject({ ok: true });
    const handled = reports.reduce((sum, report) => sum + (report.ok ? report.handled : 0), 0);
    const duplicates = reports.reduce((sum, report) => sum + (report.ok ? report.duplicates : 0), 0);
    expect(handled).toBe(UNIQUE + DUPLICATES);
    expect(duplicates).toBe(DUPLICATES);

    let events = 0;
    for (const phone of PHONES) {
      const ledger = await store.getEvents('default', phone);
      const fold = foldConsent(ledger);
      const status = await store.getStatus('default', phone);
      expect(status?.status ?? 'unknown', phone).toBe(fold.status);
      expect(status?.cause?.id, phone).toBe(fold.cause?.id);
      expect(status?.lastEvent?.id, phone).toBe(fold.lastEvent?.id);
      events += ledger.length;
    }
    expect(events).toBe(UNIQUE);

    const q = (table: string) => `"${schema}"."${table}"`;
    const twice = await pool.query(
      `SELECT idempotency_key FROM ${q('events')} GROUP BY idempotency_key HAVING count(*) > 1 OR idempotency_key IS NULL`,
    );
    expect(twice.rows).toEqual([]);
    const keys = await pool.query(
      `SELECT count(*)::int AS claimed, count(e.id)::int AS matched FROM ${q('idempotency_keys')} k
       LEFT JOIN ${q('events')} e ON e.id = k.event_id AND e.idempotency_key = k.key`,
    );
    expect(keys.rows).toEqual([{ claimed: UNIQUE, matched: UNIQUE }]);

    const consent = createConsentManager({ store, defaultCountry: 'US' });
    expect(await consent.verifyAuditTrail()).toEqual({ ok: true, checked: UNIQUE });
  }, 120_000);
});
