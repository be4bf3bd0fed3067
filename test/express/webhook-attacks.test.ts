import { connect } from 'node:net';
import { ConsentError, type ConsentManager, createConsentManager, createMemoryStore } from 'sms-consent';
import { createTwilioWebhook, type TwilioWebhookOptions } from 'sms-consent/express';
import type { MemoryConsentStore } from 'sms-consent/store';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { inboundParams, twilioSid } from '../twilio/fixtures.js';
import { AUTH_TOKEN, postSigned, type RunningApp, rawRequest, startApp } from './harness.js';

const VICTIM = '+14155552671';

const running: RunningApp[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.close()));
});

interface Setup {
  readonly consent: ConsentManager;
  readonly store: MemoryConsentStore;
  readonly inbound: string;
}

/** A real Express app with the inbound hook mounted for every method, as `app.all` or a router does. */
async function setup(options: Partial<Omit<TwilioWebhookOptions, 'consent'>> = {}): Promise<Setup> {
  const store = createMemoryStore();
  const consent = createConsentManager({ store, defaultCountry: 'US' });
  const hook = createTwilioWebhook({ consent, authToken: AUTH_TOKEN, onError: () => {}, ...options });
  const app = await startApp((server) => server.all('/twilio/inbound', hook.inbound));
  running.push(app);
  return { consent, store, inbound: `${app.origin}/twilio/inbound` };
}

function ledgerSize(store: MemoryConsentStore): number {
  return store.internals.tenants.get('default')?.events.length ?? 0;
}

/** The victim's STOP as Twilio sends it to a GET webhook: the URL, and the signature of the URL alone. */
async function capturedGetStop(setup: Setup) {
  const url = `${setup.inbound}?${new URLSearchParams(inboundParams({ Body: 'STOP' }))}`;
  const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, {});
  const delivered = await fetch(url, { headers: { 'X-Twilio-Signature': signature } });
  expect(delivered.status).toBe(200);
  expect((await setup.consent.getStatus(VICTIM)).status).toBe('opted_out');
  return { url, signature };
}

const forgedStart = () => JSON.stringify(inboundParams({ Body: 'START', MessageSid: twilioSid('SM') }));

describe('a webhook configured for HTTP GET', () => {
  it.each(['HEAD', 'GET'])(
    'takes the fields from the signed URL only: a %s replay with a forged JSON body lifts no opt-out',
    async (method) => {
      const hook = await setup({ method: 'GET' });
      const { url, signature } = await capturedGetStop(hook);
      const replay = await rawRequest(url, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-Twilio-Signature': signature },
        body: forgedStart(),
      });
      expect(replay.status).toBe(200);
      expect((await hook.consent.getStatus(VICTIM)).status).toBe('opted_out');
      expect(ledgerSize(hook.store)).toBe(1);
    },
  );

  it('leaves the one confirmation for the GET when a HEAD of the same URL comes first', async () => {
    const hook = await setup({ method: 'GET' });
    const url = `${hook.inbound}?${new URLSearchParams(inboundParams({ Body: 'Stop.' }))}`;
    const headers = { 'X-Twilio-Signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, {}) };
    expect((await rawRequest(url, { method: 'HEAD', headers })).status).toBe(200);
    expect((await hook.consent.getStatus(VICTIM)).status).toBe('opted_out');
    const get = await rawRequest(url, { method: 'GET', headers });
    expect(get.status).toBe(200);
    expect(get.text).toContain('<Message>');
  });

  it('refuses a POST: the captured URL signature cannot carry a body', async () => {
    const hook = await setup({ method: 'GET' });
    const { url, signature } = await capturedGetStop(hook);
    const replay = await rawRequest(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Twilio-Signature': signature },
      body: forgedStart(),
    });
    expect(replay.status).toBe(405);
    expect(replay.headers.allow).toBe('GET, HEAD');
    expect((await hook.consent.getStatus(VICTIM)).status).toBe('opted_out');
    expect(ledgerSize(hook.store)).toBe(1);
  });
});

describe('a status callback configured for HTTP GET', () => {
  it('records a 21610 from the signed query, and refuses a POST to it with 405', async () => {
    const store = createMemoryStore();
    const consent = createConsentManager({ store, defaultCountry: 'US' });
    const hook = createTwilioWebhook({
      consent,
      authToken: AUTH_TOKEN,
      statusMethod: 'GET',
      onError: () => {},
    });
    const app = await startApp((server) => server.all('/twilio/status', hook.status));
    running.push(app);
    const fields = {
      MessageSid: twilioSid('SM'),
      MessageStatus: 'undelivered',
      ErrorCode: '21610',
      To: VICTIM,
      From: '+18005550100',
      AccountSid: `AC${'0'.repeat(32)}`,
    };
    const url = `${app.origin}/twilio/status?${new URLSearchParams(fields)}`;
    const headers = { 'X-Twilio-Signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, {}) };
    const refused = await rawRequest(url, { method: 'POST', headers });
    expect(refused.status).toBe(405);
    expect(ledgerSize(store)).toBe(0);
    expect((await rawRequest(url, { method: 'GET', headers })).status).toBe(200);
    expect((await consent.getStatus(VICTIM)).status).toBe('opted_out');
  });
});

describe('a webhook configured for HTTP POST (the default)', () => {
  it.each(['GET', 'HEAD', 'PUT'])('refuses a signed %s with 405 and records nothing', async (method) => {
    const hook = await setup();
    const url = `${hook.inbound}?${new URLSearchParams(inboundParams({ Body: 'STOP' }))}`;
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, {});
    const response = await rawRequest(url, { method, headers: { 'X-Twilio-Signature': signature } });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
    expect(ledgerSize(hook.store)).toBe(0);
  });

  it('trusts a JSON body only with a matching bodySHA256: the URL signature alone is refused', async () => {
    const hook = await setup();
    await postSigned({ target: hook.inbound, params: inboundParams({ Body: 'STOP' }) });
    expect((await hook.consent.getStatus(VICTIM)).status).toBe('opted_out');
    // A signature of the bare URL, as Twilio gives for a GET webhook or a JSON one with its bodySHA256.
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, hook.inbound, {});
    const forged = await rawRequest(hook.inbound, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Twilio-Signature': signature },
      body: forgedStart(),
    });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('bodySHA256');
    expect((await hook.consent.getStatus(VICTIM)).status).toBe('opted_out');
    expect(ledgerSize(hook.store)).toBe(1);
  });

  it('validates exactly as twilio.validateRequest does for a signed form POST', async () => {
    const hook = await setup();
    const params = inboundParams({ Body: 'STOP' });
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, hook.inbound, params);
    expect(twilio.validateRequest(AUTH_TOKEN, signature, hook.inbound, params)).toBe(true);
    expect((await postSigned({ target: hook.inbound, params, signature })).status).toBe(200);
    const tampered = { ...params, Body: 'START', MessageSid: twilioSid('SM') };
    expect(twilio.validateRequest(AUTH_TOKEN, signature, hook.inbound, tampered)).toBe(false);
    expect((await postSigned({ target: hook.inbound, params: tampered, signature })).status).toBe(403);
    expect(ledgerSize(hook.store)).toBe(1);
  });
});

/**
 * Opens a raw connection, sends the headers of a form POST that announces `announced` bytes and
 * only part of it, and never more: a stalled upload. Resolves with all the server wrote once it
 * closes the connection.
 */
function stalledUpload(target: string, announced: number): Promise<string> {
  const { hostname, port, pathname } = new URL(target);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    socket.write(
      `POST ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: x\r\nContent-Length: ${announced}\r\n\r\nBody=ST`,
    );
  });
}

describe('the body read deadline', () => {
  it('answers a stalled upload 408 and closes its connection instead of holding it', async () => {
    const hook = await setup({ bodyTimeoutMs: 50 });
    const answers = await Promise.all([1, 2, 3].map(() => stalledUpload(hook.inbound, 1000)));
    for (const answer of answers) {
      expect(answer.startsWith('HTTP/1.1 408')).toBe(true);
      expect(answer.toLowerCase()).toContain('connection: close');
    }
    expect(ledgerSize(hook.store)).toBe(0);
  });

  it('refuses a read deadline that is not a positive integer', () => {
    const consent = createConsentManager({ store: createMemoryStore() });
    for (const bodyTimeoutMs of [0, -1, 1.5, Number.NaN]) {
      expect(() => createTwilioWebhook({ consent, authToken: AUTH_TOKEN, bodyTimeoutMs })).toThrow(
        ConsentError,
      );
    }
  });
});

describe('the public URLs the signature may cover', () => {
  const ours = 'https://sms.example.com';
  const ourOther = 'https://texts.example.org/hooks';
  // Another app of the same Twilio account: Twilio signs its webhooks with the same auth token.
  const neighbour = 'https://crm.example.net';

  it('refuses trustProxy without an allow-list of public URLs at creation', () => {
    const consent = createConsentManager({ store: createMemoryStore() });
    const error = (() => {
      try {
        createTwilioWebhook({ consent, authToken: AUTH_TOKEN, trustProxy: true });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConsentError);
    expect((error as ConsentError).code).toBe('CONFIG');
    expect((error as ConsentError).message).toContain('publicUrl');
  });

  it('refuses a request signed for another app of the account, replayed with its forwarded host', async () => {
    const hook = await setup({ trustProxy: true, publicUrl: [ours, ourOther] });
    const stop = await postSigned({
      target: hook.inbound,
      signedUrl: `${neighbour}/twilio/inbound`,
      params: inboundParams({ Body: 'STOP' }),
      headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'crm.example.net' },
    });
    expect(stop.status).toBe(403);
    expect(await stop.text()).toContain('crm.example.net');
    expect(ledgerSize(hook.store)).toBe(0);
  });

  it('with trustProxy, accepts each allowed public URL the proxy forwards for', async () => {
    const hook = await setup({ trustProxy: true, publicUrl: [ours, ourOther] });
    const first = await postSigned({
      target: hook.inbound,
      signedUrl: `${ours}/twilio/inbound`,
      params: inboundParams({ Body: 'STOP' }),
      headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'sms.example.com' },
    });
    expect(first.status).toBe(200);
    // The proxy strips /hooks: the app sees /twilio/inbound, Twilio signed /hooks/twilio/inbound.
    const second = await postSigned({
      target: hook.inbound,
      signedUrl: `${ourOther}/twilio/inbound`,
      params: inboundParams({ Body: 'START' }),
      headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'texts.example.org' },
    });
    expect(second.status).toBe(200);
    expect(ledgerSize(hook.store)).toBe(2);
  });

  it('refuses a request signed for an app under another path of our host, its prefix smuggled in Host', async () => {
    const hook = await setup({ publicUrl: ours });
    // Another app of the account behind the same host, at /crm: Twilio signed its own URL.
    const params = inboundParams({ Body: 'STOP' });
    const replay = await rawRequest(hook.inbound, {
      method: 'POST',
      headers: {
        Host: 'sms.example.com/crm',
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': twilio.getExpectedTwilioSignature(
          AUTH_TOKEN,
          `${ours}/crm/twilio/inbound`,
          params,
        ),
      },
      body: new URLSearchParams(params).toString(),
    });
    expect(replay.status).toBe(403);
    expect(ledgerSize(hook.store)).toBe(0);
  });

  it('without trustProxy, accepts a request signed for any allowed URL and refuses one for another host', async () => {
    const hook = await setup({ publicUrl: [ours, ourOther] });
    for (const base of [ours, ourOther]) {
      const response = await postSigned({
        target: hook.inbound,
        signedUrl: `${base}/twilio/inbound`,
        params: inboundParams({ Body: 'STOP' }),
      });
      expect(response.status).toBe(200);
    }
    const params = inboundParams({ Body: 'START' });
    const replay = await rawRequest(hook.inbound, {
      method: 'POST',
      headers: {
        Host: 'crm.example.net',
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': twilio.getExpectedTwilioSignature(
          AUTH_TOKEN,
          `${neighbour}/twilio/inbound`,
          params,
        ),
      },
      body: new URLSearchParams(params).toString(),
    });
    expect(replay.status).toBe(403);
    expect(ledgerSize(hook.store)).toBe(2);
  });
});
