import fc from 'fast-check';
import { CONSENT_SOURCES, type ConsentSource, foldConsent, liftsOptOut } from 'sms-consent';
import { describe, expect, test } from 'vitest';
import { shuffled } from '../helpers/shuffle.js';

const SOURCES = [...CONSENT_SOURCES];

const eventArbitrary = fc.record({
  id: fc.string({ minLength: 1, maxLength: 3 }),
  action: fc.constantFrom('opt_out' as const, 'opt_in' as const),
  source: fc.constantFrom(...SOURCES),
  // Few distinct instants, so ties are common and the tie-break is exercised.
  occurredAt: fc
    .integer({ min: 0, max: 5 })
    .map((minute) => new Date(Date.UTC(2026, 2, 2, 10, minute)).toISOString()),
  recordedAt: fc
    .integer({ min: 0, max: 2 })
    .map((second) => new Date(Date.UTC(2026, 2, 2, 11, 0, second)).toISOString()),
});

function event(
  action: 'opt_out' | 'opt_in',
  source: ConsentSource,
  time: string,
  id = `${action}-${source}-${time}`,
) {
  const occurredAt = `2026-03-02T${time}:00.000Z`;
  return { id, action, source, occurredAt, recordedAt: occurredAt };
}

describe('foldConsent', () => {
  test('no events means unknown', () => {
    expect(foldConsent([]).status).toBe('unknown');
  });

  test('an opt-out from any source applies', () => {
    for (const source of SOURCES)
      expect(foldConsent([event('opt_out', source, '10:00')]).status).toBe('opted_out');
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
    expect(foldConsent([event('opt_in', 'form', '09:00'), event('opt_out', 'sms', '10:00')]).status).toBe(
      'opted_out',
    );
    expect(foldConsent([event('opt_in', 'form', '09:00')]).status).toBe('opted_in');
  });

  test('orders by occurredAt, not by arrival: a late older STOP leaves a newer START in force', () => {
    const start = event('opt_in', 'sms', '10:05');
    const stop = event('opt_out', 'sms', '10:00');
    expect(foldConsent([start, stop]).status).toBe('opted_in');
    expect(foldConsent([start, stop]).cause).toBe(start);
  });

  test('at the same instant the event recorded later wins, whatever the arrival order', () => {
    const stop = { ...event('opt_out', 'sms', '10:00'), recordedAt: '2026-03-02T10:00:01.000Z' };
    const start = { ...event('opt_in', 'sms', '10:00'), recordedAt: '2026-03-02T10:00:02.000Z' };
    expect(foldConsent([stop, start]).status).toBe('opted_in');
    expect(foldConsent([start, stop]).status).toBe('opted_in');
  });

  test('at the same instant, recorded together, the later id wins; a full tie goes to the opt-out', () => {
    expect(
      foldConsent([event('opt_in', 'sms', '10:00', 'evt_2'), event('opt_out', 'sms', '10:00', 'evt_1')])
        .status,
    ).toBe('opted_in');
    expect(
      foldConsent([event('opt_out', 'sms', '10:00', 'same'), event('opt_in', 'sms', '10:00', 'same')]).status,
    ).toBe('opted_out');
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
        const reordered = shuffled(events, seed);
        const a = foldConsent(events);
        const b = foldConsent(reordered);
        expect(b.status).toBe(a.status);
        expect(b.cause?.id).toBe(a.cause?.id);
        expect(b.lastEvent?.id).toBe(a.lastEvent?.id);
        for (const item of events) expect(b.effects.get(item)).toEqual(a.effects.get(item));
      }),
      { numRuns: 500 },
    );
  });
});
