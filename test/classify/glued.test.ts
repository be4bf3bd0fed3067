import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { splitGluedWords } from '../../src/classify/glued.js';
import { classifyMessage } from '../../src/classify/index.js';
import { toWords } from '../../src/classify/words.js';
import { folded, phrase, removal } from './helpers.js';

describe('glued words: a request typed without spaces is read as its words', () => {
  test.each([
    ['stoptextingme', 'stop texting me'],
    ['#StopTexting', 'stop texting'],
    ['StopCallingMe.net', 'stop calling me'],
    ['quitmessagingme!!', 'quit messaging me'],
    ['optmeout', 'opt me out'],
  ])('%j opts out (phrase %j)', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(phrase(keyword));
  });

  test.each([
    ['removeme', 'remove me'],
    ['Unsubscribemeplease', 'unsubscribe me'],
    ['deletemynumber', 'delete my number'],
  ])('%j opts out (removal %j)', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(removal(keyword));
  });

  test('a word that is a keyword as it stands stays whole', () => {
    expect(classifyMessage('Optout!')).toEqual(folded('opt_out', 'OPTOUT'));
    expect(classifyMessage('stopall.')).toEqual(folded('opt_out', 'STOPALL'));
  });

  test.each([
    'endless',
    'stopwatch',
    'Endorsement',
    'Cancellation fee?',
    'removal van',
    'optician',
    'ending soon',
  ])('%j is an ordinary word, never split', (body) => {
    expect(classifyMessage(body).intent).toBe('none');
  });

  test('only words that cut completely into request words are split, and splitting is idempotent', () => {
    const piece = fc.constantFrom('stop', 'me', 'texting', 'xyz', 'end', 'less', 'my', 'number', 'q');
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 6 }), (pieces) => {
        const words = toWords(pieces.join(''));
        const once = splitGluedWords(words, () => false);
        expect(splitGluedWords(once, () => false)).toEqual(once);
        if (once !== words) expect(once.joined.replaceAll(' ', '')).toBe(words.joined);
      }),
    );
  });
});
