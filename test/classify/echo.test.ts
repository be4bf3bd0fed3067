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
    ['Stop2Emd', 'stop2emd'],
    ['Sotp to end', 'sotp to end'],
    ['QUIT2', 'quit2'],
  ])('a digit or a clause of its own joins a misspelt half: %j', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(echo(keyword));
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

  test('the carrier and standard policies never read echoes', () => {
    expect(classifyMessage('Stop2End', { policy: 'carrier' })).toEqual(NONE);
    expect(classifyMessage('Stop2End', { policy: 'standard' })).toEqual(NONE);
  });
});
