import express from 'express';
import {
  ConsentError,
  type ConsentManager,
  type ConsentManagerOptions,
  createConsentManager,
  createMemoryStore,
} from 'sms-consent';
import { createTwilioWebhook, type TwilioWebhookOptions } from 'sms-consent/express';
import type { MemoryConsentStore } from 'sms-consent/store';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACCOUNT_SID, inboundParams, OUR_NUMBER, twilioSid } from '../twilio/fixtures.js';
import { AUTH_TOKEN, postSigned, postSignedJson, type RunningApp, startApp } from './harness.js';

const LEAD = '+14155552671';
const EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

interface Setup {
  readonly app: RunningApp;
  readonly consent: ConsentManager;
  readonly store: MemoryConsentStore;
  readonly inbound: string;
  readonly status: string;
}

const running: RunningApp[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.close()));
});

async function setup(
  options: Partial<Omit<TwilioWebhookOptions, 'consent'>> = {},
  manager: Partial<ConsentManagerOptions> = {},
  configure?: (app: express.Express) => void,
): Promise<Setup> {
  const store = createMemoryStore();
  const consent = createConsentManager({ store, defaultCountry: 'US', ...manager });
  const hook = createTwilioWebhook({ consent, authToken: AUTH_TOKEN, onError: () => {}, ...options });
  const app = await startApp((server) => {
    configure?.(server);
    server.post('/twilio/inbound', hook.inbound);
    server.get('/twilio/inbound', hook.inbound);
    server.post('/twilio/status', hook.status);
  });
  running.push(app);
  return {
    app,
    consent,
    store,
    inbound: `${app.origin}/twilio/inbound`,
    status: `${app.origin}/twilio/status`,
  };
}

function ledgerSize(store: MemoryConsentStore, tenantId = 'default'): number {
  return store.internals.tenants.get(tenantId)?.events.length ?? 0;
}

describe('createTwilioWebhook inbound', () => {
  it('records STOP and answers empty TwiML, since Twilio confirms its own keyword', async () => {
    const { consent, inbound } = await setup();
    const params = inboundParams({ Body: 'STOP' });
    const response = await postSigned({ target: inbound, params });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await response.text()).toBe(EMPTY);
    const status = await consent.getStatus(LEAD);
    expect(status.status).toBe('opted_out');
    expect(status.cause?.evidence).toMatchObject({
      messageId: params.MessageSid,
      body: 'STOP',
      accountId: ACCOUNT_SID,
    });
  });

  it('records START after STOP and HELP changes nothing', async () => {
    const { consent, store, inbound } = await setup();
    await postSigned({ target: inbound, params: inboundParams({ Body: 'STOP' }) });
    const start = await postSigned({ target: inbound, params: inboundParams({ Body: 'START' }) });
    expect(await start.text()).toBe(EMPTY);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_in');
    const help = await postSigned({ target: inbound, params: inboundParams({ Body: 'HELP' }) });
    expect(help.status).toBe(200);
    expect(await help.text()).toBe(EMPTY);
    expect(ledgerSize(store)).toBe(2);
  });

  it('answers a folded STOP with the one confirmation, escaped, and a retried webhook with nothing', async () => {
    const { consent, store, inbound } = await setup(
      {},
      { replies: { optOutConfirmation: 'Unsubscribed from <Acme & Co>. Reply START to resubscribe.' } },
    );
    const params = inboundParams({ Body: 'Stop.' });
    const first = await postSigned({ target: inbound, params });
    expect(first.status).toBe(200);
    expect(await first.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Unsubscribed from &lt;Acme &amp; Co&gt;. Reply START to resubscribe.</Message></Response>',
    );
    const retry = await postSigned({ target: inbound, params });
    expect(retry.status).toBe(200);
    expect(await retry.text()).toBe(EMPTY);
    expect(ledgerSize(store)).toBe(1);
    expect(
      (await consent.canSend(LEAD, { body: 'Unsubscribed from <Acme & Co>. Reply START to resubscribe.' }))
        .allowed,
    ).toBe(false);
  });

  it('sends the confirmation once even when Twilio retries concurrently', async () => {
    const { store, inbound } = await setup();
    const params = inboundParams({ Body: 'stop!' });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        postSigned({ target: inbound, params }).then((response) => response.text()),
      ),
    );
    expect(answers.filter((answer) => answer.includes('<Message>'))).toHaveLength(1);
    expect(ledgerSize(store)).toBe(1);
  });

  it('answers a duplicate MessageSid with 200 and records no second event', async () => {
    const { store, inbound } = await setup();
    const params = inboundParams({ Body: 'STOP' });
    expect((await postSigned({ target: inbound, params })).status).toBe(200);
    expect((await postSigned({ target: inbound, params })).status).toBe(200);
    expect(ledgerSize(store)).toBe(1);
  });

  it.each([
    ['a forged signature', { signature: 'bm90IGEgcmVhbCBzaWduYXR1cmU=' }],
    ['no signature', { signature: null }],
    ['another account token', { authToken: 'some-other-token' }],
    ['a tampered body', { signedParamsOverride: { Body: 'Hello' } }],
  ] as const)('refuses %s with 403 and records nothing', async (_name, change) => {
    const { store, inbound } = await setup();
    const params = inboundParams({ Body: 'STOP' });
    const { signedParamsOverride, ...rest } = { signedParamsOverride: undefined, ...change };
    const response = signedParamsOverride
      ? await fetchTampered(inbound, params, { ...params, ...signedParamsOverride })
      : await postSigned({ target: inbound, params, ...rest });
    expect(response.status).toBe(403);
    expect(ledgerSize(store)).toBe(0);
  });

  it('checks the signature on publicUrl + path and query when set', async () => {
    const { consent, app } = await setup({ publicUrl: 'https://sms.example.com/' });
    const target = `${app.origin}/twilio/inbound?tenant=x`;
    const params = inboundParams({ Body: 'STOP' });
    const signedUrl = 'https://sms.example.com/twilio/inbound?tenant=x';
    expect((await postSigned({ target, signedUrl, params })).status).toBe(200);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
    const asSeenLocally = await postSigned({ target, params: inboundParams({ Body: 'START' }) });
    expect(asSeenLocally.status).toBe(403);
  });

  it('accepts the URL signed with the default port (Twilio may sign either)', async () => {
    const { app } = await setup({ publicUrl: 'https://sms.example.com' });
    const response = await postSigned({
      target: `${app.origin}/twilio/inbound`,
      signedUrl: 'https://sms.example.com:443/twilio/inbound',
      params: inboundParams({ Body: 'STOP' }),
    });
    expect(response.status).toBe(200);
  });

  it('uses X-Forwarded-Proto and X-Forwarded-Host only when trustProxy is set', async () => {
    const forwarded = { 'X-Forwarded-Proto': 'https, http', 'X-Forwarded-Host': 'sms.example.com' };
    const signedUrl = 'https://sms.example.com/twilio/inbound';
    const trusted = await setup({ trustProxy: true, publicUrl: 'https://sms.example.com' });
    const ok = await postSigned({
      target: trusted.inbound,
      signedUrl,
      params: inboundParams(),
      headers: forwarded,
    });
    expect(ok.status).toBe(200);
    const untrusted = await setup();
    const refused = await postSigned({
      target: untrusted.inbound,
      signedUrl,
      params: inboundParams(),
      headers: forwarded,
    });
    expect(refused.status).toBe(403);
    const body = await refused.text();
    expect(body).toContain('set publicUrl (and trustProxy)');
  });

  it('honours Express "trust proxy" for the protocol when no option is given', async () => {
    const { inbound } = await setup({}, {}, (app) => app.set('trust proxy', 'loopback'));
    const signedUrl = inbound.replace('http:', 'https:');
    const response = await postSigned({
      target: inbound,
      signedUrl,
      params: inboundParams(),
      headers: { 'X-Forwarded-Proto': 'https' },
    });
    expect(response.status).toBe(200);
  });

  it('accepts a webhook configured for HTTP GET, the fields in the signed query', async () => {
    const { consent, store, inbound } = await setup({ method: 'GET' });
    const url = `${inbound}?${new URLSearchParams(inboundParams({ Body: 'STOP' }))}`;
    const { default: twilio } = await import('twilio');
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, {});
    const response = await fetch(url, { headers: { 'X-Twilio-Signature': signature } });
    expect(response.status).toBe(200);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
    const forged = await fetch(url.replace('Body=STOP', 'Body=START'), {
      headers: { 'X-Twilio-Signature': signature },
    });
    expect(forged.status).toBe(403);
    expect(ledgerSize(store)).toBe(1);
  });

  it('accepts a JSON body signed through bodySHA256 and refuses a tampered one', async () => {
    const { consent, store, inbound } = await setup();
    const body = JSON.stringify(inboundParams({ Body: 'STOP' }));
    const response = await postSignedJson(inbound, body);
    expect(response.status).toBe(200);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
    const forged = JSON.stringify(inboundParams({ Body: 'START' }));
    expect((await postSignedJson(inbound, forged, { signedBody: body })).status).toBe(403);
    expect(ledgerSize(store)).toBe(1);
  });

  it.each([
    ['a missing MessageSid', () => withoutField('MessageSid'), 'MessageSid is required'],
    ['a malformed MessageSid', () => inboundParams({ MessageSid: 'SM-nope' }), 'MessageSid must be SM or MM'],
    ['a sender that is not a phone number', () => inboundParams({ From: '12345' }), 'Invalid phone number'],
  ])('answers %s with 400 naming the problem', async (_name, params, message) => {
    const { store, inbound } = await setup();
    const response = await postSigned({ target: inbound, params: params() });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(message);
    expect(ledgerSize(store)).toBe(0);
  });

  it('treats fields named like Object.prototype members as plain fields (regression)', async () => {
    const { consent, store, inbound } = await setup();
    const odd: Record<string, string> = inboundParams({ Body: 'STOP' });
    for (const name of ['constructor', 'toString', 'valueOf', 'hasOwnProperty']) odd[name] = 'x';
    Object.defineProperty(odd, '__proto__', { value: 'x', enumerable: true });
    expect((await postSigned({ target: inbound, params: odd })).status).toBe(200);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
    const unsigned = await postSigned({ target: inbound, params: odd, signature: 'forged' });
    expect(unsigned.status).toBe(403);
    expect(ledgerSize(store)).toBe(1);
  });

  it('answers malformed JSON with 400', async () => {
    const { inbound } = await setup();
    const response = await postSignedJson(inbound, '{"MessageSid":');
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Malformed JSON body');
  });

  it('answers an unsupported content type with 415', async () => {
    const { inbound } = await setup();
    const response = await fetch(inbound, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'STOP',
    });
    expect(response.status).toBe(415);
  });

  it('answers an oversized body with 413, with or without Content-Length', async () => {
    const { store, inbound } = await setup({ maxBodyBytes: 4096 });
    const params = inboundParams({ Body: 'STOP'.padEnd(10_000, '!') });
    expect((await postSigned({ target: inbound, params })).status).toBe(413);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let index = 0; index < 10; index++)
          controller.enqueue(new TextEncoder().encode('Body=xxxxxxxxxx'.repeat(100)));
        controller.close();
      },
    });
    const streamed = await fetch(inbound, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': 'x' },
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(ledgerSize(store)).toBe(0);
  });

  it('answers 500 when the store fails, so Twilio retries, and the retry records it', async () => {
    const store = createMemoryStore();
    let down = true;
    const flaky: MemoryConsentStore = {
      ...store,
      transact: (tenantId, phone, fn) =>
        down
          ? Promise.reject(new ConsentError('STORE_FAILURE', 'database unavailable'))
          : store.transact(tenantId, phone, fn),
    };
    const consent = createConsentManager({ store: flaky, defaultCountry: 'US' });
    const onError = vi.fn();
    const hook = createTwilioWebhook({ consent, authToken: AUTH_TOKEN, onError });
    const app = await startApp((server) => server.post('/in', hook.inbound));
    running.push(app);
    const params = inboundParams({ Body: 'STOP' });
    const failed = await postSigned({ target: `${app.origin}/in`, params });
    expect(failed.status).toBe(500);
    expect(onError).toHaveBeenCalledOnce();
    expect((await consent.getStatus(LEAD)).status).toBe('unknown');
    down = false;
    expect((await postSigned({ target: `${app.origin}/in`, params })).status).toBe(200);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
  });

  it('maps each request to its tenant by the number it was sent to', async () => {
    const tenants: Record<string, string> = { '+18005550100': 'acme', '+18005550199': 'globex' };
    const { consent, inbound } = await setup({
      tenant: ({ number }) => (number ? tenants[number] : undefined),
    });
    await postSigned({ target: inbound, params: inboundParams({ Body: 'STOP', To: '+18005550100' }) });
    expect((await consent.getStatus(LEAD, { tenantId: 'acme' })).status).toBe('opted_out');
    expect((await consent.getStatus(LEAD, { tenantId: 'globex' })).status).toBe('unknown');
    expect((await consent.getStatus(LEAD)).status).toBe('unknown');
  });

  it('answers 500 and records nothing when the tenant function finds no tenant', async () => {
    const onError = vi.fn();
    const { consent, inbound, store } = await setup({ tenant: () => undefined, onError });
    const response = await postSigned({ target: inbound, params: inboundParams({ Body: 'STOP' }) });
    expect(response.status).toBe(500);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'CONFIG' }), expect.anything());
    expect((await consent.getStatus(LEAD)).status).toBe('unknown');
    expect(ledgerSize(store)).toBe(0);
  });

  it('maps a request to its tenant by AccountSid, or to a fixed tenant', async () => {
    const byAccount = await setup({
      tenant: ({ accountSid }) => (accountSid === ACCOUNT_SID ? 'acme' : undefined),
    });
    await postSigned({ target: byAccount.inbound, params: inboundParams({ Body: 'STOP' }) });
    expect((await byAccount.consent.getStatus(LEAD, { tenantId: 'acme' })).status).toBe('opted_out');
    const fixed = await setup({ tenant: 'initech' });
    await postSigned({ target: fixed.inbound, params: inboundParams({ Body: 'STOP' }) });
    expect((await fixed.consent.getStatus(LEAD, { tenantId: 'initech' })).status).toBe('opted_out');
  });

  it('works after a form body parser mounted before it', async () => {
    const { consent, inbound } = await setup({}, {}, (app) =>
      app.use(express.urlencoded({ extended: false })),
    );
    expect((await postSigned({ target: inbound, params: inboundParams({ Body: 'STOP' }) })).status).toBe(200);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
  });

  it('hands the recorded message to onInbound, and answers 500 when it throws', async () => {
    const seen: string[] = [];
    let fail = true;
    const { inbound } = await setup({
      onInbound: ({ message, result }) => {
        if (fail) throw new Error('app database down');
        seen.push(`${message.body}:${result.intent}:${result.duplicate}:${result.reply !== undefined}`);
      },
    });
    const params = inboundParams({ Body: 'Stop.' });
    expect((await postSigned({ target: inbound, params })).status).toBe(500);
    fail = false;
    const retry = await postSigned({ target: inbound, params });
    expect(await retry.text()).toContain('<Message>');
    expect(seen).toEqual(['Stop.:opt_out:true:true']);
  });
});

describe('createTwilioWebhook status', () => {
  function statusParams(overrides: Record<string, string> = {}) {
    return {
      MessageSid: twilioSid('SM'),
      MessageStatus: 'undelivered',
      To: '(415) 555-2671',
      From: OUR_NUMBER,
      AccountSid: ACCOUNT_SID,
      ...overrides,
    };
  }

  it('records the opt-out of a 21610 failure, once per MessageSid', async () => {
    const { consent, store, status } = await setup();
    const params = statusParams({ ErrorCode: '21610' });
    expect((await postSigned({ target: status, params })).status).toBe(200);
    expect((await postSigned({ target: status, params })).status).toBe(200);
    const current = await consent.getStatus(LEAD);
    expect(current.status).toBe('opted_out');
    expect(current.cause).toMatchObject({
      source: 'delivery_error',
      evidence: { errorCode: 21610, messageId: params.MessageSid },
    });
    expect(ledgerSize(store)).toBe(1);
  });

  it('answers 200 and changes nothing for other statuses', async () => {
    const { store, status } = await setup();
    for (const params of [
      statusParams({ MessageStatus: 'delivered' }),
      statusParams({ ErrorCode: '30006', MessageStatus: 'failed' }),
    ]) {
      expect((await postSigned({ target: status, params })).status).toBe(200);
    }
    expect(ledgerSize(store)).toBe(0);
  });

  it('refuses an unsigned status callback and names a malformed one', async () => {
    const { store, status } = await setup();
    expect(
      (await postSigned({ target: status, params: statusParams({ ErrorCode: '21610' }), signature: null }))
        .status,
    ).toBe(403);
    const malformed = await postSigned({ target: status, params: statusParams({ MessageStatus: '' }) });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toContain('MessageStatus');
    expect(ledgerSize(store)).toBe(0);
  });

  it('maps the status callback to the tenant of the number it was sent from', async () => {
    const { consent, status } = await setup({
      tenant: ({ kind, number }) => (kind === 'status' && number === OUR_NUMBER ? 'acme' : undefined),
    });
    await postSigned({ target: status, params: statusParams({ ErrorCode: '21610' }) });
    expect((await consent.getStatus(LEAD, { tenantId: 'acme' })).status).toBe('opted_out');
  });
});

function withoutField(name: string): Record<string, string> {
  const { [name]: _removed, ...rest } = inboundParams();
  return rest;
}

/** Signs `signed` but sends `sent`: what an attacker replaying a captured signature would do. */
async function fetchTampered(target: string, sent: Record<string, string>, signed: Record<string, string>) {
  const { default: twilio } = await import('twilio');
  return fetch(target, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, target, signed),
    },
    body: new URLSearchParams(sent),
  });
}
