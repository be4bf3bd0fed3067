import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type ConsentSource, foldConsent, liftsOptOut } from 'sms-consent';

const SOURCES: ConsentSource[] = ['sms', 'provider', 'delivery_error', 'crm', 'import', 'admin', 'api', 'form'];

const eventArbitrary = fc.record({
  id: fc.uuid(),
  action: fc.constantFrom('opt_out' as const, 'opt_in' as const),
  source: fc.constantFrom(...SOURCES),
  // Few distinct instants, so ties are common and the tie-break is exercised.
  occurredAt: fc.integer({ min: 0, max: 5 }).map((minute) => new Date(Date.UTC(2026, 2, 2, 10, minute)).toISOString()),
  idempotencyKey: fc.option(fc.string({ maxLength: 4 }), { nil: undefined }),
});

function event(action: 'opt_out' | 'opt_in', source: ConsentSource, time: string, id = `${action}-${source}-${time}`) {
  return { id, action, source, occurredAt: `2026-03-02T${time}:00.000Z` };
}

describe('foldConsent', () => {
  test('no events means unknown', () => {
    expect(foldConsent([]).status).toBe('unknown');
  });

  test('an opt-out from any source applies', () => {
    for (const source of SOURCES) expect(foldConsent([event('opt_out', source, '10:00')]).status).toBe('opted_out');
  });

  test('only a text from the person lifts an opt-out', () => {
    for (const source of SOURCES) {
      const optIn = event('opt_in', source, '10:05');
      const result = foldConsent([event('opt_out', 'sms', '10:00'), optIn]);
      expect(result.status).toBe(liftsOptOut(source) ? 'opted_in' : 'opted_out');
      expect(result.effects.get(optIn)).toEqual(
        liftsOptOut(source) ? { applied: true } : { applied: false, reason: 'requires_sms_opt_in' },
      );
    }
    expect(SOURCES.filter(liftsOptOut)).toEqual(['sms', 'provider']);
  });

  test('an opt-in from a form applies when there was no opt-out before it', () => {
    expect(foldConsent([event('opt_in', 'form', '09:00'), event('opt_out', 'sms', '10:00')]).status).toBe('opted_out');
    expect(foldConsent([event('opt_in', 'form', '09:00')]).status).toBe('opted_in');
  });

  test('orders by occurredAt, not by arrival: a late older STOP leaves a newer START in force', () => {
    const start = event('opt_in', 'sms', '10:05');
    const stop = event('opt_out', 'sms', '10:00');
    expect(foldConsent([start, stop]).status).toBe('opted_in');
    expect(foldConsent([start, stop]).cause).toBe(start);
  });

  test('an opt-out and an opt-in at the same instant resolve to opted out', () => {
    expect(foldConsent([event('opt_out', 'sms', '10:00'), event('opt_in', 'sms', '10:00')]).status).toBe('opted_out');
    expect(foldConsent([event('opt_in', 'sms', '10:00'), event('opt_out', 'sms', '10:00')]).status).toBe('opted_out');
  });

  test('the cause is the first event of the current run, the last event the latest', () => {
    const first = event('opt_out', 'sms', '10:00');
    const again = event('opt_out', 'crm', '10:10');
    const refused = event('opt_in', 'form', '10:20');
    const result = foldConsent([refused, again, first]);
    expect(result.cause).toBe(first);
    expect(result.lastEvent).toBe(refused);
  });

  test('any permutation of the same events gives the same status, cause and effects', () => {
    fc.assert(
      fc.property(fc.array(eventArbitrary, { maxLength: 12 }), fc.integer(), (events, seed) => {
        const shuffled = shuffle(events, seed);
        const a = foldConsent(events);
        const b = foldConsent(shuffled);
        expect(b.status).toBe(a.status);
        expect(b.cause?.id).toBe(a.cause?.id);
        expect(b.lastEvent?.id).toBe(a.lastEvent?.id);
        for (const item of events) expect(b.effects.get(item)).toEqual(a.effects.get(item));
      }),
      { numRuns: 500 },
    );
  });
});

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed >>> 0;
  for (let index = copy.length - 1; index > 0; index--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const other = state % (index + 1);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}
