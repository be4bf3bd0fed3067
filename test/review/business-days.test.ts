import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { federalHolidays, isBusinessDay, revocationDueBy } from '../../src/review/business-days.js';

describe('US federal holidays (5 U.S.C. 6103, observed per OPM)', () => {
  test('2026 matches the OPM calendar', () => {
    // https://www.opm.gov/policy-data-oversight/pay-leave/federal-holidays/#url=2026
    expect(federalHolidays(2026)).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03', // Independence Day is a Saturday: observed Friday 3 July
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ]);
  });

  test('a Saturday New Year is observed on 31 December of the year before', () => {
    // 1 January 2028 is a Saturday.
    expect(federalHolidays(2028)[0]).toBe('2027-12-31');
    expect(isBusinessDay(new Date('2027-12-31T12:00:00Z'))).toBe(false);
    expect(isBusinessDay(new Date('2027-12-30T12:00:00Z'))).toBe(true);
  });

  test('a Sunday holiday is observed on the Monday after', () => {
    // 19 June 2022 was a Sunday: observed Monday 20 June.
    expect(federalHolidays(2022)).toContain('2022-06-20');
  });
});

describe('revocationDueBy: ten business days', () => {
  test('skips weekends', () => {
    expect(revocationDueBy(new Date('2026-03-02T13:00:00Z')).toISOString()).toBe('2026-03-16T13:00:00.000Z');
  });

  test('skips federal holidays: Thanksgiving and Christmas week', () => {
    // Mon 23 Nov 2026 + 10 business days, without Thu 26 Nov → Tue 8 Dec.
    expect(revocationDueBy(new Date('2026-11-23T09:30:00Z')).toISOString()).toBe('2026-12-08T09:30:00.000Z');
    // Fri 18 Dec 2026: 21, 22, 23, 24, (25 off), 28, 29, 30, 31, (1 Jan off), 4, 5 → Tue 5 Jan 2027.
    expect(revocationDueBy(new Date('2026-12-18T18:00:00Z')).toISOString()).toBe('2027-01-05T18:00:00.000Z');
  });

  test('a text on a Saturday counts from the Monday', () => {
    expect(revocationDueBy(new Date('2026-03-07T22:00:00Z')).toISOString()).toBe('2026-03-20T22:00:00.000Z');
  });

  test('is always 12 to 20 calendar days later, on a business day, at the same time of day', () => {
    const start = Date.UTC(2025, 0, 1);
    const end = Date.UTC(2035, 0, 1);
    fc.assert(
      fc.property(fc.integer({ min: start, max: end }), (ms) => {
        const due = revocationDueBy(new Date(ms));
        const days = (due.getTime() - ms) / 86_400_000;
        expect(Number.isInteger(days)).toBe(true);
        expect(days).toBeGreaterThanOrEqual(12);
        expect(days).toBeLessThanOrEqual(20);
        expect(isBusinessDay(due)).toBe(true);
      }),
    );
  });
});
