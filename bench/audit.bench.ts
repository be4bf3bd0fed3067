import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createConsentManager, type E164 } from 'sms-consent';
import { createPostgresStore } from 'sms-consent/postgres';
import { type Bench, formatRate, type Measurement } from './harness.js';
import { openBackend, seedOptOuts } from './seed.js';

// `npm run bench -- audit`: a real server when DATABASE_URL is set, else PGlite.
const NUMBERS = Number(process.env.AUDIT_NUMBERS ?? 1_000_000);
const TENANT = 'audit';
const PAGE = 1000;

/** Samples the process's peak RSS and heap while `work` runs. */
async function withPeakMemory<T>(work: () => Promise<T>) {
  globalThis.gc?.();
  const before = process.memoryUsage();
  let rss = before.rss;
  let heap = before.heapUsed;
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    heap = Math.max(heap, now.heapUsed);
  }, 20);
  const started = performance.now();
  try {
    const value = await work();
    return { value, seconds: (performance.now() - started) / 1000, rss, heap, before };
  } finally {
    clearInterval(timer);
  }
}

const MiB = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

const bench: Bench = async () => {
  const backend = await openBackend({ max: 4 });
  const schema = `bench_audit_${randomBytes(4).toString('hex')}`;
  const rows: Measurement[] = [];
  const notes: string[] = [`backend: ${backend.name}; schema ${schema}`];
  try {
    const store = createPostgresStore({ client: backend.client, schema });
    await store.migrate();
    const phones = Array.from(
      { length: NUMBERS },
      (_, index) => `+1${String(2_000_000_000 + index)}` as E164,
    );
    const seeded = await withPeakMemory(() => seedOptOuts(backend.raw, store, phones, TENANT));
    notes.push(`seeded ${formatRate(NUMBERS)} numbers with one event each in ${seeded.seconds.toFixed(1)} s`);
    await backend.raw(`VACUUM ANALYZE "${schema}".events`);
    await backend.raw(`VACUUM ANALYZE "${schema}".statuses`);
    const consent = createConsentManager({
      store,
      auditKey: { secret: 'bench-audit-secret-0123456789abcdef' },
    });

    // Baseline of checkpoint(): one plain read of every number's head, keyset-paged like the snapshot read.
    const heads = await withPeakMemory(async () => {
      let after = '';
      for (;;) {
        const page = await backend.raw(
          `SELECT phone, head_seq, head_hash FROM "${schema}".statuses WHERE tenant_id = $1 AND phone > $2 ORDER BY phone LIMIT 5000`,
          [TENANT, after],
        );
        if (page.length < 5000) return;
        after = String(page.at(-1)?.phone);
      }
    });
    const checkpoint = await withPeakMemory(() => consent.checkpoint({ tenantId: TENANT }));
    // Baseline of verifyAuditTrail(): one plain keyset-paged read of every event, nothing checked.
    const events = await withPeakMemory(async () => {
      let after = '';
      for (;;) {
        const page = await backend.raw(
          `SELECT phone, seq, id, hash FROM "${schema}".events WHERE tenant_id = $1 AND (phone, seq, id) > ($2, 0, '')
           ORDER BY phone, seq, id LIMIT ${PAGE}`,
          [TENANT, after],
        );
        if (page.length < PAGE) return;
        after = String(page.at(-1)?.phone);
      }
    });
    const verified = await withPeakMemory(() =>
      consent.verifyAuditTrail({ tenantId: TENANT, checkpoint: checkpoint.value }),
    );
    if (!verified.value.ok || verified.value.checked !== NUMBERS) {
      throw new Error(`verify failed: ${JSON.stringify(verified.value).slice(0, 300)}`);
    }
    const row = (name: string, seconds: number): Measurement => ({
      name,
      ops: NUMBERS,
      seconds,
      perSecond: NUMBERS / seconds,
    });
    rows.push(
      row('plain keyset read of every head (baseline)', heads.seconds),
      row(`checkpoint(), ${formatRate(NUMBERS)} numbers`, checkpoint.seconds),
      row('plain keyset read of every event (baseline)', events.seconds),
      row(`verifyAuditTrail({ checkpoint }), ${formatRate(NUMBERS)} events, MACs checked`, verified.seconds),
    );
    notes.push(
      `checkpoint(): ${checkpoint.seconds.toFixed(1)} s (${(heads.seconds / checkpoint.seconds).toFixed(2)}x the plain head read), peak RSS ${MiB(checkpoint.rss)}`,
      `verifyAuditTrail: ${verified.seconds.toFixed(1)} s (${(events.seconds / verified.seconds).toFixed(2)}x the plain event read); ` +
        `heap ${MiB(verified.before.heapUsed)} before, peak ${MiB(verified.heap)}; RSS ${MiB(verified.before.rss)} before, peak ${MiB(verified.rss)}`,
    );
  } finally {
    await backend.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await backend.close();
  }
  return { title: `Audit trail at scale (${backend.name})`, rows, notes };
};

export default bench;
