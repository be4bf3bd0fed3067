import { any } from './phrase-set.js';

// English building blocks. Words are lower case, accents folded, apostrophes straight.
export const ME = any(
  'me',
  'us',
  'my (?:cell |phone |mobile )?(?:number|phone|cell)',
  'this (?:phone |cell )?number',
);
export const CONTACT_ING = any(
  'calling',
  'phoning',
  'emailing',
  'texting',
  'txting',
  'texing',
  'messaging',
  'msging',
  'contacting',
  'spamming',
);
export const PESTER_ING = any('bothering', 'bugging', 'harassing', 'harrassing', 'pestering');
export const CONTACT = any('text', 'txt', 'message', 'msg', 'contact', 'sms', 'spam');
export const PESTER = any('bother', 'bug', 'harass', 'pester');
export const NOUN = any(
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
  'e ?mails',
  'calls',
  'robocalls',
);
// Swearing stresses a request without changing it: "stop the fucking texts", "f---g texts" (folded `f g`).
const INTENSIFIER = any(
  'damn',
  'damned',
  'goddamn',
  'goddamned',
  'bloody',
  'fucking',
  'fuckin',
  'freaking',
  'freakin',
  'frickin',
  'friggin',
  'frigging',
  'effing',
  'effin',
  "f'ing",
  'f ing',
  'f g',
  'f king',
  'f cking',
  'f in',
  'bleeping',
  'stupid',
  'annoying',
  'constant',
  'automated',
  'ridiculous',
  'useless',
  'endless',
  'political',
  'fundraising',
  'campaign',
);
// Determiners, then up to two intensifiers or adjectives: "all these damn political texts".
export const DET = `(?:(?:all|any)(?: of)? )?(?:(?:the|these|those|this|that|your|ur|ya) )?(?:${INTENSIFIER} ){0,2}(?:more )?`;
export const LIST = `(?:(?:mailing|texting|text|sms|contact|marketing|calling|call|messaging|distribution|subscriber|subscription|email|phone|notification|promo|promotional) )?${any('list', 'lists', 'database', 'system', 'records?', 'contacts', 'everything', NOUN)}`;
/**
 * Courtesy and urgency words that leave a request as it is, in one home: stripped around a keyword
 * clause ("stop please", see `PhraseSet.courtesy`) and allowed after a phrase (see {@link SOFT}).
 */
export const COURTESY: readonly string[] = [
  'please',
  'pls',
  'plz',
  'ok',
  'okay',
  'now',
  'thanks',
  'thank you',
  'thx',
  'ty',
  'asap',
  'immediately',
  'already',
  'for good',
  'permanently',
];
// What may follow a phrase besides courtesy: words that only stress it ("stop texting me, ever again").
export const SOFT = any(
  ...COURTESY,
  'anymore',
  'any more',
  'again',
  'ever again',
  'at all',
  'forever',
  'seriously',
);
export const END = `(?=$| \\||(?: ${SOFT})(?![^ ]))`;
