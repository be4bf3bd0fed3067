import { describe, expect, test } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { parseIsoDate, timeOf, toInstant, toIso } from '../../src/helpers/time.js';

const NOW = new Date('2026-03-02T10:00:00Z');

describe('timeOf', () => {
  test('reads a Date, epoch milliseconds and text Date.parse reads', () => {
    const ms = Date.UTC(2026, 2, 2, 10);
    expect(timeOf(new Date(ms))).toBe(ms);
    expect(timeOf(ms)).toBe(ms);
    expect(timeOf('2026-03-02T10:00:00Z')).toBe(ms);
    expect(timeOf('2026-03-02T05:00:00-05:00')).toBe(ms);
  });

  test.each([
    ['an invalid Date', new Date(Number.NaN)],
    ['unreadable text', 'yesterday-ish'],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a number no Date can hold', 1e20],
  ])('%s names no moment', (_, value) => {
    expect(timeOf(value)).toBeUndefined();
  });
});

describe('toInstant', () => {
  test('gives ISO 8601 UTC', () => {
    expect(toInstant('2026-03-02T05:00:00-05:00', 'since')).toBe('2026-03-02T10:00:00.000Z');
    expect(toInstant(NOW, 'since')).toBe('2026-03-02T10:00:00.000Z');
  });

  test('an unreadable moment is a ValidationError naming the option', () => {
    expect(() => toInstant('soon', 'since')).toThrow('since must be an ISO 8601 date or a Date, got "soon"');
    const error = (() => {
      try {
        toInstant(new Date(Number.NaN), 'since');
      } catch (caught) {
        return caught as ValidationError;
      }
    })();
    expect(error?.message).toBe('since must be an ISO 8601 date or a Date, got an invalid Date');
    expect(error?.issues).toEqual([{ path: 'since', message: 'not a date' }]);
  });
});

describe('toIso', () => {
  test('accepts a moment between 2000 and five minutes after now', () => {
    expect(toIso(Date.UTC(2000, 0, 1), 'occurredAt', NOW)).toBe('2000-01-01T00:00:00.000Z');
    expect(toIso('2026-03-02T10:05:00Z', 'occurredAt', NOW)).toBe('2026-03-02T10:05:00.000Z');
  });

  test.each([
    ['not a valid date', 'whenever'],
    ['not a valid date', 1e20],
    ['before 2000 (seconds given where milliseconds are expected?)', 1_772_445_600],
    ['in the future', '2026-03-02T10:05:01Z'],
  ])('refuses a moment that is %s', (problem, value) => {
    let caught: unknown;
    try {
      toIso(value, 'occurredAt', NOW);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).message).toBe(`Invalid occurredAt: ${String(value)} is ${problem}`);
    expect((caught as ValidationError).issues).toEqual([{ path: 'occurredAt', message: problem }]);
  });
});

describe('parseIsoDate', () => {
  test.each([
    ['2026-03-01', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01T12:30', '2026-03-01T12:30:00.000Z'],
    ['2026-03-01 12:30:15', '2026-03-01T12:30:15.000Z'],
    ['2026-03-01T12:30:15.250Z', '2026-03-01T12:30:15.250Z'],
    ['2026-03-02T09:15:42-05:00', '2026-03-02T14:15:42.000Z'],
    [' 2024-02-29 ', '2024-02-29T00:00:00.000Z'],
  ])('reads %j as UTC unless it names a zone', (text, iso) => {
    expect(parseIsoDate(text)?.toISOString()).toBe(iso);
  });

  test.each([
    '2026-02-29',
    '2026-02-30',
    '2026-13-01',
    '2026-03-01T24:00',
    '2026-03-01T12:60',
    '03/01/2026',
    'March 1, 2026',
    '',
  ])('refuses %j instead of rolling it over', (text) => {
    expect(parseIsoDate(text)).toBeUndefined();
  });
});
