import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { editDistance } from '../../src/classify/alignment.js';
import { judgeFuzzy, squeeze } from '../../src/classify/fuzzy.js';
import { classifyMessage } from '../../src/classify/index.js';
import { areNeighbours, isSlidTyping, keyboardDistance } from '../../src/classify/keyboard.js';
import { fuzzy, NONE, REVIEW } from './helpers.js';

describe('fuzzy rule: a misspelt keyword standing alone', () => {
  test.each([
    ['Qiut', 'QUIT'],
    ['Unsubsribe', 'UNSUBSCRIBE'],
    ['Sotp', 'STOP'],
    ['Unsubscrib', 'UNSUBSCRIBE'],
    ['Qui', 'QUIT'],
    ['Xtop', 'STOP'],
    ['Auit', 'QUIT'],
    ['Quiiit', 'QUIT'],
    ['STOOOOP!!', 'STOP'],
    ['Cancle', 'CANCEL'],
    ['Revoek', 'REVOKE'],
    ['Unsubsribe!', 'UNSUBSCRIBE'],
    ['ST0P', 'STOP'],
    ['Stopped', 'STOP'],
    // A keyword of three letters takes no edit, only a stutter of its letters.
    ['Enddd', 'END'],
    ['Eend', 'END'],
  ])('%j opts out as fuzzy %s', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(fuzzy(keyword));
  });

  test.each([
    ['Stio', 'STOP'],
    ['Stol', 'STOP'],
    ['Quur', 'QUIT'],
    ['Cancrl', 'CANCEL'],
    ['Xabcel', 'CANCEL'],
  ])('%j, a hand slid one key to the same side for two letters, opts out as fuzzy %s', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(fuzzy(keyword));
  });

  test.each([
    ['Sotp please', 'STOP'],
    ['Qiut thanks', 'QUIT'],
    ['please Sotp', 'STOP'],
    ['Unsubsribe pls', 'UNSUBSCRIBE'],
    ['Sotp!! Thank you', 'STOP'],
  ])(
    '%j, a misspelling with courtesy words around it in a short reply, opts out as fuzzy %s',
    (body, keyword) => {
      expect(classifyMessage(body)).toEqual(fuzzy(keyword));
    },
  );

  test.each(['Sotp it', 'Step please', 'Sotp please, see you at five then', 'ok Sotp the car please'])(
    '%j is not read as a misspelling: another word, an everyday word, or no short reply',
    (body) => {
      expect(classifyMessage(body).match).not.toBe('fuzzy');
    },
  );

  test.each(['Stooop please', 'ST0P thanks', 'Enddd please', 'Stpo thanks'])(
    '%j, letters doubled, digits for letters or neighbours swapped, opts out beside courtesy words',
    (body) => {
      expect(classifyMessage(body).match).toBe('fuzzy');
    },
  );

  // A letter replaced, added or dropped makes words and names. With courtesy after it such a word is
  // asked about, not applied; after a greeting it is most likely a name; a weaker likeness ("Sty") is
  // only reviewed alone.
  test.each([
    'Quite thanks',
    'Suit please',
    'Quiz please',
    'Quilt please',
    'Quid please',
    'Stow please',
    'Atop please',
    'Stopped thanks',
    'Stoop please',
    'Qit please',
  ])('%j, a likeness that may be a word with courtesy after it, is only reviewed', (body) => {
    expect(classifyMessage(body)).toEqual(REVIEW);
  });

  test.each(['Quiz?', 'Suit?', 'Quiz!?', 'Suit...?', 'Quite?', 'Stopped?', 'Stopped 😂'])(
    '%j, a likeness that may be a word, asked or laughed off, is only reviewed',
    (body) => {
      expect(classifyMessage(body)).toEqual(REVIEW);
    },
  );

  test.each([
    ['Sotp?', 'STOP'],
    ['Qiut?', 'QUIT'],
    ['Stp?', 'STOP'],
    ['Stpp?', 'STOP'],
    ['Stp please', 'STOP'],
  ])('%j, a slip that makes no word, opts out asked or with courtesy too', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(fuzzy(keyword));
  });

  test.each([
    'Hi Quin',
    'Thanks Quin',
    'Hello Stoy',
    'Hi Stol',
    'Hey Sto',
    'Ok stopped',
    'Sty please',
    'Ok stoop',
  ])('%j is not read as a misspelt keyword: a name after a greeting, or a weaker likeness', (body) => {
    expect(classifyMessage(body)).toEqual(NONE);
  });

  test.each(['Drop', 'Revile', 'Qyiy', 'Stipp', 'Stop it', 'Stil here'])(
    '%j is no slid hand: slips to both sides, a longer word, or more than one word',
    (body) => {
      expect(classifyMessage(body).match).not.toBe('fuzzy');
    },
  );

  test.each([
    ['stio', 'stop', true],
    ['atop', 'stop', true],
    ['drop', 'stop', false],
    ['stop', 'stop', false],
    ['stpo', 'stop', false],
    ['sti', 'stop', false],
    ['avpvel', 'cancel', false],
  ])('isSlidTyping(%j, %j) is %s', (typed, intended, expected) => {
    expect(isSlidTyping(typed, intended)).toBe(expected);
  });

  test.each(['Step', 'Shop', 'Top', 'Quiet', 'Stay', 'Suit yourself', 'stop by', 'Start', 'Yes', 'Hello'])(
    '%j is no guess: an everyday reply, a keyword of another intent, or more than one word',
    (body) => {
      expect(classifyMessage(body).match).not.toBe('fuzzy');
      expect(classifyMessage(body).intent).not.toBe('opt_out');
    },
  );

  test.each(['Subscribe', 'SUBSCRIBE', 'Resubscribe', 'subscrib', 'Re-subscribe', 'Subscribe!'])(
    '%j is the opposite of UNSUBSCRIBE, not a misspelling of it: never an opt-out',
    (body) => {
      for (const policy of ['standard', 'reasonable'] as const) {
        expect(classifyMessage(body, { policy }).intent).not.toBe('opt_out');
      }
    },
  );

  test.each([
    ['Usubscribe', 'UNSUBSCRIBE'],
    ['Nsubscribe', 'UNSUBSCRIBE'],
    ['Unsubscrbe', 'UNSUBSCRIBE'],
  ])('%j, a slip inside the negating prefix or after it, still opts out as fuzzy %s', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(fuzzy(keyword));
  });

  test("a word nearer to a negated keyword's base than to the keyword is never its guess", () => {
    fc.assert(
      fc.property(
        fc.constantFrom('subscribe', 'resubscribe'),
        fc.nat(12),
        fc.constantFrom('', 'x', 'e'),
        (base, at, letter) => {
          const index = Math.min(at, base.length);
          const word = base.slice(0, index) + letter + base.slice(index);
          fc.pre(editDistance(word, base, 1) < editDistance(word, 'unsubscribe', 3));
          expect(judgeFuzzy(word, ['unsubscribe', 'stop'], ['start'])).not.toEqual({
            kind: 'clear',
            keyword: 'unsubscribe',
          });
        },
      ),
    );
  });

  test.each(['Stpp2', 'Sty', 'Stip0'])('%j, two edits away, is only flagged for review', (body) => {
    const verdict = classifyMessage(body);
    expect(verdict.intent === 'opt_out' ? verdict.rule : verdict).toEqual(
      verdict.intent === 'opt_out' ? 'echo' : REVIEW,
    );
  });

  test.each(['St', 'Qu', 'Canc', 'Unsubs', 'Revo'])(
    '%j, a keyword sent before it was finished, is only flagged for review',
    (body) => {
      expect(classifyMessage(body)).toEqual(REVIEW);
    },
  );

  test.each(['Can', 'S', 'Un', 'Re', 'En'])(
    '%j is too short or a word of its own to be an unfinished keyword',
    (body) => {
      expect(classifyMessage(body)).toEqual(NONE);
    },
  );

  test('a word as close to an opt-in keyword is never guessed (STAT, STRAT)', () => {
    expect(judgeFuzzy('strat', ['stop'], ['start'])).toEqual({ kind: 'none' });
    expect(judgeFuzzy('stat', ['stop'], ['start'])).toEqual({ kind: 'none' });
  });

  test('only the reasonable policy guesses', () => {
    expect(classifyMessage('Qiut', { policy: 'standard' })).toEqual(NONE);
    expect(classifyMessage('Qiut', { policy: 'carrier' })).toEqual(NONE);
  });
});

describe('edit distance', () => {
  test.each([
    ['stop', 'stop', 0],
    ['sotp', 'stop', 1],
    ['sto', 'stop', 1],
    ['xtop', 'stop', 1],
    ['stoop', 'stop', 1],
    ['sty', 'stop', 2],
  ])('%s → %s is %i', (a, b, distance) => {
    expect(editDistance(a, b, 3)).toBe(distance);
  });

  test('is symmetric, zero exactly for equal words, and capped at limit + 1', () => {
    const word = fc.stringMatching(/^[a-z]{0,8}$/);
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 3 }), (a, b, limit) => {
        const distance = editDistance(a, b, limit);
        expect(distance).toBe(editDistance(b, a, limit));
        expect(distance === 0).toBe(a === b);
        expect(distance).toBeLessThanOrEqual(limit + 1);
      }),
    );
  });

  test('is the full optimal-string-alignment distance whenever that is within the limit', () => {
    // The textbook table, with no cap and no shortcut: what the capped, bounded loop must agree with.
    const reference = (a: string, b: string): number => {
      const table = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
      );
      for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
          const row = table[i] as number[];
          const above = table[i - 1] as number[];
          row[j] = Math.min(
            (above[j] as number) + 1,
            (row[j - 1] as number) + 1,
            (above[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
          );
          if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
            row[j] = Math.min(row[j] as number, ((table[i - 2] as number[])[j - 2] as number) + 1);
          }
        }
      }
      return (table[a.length] as number[])[b.length] as number;
    };
    const word = fc.stringMatching(/^[a-z]{0,10}$/);
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 4 }), (a, b, limit) => {
        expect(editDistance(a, b, limit)).toBe(Math.min(reference(a, b), limit + 1));
      }),
      { numRuns: 3_000 },
    );
  });

  test('squeezing doubled letters is idempotent', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{0,12}$/), (word) => {
        expect(squeeze(squeeze(word))).toBe(squeeze(word));
      }),
    );
  });
});

describe('keyboardDistance: slips to neighbouring keys cost half', () => {
  test.each([
    ['xtop', 'stop', 0.5],
    ['emf', 'end', 1],
    ['wiot', 'quit', 1.5],
    ['stoip', 'stop', 0.5],
    ['stap', 'stop', 1],
    ['sotp', 'stop', 1],
    ['stop', 'stop', 0],
  ])('%s → %s is %d', (typed, intended, distance) => {
    expect(keyboardDistance(typed, intended, 3)).toBe(distance);
  });

  test('never exceeds the plain edit distance, is zero exactly for equal words, and is capped', () => {
    const word = fc.stringMatching(/^[a-z]{0,8}$/);
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 3 }), (a, b, limit) => {
        const distance = keyboardDistance(a, b, limit);
        expect(distance).toBeLessThanOrEqual(Math.min(editDistance(a, b, limit), limit + 0.5));
        expect(distance === 0).toBe(a === b);
        expect(distance * 2).toBe(Math.round(distance * 2));
      }),
    );
  });

  test('neighbours are symmetric and a key is not its own neighbour', () => {
    const letter = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz');
    fc.assert(
      fc.property(letter, letter, (a, b) => {
        expect(areNeighbours(a, b)).toBe(areNeighbours(b, a));
        if (a === b) expect(areNeighbours(a, b)).toBe(false);
      }),
    );
  });
});
