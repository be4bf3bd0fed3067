import { describe, expect, test } from 'vitest';
import { classifyMessage } from '../../src/classify/index.js';
import { echo, NONE } from './helpers.js';

describe('echo rule: two keywords joined by a connector are an opt-out', () => {
  test.each([
    ['Cancel2Stop', 'cancel2stop'],
    ['end to stop', 'end to stop'],
    ['STOP=END', 'stop end'],
    ['Quit 2 Stop', 'quit 2 stop'],
    ['Cancel 2End', 'cancel 2end'],
    ['End to quit', 'end to quit'],
    ['stoptoquit', 'stoptoquit'],
    ['Unsubscribe-Cancel', 'unsubscribe cancel'],
    ['Revoke2Stop!', 'revoke2stop'],
    ['END4STOP', 'end4stop'],
    ['Quit2End please', 'quit2end'],
    ['Who is this. Cancel2Quit', 'cancel2quit'],
    ['Reply stop to end', 'stop to end'],
  ])('%j echoes (%j)', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(echo(keyword));
  });

  test.each([
    ['Qiut2End', 'qiut2end'],
    ['Stop2Ebd', 'stop2ebd'],
    ['Sotp to end', 'sotp to end'],
    ['QUIT2', 'quit2'],
  ])('a digit or a clause of its own joins a misspelt half: %j', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(echo(keyword));
  });

  test.each([
    ['Stop 2end', 'stop 2end'],
    ['Quiet 2end', 'quiet 2end'],
    ['Stpo2 End', 'stpo2 end'],
    ['Quit 2ned', 'quit 2ned'],
    ['Stop2Stop', 'stop2stop'],
    ['End2End!', 'end2end'],
    ['Cancel to emd', 'cancel to emd'],
    ['Stop to and', 'stop to and'],
  ])('a message that is only the echo may be split or doubled: %j', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(echo(keyword));
  });

  test.each([
    // Three slips each, all to neighbouring keys: w/q y/u y/t; d/s o/i p/o; and two, m/n f/d.
    ['Wyiy 2End', 'wyiy 2end'],
    ['Dtio 2 end', 'dtio 2 end'],
    ['Stop 2 Emf', 'stop 2 emf'],
  ])('a half typed with neighbouring keys still echoes: %j', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(echo(keyword));
  });

  test.each([
    ['Stop2Xz', 'stop2xz'],
    ['quit2Emq', 'quit2emq'],
    ['Ob2End', 'ob2end'],
    ['End4u', 'end4u'],
  ])('a keyword glued by a digit to a stub is the instruction: %j', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(echo(keyword));
  });

  test.each([
    'Cancel2day',
    'cancel 2nite',
    'end2nyt',
    'Cancel 2 morrow',
    'End soon',
    'Quit to ago',
    'Stop it lol',
    'Stop and think',
    'Quit smoking',
    'stop2 cats and dogs',
    'Cancel2dentist',
    'we end 2morrow at 5, then to and fro',
  ])('%j is no echo: textspeak, everyday words, long tails', (body) => {
    expect(classifyMessage(body).rule).not.toBe('echo');
    expect(classifyMessage(body).intent).not.toBe('opt_out');
  });

  test.each([
    'end to end',
    'end-to-end encryption is on',
    'I had to stop to end the call',
    'see you at 2',
    'Top2',
    'meet at 2 and then to the end',
    'go to end of the line',
  ])('%j is no echo', (body) => {
    expect(classifyMessage(body).rule).not.toBe('echo');
    expect(classifyMessage(body).intent).not.toBe('opt_out');
  });

  test('across spaces, two misspelt halves are no echo, in any language (sure ~ pare, canhey ~ cancel)', () => {
    const verdict = classifyMessage('sure 3 ” can hey', { languages: ['es', 'fr'] });
    expect(verdict.intent).toBe('none');
  });

  test('the carrier and standard policies never read echoes', () => {
    expect(classifyMessage('Stop2End', { policy: 'carrier' })).toEqual(NONE);
    expect(classifyMessage('Stop2End', { policy: 'standard' })).toEqual(NONE);
  });
});
