import {
  ConsentError,
  type ConsentEvent,
  createConsentManager,
  createMemoryStore,
  type E164,
} from 'sms-consent';
import {
  createPostgresStore,
  POSTGRES_SCHEMA_VERSION,
  type PostgresClient,
  type PostgresConsentStore,
  postgresMigrations,
} from 'sms-consent/postgres';
import { createIdGenerator, type PhoneTransaction, sealEvent } from 'sms-consent/store';
import { createFixedClock } from 'sms-consent/testing';
import { expect, test } from 'vitest';
import { foldConsent } from '../../src/consent/rules.js';
import { verifyTenantLedger } from '../../src/ledger/verify.js';
import { createInspector, type RawQuery, randomSchema } from './helpers.js';

/** How the shared PostgreSQL tests reach one backend. */
export interface Backend {
  /** The client the stores are built on. */
  readonly client: () => PostgresClient;
  /** Raw SQL outside the store. */
  readonly raw: () => RawQuery;
  /** Runs SQL on the store's own connection, when it has exactly one (PGlite, a single pg Client). */
  readonly sameSession?: () => RawQuery;
  /** Told every schema a test creates, to drop it afterwards. */
  readonly track?: (schema: string) => void;
}

const PHONE = '+14155552671' as E164;

/** An `api` opt-out of the transaction's number, sealed on its chain head. */
async function sealedOptOut(
  tx: PhoneTransaction,
  id: string,
  evidence: ConsentEvent['evidence'],
  at = '2026-03-02T14:00:00.000Z',
): Promise<ConsentEvent> {
  return sealEvent(
    {
      id,
      tenantId: tx.tenantId,
      phone: tx.phone,
      action: 'opt_out',
      source: 'api',
      occurredAt: at,
      recordedAt: at,
      applied: true,
      evidence,
    },
    await tx.chainHead(),
  );
}

/**
 * Behaviour of the PostgreSQL adapter beyond the conformance suite, run the same way on PGlite and
 * on a real server: exact round trips, the append-only ledger, tamper detection, migrations, errors.
 */
export function runPostgresBehaviourTests(backend: Backend): void {
  function newSchema(): string {
    const schema = randomSchema();
    backend.track?.(schema);
    return schema;
  }

  async function setup(): Promise<{
    store: PostgresConsentStore;
    raw: RawQuery;
    table: (name: string) => string;
  }> {
    const store = createPostgresStore({ client: backend.client(), schema: newSchema() });
    await store.migrate();
    return { store, raw: backend.raw(), table: (name) => `"${store.schema}"."${name}"` };
  }

  test('events round-trip exactly: timestamps, unicode evidence, numbers; the chain verifies', async () => {
    const { store, raw } = await setup();
    if (backend.sameSession) await backend.sameSession()("SET TIME ZONE 'America/Los_Angeles'");
    const clock = createFixedClock('2026-03-02T14:00:00.987Z');
    const consent = createConsentManager({ store, clock, defaultCountry: 'US' });
    const inbound = await consent.handleInbound({
      from: '(415) 555-2671',
      to: '+18005550100',
      body: 'ＳＴＯＰ',
      messageId: 'SM-ünïcode-🛑',
      receivedAt: new Date(Date.UTC(2026, 2, 2, 13, 59, 59, 1)),
    });
    expect(inbound).toMatchObject({ intent: 'opt_out', changed: true });
    // Put back, the claimed confirmation is stored with its window.
    expect(await consent.releaseReply(inbound)).toBe(true);
    const recorded = await consent.record({
      phone: PHONE,
      action: 'opt_in',
      source: 'form',
      occurredAt: '2026-03-02T16:00:00.5+02:00',
      evidence: {
        body: '  "ARRÊT" \\ back\\slash\n new line \t tab 🛑 ＳＴＯＰ  ',
        consentText: 'Yes – text me ✓ <b>&amp;</b>',
        errorCode: 21610,
        note: 'it\'s "quoted" {"json": [1, 2]}',
        contactId: '0',
      },
      actor: 'ops@example.com',
    });
    const events = [inbound.event as ConsentEvent, recorded.event];
    expect(recorded.event.occurredAt).toBe('2026-03-02T14:00:00.500Z');
    for (const event of events) expect(await store.getEvent('default', event.id)).toEqual(event);
    expect(await store.getEvents('default', PHONE)).toEqual(events);
    expect(await createInspector(raw, store.schema).events('default')).toEqual(events);
    const status = await store.getStatus('default', PHONE);
    expect(status?.since).toBe(inbound.event?.occurredAt);
    expect(status?.cause).toEqual(inbound.event);
    expect(status?.lastEvent).toEqual(recorded.event);
    // The confirmation window runs five minutes from the opt-out's receivedAt.
    expect(status?.confirmation?.until).toBe('2026-03-02T14:04:59.001Z');
    expect(await consent.verifyAuditTrail()).toEqual({ ok: true, checked: 2 });
  });

  test('refuses a timestamp it could not give back exactly, and writes nothing', async () => {
    const { store } = await setup();
    const attempt = store.transact('default', PHONE, async (tx) => {
      const draft = {
        id: 'evt_micro',
        tenantId: 'default',
        phone: PHONE,
        action: 'opt_out' as const,
        source: 'api' as const,
        occurredAt: '2026-03-02T14:00:00.123456Z',
        recordedAt: '2026-03-02T14:00:00.123Z',
        applied: true,
        evidence: {},
      };
      await tx.append(sealEvent(draft, await tx.chainHead()));
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'STORE_FAILURE',
      message: expect.stringContaining('occurredAt'),
    });
    expect(await store.readLedger('default', { limit: 10 })).toEqual([]);
  });

  test('records an opt-out whose body PostgreSQL could not store as is (NUL, unpaired surrogate)', async () => {
    const { store } = await setup();
    const consent = createConsentManager({ store, defaultCountry: 'US' });
    const cases = [
      ['STOP\u0000', 'STOP\uFFFD'],
      ['STOP \ud83d', 'STOP \uFFFD'],
    ] as const;
    for (const [index, [body, stored]] of cases.entries()) {
      const { event } = await consent.record({
        phone: `+1415555267${index}`,
        action: 'opt_out',
        source: 'api',
        evidence: { body },
      });
      expect(event.evidence.body).toBe(stored);
      expect(await store.getEvent('default', event.id)).toEqual(event);
    }
    await expect(
      consent.record({ phone: PHONE, action: 'opt_out', source: 'api', idempotencyKey: 'key-\udc00' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await consent.verifyAuditTrail()).toEqual({ ok: true, checked: 2 });
  });

  // Texts outside the event (a job's kind, a status row's confirmation) are not refused: `pg` sends
  // an unpaired surrogate as U+FFFD. The one-statement write carries them in JSON, where PostgreSQL
  // refuses the escaped surrogate; such a write goes the locked way, and the STOP is recorded.
  test('a STOP is recorded when a job kind holds an unpaired surrogate', async () => {
    const { store } = await setup();
    const kind = 'notify_😀'.slice(0, 8);
    const consent = createConsentManager({ store, defaultCountry: 'US', jobsFor: () => [kind] });
    const result = await consent.handleInbound({
      from: PHONE,
      to: '+18005550100',
      body: 'STOP',
      messageId: 'SM-surrogate',
    });
    expect(result.status.status).toBe('opted_out');
    expect(await store.listJobs({ state: 'pending', tenantId: 'default', limit: 10 })).toMatchObject([
      { kind: 'notify_\uFFFD', eventId: result.event?.id },
    ]);
    expect(await consent.verifyAuditTrail()).toEqual({ ok: true, checked: 1 });
  });

  // The one-number and the many-number writes carry status rows and jobs as JSON; both store them
  // as `pg` stores a text parameter (the locked way), U+FFFD for the unpaired surrogate.
  test('status and job texts with an unpaired surrogate are stored alike by every write', async () => {
    const { store } = await setup();
    const ids = createIdGenerator();
    const until = '2026-03-03T14:00:00.000Z';
    const write = async (tx: PhoneTransaction) => {
      const event = await sealedOptOut(tx, ids('evt'), { body: 'STOP' });
      await tx.append(event);
      await tx.putStatus({
        status: 'opted_out',
        since: event.occurredAt,
        causeEventId: event.id,
        lastEventId: event.id,
        confirmation: { text: 'Bye \uD83D', until },
      });
      await tx.enqueue({
        id: ids('job'),
        tenantId: tx.tenantId,
        phone: tx.phone,
        kind: 'notify_\uDE00\uD83D',
        eventId: event.id,
        createdAt: event.recordedAt,
      });
    };
    const other = '+14155552672' as E164;
    await store.transact('default', PHONE, write);
    await store.transactMany?.('default', [other], write);
    for (const phone of [PHONE, other])
      expect((await store.getStatus('default', phone))?.confirmation).toEqual({ text: 'Bye \uFFFD', until });
    const jobs = await store.listJobs({ state: 'pending', tenantId: 'default', limit: 10 });
    expect(jobs.map((job) => [job.phone, job.kind])).toEqual([
      [PHONE, 'notify_\uFFFD\uFFFD'],
      [other, 'notify_\uFFFD\uFFFD'],
    ]);
  });

  test('the store itself refuses text it cannot give back exactly, and writes nothing', async () => {
    const { store } = await setup();
    const ids = createIdGenerator();
    const attempt = store.transact('default', PHONE as E164, async (tx) => {
      const event = await sealedOptOut(tx, ids('evt'), { body: 'STOP\u0000' });
      await tx.append(event);
      await tx.putStatus({ status: 'opted_out', since: event.occurredAt, causeEventId: event.id });
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'STORE_FAILURE',
      message: expect.stringContaining('cannot store exactly'),
    });
    expect(await store.readLedger('default', { limit: 10 })).toEqual([]);
    expect(await store.getStatus('default', PHONE as E164)).toBeNull();
  });

  test('the ledger refuses UPDATE, DELETE and TRUNCATE from raw SQL', async () => {
    const { store, raw, table } = await setup();
    const consent = createConsentManager({ store, defaultCountry: 'US' });
    const { event } = await consent.record({ phone: PHONE, action: 'opt_out', source: 'admin' });
    await expect(
      raw(`UPDATE ${table('events')} SET action = 'opt_in' WHERE id = $1`, [event.id]),
    ).rejects.toThrow(/append-only/);
    await expect(raw(`DELETE FROM ${table('events')} WHERE id = $1`, [event.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(raw(`TRUNCATE ${table('events')}`)).rejects.toThrow(/append-only/);
    expect(await store.getEvents('default', PHONE)).toEqual([event]);
    expect(await consent.verifyAuditTrail()).toEqual({ ok: true, checked: 1 });
  });

  test('tampering past the trigger (edit, delete) is caught by verifyAuditTrail', async () => {
    const { store, raw, table } = await setup();
    const clock = createFixedClock('2026-03-02T14:00:00Z');
    const consent = createConsentManager({ store, clock, defaultCountry: 'US' });
    for (let index = 0; index < 4; index++) {
      clock.advance(1000);
      await consent.record({ phone: PHONE, action: index % 2 ? 'opt_in' : 'opt_out', source: 'api' });
    }
    expect(await consent.verifyAuditTrail()).toEqual({ ok: true, checked: 4 });
    const tamper = async (sql: string) => {
      await raw(`ALTER TABLE ${table('events')} DISABLE TRIGGER events_append_only`);
      try {
        await raw(sql);
      } finally {
        await raw(`ALTER TABLE ${table('events')} ENABLE TRIGGER events_append_only`);
      }
    };
    await tamper(`UPDATE ${table('events')} SET evidence = evidence || '{"note": "edited"}' WHERE seq = 3`);
    expect(await consent.verifyAuditTrail()).toMatchObject({
      ok: false,
      checked: 2,
      brokenAt: { seq: 3, problem: 'hash_mismatch' },
    });
    await tamper(
      `UPDATE ${table('events')} SET occurred_at = occurred_at + interval '1 millisecond' WHERE seq = 2`,
    );
    expect(await consent.verifyAuditTrail()).toMatchObject({
      ok: false,
      brokenAt: { seq: 2, problem: 'hash_mismatch' },
    });
    await tamper(`DELETE FROM ${table('events')} WHERE seq = 1`);
    expect(await consent.verifyAuditTrail()).toMatchObject({
      ok: false,
      checked: 0,
      brokenAt: { seq: 1, problem: 'sequence_gap' },
    });
  });

  test("a second row in the same place of a number's chain, however it got there, is caught as duplicate_seq", async () => {
    const { store, raw, table } = await setup();
    const consent = createConsentManager({ store, defaultCountry: 'US' });
    for (let index = 0; index < 3; index++) {
      await consent.record({ phone: PHONE, action: index % 2 ? 'opt_in' : 'opt_out', source: 'api' });
    }
    // What two writers on one folder would leave behind: a twin of the number's event 2 (the
    // unique index on the chain's places refuses it until its owner drops the index).
    await expect(raw(twinOfSecond(table))).rejects.toThrow(/events_number_seq_key/);
    await raw(`DROP INDEX ${table('events_number_seq_key')}`);
    await raw(twinOfSecond(table));
    expect(await consent.verifyAuditTrail()).toMatchObject({
      ok: false,
      checked: 2,
      brokenAt: { seq: 2, phone: PHONE, problem: 'duplicate_seq' },
    });
  });

  test('deleting the newest events past the trigger is caught against the chain head', async () => {
    const { store, raw, table } = await setup();
    const clock = createFixedClock('2026-03-02T14:00:00Z');
    const consent = createConsentManager({ store, clock, defaultCountry: 'US' });
    for (let index = 0; index < 4; index++) {
      clock.advance(1000);
      await consent.record({ phone: PHONE, action: index % 2 ? 'opt_in' : 'opt_out', source: 'api' });
    }
    const newest = await store.getEvent('default', (await store.getEvents('default', PHONE))[3]?.id ?? '');
    const headOf = async () => (await store.readNumberStates('default', { limit: 1 }))[0]?.head;
    expect(await headOf()).toEqual({ seq: 4, hash: newest?.hash });
    expect(await verifyTenantLedger(store, 'default')).toEqual({ ok: true, checked: 4 });
    const removeNewest = async () => {
      await raw(`ALTER TABLE ${table('events')} DISABLE TRIGGER events_append_only`);
      try {
        await raw(`DELETE FROM ${table('events')} WHERE seq = (SELECT max(seq) FROM ${table('events')})`);
      } finally {
        await raw(`ALTER TABLE ${table('events')} ENABLE TRIGGER events_append_only`);
      }
    };
    await removeNewest();
    expect(await headOf()).toEqual({ seq: 4, hash: newest?.hash });
    expect((await verifyTenantLedger(store, 'default')).brokenAt).toMatchObject({
      phone: PHONE,
      seq: 4,
      problem: 'head_mismatch',
    });
    await removeNewest();
    expect((await verifyTenantLedger(store, 'default')).brokenAt).toMatchObject({
      phone: PHONE,
      seq: 3,
      problem: 'head_mismatch',
    });
  });

  /** A `transactMany` callback that writes one opt-out of the number, claiming `key` first. */
  const optOutIn =
    (key: (phone: E164) => string, fail?: E164) =>
    async (tx: PhoneTransaction): Promise<string> => {
      const id = `evt_${tx.phone.slice(-4)}_${key(tx.phone).length}`;
      const claim = await tx.claimKey(key(tx.phone), id);
      if (!claim.claimed) return `duplicate of ${claim.eventId}`;
      const event = await sealedOptOut(tx, id, { note: 'batch' }, '2026-03-02T12:00:00.000Z');
      const existing = await tx.events();
      expect(existing).toHaveLength(event.seq - 1);
      await tx.append(event);
      const fold = foldConsent([...existing, event]);
      await tx.putStatus({
        status: fold.status,
        ...(fold.cause ? { since: fold.cause.occurredAt, causeEventId: fold.cause.id } : {}),
        ...(fold.lastEvent ? { lastEventId: fold.lastEvent.id } : {}),
      });
      if (tx.phone === fail) throw new Error('callback failed');
      return id;
    };
  const batchPhones = ['+14155550101', '+14155550102', '+14155550103'] as E164[];

  test('transactMany writes many numbers in one transaction, each on its own chain; the ledger verifies', async () => {
    const { store } = await setup();
    const consent = createConsentManager({ store, defaultCountry: 'US' });
    await consent.record({
      phone: batchPhones[1] as E164,
      action: 'opt_in',
      source: 'api',
      occurredAt: '2026-03-01T12:00:00.000Z',
    });
    const results = await store.transactMany?.(
      'default',
      batchPhones,
      optOutIn((phone) => `key-${phone}`),
    );
    expect(results).toEqual(batchPhones.map((phone) => `evt_${phone.slice(-4)}_${`key-${phone}`.length}`));
    for (const phone of batchPhones)
      expect((await store.getStatus('default', phone))?.status).toBe('opted_out');
    expect(
      (await store.getEvents('default', batchPhones[1] as E164)).map((event) => event.seq).sort(),
    ).toEqual([1, 2]);
    expect(await verifyTenantLedger(store, 'default')).toEqual({ ok: true, checked: 4 });
    // The same keys again are duplicates of the first batch, and write nothing.
    const again = await store.transactMany?.(
      'default',
      batchPhones,
      optOutIn((phone) => `key-${phone}`),
    );
    expect(again?.every((result) => result.startsWith('duplicate of evt_'))).toBe(true);
    expect(await verifyTenantLedger(store, 'default')).toEqual({ ok: true, checked: 4 });
  });

  test('transactMany is all or nothing: one failing callback leaves no claim, event or status of any number', async () => {
    const { store, raw, table } = await setup();
    await expect(
      store.transactMany?.(
        'default',
        batchPhones,
        optOutIn((phone) => `key-${phone}`, batchPhones[2]),
      ),
    ).rejects.toThrow('callback failed');
    for (const name of ['events', 'statuses', 'idempotency_keys']) {
      expect(await raw(`SELECT count(*)::int AS n FROM ${table(name)}`)).toEqual([{ n: 0 }]);
    }
    await expect(
      store.transactMany?.(
        'default',
        [PHONE, PHONE],
        optOutIn(() => 'k'),
      ),
    ).rejects.toMatchObject({
      code: 'STORE_FAILURE',
    });
  });

  test('transactMany retries a batch whose key claims the server rolled back, whatever number asked first', async () => {
    const { store, raw, table } = await setup();
    // The first claim statement fails as a serialization failure would; the retry then succeeds.
    // A sequence, as its advance survives the rollback.
    await raw(`CREATE SEQUENCE ${table('fail_once')}`);
    await raw(`CREATE FUNCTION ${table('fail_claim')}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('${table('fail_once')}') = 1 THEN
          RAISE EXCEPTION 'could not serialize access' USING ERRCODE = '40001';
        END IF;
        RETURN NEW;
      END $$`);
    await raw(`CREATE TRIGGER fail_claim BEFORE INSERT ON ${table('idempotency_keys')}
      FOR EACH ROW EXECUTE FUNCTION ${table('fail_claim')}()`);
    const results = await store.transactMany?.('default', batchPhones.slice(0, 2), async (tx) => {
      // The first number reads before it claims, so its next statement comes after the failed claim.
      if (tx.phone === batchPhones[0]) await tx.events();
      return optOutIn((phone) => `key-${phone}`)(tx);
    });
    expect(results?.every((result) => result.startsWith('evt_'))).toBe(true);
  });

  test('transactMany: two numbers claiming one key in the same batch, one wins', async () => {
    const { store } = await setup();
    const results = await store.transactMany?.(
      'default',
      batchPhones.slice(0, 2),
      optOutIn(() => 'shared'),
    );
    expect(results?.filter((result) => result.startsWith('evt_'))).toHaveLength(1);
    expect(results?.filter((result) => result.startsWith('duplicate of'))).toHaveLength(1);
    expect(await verifyTenantLedger(store, 'default')).toEqual({ ok: true, checked: 1 });
  });

  /** Two stores on the same new tables, each with its own chain cache, as two processes would be. */
  async function twoInstances() {
    const schema = newSchema();
    const first = createPostgresStore({ client: backend.client(), schema });
    await first.migrate();
    const second = createPostgresStore({ client: backend.client(), schema });
    return {
      schema,
      first,
      one: createConsentManager({ store: first, defaultCountry: 'US' }),
      other: createConsentManager({ store: second, defaultCountry: 'US' }),
    };
  }

  test('a store whose known chain went stale writes on the real head: no fork, the status is the fold', async () => {
    const { first, one, other } = await twoInstances();
    const text = (body: string, messageId: string) => ({ from: PHONE, to: '+18005550100', body, messageId });
    await one.handleInbound(text('STOP', 'SM-1'));
    // Never seen by `second`, but the number has a status row: it goes the locked way.
    await other.handleInbound(text('START', 'SM-2'));
    // `first` still believes the number opted out at seq 1; folded on that, this would change nothing.
    const third = await one.handleInbound(text('STOP', 'SM-3'));
    expect(third).toMatchObject({ changed: true, duplicate: false });
    expect(third.event?.seq).toBe(3);
    expect((await first.getEvents('default', PHONE)).map((event) => event.seq)).toEqual([1, 2, 3]);
    expect(await first.getStatus('default', PHONE)).toMatchObject({
      status: 'opted_out',
      cause: { id: third.event?.id },
    });
    const again = await other.handleInbound(text('START', 'SM-4'));
    expect(again).toMatchObject({ changed: true, event: { seq: 4 } });
    expect(await one.verifyAuditTrail()).toEqual({ ok: true, checked: 4 });
  });

  test('a redelivered text is a duplicate on the store that wrote it and on another: its key is claimed once', async () => {
    const { schema, one, other } = await twoInstances();
    const stop = { from: PHONE, to: '+18005550100', body: 'STOP', messageId: 'SM-once' };
    const written = await one.handleInbound(stop);
    expect(written).toMatchObject({ duplicate: false, changed: true });
    expect(await one.handleInbound(stop)).toMatchObject({
      duplicate: true,
      event: written.event as ConsentEvent,
    });
    expect(await other.handleInbound(stop)).toMatchObject({
      duplicate: true,
      event: written.event as ConsentEvent,
    });
    const inspector = createInspector(backend.raw(), schema);
    expect(await inspector.keyCount('default')).toBe(1);
    expect(await inspector.events('default')).toEqual([written.event]);
  });

  test('an event in the place a write assumed free is never forked: the unique index refuses the write, nothing is written', async () => {
    const schema = newSchema();
    const store = createPostgresStore({ client: backend.client(), schema, maxRetries: 1, retryDelayMs: 0 });
    await store.migrate();
    const raw = backend.raw();
    const consent = createConsentManager({ store, defaultCountry: 'US' });
    const first = await consent.record({ phone: PHONE, action: 'opt_out', source: 'api' });
    // A row in place 2 that the status row's head does not know of: the store's chain (and the
    // head it reads under the lock) says place 2 is free, and every attempt collides.
    const columns = `phone, action, source, occurred_at, recorded_at, applied, reason, idempotency_key, evidence,
       prev_hash, hash, chain, mac`;
    await raw(
      `INSERT INTO "${schema}".events (tenant_id, seq, id, ${columns})
       SELECT tenant_id, 2, id || 'x', ${columns} FROM "${schema}".events WHERE id = $1`,
      [first.event.id],
    );
    const failure = await consent
      .handleInbound({ from: PHONE, to: '+18005550100', body: 'START', messageId: 'SM-refused' })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'STORE_FAILURE' });
    expect(String((failure as Error).message)).toMatch(/events_number_seq_key/);
    const inspector = createInspector(raw, schema);
    expect((await inspector.events('default')).map((event) => event.seq)).toEqual([1, 2]);
    expect(await inspector.keyCount('default')).toBe(0);
    expect(await inspector.status('default', PHONE)).toEqual({
      status: 'opted_out',
      causeEventId: first.event.id,
    });
  });

  test("transactMany waits for another store's write of one of its numbers and sees it", async () => {
    const schema = newSchema();
    const first = createPostgresStore({ client: backend.client(), schema });
    await first.migrate();
    // A second store on the same tables, whose in-process queue knows nothing of the first's: only
    // the database lock stands between them. (One connection carries one store's transactions.)
    const second = backend.sameSession ? first : createPostgresStore({ client: backend.client(), schema });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const single = first.transact('default', batchPhones[0] as E164, async (tx) => {
      const result = await optOutIn(() => 'single')(tx);
      entered();
      await held;
      return result;
    });
    await inside;
    const batch = second.transactMany?.(
      'default',
      batchPhones,
      optOutIn((phone) => `batch-${phone}`),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await single;
    await batch;
    expect(
      (await first.getEvents('default', batchPhones[0] as E164)).map((event) => event.seq).sort(),
    ).toEqual([1, 2]);
    expect(await verifyTenantLedger(first, 'default')).toEqual({ ok: true, checked: 4 });
  });

  test('backfill through transactMany ends where the memory store ends, and again is all duplicates', async () => {
    const { store } = await setup();
    const clock = createFixedClock('2026-03-03T00:00:00.000Z');
    const memory = createMemoryStore();
    const live = createConsentManager({ store, clock, defaultCountry: 'US' });
    const reference = createConsentManager({ store: memory, clock, defaultCountry: 'US' });
    const at = (minute: number) => `2026-03-02T10:${String(minute).padStart(2, '0')}:00.000Z`;
    const history = [
      { id: 'SM1', from: '+14155550101', body: 'STOP', sentAt: at(1) },
      { id: 'SM2', from: '+14155550101', body: 'START', sentAt: at(3) },
      { id: 'SM3', from: '+14155550101', body: 'STOP', sentAt: at(2) },
      { id: 'SM4', from: '+14155550102', body: 'UNSUBSCRIBE', sentAt: at(4) },
      { id: 'SM5', from: '+14155550103', body: 'STOP', sentAt: at(5) },
    ].map((message) => ({ ...message, direction: 'inbound' as const, to: '+18005550100' }));
    // One of them was handled live already: the backfill finds it as a duplicate.
    for (const consent of [live, reference]) {
      await consent.handleInbound({
        from: '+14155550103',
        to: '+18005550100',
        body: 'STOP',
        messageId: 'SM5',
      });
    }
    const result = await live.backfill(history, { batchSize: 4 });
    const expected = await reference.backfill(history, { batchSize: 4 });
    expect(result).toEqual(expected);
    expect(result).toMatchObject({ recorded: 4, duplicates: 1 });
    for (const phone of batchPhones) {
      const [mine, theirs] = [
        await store.getStatus('default', phone),
        await memory.getStatus('default', phone),
      ];
      expect(mine?.status).toBe(theirs?.status);
      expect(mine?.since).toBe(theirs?.since);
      expect(mine?.cause?.evidence).toEqual(theirs?.cause?.evidence);
    }
    expect(await live.backfill(history)).toMatchObject({ recorded: 0, duplicates: 5 });
    expect(await verifyTenantLedger(store, 'default')).toEqual({ ok: true, checked: 5 });
  });

  test('backfill through transactMany: a START then STOP of one number in a batch clears a pending confirmation, as one write at a time does', async () => {
    const { store } = await setup();
    const clock = createFixedClock('2026-03-02T10:00:00.000Z');
    const memory = createMemoryStore();
    const live = createConsentManager({ store, clock, defaultCountry: 'US' });
    const reference = createConsentManager({ store: memory, clock, defaultCountry: 'US' });
    const message = { from: '+14155550101', to: '+18005550100' };
    const history = [
      {
        ...message,
        direction: 'inbound' as const,
        id: 'SM2',
        body: 'START',
        sentAt: '2026-03-02T10:01:00.000Z',
      },
      {
        ...message,
        direction: 'inbound' as const,
        id: 'SM3',
        body: 'STOP',
        sentAt: '2026-03-02T10:02:00.000Z',
      },
    ];
    for (const consent of [live, reference]) {
      // A live STOP leaves the one confirmation the send guard lets through; the START after it ends that.
      const stop = await consent.handleInbound({
        ...message,
        body: 'please stop texting me',
        messageId: 'SM1',
      });
      expect(stop.reply).toBeDefined();
      await consent.backfill(history);
    }
    const theirs = await memory.getStatus('default', '+14155550101' as E164);
    expect(theirs?.confirmation).toBeUndefined();
    const mine = await store.getStatus('default', '+14155550101' as E164);
    expect(mine?.status).toBe('opted_out');
    expect(mine?.confirmation).toEqual(theirs?.confirmation);
  });

  test('getStatuses answers for many numbers across several statements', async () => {
    const schema = newSchema();
    const store = createPostgresStore({ client: backend.client(), schema, statusChunkSize: 7 });
    await store.migrate();
    const consent = createConsentManager({ store, defaultCountry: 'US' });
    const phones = Array.from({ length: 40 }, (_, index) => `+1415555${String(7000 + index)}` as E164);
    for (const [index, phone] of phones.entries()) {
      if (index % 4 === 3) continue;
      await consent.record({ phone, action: index % 4 === 0 ? 'opt_in' : 'opt_out', source: 'api' });
    }
    const statuses = await store.getStatuses('default', [...phones, ...phones.slice(0, 5)]);
    expect(statuses.size).toBe(30);
    for (const [index, phone] of phones.entries()) {
      expect(statuses.get(phone)).toBe(
        index % 4 === 3 ? undefined : index % 4 === 0 ? 'opted_in' : 'opted_out',
      );
    }
    const partition = await consent.partitionRecipients([...phones, 'not a phone']);
    expect(partition.blocked).toHaveLength(20);
    expect(partition.sendable).toHaveLength(20);
    expect(partition.invalid).toHaveLength(1);
  });

  // PREPARE and EXPLAIN EXECUTE need one session: PGlite and the single pg Client.
  test.skipIf(!backend.sameSession)(
    "a number's status row is found through the primary key, even by a generic plan made while the table is small",
    async () => {
      // A pooled connection keeps the generic plan of a prepared statement; made on an empty table,
      // it must not pick the index by status, which scans the whole tenant for one number.
      const session = backend.sameSession?.() as RawQuery;
      const { table } = await setup();
      await session('SET plan_cache_mode = force_generic_plan');
      try {
        await session(
          `PREPARE head_lookup (text, text) AS SELECT head_seq FROM ${table('statuses')} WHERE tenant_id = $1 AND phone = $2`,
        );
        const plan = await session(`EXPLAIN EXECUTE head_lookup('default', '${PHONE}')`);
        expect(plan.map((row) => String(row['QUERY PLAN'])).join('\n')).toContain('statuses_pkey');
        // The index by status still serves the listing by status.
        const listing = await session(
          `EXPLAIN SELECT phone FROM ${table('statuses')} WHERE tenant_id = 'default' AND status = 'opted_out' ORDER BY phone`,
        );
        expect(listing.map((row) => String(row['QUERY PLAN'])).join('\n')).toMatch(
          /statuses_status_tenant_phone_idx/,
        );
      } finally {
        await session('DEALLOCATE head_lookup').catch(() => undefined);
        await session('RESET plan_cache_mode');
      }
    },
  );

  test('migrate() is idempotent and records each version once', async () => {
    const { store, raw, table } = await setup();
    const current = { version: POSTGRES_SCHEMA_VERSION, applied: [] };
    expect(await store.migrate()).toEqual(current);
    const again = createPostgresStore({ client: backend.client(), schema: store.schema });
    expect(await again.migrate()).toEqual(current);
    expect(await raw(`SELECT version FROM ${table('schema_migrations')} ORDER BY version`)).toEqual(
      postgresMigrations().map(({ version }) => ({ version })),
    );
  });

  test('migrate() refuses a schema newer than the release', async () => {
    const { store, raw, table } = await setup();
    await raw(`INSERT INTO ${table('schema_migrations')} (version, name) VALUES (99, 'from the future')`);
    await expect(store.migrate()).rejects.toMatchObject({ code: 'CONFIG' });
  });

  test('every store operation refuses a schema newer than the release, on a running store and a new one', async () => {
    const { store, raw, table } = await setup();
    const consent = createConsentManager({ store, defaultCountry: 'US' });
    const { event } = await consent.record({ phone: PHONE, action: 'opt_out', source: 'admin' });
    await raw(`INSERT INTO ${table('schema_migrations')} (version, name) VALUES (99, 'from the future')`);
    const newer = {
      code: 'CONFIG',
      message: expect.stringMatching(/version 99, newer than this sms-consent release/),
    };
    // The running store's next write reads the version with its lock (PGlite: nobody else can migrate it).
    if (!backend.sameSession) {
      await expect(consent.record({ phone: PHONE, action: 'opt_in', source: 'admin' })).rejects.toMatchObject(
        newer,
      );
    }
    const late = createPostgresStore({ client: backend.client(), schema: store.schema });
    const operations: [string, () => Promise<unknown>][] = [
      ['transact', () => late.transact('default', PHONE, async (tx) => tx.events())],
      ['getStatus', () => late.getStatus('default', PHONE)],
      ['getStatuses', () => late.getStatuses('default', [PHONE])],
      ['listStatuses', () => late.listStatuses('default', { limit: 10 })],
      ['getEvents', () => late.getEvents('default', PHONE)],
      ['getEvent', () => late.getEvent('default', event.id)],
      ['readLedger', () => late.readLedger('default', { limit: 10 })],
      ['readNumberStates', () => late.readNumberStates('default', { limit: 10 })],
      ['getChainHead', () => late.getChainHead('default')],
      ['snapshotHeads', () => late.snapshotHeads('default', 'cpt_x')],
      ['readSnapshot', () => late.readSnapshot('default', 'cpt_x', { limit: 10 })],
      [
        'saveCheckpoint',
        () =>
          late.saveCheckpoint({
            version: 1,
            id: 'cpt_x',
            tenantId: 'default',
            at: event.recordedAt,
            numbers: 0,
            events: 0,
            root: '0'.repeat(64),
          }),
      ],
      ['listCheckpoints', () => late.listCheckpoints('default', { limit: 10 })],
      ['consumeConfirmation', () => late.consumeConfirmation('default', PHONE, 'x', event.recordedAt)],
      [
        'claimJobs',
        () => late.claimJobs({ limit: 1, leaseMs: 1000, now: event.recordedAt, leaseToken: 't' }),
      ],
      ['completeJob', () => late.completeJob('job_x', 't')],
      ['retryJob', () => late.retryJob('job_x', 't', { availableAt: event.recordedAt, error: 'x' })],
      ['listJobs', () => late.listJobs({ state: 'pending', limit: 1 })],
      ['listTenants', () => late.listTenants()],
    ];
    for (const [name, operation] of operations) {
      const outcome = await operation().then(
        () => `${name} ran`,
        (error: { code?: unknown; message?: unknown }) => ({ code: error.code, message: error.message }),
      );
      expect(outcome).toMatchObject(newer);
    }
    const lateConsent = createConsentManager({ store: late, defaultCountry: 'US' });
    await expect(
      lateConsent.record({ phone: PHONE, action: 'opt_in', source: 'admin' }),
    ).rejects.toMatchObject(newer);
    await expect(lateConsent.verifyAuditTrail()).rejects.toMatchObject(newer);
    await expect(lateConsent.checkpoint()).rejects.toMatchObject(newer);
    expect(await raw(`SELECT count(*)::int AS n FROM ${table('events')}`)).toEqual([{ n: 1 }]);
  });

  test('database errors surface as STORE_FAILURE with the original error as cause', async () => {
    const store = createPostgresStore({ client: backend.client(), schema: newSchema() });
    const failure = await store.getStatus('default', PHONE).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConsentError);
    expect(failure).toMatchObject({ code: 'STORE_FAILURE', cause: { code: '42P01' } });
    const consent = createConsentManager({ store, defaultCountry: 'US' });
    await expect(consent.record({ phone: PHONE, action: 'opt_out', source: 'api' })).rejects.toMatchObject({
      code: 'STORE_FAILURE',
    });
  });

  test('schema names are validated and the client is recognized by its shape', () => {
    for (const schema of [
      'Public',
      'a-b',
      'x"; drop table y; --',
      '1abc',
      'pg_catalog',
      'a'.repeat(64),
      '',
    ]) {
      expect(() => createPostgresStore({ client: backend.client(), schema })).toThrow(
        expect.objectContaining({ code: 'CONFIG' }),
      );
    }
    expect(() => createPostgresStore({ client: {} as PostgresClient })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
    expect(createPostgresStore({ client: backend.client() }).schema).toBe('sms_consent');
  });
}

/** A copy of the number's event 2 under another id: a second row in the same place of its chain. */
function twinOfSecond(table: (name: string) => string): string {
  const columns = `phone, action, source, occurred_at, recorded_at, applied, reason, idempotency_key, evidence,
     prev_hash, hash, chain, mac`;
  return `INSERT INTO ${table('events')} (tenant_id, seq, id, ${columns})
     SELECT tenant_id, seq, id || 'x', ${columns} FROM ${table('events')} WHERE phone = '${PHONE}' AND seq = 2`;
}
