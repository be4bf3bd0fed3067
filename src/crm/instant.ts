import { ValidationError } from '../errors.js';

/**
 * A moment given as an ISO 8601 string or a Date, as ISO 8601 UTC; an unreadable one is a
 * `ValidationError` (code `INVALID_INPUT`) naming the option, never a bare `RangeError`.
 */
export function toInstant(value: string | Date, option: string): string {
  const time = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(time)) {
    const shown = value instanceof Date ? 'an invalid Date' : JSON.stringify(value);
    throw new ValidationError(`${option} must be an ISO 8601 date or a Date, got ${shown}`, [
      { path: option, message: 'not a date' },
    ]);
  }
  return new Date(time).toISOString();
}
