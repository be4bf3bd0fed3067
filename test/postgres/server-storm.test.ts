import type pg from 'pg';
import { createConsentManager, type E164 } from 'sms-consent';
import { createPostgresStore } from 'sms-consent/postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServerPool, DATABASE_URL, NEEDS_SERVER, randomSchema } from './helpers.js';

const NUMBERS = Array.from({ length: 6 }, (_, index) => `+1415555${String(1000 + index)}` as E164);

/** A deterministic pseudo-random sequence (so a failure can be run again the same way). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/**
 * Three app instances (three pools, three chain caches, each stale about what the others wrote) on
 * one server, writing a few numbers at once: texts delivered to one instance or to two at the same
 * time, opt-ins and opt-outs of the admin. Afterwards every chain is whole, every text is one event,
 * every status row is the fold of its events, and a checkpoint verifies.
 */
describe.skipIf(!DATABASE_URL)(`three instances writing the same numbers at once (${NEEDS_SERVER})`, () => {
  let admin: pg.Pool;
  const pools: pg.Pool[] = [];
  const schema = randomSchema();

  beforeAll(() => {
    admin = createServerPool({ max: 2 });
  });
  afterAll(async () => {
    for (const pool of pools) await pool.end();
    await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin?.end();
  });

  test('no fork, gap or duplicate; one event per text; status rows are the fold; checkpoint verifies', async () => {
    const auditKey = 'storm-audit-key-of-at-least-32-characters';
    const managers = [0, 1, 2].map((index) => {
      const pool = createServerPool({ max: 3, pipeline: index !== 2 });
      pools.push(pool);
      const store = createPostgresStore({ client: pool, schema, retryDelayMs: 1, maxRetries: 10 });
      return { store, consent: createConsentManager({ store, defaultCountry: 'US', auditKey }) };
    });
    await managers[0]?.store.migrate();
    const next = random(14);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const texts = new Map<string, E164>();
    const work: Promise<unknown>[] = [];
    const sealed: Promise<Awaited<ReturnType<(typeof managers)[number]['consent']['checkpoint']>>>[] = [];
    for (let round = 0; round < 240; round++) {
      const phone = pick(NUMBERS);
      const kind = next();
      if (kind < 0.6) {
        const messageId = `SM-${round}`;
        texts.set(`msg:${messageId}`, phone);
        const body = next() < 0.5 ? 'STOP' : 'START';
        const targets = next() < 0.4 ? [pick(managers), pick(managers)] : [pick(managers)];
        for (const { consent } of targets) work.push(consent.handleInbound({ from: phone, body, messageId }));
      } else {
        const action = kind < 0.8 ? 'opt_in' : 'opt_out';
        work.push(pick(managers).consent.record({ phone, action, source: 'admin' }));
      }
      // Checkpoints sealed while writes are in flight: each must be a prefix of the final ledger.
      if (round % 40 === 20) sealed.push(pick(managers).consent.checkpoint());
      if (round % 12 === 11) await Promise.all(work.splice(0));
    }
    await Promise.all(work);

    const { rows: places } = await admin.query(
      `SELECT phone, count(*)::int AS n, count(DISTINCT seq)::int AS places, min(seq)::int AS first, max(seq)::int AS last
       FROM "${schema}".events GROUP BY phone ORDER BY phone`,
    );
    for (const row of places) {
      expect(row).toMatchObject({ places: row.n, first: 1, last: row.n });
    }
    const { rows: keyed } = await admin.query(
      `SELECT k.key, e.phone, e.idempotency_key FROM "${schema}".idempotency_keys k
       LEFT JOIN "${schema}".events e ON e.tenant_id = k.tenant_id AND e.id = k.event_id`,
    );
    expect(keyed).toHaveLength(texts.size);
    for (const row of keyed) {
      expect(row).toMatchObject({ phone: texts.get(row.key), idempotency_key: row.key });
    }
    const { rows: perText } = await admin.query(
      `SELECT idempotency_key, count(*)::int AS n FROM "${schema}".events
       WHERE idempotency_key IS NOT NULL GROUP BY idempotency_key HAVING count(*) > 1`,
    );
    expect(perText).toEqual([]);
    const consent = managers[1]?.consent as (typeof managers)[number]['consent'];
    const checkpoint = await consent.checkpoint();
    expect(checkpoint.numbers).toBe(NUMBERS.length);
    expect(await consent.verifyAuditTrail({ checkpoint })).toMatchObject({ ok: true });
    for (const earlier of await Promise.all(sealed)) {
      expect(await consent.verifyAuditTrail({ checkpoint: earlier })).toMatchObject({ ok: true });
    }
    expect(sealed).toHaveLength(6);
    // Every instance answers what the ledger folds to, whatever its cache held.
    for (const phone of NUMBERS) {
      const statuses = await Promise.all(managers.map((each) => each.consent.getStatus(phone)));
      expect(new Set(statuses.map((status) => status.status)).size).toBe(1);
    }
  });
});
