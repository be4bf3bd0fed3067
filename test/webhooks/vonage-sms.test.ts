import { createHash, createHmac } from 'node:crypto';
import { AlgorithmTypes } from '@vonage/auth';
import { SMS } from '@vonage/sms';
import fc from 'fast-check';
import { type VonageHandlerOptions, verifyVonageSmsSignature, vonageHandler } from 'sms-consent/vonage';
import { describe, expect, it } from 'vitest';
import { hmacMd5, md5 } from '../../src/vonage/md5.js';
import { freshConsent, LEAD, ledgerSize } from './harness.js';
import { type VonageSmsMethod, vonageSmsInbound, vonageSmsReceipt, vonageSmsSign } from './providers.js';

const SECRET = 'vonage-signature-secret-0123456789abcdef';
const URL_ = 'https://sms.example.com/vonage/inbound';
const NOW = new Date('2026-12-01T12:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const official = new SMS({ apiKey: 'abcd1234', apiSecret: 'api-secret' });
const ALGORITHM: Record<VonageSmsMethod, AlgorithmTypes> = {
  md5hash: AlgorithmTypes.md5hash,
  md5hmac: AlgorithmTypes.md5hmac,
  sha1hmac: AlgorithmTypes.sha1hmac,
  sha256hmac: AlgorithmTypes.sha256hmac,
  sha512hmac: AlgorithmTypes.sha512hmac,
};
const METHODS = Object.keys(ALGORITHM) as VonageSmsMethod[];

function setup(
  options: Partial<Omit<VonageHandlerOptions, 'consent'>> = {},
  smsSignatureMethod: VonageSmsMethod | null = 'sha256hmac',
) {
  const { consent, store } = freshConsent({ clock: { now: () => NOW } });
  const handler = vonageHandler({
    consent,
    signatureSecret: SECRET,
    ...(smsSignatureMethod === null ? {} : { smsSignatureMethod }),
    clock: { now: () => NOW },
    onError: () => {},
    ...options,
  });
  return { consent, store, handler };
}

function signed(
  params: Record<string, string>,
  method: VonageSmsMethod = 'sha256hmac',
  secret = SECRET,
): Record<string, string> {
  return { ...params, sig: vonageSmsSign(params, secret, method) };
}

const get = (params: Record<string, string>) => new Request(`${URL_}?${new URLSearchParams(params)}`);
const postForm = (params: Record<string, string>) =>
  new Request(URL_, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
const postJson = (params: Record<string, string>) =>
  new Request(URL_, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(params),
  });

describe('vonageHandler, SMS API (sig parameter)', () => {
  it('signs test requests the way the official @vonage/sms verifySignature accepts, for every method', () => {
    for (const method of METHODS) {
      const params = signed(vonageSmsInbound(NOW_S, { text: 'a&b=c STOP' }), method);
      expect(official.verifySignature(params.sig as string, params, SECRET, ALGORITHM[method])).toBe(true);
    }
  });

  it('records a signed STOP sent as GET, POST form or POST-JSON, with each signature method', async () => {
    const requests = [get, postForm, postJson];
    for (const [index, method] of METHODS.entries()) {
      const { consent, handler } = setup({ smsSignatureMethod: method });
      const send = requests[index % requests.length] as typeof get;
      const response = await handler(send(signed(vonageSmsInbound(NOW_S, { text: 'STOP' }), method)));
      expect(response.status, method).toBe(200);
      expect(await response.text()).toBe('');
      const status = await consent.getStatus(LEAD);
      expect(status.status, method).toBe('opted_out');
      expect(status.lastEvent?.occurredAt).toBe('2026-12-01T12:00:00.000Z');
    }
  });

  it('records a redelivered inbound SMS once (messageId is the idempotency key)', async () => {
    const { store, handler } = setup();
    const request = signed(vonageSmsInbound(NOW_S, { text: 'STOP' }));
    expect((await handler(get(request))).status).toBe(200);
    expect((await handler(get(request))).status).toBe(200);
    expect(ledgerSize(store)).toBe(1);
  });

  it('refuses a forged, tampered, wrong-method, stale, future or missing sig with 403 and records nothing', async () => {
    const { store, handler } = setup();
    const params = vonageSmsInbound(NOW_S, { text: 'STOP' });
    const forged = await handler(get(signed(params, 'sha256hmac', 'another-secret')));
    expect(forged.status).toBe(403);
    expect(await forged.text()).toMatch(/sig parameter does not match/);
    expect((await handler(get({ ...signed(params), text: 'START' }))).status).toBe(403);
    expect((await handler(get(signed(params, 'md5hash')))).status).toBe(403);
    const stale = await handler(get(signed({ ...params, timestamp: String(NOW_S - 301) })));
    expect(await stale.text()).toMatch(/more than 300 s from now/);
    expect((await handler(get(signed({ ...params, timestamp: String(NOW_S + 301) })))).status).toBe(403);
    const { timestamp: _, ...untimed } = params;
    expect(await (await handler(get(signed(untimed)))).text()).toMatch(/no Unix timestamp/);
    expect(await (await handler(get(params))).text()).toMatch(/Missing sig/);
    expect(ledgerSize(store)).toBe(0);
  });

  it('refuses SMS API webhooks with 403 naming the option when no smsSignatureMethod is set', async () => {
    const { store, handler } = setup({}, null);
    const response = await handler(get(signed(vonageSmsInbound(NOW_S, { text: 'STOP' }))));
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/smsSignatureMethod/);
    expect(ledgerSize(store)).toBe(0);
  });

  it('refuses a parameter given twice, which no single signature covers', async () => {
    const { handler } = setup();
    const params = signed(vonageSmsInbound(NOW_S, { text: 'STOP' }));
    const response = await handler(new Request(`${URL_}?${new URLSearchParams(params)}&text=START`));
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/"text" is not a single text value/);
  });

  it('checks the signature of a body that is not JSON before calling it malformed', async () => {
    const { handler } = setup();
    const response = await handler(
      new Request(URL_, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"sig":' }),
    );
    expect(response.status).toBe(403);
  });

  it('accepts every signature secret while rotating', async () => {
    const { consent, handler } = setup({ signatureSecret: ['next-secret-0123456789', SECRET] });
    expect((await handler(get(signed(vonageSmsInbound(NOW_S, { text: 'STOP' }))))).status).toBe(200);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
  });

  it('records a delivery receipt with err-code 9 as a delivery-error opt-out, once, and ignores other codes', async () => {
    const { consent, store, handler } = setup();
    expect((await handler(postJson(signed(vonageSmsReceipt(NOW_S, '0'))))).status).toBe(200);
    expect((await handler(postJson(signed(vonageSmsReceipt(NOW_S, '6'))))).status).toBe(200);
    expect(ledgerSize(store)).toBe(0);
    const optedOut = signed(vonageSmsReceipt(NOW_S, '9'));
    expect((await handler(postJson(optedOut))).status).toBe(200);
    expect((await handler(postJson(optedOut))).status).toBe(200);
    const status = await consent.getStatus(LEAD);
    expect(status.status).toBe('opted_out');
    expect(status.lastEvent?.source).toBe('delivery_error');
    expect(status.lastEvent?.evidence).toMatchObject({ errorCode: 9, from: '+18005550100' });
    expect(ledgerSize(store)).toBe(1);
  });

  it('refuses a parameter name with & or =, which lets a captured sig be re-split into other parameters', async () => {
    const inbound: unknown[] = [];
    const { store, handler } = setup({ onInbound: (event) => void inbound.push(event.message) });
    const receipt = signed(vonageSmsReceipt(NOW_S, '0'));
    // The same signed string, cut at other '&'s: err-code and status vanish into longer names, and
    // the receipt would read as an inbound SMS from the recipient.
    const { 'api-key': apiKey, 'err-code': errCode, scts, status, ...rest } = receipt;
    const resplit = {
      ...rest,
      [`api-key=${apiKey}&err-code`]: errCode as string,
      [`scts=${scts}&status`]: status as string,
    };
    for (const send of [get, postForm, postJson]) {
      const response = await handler(send(resplit));
      expect(response.status).toBe(403);
    }
    expect(inbound).toEqual([]);
    expect(ledgerSize(store)).toBe(0);
  });

  it('refuses a maxAgeSeconds that is not a number of seconds, which would accept any stale sig or JWT', async () => {
    // Number(process.env.UNSET) is NaN, and no age is greater than NaN.
    for (const maxAgeSeconds of [Number.NaN, -1, Number.POSITIVE_INFINITY, '300' as unknown as number]) {
      expect(() => setup({ maxAgeSeconds }), String(maxAgeSeconds)).toThrow(/maxAgeSeconds/);
    }
    const { handler } = setup({ maxAgeSeconds: 0 });
    expect((await handler(get(signed(vonageSmsInbound(NOW_S - 1))))).status).toBe(403);
  });

  it('answers 400 naming a malformed field of a correctly signed webhook, and ignores binary messages', async () => {
    const { store, handler } = setup();
    const { messageId: _, ...withoutId } = vonageSmsInbound(NOW_S, { text: 'STOP' });
    const response = await handler(get(signed(withoutId)));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('messageId is required');
    const { text: __, ...binary } = vonageSmsInbound(NOW_S, { type: 'binary', data: '0011', udh: '050003' });
    expect((await handler(get(signed(binary)))).status).toBe(200);
    expect(ledgerSize(store)).toBe(0);
  });
});

describe('verifyVonageSmsSignature', () => {
  it('refuses a stale sig when toleranceSeconds is not a number, instead of admitting every replay', async () => {
    const params: Record<string, string> = {
      msisdn: '14155552671',
      to: '18005550100',
      text: 'STOP',
      timestamp: String(NOW_S - 86_400),
    };
    params.sig = vonageSmsSign(params, SECRET, 'sha256hmac');
    const input = { signatureSecret: SECRET, method: 'sha256hmac' as const, params, now: NOW };
    await expect(verifyVonageSmsSignature({ ...input, toleranceSeconds: 100_000 })).resolves.toBeUndefined();
    await expect(verifyVonageSmsSignature({ ...input, toleranceSeconds: Number.NaN })).rejects.toThrow(
      /from now/,
    );
  });

  it('accepts exactly what the official @vonage/sms verifySignature accepts, but names with & or =', async () => {
    const name = fc.oneof(
      fc.constantFrom('text', 'msisdn', 'to', 'messageId', 'concat-ref', 'sig', 'Text', 'a', 'z'),
      fc.string({ maxLength: 6 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(name, fc.string({ maxLength: 20 }), { maxKeys: 8 }),
        fc.constantFrom(...METHODS),
        fc.constantFrom(...METHODS),
        fc.constantFrom('none', 'uppercase', 'secret', 'value', 'drop', 'add', 'truncate'),
        async (fields, signMethod, checkMethod, mutation) => {
          const params: Record<string, string> = { ...fields, timestamp: String(NOW_S) };
          delete params.sig;
          let sig = vonageSmsSign(params, mutation === 'secret' ? 'other' : SECRET, signMethod);
          if (mutation === 'uppercase') sig = sig.toUpperCase();
          if (mutation === 'truncate') sig = sig.slice(0, -1);
          const sent: Record<string, string> = { ...params, sig };
          const names = Object.keys(params).filter((key) => key !== 'timestamp');
          if (mutation === 'value' && names[0] !== undefined) sent[names[0]] = `${params[names[0]]}x`;
          if (mutation === 'drop' && names[0] !== undefined) delete sent[names[0]];
          if (mutation === 'add') sent.extra = 'x';
          const theirs = official.verifySignature(sig, sent, SECRET, ALGORITHM[checkMethod]);
          const ours = await verifyVonageSmsSignature({
            signatureSecret: SECRET,
            method: checkMethod,
            params: sent,
            now: NOW,
          }).then(
            () => true,
            () => false,
          );
          // Stricter on purpose: such a name lets a captured sig be re-split into other parameters.
          const resplittable = Object.keys(sent).some((key) => key !== 'sig' && /[&=]/.test(key));
          expect(ours).toBe(theirs && !resplittable);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('md5', () => {
  it('matches node:crypto for MD5 and HMAC-MD5 on any input, long keys included', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 100 }), (data, secret) => {
        expect(Buffer.from(md5(data)).toString('hex')).toBe(createHash('md5').update(data).digest('hex'));
        expect(Buffer.from(hmacMd5(secret, data)).toString('hex')).toBe(
          createHmac('md5', secret).update(data).digest('hex'),
        );
      }),
      { numRuns: 300 },
    );
  });
});
