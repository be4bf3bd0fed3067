import { any, type PhraseSet, pairs, words } from './phrase-set.js';

// English building blocks. Words are lower case, accents folded, apostrophes straight.
const ME = any(
  'me',
  'us',
  'my (?:cell |phone |mobile )?(?:number|phone|cell)',
  'this (?:phone |cell )?number',
);
const CONTACT_ING = any('texting', 'txting', 'texing', 'messaging', 'msging', 'contacting', 'spamming');
const PESTER_ING = any('bothering', 'bugging', 'harassing', 'harrassing', 'pestering');
const CONTACT = any('text', 'txt', 'message', 'msg', 'contact', 'sms', 'spam');
const PESTER = any('bother', 'bug', 'harass', 'pester');
const NOUN = any(
  '(?:text |sms |marketing |promotional |promo |spam )?(?:texts|text|messages|message|msgs|msg|txts|txt|sms)',
  'spam',
  'notifications?',
  'alerts?',
  'reminders?',
  'promos?',
  'promotions?',
  'marketing',
  'ads',
  'adverts?',
  'advertisements?',
  'offers',
  'deals',
  'updates',
  'newsletters?',
);
const DET = `(?:(?:all|any)(?: of)? )?(?:(?:the|these|those|this|that|your|ur|ya) )?(?:(?:damn|stupid|annoying|constant|automated) )?(?:more )?`;
const LIST = `(?:(?:mailing|texting|text|sms|contact|marketing|calling|call|messaging|distribution|subscriber|subscription|email|phone|notification|promo|promotional) )?${any('list', 'lists', 'database', 'system', 'records?', 'contacts', 'everything', NOUN)}`;
// What may follow a phrase and still leave it a complete request.
const SOFT = any(
  'please',
  'pls',
  'plz',
  'now',
  'anymore',
  'any more',
  'already',
  'thanks',
  'thank you',
  'thx',
  'ty',
  'asap',
  'immediately',
  'again',
  'ever again',
  'at all',
  'for good',
  'forever',
  'permanently',
  'seriously',
  'ok',
  'okay',
);
const END = `(?=$| \\||(?: ${SOFT})(?![^ ]))`;

// Verbs that after a negation may start a revocation ("don't text me", "never signed up").
const NEGATED_VERBS =
  'want wish need like consent consented agree agreed text txt message msg contact sms spam bother bug harass pester send sending call sign signed subscribe subscribed opt opted';

/** English revocation phrases, guards and prefilter anchors. */
export const ENGLISH_PHRASES: PhraseSet = {
  patterns: [
    { source: `(?:stop|quit|cease|halt) ${CONTACT_ING}(?: ${ME}|${END})`, temporary: 'imperative' },
    { source: `(?:stop|quit|cease|halt) ${PESTER_ING} ${ME}`, temporary: 'imperative' },
    {
      source: `(?:stop|quit|cease) sending(?: me| us)?(?: ${DET}${NOUN}| (?:these|this|that|them|stuff|things|anything|crap|junk)|${END})`,
    },
    { source: `(?:stop|quit) (?:receiving|getting) ${DET}${NOUN}` },
    {
      source: `(?:stop|quit|cease|end|cancel|halt|block|enough(?: with)?|no more|unsubscribe(?: me)?(?: from)?|opt (?:me )?out of) ${DET}${NOUN}`,
      temporary: 'imperative',
    },
    {
      source: `(?:don't|dont|do not|never|no longer|stop) (?:ever )?(?:${CONTACT}|call or text|text or call)(?: ${ME}|${END})`,
      temporary: 'negative',
    },
    { source: `(?:don't|dont|do not|never|stop) (?:ever )?${PESTER} ${ME}`, temporary: 'negative' },
    {
      source: `(?:don't|dont|do not|never|no longer|stop) send(?:ing)? (?:me|us|to ${ME}) (?:${DET}${NOUN}|anything|any ?more|stuff|these|them)`,
    },
    {
      source: `(?:don't|dont|do not|no longer|never) (?:want|wish|need)(?: to (?:receive|recieve|get|be sent|see))? ${DET}${NOUN}`,
      temporary: 'negative',
    },
    {
      source: `(?:don't|dont|do not|no longer|never) (?:want|wish|need) to (?:be|get) (?:texted|txted|messaged|contacted|spammed|on (?:this|your|the|ur) ${LIST})`,
    },
    {
      source: `(?:don't|dont|do not|no longer) (?:want|wish) (?:you|u|y'all|yall|anyone|anybody) to (?:ever )?${CONTACT}(?: ${ME})?`,
      temporary: 'negative',
    },
    { source: `(?:don't|dont|do not|no longer) consent(?: to (?:this|these|${DET}${NOUN}))?${END}` },
    { source: `(?:don't|dont|do not|no longer) agree to (?:this|these|${DET}${NOUN})` },
    {
      source: `(?:never|didn't|didnt|did not) (?:consent|consented|sign up|signed up|subscribe|subscribed|opt in|opted in)(?: (?:to|for) (?:this|these|that|it|them|any of this|${DET}${NOUN}|${DET}${LIST}))?${END}`,
    },
    {
      source: `(?:(?:remove|delete|erase|take|drop|unsubscribe|unsub|scratch) ${ME}(?: out)? (?:from|off|out of|off of)|get ${ME} off(?: of)?) (?:${DET}${LIST}|this|that|it|them)`,
    },
    { source: `(?:remove|delete|erase|unsubscribe|unsub|drop) ${ME}${END}` },
    { source: `take ${ME} off${END}` },
    {
      source: `(?:remove|delete|erase|lose) (?:my|this) (?:phone |cell |mobile )?(?:number|contact|info|information|details)`,
    },
    { source: `take (?:my|this) (?:phone |cell )?number off` },
    { source: `(?:opt|opted|opting|opts)(?: me| us)? out|optout|optedout` },
    {
      source: any(
        'unsubscribe',
        'unsubscribed',
        'unsubscribing',
        'unsubcribe',
        'unsuscribe',
        'unsubscibe',
        'unsub',
        'unsubbed',
      ),
    },
    {
      source: `(?:revoke|revoking|revoked|withdraw|withdrawing|rescind|cancel) (?:my |all |any )?(?:consent|permission|authorization|agreement|subscription)`,
    },
    { source: `revoke` },
    { source: `leave (?:me|us) alone` },
    {
      source: `(?:i said|i told (?:you|u)|told (?:you|u)|like i said|i asked (?:you|u))(?: to)? (?:stop|unsubscribe|quit|remove me|opt out)${END}`,
    },
    { source: `(?:if|unless) (?:you|u) (?:don't|dont|do not) stop${END}` },
    {
      source: `i (?:want|wish|would like|'d like|need) to (?:stop|unsubscribe|unsub|opt out|quit|cancel|end)${END}`,
    },
  ],
  negators: [
    "don't",
    'dont',
    'not',
    'never',
    "didn't",
    'didnt',
    "can't",
    'cant',
    'cannot',
    "couldn't",
    'couldnt',
    "won't",
    'wont',
    "wouldn't",
    "shouldn't",
    "doesn't",
    'doesnt',
    "isn't",
    "wasn't",
  ],
  courtesy: [
    'please',
    'pls',
    'plz',
    'ok',
    'okay',
    'k',
    'just',
    'now',
    'hey',
    'hi',
    'hello',
    'thanks',
    'thank you',
    'thx',
    'ty',
    'asap',
    'immediately',
    'right now',
    'already',
    'for good',
    'permanently',
  ],
  loneClauses: ['go away', 'get lost', 'fuck off', 'f off', 'piss off', 'buzz off', 'leave me alone'],
  anchors: {
    words: words(
      // "stop by" and "end of" never begin a phrase or a standalone clause: the commonest idioms skip the slow path.
      'stop(?!\\x20by(?![a-z0-9])) quit cease halt end(?!\\x20of(?![a-z0-9])) cancel block enough unsub unsuscribe',
      'opt remove delete erase revok withdraw rescind alone wrong spam scam harass harrass report fuck',
    ),
    pairs: [
      ...pairs("don't dont not didn't didnt never longer ever", NEGATED_VERBS),
      ...pairs('take drop get scratch', 'me us my this'),
      ...pairs('lose', 'my this'),
      ...pairs('no', 'more longer'),
      ...pairs('my this', 'number'),
      'get lost',
      'go away',
      'f off',
      'piss off',
      'buzz off',
      'not interested',
    ],
  },
};
