import type { AddressInfo } from 'node:net';
import express from 'express';
import { ConsentError, createConsentManager, createMemoryStore, ValidationError } from 'sms-consent';
import { createActiveCampaignWebhook, parseActiveCampaignWebhook } from 'sms-consent/activecampaign';
import { createFakeCrm, createFixedClock } from 'sms-consent/testing';
import { describe, expect, test } from 'vitest';

const SECRET = 's3cret-webhook-token';

/** An `sms_unsub` webhook as ActiveCampaign posts it: form fields with bracketed contact keys. */
function unsubscribe(overrides: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({
    type: 'sms_unsub',
    date_time: '2026-03-02T09:15:42-05:00',
    initiated_by: 'contact',
    initiated_from: 'public',
    'contact[id]': '42',
    'contact[email]': 'lead@example.com',
    'contact[first_name]': 'Ada',
    'contact[last_name]': 'Lead',
    'contact[phone]': '(415) 555-2671',
    ...overrides,
  });
}

describe('parseActiveCampaignWebhook', () => {
  test('turns an sms_unsub into a crm opt-out with the contact id', () => {
    expect(parseActiveCampaignWebhook(unsubscribe(), { secret: SECRET, providedSecret: SECRET })).toEqual({
      phone: '(415) 555-2671',
      action: 'opt_out',
      source: 'crm',
      contactId: '42',
      occurredAt: '2026-03-02T14:15:42.000Z',
      evidence: { contactId: '42', note: 'ActiveCampaign sms_unsub webhook' },
      idempotencyKey: 'activecampaign:sms_unsub:42:2026-03-02T09:15:42-05:00',
    });
  });

  test('reads nested objects from an extended body parser too', () => {
    const parsed = parseActiveCampaignWebhook(
      { type: 'sms_unsub', date_time: '2026-03-02 14:15:42', contact: { id: '42', phone: '+14155552671' } },
      { secret: SECRET, providedSecret: SECRET, tenantId: 'acme' },
    );
    expect(parsed).toMatchObject({
      phone: '+14155552671',
      contactId: '42',
      tenantId: 'acme',
      occurredAt: '2026-03-02T14:15:42.000Z',
    });
  });

  test('a date_time that names no real day is left out (the manager uses now), never rolled into March', () => {
    for (const date_time of ['2026-02-30 10:00:00', '2026-02-30T10:00:00Z', 'yesterday']) {
      const parsed = parseActiveCampaignWebhook(unsubscribe({ date_time }), {
        secret: SECRET,
        providedSecret: SECRET,
      });
      expect(parsed).not.toHaveProperty('occurredAt');
    }
  });

  test('a wrong or missing secret is INVALID_SIGNATURE', () => {
    for (const providedSecret of ['s3cret-webhook-tokeN', 'short', '', undefined, null]) {
      const attempt = () => parseActiveCampaignWebhook(unsubscribe(), { secret: SECRET, providedSecret });
      expect(attempt).toThrow(ConsentError);
      try {
        attempt();
      } catch (error) {
        expect((error as ConsentError).code).toBe('INVALID_SIGNATURE');
      }
    }
  });

  test('other webhook types are ignored; malformed sms_unsub names the missing fields', () => {
    expect(
      parseActiveCampaignWebhook(unsubscribe({ type: 'sms_reply' }), {
        secret: SECRET,
        providedSecret: SECRET,
      }),
    ).toBeNull();
    const params = unsubscribe();
    params.delete('contact[phone]');
    params.delete('contact[id]');
    expect(() => parseActiveCampaignWebhook(params, { secret: SECRET, providedSecret: SECRET })).toThrow(
      /contact\[id\] is required; contact\[phone\] is required/,
    );
    expect(() =>
      parseActiveCampaignWebhook(new URLSearchParams(), { secret: SECRET, providedSecret: SECRET }),
    ).toThrow(ValidationError);
  });
});

describe('createActiveCampaignWebhook (Express)', () => {
  async function serve() {
    const clock = createFixedClock('2026-03-02T15:00:00Z');
    const crm = createFakeCrm();
    const consent = createConsentManager({ store: createMemoryStore(), crm, clock, defaultCountry: 'US' });
    const app = express();
    app.post(
      '/activecampaign/sms',
      createActiveCampaignWebhook({ consent, secret: SECRET, onError: () => {} }),
    );
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/activecampaign/sms`;
    const post = (query: string, body: URLSearchParams | string) =>
      fetch(`${base}${query}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      });
    return { consent, crm, post, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  test('records the opt-out once, then syncs it to every contact with the number', async () => {
    const { consent, crm, post, close } = await serve();
    try {
      const other = crm.addContact({ phone: '+1 415 555 2671' });
      const first = await post(`?secret=${SECRET}`, unsubscribe());
      expect([first.status, await first.text()]).toEqual([200, 'recorded']);
      const again = await post(`?secret=${SECRET}`, unsubscribe());
      expect([again.status, await again.text()]).toEqual([200, 'duplicate']);
      const status = await consent.getStatus('+14155552671');
      expect(status).toMatchObject({ status: 'opted_out', since: '2026-03-02T14:15:42.000Z' });
      expect(status.cause).toMatchObject({ source: 'crm', evidence: { contactId: '42' } });
      await consent.sync();
      expect(crm.contact(other)?.smsConsent).toBe('opted_out');
    } finally {
      await close();
    }
  });

  test('403 without the secret, 400 for a malformed body, 200 for other types; never 410', async () => {
    const { consent, post, close } = await serve();
    try {
      expect((await post('?secret=wrong', unsubscribe())).status).toBe(403);
      expect((await post('', unsubscribe())).status).toBe(403);
      expect((await post(`?secret=${SECRET}`, unsubscribe({ 'contact[phone]': 'call me' }))).status).toBe(
        400,
      );
      const reply = await post(`?secret=${SECRET}`, unsubscribe({ type: 'sms_reply' }));
      expect([reply.status, await reply.text()]).toEqual([200, 'ignored']);
      expect((await consent.getStatus('+14155552671')).status).toBe('unknown');
    } finally {
      await close();
    }
  });
});
