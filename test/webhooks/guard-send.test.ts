import { guardSend, OptedOutError } from 'sms-consent';
import { describe, expect, it } from 'vitest';
import { freshConsent, LEAD } from './harness.js';

interface Sent {
  readonly to: string;
  readonly body?: string;
  readonly mediaUrl?: string;
}

function setup() {
  const { consent } = freshConsent();
  const sent: Sent[] = [];
  const send = guardSend(consent, async (message: Sent) => {
    sent.push(message);
    return 'ok';
  });
  return { consent, sent, send };
}

async function optOutWithConfirmation(consent: ReturnType<typeof freshConsent>['consent']) {
  const result = await consent.handleInbound({
    from: LEAD,
    to: '+18005550100',
    body: 'please stop texting me',
    messageId: 'm1',
  });
  expect(result.reply).toBeDefined();
  return result.reply as string;
}

describe('guardSend', () => {
  it('sends to the normalized number while the recipient may be texted', async () => {
    const { sent, send } = setup();
    expect(await send({ to: '(415) 555-2671', body: 'See you at 3' })).toBe('ok');
    expect(sent).toEqual([{ to: LEAD, body: 'See you at 3' }]);
  });

  it('refuses an opted-out recipient before calling send', async () => {
    const { consent, sent, send } = setup();
    await consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'm1' });
    await expect(send({ to: LEAD, body: 'Sale today!' })).rejects.toBeInstanceOf(OptedOutError);
    expect(sent).toHaveLength(0);
  });

  it('lets the one confirmation through once, as plain text only', async () => {
    const { consent, sent, send } = setup();
    const reply = await optOutWithConfirmation(consent);
    await expect(
      send({ to: LEAD, body: reply, mediaUrl: 'https://example.com/ad.png' }),
    ).rejects.toBeInstanceOf(OptedOutError);
    await send({ to: LEAD, body: reply });
    await expect(send({ to: LEAD, body: reply })).rejects.toBeInstanceOf(OptedOutError);
    expect(sent).toEqual([{ to: LEAD, body: reply }]);
  });

  it('puts the confirmation back when send fails, so the retry sends it, once', async () => {
    const { consent } = freshConsent();
    const reply = await optOutWithConfirmation(consent);
    const sent: Sent[] = [];
    let down = true;
    const send = guardSend(consent, async (message: Sent) => {
      if (down) throw new Error('provider unreachable');
      sent.push(message);
      return 'ok';
    });
    await expect(send({ to: LEAD, body: reply })).rejects.toThrow('provider unreachable');
    down = false;
    await send({ to: LEAD, body: reply });
    await expect(send({ to: LEAD, body: reply })).rejects.toBeInstanceOf(OptedOutError);
    expect(sent).toEqual([{ to: LEAD, body: reply }]);
  });

  it('records the opt-out a provider reports and rejects with OptedOutError', async () => {
    const { consent } = freshConsent();
    const providerError = Object.assign(new Error('Blocked due to STOP message'), { code: '40300' });
    const send = guardSend(
      consent,
      async (_message: Sent) => {
        throw providerError;
      },
      { isOptedOutError: (error) => (error as { code?: unknown }).code === '40300' },
    );
    const failure = await send({ to: LEAD, body: 'Hi' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OptedOutError);
    expect((failure as Error).cause).toBe(providerError);
    const status = await consent.getStatus(LEAD);
    expect(status.status).toBe('opted_out');
    expect(status.lastEvent?.source).toBe('delivery_error');
  });
});
