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
import { type Bench, formatRate, type Measurement, ratio, seededRandom } from './harness.js';

// `npm run bench -- backfill`: PostgreSQL is a real server when DATABASE_URL is set, else PGlite.
const RECORDS = Number(process.env.BACKFILL_RECORDS ?? 1_000_000);
const NUMBERS = 50_000;
const OPTIONS = { batchSize: 1000, concurrency: 8 } as const;
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
  const result = await consent.backfill(readTwilioBulkExport(path), OPTIONS);
  const seconds = (performance.now() - started) / 1000;
  const measurement: Measurement = { name, ops: result.read, seconds, perSecond: result.read / seconds };
  return { measurement, result };
}

const describe = (result: BackfillResult) =>
  `${result.read.toLocaleString('en-US')} read, ${result.recorded.toLocaleString('en-US')} events written ` +
  `(opt_out ${result.intents.opt_out}, opt_in ${result.intents.opt_in}, help ${result.intents.help}, ` +
  `21610 ${result.deliveryErrors}), ${result.changed} status changes`;

/** Rounds of the runs in turns (default 5); each round's runs are compared with the baselines around them. */
const ROUNDS = Number(process.env.BACKFILL_ROUNDS ?? 5);

interface Run {
  readonly name: string;
  /** Untimed, before each round of `fn` (a fresh store). */
  readonly setup?: () => Promise<void>;
  /** The timed work; returns the records read. */
  readonly fn: () => Promise<number>;
}

async function timeRun(run: Run): Promise<number> {
  await run.setup?.();
  global.gc?.();
  const started = performance.now();
  const read = await run.fn();
  if (read !== RECORDS) throw new Error(`${run.name}: read ${read} of ${RECORDS}`);
  return (performance.now() - started) / 1000;
}

/**
 * `ROUNDS` rounds of the baseline, then every other run; one more baseline closes the last round.
 * A run is compared with the mean of the baselines just before and just after its round, so a
 * change of the machine's load (other processes come and go over seconds) hits a run and its
 * baseline alike. Returns each run's fastest round, and per run the median over the rounds of its
 * ratio to its round's baseline.
 */
async function paired(
  baselineRun: Run,
  runs: readonly Run[],
): Promise<{ best: Measurement[]; medians: number[]; ratios: number[][] }> {
  const baselines = [await timeRun(baselineRun)];
  const seconds = runs.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [position, run] of runs.entries()) seconds[position]?.push(await timeRun(run));
    baselines.push(await timeRun(baselineRun));
  }
  const around = (round: number) => ((baselines[round] as number) + (baselines[round + 1] as number)) / 2;
  const ratios = seconds.map((times) => times.map((time, round) => around(round) / time));
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] as number;
  const fastest = (name: string, times: number[]): Measurement => {
    const best = Math.min(...times);
    return { name, ops: RECORDS, seconds: best, perSecond: RECORDS / best };
  };
  return {
    best: [
      fastest(baselineRun.name, baselines),
      ...runs.map((run, at) => fastest(run.name, seconds[at] as number[])),
    ],
    medians: ratios.map(median),
    ratios,
  };
}

const bench: Bench = async () => {
  const folder = mkdtempSync(join(tmpdir(), 'sms-consent-backfill-bench-'));
  try {
    const path = join(folder, 'messages-2026-03-02.json.gz');
    await writeExport(path, RECORDS);
    const size = statSync(path).size;
    const postgres = await openPostgres();
    let memoryResult: BackfillResult | undefined;
    let pgResult: BackfillResult | undefined;
    let store: ConsentStore | undefined;
    let runs: Awaited<ReturnType<typeof paired>>;
    let rerun: Awaited<ReturnType<typeof timeBackfill>>;
    try {
      // One warm-up of the parse and of a backfill, so no round pays for JIT and first connections.
      await rawParse(path);
      await timeBackfill('warm-up', path, await postgres.store());
      runs = await paired({ name: 'baseline: gunzip + JSON.parse, same file', fn: () => rawParse(path) }, [
        {
          name: 'readTwilioBulkExport alone (no consent work)',
          fn: async () => {
            let read = 0;
            for await (const _message of readTwilioBulkExport(path)) read++;
            return read;
          },
        },
        {
          name: 'backfill → memory store',
          fn: async () => {
            const consent = createConsentManager({ store: createMemoryStore(), defaultCountry: 'US' });
            memoryResult = await consent.backfill(readTwilioBulkExport(path), OPTIONS);
            return memoryResult.read;
          },
        },
        {
          name: `backfill → ${postgres.name}`,
          // A fresh, migrated store each round, made before the clock starts.
          setup: async () => {
            store = await postgres.store();
          },
          fn: async () => {
            const consent = createConsentManager({ store: store as ConsentStore, defaultCountry: 'US' });
            pgResult = await consent.backfill(readTwilioBulkExport(path), OPTIONS);
            return pgResult.read;
          },
        },
      ]);
      rerun = await timeBackfill(
        `backfill again (all duplicates) → ${postgres.name}`,
        path,
        store as ConsentStore,
      );
    } finally {
      await postgres.close();
    }
    const [baseline, reader, memory, pg] = runs.best as [Measurement, Measurement, Measurement, Measurement];
    const [readerRatio, memoryRatio, pgRatio] = runs.medians as [number, number, number];
    const pgRounds = (runs.ratios[2] as number[]).map((value) => value.toFixed(2)).join(', ');
    return {
      title: `Backfill of a ${RECORDS.toLocaleString('en-US')}-record Twilio Bulk Export file (${(size / 2 ** 20).toFixed(1)} MiB gzip)`,
      rows: [baseline, reader, memory, pg, rerun.measurement],
      notes: [
        `memory: ${describe(memoryResult as BackfillResult)}`,
        `${postgres.name}: ${describe(pgResult as BackfillResult)}; second run: ${rerun.result.duplicates} duplicates, ${rerun.result.recorded} written`,
        `median over ${ROUNDS} rounds of the ratio to the baselines around the round: reader ${readerRatio.toFixed(2)}, ` +
          `memory ${memoryRatio.toFixed(2)}, ${postgres.name} ${pgRatio.toFixed(2)} (rounds ${pgRounds}) (target >= 0.35)`,
        `ratio of the fastest rounds: reader ${ratio(reader, baseline)}, memory ${ratio(memory, baseline)}, ` +
          `${postgres.name} ${ratio(pg, baseline)}; all duplicates ${ratio(rerun.measurement, baseline)}`,
        `records/s (fastest round): baseline ${formatRate(baseline.perSecond)}, memory ${formatRate(memory.perSecond)}, ` +
          `${postgres.name} ${formatRate(pg.perSecond)}`,
      ],
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
};

export default bench;
