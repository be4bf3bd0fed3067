import { createConsentManager, createMemoryStore, OptedOutError } from 'sms-consent';
import { createFixedClock } from 'sms-consent/testing';
import { describe, expect, it } from 'vitest';

const LEAD = '+14155552671';

function setup() {
  const clock = createFixedClock('2026-03-02T14:00:00Z');
  const consent = createConsentManager({ store: createMemoryStore(), defaultCountry: 'US', clock });
  const optOut = async (messageId = 'SM-phrase') => {
    const { reply } = await consent.handleInbound({ from: LEAD, body: 'please stop texting me', messageId });
    expect(reply).toBeTypeOf('string');
    return reply as string;
  };
  return { clock, consent, optOut };
}

const failed = () => Promise.reject(new Error('provider unreachable'));

describe('the one confirmation through sendChecked', () => {
  it('a failed send puts the confirmation back, and the next send of it goes out once', async () => {
    const { consent, optOut } = setup();
    const reply = await optOut();
    await expect(consent.sendChecked(LEAD, { body: reply }, failed)).rejects.toThrow('provider unreachable');
    expect(await consent.canSend(LEAD, { body: reply })).toMatchObject({ reason: 'opt_out_confirmation' });
    const sent: string[] = [];
    await consent.sendChecked(LEAD, { body: reply }, async (to) => sent.push(to));
    await expect(
      consent.sendChecked(LEAD, { body: reply }, async (to) => sent.push(to)),
    ).rejects.toBeInstanceOf(OptedOutError);
    expect(sent).toEqual([LEAD]);
  });

  it('of concurrent sends of the confirmation exactly one runs, even when another one failed first', async () => {
    const { consent, optOut } = setup();
    const reply = await optOut();
    await expect(consent.sendChecked(LEAD, { body: reply }, failed)).rejects.toThrow();
    let sends = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        consent.sendChecked(LEAD, { body: reply }, async () => {
          sends++;
        }),
      ),
    );
    expect(sends).toBe(1);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
  });

  it('is not put back after its window', async () => {
    const { clock, consent, optOut } = setup();
    const reply = await optOut();
    await expect(
      consent.sendChecked(LEAD, { body: reply }, async () => {
        clock.advance(5 * 60_000 + 1);
        throw new Error('timed out');
      }),
    ).rejects.toThrow('timed out');
    clock.set('2026-03-02T14:00:00Z');
    await expect(consent.assertCanSend(LEAD, { body: reply })).rejects.toBeInstanceOf(OptedOutError);
  });

  it('is not put back once the person opted in again (no confirmation of a stale opt-out)', async () => {
    const { clock, consent, optOut } = setup();
    const reply = await optOut();
    await expect(
      consent.sendChecked(LEAD, { body: reply }, async () => {
        clock.advance(1000);
        await consent.handleInbound({ from: LEAD, body: 'START', messageId: 'SM-start' });
        clock.advance(1000);
        await consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SM-stop' });
        throw new Error('provider unreachable');
      }),
    ).rejects.toThrow();
    await expect(consent.assertCanSend(LEAD, { body: reply })).rejects.toBeInstanceOf(OptedOutError);
  });

  it('an ordinary send that fails puts nothing back and leaves the number refused', async () => {
    const { consent } = setup();
    await consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SM-stop' });
    await expect(consent.sendChecked(LEAD, { body: 'Sale!' }, failed)).rejects.toBeInstanceOf(OptedOutError);
    await expect(consent.sendChecked('+14155550000', { body: 'Hi' }, failed)).rejects.toThrow(
      'provider unreachable',
    );
  });
});
