import type { PhrasePattern } from './phrase-set.js';
import { DET, END, LIST, ME, NOUN } from './phrases-en-parts.js';

/**
 * Removal and channel wording, the `removal` rule: a removal verb with a list or contact object
 * ("Remove from contact list", "take me off", "forget this number", "drop me from this"), a
 * discontinuation of the texts ("Please discontinue these texts", "no further messages"), or a channel
 * refusal ("email only, no texts"), also after a preamble ("No, I won't be donating and please take me
 * off your list"). Matched like the phrases, with their negation and temporary guards.
 */
const REMOVE = '(?:remove|delete|erase|take|drop|unsubscribe|unsub|scratch|purge|strike|wipe|cross)';
const FROM = '(?:from|off|out of|off of)';
const BOOKING =
  "(?:(?:the|your|my|this|that|tomorrow's|today's) )?(?:wait ?list|waiting list|schedule|calendar|appointment|reservation|booking|class|roster|team|order|cart)";
const MINE = '(?:my|this|our) (?:phone |cell |mobile )?(?:number|contact|info|information|details|name|#)';

export const ENGLISH_REMOVAL: readonly PhrasePattern[] = [
  {
    source: `(?:${REMOVE} ${ME}(?: out)? ${FROM}|get ${ME} off(?: of)?) (?:${DET}${LIST}|this|that|it|them)`,
    rule: 'removal',
  },
  { source: `${REMOVE}(?: out)? ${FROM} (?:(?:the|your|ur|this|that|all|any) )?${LIST}`, rule: 'removal' },
  { source: `(?:remove|delete|erase|unsubscribe|unsub|drop|purge) ${ME}${END}`, rule: 'removal' },
  // Removal verbs that only ever mean taking a person out of something, whatever it is called, when
  // that is all the clause says ("remove me from all chats", "unsubscribe me from this crap"); not a
  // booking ("remove me from the waitlist" leaves the person a customer), nor a longer plan ("remove me
  // from the carpool this week"). ("Take me from the airport" is no removal at all.)
  {
    source: `(?:remove|delete|erase|unsubscribe|unsub|purge) ${ME} (?:from|off)(?! ${BOOKING}) (?:[a-z']+ ){0,2}[a-z']+${END}`,
    rule: 'removal',
    temporary: 'imperative',
  },
  { source: `take ${ME} off${END}`, rule: 'removal' },
  // A removal or blocking verb that is the whole reply ("Delete", "Remove!", "Blocked"): in answer to a
  // text its object can only be the number or the texts. Alone, not in a longer message, where it may
  // be about a photo or a contact ("Delete | I sent the wrong picture"), and stated, not asked
  // ("Delete?" asks what to delete).
  {
    source:
      '^(?:please )?(?:remove|delete|erase|unfollow|block|blocked|blocking)(?: please| pls| now| thanks| thank you)?$',
    rule: 'removal',
    question: 'review',
  },
  { source: `(?:remove|delete|erase|lose|purge|wipe) ${MINE}`, rule: 'removal' },
  { source: `take ${MINE} off`, rule: 'removal' },
  { source: `forget (?:${ME}|about me|${MINE}|i exist)`, rule: 'removal' },
  {
    source: `(?:discontinue|terminate|suspend) ${DET}(?:${NOUN}|service|subscription|these|this|them|it)`,
    rule: 'removal',
    temporary: 'imperative',
  },
  {
    source: `no (?:further|more|additional) (?:contact|communication|communications|${NOUN})`,
    rule: 'removal',
  },
  {
    source: `(?<=^|\\| )no (?:more )?(?:texts|messages|msgs|txts|sms|text messages)(?= \\||$)`,
    rule: 'removal',
  },
  { source: `(?<=^|\\| )(?:email|e mail|mail|letters|calls|phone calls) only`, rule: 'removal' },
  {
    source: `(?:don't|dont|do not|no longer) (?:want|need) (?:these|this|them|it|any of this|your ${NOUN})(?: (?:anymore|any more|no more))`,
    rule: 'removal',
  },
];
