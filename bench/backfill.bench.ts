import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { finished } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { type BackfillResult, type ConsentStore, createConsentManager, createMemoryStore } from 'sms-consent';
import { createPostgresStore, type PostgresClient } from 'sms-consent/postgres';
import { readTwilioBulkExport } from 'sms-consent/twilio';
import { type Bench, formatRate, type Measurement, measure, ratio, seededRandom } from './harness.js';

// `npm run bench -- backfill`: PostgreSQL is a real server when DATABASE_URL is set, else PGlite.
const RECORDS = Number(process.env.BACKFILL_RECORDS ?? 1_000_000);
const NUMBERS = 50_000;
const FIRM = '+18005550100';
const CHATTER = [
  'Hi, is the 3pm slot still open tomorrow?',
  'Thanks! See you then',
  'Can you send me the address again please',
  "Got it, I'll stop by after work to pick up the forms",
  'What time do you stop serving lunch?',
  'ok',
  'Yes see you at 3',
];
const KEYWORDS = ['STOP', 'stop', 'Stop.', 'START', 'UNSUBSCRIBE', 'please stop texting me', 'HELP', 'yes'];
const OUTBOUND = ['Your appointment is confirmed for Friday at 3pm.', 'Reminder: reply STOP to opt out.'];

/**
 * Writes a Bulk Export day file of `records` Message records (gzip JSON lines): 70% inbound, ~1% of
 * them keywords; 30% outbound, 0.1% of those refused with 21610. Timestamps shuffled within 24 h.
 */
export async function writeExport(path: string, records: number): Promise<void> {
  const random = seededRandom(20260302);
  const gzip = createGzip({ level: 6 });
  const file = createWriteStream(path);
  gzip.pipe(file);
  const start = Date.UTC(2026, 2, 2);
  let buffer = '';
  for (let index = 0; index < records; index++) {
    const phone = `+1415${2_000_000 + Math.floor(random() * NUMBERS)}`;
    const inbound = random() < 0.7;
    const at = new Date(start + Math.floor(random() * 86_400_000)).toISOString();
    const body = inbound
      ? random() < 0.01
        ? (KEYWORDS[Math.floor(random() * KEYWORDS.length)] as string)
        : (CHATTER[Math.floor(random() * CHATTER.length)] as string)
      : (OUTBOUND[Math.floor(random() * OUTBOUND.length)] as string);
    const refused = !inbound && random() < 0.001;
    buffer += `${JSON.stringify({
      sid: `SM${index.toString(16).padStart(32, '0')}`,
      account_sid: `AC${'0'.repeat(32)}`,
      from: inbound ? phone : FIRM,
      to: inbound ? FIRM : phone,
      body,
      direction: inbound ? 'inbound' : 'outbound-api',
      status: inbound ? 'received' : refused ? 'failed' : 'delivered',
      error_code: refused ? 21610 : null,
      num_media: '0',
      messaging_service_sid: null,
      date_created: at,
      date_sent: refused ? null : at,
      date_updated: at,
    })}\n`;
    if (buffer.length > 1 << 20) {
      if (!gzip.write(buffer)) await once(gzip, 'drain');
      buffer = '';
    }
  }
  gzip.end(buffer);
  await finished(file);
}

/** The baseline: gunzip the same file, split it into lines and JSON.parse each — no consent work. */
async function rawParse(path: string): Promise<number> {
  let rest = '';
  let parsed = 0;
  for await (const chunk of createReadStream(path).pipe(createGunzip()).setEncoding('utf8')) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      JSON.parse(text.slice(start, end));
      parsed++;
      start = end + 1;
    }
    rest = text.slice(start);
  }
  return parsed;
}

interface Backend {
  readonly name: string;
  /** A fresh, migrated store. */
  store(): Promise<ConsentStore>;
  close(): Promise<void>;
}

async function openPostgres(): Promise<Backend> {
  const url = process.env.DATABASE_URL;
  let schema = 0;
  const fresh = (client: PostgresClient) => async () => {
    const store = createPostgresStore({ client, schema: `bench_backfill_${process.pid}_${schema++}` });
    await store.migrate();
    return store;
  };
  if (url) {
    const { default: pg } = await import('pg');
    const parsed = new URL(url);
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      ...(parsed.hostname === '' ? { host: '/var/run/postgresql' } : {}),
      ...(parsed.username === '' ? { user: userInfo().username } : {}),
    });
    const cleanup = async () => {
      for (let index = 0; index < schema; index++) {
        await pool.query(`DROP SCHEMA IF EXISTS bench_backfill_${process.pid}_${index} CASCADE`);
      }
      await pool.end();
    };
    return { name: 'PostgreSQL (pg Pool)', store: fresh(pool), close: cleanup };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create();
  return { name: 'PGlite (in memory)', store: fresh(db), close: () => db.close() };
}

/** Times one backfill of the file into a fresh store (the store's setup is not timed). */
async function timeBackfill(name: string, path: string, store: ConsentStore) {
  const consent = createConsentManager({ store, defaultCountry: 'US' });
  global.gc?.();
  const started = performance.now();
  const result = await consent.backfill(readTwilioBulkExport(path), { batchSize: 1000, concurrency: 8 });
  const seconds = (performance.now() - started) / 1000;
  const measurement: Measurement = { name, ops: result.read, seconds, perSecond: result.read / seconds };
  return { measurement, result };
}

const describe = (result: BackfillResult) =>
  `${result.read.toLocaleString('en-US')} read, ${result.recorded.toLocaleString('en-US')} events written ` +
  `(opt_out ${result.intents.opt_out}, opt_in ${result.intents.opt_in}, help ${result.intents.help}, ` +
  `21610 ${result.deliveryErrors}), ${result.changed} status changes`;

const bench: Bench = async () => {
  const folder = mkdtempSync(join(tmpdir(), 'sms-consent-backfill-bench-'));
  try {
    const path = join(folder, 'messages-2026-03-02.json.gz');
    await writeExport(path, RECORDS);
    const size = statSync(path).size;

    const baseline = await measure(
      'baseline: gunzip + JSON.parse, same file',
      RECORDS,
      async () => {
        const parsed = await rawParse(path);
        if (parsed !== RECORDS) throw new Error(`parsed ${parsed} of ${RECORDS}`);
      },
      2,
    );
    const reader = await measure(
      'readTwilioBulkExport alone (no consent work)',
      RECORDS,
      async () => {
        let read = 0;
        for await (const _message of readTwilioBulkExport(path)) read++;
        if (read !== RECORDS) throw new Error(`read ${read} of ${RECORDS}`);
      },
      2,
    );

    let memoryResult: BackfillResult | undefined;
    const memoryRun = await measure(
      'backfill → memory store',
      RECORDS,
      async () => {
        const consent = createConsentManager({ store: createMemoryStore(), defaultCountry: 'US' });
        memoryResult = await consent.backfill(readTwilioBulkExport(path), {
          batchSize: 1000,
          concurrency: 8,
        });
      },
      2,
    );
    const memory = { measurement: memoryRun, result: memoryResult as BackfillResult };

    const postgres = await openPostgres();
    let pg: Awaited<ReturnType<typeof timeBackfill>>;
    let rerun: Awaited<ReturnType<typeof timeBackfill>>;
    try {
      const store = await postgres.store();
      pg = await timeBackfill(`backfill → ${postgres.name}`, path, store);
      rerun = await timeBackfill(`backfill again (all duplicates) → ${postgres.name}`, path, store);
    } finally {
      await postgres.close();
    }

    return {
      title: `Backfill of a ${RECORDS.toLocaleString('en-US')}-record Twilio Bulk Export file (${(size / 2 ** 20).toFixed(1)} MiB gzip)`,
      rows: [baseline, reader, memory.measurement, pg.measurement, rerun.measurement],
      notes: [
        `memory: ${describe(memory.result)}`,
        `${postgres.name}: ${describe(pg.result)}; second run: ${rerun.result.duplicates} duplicates, ${rerun.result.recorded} written`,
        `ratio reader/baseline: ${ratio(reader, baseline)}; memory/baseline: ${ratio(memory.measurement, baseline)}; ` +
          `${postgres.name}/baseline: ${ratio(pg.measurement, baseline)}`,
        `records/s: baseline ${formatRate(baseline.perSecond)}, memory ${formatRate(memory.measurement.perSecond)}, ` +
          `${postgres.name} ${formatRate(pg.measurement.perSecond)}`,
      ],
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
};

export default bench;
