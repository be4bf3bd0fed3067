import { describe, expect, test } from 'vitest';
import { classifyMessage } from '../../src/classify/index.js';
import { findMisspeltObject } from '../../src/classify/misspelt-object.js';
import { phrase } from './helpers.js';

describe('misspelt object: a cessation phrase whose object was typed with a slid thumb', () => {
  test.each([
    ['Quit sending spqm', 'quit sending spqm'],
    ['stop sending textd', 'stop sending textd'],
    ['Stop sending me spsm, thanks', 'stop sending me spsm'],
    ['Please cease sending alwrts', 'cease sending alwrts'],
  ])('%j opts out as the phrase %j', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(phrase(keyword));
  });

  test.each([
    'quit sending pics',
    'stop sending memes lol',
    "don't stop sending textd",
    'never stop sending spsm',
    'stop sending spsm to my mom and send it to me',
    'I stopped sending texts',
  ])('%j is not read as a slipped object: another word, a negation, or more after it', (body) => {
    expect(classifyMessage(body).intent).not.toBe('opt_out');
  });

  test.each([
    ['quit sending spqm', 'quit sending spqm'],
    ['stop sending me textd | thanks', 'stop sending me textd'],
    ['stop sending texts', undefined],
    ['stop sending pics', undefined],
    ['stop sending spsm now', undefined],
  ])('findMisspeltObject(%j) finds %j', (clauses, expected) => {
    expect(findMisspeltObject(clauses)?.phrase).toBe(expected);
  });
});
