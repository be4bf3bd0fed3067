import type { z } from 'zod';
import { ConsentError } from '../errors.js';

/**
 * Validates configuration (a factory's options) with a zod schema, once, where it enters the
 * library. A failure is a `ConsentError` of code `CONFIG` whose message is the schema's own words
 * for every failed check, after `where` (`createRateLimiter: requestsPerSecond must be a positive
 * number, got 0`), so the schema, not a chain of `if … throw`, says what a valid configuration is.
 * Write each check's message to name the option and, where it helps, the value given.
 */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, where?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  // One value can fail several checks of one rule (`''` is neither https nor a URL): say it once.
  const problems = [...new Set(result.error.issues.map((issue) => issue.message))].join('; ');
  throw new ConsentError('CONFIG', where === undefined ? problems : `${where}: ${problems}`);
}

/**
 * zod params whose error names the option, the rule and the value given, for every check of the
 * schema they are passed to: `z.number(mustBe('burst', 'a number of at least 1')).min(1)` fails
 * with `burst must be a number of at least 1, got 0`.
 */
export function mustBe(name: string, rule: string): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => `${name} must be ${rule}, got ${String(issue.input)}` };
}
