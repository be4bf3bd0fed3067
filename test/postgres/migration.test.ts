import { PGlite } from '@electric-sql/pglite';
import { type ConsentEvent, createConsentManager, type E164 } from 'sms-consent';
import { createPostgresStore, postgresMigrations } from 'sms-consent/postgres';
import { hashEvent } from 'sms-consent/store';
import { createFixedClock } from 'sms-consent/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTamperer, pgliteRaw, randomSchema } from './helpers.js';

let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create();
});
afterAll(async () => {
  await db?.close();
});

const PHONES = ['+14155552671', '+14155550123', '+14155552671', '+14155550777'] as E164[];

/**
 * A schema-1 ledger as releases before per-number chains wrote it: one chain over the whole tenant,
 * its head in chain_heads, status rows without heads.
 */
async function legacyLedger(schema: string): Promise<ConsentEvent[]> {
  const [first] = postgresMigrations(schema);
  await db.exec(first?.sql ?? '');
  const q = (table: string) => `"${schema}"."${table}"`;
  const events: ConsentEvent[] = [];
  let prev: string | null = null;
  for (const [index, phone] of PHONES.entries()) {
    const at = new Date(Date.UTC(2025, 0, 1, 12, index)).toISOString();
    const content = {
      id: `evt_legacy_${index}`,
      tenantId: 'default',
      phone,
      action: index === 2 ? ('opt_in' as const) : ('opt_out' as const),
      source: 'sms' as const,
      occurredAt: at,
      recordedAt: at,
      applied: true,
      evidence: { messageId: `SM-legacy-${index}`, body: index === 2 ? 'START' : 'STOP' },
    };
    const hash = hashEvent(content, index + 1, prev, 'tenant');
    events.push({ ...content, seq: index + 1, prevHash: prev, hash, chain: 'tenant' });
    await db.query(
      `INSERT INTO ${q('events')} (tenant_id, seq, id, phone, action, source, occurred_at, recorded_at, applied, evidence, prev_hash, hash)
       VALUES ('default', $1, $2, $3, $4, $5, $6, $6, true, $7::text::jsonb, $8, $9)`,
      [
        index + 1,
        content.id,
        phone,
        content.action,
        content.source,
        at,
        JSON.stringify(content.evidence),
        prev,
        hash,
      ],
    );
    prev = hash;
  }
  await db.query(`INSERT INTO ${q('chain_heads')} (tenant_id, seq, hash) VALUES ('default', 4, $1)`, [prev]);
  const statuses: [E164, string, string][] = [
    ['+14155552671' as E164, 'opted_in', 'evt_legacy_2'],
    ['+14155550123' as E164, 'opted_out', 'evt_legacy_1'],
    ['+14155550777' as E164, 'opted_out', 'evt_legacy_3'],
  ];
  for (const [phone, status, cause] of statuses) {
    const event = events.find((known) => known.id === cause) as ConsentEvent;
    await db.query(
      `INSERT INTO ${q('statuses')} (tenant_id, phone, status, since, cause_event_id, last_event_id)
       VALUES ('default', $1, $2, $3, $4, $4)`,
      [phone, status, event.occurredAt, cause],
    );
  }
  return events;
}

describe('migrating a tenant-chained ledger (schema 1) to per-number chains', () => {
  test('the old chain keeps verifying as a prefix; new events go on number chains; nothing is rewritten', async () => {
    const schema = randomSchema();
    const legacy = await legacyLedger(schema);
    const store = createPostgresStore({ client: db, schema });
    expect(await store.migrate()).toEqual({ version: 5, applied: [2, 3, 4, 5] });
    expect(await store.readLedger('default', { limit: 10 })).toEqual(legacy);
    const clock = createFixedClock('2026-03-02T14:00:00Z');
    const consent = createConsentManager({ store, clock, defaultCountry: 'US' });
    expect(await consent.verifyAuditTrail()).toEqual({ ok: true, checked: 4 });

    await consent.handleInbound({ from: '+14155552671', body: 'STOP', messageId: 'SM-new-1' });
    await consent.handleInbound({ from: '+14155559999', body: 'STOP', messageId: 'SM-new-2' });
    const newest = (await store.getEvents('default', '+14155552671' as E164)).at(-1);
    expect(newest).toMatchObject({ seq: 1, prevHash: null });
    expect(newest?.chain).toBeUndefined();
    expect((await consent.getStatus('+14155552671')).status).toBe('opted_out');
    expect(await store.getChainHead('default')).toEqual({ seq: 4, hash: legacy[3]?.hash });
    expect(await store.readLedger('default', { limit: 4 })).toEqual(legacy);

    const checkpoint = await consent.checkpoint();
    expect(checkpoint).toMatchObject({ numbers: 2, events: 6, legacy: { seq: 4, hash: legacy[3]?.hash } });
    expect(await consent.verifyAuditTrail({ checkpoint })).toEqual({
      ok: true,
      checked: 6,
      signature: 'none',
    });

    // The prefix is still proved: an edit of an old event and a rewrite of the frozen head are named.
    const tamperer = createTamperer(pgliteRaw(db), schema);
    const old = legacy[1] as ConsentEvent;
    await tamperer.updateEvent('default', old.id, { ...old, evidence: { body: 'hello' } });
    expect((await consent.verifyAuditTrail()).brokenAt).toMatchObject({ seq: 2, problem: 'hash_mismatch' });
    await tamperer.updateEvent('default', old.id, old);
    await db.query(`UPDATE "${schema}".chain_heads SET seq = 3, hash = $1`, [legacy[2]?.hash]);
    expect((await consent.verifyAuditTrail()).brokenAt).toMatchObject({ problem: 'head_mismatch' });
    expect((await consent.verifyAuditTrail({ checkpoint })).findings).toEqual([
      { seq: 4, problem: 'head_mismatch' },
    ]);
  });
});

describe('a legacy number whose status row was deleted by raw SQL', () => {
  // The number's only history is on the tenant chain: a write that never saw it must not take it
  // for a number without events (an opt-in the person did not text would then lift their STOP).
  for (const chainCacheSize of [10_000, 0]) {
    test(`a new event is folded over the legacy history (chainCacheSize ${chainCacheSize})`, async () => {
      const schema = randomSchema();
      await legacyLedger(schema);
      const store = createPostgresStore({ client: db, schema, chainCacheSize });
      await store.migrate();
      const stopped = '+14155550123' as E164;
      await db.query(`DELETE FROM "${schema}".statuses WHERE phone = $1`, [stopped]);
      const clock = createFixedClock('2026-03-02T14:00:00Z');
      const consent = createConsentManager({ store, clock, defaultCountry: 'US' });
      const written = await consent.record({ phone: stopped, action: 'opt_in', source: 'admin' });
      expect(written).toMatchObject({ applied: false, reason: 'requires_sms_opt_in' });
      expect((await consent.getStatus(stopped)).status).toBe('opted_out');
      expect(await consent.canSend(stopped)).toMatchObject({ allowed: false });
      const events = await store.getEvents('default', stopped);
      expect(
        events.map((event) => [event.action, event.applied, event.chain ?? 'number', event.seq]),
      ).toEqual([
        ['opt_out', true, 'tenant', 2],
        ['opt_in', false, 'number', 1],
      ]);
      expect(await consent.verifyAuditTrail()).toMatchObject({ ok: true });
    });
  }
});
