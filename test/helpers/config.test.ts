import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { ConsentError } from '../../src/errors.js';
import { mustBe, parseConfig } from '../../src/helpers/config.js';

const schema = z.object({
  rate: z.number().refine((rate) => rate > 0 && Number.isFinite(rate), {
    error: (issue) => `rate must be a positive number, got ${String(issue.input)}`,
  }),
  name: z.string({ error: 'name is required' }).min(1, 'name is required'),
});

function caught(run: () => unknown): ConsentError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConsentError) return error;
    throw error;
  }
  throw new Error('expected a ConsentError');
}

describe('parseConfig', () => {
  test('returns the parsed configuration', () => {
    expect(parseConfig(schema, { rate: 2, name: 'a' }, 'createThing')).toEqual({ rate: 2, name: 'a' });
  });

  test("a bad option is a CONFIG error in the schema's own words, after where", () => {
    const error = caught(() => parseConfig(schema, { rate: 0, name: 'a' }, 'createThing'));
    expect(error.code).toBe('CONFIG');
    expect(error.message).toBe('createThing: rate must be a positive number, got 0');
  });

  test('every failed check is named, in the order of the schema', () => {
    const error = caught(() => parseConfig(schema, { rate: -1 }, 'createThing'));
    expect(error.message).toBe('createThing: rate must be a positive number, got -1; name is required');
  });

  test('without where the message is the checks alone', () => {
    expect(caught(() => parseConfig(schema, { rate: 1, name: '' })).message).toBe('name is required');
  });
});

describe('mustBe', () => {
  const burst = z.object({ burst: z.number(mustBe('burst', 'a number of at least 1')).min(1).optional() });

  test.each([
    [0, 'got 0'],
    [Number.NaN, 'got NaN'],
    [Number.POSITIVE_INFINITY, 'got Infinity'],
    ['3', 'got 3'],
  ])('names the option, the rule and the value %j for every check', (value, got) => {
    expect(caught(() => parseConfig(burst, { burst: value }, 'createX')).message).toBe(
      `createX: burst must be a number of at least 1, ${got}`,
    );
  });

  test('an option left out is fine when the schema says optional', () => {
    expect(parseConfig(burst, {})).toEqual({});
  });
});

describe('parseConfig with a value that fails several checks of one rule', () => {
  test('says the rule once', () => {
    const url = z.object({
      baseUrl: z
        .string({ error: 'baseUrl must be a URL' })
        .regex(/^https?:\/\//)
        .refine((text) => URL.canParse(text)),
    });
    expect(caught(() => parseConfig(url, { baseUrl: '' })).message).toBe('baseUrl must be a URL');
  });
});
