import { describe, expect, test } from 'vitest';
import { type CustomKeywords, classifyMessage, createClassifier } from '../../src/classify/index.js';
import { ConsentError } from '../../src/errors.js';
import { folded, keywordClause, NONE, providerBlocked } from './helpers.js';

function custom(intent: 'opt_out' | 'opt_in' | 'help', keyword: string, match: 'exact' | 'folded') {
  return { intent, match, keyword, language: 'custom', providerBlocks: false, rule: 'keyword' };
}

describe('custom keywords add to the defaults', () => {
  const classify = createClassifier({
    keywords: { optOut: ['UNSUBME', 'take me out'], optIn: ['SUBSCRIBE'], help: ['SUPPORT'] },
  });

  test('a custom keyword typed verbatim (any case) is exact, but never provider-blocked', () => {
    expect(classify('UNSUBME')).toEqual(custom('opt_out', 'UNSUBME', 'exact'));
    expect(classify(' unsubme ')).toEqual(custom('opt_out', 'UNSUBME', 'exact'));
    expect(classify('subscribe')).toEqual(custom('opt_in', 'SUBSCRIBE', 'exact'));
  });

  test('a custom keyword matches folded', () => {
    expect(classify('Unsubme!')).toEqual(custom('opt_out', 'UNSUBME', 'folded'));
    expect(classify('Take me out.')).toEqual(custom('opt_out', 'take me out', 'folded'));
    expect(classify('support?')).toEqual(custom('help', 'SUPPORT', 'folded'));
  });

  test('STOP, START and HELP still work', () => {
    expect(classify('STOP')).toEqual(providerBlocked('opt_out', 'STOP'));
    expect(classify('START')).toEqual(providerBlocked('opt_in', 'START'));
    expect(classify('HELP')).toEqual(providerBlocked('help', 'HELP'));
    expect(classify('Stop.')).toEqual(folded('opt_out', 'STOP'));
  });

  test('a custom opt-out keyword counts as a clause under reasonable', () => {
    expect(classify('unsubme please')).toEqual(keywordClause('unsubme please', 'custom'));
    expect(classify('Hi, I got your message, thanks. Unsubme.')).toEqual(keywordClause('unsubme', 'custom'));
  });

  test('the carrier policy ignores custom keywords: Twilio’s default filter does not know them', () => {
    const carrier = createClassifier({ policy: 'carrier', keywords: { optOut: ['UNSUBME'] } });
    expect(carrier('UNSUBME')).toEqual(NONE);
    expect(carrier('STOP')).toEqual(providerBlocked('opt_out', 'STOP'));
  });

  test('a custom keyword with accents matches folded and verbatim', () => {
    const classifyFrench = createClassifier({ keywords: { optOut: ['ARRÊT'] } });
    expect(classifyFrench('ARRÊT')).toEqual(custom('opt_out', 'ARRÊT', 'exact'));
    expect(classifyFrench('arret!')).toEqual(custom('opt_out', 'ARRÊT', 'folded'));
  });

  test('repeating a default keyword as a custom one of the same intent is harmless', () => {
    expect(classifyMessage('STOP', { keywords: { optOut: ['stop'] } })).toEqual(
      providerBlocked('opt_out', 'STOP'),
    );
  });
});

describe('invalid custom keywords are configuration errors', () => {
  test.each<[CustomKeywords, string]>([
    [{ optIn: ['STOP'] }, 'an opt-in that is a default opt-out'],
    [{ help: ['yes'] }, 'a help keyword that is a default opt-in'],
    [{ optOut: ['JOIN'], optIn: ['join!'] }, 'the same word for two intents'],
    [{ optOut: [''] }, 'an empty keyword'],
    [{ optOut: ['!!!'] }, 'a keyword without letters or digits'],
    [{ optOut: [42 as unknown as string] }, 'a keyword that is not a string'],
  ])('%j throws CONFIG (%s)', (keywords) => {
    expect(() => createClassifier({ keywords })).toThrow(ConsentError);
    expect(() => createClassifier({ keywords })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });

  test('an unknown policy throws CONFIG', () => {
    expect(() => createClassifier({ policy: 'lenient' as 'standard' })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });
});
