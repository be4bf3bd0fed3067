import fc from 'fast-check';
import { signTwilioRequest, twilioBodyHash, validateTwilioSignature } from 'sms-consent/twilio';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';

const TOKEN = '12345678901234567890123456789012';
const URL_INBOUND = 'https://app.example.com/twilio/inbound?tenant=acme';
const PARAMS = {
  MessageSid: 'SM1234567890abcdef1234567890abcdef',
  AccountSid: 'AC1234567890abcdef1234567890abcdef',
  From: '+14155552671',
  To: '+18005550100',
  Body: 'STOP',
  NumMedia: '0',
};

// Tokens shorter and longer than the HMAC block (64 bytes), ASCII and not.
const token = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ minLength: 60, maxLength: 130 }),
  fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
);
const paramValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ maxLength: 30, unit: 'grapheme' }),
  fc.array(fc.string({ maxLength: 10 }), { minLength: 1, maxLength: 4 }),
);
const params = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), paramValue, { maxKeys: 8 });
const port = fc.oneof(
  fc.constant(''),
  fc.constant(':443'),
  fc.constant(':80'),
  fc.integer({ min: 1, max: 65535 }).map((n) => `:${n}`),
);
const url = fc
  .tuple(
    fc.constantFrom('http://', 'https://', 'HTTPS://'),
    fc.domain(),
    port,
    fc.webPath(),
    fc.option(fc.webQueryParameters(), { nil: undefined }),
  )
  .map(
    ([scheme, host, portText, path, query]) =>
      `${scheme}${host}${portText}${path}${query === undefined ? '' : `?${query}`}`,
  );
const anyUrl = fc.oneof(url, fc.webUrl({ withQueryParameters: true, withFragments: true }));

describe('signTwilioRequest', () => {
  it('computes what twilio.getExpectedTwilioSignature computes, for any URL and parameters', () => {
    fc.assert(
      fc.property(token, anyUrl, params, (authToken, webhookUrl, values) => {
        expect(signTwilioRequest({ authToken, url: webhookUrl, params: values })).toBe(
          twilio.getExpectedTwilioSignature(authToken, webhookUrl, values),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('signs a repeated parameter with its distinct values sorted, as the official helper does', () => {
    const values = { MediaUrl: ['b', 'a', 'b'], Body: 'x' };
    expect(signTwilioRequest({ authToken: TOKEN, url: URL_INBOUND, params: values })).toBe(
      twilio.getExpectedTwilioSignature(TOKEN, URL_INBOUND, values),
    );
  });

  it('signs with any token length, and switching tokens back and forth', () => {
    for (const authToken of [
      'k',
      'x'.repeat(63),
      'x'.repeat(64),
      'x'.repeat(65),
      'é'.repeat(40),
      TOKEN,
      'k',
    ]) {
      for (const algorithm of ['HMAC_SHA1', 'HMAC_SHA256'] as const) {
        expect(signTwilioRequest({ authToken, url: URL_INBOUND, params: PARAMS, algorithm })).toBe(
          twilio.getExpectedTwilioSignature(authToken, URL_INBOUND, PARAMS, algorithm),
        );
      }
    }
  });

  it('signs with HMAC-SHA256 for SharedKey webhooks', () => {
    expect(
      signTwilioRequest({ authToken: TOKEN, url: URL_INBOUND, params: PARAMS, algorithm: 'HMAC_SHA256' }),
    ).toBe(twilio.getExpectedTwilioSignature(TOKEN, URL_INBOUND, PARAMS, 'HMAC_SHA256'));
  });
});

describe('validateTwilioSignature on form-encoded requests', () => {
  it('accepts a request the official helper signed', () => {
    const signature = twilio.getExpectedTwilioSignature(TOKEN, URL_INBOUND, PARAMS);
    expect(validateTwilioSignature({ authToken: TOKEN, url: URL_INBOUND, params: PARAMS, signature })).toBe(
      true,
    );
  });

  it('rejects a missing or empty signature', () => {
    expect(
      validateTwilioSignature({ authToken: TOKEN, url: URL_INBOUND, params: PARAMS, signature: undefined }),
    ).toBe(false);
    expect(
      validateTwilioSignature({ authToken: TOKEN, url: URL_INBOUND, params: PARAMS, signature: '' }),
    ).toBe(false);
  });

  it('rejects a changed parameter, URL or token', () => {
    const signature = twilio.getExpectedTwilioSignature(TOKEN, URL_INBOUND, PARAMS);
    const check = (authToken: string, webhookUrl: string, values: Record<string, string>) =>
      validateTwilioSignature({ authToken, url: webhookUrl, params: values, signature });
    expect(check(TOKEN, URL_INBOUND, { ...PARAMS, Body: 'START' })).toBe(false);
    expect(check(TOKEN, URL_INBOUND, { ...PARAMS, Extra: '' })).toBe(false);
    expect(check(TOKEN, URL_INBOUND.replace('https:', 'http:'), PARAMS)).toBe(false);
    expect(check(TOKEN, URL_INBOUND.replace('acme', 'other'), PARAMS)).toBe(false);
    expect(check(`${TOKEN.slice(1)}x`, URL_INBOUND, PARAMS)).toBe(false);
  });

  it('accepts the URL with or without the default port, whichever Twilio signed', () => {
    for (const [signed, received] of [
      ['https://app.example.com:443/twilio/inbound', 'https://app.example.com/twilio/inbound'],
      ['https://app.example.com/twilio/inbound', 'https://app.example.com:443/twilio/inbound'],
      ['http://app.example.com:80/twilio/inbound', 'http://app.example.com/twilio/inbound'],
    ] as const) {
      const signature = twilio.getExpectedTwilioSignature(TOKEN, signed, PARAMS);
      expect(validateTwilioSignature({ authToken: TOKEN, url: received, params: PARAMS, signature })).toBe(
        true,
      );
      expect(twilio.validateRequest(TOKEN, signature, received, PARAMS)).toBe(true);
    }
  });

  it('agrees with twilio.validateRequest on genuine requests, any URL variant and forgeries', () => {
    const signedUrl = fc.tuple(url, fc.constantFrom('as-is', 'add-port', 'drop-port', 'normalized'));
    fc.assert(
      fc.property(
        token,
        signedUrl,
        params,
        fc.boolean(),
        fc.string(),
        (authToken, [webhookUrl, variant], values, forge, noise) => {
          const signed =
            variant === 'normalized' ? new URL(webhookUrl).toString() : variantOf(webhookUrl, variant);
          const genuine = twilio.getExpectedTwilioSignature(authToken, signed, values);
          const signature = forge ? `${noise}${genuine.slice(noise.length)}` : genuine;
          const ours = validateTwilioSignature({ authToken, url: webhookUrl, params: values, signature });
          expect(ours).toBe(twilio.validateRequest(authToken, signature, webhookUrl, values));
          if (!forge) expect(ours).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('validateTwilioSignature on JSON requests (bodySHA256)', () => {
  const body = JSON.stringify({ MessageSid: PARAMS.MessageSid, Body: 'STOP' });
  const jsonUrl = `https://app.example.com/twilio/inbound?bodySHA256=${twilioBodyHash(body)}`;

  it('hashes the body as the official helper does', () => {
    expect(twilioBodyHash(body)).toBe(twilio.getExpectedBodyHash(body));
    expect(twilioBodyHash(Buffer.from(body))).toBe(twilio.getExpectedBodyHash(body));
  });

  it('accepts a signed URL whose bodySHA256 matches the raw body', () => {
    const signature = twilio.getExpectedTwilioSignature(TOKEN, jsonUrl, {});
    expect(validateTwilioSignature({ authToken: TOKEN, url: jsonUrl, rawBody: body, signature })).toBe(true);
    expect(
      validateTwilioSignature({ authToken: TOKEN, url: jsonUrl, rawBody: Buffer.from(body), signature }),
    ).toBe(true);
  });

  it('rejects a body that does not match bodySHA256, or no body at all', () => {
    const signature = twilio.getExpectedTwilioSignature(TOKEN, jsonUrl, {});
    expect(validateTwilioSignature({ authToken: TOKEN, url: jsonUrl, rawBody: `${body} `, signature })).toBe(
      false,
    );
    expect(validateTwilioSignature({ authToken: TOKEN, url: jsonUrl, signature })).toBe(false);
  });

  it('ignores form parameters: the body is covered by its hash', () => {
    const signature = twilio.getExpectedTwilioSignature(TOKEN, jsonUrl, {});
    expect(
      validateTwilioSignature({ authToken: TOKEN, url: jsonUrl, rawBody: body, params: PARAMS, signature }),
    ).toBe(true);
  });

  it('agrees with twilio.validateRequestWithBody on generated bodies and forgeries', () => {
    fc.assert(
      fc.property(
        token,
        url,
        fc.json(),
        fc.option(fc.json(), { nil: undefined }),
        (authToken, base, json, tampered) => {
          const separator = base.includes('?') ? '&' : '?';
          const webhookUrl = `${base}${separator}bodySHA256=${twilio.getExpectedBodyHash(json)}`;
          const signature = twilio.getExpectedTwilioSignature(authToken, webhookUrl, {});
          const received = tampered ?? json;
          const ours = validateTwilioSignature({ authToken, url: webhookUrl, rawBody: received, signature });
          expect(ours).toBe(twilio.validateRequestWithBody(authToken, signature, webhookUrl, received));
          expect(ours).toBe(received === json);
        },
      ),
      { numRuns: 300 },
    );
  });
});

function variantOf(webhookUrl: string, variant: 'as-is' | 'add-port' | 'drop-port'): string {
  if (variant === 'as-is') return webhookUrl;
  const match = /^([a-z]+:\/\/)([^/:?#]+)(:\d+)?(.*)$/i.exec(webhookUrl);
  if (!match) return webhookUrl;
  const [, scheme = '', host = '', portText, rest = ''] = match;
  if (variant === 'drop-port') return `${scheme}${host}${rest}`;
  return portText
    ? webhookUrl
    : `${scheme}${host}${scheme.toLowerCase() === 'https://' ? ':443' : ':80'}${rest}`;
}
