import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { TwilioParams } from './signature.js';

/** Webhook parameters as a request gives them: a plain record (parsed form or JSON) or `URLSearchParams`. */
export type TwilioParamsInput = TwilioParams | URLSearchParams | Readonly<Record<string, unknown>>;

/** `URLSearchParams` as a record, a repeated name becoming an array in order. */
export function paramsToRecord(params: URLSearchParams): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    const existing = record[name];
    if (existing === undefined) record[name] = value;
    else if (typeof existing === 'string') record[name] = [existing, value];
    else existing.push(value);
  }
  return record;
}

/** A required single text field, with messages that say what is wrong in words. */
export function field(): z.ZodString {
  return z.string({
    error: (issue) => (issue.input === undefined ? 'is required' : 'must be a single text value'),
  });
}

/** A Twilio SID: two letters, then 32 hex digits. */
export function sid(prefixes: readonly string[]): z.ZodString {
  const pattern = new RegExp(`^(?:${prefixes.join('|')})[0-9a-f]{32}$`, 'i');
  return field().regex(pattern, `must be ${prefixes.join(' or ')} followed by 32 hex digits`);
}

/**
 * A non-negative integer sent as text (`NumMedia`, `ErrorCode`); JSON bodies may send a number.
 * An empty text reads as absent.
 */
export function integerText(): z.ZodType<number | undefined> {
  return z.unknown().transform((value, context) => {
    if (value === '') return undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
    if (typeof value === 'string' && /^\d{1,9}$/.test(value)) return Number(value);
    context.addIssue({ code: 'custom', message: 'must be a non-negative integer' });
    return z.NEVER;
  });
}

/** Validates webhook parameters; a {@link ValidationError} names every bad field by its Twilio name. */
export function parseParams<T>(schema: z.ZodType<T>, input: TwilioParamsInput, what: string): T {
  const record = input instanceof URLSearchParams ? paramsToRecord(input) : input;
  const result = schema.safeParse(record);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
  throw new ValidationError(
    `Invalid Twilio ${what}: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`,
    issues,
  );
}
