import { ConsentError, CrmRequestError, createConsentManager, createMemoryStore } from 'sms-consent';
import { CRM_SYNC_JOB } from 'sms-consent/crm';
import { createFakeCrm } from 'sms-consent/testing';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { retryDelayMs } from '../../src/crm/sync.js';
import { LEAD, MINUTE, setup } from './helpers.js';

describe('outbox', () => {
  test('an opt-out enqueues a crm_sync job in the same transaction as its event', async () => {
    const { store, text } = setup();
    const { event } = await text(LEAD, 'STOP');
    const jobs = await store.listJobs({ state: 'pending', limit: 10 });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      kind: CRM_SYNC_JOB,
      phone: LEAD,
      eventId: event?.id,
      tenantId: 'default',
    });
  });

  test('opt-ins enqueue nothing unless configured; chatter never does', async () => {
    const { store, text } = setup();
    await text(LEAD, 'START');
    await text(LEAD, 'see you at 3');
    expect(await store.listJobs({ state: 'pending', limit: 10 })).toHaveLength(0);

    const withOptIns = setup({ crmSync: { optIns: true } });
    await withOptIns.text(LEAD, 'START');
    await withOptIns.text(LEAD, 'START');
    expect(await withOptIns.store.listJobs({ state: 'pending', limit: 10 })).toHaveLength(1);
  });

  test("the app's own jobsFor kinds are kept next to crm_sync", async () => {
    const { store, text } = setup({ jobsFor: () => ['webhook'] });
    await text(LEAD, 'STOP');
    const kinds = (await store.listJobs({ state: 'pending', limit: 10 })).map((job) => job.kind).sort();
    expect(kinds).toEqual(['crm_sync', 'webhook']);
  });

  test('without a CRM nothing is enqueued and sync() says what is missing', async () => {
    const store = createMemoryStore();
    const consent = createConsentManager({ store, defaultCountry: 'US' });
    await consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SM1' });
    expect(await store.listJobs({ state: 'pending', limit: 10 })).toHaveLength(0);
    await expect(consent.sync()).rejects.toMatchObject({ code: 'CONFIG' });
    expect(() => consent.start()).toThrow(ConsentError);
  });
});

describe('sync', () => {
  test('writes every contact with the number, in any format, and completes the job', async () => {
    const { crm, consent, store, text } = setup();
    const ids = ['+14155552671', '(415) 555-2671', '415.555.2671'].map((phone) => crm.addContact({ phone }));
    const other = crm.addContact({ phone: '(415) 555-2670' });
    const { event } = await text('415-555-2671', 'Stop.');
    const result = await consent.sync();
    expect(result).toMatchObject({ claimed: 1, synced: 1, contactsWritten: 3, retried: 0, dead: 0 });
    for (const id of ids) expect(crm.contact(id)?.smsConsent).toBe('opted_out');
    expect(crm.contact(other)?.smsConsent).toBeNull();
    expect(crm.writes.map((write) => write.idempotencyKey)).toEqual(
      ids.map((id) => `fake:${event?.id}:opted_out:${id}`),
    );
    expect(crm.writes[0]?.change).toMatchObject({ status: 'opted_out', reason: 'sync', source: 'sms' });
    expect(await store.listJobs({ state: 'pending', limit: 10 })).toEqual([]);
    expect(await consent.sync()).toMatchObject({ claimed: 0 });
  });

  test('a job syncs the current status, so stale and reordered jobs are harmless', async () => {
    const { crm, consent, clock, text } = setup({ crmSync: { optIns: true } });
    const id = crm.addContact({ phone: LEAD });
    await text(LEAD, 'STOP');
    clock.advance(1000);
    await text(LEAD, 'START');
    const result = await consent.sync();
    expect(result).toMatchObject({ claimed: 2, synced: 2 });
    expect(crm.writes.map((write) => write.value)).toEqual(['opted_in']);
    expect(crm.contact(id)?.smsConsent).toBe('opted_in');
  });

  test('with opt-ins off, an opt-out followed by START writes nothing opted-in', async () => {
    const { crm, consent, clock, text } = setup();
    const id = crm.addContact({ phone: LEAD, smsConsent: null });
    await text(LEAD, 'STOP');
    clock.advance(1000);
    await text(LEAD, 'START');
    expect(await consent.sync()).toMatchObject({ claimed: 1, skipped: 1, contactsWritten: 0 });
    expect(crm.contact(id)?.smsConsent).toBeNull();
  });

  test('a CRM that is down for an hour loses nothing', async () => {
    const { crm, consent, store, clock, text } = setup();
    const phones = ['+14155550101', '+14155550102', '+14155550103'];
    const ids = phones.map((phone) => crm.addContact({ phone }));
    crm.setFailure(() => new CrmRequestError('CRM unreachable', { status: 503 }));
    for (const phone of phones) await text(phone, 'STOP');
    for (let minute = 0; minute < 60; minute++) {
      const result = await consent.sync();
      expect(result.dead).toBe(0);
      clock.advance(MINUTE);
    }
    expect(await store.listJobs({ state: 'pending', limit: 10 })).toHaveLength(3);
    crm.setFailure(null);
    for (
      let minute = 0;
      minute < 60 && (await store.listJobs({ state: 'pending', limit: 1 })).length > 0;
      minute++
    ) {
      await consent.sync();
      clock.advance(MINUTE);
    }
    for (const id of ids) expect(crm.contact(id)?.smsConsent).toBe('opted_out');
    expect(await store.listJobs({ state: 'pending', limit: 10 })).toEqual([]);
    expect(await store.listJobs({ state: 'dead', limit: 10 })).toEqual([]);
  });

  test('honours Retry-After: the job waits at least that long', async () => {
    const { crm, consent, clock, text } = setup();
    crm.addContact({ phone: LEAD });
    let calls = 0;
    crm.setFailure(() =>
      calls++ === 0 ? new CrmRequestError('slow down', { status: 429, retryAfterMs: 120_000 }) : undefined,
    );
    await text(LEAD, 'STOP');
    const first = await consent.sync();
    expect(first.failures).toHaveLength(1);
    const retryAt = Date.parse(first.failures[0]?.retryAt ?? '');
    expect(retryAt - clock.now().getTime()).toBeGreaterThanOrEqual(120_000);
    expect(retryAt - clock.now().getTime()).toBeLessThanOrEqual(121_000);
    clock.advance(119_000);
    expect(await consent.sync()).toMatchObject({ claimed: 0 });
    clock.advance(3000);
    expect(await consent.sync()).toMatchObject({ claimed: 1, synced: 1 });
  });

  test('a job that keeps failing is marked dead, kept and reported, never dropped', async () => {
    const { crm, consent, store, clock, text } = setup({ crmSync: { maxAttempts: 3 } });
    crm.addContact({ phone: LEAD });
    crm.setFailure(() => new CrmRequestError('field 7 does not exist', { status: 422, retryable: false }));
    await text(LEAD, 'STOP');
    const results = [];
    for (let round = 0; round < 5; round++) {
      results.push(await consent.sync());
      clock.advance(60 * MINUTE);
    }
    expect(results.map((result) => [result.retried, result.dead])).toEqual([
      [1, 0],
      [1, 0],
      [0, 1],
      [0, 0],
      [0, 0],
    ]);
    expect(results[2]?.failures[0]).toMatchObject({ phone: LEAD, attempts: 3, dead: true });
    expect(results[2]?.failures[0]?.error).toContain('field 7 does not exist');
    const dead = await store.listJobs({ state: 'dead', limit: 10 });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ attempts: 3, phone: LEAD });
    expect(dead[0]?.lastError).toContain('field 7');
  });

  test('two workers on one store never write the same job twice', async () => {
    const { crm, consent, store, clock, text } = setup();
    for (let index = 0; index < 20; index++) {
      const phone = `+1415555${String(1000 + index)}`;
      crm.addContact({ phone });
      await text(phone, 'STOP');
    }
    const second = createConsentManager({
      store,
      crm,
      clock,
      defaultCountry: 'US',
      crmSync: { batchSize: 3 },
    });
    const [a, b] = await Promise.all([consent.sync(), second.sync()]);
    expect((a?.synced ?? 0) + (b?.synced ?? 0)).toBe(20);
    expect(crm.writes).toHaveLength(20);
  });

  test('each tenant syncs to its own CRM; a tenant without one completes without writes', async () => {
    const store = createMemoryStore();
    const acme = createFakeCrm();
    acme.addContact({ phone: LEAD });
    const consent = createConsentManager({
      store,
      defaultCountry: 'US',
      crm: (tenantId) => (tenantId === 'acme' ? acme : undefined),
    });
    await consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SMa', tenantId: 'acme' });
    await consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SMb', tenantId: 'other' });
    expect(await consent.sync()).toMatchObject({ claimed: 2, synced: 1, skipped: 1 });
    expect(acme.writes).toHaveLength(1);
  });
});

describe('retry delay', () => {
  const options = { baseDelayMs: 1000, maxDelayMs: 30 * MINUTE };

  test('doubles per attempt with equal jitter, up to the cap', () => {
    const low = { ...options, random: () => 0 };
    const high = { ...options, random: () => 0.999999 };
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, new Error('x'), low))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, new Error('x'), high))).toEqual([
      1000, 2000, 4000, 8000,
    ]);
    expect(retryDelayMs(40, new Error('x'), high)).toBeGreaterThanOrEqual(30 * MINUTE - 1);
    expect(retryDelayMs(40, new Error('x'), high)).toBeLessThanOrEqual(30 * MINUTE);
  });

  test('a Retry-After wins over the exponential delay', () => {
    const error = new CrmRequestError('429', { status: 429, retryAfterMs: 5000 });
    expect(retryDelayMs(1, error, { ...options, random: () => 0 })).toBe(5000);
    expect(retryDelayMs(12, error, { ...options, random: () => 0.5 })).toBe(5250);
  });
});

describe('background loop', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('start() syncs now and every interval until stop()', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { crm, consent, text } = setup({ crmSync: { intervalMs: 1000 } });
    const id = crm.addContact({ phone: LEAD });
    consent.start();
    consent.start();
    await vi.advanceTimersByTimeAsync(10);
    await text(LEAD, 'STOP');
    expect(crm.contact(id)?.smsConsent).toBeNull();
    await vi.advanceTimersByTimeAsync(1000);
    expect(crm.contact(id)?.smsConsent).toBe('opted_out');
    await consent.stop();
    await text('+14155550100', 'STOP');
    const other = crm.addContact({ phone: '+14155550100' });
    await vi.advanceTimersByTimeAsync(5000);
    expect(crm.contact(other)?.smsConsent).toBeNull();
  });

  test('a failing round is reported and the loop goes on', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const errors: unknown[] = [];
    const { consent, store, text } = setup({
      crmSync: { intervalMs: 1000, onError: (error) => errors.push(error) },
    });
    await text(LEAD, 'STOP');
    const claim = store.claimJobs;
    let calls = 0;
    store.claimJobs = (options) => (calls++ === 0 ? Promise.reject(new Error('db down')) : claim(options));
    consent.start();
    await vi.advanceTimersByTimeAsync(1100);
    await consent.stop();
    expect(errors).toHaveLength(1);
    expect(await store.listJobs({ state: 'pending', limit: 10 })).toEqual([]);
  });
});
