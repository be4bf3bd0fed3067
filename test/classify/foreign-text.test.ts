import { describe, expect, test } from 'vitest';
import { classifyMessage } from '../../src/classify/index.js';
import { folded, NONE, phrase, REVIEW } from './helpers.js';

describe('text the person did not write: reactions and signatures', () => {
  test.each([
    'Liked “Reply STOP to opt out”',
    'Emphasized “Reply STOP to opt out”',
    'Questioned “Text STOP to end”',
    'Laughed at “Reply STOP to unsubscribe”',
    'Loved “Stop2End”',
    'Disliked “Reply STOP to opt out”',
    '👍 to “Reply STOP to opt out”',
    'Reacted 😂 to “Reply STOP to quit”',
    'Removed a like from “Reply STOP to opt out”',
    'Liked "Reply STOP to opt out"',
    'Loved “Big news from the campaign… reply STOP',
    '> Reply STOP to opt out',
  ])('%j is none: the quoted part is the sender’s', (body) => {
    expect(classifyMessage(body)).toEqual(NONE);
  });

  test('what the person added outside the quote still counts', () => {
    expect(classifyMessage('Liked “Reply STOP to opt out”\nstop texting me')).toEqual(
      phrase('stop texting me'),
    );
    expect(classifyMessage('Stop\nLoved “Reply STOP to opt out”')).toEqual(folded('opt_out', 'STOP'));
  });

  test('a quotation the person writes themselves is read', () => {
    expect(classifyMessage('I said "stop" already')).toEqual(phrase('i said stop'));
  });
});

describe('reports, not requests', () => {
  test.each([
    'my sister unsubscribed last week',
    'my husband cancelled his subscription',
    'did you stop the order?',
    'he opted out already',
  ])('%j is not an opt-out', (body) => {
    expect(classifyMessage(body).intent).toBe('none');
  });

  // Someone else's words quoted in the clause before: only a person can tell whose request it is.
  test.each([
    'Coach said: stop all contact',
    "Doctor's orders: stop all contact",
    'Concussion protocol: stop all contact',
    'The judge said: cease and desist',
  ])('%j, quoted from someone else, is only flagged for review', (body) => {
    expect(classifyMessage(body)).toEqual(REVIEW);
  });

  test.each([
    ['I said: stop all contact!', 'stop all contact'],
    ['I said, stop texting me', 'stop texting me'],
    // No one else is quoted: a set phrase, the person's own advice, or their lawyer's to the sender.
    ['That being said, stop texting me', 'stop texting me'],
    ['Enough said. Stop texting me', 'stop texting me'],
    ['Thanks for the advice, stop texting me', 'stop texting me'],
    ['Like you said, stop texting me', 'stop texting me'],
    ['My lawyer advised: cease and desist', 'cease and desist'],
  ])('%j, the person quoting themselves or no one, opts out', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(phrase(keyword));
  });
});
