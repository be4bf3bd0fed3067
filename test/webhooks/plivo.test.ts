import fc from 'fast-check';
import { validateV3Signature } from 'plivo';
import { type PlivoHandlerOptions, plivoHandler, verifyPlivoSignature } from 'sms-consent/plivo';
import { describe, expect, it } from 'vitest';
import { freshConsent, LEAD, ledgerSize } from './harness.js';
import { plivoInbound, plivoSign } from './providers.js';

const AUTH_TOKEN = 'plivo-auth-token-0123456789';
const URL_ = 'https://sms.example.com/plivo?app=1';
const EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

function setup(options: Partial<Omit<PlivoHandlerOptions, 'consent'>> = {}) {
  const { consent, store } = freshConsent();
  const handler = plivoHandler({ consent, authToken: AUTH_TOKEN, onError: () => {}, ...options });
  return { consent, store, handler };
}

function signed(
  params: Record<string, string>,
  options: { token?: string; url?: string; extra?: string } = {},
): Request {
  const url = options.url ?? URL_;
  const nonce = `n${Math.random().toString(36).slice(2)}`;
  const signature = plivoSign(options.token ?? AUTH_TOKEN, url, params, nonce);
  return new Request(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Plivo-Signature-V3': options.extra ? `${options.extra},${signature}` : signature,
      'X-Plivo-Signature-V3-Nonce': nonce,
    },
    body: new URLSearchParams(params).toString(),
  });
}

describe('plivoHandler', () => {
  it('signs test requests the way the official plivo validator accepts', () => {
    const params = plivoInbound();
    const signature = plivoSign(AUTH_TOKEN, URL_, params, 'nonce-1');
    expect(validateV3Signature('POST', URL_, 'nonce-1', AUTH_TOKEN, signature, params)).toBe(true);
  });

  it('records a signed STOP and answers empty Plivo XML, since Plivo confirms its own keyword', async () => {
    const { consent, handler } = setup();
    const response = await handler(signed(plivoInbound({ Text: 'STOP' })));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(EMPTY);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
  });

  it('answers a plain-language opt-out with the one confirmation as Plivo XML, a redelivery with none', async () => {
    const { handler } = setup();
    const params = plivoInbound({ Text: 'please stop texting me' });
    const first = await (await handler(signed(params))).text();
    expect(first).toMatch(/<Message src="\+18005550100" dst="\+14155552671" type="sms">/);
    expect(await (await handler(signed(params))).text()).toBe(EMPTY);
  });

  it('accepts a header with several signatures, and every auth token while rotating', async () => {
    const { consent, handler } = setup({ authToken: ['next-token-0123456789', AUTH_TOKEN] });
    const response = await handler(signed(plivoInbound({ Text: 'STOP' }), { extra: 'bm90LWl0' }));
    expect(response.status).toBe(200);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
  });

  it('refuses a forged or missing signature with 403 naming what failed, and records nothing', async () => {
    const { store, handler } = setup();
    const forged = await handler(signed(plivoInbound({ Text: 'STOP' }), { token: 'wrong-token' }));
    expect(forged.status).toBe(403);
    expect(await forged.text()).toMatch(/does not match/);
    const bare = new Request(URL_, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(plivoInbound({ Text: 'STOP' })).toString(),
    });
    expect(await (await handler(bare)).text()).toBe('Missing X-Plivo-Signature-V3 header');
    expect(ledgerSize(store)).toBe(0);
  });

  it('records error 200 of a status callback as a delivery-error opt-out, once', async () => {
    const { consent, store, handler } = setup();
    const params = {
      MessageUUID: crypto.randomUUID(),
      Status: 'failed',
      ErrorCode: '200',
      To: LEAD,
      From: '18005550100',
    };
    expect((await handler(signed(params))).status).toBe(200);
    expect((await handler(signed(params))).status).toBe(200);
    const status = await consent.getStatus(LEAD);
    expect(status.lastEvent?.source).toBe('delivery_error');
    expect(status.lastEvent?.evidence.errorCode).toBe(200);
    expect(ledgerSize(store)).toBe(1);
  });

  it('answers 400 naming the malformed field', async () => {
    const { handler } = setup();
    const response = await handler(signed({ From: LEAD, To: '18005550100', Text: 'hi' }));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('MessageUUID');
  });
});

describe('verifyPlivoSignature', () => {
  const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,8}$/);
  const value = fc.string({ unit: 'grapheme', maxLength: 20 });
  it('accepts exactly what the official plivo validator accepts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('https://sms.example.com', 'https://sms.example.com:8443', 'http://localhost:3000'),
        fc.constantFrom('', '/', '/plivo', '/a/b/plivo'),
        fc.array(fc.tuple(name, value), { maxLength: 3 }),
        fc.dictionary(name, value, { maxKeys: 5 }),
        fc.constantFrom('GET', 'POST'),
        fc.constantFrom('none', 'token', 'param', 'nonce', 'several'),
        async (origin, path, query, params, method, mutation) => {
          const search = query.length
            ? `?${query.map(([key, item]) => `${key}=${encodeURIComponent(item)}`).join('&')}`
            : '';
          const url = `${origin}${path}${search}`;
          const signedParams = method === 'POST' ? params : {};
          const nonce = '12345678901234567890';
          let signature = plivoSign(
            mutation === 'token' ? 'other-token' : AUTH_TOKEN,
            url,
            signedParams,
            nonce,
          );
          if (mutation === 'several') signature = `AAAA,${signature}`;
          const sentParams = mutation === 'param' ? { ...signedParams, Extra: 'x' } : signedParams;
          const sentNonce = mutation === 'nonce' ? `${nonce}1` : nonce;
          const theirs = validateV3Signature(method, url, sentNonce, AUTH_TOKEN, signature, {
            ...sentParams,
          });
          const ours = await verifyPlivoSignature({
            authToken: AUTH_TOKEN,
            method,
            url,
            params: sentParams,
            signature,
            nonce: sentNonce,
          }).then(
            () => true,
            () => false,
          );
          expect(ours).toBe(theirs);
        },
      ),
      { numRuns: 300 },
    );
  });
});
