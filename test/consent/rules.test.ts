import fc from 'fast-check';
import type { ConsentSource } from 'sms-consent';
import { describe, expect, test } from 'vitest';
import { foldConsent, liftsOptOut } from '../../src/consent/rules.js';
import { CONSENT_SOURCES } from '../../src/consent/types.js';
import { shuffled } from '../helpers/shuffle.js';

const SOURCES = [...CONSENT_SOURCES];

const eventArbitrary = fc.record({
  // Short ids from a tiny alphabet collide often; the ledger's ids are unique, so the arrays are too.
  id: fc.string({ minLength: 1, maxLength: 3, unit: fc.constantFrom('a', 'b', 'c') }),
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

const events = fc.uniqueArray(eventArbitrary, { maxLength: 12, selector: (item) => item.id });

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

  test('at the same instant an opt-out wins over an opt-in, whatever was recorded or listed first', () => {
    const stop = { ...event('opt_out', 'sms', '10:00', 'evt_1'), recordedAt: '2026-03-02T10:00:01.000Z' };
    const start = { ...event('opt_in', 'sms', '10:00', 'evt_2'), recordedAt: '2026-03-02T10:00:02.000Z' };
    expect(foldConsent([stop, start]).status).toBe('opted_out');
    expect(foldConsent([start, stop]).status).toBe('opted_out');
    const earlierStart = { ...start, id: 'evt_0', recordedAt: '2026-03-02T10:00:00.000Z' };
    expect(foldConsent([stop, earlierStart]).cause).toBe(stop);
    expect(foldConsent([earlierStart, stop]).effects.get(earlierStart)).toEqual({ applied: true });
  });

  test('at the same instant and action, the event recorded later, then the later id, comes last', () => {
    const crm = { ...event('opt_out', 'crm', '10:00', 'evt_2'), recordedAt: '2026-03-02T10:00:01.000Z' };
    const sms = { ...event('opt_out', 'sms', '10:00', 'evt_1'), recordedAt: '2026-03-02T10:00:02.000Z' };
    expect(foldConsent([sms, crm]).lastEvent).toBe(sms);
    const admin = event('opt_out', 'admin', '10:00', 'evt_3');
    const api = event('opt_out', 'api', '10:00', 'evt_4');
    expect(foldConsent([api, admin]).lastEvent).toBe(api);
    expect(foldConsent([api, admin]).cause).toBe(admin);
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
      fc.property(events, fc.integer(), (events, seed) => {
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

  test('events sharing an id still fold the same in any order (seed 1534852741 once broke it)', () => {
    const colliding = eventArbitrary.map((item) => ({ ...item, id: item.id.slice(0, 1) }));
    fc.assert(
      fc.property(fc.array(colliding, { maxLength: 12 }), fc.integer(), (items, seed) => {
        expect(foldConsent(shuffled(items, seed)).effects.size).toBe(items.length);
        const a = foldConsent(items);
        const b = foldConsent(shuffled(items, seed));
        for (const item of items) expect(b.effects.get(item)).toEqual(a.effects.get(item));
      }),
      { numRuns: 500, seed: 1534852741 },
    );
  });

  test('whenever an opt-out shares the latest instant, the fold ends opted out, in any order', () => {
    fc.assert(
      fc.property(events, fc.integer(), (items, seed) => {
        const latest = Math.max(...items.map((item) => Date.parse(item.occurredAt)));
        const tiedOptOut = items.some(
          (item) => item.action === 'opt_out' && Date.parse(item.occurredAt) === latest,
        );
        if (tiedOptOut) expect(foldConsent(shuffled(items, seed)).status).toBe('opted_out');
      }),
      { numRuns: 500 },
    );
  });
});
