import { foldConsent } from '../../consent/rules.js';
import { expectFoldMatches, PHONE } from './fixtures.js';
import type { GroupKit } from './types.js';

/** Out-of-order events: the status row stays the fold of the ledger (checked raw with an inspector). */
export function orderingTests({ define, expect }: GroupKit): void {
  define('a late older STOP does not override a newer START', async (context) => {
    const { store, consent } = context;
    await consent.handleInbound({
      from: PHONE,
      body: 'START',
      messageId: 'SM-start',
      receivedAt: '2026-03-02T10:05:00Z',
    });
    const late = await consent.handleInbound({
      from: PHONE,
      body: 'STOP',
      messageId: 'SM-stop',
      receivedAt: '2026-03-02T10:00:00Z',
    });
    expect(late.changed).toBe(false);
    expect((await store.getStatus('default', PHONE))?.status).toBe('opted_in');
    if (context.inspector)
      expect((await context.inspector.status('default', PHONE))?.status).toBe('opted_in');
    await expectFoldMatches(expect, context, 'default', PHONE);
  });

  define('the status row is the fold of the ledger after every write', async (context) => {
    const { consent } = context;
    const script: [string, string][] = [
      ['STOP', '2026-03-02T10:00:00Z'],
      ['START', '2026-03-02T09:00:00Z'],
      ['START', '2026-03-02T11:00:00Z'],
      ['STOP', '2026-03-02T10:30:00Z'],
      ['STOP', '2026-03-02T11:00:00Z'],
    ];
    for (const [index, [body, receivedAt]] of script.entries()) {
      await consent.handleInbound({ from: PHONE, body, messageId: `SM${index}`, receivedAt });
      await expectFoldMatches(expect, context, 'default', PHONE);
    }
    await consent.record({
      phone: PHONE,
      action: 'opt_in',
      source: 'form',
      occurredAt: '2026-03-02T12:00:00Z',
    });
    const events = await expectFoldMatches(expect, context, 'default', PHONE);
    expect(foldConsent(events).status).toBe('opted_out');
  });
}
