import { any, type PhraseSet, pairs, words } from './phrase-set.js';
import {
  CONTACT,
  CONTACT_ING,
  COURTESY,
  DET,
  END,
  LIST,
  ME,
  NOUN,
  PESTER,
  PESTER_ING,
} from './phrases-en-parts.js';
import { ENGLISH_REMOVAL } from './removal-en.js';

// Verbs that after a negation may start a revocation ("don't text me", "never signed up").
const NEGATED_VERBS =
  'want wish need like consent consented agree agreed text txt message msg contact sms spam bother bug harass pester send sending call sign signed subscribe subscribed opt opted';

// Contact as a thing that can end: "stop all contact", "cease all communication".
const CONTACT_NOUN = any('contact', 'communication', 'communications');
// What may stand before an instruction to the sender at the start of its clause: courtesy, and the
// person asking for it ("Kindly", "I want you to", "I demand that you", "You need to"). Checked behind
// the verb once it matched, so that the phrase alternation does not look behind at every position.
const ASKING = `(?:(?:i (?:want|need|demand|ask|request)(?: that)?|i'm asking|im asking|i (?:told|asked)) you (?:to )?|you (?:need|have|must) (?:to )?|i (?:already |literally |clearly )?said )?`;
const POLITE = ['please', 'pls', 'plz', 'kindly', 'just', 'now'];
const TO_YOU = `(?:${any(...POLITE, 'ok', 'okay', 'seriously', 'yes')} ){0,2}${ASKING}`;
// "Ok" and "yes" answer a question: "Ok cease and desist" picks a remedy with a lawyer.
const TO_YOU_FORMALLY = `(?:${any(...POLITE)} ){0,2}${ASKING}`;
// A threat after the formula ("or I will sue"), not another remedy ("or small claims").
const OR_ELSE = `(?= or (?:else|i(?:'ll| will)?|we(?:'ll| will)?|you(?:'ll| will)?|face|legal)(?![^ ]))`;

/** English revocation phrases, guards and prefilter anchors. */
export const ENGLISH_PHRASES: PhraseSet = {
  patterns: [
    // One or more contact verbs: "stop texting me", "stop calling and texting me", "quit calling or emailing".
    {
      source: `(?:stop|quit|cease|halt) ${CONTACT_ING}(?: (?:and|or|n|&) ${CONTACT_ING})?(?: ${ME}|${END})`,
      temporary: 'imperative',
    },
    // Contact itself as the object: "stop all contact", "cease all communication"; and the legal formula.
    // Both as an instruction to the sender, stated: at the start of a clause, after courtesy or "I want
    // you to" at most; not "we should stop all contact", "the judge ordered us to cease all
    // communication", "Cease and desist letter was sent today", nor asked.
    {
      source: `(?:stop|cease|end|halt)(?<=(?:^|\\| )${TO_YOU}[a-z]+) (?:all |any )?${CONTACT_NOUN}(?: with ${ME})?${END}`,
      temporary: 'imperative',
      question: 'review',
    },
    {
      source: `cease(?<=(?:^|\\| )${TO_YOU_FORMALLY}cease) and desist(?: (?:all |any )?${CONTACT_NOUN}| ${CONTACT_ING} ${ME})?(?:${END}|${OR_ELSE})`,
      question: 'review',
    },
    { source: `(?:stop|quit|cease|halt) ${PESTER_ING} ${ME}`, temporary: 'imperative' },
    {
      source: `(?:stop|quit|cease) sending(?: me| us)?(?: ${DET}${NOUN}| (?:these|this|that|them|stuff|things|anything|crap|junk)|${END})`,
    },
    { source: `(?:stop|quit) (?:receiving|getting) ${DET}${NOUN}` },
    { source: `(?:stop|quit|enough|done) with ${DET}${NOUN}`, temporary: 'imperative' },
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
    ...ENGLISH_REMOVAL,
    { source: `(?:opt|opted|opting|opts)(?: me| us)? out|optout|optedout` },
    {
      // Three common misspellings stay here although the fuzzy rule reads them too: it reads only a
      // word sent alone, and these also come inside a message ("Please unsubcribe").
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
  // Greetings and fillers may stand around a keyword clause, not after a phrase.
  courtesy: [...COURTESY, 'k', 'just', 'hey', 'hi', 'hello', 'right now'],
  loneClauses: [
    // A reply that names the texts as unwanted.
    'spam',
    'junk',
    'scam',
    'go away',
    'get lost',
    'fuck off',
    'f off',
    'piss off',
    'buzz off',
    'leave me alone',
  ],
  anchors: {
    words: words(
      // "stop by" and "end of" never begin a phrase or a standalone clause: the commonest idioms skip the slow path.
      // The idiom's word ends where the word reader ends it: an apostrophe before a letter or digit
      // continues it ("stop by'Ann" holds the word "by'ann", not the idiom).
      "stop(?!\\x20by(?![a-z0-9]|'[a-z0-9])) quit cease halt end(?!\\x20of(?![a-z0-9]|'[a-z0-9])) cancel block enough unsub unsuscribe",
      'opt remove delete erase revok withdraw rescind alone wrong spam scam harass harrass report fuck',
      // removal and wrong-number wording; "not" and "here" begin every name denial ("I'm not Ann", "no Ann here")
      "discontinu terminat suspend purge wipe strike cross not here junk isn't isnt ain't aint",
    ),
    pairs: [
      ...pairs("don't dont not didn't didnt never longer ever", NEGATED_VERBS),
      ...pairs('take drop get scratch', 'me us my this'),
      ...pairs('lose', 'my this'),
      ...pairs('no', 'more longer further additional texts text messages message msgs txts sms'),
      ...pairs('take drop', 'from'),
      ...pairs('forget', 'me us my this about i'),
      ...pairs('email mail letters calls', 'only'),
      // A signature hides what stands before it from the standalone shape: "Stop. Sent from my iPhone".
      ...pairs('sent envoye enviado', 'from with via using de desde avec'),
      ...pairs('that this', 'name'),
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
