import { ValidationError } from '../errors.js';

/** A moment as callers give it: a Date, an ISO 8601 string or epoch milliseconds (`TimeInput`). */
export type Moment = Date | string | number;

/**
 * Epoch milliseconds of a moment, or `undefined` when it names none: an invalid Date, text that
 * `Date.parse` cannot read, or a number outside the range a Date can hold.
 */
export function timeOf(value: Moment): number | undefined {
  const time = value instanceof Date ? value.getTime() : new Date(value).getTime();
  return Number.isNaN(time) ? undefined : time;
}

/**
 * A moment given as an ISO 8601 string or a Date, as ISO 8601 UTC; an unreadable one is a
 * `ValidationError` (code `INVALID_INPUT`) naming the option, never a bare `RangeError`.
 */
export function toInstant(value: string | Date, option: string): string {
  const time = timeOf(value);
  if (time === undefined) {
    const shown = value instanceof Date ? 'an invalid Date' : JSON.stringify(value);
    throw new ValidationError(`${option} must be an ISO 8601 date or a Date, got ${shown}`, [
      { path: option, message: 'not a date' },
    ]);
  }
  return new Date(time).toISOString();
}

/** The earliest moment the ledger accepts: older values are almost always a unit mistake. */
const EARLIEST = Date.UTC(2000, 0, 1);
/** How far ahead of the clock a moment may be (clock skew between machines), in milliseconds. */
const FUTURE_SKEW_MS = 5 * 60 * 1000;

/**
 * A moment for the ledger, as ISO 8601 UTC. Throws {@link ValidationError} for a date that does not
 * exist, one before 2000 (epoch seconds passed as milliseconds land in 1970), and one more than five
 * minutes after `now`: a future-dated opt-in would otherwise outrank every real STOP until that date.
 */
export function toIso(value: Moment, field: string, now: Date): string {
  const time = timeOf(value);
  if (time === undefined) throw notALedgerMoment(value, field, 'not a valid date');
  const problem =
    time < EARLIEST
      ? 'before 2000 (seconds given where milliseconds are expected?)'
      : time > now.getTime() + FUTURE_SKEW_MS
        ? 'in the future'
        : undefined;
  if (problem !== undefined) throw notALedgerMoment(value, field, problem);
  return new Date(time).toISOString();
}

function notALedgerMoment(value: Moment, field: string, problem: string): ValidationError {
  return new ValidationError(`Invalid ${field}: ${String(value)} is ${problem}`, [
    { path: field, message: problem },
  ]);
}

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * ISO 8601 text as a Date, read as UTC unless it names a zone; `undefined` for anything else. A date
 * alone is the start of that day (`2026-03-01` = `2026-03-01T00:00:00Z`); a space may stand for the
 * `T` (`2026-03-01 12:00:00`, as ActiveCampaign writes it). Days and times that do not exist
 * (`2026-02-30`, `24:00`) are refused rather than rolled over into the next month or day.
 */
export function parseIsoDate(text: string): Date | undefined {
  const match = ISO_DATE.exec(text.trim());
  if (match === null) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = match;
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const exists =
    calendar.getUTCFullYear() === Number(year) &&
    calendar.getUTCMonth() === Number(month) - 1 &&
    calendar.getUTCDate() === Number(day) &&
    Number(hour) < 24 &&
    Number(minute) < 60 &&
    Number(second) < 60;
  if (!exists) return undefined;
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${fraction}${zone}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
