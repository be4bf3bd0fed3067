import { describe, expect, test } from 'vitest';
import { classifyMessage, foldText } from '../../src/classify/index.js';
import { folded, NONE, phrase, providerBlocked, REVIEW, removal } from './helpers.js';

describe('hostile Unicode is folded, never thrown on', () => {
  test.each([
    ['ＳＴＯＰ', 'full-width letters'],
    ['S\u200BT\u200CO\u200DP', 'zero-width space, non-joiner and joiner'],
    ['\uFEFFSTOP', 'a byte order mark'],
    ['ST\u00ADOP', 'a soft hyphen'],
    ['STO\u0301P', 'a combining accent'],
    ['𝐒𝐓𝐎𝐏', 'mathematical bold letters'],
    ['ˢᵗᵒᵖ', 'modifier letters'],
    ['🛑STOP🛑', 'emoji glued to the word'],
    ['STOP\uFE0F', 'a variation selector'],
    ['\u202ESTOP\u202C', 'bidi controls'],
    ['\uD800STOP', 'a lone high surrogate before the word'],
    ['STOP\uDC00', 'a lone low surrogate after the word'],
    ['STOP\u0000', 'a NUL character'],
  ])('%j (%s) opts out folded', (body) => {
    expect(classifyMessage(body)).toEqual(folded('opt_out', 'STOP'));
  });

  test.each([
    ['Ｓｔｏｐ　ｔｅｘｔｉｎｇ　ｍｅ', 'stop texting me'],
    ['Stop texting me\r\n\r\nSent from my iPhone', 'stop texting me'],
    ['s\u200Btop texting me', 'stop texting me'],
  ])('%j opts out as a phrase', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(phrase(keyword));
  });

  test('full-width removal wording is folded before it is read', () => {
    expect(classifyMessage('ｐｌｅａｓｅ ｒｅｍｏｖｅ ｍｅ')).toEqual(removal('remove me'));
  });

  test('a 1,600-character body: a padded keyword is still exact, a long message is none', () => {
    expect(classifyMessage(`${' '.repeat(798)}STOP${'\n'.repeat(798)}`)).toEqual(
      providerBlocked('opt_out', 'STOP'),
    );
    expect(classifyMessage('a'.repeat(1_600))).toEqual(NONE);
    expect(classifyMessage('stop '.repeat(320))).toEqual(folded('opt_out', 'STOP'));
    expect(classifyMessage('🛑'.repeat(800)).intent).toBe('none');
    expect(classifyMessage(`${'\u200B'.repeat(1_598)}no`)).toEqual(REVIEW);
  });

  test.each([
    ['', 'an empty body'],
    ['\uD800', 'a lone high surrogate'],
    ['\uDFFF\uD800', 'reversed surrogates'],
    ['\u0301\u0301\u0301', 'combining marks only'],
    ['\u200B\uFEFF', 'invisible characters only'],
    ['\r\n\r\n', 'line breaks only'],
  ])('%j (%s) is none', (body) => {
    expect(classifyMessage(body)).toEqual(NONE);
  });

  test.each([undefined, null, 42, {}, ['STOP'], Symbol('stop')])(
    'a non-string body at run time (%s) is none, not an exception',
    (body) => {
      expect(classifyMessage(body as unknown as string)).toEqual(NONE);
      expect(foldText(body as unknown as string)).toBe('');
    },
  );
});

describe('foldText', () => {
  test.each([
    ['  ＳＴＯＰ!! 🛑 ', 'stop'],
    ['Arrêt', 'arret'],
    ['Opt-Out\r\n', 'opt-out'],
    ['\uFEFF"Stop   texting\r\nme"', 'stop texting me'],
    ['don’t', "don't"],
    ['S\u200BTOP', 'stop'],
    ['ÇA SUFFIT', 'ca suffit'],
    ['aŉ', "a'n"],
    ['\uD800x', 'x'],
    ['', ''],
  ])('folds %j to %j', (body, expected) => {
    expect(foldText(body)).toBe(expected);
  });
});

describe('pathological bodies finish quickly', () => {
  test.each([
    ['bye '.repeat(2_500), 'a repeated multi-word ambiguity'],
    [`${'please '.repeat(1_400)}stop`, 'courtesy words before a keyword'],
    [`${'no thanks '.repeat(1_000)}x`, 'an ambiguous message repeated, then a stranger'],
    [`${"don't ".repeat(1_600)}stop`, 'negations piled up'],
    [`${'stop all '.repeat(1_100)}x`, 'a two-word keyword repeated'],
    ['🛑 '.repeat(3_000), 'stop signs'],
    ['\u0301'.repeat(20_000), 'combining marks only'],
    [`${'a'.repeat(5_000_000)} stop texting me`, 'five million characters'],
  ])('%#: %s', (body) => {
    const started = performance.now();
    for (const policy of ['carrier', 'standard', 'reasonable'] as const) {
      classifyMessage(body, { policy, languages: ['es', 'fr'] });
    }
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
