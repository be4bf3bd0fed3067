import { createConsentManager, createMemoryStore, OptedOutError } from 'sms-consent';
import { createFixedClock } from 'sms-consent/testing';
import { describe, expect, it, vi } from 'vitest';

const LEAD = '+14155552671';
const STOP = { from: LEAD, body: 'please stop texting me', messageId: 'SM-claim' };

function setup(replies?: { optInConfirmation?: string }) {
  const clock = createFixedClock('2026-03-02T14:00:00Z');
  const store = createMemoryStore();
  const consume = vi.spyOn(store, 'consumeConfirmation');
  const consent = createConsentManager({
    store,
    clock,
    defaultCountry: 'US',
    ...(replies ? { replies } : {}),
  });
  return { clock, store, consume, consent };
}

const failed = () => Promise.reject(new Error('provider unreachable'));

describe('the reply handleInbound claimed', () => {
  it('of concurrent deliveries of one STOP exactly one result carries it; a redelivery while it is claimed carries none', async () => {
    const { consent } = setup();
    const results = await Promise.all(Array.from({ length: 8 }, () => consent.handleInbound(STOP)));
    expect(results.filter((result) => result.reply !== undefined)).toHaveLength(1);
    expect((await consent.handleInbound(STOP)).reply).toBeUndefined();
  });

  it('sendReply sends it with no store call, once; the guard then refuses it', async () => {
    const { consent, consume } = setup();
    const result = await consent.handleInbound(STOP);
    const sent: string[] = [];
    const send = async (to: string, body: string) => sent.push(`${to}:${body}`);
    expect(await consent.sendReply(result, send)).toBe(1);
    expect(await consent.sendReply(result, send)).toBeUndefined();
    await expect(consent.assertCanSend(LEAD, { body: result.reply as string })).rejects.toBeInstanceOf(
      OptedOutError,
    );
    expect(sent).toEqual([`${LEAD}:${result.reply}`]);
    expect(consume).not.toHaveBeenCalled();
  });

  it('the send guard with the claimed body takes the claim, without consuming in the store', async () => {
    const { consent, consume } = setup();
    const { reply } = await consent.handleInbound(STOP);
    expect(await consent.canSend(LEAD, { body: reply as string })).toMatchObject({ allowed: true });
    await consent.sendChecked(LEAD, { body: reply as string }, async () => {});
    expect(consume).not.toHaveBeenCalled();
    expect(await consent.canSend(LEAD, { body: reply as string })).toMatchObject({ allowed: false });
  });

  it('a failed send through sendReply puts it back: the redelivery of the STOP claims it again, once', async () => {
    const { consent } = setup();
    const first = await consent.handleInbound(STOP);
    await expect(consent.sendReply(first, failed)).rejects.toThrow('provider unreachable');
    const again = await Promise.all(Array.from({ length: 4 }, () => consent.handleInbound(STOP)));
    const claimed = again.filter((result) => result.reply !== undefined);
    expect(claimed).toHaveLength(1);
    expect(claimed[0]?.reply).toBe(first.reply);
    const sent: string[] = [];
    await consent.sendReply(claimed[0] as (typeof again)[number], async (_to, body) => sent.push(body));
    expect(sent).toEqual([first.reply]);
  });

  it('releaseReply puts an unsent claim back, once; sendChecked with that body then sends it once', async () => {
    const { consent } = setup();
    const result = await consent.handleInbound(STOP);
    expect(await consent.releaseReply(result)).toBe(true);
    expect(await consent.releaseReply(result)).toBe(false);
    const body = result.reply as string;
    await consent.sendChecked(LEAD, { body }, async () => {});
    await expect(consent.sendChecked(LEAD, { body }, async () => {})).rejects.toBeInstanceOf(OptedOutError);
    expect(await consent.sendReply(result, async () => 'sent')).toBeUndefined();
  });

  it('sendReply of a result whose claim was put back takes it from the store, once', async () => {
    const { consent, consume } = setup();
    const result = await consent.handleInbound(STOP);
    await consent.releaseReply(result);
    const sends = await Promise.all(
      Array.from({ length: 4 }, () => consent.sendReply(result, async () => 'sent')),
    );
    expect(sends.filter((sent) => sent === 'sent')).toHaveLength(1);
    expect(consume).toHaveBeenCalled();
  });

  it('a claim held for a number that opts in again is dropped: sendReply sends nothing', async () => {
    const { clock, consent } = setup();
    const result = await consent.handleInbound(STOP);
    clock.advance(1000);
    await consent.handleInbound({ from: LEAD, body: 'START', messageId: 'SM-start' });
    expect(await consent.sendReply(result, async () => 'sent')).toBeUndefined();
  });

  it('sendReply sends no put-back opt-out confirmation once the number opted in again', async () => {
    const { clock, consent } = setup();
    const result = await consent.handleInbound(STOP);
    await consent.releaseReply(result);
    clock.advance(1000);
    await consent.handleInbound({ from: LEAD, body: 'START', messageId: 'SM-start' });
    expect(await consent.sendReply(result, async () => 'sent')).toBeUndefined();
  });

  it('is not put back after its window: releaseReply is false and nothing is pending', async () => {
    const { clock, consent, store } = setup();
    const result = await consent.handleInbound(STOP);
    clock.advance(5 * 60_000 + 1);
    expect(await consent.releaseReply(result)).toBe(false);
    expect((await store.getStatus('default', consent.normalize(LEAD)))?.confirmation).toBeUndefined();
    expect((await consent.handleInbound(STOP)).reply).toBeUndefined();
    expect(await consent.sendReply(result, async () => 'sent')).toBeUndefined();
  });

  it('is not put back once the person opted in again', async () => {
    const { clock, consent } = setup();
    const result = await consent.handleInbound(STOP);
    clock.advance(1000);
    await consent.handleInbound({ from: LEAD, body: 'START', messageId: 'SM-start' });
    expect((await consent.getStatus(LEAD)).status).toBe('opted_in');
    expect(await consent.releaseReply(result)).toBe(false);
  });

  it('an opt-in reply is no claim: sendReply sends it through the guard, releaseReply has nothing to put back', async () => {
    const { consent } = setup({ optInConfirmation: 'Welcome back.' });
    const result = await consent.handleInbound({ from: LEAD, body: 'Start.', messageId: 'SM-in' });
    expect(result.reply).toBe('Welcome back.');
    expect(await consent.releaseReply(result)).toBe(false);
    expect(await consent.sendReply(result, async (to, body) => `${to}:${body}`)).toBe(
      `${LEAD}:Welcome back.`,
    );
  });
});
