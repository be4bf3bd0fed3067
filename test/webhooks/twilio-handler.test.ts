import { request as httpRequest } from 'node:http';
import { toNodeHandler } from 'sms-consent/node';
import { type TwilioHandlerOptions, twilioHandler } from 'sms-consent/twilio';
import twilio from 'twilio';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inboundParams, twilioSid } from '../twilio/fixtures.js';
import {
  AUTH_TOKEN,
  freshConsent,
  LEAD,
  type Listening,
  ledgerSize,
  listen,
  signedTwilioRequest,
} from './harness.js';

const URL_ = 'https://sms.example.com/twilio';
const EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

function setup(options: Partial<Omit<TwilioHandlerOptions, 'consent'>> = {}) {
  const { consent, store } = freshConsent();
  const errors: unknown[] = [];
  const handler = twilioHandler({
    consent,
    authToken: AUTH_TOKEN,
    onError: (error) => errors.push(error),
    ...options,
  });
  return { consent, store, handler, errors };
}

const servers: Listening[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('twilioHandler', () => {
  it('records a signed STOP and answers empty TwiML, since Twilio confirms its own keyword', async () => {
    const { consent, handler } = setup();
    const response = await handler(signedTwilioRequest(URL_, inboundParams({ Body: 'STOP' })));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await response.text()).toBe(EMPTY);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
  });

  it('answers a plain-language opt-out with the one confirmation, and a redelivery with none', async () => {
    const { consent, handler } = setup();
    const params = inboundParams({ Body: 'please stop texting me' });
    const first = await (await handler(signedTwilioRequest(URL_, params))).text();
    expect(first).toContain('<Message>');
    const again = await handler(signedTwilioRequest(URL_, params));
    expect(await again.text()).toBe(EMPTY);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
  });

  it('answers with the confirmation handleInbound claimed, with no second consume in the store', async () => {
    const { store, handler } = setup();
    const consume = vi.spyOn(store, 'consumeConfirmation');
    const params = inboundParams({ Body: 'please stop texting me' });
    const answers = await Promise.all(
      Array.from({ length: 4 }, async () => (await handler(signedTwilioRequest(URL_, params))).text()),
    );
    expect(answers.filter((answer) => answer.includes('<Message>'))).toHaveLength(1);
    expect(consume).not.toHaveBeenCalled();
  });

  it('puts the claimed confirmation back when onInbound fails, so the retry answers with it', async () => {
    let fail = true;
    const { consent, store, handler } = setup({
      onInbound: () => {
        if (fail) throw new Error('app database down');
      },
    });
    const params = inboundParams({ Body: 'please stop texting me' });
    expect((await handler(signedTwilioRequest(URL_, params))).status).toBe(500);
    expect((await store.getStatus('default', consent.normalize(LEAD)))?.confirmation).toBeDefined();
    fail = false;
    expect(await (await handler(signedTwilioRequest(URL_, params))).text()).toContain('<Message>');
    expect((await store.getStatus('default', consent.normalize(LEAD)))?.confirmation).toBeUndefined();
  });

  it('refuses a forged signature with 403 and records nothing', async () => {
    const { store, handler } = setup();
    const response = await handler(
      signedTwilioRequest(URL_, inboundParams({ Body: 'STOP' }), { authToken: 'another-token' }),
    );
    expect(response.status).toBe(403);
    expect(ledgerSize(store)).toBe(0);
  });

  it('refuses a missing signature with 403', async () => {
    const { store, handler } = setup();
    const response = await handler(
      new Request(URL_, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(inboundParams({ Body: 'STOP' })).toString(),
      }),
    );
    expect(response.status).toBe(403);
    expect(await response.text()).toBe('Missing X-Twilio-Signature header');
    expect(ledgerSize(store)).toBe(0);
  });

  it('accepts every auth token while rotating', async () => {
    const { consent, handler } = setup({ authToken: ['new-token-0123456789', AUTH_TOKEN] });
    const response = await handler(signedTwilioRequest(URL_, inboundParams({ Body: 'STOP' })));
    expect(response.status).toBe(200);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
  });

  it('checks the signature against publicUrl plus the path and query, not the internal URL', async () => {
    const { consent, handler } = setup({ publicUrl: 'https://public.example.com' });
    const params = inboundParams({ Body: 'STOP' });
    const request = signedTwilioRequest('http://10.0.0.5:3000/twilio?x=1', params, {
      signedUrl: 'https://public.example.com/twilio?x=1',
    });
    expect((await handler(request)).status).toBe(200);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
  });

  it('refuses a host outside a publicUrl list even with a signature valid for that host', async () => {
    const { store, handler } = setup({ publicUrl: ['https://sms.example.com', 'https://texts.example.org'] });
    const other = 'https://other-app.example.com/twilio';
    const response = await handler(signedTwilioRequest(other, inboundParams({ Body: 'STOP' })));
    expect(response.status).toBe(403);
    expect(ledgerSize(store)).toBe(0);
    expect((await handler(signedTwilioRequest(URL_, inboundParams({ Body: 'STOP' })))).status).toBe(200);
  });

  it('trusts a JSON body only through a matching bodySHA256', async () => {
    const { consent, store, handler } = setup();
    const body = JSON.stringify(inboundParams({ Body: 'STOP' }));
    const unsignedBody = new Request(URL_, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Twilio-Signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, URL_, {}),
      },
      body,
    });
    expect((await handler(unsignedBody)).status).toBe(403);
    const swapped = `${URL_}?bodySHA256=${twilio.getExpectedBodyHash(JSON.stringify(inboundParams({ Body: 'hello' })))}`;
    const tampered = new Request(swapped, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Twilio-Signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, swapped, {}),
      },
      body,
    });
    expect((await handler(tampered)).status).toBe(403);
    expect(ledgerSize(store)).toBe(0);
    const url = `${URL_}?bodySHA256=${twilio.getExpectedBodyHash(body)}`;
    const signed = new Request(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Twilio-Signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, {}),
      },
      body,
    });
    expect((await handler(signed)).status).toBe(200);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
  });

  it('takes the fields of a GET webhook from the signed URL only', async () => {
    const { consent, handler } = setup({ method: 'GET' });
    const url = `${URL_}?${new URLSearchParams(inboundParams({ Body: 'STOP' }))}`;
    const response = await handler(
      new Request(url, {
        headers: { 'X-Twilio-Signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, {}) },
      }),
    );
    expect(response.status).toBe(200);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
  });

  it('reads no body on GET: fields smuggled in a GET body are ignored', async () => {
    const { consent, store, handler } = setup({ method: 'GET' });
    const server = await listen(toNodeHandler(handler));
    servers.push(server);
    const url = `${server.origin}/twilio`;
    const body = new URLSearchParams(inboundParams({ Body: 'STOP' })).toString();
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        url,
        {
          method: 'GET',
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            'Content-Length': Buffer.byteLength(body),
            'X-Twilio-Signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, {}),
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(400);
    expect(ledgerSize(store)).toBe(0);
    expect((await consent.getStatus(LEAD)).status).toBe('unknown');
  });

  it('refuses methods Twilio does not use with 405', async () => {
    const { store, handler } = setup();
    const signed = signedTwilioRequest(URL_, inboundParams({ Body: 'STOP' }));
    const put = new Request(URL_, { method: 'PUT', headers: signed.headers, body: await signed.text() });
    const response = await handler(put);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(ledgerSize(store)).toBe(0);
  });

  it('answers only the method it was built for: a POST webhook refuses a signed GET, a GET one a POST', async () => {
    const post = setup();
    const url = `${URL_}?${new URLSearchParams(inboundParams({ Body: 'START' }))}`;
    const get = new Request(url, {
      headers: { 'X-Twilio-Signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, {}) },
    });
    const refusedGet = await post.handler(get);
    expect(refusedGet.status).toBe(405);
    expect(refusedGet.headers.get('allow')).toBe('POST');
    expect(ledgerSize(post.store)).toBe(0);

    const getOnly = setup({ method: 'GET' });
    const refusedPost = await getOnly.handler(signedTwilioRequest(URL_, inboundParams({ Body: 'STOP' })));
    expect(refusedPost.status).toBe(405);
    expect(refusedPost.headers.get('allow')).toBe('GET, HEAD');
    expect(ledgerSize(getOnly.store)).toBe(0);
  });

  it('answers 413 to a body over maxBodyBytes and 415 to another content type', async () => {
    const { store, handler } = setup({ maxBodyBytes: 64 });
    expect((await handler(signedTwilioRequest(URL_, inboundParams({ Body: 'x'.repeat(200) })))).status).toBe(
      413,
    );
    const xml = new Request(URL_, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml', 'X-Twilio-Signature': 'x' },
      body: '<a/>',
    });
    expect((await handler(xml)).status).toBe(415);
    expect(ledgerSize(store)).toBe(0);
  });

  it('answers 408 when the body does not arrive within bodyTimeoutMs', async () => {
    const { store, handler } = setup({ bodyTimeoutMs: 20 });
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('Body=STOP&'));
      },
    });
    const request = new Request(URL_, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': 'x' },
      body: stalled,
      duplex: 'half',
    } as RequestInit);
    expect((await handler(request)).status).toBe(408);
    expect(ledgerSize(store)).toBe(0);
  });

  it('answers 400 naming the malformed field', async () => {
    const { handler } = setup();
    const response = await handler(signedTwilioRequest(URL_, inboundParams({ MessageSid: 'nope' })));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('MessageSid');
  });

  it('records a 21610 status callback as a delivery-error opt-out, once', async () => {
    const { consent, store, handler } = setup();
    const params = {
      MessageSid: twilioSid('SM'),
      MessageStatus: 'failed',
      ErrorCode: '21610',
      To: LEAD,
      From: '+18005550100',
      AccountSid: `AC${'0'.repeat(32)}`,
    };
    expect((await handler(signedTwilioRequest(URL_, params))).status).toBe(200);
    expect((await handler(signedTwilioRequest(URL_, params))).status).toBe(200);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
    expect(ledgerSize(store)).toBe(1);
  });

  it('answers 500 when the tenant function finds none, and records nothing', async () => {
    const { store, handler, errors } = setup({ tenant: () => undefined });
    const response = await handler(signedTwilioRequest(URL_, inboundParams({ Body: 'STOP' })));
    expect(response.status).toBe(500);
    expect(errors).toHaveLength(1);
    expect(ledgerSize(store)).toBe(0);
  });

  it('answers 500 when the store fails, so Twilio retries', async () => {
    const { consent, store, errors } = setup();
    const failing = twilioHandler({
      consent: { ...consent, handleInbound: () => Promise.reject(new Error('database down')) },
      authToken: AUTH_TOKEN,
      onError: (error) => errors.push(error),
    });
    const response = await failing(signedTwilioRequest(URL_, inboundParams({ Body: 'STOP' })));
    expect(response.status).toBe(500);
    expect(ledgerSize(store)).toBe(0);
  });
});

describe('twilioHandler: the URL rule it shares with createTwilioWebhook', () => {
  const ours = 'https://sms.example.com';
  const ourOther = 'https://texts.example.org/hooks';
  // Another app of the same Twilio account: Twilio signs its webhooks with the same auth token.
  const neighbour = 'https://crm.example.net';
  const internal = 'http://10.0.0.5:3000/twilio';

  it('accepts a request signed for any URL of a publicUrl list, and none other', async () => {
    const { store, handler } = setup({ publicUrl: [ours, ourOther] });
    for (const base of [ours, ourOther]) {
      const request = signedTwilioRequest(internal, inboundParams({ Body: 'STOP' }), {
        signedUrl: `${base}/twilio`,
      });
      expect((await handler(request)).status).toBe(200);
    }
    const replay = signedTwilioRequest(internal, inboundParams({ Body: 'START' }), {
      signedUrl: `${neighbour}/twilio`,
    });
    expect((await handler(replay)).status).toBe(403);
    expect(ledgerSize(store)).toBe(2);
  });

  it('with trustProxy, takes only the publicUrl the forwarded origin names and refuses one outside', async () => {
    const { store, handler } = setup({ publicUrl: [ours, ourOther], trustProxy: true });
    const forwarded = (host: string) => ({ 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': host });
    const viaOther = signedTwilioRequest(internal, inboundParams({ Body: 'STOP' }), {
      signedUrl: `${ourOther}/twilio`,
      headers: forwarded('texts.example.org'),
    });
    expect((await handler(viaOther)).status).toBe(200);
    // Signed for one allowed URL, forwarded as the other: the forwarded origin picks the URL checked.
    const crossed = signedTwilioRequest(internal, inboundParams({ Body: 'START' }), {
      signedUrl: `${ours}/twilio`,
      headers: forwarded('texts.example.org'),
    });
    expect((await handler(crossed)).status).toBe(403);
    const outside = signedTwilioRequest(internal, inboundParams({ Body: 'START' }), {
      signedUrl: `${neighbour}/twilio`,
      headers: forwarded('crm.example.net'),
    });
    const refused = await handler(outside);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('crm.example.net');
    expect(ledgerSize(store)).toBe(1);
  });

  it('never reads forwarded headers without trustProxy', async () => {
    const { store, handler } = setup({ publicUrl: ours });
    const request = signedTwilioRequest(internal, inboundParams({ Body: 'STOP' }), {
      signedUrl: `${neighbour}/twilio`,
      headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'crm.example.net' },
    });
    expect((await handler(request)).status).toBe(403);
    expect(ledgerSize(store)).toBe(0);
  });

  it('refuses at creation trustProxy without publicUrl, and a method Twilio cannot be configured with', () => {
    const { consent } = freshConsent();
    expect(() => twilioHandler({ consent, authToken: AUTH_TOKEN, trustProxy: true })).toThrow(
      /trustProxy needs publicUrl/,
    );
    expect(() => twilioHandler({ consent, authToken: AUTH_TOKEN, publicUrl: [] })).toThrow(
      /at least one URL/,
    );
    // A typo must not silently become POST.
    const method = 'PUT' as unknown as 'POST';
    expect(() => twilioHandler({ consent, authToken: AUTH_TOKEN, method })).toThrow(
      /method must be 'POST' or 'GET'/,
    );
  });
});
