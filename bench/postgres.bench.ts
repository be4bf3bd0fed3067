import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { createConsentManager, type E164, tryNormalizePhone } from 'sms-consent';
import { createPostgresStore } from 'sms-consent/postgres';
import { type Bench, formatRate, type Measurement, measure, ratio } from './harness.js';
import { openBackend, type Raw, seedOptOuts } from './seed.js';

// `npm run bench -- postgres`: a real server when DATABASE_URL is set (scripts/start-postgres.sh), else PGlite.
const CALLERS = 8;
const RECIPIENTS = 1_000_000;
const OPT_OUTS = 100_000;
/** The tenant of the bulk benchmark, apart from the inbound one. */
const TENANT = 'bulk';
/** `POSTGRES_BENCH=inbound` measures only the inbound writes (the 1M-number reads take minutes). */
const INBOUND_ONLY = process.env.POSTGRES_BENCH === 'inbound';
const AREA_CODES = ['212', '305', '312', '415', '503', '617', '646', '702', '713', '818', '917', '206'];

/** `count` callers at once, each taking the next index until `total` is reached. */
async function concurrently(
  total: number,
  callers: number,
  work: (index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < total) await work(next++);
    }),
  );
}

/** CPU time spent so far, in microseconds: this process, and the server backends of the pool. */
type CpuProbe = () => Promise<{ readonly node: number; readonly server: number | undefined }>;

/**
 * A {@link CpuProbe}: `process.cpuUsage()`, and the run time (`/proc/PID/schedstat`, nanoseconds) of
 * the server backends whose `application_name` is `name`, when the server runs on this machine.
 */
function cpuProbe(raw: Raw, name: string | undefined): CpuProbe {
  return async () => {
    const usage = process.cpuUsage();
    if (name === undefined) return { node: usage.user + usage.system, server: undefined };
    const rows = await raw('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [name]);
    let server = 0;
    for (const row of rows) {
      const text = await readFile(`/proc/${String(row.pid)}/schedstat`, 'utf8').catch(() => undefined);
      if (text === undefined) return { node: usage.user + usage.system, server: undefined };
      server += Number(text.split(' ')[0]) / 1000;
    }
    // Taken after the query, so that the query's own backend time falls outside the round.
    const after = process.cpuUsage();
    return { node: after.user + after.system, server };
  };
}

/** CPU per operation of one run, summed over its rounds. */
interface CpuCount {
  node: number;
  server: number | undefined;
  ops: number;
}

/** Rounds of `first` and `second` in turns (after one warm-up each): each one's fastest round, and second/first per pair. */
async function alternate(
  runs: readonly { readonly name: string; readonly ops: number; readonly fn: () => Promise<unknown> }[],
  rounds: number,
  probe: CpuProbe,
): Promise<{ best: Measurement[]; ratios: number[]; medianRatio: number; cpu: CpuCount[] }> {
  for (const run of runs) await run.fn();
  const best = runs.map(() => Number.POSITIVE_INFINITY);
  const cpu: CpuCount[] = runs.map(() => ({ node: 0, server: 0, ops: 0 }));
  const ratios: number[] = [];
  for (let index = 0; index < rounds; index++) {
    const seconds: number[] = [];
    for (const [position, run] of runs.entries()) {
      const before = await probe();
      const started = performance.now();
      await run.fn();
      seconds.push((performance.now() - started) / 1000);
      const after = await probe();
      best[position] = Math.min(best[position] as number, seconds[position] as number);
      const count = cpu[position] as CpuCount;
      count.node += after.node - before.node;
      count.server =
        count.server === undefined || after.server === undefined || before.server === undefined
          ? undefined
          : count.server + after.server - before.server;
      count.ops += run.ops;
    }
    ratios.push((seconds[0] as number) / (seconds[1] as number));
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  return {
    best: runs.map((run, position) => ({
      name: run.name,
      ops: run.ops,
      seconds: best[position] as number,
      perSecond: run.ops / (best[position] as number),
    })),
    ratios,
    medianRatio: sorted[Math.floor(sorted.length / 2)] as number,
    cpu,
  };
}

/** "Node 412 µs, server 455 µs" per operation. */
function cpuText(count: CpuCount): string {
  const server = count.server === undefined ? 'n/a' : `${Math.round(count.server / count.ops)} µs`;
  return `Node ${Math.round(count.node / count.ops)} µs, server backends ${server}`;
}

/** 1,000,000 distinct US numbers in E.164 (12 area codes × 800 exchanges × lines). */
function makeRecipients(): E164[] {
  return Array.from({ length: RECIPIENTS }, (_, index) => {
    const area = AREA_CODES[index % AREA_CODES.length];
    const exchange = 200 + (Math.floor(index / AREA_CODES.length) % 800);
    const line = String(Math.floor(index / (AREA_CODES.length * 800))).padStart(4, '0');
    return `+1${area}${exchange}${line}` as E164;
  });
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - started) / 1000 };
}

const bench: Bench = async () => {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const server = Boolean(process.env.DATABASE_URL);
  const backend = await openBackend({ max: CALLERS + 2, pipeline: true, applicationName: schema });
  const rows: Measurement[] = [];
  const notes: string[] = [`backend: ${backend.name}; schema ${schema}; ${CALLERS} concurrent callers`];
  try {
    const store = createPostgresStore({ client: backend.client, schema });
    await store.migrate();
    const consent = createConsentManager({ store, defaultCountry: 'US' });
    const events = server ? 4_000 : 1_000;
    await backend.raw(
      `CREATE TABLE "${schema}".scratch (id bigserial PRIMARY KEY, phone text NOT NULL, body text NOT NULL, received_at timestamptz NOT NULL)`,
    );

    let round = 0;
    const inboundRound = (target: typeof consent) => async () => {
      const prefix = 2_000_000 + 10_000 * round++;
      await concurrently(events, CALLERS, (index) =>
        target.handleInbound({
          from: `+1415${prefix + index}`,
          to: '+18005550100',
          body: 'STOP',
          messageId: `SM${round}-${index}`,
        }),
      );
    };
    const inbound = (target: typeof consent, label: string) => measure(label, events, inboundRound(target));
    const insertRound = () =>
      concurrently(events, CALLERS, (index) =>
        backend.raw(`INSERT INTO "${schema}".scratch (phone, body, received_at) VALUES ($1, $2, $3)`, [
          `+1415${2_000_000 + index}`,
          'STOP',
          new Date().toISOString(),
        ]),
      );
    // Baseline and STOP rounds take turns, so a change of the machine's load hits both alike; the
    // ratio of the fastest rounds and the median of the paired rounds are both reported.
    const paired = await alternate(
      [
        { name: 'raw single-row INSERT, same client (baseline)', ops: events, fn: insertRound },
        { name: 'handleInbound STOP, distinct numbers', ops: events, fn: inboundRound(consent) },
      ],
      7,
      cpuProbe(backend.raw, server ? schema : undefined),
    );
    const [baseline, stop] = paired.best as [Measurement, Measurement];
    rows.push(baseline, stop);
    notes.push(
      `ratio inbound/raw INSERT: ${ratio(stop, baseline)} fastest rounds, ${paired.medianRatio.toFixed(2)} median of ` +
        `${paired.ratios.length} paired rounds (${paired.ratios.map((value) => value.toFixed(2)).join(', ')}) (target >= 0.5)`,
      `CPU per operation over the paired rounds: raw INSERT ${cpuText(paired.cpu[0] as CpuCount)}; ` +
        `STOP ${cpuText(paired.cpu[1] as CpuCount)}`,
    );
    if (server) {
      const plain = createPostgresStore({ client: backend.client, schema, groupCommit: true });
      const synchronous = await inbound(
        createConsentManager({ store: plain, defaultCountry: 'US' }),
        'handleInbound STOP, groupCommit: true',
      );
      rows.push(synchronous);
      notes.push(`ratio inbound (groupCommit on)/raw INSERT: ${ratio(synchronous, baseline)}`);
      // The default leaves one tenant all but two connections, so a stuck tenant cannot starve the others.
      const uncapped = createPostgresStore({
        client: backend.client,
        schema,
        maxConnectionsPerTenant: CALLERS + 2,
      });
      const whole = await inbound(
        createConsentManager({ store: uncapped, defaultCountry: 'US' }),
        'handleInbound STOP, one tenant may take the whole pool',
      );
      rows.push(whole);
      notes.push(`ratio inbound (default: pool less two per tenant)/(whole pool): ${ratio(stop, whole)}`);
    }

    if (INBOUND_ONLY) return { title: `PostgreSQL store (${backend.name}), inbound only`, rows, notes };
    const recipients = makeRecipients();
    const optedOut = recipients.filter((_, index) => index % 10 === 3).slice(0, OPT_OUTS);
    const seeded = await timed(() => seedOptOuts(backend.raw, store, optedOut, TENANT));
    notes.push(
      `seeded ${formatRate(optedOut.length)} opt-outs (events + statuses) in ${seeded.seconds.toFixed(2)} s`,
    );

    const statuses = await timed(async () => {
      let blocked = 0;
      for (let start = 0; start < recipients.length; start += 10_000) {
        const chunk = recipients.slice(start, start + 10_000);
        for (const status of (await store.getStatuses(TENANT, chunk)).values())
          if (status === 'opted_out') blocked++;
      }
      return blocked;
    });
    const oneCall = await timed(async () => (await store.getStatuses(TENANT, recipients)).size);
    const normalized = await timed(
      async () => recipients.filter((phone) => tryNormalizePhone(phone) !== null).length,
    );
    const trusted = await timed(() =>
      consent.partitionRecipients(recipients, { tenantId: TENANT, alreadyNormalized: true }),
    );
    const partition = await timed(() => consent.partitionRecipients(recipients, { tenantId: TENANT }));
    const { sendable, blocked, invalid } = partition.value;
    rows.push(
      {
        name: 'store.getStatuses, 1M numbers (chunks of 10k)',
        ops: RECIPIENTS,
        seconds: statuses.seconds,
        perSecond: RECIPIENTS / statuses.seconds,
      },
      {
        name: 'store.getStatuses, 1M numbers in one call (50k/statement)',
        ops: RECIPIENTS,
        seconds: oneCall.seconds,
        perSecond: RECIPIENTS / oneCall.seconds,
      },
      {
        name: 'tryNormalizePhone, 1M E.164 strings',
        ops: RECIPIENTS,
        seconds: normalized.seconds,
        perSecond: RECIPIENTS / normalized.seconds,
      },
      {
        name: 'partitionRecipients, 1M E.164 vs 100k opt-outs, alreadyNormalized',
        ops: RECIPIENTS,
        seconds: trusted.seconds,
        perSecond: RECIPIENTS / trusted.seconds,
      },
      {
        name: 'partitionRecipients, 1M numbers vs 100k opt-outs, full validation',
        ops: RECIPIENTS,
        seconds: partition.seconds,
        perSecond: RECIPIENTS / partition.seconds,
      },
    );
    notes.push(
      `partitionRecipients with alreadyNormalized (E.164 from a database): ${trusted.seconds.toFixed(2)} s (target < 5 s), ` +
        `${formatRate(trusted.value.blocked.length)} blocked`,
      `partitionRecipients with full validation: ${partition.seconds.toFixed(2)} s: ${formatRate(sendable.length)} sendable, ` +
        `${formatRate(blocked.length)} blocked, ${formatRate(invalid.length)} invalid; store part alone ${statuses.seconds.toFixed(2)} s ` +
        `(${formatRate(statuses.value)} blocked), normalization alone ${normalized.seconds.toFixed(2)} s (${formatRate(normalized.value)} valid)`,
    );
  } finally {
    if (server) await backend.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await backend.close();
  }
  return { title: `PostgreSQL store (${backend.name})`, rows, notes };
};

export default bench;
