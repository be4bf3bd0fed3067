import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { ValidationError } from '../../src/errors.js';
import { issuesOf, parseOrThrow } from '../../src/helpers/validation.js';

const schema = z.object({ phone: z.string(), tags: z.array(z.string()).optional() });

function caught(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('parseOrThrow', () => {
  test('returns the parsed data', () => {
    expect(parseOrThrow(schema, { phone: '+1', extra: 1 }, { heading: 'Invalid x input' })).toEqual({
      phone: '+1',
    });
  });

  test('names every bad field by its dotted path, in the message and in issues', () => {
    const error = caught(() =>
      parseOrThrow(schema, { phone: 1, tags: ['a', 2] }, { heading: 'Invalid x input' }),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.issues.map((issue) => issue.path)).toEqual(['phone', 'tags.1']);
    expect(error.message).toBe(
      `Invalid x input: phone: ${error.issues[0]?.message}; tags.1: ${error.issues[1]?.message}`,
    );
  });

  test('an issue with the whole input is shown as `whole`, with the separator asked for', () => {
    const error = caught(() =>
      parseOrThrow(schema, 'text', { heading: 'Invalid Twilio thing', whole: '(body)', separator: ' ' }),
    );
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe('(body)');
    expect(error.message).toBe(`Invalid Twilio thing: (body) ${error.issues[0]?.message}`);
  });
});

describe('issuesOf', () => {
  test('defaults the whole-input path to (input)', () => {
    const result = schema.safeParse(null);
    expect(result.success).toBe(false);
    if (!result.success) expect(issuesOf(result.error)[0]?.path).toBe('(input)');
  });
});
