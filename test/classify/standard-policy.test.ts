import { describe, expect, test } from 'vitest';
import { classifyMessage } from '../../src/classify/index.js';
import { folded, NONE, providerBlocked } from './helpers.js';

const standard = { policy: 'standard' } as const;

describe('standard policy: keywords after folding, and the FCC per-se words standalone', () => {
  test.each([
    ['Stop.', 'STOP'],
    ['STOP!!!', 'STOP'],
    ['"stop"', 'STOP'],
    ['¡STOP!', 'STOP'],
    ['ＳＴＯＰ', 'STOP'],
    ['Ｓｔｏｐ', 'STOP'],
    ['S\u200BTOP', 'STOP'],
    ['\uFEFFSTOP', 'STOP'],
    ['STO\u0301P', 'STOP'],
    ['stop 🛑', 'STOP'],
    ['🛑 STOP 🛑', 'STOP'],
    ['*stop*', 'STOP'],
    ['stop stop', 'STOP'],
    ['STOP STOP STOP', 'STOP'],
    ['Stop, stop.', 'STOP'],
    ['OPT OUT', 'OPT OUT'],
    ['opt-out', 'OPT OUT'],
    ['Opt out.', 'OPT OUT'],
    ['OPT–OUT', 'OPT OUT'],
    ['STOP ALL', 'STOP ALL'],
    ['stop all!', 'STOP ALL'],
    ['stop-all', 'STOP ALL'],
    ['Unsubscribe.', 'UNSUBSCRIBE'],
    ['Cancel!', 'CANCEL'],
    ['End.', 'END'],
    ['quit!!', 'QUIT'],
    ['Revoke.', 'REVOKE'],
    ['OptOut!', 'OPTOUT'],
  ])('%j opts out (folded %s)', (body, keyword) => {
    expect(classifyMessage(body, standard)).toEqual(folded('opt_out', keyword));
  });

  test.each([
    ['Yes!', 'YES'],
    ['yes.', 'YES'],
    ['START!', 'START'],
    ['ＹＥＳ', 'YES'],
    ['"unstop"', 'UNSTOP'],
  ])('%j opts in (folded %s)', (body, keyword) => {
    expect(classifyMessage(body, standard)).toEqual(folded('opt_in', keyword));
  });

  test.each([
    ['help?', 'HELP'],
    ['Info.', 'INFO'],
    ['help help', 'HELP'],
  ])('%j asks for help (folded %s)', (body, keyword) => {
    expect(classifyMessage(body, standard)).toEqual(folded('help', keyword));
  });

  test('bare keywords are still exact, with providerBlocks', () => {
    expect(classifyMessage('STOP', standard)).toEqual(providerBlocked('opt_out', 'STOP'));
    expect(classifyMessage('yes', standard)).toEqual(providerBlocked('opt_in', 'YES'));
  });

  test.each([
    'stop texting me',
    'stop please',
    'please remove me from your list',
    'yes yes',
    'yes see you then',
    'stop start',
    'goodbye',
    'wrong number',
    '🛑',
    's t o p',
    'stopstop',
    "I'll stop by at 3",
    '> STOP',
  ])('%j is none under standard, never flagged for review', (body) => {
    expect(classifyMessage(body, standard)).toEqual(NONE);
  });

  test('quoted reply lines are ignored: the reply below them still counts', () => {
    expect(classifyMessage('> Reply STOP to opt out\nStop!', standard)).toEqual(folded('opt_out', 'STOP'));
    expect(classifyMessage('Stop!\r\n> Reply STOP to opt out', standard)).toEqual(folded('opt_out', 'STOP'));
  });
});
