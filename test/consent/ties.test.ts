import { createConsentManager, createMemoryStore, type HistoryMessage } from 'sms-consent';
import { createFixedClock } from 'sms-consent/testing';
import { describe, expect, test } from 'vitest';

const FIRM = '+18005550100';
const LEAD = '+14155552671';
const SECOND = '2026-05-01T10:00:00Z';

function manager() {
  const clock = createFixedClock('2026-06-01T00:00:00Z');
  return createConsentManager({ store: createMemoryStore(), clock, defaultCountry: 'US' });
}

function inbound(body: string, id: string): HistoryMessage {
  return { id, direction: 'inbound', from: LEAD, to: FIRM, body, sentAt: SECOND };
}

describe('an opt-out and an opt-in at the same instant', () => {
  test('handled live in either arrival order, the number ends opted out', async () => {
    for (const order of [
      ['STOP', 'START'],
      ['START', 'STOP'],
    ]) {
      const consent = manager();
      for (const [index, body] of order.entries()) {
        await consent.handleInbound({
          from: LEAD,
          to: FIRM,
          body,
          messageId: `SM${index}`,
          receivedAt: SECOND,
        });
      }
      expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
      expect(await consent.canSend(LEAD)).toMatchObject({ allowed: false });
    }
  });

  test('backfilled newest first (as the Messages API lists, to the second), the number ends opted out', async () => {
    const newestFirst = [inbound('START', 'SM2'), inbound('STOP', 'SM1')];
    const listed = manager();
    await listed.backfill(newestFirst);
    const sorted = manager();
    await sorted.backfill([...newestFirst].reverse());
    for (const consent of [listed, sorted]) {
      const status = await consent.getStatus(LEAD);
      expect(status.status).toBe('opted_out');
      expect(status.cause?.evidence.messageId).toBe('SM1');
    }
  });

  test('an admin opt-out at the instant of the START wins, whichever was recorded first', async () => {
    const consent = manager();
    await consent.handleInbound({
      from: LEAD,
      to: FIRM,
      body: 'START',
      messageId: 'SM1',
      receivedAt: SECOND,
    });
    await consent.record({ phone: LEAD, action: 'opt_out', source: 'admin', occurredAt: SECOND });
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
    const other = manager();
    await other.record({ phone: LEAD, action: 'opt_out', source: 'admin', occurredAt: SECOND });
    await other.handleInbound({ from: LEAD, to: FIRM, body: 'START', messageId: 'SM1', receivedAt: SECOND });
    expect((await other.getStatus(LEAD)).status).toBe('opted_out');
  });
});
