import { describe, expect, test } from 'vitest';
import { classifyMessage } from '../../src/classify/index.js';
import { phrase, REVIEW, removal } from './helpers.js';

describe('removal rule: removal verbs with a list or contact object, and channel wording', () => {
  test.each([
    ['Remove from contact list', 'remove from contact list'],
    ['forget this number', 'forget this number'],
    ['drop me from this', 'drop me from this'],
    ['Please discontinue these texts', 'discontinue these texts'],
    ['no further messages', 'no further messages'],
    ['email only, no texts', 'email only'],
    ['No texts.', 'no texts'],
    ["I don't want these anymore", "don't want these anymore"],
    ['Take me off your mailing list', 'take me off your mailing list'],
    ['Please purge my number', 'purge my number'],
    ['scratch me off the list', 'scratch me off the list'],
    ['Remove me from all of it', 'remove me from all of it'],
    ['please unsubscribe me from this crap!', 'unsubscribe me from this'],
    ['Delete me off your sheet now', 'delete me off your sheet now'],
    // A removal or blocking verb that is the whole reply: its object can only be the number.
    ['Delete', 'delete'],
    ['REMOVE!', 'remove'],
    ['Blocked.', 'blocked'],
    ['Block', 'block'],
    ['Delete please', 'delete please'],
    ['Please remove', 'please remove'],
    ['Unfollow', 'unfollow'],
    // A question in a quoted line is not the person's; an annoyed face is no joke.
    ['Delete\n> Want 20% off? Reply now', 'delete'],
    ['Blocked 🙄', 'blocked'],
    ['Blocked 🙃', 'blocked'],
  ])('%j opts out (%j)', (body, keyword) => {
    expect(classifyMessage(body)).toEqual(removal(keyword));
  });

  test('after a preamble, the request still counts', () => {
    expect(classifyMessage("No, I won't be donating and please stop texting me")).toEqual(
      phrase('stop texting me'),
    );
    expect(classifyMessage('Not this year. Remove me from your list')).toEqual(
      removal('remove me from your list'),
    );
  });

  test.each([
    'Remove the old bandage before you come',
    'No message from you yet?',
    "Don't forget to bring the paperwork",
    'Can I drop off the forms?',
    "Don't remove me from the waitlist",
    'Please remove me from the waitlist',
    "can you remove me from tomorrow's schedule",
    'Remove me from the carpool this week, I am sick',
    'remove me from the group until Monday',
    'take me from the airport to the hotel',
    'The dentist will remove my wisdom tooth',
    'I need to discontinue my medication, should I call?',
    // Longer, the verb may be about anything else.
    'Delete. I sent you the wrong photo',
    'delete it',
    'Remove the bandage',
    'Block 4 is closed, use the other entrance',
  ])('%j is none', (body) => {
    expect(classifyMessage(body).intent).toBe('none');
  });

  // Asked, or beside other words, the verb may be about anything: only a person can tell.
  test.each([
    'Delete?',
    'Blocked?',
    'Remove?',
    'Delete？',
    'Delete!?',
    'Delete...?',
    'Blocked!!??',
    'Delete❓',
    'Delete؟',
    'Blocked 😂',
    'Delete 😂',
    'Delete, thanks',
    'Blocked, thanks',
    'Remove, please',
    'Remove. Thanks',
  ])('%j (asked, laughed off or beside other words) is only flagged for review', (body) => {
    expect(classifyMessage(body)).toEqual(REVIEW);
  });
});

describe('removal rule through the hot path', () => {
  test.each(['email only', 'E-mail only', 'phone calls only please', 'letters only'])(
    '%j reaches the rule past the prefilter',
    (body) => {
      expect(classifyMessage(body).rule).toBe('removal');
    },
  );
});
