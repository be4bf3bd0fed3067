import { CrmRequestError, createConsentManager, createMemoryStore, type E164 } from 'sms-consent';
import { activeCampaignPhoneQueries, createActiveCampaignCrm } from 'sms-consent/activecampaign';
import { createFixedClock, runCrmAdapterTests } from 'sms-consent/testing';
import { afterEach, describe, expect, test } from 'vitest';
import { type FakeActiveCampaign, startFakeActiveCampaign } from './server.js';

const FIELD = '7';
const NUMBER = '+14155552671' as E164;
const servers = new Map<object, FakeActiveCampaign>();

/** A virtual clock for the rate limiter: sleeping advances it at once, and every wait is recorded. */
function virtualTime() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

async function setup(options: Partial<Parameters<typeof createActiveCampaignCrm>[0]> = {}) {
  const server = await startFakeActiveCampaign({ fields: [FIELD, '8'] });
  const time = virtualTime();
  const crm = createActiveCampaignCrm({
    baseUrl: server.url,
    apiToken: server.token,
    field: FIELD,
    now: time.now,
    sleep: time.sleep,
    ...options,
  });
  servers.set(crm, server);
  return { server, crm, time };
}

afterEach(async () => {
  for (const server of servers.values()) await server.close();
  servers.clear();
});

describe('ActiveCampaign adapter conformance (local API server)', () => {
  runCrmAdapterTests({
    test,
    expect,
    createAdapter: async () => (await setup()).crm,
    seed: async (crm, contacts) => {
      const server = servers.get(crm) as FakeActiveCampaign;
      return contacts.map((contact) =>
        server.addContact({
          phone: contact.phone,
          fields: contact.smsConsent ? { [FIELD]: contact.smsConsent } : {},
        }),
      );
    },
    inspect: async (crm, contactId) => {
      const value = servers.get(crm)?.fieldValue(contactId, FIELD);
      return value === 'opted_out' || value === 'opted_in' ? value : null;
    },
  });
});

describe('createActiveCampaignCrm', () => {
  test('sends the Api-Token header on every request; a wrong token is a CRM_FAILURE 403, not retried', async () => {
    const { server, crm } = await setup();
    server.addContact({ phone: NUMBER });
    expect(await crm.findContactsByPhone(NUMBER)).toHaveLength(1);
    expect(server.requests.every((request) => request.apiToken === server.token)).toBe(true);

    const wrong = createActiveCampaignCrm({
      baseUrl: `${server.url}/api/3/`,
      apiToken: 'nope',
      field: FIELD,
    });
    const before = server.requests.length;
    const failure = await wrong.findContactsByPhone(NUMBER).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CrmRequestError);
    expect(failure).toMatchObject({ code: 'CRM_FAILURE', status: 403, retryable: false });
    expect(String((failure as Error).message)).not.toContain('nope');
    expect(server.requests.length - before).toBe(1);
  });

  test('queries the E.164, digits and national variants and keeps exact matches only', async () => {
    const { server, crm } = await setup();
    const ours = [
      '+14155552671',
      '14155552671',
      '4155552671',
      '(415) 555-2671',
      '415-555-2671',
      '415.555.2671 x3',
    ].map((phone) => server.addContact({ phone }));
    for (const phone of ['+141555526719', '4155552671999', '(415) 555-2672', '415-555-26', '+442071838750']) {
      server.addContact({ phone });
    }
    const found = await crm.findContactsByPhone(NUMBER);
    expect(found.map((contact) => contact.id).sort()).toEqual([...ours].sort());
    const queried = server.requests.map((request) => request.query.get('phone'));
    expect(queried).toEqual(
      expect.arrayContaining(['+14155552671', '14155552671', '4155552671', '(415) 555-2671']),
    );
    expect(new Set(queried).size).toBe(queried.length);
  });

  test('the default queries cover the formats people type, without redundant prefixes', () => {
    expect(activeCampaignPhoneQueries(NUMBER)).toEqual([
      '+14155552671',
      '14155552671',
      '4155552671',
      '(415) 555-2671',
      '+1 415 555 2671',
      '415-555-2671',
      '415.555.2671',
      '415 555 2671',
    ]);
    expect(activeCampaignPhoneQueries('+442079460958' as E164)).toContain('020 7946 0958');
  });

  test('pages through hits with limit/offset until meta.total', async () => {
    const { server, crm } = await setup();
    for (let index = 0; index < 130; index++) server.addContact({ phone: '(415) 555-2671' });
    const found = await crm.findContactsByPhone(NUMBER);
    expect(found).toHaveLength(130);
    const offsets = server.requests
      .filter((request) => request.query.get('phone') === '(415) 555-2671')
      .map((request) => [request.query.get('limit'), request.query.get('offset')]);
    expect(offsets).toEqual([
      ['100', '0'],
      ['100', '100'],
    ]);
  });

  test('writes with PUT /contacts/{id} and fieldValues, and reads through /fieldValues', async () => {
    const { server, crm } = await setup({ values: { optedOut: 'No SMS', optedIn: 'SMS OK' } });
    const id = server.addContact({ phone: NUMBER, fields: { '8': 'unrelated' } });
    const [contact] = await crm.findContactsByPhone(NUMBER);
    if (!contact) throw new Error('contact not found');
    await crm.setSmsConsent(
      contact,
      { tenantId: 'default', phone: NUMBER, status: 'opted_out', reason: 'sync' },
      { idempotencyKey: 'k' },
    );
    expect(server.fieldValue(id, FIELD)).toBe('No SMS');
    expect(server.fieldValue(id, '8')).toBe('unrelated');
    expect(await crm.getSmsConsent?.(contact)).toBe('opted_out');
    const put = server.requests.find((request) => request.method === 'PUT');
    expect(put?.path).toBe(`/api/3/contacts/${id}`);
    server.setFieldValue(id, FIELD, 'something else');
    expect(await crm.getSmsConsent?.(contact)).toBeNull();
  });

  test('a 429 burst: waits Retry-After, pauses the whole limiter, then succeeds', async () => {
    const { server, crm, time } = await setup();
    server.addContact({ phone: NUMBER });
    server.failNext(
      { status: 429, headers: { 'Retry-After': '2' }, body: { message: 'Too Many Requests' } },
      { status: 429, headers: { 'Retry-After': '1' } },
      { status: 503, headers: { 'Retry-After': '1' } },
    );
    expect(await crm.findContactsByPhone(NUMBER)).toHaveLength(1);
    expect(time.now()).toBeGreaterThanOrEqual(4000);
  });

  test('a Retry-After too long to wait in the call is handed to the outbox', async () => {
    const { server, crm } = await setup({ maxRetryWaitMs: 5000 });
    server.failNext({ status: 429, headers: { 'Retry-After': '120' } });
    const failure = await crm.findContactsByPhone(NUMBER).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 'CRM_FAILURE',
      status: 429,
      retryAfterMs: 120_000,
      retryable: true,
    });

    server.addContact({ phone: NUMBER });
    const clock = createFixedClock('2026-03-02T14:00:00Z');
    const consent = createConsentManager({
      store: createMemoryStore(),
      crm,
      clock,
      defaultCountry: 'US',
      crmSync: { random: () => 0 },
    });
    await consent.handleInbound({ from: NUMBER, body: 'STOP', messageId: 'SM1' });
    server.failNext({ status: 429, headers: { 'Retry-After': '120' } });
    const first = await consent.sync();
    expect(first.failures[0]?.retryAt).toBe('2026-03-02T14:02:00.000Z');
    clock.advance(120_000);
    expect(await consent.sync()).toMatchObject({ synced: 1, contactsWritten: 1 });
  });

  test('5xx: retried with backoff, then a retryable CRM_FAILURE naming the status', async () => {
    const { server, crm, time } = await setup({ maxRetries: 2 });
    server.addContact({ phone: NUMBER });
    server.failNext({ status: 502 });
    expect(await crm.findContactsByPhone(NUMBER)).toHaveLength(1);
    expect(time.sleeps).toContain(250);
    server.failNext({ status: 500 }, { status: 500 }, { status: 500 });
    const failure = await crm.findContactsByPhone(NUMBER).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'CRM_FAILURE', status: 500, retryable: true });
    expect(String((failure as Error).message)).toContain('injected');
  });

  test('an unknown field is a non-retryable 422 with ActiveCampaign’s message', async () => {
    const { server, time } = await setup();
    const crm = createActiveCampaignCrm({ baseUrl: server.url, apiToken: server.token, field: 99, ...time });
    server.addContact({ phone: NUMBER });
    const [contact] = await crm.findContactsByPhone(NUMBER);
    if (!contact) throw new Error('contact not found');
    const failure = await crm
      .setSmsConsent(
        contact,
        { tenantId: 'default', phone: NUMBER, status: 'opted_out', reason: 'sync' },
        { idempotencyKey: 'k' },
      )
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 422, retryable: false });
    expect(String((failure as Error).message)).toContain('Field not found');
  });

  test('stays at 5 requests per second for the account', async () => {
    const { server, crm, time } = await setup();
    const stamps: number[] = [];
    const counted = createActiveCampaignCrm({
      baseUrl: server.url,
      apiToken: server.token,
      field: FIELD,
      now: time.now,
      sleep: time.sleep,
      fetch: (input, init) => {
        stamps.push(time.now());
        return fetch(input, init);
      },
    });
    for (let index = 0; index < 4; index++) await counted.findContactsByPhone(`+1415555010${index}` as E164);
    // Each lookup: eight prefix queries and one search on the last digits.
    expect(stamps.length).toBe(36);
    for (let index = 5; index < stamps.length; index++) {
      expect((stamps[index] as number) - (stamps[index - 5] as number)).toBeGreaterThanOrEqual(1000);
    }
    expect(crm.rateLimit).toEqual({ requestsPerSecond: 5 });
  });

  test('listContacts filters by updated_after and by consent value', async () => {
    const { server, crm } = await setup();
    const out = server.addContact({ phone: NUMBER, fields: { [FIELD]: 'opted_out' } });
    server.addContact({ phone: '+14155550123', fields: { [FIELD]: 'opted_in' } });
    const page = await crm.listContacts?.({ limit: 10, smsConsent: 'opted_out' });
    expect(page?.contacts).toEqual([{ id: out, phone: NUMBER, smsConsent: 'opted_out' }]);
    await crm.listContacts?.({ limit: 10, updatedSince: '2026-01-01T00:00:00.000Z' });
    expect(server.requests.at(-1)?.query.get('filters[updated_after]')).toBe('2026-01-01T00:00:00.000Z');
  });

  test('listContacts by consent reads a page of contacts in one request, not one per contact', async () => {
    const { server, crm } = await setup();
    const out = Array.from({ length: 5 }, (_, index) =>
      server.addContact({ phone: `+1415555010${index}`, fields: { [FIELD]: 'opted_out' } }),
    );
    server.addContact({ phone: '+14155550123', fields: { [FIELD]: 'opted_in' } });
    const before = server.requests.length;
    const page = await crm.listContacts?.({ limit: 10, smsConsent: 'opted_out' });
    expect(page?.contacts.map((contact) => contact.id)).toEqual(out);
    expect(page?.contacts.every((contact) => contact.smsConsent === 'opted_out')).toBe(true);
    const made = server.requests.slice(before);
    expect(made.map((request) => request.path)).toEqual(['/api/3/fieldValues', '/api/3/contacts']);
    expect(made[1]?.query.getAll('ids[]')).toEqual(out);
  });

  test('refuses a configuration that cannot work', () => {
    expect(() => createActiveCampaignCrm({ baseUrl: 'acme.api-us1.com', apiToken: 't', field: 1 })).toThrow(
      /baseUrl/,
    );
    expect(() =>
      createActiveCampaignCrm({ baseUrl: 'https://a.api-us1.com', apiToken: '', field: 1 }),
    ).toThrow(/apiToken/);
    expect(() =>
      createActiveCampaignCrm({ baseUrl: 'https://a.api-us1.com', apiToken: 't', field: 'SMS' }),
    ).toThrow(/field/);
  });
});
