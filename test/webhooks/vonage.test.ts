import { createHash } from 'node:crypto';
import { verifySignature } from '@vonage/jwt';
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import { type VonageHandlerOptions, verifyVonageJwt, vonageHandler } from 'sms-consent/vonage';
import { describe, expect, it } from 'vitest';
import { freshConsent, LEAD, ledgerSize } from './harness.js';
import { vonageInbound } from './providers.js';

const SECRET = 'vonage-signature-secret-0123456789abcdef';
const URL_ = 'https://sms.example.com/vonage';
const NOW = new Date('2026-12-01T12:00:00Z');
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

function setup(options: Partial<Omit<VonageHandlerOptions, 'consent'>> = {}) {
  const { consent, store } = freshConsent({ clock: { now: () => NOW } });
  const handler = vonageHandler({
    consent,
    signatureSecret: SECRET,
    clock: { now: () => NOW },
    onError: () => {},
    ...options,
  });
  return { consent, store, handler };
}

/** A token as Vonage signs a webhook: HS256 with the signature secret, payload_hash of the body. */
function token(body: string, options: { secret?: string; iat?: number; hashOf?: string } = {}): string {
  return jwt.sign(
    {
      iat: options.iat ?? seconds(NOW),
      jti: crypto.randomUUID(),
      iss: 'Vonage',
      payload_hash: createHash('sha256')
        .update(options.hashOf ?? body)
        .digest('hex'),
      api_key: 'abcd1234',
      application_id: 'aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab',
    },
    options.secret ?? SECRET,
    { algorithm: 'HS256' },
  );
}

function post(body: string, authorization?: string): Request {
  return new Request(URL_, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(authorization ? { Authorization: authorization } : {}),
    },
    body,
  });
}

describe('vonageHandler', () => {
  it('signs test tokens the way the official @vonage/jwt verifier accepts', () => {
    expect(verifySignature(token('{}'), SECRET)).toBe(true);
  });

  it('records a signed STOP and answers an empty 200', async () => {
    const { consent, handler } = setup();
    const body = vonageInbound({ text: 'STOP' });
    const response = await handler(post(body, `Bearer ${token(body)}`));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
  });

  it('refuses a token for another body, a forged, stale or missing one with 403, and records nothing', async () => {
    const { store, handler } = setup();
    const body = vonageInbound({ text: 'STOP' });
    const otherBody = await handler(post(body, `Bearer ${token(body, { hashOf: vonageInbound() })}`));
    expect(otherBody.status).toBe(403);
    expect(await otherBody.text()).toMatch(/payload_hash/);
    expect((await handler(post(body, `Bearer ${token(body, { secret: 'another-secret' })}`))).status).toBe(
      403,
    );
    const stale = await handler(post(body, `Bearer ${token(body, { iat: seconds(NOW) - 3600 })}`));
    expect(await stale.text()).toMatch(/issued more than 300 s ago/);
    expect(await (await handler(post(body))).text()).toMatch(/Missing Authorization/);
    expect(ledgerSize(store)).toBe(0);
  });

  it('accepts every signature secret while rotating', async () => {
    const { consent, handler } = setup({ signatureSecret: ['next-secret-0123456789', SECRET] });
    const body = vonageInbound({ text: 'STOP' });
    expect((await handler(post(body, `Bearer ${token(body)}`))).status).toBe(200);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
  });

  it('records a status whose error code is configured as opted out, once, and ignores others', async () => {
    const { consent, store, handler } = setup({ optedOutErrorCodes: [1460] });
    const status = (title: number) =>
      JSON.stringify({
        message_uuid: crypto.randomUUID(),
        to: '14155552671',
        from: '18005550100',
        timestamp: '2026-12-01T12:00:00Z',
        status: 'rejected',
        error: {
          type: `https://developer.vonage.com/api-errors/messages#${title}`,
          title,
          detail: 'rejected',
        },
        channel: 'sms',
      });
    const other = status(1300);
    expect((await handler(post(other, `Bearer ${token(other)}`))).status).toBe(200);
    expect(ledgerSize(store)).toBe(0);
    const optedOut = status(1460);
    expect((await handler(post(optedOut, `Bearer ${token(optedOut)}`))).status).toBe(200);
    expect((await handler(post(optedOut, `Bearer ${token(optedOut)}`))).status).toBe(200);
    expect((await consent.getStatus(LEAD)).lastEvent?.source).toBe('delivery_error');
    expect(ledgerSize(store)).toBe(1);
  });

  it('answers 400 naming the malformed field', async () => {
    const { handler } = setup();
    const body = JSON.stringify({
      channel: 'sms',
      to: '18005550100',
      from: '14155552671',
      message_type: 'text',
    });
    const response = await handler(post(body, `Bearer ${token(body)}`));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('message_uuid');
  });
});

describe('verifyVonageJwt', () => {
  it('accepts exactly what the official @vonage/jwt verifySignature accepts', async () => {
    const claims = fc.record(
      {
        iat: fc.integer({ min: 1_700_000_000, max: 1_900_000_000 }),
        payload_hash: fc.stringMatching(/^[0-9a-f]{64}$/),
        // Away from the present so both checks see the same side of exp and nbf.
        exp: fc.oneof(
          fc.constant(Math.floor(Date.now() / 1000) + 3600),
          fc.constant(Math.floor(Date.now() / 1000) - 3600),
        ),
        nbf: fc.oneof(
          fc.constant(Math.floor(Date.now() / 1000) + 3600),
          fc.constant(Math.floor(Date.now() / 1000) - 3600),
        ),
        api_key: fc.string({ maxLength: 12 }),
      },
      { requiredKeys: ['iat', 'payload_hash'] },
    );
    await fc.assert(
      fc.asyncProperty(
        claims,
        fc.constantFrom('none', 'secret', 'signature', 'payload', 'alg-none', 'alg-hs512', 'bearer-less'),
        async (payload, mutation) => {
          const secret = mutation === 'secret' ? 'another-secret' : SECRET;
          let sent =
            mutation === 'alg-hs512'
              ? jwt.sign(payload, SECRET, { algorithm: 'HS512' })
              : mutation === 'alg-none'
                ? jwt.sign(payload, '', { algorithm: 'none' })
                : jwt.sign(payload, secret, { algorithm: 'HS256' });
          const [head, body, signature = ''] = sent.split('.');
          if (mutation === 'signature')
            sent = `${head}.${body}.${signature.slice(0, -2)}${signature.endsWith('A') ? 'B' : 'A'}${signature.slice(-1)}`;
          if (mutation === 'payload')
            sent = `${head}.${Buffer.from(JSON.stringify({ ...payload, api_key: 'x' })).toString('base64url')}.${signature}`;
          const theirs = verifySignature(sent, SECRET);
          const ours = await verifyVonageJwt({
            signatureSecret: SECRET,
            authorization: mutation === 'bearer-less' ? sent : `Bearer ${sent}`,
            now: new Date(),
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
