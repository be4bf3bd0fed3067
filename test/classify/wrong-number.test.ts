import { describe, expect, test } from 'vitest';
import { classifyMessage } from '../../src/classify/index.js';
import { wrongNumber } from './helpers.js';

describe('wrong-number rule: opt-outs flagged wrongNumber', () => {
  test.each([
    ['Wrong number, quit', 'wrong number'],
    ['Wrong number', 'wrong number'],
    ["I'm not Dwight", "i'm not dwight"],
    ["this isn't Mark's phone", "this isn't mark's"],
    ['no Carla here', 'no carla here'],
    ["you've got the wrong guy", 'wrong guy'],
    ['I AM NOT BRENDA', 'i am not brenda'],
    ['not priya', 'not priya'],
    ['My name is not Oskar!', 'my name is not oskar'],
    ['My name is Jo Smith not joanne', 'my name is jo smith not joanne'],
    ["I'm not fucking Errol. Stop texting", "i'm not fucking errol"],
    ['Sorry, wrong number. Who is this?', 'wrong number'],
    ['There is no Tamsin here', 'there is no tamsin here'],
    ['Nobody here by that name', 'nobody here by that name'],
  ])('%j is a wrong number (%j)', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(wrongNumber(keyword));
  });

  test.each([
    "I'm not sure",
    'im not going to make it',
    'Not now',
    'NOT YET',
    'I texted the wrong number, sorry',
    'this is not fair',
    "I'm not hungry. are you",
    'i am not home. call later',
    'No one here yet',
    'I am not a robot',
  ])('%j is no wrong number', (body) => {
    const verdict = classifyMessage(body);
    expect(verdict.wrongNumber).toBeUndefined();
    expect(verdict.intent).not.toBe('opt_out');
  });

  test('only the reasonable policy reads wrong numbers', () => {
    expect(classifyMessage('Wrong number', { policy: 'standard' }).intent).toBe('none');
  });
});
