import { createConsentManager, createMemoryStore, type HistoryMessage, ValidationError } from 'sms-consent';
import { createFakeCrm, createFixedClock } from 'sms-consent/testing';
import { describe, expect, test } from 'vitest';

const FIRM = '+18005550100';
const LEAD = '+14155552671';
const NOW = '2026-06-01T00:00:00Z';

function setup() {
  const clock = createFixedClock(NOW);
  const crm = createFakeCrm({ now: () => clock.now().getTime() });
  const consent = createConsentManager({ store: createMemoryStore(), clock, crm, defaultCountry: 'US' });
  return { clock, crm, consent };
}

function inbound(body: string, sentAt: HistoryMessage['sentAt'], id: string): HistoryMessage {
  return { id, direction: 'inbound', from: LEAD, to: FIRM, body, sentAt };
}

/** The error live handling and `record()` give for the same date. */
async function liveError(consent: ReturnType<typeof setup>['consent'], at: HistoryMessage['sentAt']) {
  return consent
    .handleInbound({ from: LEAD, to: FIRM, body: 'START', messageId: 'SMlive', receivedAt: at })
    .catch((error: unknown) => error);
}

describe('backfill refuses history dated in the future or before 2000', () => {
  test('a START dated 2099 cannot outrank an admin opt-out: the backfill is refused, nothing written', async () => {
    const { consent } = setup();
    await consent.record({ phone: LEAD, action: 'opt_out', source: 'admin', actor: 'compliance' });
    const history = [
      inbound('STOP', '2026-05-01T10:00:00Z', 'SM1'),
      inbound('START', '2099-01-01T00:00:00Z', 'SM2'),
    ];
    const failure = await consent.backfill(history).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    expect(failure).toMatchObject({ code: 'INVALID_INPUT' });
    expect(String((failure as Error).message)).toMatch(/SM2.*in the future/);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
    expect(await consent.history(LEAD)).toHaveLength(1);
    const live = await liveError(consent, '2099-01-01T00:00:00Z');
    expect(live).toBeInstanceOf(ValidationError);
    expect(live).toMatchObject({ code: (failure as ValidationError).code });
  });

  test('epoch seconds given as milliseconds (1970) are refused like live handling refuses them', async () => {
    const { consent } = setup();
    const seconds = Math.floor(Date.parse('2026-05-01T10:00:00Z') / 1000);
    const failure = await consent
      .backfill([inbound('STOP', seconds, 'SM1')])
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    expect(String((failure as Error).message)).toMatch(/before 2000/);
    expect(await liveError(consent, seconds)).toBeInstanceOf(ValidationError);
    expect(await consent.history(LEAD)).toHaveLength(0);
  });

  test('an outbound 21610 dated in the future is refused too', async () => {
    const { consent } = setup();
    const refused: HistoryMessage = {
      id: 'SMout',
      direction: 'outbound',
      from: FIRM,
      to: LEAD,
      body: 'Your appointment',
      sentAt: new Date('2031-01-01T00:00:00Z'),
      errorCode: 21610,
    };
    await expect(consent.backfill([refused])).rejects.toBeInstanceOf(ValidationError);
    expect(await consent.history(LEAD)).toHaveLength(0);
  });

  test('clock skew of up to five minutes is accepted, as live', async () => {
    const { consent } = setup();
    const result = await consent.backfill([inbound('STOP', '2026-06-01T00:04:59Z', 'SM1')]);
    expect(result.recorded).toBe(1);
    expect((await consent.getStatus(LEAD)).since).toBe('2026-06-01T00:04:59.000Z');
  });

  test('importFromCrm refuses an occurredAt in the future or before 2000', async () => {
    const { consent, crm } = setup();
    crm.addContact({ phone: LEAD, smsConsent: 'opted_out' });
    for (const occurredAt of ['2099-01-01T00:00:00Z', new Date(1_000_000)]) {
      await expect(consent.importFromCrm({ occurredAt })).rejects.toBeInstanceOf(ValidationError);
    }
    expect(await consent.history(LEAD)).toHaveLength(0);
    expect(await consent.importFromCrm({ occurredAt: '2026-05-01T00:00:00Z' })).toMatchObject({
      imported: 1,
    });
  });
});
