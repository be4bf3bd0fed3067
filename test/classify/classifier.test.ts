import { describe, expect, test } from 'vitest';
import { classifyMessage, createClassifier } from '../../src/classify/index.js';
import { ConsentError } from '../../src/errors.js';
import { folded, NONE, REVIEW } from './helpers.js';

describe('createClassifier and classifyMessage agree', () => {
  const bodies = ['STOP', 'Stop.', 'please stop texting me', 'no', 'ALTO', "I'll stop by", 'Yes!', ''];

  test.each(['carrier', 'standard', 'reasonable'] as const)(
    'under %s they return equal verdicts',
    (policy) => {
      const classify = createClassifier({ policy, languages: ['es'] });
      for (const body of bodies)
        expect(classify(body)).toEqual(classifyMessage(body, { policy, languages: ['es'] }));
    },
  );

  test('the default policy is reasonable', () => {
    expect(classifyMessage('please stop texting me').match).toBe('phrase');
    expect(createClassifier()('please stop texting me').match).toBe('phrase');
  });

  test('results are frozen, so a shared verdict cannot be changed by one caller', () => {
    for (const body of ['STOP', 'Stop.', 'stop texting me', 'wrong number', 'hello']) {
      expect(Object.isFrozen(classifyMessage(body))).toBe(true);
    }
  });

  test('options objects reused or rebuilt on every call give the same verdicts', () => {
    const options = { policy: 'standard' as const };
    expect(classifyMessage('Stop!', options)).toEqual(folded('opt_out', 'STOP'));
    expect(classifyMessage('Stop!', options)).toEqual(folded('opt_out', 'STOP'));
    for (let index = 0; index < 100; index++) {
      expect(classifyMessage('Stop!', { policy: 'carrier' })).toEqual(NONE);
    }
  });

  test('a classifier keeps its options when the caller mutates the object afterwards', () => {
    const options: { policy: 'carrier' | 'standard' } = { policy: 'standard' };
    const classify = createClassifier(options);
    options.policy = 'carrier';
    expect(classify('Stop!')).toEqual(folded('opt_out', 'STOP'));
  });
});

describe('classifyMessage options cache', () => {
  test('replacing the policy of a reused options object takes effect', () => {
    const options: { policy: 'carrier' | 'standard' } = { policy: 'standard' };
    expect(classifyMessage('Stop!', options)).toEqual(folded('opt_out', 'STOP'));
    options.policy = 'carrier';
    expect(classifyMessage('Stop!', options)).toEqual(NONE);
  });
});

describe('classifyMessage options cache: by value', () => {
  test('a language added to a reused array in place takes effect', () => {
    const languages = ['fr'];
    expect(classifyMessage('Alto', { languages })).toEqual(REVIEW);
    languages.push('es');
    expect(classifyMessage('Alto', { languages })).toEqual(folded('opt_out', 'ALTO', 'es'));
  });

  test('custom keywords rebuilt inline on every call give the same verdicts', () => {
    for (let index = 0; index < 50; index++) {
      expect(classifyMessage('pauseall!', { keywords: { optOut: ['PAUSEALL'] } })).toEqual(
        folded('opt_out', 'PAUSEALL', 'custom'),
      );
    }
  });

  test('options that would not compile are rejected every time, even beside cached ones', () => {
    expect(classifyMessage('Alto', { languages: ['es'] }).intent).toBe('opt_out');
    for (const options of [
      { languages: ['es,fr'] },
      { policy: '' as 'carrier', languages: ['es'] },
      { policy: 'strict' as 'carrier', languages: ['es'] },
      { languages: [1 as unknown as string] },
      { keywords: { optOut: [''] } },
      { keywords: { optOut: 'STOP' as unknown as string[] } },
    ]) {
      expect(() => classifyMessage('Alto', options)).toThrow(ConsentError);
      expect(() => classifyMessage('Alto', options)).toThrow(ConsentError);
    }
  });
});
