import { createConsentManager, createMemoryStore, ValidationError } from 'sms-consent';
import { createFixedClock } from 'sms-consent/testing';
import { describe, expect, test } from 'vitest';

const LEAD = '+14155552671';

function optedOut(options: Partial<Parameters<typeof createConsentManager>[0]> = {}) {
  const clock = createFixedClock('2026-03-02T14:00:00Z');
  const consent = createConsentManager({
    store: createMemoryStore(),
    clock,
    defaultCountry: 'US',
    ...options,
  });
  return {
    consent,
    async stop() {
      await consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SM1' });
      clock.advance(60_000);
    },
  };
}

describe('record() cannot pose as the person to lift an opt-out', () => {
  test('an sms or provider opt-in with a made-up message id and no body is refused', async () => {
    const { consent, stop } = optedOut();
    await stop();
    for (const source of ['sms', 'provider'] as const) {
      const failure = await consent
        .record({ phone: LEAD, action: 'opt_in', source, evidence: { messageId: 'made-up' } })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ValidationError);
      expect(failure).toMatchObject({
        code: 'INVALID_INPUT',
        issues: [expect.objectContaining({ path: 'evidence.body' })],
      });
    }
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
    expect(await consent.history(LEAD)).toHaveLength(1);
  });

  test('a body that is not an opt-in under the manager policy is refused', async () => {
    const { consent, stop } = optedOut();
    await stop();
    for (const body of ['ok', 'yes, see you at 3', 'STOP', 'HELP', '']) {
      await expect(
        consent.record({
          phone: LEAD,
          action: 'opt_in',
          source: 'sms',
          evidence: { messageId: 'SM2', body },
        }),
      ).rejects.toBeInstanceOf(ValidationError);
    }
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
  });

  test('the person relayed START, with its message, lifts it as handleInbound would', async () => {
    const { consent, stop } = optedOut();
    await stop();
    const result = await consent.record({
      phone: LEAD,
      action: 'opt_in',
      source: 'sms',
      evidence: { messageId: 'SM2', body: 'unstop' },
    });
    expect(result).toMatchObject({ applied: true, changed: true });
    expect((await consent.getStatus(LEAD)).status).toBe('opted_in');
  });

  test("the manager's own keywords and languages decide", async () => {
    const resume = { phone: LEAD, action: 'opt_in', source: 'provider' } as const;
    const evidence = { messageId: 'SM2', body: 'resume' };
    const custom = optedOut({ keywords: { optIn: ['RESUME'] }, languages: ['en', 'es'] });
    await custom.stop();
    await expect(custom.consent.record({ ...resume, evidence })).resolves.toMatchObject({ applied: true });
    const plain = optedOut();
    await plain.stop();
    await expect(plain.consent.record({ ...resume, evidence })).rejects.toBeInstanceOf(ValidationError);
  });

  test('an sms opt-out through record still needs only its message id', async () => {
    const { consent } = optedOut();
    const result = await consent.record({
      phone: LEAD,
      action: 'opt_out',
      source: 'sms',
      evidence: { messageId: 'SM9' },
    });
    expect(result.applied).toBe(true);
  });
});
