import type { Language } from './keywords.js';

/**
 * What the `reasonable` policy flags for a person to review instead of applying: messages that may
 * well mean "stop texting me" but may just as well not. The intent stays `none`.
 */
export interface AmbiguitySet {
  /** Whole messages (folded words) that are unclear on their own: "no", "goodbye", "wrong number". */
  readonly messages: readonly string[];
  /** Regular expression sources over folded words: unclear wherever they appear ("wrong number, sorry"). */
  readonly anywhere: readonly string[];
}

/**
 * The ambiguity lists per language (the classifier adds the opt-out keywords of languages that are
 * not enabled: "ALTO" to an English-only program is reviewed, not ignored). Decisions: farewells and
 * bare refusals ("goodbye", "no", "not interested") are unclear because they usually answer the last
 * question, not the program; "wrong number" and complaints ("this is spam", "I'll report you") say the
 * texts are unwanted but not that consent is revoked; misspelt STOPs ("stp", "sotp") and "stop it" are
 * probably revocations but not certainly; a lone stop-sign emoji is decoration as often as a request.
 */
export const AMBIGUITY_SETS: Readonly<Record<Language, AmbiguitySet>> = {
  en: {
    messages: [
      'goodbye',
      'good bye',
      'bye',
      'bye bye',
      'byebye',
      'no',
      'nope',
      'nah',
      'no thanks',
      'no thank you',
      'no thx',
      'no more',
      'not interested',
      'no longer interested',
      "i'm not interested",
      'im not interested',
      'wrong number',
      'wrong person',
      'wrong',
      'enough',
      'enough already',
      "that's enough",
      'done',
      "i'm done",
      'im done',
      'stop it',
      'quit it',
      'end it',
      'cancel it',
      'cancel that',
      'halt',
      'pause',
      'block',
      'blocked',
      'blocking',
      'delete',
      'delete this',
      'remove',
      'erase',
      'unfollow',
      'shut up',
      'stoop',
      'stooop',
      's t o p',
    ],
    anywhere: [
      'wrong (?:number|person)',
      'not interested',
      '(?:who gave you|how did you get) (?:my|this) number',
      'this is (?:spam|a scam|harassment)',
      '(?:report|reporting|block|blocking) (?:you|this number|this|your number)',
      'stopall',
      'harass(?:|ing|ed|ment)',
      'harrass(?:|ing|ment)',
    ],
  },
  es: {
    messages: [
      'adios',
      'no',
      'no gracias',
      'no mas',
      'no me interesa',
      'numero equivocado',
      'equivocado',
      'basta',
      'ya basta',
    ],
    anywhere: ['numero equivocado', 'no me interesa', 'ya basta'],
  },
  fr: {
    messages: ['au revoir', 'non', 'non merci', 'pas interesse', 'mauvais numero', 'ca suffit'],
    anywhere: ['mauvais numero', 'pas interesse', 'ca suffit'],
  },
};

/**
 * Emoji that read as "stop" but cannot be told from decoration (🛑 ⛔ 🚫 ✋ 🤚 🙅 🔕 🖐): a message with
 * one of them and no words but courtesy is flagged for review.
 */
export const STOP_EMOJI: readonly string[] = ['🛑', '⛔', '🚫', '✋', '🤚', '🙅', '🔕', '🖐'];
