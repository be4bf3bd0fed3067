import fc from 'fast-check';
import { bandwidthHandler, verifyBandwidthCredentials } from 'sms-consent/bandwidth';
import { describe, expect, it } from 'vitest';
import { freshConsent, LEAD, ledgerSize } from './harness.js';
import { bandwidthReceived as received } from './providers.js';

const URL_ = 'https://sms.example.com/bandwidth';
const CREDENTIALS = { username: 'bandwidth', password: 'callback-password-0123456789' };
const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

function setup() {
  const { consent, store } = freshConsent();
  return {
    consent,
    store,
    handler: bandwidthHandler({ consent, credentials: CREDENTIALS, onError: () => {} }),
  };
}

function post(
  events: unknown[],
  authorization: string | null = basic(CREDENTIALS.username, CREDENTIALS.password),
) {
  return new Request(URL_, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(authorization ? { Authorization: authorization } : {}),
    },
    body: JSON.stringify(events),
  });
}

function failed(errorCode: number, id = crypto.randomUUID()) {
  return {
    type: 'message-failed',
    time: '2026-12-01T12:00:00.000Z',
    description: 'rejected',
    errorCode,
    to: LEAD,
    message: { id, to: [LEAD], from: '+18005550100', owner: '+18005550100', direction: 'out', text: 'Hi' },
  };
}

describe('bandwidthHandler', () => {
  it('records a STOP sent with the callback credentials and answers an empty 200', async () => {
    const { consent, handler } = setup();
    const response = await handler(post([received('STOP')]));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
  });

  it('refuses wrong or missing credentials with 403 and records nothing', async () => {
    const { store, handler } = setup();
    const wrong = await handler(post([received('STOP')], basic('bandwidth', 'guess')));
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toMatch(/match none/);
    expect((await handler(post([received('STOP')], null))).status).toBe(403);
    expect(ledgerSize(store)).toBe(0);
  });

  it('handles every event of a batch, and a redelivered batch records nothing twice', async () => {
    const { store, handler } = setup();
    const batch = [
      received('STOP'),
      failed(4775),
      { type: 'message-sending', to: LEAD, message: { id: 'x' } },
    ];
    expect((await handler(post(batch))).status).toBe(200);
    expect((await handler(post(batch))).status).toBe(200);
    expect(ledgerSize(store)).toBe(2);
  });

  it('records error 4775 as a delivery-error opt-out and ignores other errors', async () => {
    const { consent, store, handler } = setup();
    await handler(post([failed(4720)]));
    expect(ledgerSize(store)).toBe(0);
    await handler(post([failed(4775)]));
    const status = await consent.getStatus(LEAD);
    expect(status.lastEvent?.source).toBe('delivery_error');
    expect(status.lastEvent?.evidence.errorCode).toBe(4775);
  });

  it('answers 400 naming the malformed field', async () => {
    const { handler } = setup();
    const response = await handler(
      post([{ type: 'message-received', to: '+18005550100', message: { from: LEAD } }]),
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('message.id');
  });
});

describe('verifyBandwidthCredentials', () => {
  it('accepts exactly the configured user name and password, as RFC 7617 decodes them', () => {
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(
        text.filter((name) => !name.includes(':')),
        text,
        text,
        text,
        (username, password, otherName, otherPassword) => {
          const configured = [{ username, password }];
          const header = basic(otherName, otherPassword);
          const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
          const reference = decoded === `${username}:${password}`;
          let ours = true;
          try {
            verifyBandwidthCredentials(header, configured);
          } catch {
            ours = false;
          }
          expect(ours).toBe(reference);
          expect(() => verifyBandwidthCredentials(basic(username, password), configured)).not.toThrow();
        },
      ),
    );
  });
});
