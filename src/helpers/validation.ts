import type { z } from 'zod';
import { ValidationError } from '../errors.js';

/** One failed check: the dotted path of the field and what is wrong with it. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** How {@link parseOrThrow} words its error. */
export interface IssueWording {
  /** The start of the message: `Invalid record input`, `Invalid Twilio inbound message`. */
  readonly heading: string;
  /** The path shown for an issue with the input as a whole; `(input)` unless given. */
  readonly whole?: string;
  /**
   * Between path and message: `': '` (the default) suits zod's own messages (`phone: Required`);
   * `' '` suits messages written as predicates (`NumMedia must be a non-negative integer`).
   */
  readonly separator?: string;
}

/** zod's issues as {@link ValidationError} issues, each path dotted and `whole` for the input itself. */
export function issuesOf(error: z.ZodError, whole = '(input)'): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || whole,
    message: issue.message,
  }));
}

/**
 * Validates `input` with a zod schema at an edge of the library; a failure is a
 * {@link ValidationError} (code `INVALID_INPUT`) that names every bad field, in the message and in
 * `issues`: `Invalid record input: phone: Required; action: Invalid option`.
 */
export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, wording: IssueWording): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = issuesOf(result.error, wording.whole);
  const separator = wording.separator ?? ': ';
  const listed = issues.map((issue) => `${issue.path}${separator}${issue.message}`).join('; ');
  throw new ValidationError(`${wording.heading}: ${listed}`, issues);
}
