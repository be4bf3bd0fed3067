import { expect, test } from 'vitest';
import { jsonRows } from '../../src/postgres/rows.js';

// JSON escapes an unpaired surrogate, and PostgreSQL refuses the escape; `pg` sends U+FFFD in a text
// parameter. jsonRows stores it that way too, and leaves everything else as JSON.stringify wrote it.
test('jsonRows writes an unpaired surrogate as U+FFFD and keeps every other text', () => {
  const texts = [
    'a\uD83D',
    '\uDE00\uD800',
    'pair 😀',
    'text that reads \\ud800',
    'a backslash, then \\\uD800',
    'two backslashes \\\\ud800',
    'quote " and newline\n',
  ];
  const parsed = JSON.parse(jsonRows(texts.map((text) => ({ text })))) as { text: string }[];
  expect(parsed.map((row) => row.text)).toEqual([
    'a\uFFFD',
    '\uFFFD\uFFFD',
    'pair 😀',
    'text that reads \\ud800',
    'a backslash, then \\\uFFFD',
    'two backslashes \\\\ud800',
    'quote " and newline\n',
  ]);
  expect(jsonRows([{ text: 'plain' }])).toBe(JSON.stringify([{ text: 'plain' }]));
});
