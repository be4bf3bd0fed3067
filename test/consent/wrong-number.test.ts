import { type ConsentChange, createConsentManager, createMemoryStore } from 'sms-consent';
import { createFixedClock } from 'sms-consent/testing';
import { describe, expect, test } from 'vitest';

const LEAD = '+14155552671';
const FIRM = '+18005550100';

function setup() {
  const changes: ConsentChange[] = [];
  const consent = createConsentManager({
    store: createMemoryStore(),
    clock: createFixedClock('2026-03-02T14:03:22Z'),
    defaultCountry: 'US',
    onChange: (change) => {
      changes.push(change);
    },
  });
  return { consent, changes };
}

describe('a wrong-number reply opts the number out and says so everywhere', () => {
  test('the result, the ledger evidence, onChange and explain() all carry wrongNumber', async () => {
    const { consent, changes } = setup();
    const result = await consent.handleInbound({
      from: LEAD,
      to: FIRM,
      body: "I'm not Dwight",
      messageId: 'SM1',
    });
    expect(result).toMatchObject({
      intent: 'opt_out',
      rule: 'wrong_number',
      wrongNumber: true,
      changed: true,
      providerBlocks: false,
    });
    const [event] = await consent.history(LEAD);
    expect(event?.evidence).toMatchObject({ wrongNumber: true, rule: 'wrong_number', match: 'phrase' });
    expect(changes).toHaveLength(1);
    expect(changes[0]?.wrongNumber).toBe(true);
    expect(changes[0]?.event.evidence.wrongNumber).toBe(true);
    expect(await consent.explain(LEAD)).toContain('the person said it is a wrong number');
  });

  test('an ordinary opt-out carries its rule but no wrongNumber', async () => {
    const { consent, changes } = setup();
    await consent.handleInbound({ from: LEAD, to: FIRM, body: 'Stop2End', messageId: 'SM2' });
    const [event] = await consent.history(LEAD);
    expect(event?.evidence).toMatchObject({ rule: 'echo', keyword: 'stop2end' });
    expect(event?.evidence.wrongNumber).toBeUndefined();
    expect(changes[0]?.wrongNumber).toBeUndefined();
    expect(await consent.explain(LEAD)).not.toContain('wrong number');
  });

  test('record() accepts wrongNumber and rule as evidence, and rejects a non-boolean wrongNumber', async () => {
    const { consent } = setup();
    await consent.record({
      phone: LEAD,
      action: 'opt_out',
      source: 'import',
      evidence: { wrongNumber: true, rule: 'wrong_number' },
    });
    expect((await consent.history(LEAD))[0]?.evidence.wrongNumber).toBe(true);
    await expect(
      consent.record({
        phone: LEAD,
        action: 'opt_out',
        source: 'import',
        evidence: { wrongNumber: 'yes' } as never,
      }),
    ).rejects.toMatchObject({ code: expect.any(String) });
  });
});
