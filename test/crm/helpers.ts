import { type ConsentManagerOptions, createConsentManager, createMemoryStore } from 'sms-consent';
import { createFakeCrm, createFixedClock } from 'sms-consent/testing';

export const LEAD = '+14155552671';
export const FIRM = '+18005550100';

/** A manager on a memory store and a fake CRM, sharing one fixed clock. */
export function setup(options: Partial<ConsentManagerOptions> = {}) {
  const clock = createFixedClock('2026-03-02T14:00:00Z');
  const store = createMemoryStore();
  const crm = createFakeCrm({ now: () => clock.now().getTime() });
  const consent = createConsentManager({
    store,
    crm,
    clock,
    defaultCountry: 'US',
    ...options,
    crmSync: { random: () => 0.5, ...options.crmSync },
  });
  let sid = 0;
  const text = (from: string, body: string) =>
    consent.handleInbound({ from, to: FIRM, body, messageId: `SM${String(++sid).padStart(32, '0')}` });
  return { clock, store, crm, consent, text };
}

export const MINUTE = 60_000;
