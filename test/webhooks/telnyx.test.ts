import fc from 'fast-check';
import { type TelnyxHandlerOptions, telnyxHandler, verifyTelnyxSignature } from 'sms-consent/telnyx';
import { TelnyxWebhook } from 'telnyx/lib/webhooks';
import { describe, expect, it, vi } from 'vitest';
import { freshConsent, LEAD, ledgerSize } from './harness.js';
import { telnyxFinalized, telnyxInbound, telnyxKeyPair, telnyxSign } from './providers.js';

const URL_ = 'https://sms.example.com/telnyx';
const NOW = new Date('2026-12-01T12:00:00Z');
const keys = telnyxKeyPair();

function setup(options: Partial<Omit<TelnyxHandlerOptions, 'consent'>> = {}) {
  const { consent, store } = freshConsent({ clock: { now: () => NOW } });
  const handler = telnyxHandler({
    consent,
    publicKey: keys.publicKey,
    clock: { now: () => NOW },
    onError: () => {},
    ...options,
  });
  return { consent, store, handler };
}

function post(body: string, headers: Record<string, string>): Request {
  return new Request(URL_, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
  });
}

function signed(body: string, at = NOW, privateKey = keys.privateKey): Request {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return post(body, {
    'telnyx-timestamp': timestamp,
    'telnyx-signature-ed25519': telnyxSign(privateKey, timestamp, body),
  });
}

describe('telnyxHandler', () => {
  it('records a signed STOP and answers an empty 200', async () => {
    const { consent, handler } = setup();
    const response = await handler(signed(telnyxInbound({ text: 'STOP' })));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
  });

  it('hands onInbound the claimed confirmation to send; one it did not send is put back for the send guard', async () => {
    const sent: string[] = [];
    const { consent, store, handler } = setup({
      onInbound: async ({ result }) => {
        await consent.sendReply(result, async (_to, body) => sent.push(body));
      },
    });
    const text = 'please stop texting me';
    expect((await handler(signed(telnyxInbound({ text })))).status).toBe(200);
    expect(sent).toHaveLength(1);
    expect((await store.getStatus('default', consent.normalize(LEAD)))?.confirmation).toBeUndefined();

    const later = setup({ onInbound: () => {} });
    expect((await later.handler(signed(telnyxInbound({ text })))).status).toBe(200);
    const body = (await later.store.getStatus('default', consent.normalize(LEAD)))?.confirmation?.text;
    expect(body).toBeTypeOf('string');
    await later.consent.sendChecked(LEAD, { body: body as string }, async () => {});
    expect((await later.store.getStatus('default', consent.normalize(LEAD)))?.confirmation).toBeUndefined();
  });

  it('answers 200 and reports it when the unsent confirmation cannot be put back: the opt-out is recorded', async () => {
    const errors: unknown[] = [];
    const { consent, store, handler } = setup({
      onError: (error) => errors.push(error),
      onInbound: () => {
        vi.spyOn(store, 'transact').mockRejectedValue(new Error('database down'));
      },
    });
    const response = await handler(signed(telnyxInbound({ text: 'please stop texting me' })));
    expect(response.status).toBe(200);
    expect(errors).toEqual([new Error('database down')]);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
  });

  it('records a redelivered message once', async () => {
    const { store, handler } = setup();
    const body = telnyxInbound({ text: 'STOP' });
    await handler(signed(body));
    expect((await handler(signed(body))).status).toBe(200);
    expect(ledgerSize(store)).toBe(1);
  });

  it('refuses a forged, missing or stale signature with 403 naming what failed, and records nothing', async () => {
    const { store, handler } = setup();
    const body = telnyxInbound({ text: 'STOP' });
    const forged = await handler(signed(body, NOW, telnyxKeyPair().privateKey));
    expect(forged.status).toBe(403);
    expect(await forged.text()).toMatch(/does not match/);
    const missing = await handler(post(body, {}));
    expect(await missing.text()).toBe('Missing telnyx-signature-ed25519 header');
    const stale = await handler(signed(body, new Date(NOW.getTime() - 301_000)));
    expect(stale.status).toBe(403);
    expect(await stale.text()).toMatch(/more than 300 s/);
    const tampered = signed(body);
    const swapped = await handler(
      post(body.replace('STOP', 'START'), {
        'telnyx-timestamp': tampered.headers.get('telnyx-timestamp') ?? '',
        'telnyx-signature-ed25519': tampered.headers.get('telnyx-signature-ed25519') ?? '',
      }),
    );
    expect(swapped.status).toBe(403);
    expect(ledgerSize(store)).toBe(0);
  });

  it('refuses a toleranceSeconds that is not a number of seconds, which would accept any stale signature', () => {
    // Number(process.env.UNSET) is NaN, and no age is greater than NaN.
    for (const toleranceSeconds of [Number.NaN, -1, Number.POSITIVE_INFINITY, '300' as unknown as number]) {
      expect(() => setup({ toleranceSeconds }), String(toleranceSeconds)).toThrow(/toleranceSeconds/);
    }
  });

  it('accepts every public key while rotating', async () => {
    const next = telnyxKeyPair();
    const { consent, handler } = setup({ publicKey: [next.publicKey, keys.publicKey] });
    expect((await handler(signed(telnyxInbound({ text: 'STOP' }), NOW, next.privateKey))).status).toBe(200);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
  });

  it('records error 40300 of message.finalized as a delivery-error opt-out, once', async () => {
    const { consent, store, handler } = setup();
    const body = telnyxFinalized(LEAD, ['40300']);
    expect((await handler(signed(body))).status).toBe(200);
    expect((await handler(signed(body))).status).toBe(200);
    const status = await consent.getStatus(LEAD);
    expect(status.status).toBe('opted_out');
    expect(status.lastEvent?.source).toBe('delivery_error');
    expect(status.lastEvent?.evidence.errorCode).toBe(40300);
    expect(ledgerSize(store)).toBe(1);
  });

  it('changes nothing for other errors and other event types', async () => {
    const { store, handler } = setup();
    expect((await handler(signed(telnyxFinalized(LEAD, ['40001'])))).status).toBe(200);
    const other = JSON.stringify({ data: { event_type: 'call.initiated', payload: {} } });
    expect((await handler(signed(other))).status).toBe(200);
    expect(ledgerSize(store)).toBe(0);
  });

  it('answers 400 naming the malformed field', async () => {
    const { handler } = setup();
    const body = JSON.stringify({ data: { event_type: 'message.received', payload: { id: 'x', to: [] } } });
    const response = await handler(signed(body));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('data.payload.from');
  });
});

describe('verifyTelnyxSignature', () => {
  it('refuses a stale signature when toleranceSeconds is not a number, instead of admitting every replay', async () => {
    const body = telnyxInbound();
    const stale = String(Math.floor(NOW.getTime() / 1000) - 86_400);
    const input = {
      publicKey: keys.publicKey,
      rawBody: body,
      signature: telnyxSign(keys.privateKey, stale, body),
      timestamp: stale,
      now: NOW,
    };
    await expect(verifyTelnyxSignature({ ...input, toleranceSeconds: 100_000 })).resolves.toBeUndefined();
    await expect(verifyTelnyxSignature({ ...input, toleranceSeconds: Number.NaN })).rejects.toThrow(
      /from now/,
    );
  });

  it('accepts exactly what the official telnyx verifier accepts', async () => {
    const official = new TelnyxWebhook(keys.publicKey);
    const other = telnyxKeyPair();
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        // Seconds from now, away from the 300 s edge so both checks see the same side of it.
        fc.oneof(
          fc.integer({ min: -290, max: 290 }),
          fc.integer({ min: 310, max: 5000 }),
          fc.integer({ min: -5000, max: -310 }),
        ),
        fc.constantFrom('none', 'other-key', 'body', 'timestamp', 'signature-byte', 'truncated'),
        async (body, offset, mutation) => {
          const timestamp = String(Math.floor(Date.now() / 1000) + offset);
          let signature = telnyxSign(
            mutation === 'other-key' ? other.privateKey : keys.privateKey,
            timestamp,
            body,
          );
          let sentBody = body;
          let sentTimestamp = timestamp;
          if (mutation === 'body') sentBody = `${body}x`;
          if (mutation === 'timestamp') sentTimestamp = String(Number(timestamp) + 1);
          if (mutation === 'signature-byte') {
            const bytes = Buffer.from(signature, 'base64');
            bytes[5] = (bytes[5] ?? 0) ^ 1;
            signature = bytes.toString('base64');
          }
          if (mutation === 'truncated') signature = signature.slice(0, -4);
          const headers = { 'telnyx-signature-ed25519': signature, 'telnyx-timestamp': sentTimestamp };
          const theirs = await official.verify(sentBody, headers).then(
            () => true,
            () => false,
          );
          const ours = await verifyTelnyxSignature({
            publicKey: keys.publicKey,
            rawBody: sentBody,
            signature,
            timestamp: sentTimestamp,
            now: new Date(),
          }).then(
            () => true,
            () => false,
          );
          expect(ours).toBe(theirs);
        },
      ),
      { numRuns: 200 },
    );
  });
});
