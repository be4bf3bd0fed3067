import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PHRASE_SETS } from '../../src/classify/phrases.js';
import { byLiteralStart, escapeRegExp, rawSource } from '../../src/classify/regex.js';

// The prefilter's anchors of every language, as the prefilter writes them.
const ANCHORS = Object.values(PHRASE_SETS).flatMap((set) => [
  ...set.anchors.words.map(rawSource),
  ...set.anchors.pairs.map((pair) => rawSource(pair.split(' ').map(escapeRegExp).join(' '))),
]);

describe('byLiteralStart: an alternation as a trie of literal starts', () => {
  test.each([
    [['stop', 'strike', 'spam'], '(?:s(?:t(?:op|rike)|pam))'],
    [['stop', 'stopall'], '(?:stop)'],
    [['end(?! of)', 'enough'], '(?:en(?:d(?! of)|ough))'],
    [['colou?r', 'cold'], '(?:col(?:ou?r|d))'],
  ])('%j → %s', (sources, expected) => {
    expect(`(?:${byLiteralStart(sources)})`).toBe(expected);
  });

  test('refuses a source that does not start with a letter or digit', () => {
    expect(() => byLiteralStart(['(?:a|b)'])).toThrow(/must start with a letter/);
  });

  test('matches at exactly the positions where the plain alternation does', () => {
    const plain = new RegExp(`\\b(?:${ANCHORS.join('|')})`, 'iy');
    const trie = new RegExp(`\\b${byLiteralStart(ANCHORS)}`, 'iy');
    const word = fc.constantFrom(
      ...ANCHORS.map((source) => source.replace(/[^a-z ]/g, '')),
      'stop by',
      'end of',
      "don't",
      'don’t text',
      'Sent from',
      'no more',
      'hello',
      'the',
      'st',
      'Ever',
    );
    const text = fc
      .array(fc.tuple(word, fc.constantFrom(' ', ', ', '-', '', '_', '🙂', "'")), { maxLength: 6 })
      .map((parts) => parts.map(([w, separator]) => w + separator).join(''));
    fc.assert(
      fc.property(text, (body) => {
        for (let index = 0; index < body.length; index++) {
          plain.lastIndex = index;
          trie.lastIndex = index;
          expect(trie.test(body), `${body} at ${index}`).toBe(plain.test(body));
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
