import { describe, expect, test } from 'vitest';
import { classifyMessage } from '../../src/classify/index.js';
import { folded, keywordClause, NONE, REVIEW } from './helpers.js';

describe('keyword-clause rule: a keyword used as a command keeps its force in a longer message', () => {
  test.each([
    ['Nope not interested STOP', 'STOP'],
    ['Hell no. End', 'end'],
    ['End, moved away', 'end'],
    ['end cancel quit', 'end cancel quit'],
    ['Quit and stop', 'quit and stop'],
    ['STOP QUIT STOPP', 'stop quit stopp'],
    ['no thanks stop', 'STOP'],
    ['Go away stop', 'STOP'],
    ['stay away STOP', 'STOP'],
    ['go far away stop', 'STOP'],
    ['Stay tf away stop', 'STOP'],
    ['Back off STOP', 'STOP'],
    ['Leave me the fuck alone stop', 'STOP'],
    ['Oh fuck off stop', 'STOP'],
    ['Fuck off fuck off stop', 'STOP'],
    ['Back the fuck off stop', 'STOP'],
    ['Knock it off stop', 'STOP'],
    ['Leave my son alone stop', 'STOP'],
    ['I already gave at the office, so STOP', 'STOP'],
    ['STOP I never asked for this', 'STOP'],
    ['Quit I gave last month', 'QUIT'],
    ['Quit again, third time', 'QUIT'],
    ['Stop dude', 'STOP'],
    ['Quit g', 'QUIT'],
    ['J stop', 'STOP'],
    ['g Quit', 'QUIT'],
  ])('%j opts out (%j)', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(keywordClause(keyword));
  });

  test.each([
    ['STOP 🛑', 'STOP'],
    ['STOP - Sent from my iPhone', 'STOP'],
    ['Quit (sent with Gentle Effect)', 'QUIT'],
    ['Stop!! stop!!', 'STOP'],
  ])('%j is the keyword once emoji and signatures are gone', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(folded('opt_out', keyword));
  });

  test.each([
    "don't stop",
    'never stop sending these, love them',
    'I will stop by',
    "can't stop laughing",
    'cancel my appointment',
    'end of the month works',
    'quit my job today',
    'the bus STOP',
    'I just need it to end',
    'Stop it',
    'Oh stop',
    'o stop',
    'u stop',
    'Aw stop it',
    // 'away' that dismisses no one: a plan or the football.
    'Right away stop',
    'Going away cancel',
    'away end',
    'Get away cancel',
    'Weekend get away cancel',
    // Nor 'off' or 'alone' that dismiss no one.
    'Time off cancel',
    'Lights off stop',
    'Home alone end',
  ])('%j is guarded: negation or idiom', (body) => {
    expect(classifyMessage(body).intent).not.toBe('opt_out');
  });

  test.each(['Cancel. Can we do Friday?', 'You work too hard. Just quit.'])(
    '%j: a weak keyword beside a question or as advice is only reviewed',
    (body) => {
      expect(classifyMessage(body)).toEqual(REVIEW);
    },
  );

  test.each([
    ['Quit Lou Marsh', 'QUIT'],
    ['Quit ACME', 'QUIT'],
    ['Quit Bellwood Dental', 'QUIT'],
    ['Quit JRK!', 'QUIT'],
  ])("%j: QUIT and the sender's name, capitalised, opts out (%j)", (body, keyword) => {
    expect(classifyMessage(body)).toEqual(keywordClause(keyword));
  });

  test.each([
    'Quit Friday',
    'Quit March',
    'quit acme',
    'QUIT ACME NOW PLEASE OK',
    'Quit Smoking',
    'Quit Being Stupid',
    'Quit Tom, see you at 5',
    'Cancel Appointment',
    'End Game',
    'I Quit Tom',
  ])(
    "%j is not QUIT and a sender's name: a time, an everyday word, a weak keyword that takes events, or more",
    (body) => {
      expect(classifyMessage(body).intent).not.toBe('opt_out');
    },
  );

  test.each([
    ['Stop this', 'STOP'],
    ['STOP THESE', 'STOP'],
    ['stop all of this!', 'STOP'],
    ['Stop these!!', 'STOP'],
  ])('%j: a strong keyword and the texts it points at opts out (%j)', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(keywordClause(keyword));
  });

  test.each(['Stop it', 'stop that', 'Stop this car', 'Cancel this', 'End this', "don't stop this"])(
    '%j is no pointing at the texts: what people say to each other, more words, or a weak keyword',
    (body) => {
      expect(classifyMessage(body).intent).not.toBe('opt_out');
    },
  );

  test('a capital keyword counts only in a message written in mixed case', () => {
    expect(classifyMessage('I NEED TO GO TO THE BUS STOP')).toEqual(NONE);
  });
});
