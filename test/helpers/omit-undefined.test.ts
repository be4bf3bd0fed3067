import { describe, expect, expectTypeOf, test } from 'vitest';
import { omitUndefined } from '../../src/helpers/omit-undefined.js';

describe('omitUndefined', () => {
  test('drops only the undefined fields: null, 0, empty text and false are data', () => {
    const result = omitUndefined({ a: 1, b: undefined, c: null, d: 0, e: '', f: false });
    expect(result).toEqual({ a: 1, c: null, d: 0, e: '', f: false });
    expect(Object.keys(result)).toEqual(['a', 'c', 'd', 'e', 'f']);
    expect('b' in result).toBe(false);
  });

  test('types a field that may be undefined as optional, as exactOptionalPropertyTypes wants', () => {
    const cursor = ['x', undefined][Math.floor(Math.random() * 2)];
    const result = omitUndefined({ limit: 10, cursor });
    expectTypeOf(result).toExtend<{ limit: number; cursor?: string }>();
    const target: { readonly limit: number; readonly cursor?: string } = result;
    expect(target.limit).toBe(10);
  });

  test('returns a new object and leaves the given one as it was', () => {
    const fields = { a: 1, b: undefined };
    const result = omitUndefined(fields);
    expect(result).not.toBe(fields);
    expect('b' in fields).toBe(true);
  });
});
