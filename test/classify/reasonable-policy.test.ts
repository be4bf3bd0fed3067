import { describe, expect, test } from 'vitest';
import { type ClassificationRule, classifyMessage } from '../../src/classify/index.js';
import { folded, NONE, phrase, providerBlocked, REVIEW } from './helpers.js';

describe('reasonable policy (the default): plain-language revocations opt out', () => {
  test.each([
    ['stop texting me', 'stop texting me'],
    ['Please remove me from your list', 'remove me from your list', 'removal'],
    ['take me off', 'take me off', 'removal'],
    ['Take me off your list please', 'take me off your list', 'removal'],
    ["don't text me anymore", "don't text me"],
    ['don’t text me anymore', "don't text me"],
    ['Do not contact me', 'do not contact me'],
    ['unsubscribe me', 'unsubscribe me', 'removal'],
    ['opt me out', 'opt me out'],
    ['Please opt me out.', 'opt me out'],
    ['quit messaging me', 'quit messaging me'],
    ['stop sending me messages', 'stop sending me messages'],
    ['Stop sending me these texts!', 'stop sending me these texts'],
    ['no more texts', 'no more texts'],
    ['No more messages please', 'no more messages'],
    ['leave me alone', 'leave me alone'],
    ['Please stop', 'please stop', 'keyword_clause'],
    ['stop please', 'stop please', 'keyword_clause'],
    ['STOP NOW', 'stop now', 'keyword_clause'],
    ['Stop stop stop please', 'stop stop stop please', 'keyword_clause'],
    ['STOP!!! who is this?', 'stop', 'keyword_clause'],
    ['I want to unsubscribe', 'i want to unsubscribe'],
    ['How do I unsubscribe?', 'unsubscribe'],
    ["I don't know how to unsubscribe", 'unsubscribe'],
    ['I want to opt out', 'i want to opt out'],
    ['I already opted out', 'opted out'],
    ['remove my number', 'remove my number', 'removal'],
    ['Delete my number from your system', 'delete my number from your system', 'removal'],
    ['lose my number', 'lose my number', 'removal'],
    ['Stop calling and texting me', 'stop calling and texting me'],
    ['quit calling or emailing me!', 'quit calling or emailing me'],
    ['Stop all contact', 'stop all contact'],
    ['Please cease all communication with me', 'cease all communication with me'],
    ['Cease and desist.', 'cease and desist'],
    // An instruction to the sender with courtesy or the person's own request before it; a question in
    // another sentence does not make it one.
    ['Pls stop all contact', 'stop all contact'],
    ['I want you to stop all contact', 'stop all contact'],
    ['Kindly cease all communication', 'cease all communication'],
    ['I demand you cease all communication', 'cease all communication'],
    ['Stop all contact. Who is this?', 'stop all contact'],
    ['Cease and desist. Who gave you my number?', 'cease and desist'],
    ['Cease and desist all communication', 'cease and desist all communication'],
    ['Cease and desist contacting me', 'cease and desist contacting me'],
    ['Cease and desist or I will sue', 'cease and desist'],
    ['Cease and desist or else', 'cease and desist'],
    ['I said stop all contact', 'stop all contact'],
    ['I told you to stop all contact', 'stop all contact'],
    ['Stop all contact. 4th text today 🙃', 'stop all contact'],
    ['Stop all contact!!! Who is this??', 'stop all contact'],
    ['I never signed up for this', 'never signed up for this'],
    ["I don't want these texts", "don't want these texts"],
    ['I no longer wish to receive these messages', 'no longer wish to receive these messages'],
    ['never text me again', 'never text me'],
    ['stop the texts', 'stop the texts'],
    ['Can you stop texting me?', 'stop texting me'],
    ["why don't you stop texting me", 'stop texting me'],
    ["If you don't stop, I'll report you", "if you don't stop"],
    ['I said stop', 'i said stop'],
    ['go away', 'go away'],
    ['I revoke my consent', 'revoke my consent'],
    ['Please cancel my subscription', 'cancel my subscription'],
    ['Stop contacting me', 'stop contacting me'],
    ['STOP TEXTING ME', 'stop texting me'],
    ['stop texting me 🙏', 'stop texting me'],
    ['unsub', 'unsub'],
    ['Remove me', 'remove me', 'removal'],
    ['Quit texting me please', 'quit texting me'],
    ['stop spamming me', 'stop spamming me'],
    ['Stop texting me\r\nThanks', 'stop texting me'],
    ["I don't want any more texts from you", "don't want any more texts"],
    ['Cancel please', 'cancel please', 'keyword_clause'],
    // Swearing stresses the request; censored swearing folds to single letters.
    ['stop the fucking texts', 'stop the fucking texts'],
    ['Stop with all these f---g messages', 'stop with all these f g messages'],
    ['End these damn stupid texts', 'end these damn stupid texts'],
    // Calls and e-mail are contact too.
    ['Stop calling me', 'stop calling me'],
    ['quit emailing me please', 'quit emailing me'],
  ] as const)('%j opts out (phrase %j, rule %s)', (body, keyword, rule?: ClassificationRule) => {
    expect(classifyMessage(body)).toEqual(phrase(keyword, 'en', rule ?? 'phrase'));
  });

  test.each([
    "don't stop",
    'Don’t stop!',
    "I'll stop by at 3",
    "can't stop laughing",
    'cancel my appointment',
    'Cancel my 3pm please',
    'when do you stop serving lunch?',
    'What time do you stop taking walk-ins?',
    'stop by tomorrow',
    'Can I stop by after work to drop off the forms?',
    "I don't want you to stop texting me",
    "please don't stop sending me reminders",
    'Never stop texting me',
    'Stop at the pharmacy first',
    'The bus stop is right outside',
    'I never stop smiling',
    'yes see you then',
    'Yes, see you at 3',
    "Don't forget to bring the paperwork",
    'Remove the old bandage before you come',
    'Can you take me to the clinic?',
    'Is the appointment still at the end of the month?',
    'I quit my job last week so my schedule is open',
    'He quit',
    'quit smoking',
    'I want to quit school',
    'Did you quit?',
    'Quit ur job lol',
    'See you soon 😊',
    'Thanks!',
    '',
  ])('%j is not an opt-out: negation, idiom or ordinary chatter', (body) => {
    expect(classifyMessage(body)).toEqual(NONE);
  });

  test.each([
    'goodbye',
    'Bye!',
    'no',
    'No.',
    'nope',
    'not interested',
    '🛑',
    '🛑🛑🛑',
    '⛔',
    'stop it',
    'Cancel. Can we do Friday?',
    "don't text me until 5",
    'stop texting me at work',
    'Who gave you my number?',
    'this is spam',
    'I want you to stop',
    'Can you stop?',
    'No. Goodbye.',
    // A QUIT that no rule reads and no idiom explains, as for STOP (a capitalised name after it is
    // the sender's: see the keyword-clause rule).
    'quit dan smith',
    'quit sending pics',
    'Maybe quit',
    // Contact that ends for a while, or someone else's: not the person's revocation.
    'stop all contact with him until friday',
    // Asked, not stated.
    'Stop all contact?',
    'Cease and desist?',
    'Stop all contact!?',
  ])('%j is ambiguous: none, flagged for review', (body) => {
    expect(classifyMessage(body)).toEqual(REVIEW);
  });
});

describe('reasonable policy: opt-ins and help are never inferred from phrases', () => {
  test('a bare START is the provider’s opt-in', () => {
    expect(classifyMessage('start')).toEqual(providerBlocked('opt_in', 'START'));
  });

  test('a folded standalone YES opts in', () => {
    expect(classifyMessage('Yes!')).toEqual(folded('opt_in', 'YES'));
  });

  test.each([
    'yes see you then',
    'yes please',
    'START please',
    'Yes, I would like to start again',
    'help me',
  ])('%j is not an opt-in or help request', (body) => {
    expect(classifyMessage(body)).toEqual(NONE);
  });
});

describe('reasonable policy: quoted reply text does not count', () => {
  test.each([
    '> Reply STOP to opt out',
    '> Reply STOP to opt out\nOk thanks',
    'Ok thanks\n> Reply STOP to opt out',
    '  > stop texting me',
  ])('%j is none', (body) => {
    expect(classifyMessage(body)).toEqual(NONE);
  });

  test('a keyword above the quote still counts', () => {
    expect(classifyMessage('Stop\n> Reply STOP to opt out')).toEqual(folded('opt_out', 'STOP'));
  });
});

describe('reasonable policy: statements and partial requests are reviewed, idioms ignored', () => {
  test.each([
    "you don't text me enough",
    'Cancel the reminders for tomorrow',
    "Don't text me right now, I'm driving",
    'please stop texting me about the sale',
  ])('%j is flagged for review', (body) => {
    expect(classifyMessage(body)).toEqual(REVIEW);
  });

  test.each([
    "I didn't sign up for the 3pm slot, I signed up for 4",
    "I don't agree",
    'get me out of here',
    'Can you drop my info at the front desk?',
    'Take me off the waitlist for Friday',
    // Contact wording that is no instruction to the sender: a question, a plan, someone else's order,
    // a letter.
    'Should I stop all contact?',
    'We should stop all contact',
    'The judge ordered us to cease all communication',
    'Cease and desist letter was sent today',
    // A client choosing a remedy with their lawyer.
    'Ok cease and desist',
    'Yes cease and desist please',
    'Cease and desist or small claims. Let me know which you recommend',
  ])('%j is none', (body) => {
    expect(classifyMessage(body)).toEqual(NONE);
  });
});
