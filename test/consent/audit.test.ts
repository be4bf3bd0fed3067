import { type ConsentEvent, createConsentManager, createMemoryStore } from 'sms-consent';
import { createFixedClock } from 'sms-consent/testing';
import { describe, expect, test } from 'vitest';

async function ledgerOfFive() {
  const store = createMemoryStore();
  const clock = createFixedClock('2026-03-02T14:00:00Z');
  const consent = createConsentManager({ store, clock, defaultCountry: 'US' });
  for (let index = 0; index < 5; index++) {
    clock.advance(60_000);
    await consent.handleInbound({
      from: `+1415555267${index}`,
      body: index % 2 ? 'START' : 'STOP',
      messageId: `SM${index}`,
    });
  }
  const events = store.internals.tenants.get('default')?.events as ConsentEvent[];
  return { consent, events };
}

describe('verifyAuditTrail', () => {
  test('an untouched ledger verifies', async () => {
    const { consent } = await ledgerOfFive();
    expect(await consent.verifyAuditTrail()).toEqual({ ok: true, checked: 5 });
    expect(await consent.verifyAuditTrail({ tenantId: 'empty' })).toEqual({ ok: true, checked: 0 });
  });

  test('an edited event is found by its hash', async () => {
    const { consent, events } = await ledgerOfFive();
    const original = events[2] as ConsentEvent;
    events[2] = { ...original, evidence: { ...original.evidence, body: 'hello' } };
    expect(await consent.verifyAuditTrail()).toEqual({
      ok: false,
      checked: 2,
      brokenAt: { seq: 3, eventId: original.id, problem: 'hash_mismatch' },
    });
  });

  test('an edited occurredAt is found', async () => {
    const { consent, events } = await ledgerOfFive();
    const original = events[1] as ConsentEvent;
    events[1] = { ...original, occurredAt: '2020-01-01T00:00:00.000Z' };
    expect((await consent.verifyAuditTrail()).brokenAt).toMatchObject({ seq: 2, problem: 'hash_mismatch' });
  });

  test('a removed event leaves a gap', async () => {
    const { consent, events } = await ledgerOfFive();
    events.splice(3, 1);
    expect(await consent.verifyAuditTrail()).toMatchObject({
      ok: false,
      checked: 3,
      brokenAt: { seq: 4, problem: 'sequence_gap' },
    });
  });

  test('reordered events break the chain', async () => {
    const { consent, events } = await ledgerOfFive();
    const [first, second] = events as [ConsentEvent, ConsentEvent];
    // Swap two events and renumber them: their prevHash no longer matches.
    events[0] = { ...second, seq: 1 };
    events[1] = { ...first, seq: 2 };
    expect(await consent.verifyAuditTrail()).toMatchObject({
      ok: false,
      checked: 0,
      brokenAt: { seq: 1, problem: 'chain_mismatch' },
    });
  });
});
