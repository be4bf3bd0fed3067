import { describe, expect, test } from 'vitest';
import { classifyWith } from '../../src/classify/classify.js';
import { compileClassifier } from '../../src/classify/compile.js';
import { classifyMessage } from '../../src/classify/index.js';
import { findKeywordReason } from '../../src/classify/keyword-reason.js';
import { phrase } from './helpers.js';

const reason = (keyword: string) => phrase(keyword, 'en', 'keyword_reason');

describe('keyword reason: a keyword with a complaint about volume right after it is an opt-out', () => {
  test.each([
    ['Stop2manytexts', 'stop2manytexts'],
    ['QUIT2MANYTXTS!!', 'quit2manytxts'],
    ['Cancel2muchspam', 'cancel2muchspam'],
    ['End2manymsgsfromyou', 'end2manymsgsfromyou'],
    ['Unsubscribe2manyemails thanks', 'unsubscribe2manyemails'],
    ['ugh. Stop2manytexts and not one more', 'stop2manytexts'],
    ['Stop2many!! bye', 'stop2many'],
    ['stop2much texts', 'stop2much'],
  ])('glued by the digit for "too": %j opts out (%j)', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(reason(keyword));
  });

  test.each([
    ['Stop too many texts', 'stop too many texts'],
    ['Quit 2 many msgs', 'quit 2 many msgs'],
    ['end to many messages from this number', 'end to many messages'],
    ['Sorry. Stop too much spam', 'stop too much spam'],
  ])('spelt out at the start of a clause, naming the texts: %j opts out (%j)', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(reason(keyword));
  });

  test.each([
    ['Stop4good pls', 'stop4good'],
    ['Stop4ever!! bye', 'stop4ever'],
    ['ok. Unsubscribe4ever thank u', 'unsubscribe4ever'],
    ['Cancel4good, thanks', 'cancel4good'],
  ])('glued to permanence by the digit for "for", starting a clause: %j opts out (%j)', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(reason(keyword));
  });

  test.each([
    'I quit4good last year',
    'I quit4good.',
    "don't stop4ever",
    'need to stop4gas then home',
    'Stop4now, brb',
  ])('permanence told of, negated, or another word glued on: %j is not read', (body) => {
    expect(classifyMessage(body).rule).not.toBe('keyword_reason');
    expect(classifyMessage(body).intent).not.toBe('opt_out');
  });

  test('a message that is nothing but the glued keyword stays an echo', () => {
    expect(classifyMessage('Stop4good').rule).toBe('echo');
  });

  test.each([
    'We had to stop too many times',
    'Gotta stop2many times on this road',
    'stop2much fun lol',
    'stop2text u back later',
    'cancel2morrow?',
    'stop2manyppl in line',
    'Too many cooks, I had to stop',
    'I eat 2much candy',
    "don't stop2manytexts lol",
    'never stop too many texts',
    'Meet at the stop2',
    'endless2manytexts',
  ])('%j is not read as a keyword with its reason', (body) => {
    expect(classifyMessage(body).rule).not.toBe('keyword_reason');
  });

  test.each(['Gotta stop2many times on this road', 'stop2much fun lol', 'stop2text u back later'])(
    'an everyday text that glues a keyword to a digit is not an opt-out: %j',
    (body) => {
      expect(classifyMessage(body).intent).not.toBe('opt_out');
    },
  );

  test.each([
    ['stop2manytexts and no', 'stop2manytexts', 0],
    ['ok | quit too many msgs', 'quit too many msgs', 5],
    ['stop2many | bye', 'stop2many', 0],
    ['stop2many times', undefined, undefined],
    ['hey quit too many msgs', undefined, undefined],
    ['stop too many', undefined, undefined],
    ['ok | stop4good pls', 'stop4good', 5],
    ['i quit4good', undefined, undefined],
  ])('findKeywordReason(%j) finds %j at %j', (clauses, expected, index) => {
    const found = findKeywordReason(clauses, new Set(['stop', 'quit', 'end']));
    expect(found?.phrase).toBe(expected);
    expect(found?.index).toBe(index);
  });

  test.each([
    'lol ok. Stop2manytexts',
    'Fine whatever, quit too many msgs',
    'Stop too many texts',
    'ok. Unsubscribe4ever thank u',
  ])('the hot-path prefilter lets %j through', (body) => {
    const compiled = compileClassifier();
    expect(classifyWith(compiled, body, true)).toEqual(classifyWith(compiled, body, false));
    expect(classifyWith(compiled, body, true).rule).toBe('keyword_reason');
  });

  test('only `reasonable` reads it', () => {
    expect(classifyMessage('Stop2manytexts', { policy: 'standard' }).intent).toBe('none');
    expect(classifyMessage('Stop2manytexts', { policy: 'carrier' }).intent).toBe('none');
  });
});
