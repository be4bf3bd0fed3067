/**
 * How strictly an inbound message is read as an opt-out:
 * - `carrier` — exactly Twilio's default filter: the whole trimmed body is one default keyword.
 * - `standard` — keywords after folding (case, accents, full-width, punctuation, emoji), plus the FCC
 *   per-se words as standalone messages ("OPT OUT", "STOP ALL", "stop stop").
 * - `reasonable` — standard, plus plain-language revocations ("please stop texting me") with guards
 *   against negation and idiom. The default, because the FCC rule in force since 11 April 2025 lets
 *   consent be revoked by any reasonable means.
 */
export type Policy = 'carrier' | 'standard' | 'reasonable';

/** What an inbound message asks for; `none` when it is ordinary conversation. */
export type Intent = 'opt_out' | 'opt_in' | 'help' | 'none';

/**
 * How a keyword or phrase was recognised:
 * - `exact` — the trimmed body is the keyword verbatim (case aside): what Twilio's default filter sees,
 *   or a custom keyword typed exactly.
 * - `folded` — the body equals a keyword once folded (see {@link foldText}).
 * - `phrase` — a plain-language revocation found by the `reasonable` policy (see `rule` for which).
 * - `fuzzy` — a keyword misspelt by one edit, standing alone (`reasonable` only).
 */
export type MatchKind = 'exact' | 'folded' | 'phrase' | 'fuzzy';

/**
 * Which rule of the classifier decided a verdict, stable across releases so that audit trails and tests
 * can name it:
 * - `keyword` — the message is a keyword (exactly, folded, or the same keyword repeated).
 * - `keyword_clause` — a keyword used as a command inside a longer message ("Nope not interested STOP",
 *   "End, moved away", "STOP - Sent from my iPhone").
 * - `echo` — a campaign's instruction echoed or mangled: two keywords joined by a connector
 *   ("Stop2End", "Quit to end", "STOP=END").
 * - `keyword_reason` — a keyword with its reason right after it, a complaint about volume glued by a
 *   digit or spelt out ("Stop2manytexts", "Stop too many texts"), or permanence glued by a digit at
 *   the start of a clause ("Stop4good pls").
 * - `fuzzy` — a keyword of four or more letters misspelt by one edit, standing alone ("Qiut", "Sotp").
 * - `phrase` — a plain-language revocation ("please stop texting me").
 * - `removal` — a request to be removed from a list or channel ("Remove from contact list",
 *   "no further messages", "email only, no texts").
 * - `wrong_number` — the person says the number is not theirs ("I'm not Dwight", "wrong number").
 * - `ambiguous` — `none` with `needsReview`: a person should look.
 * - `none` — nothing matched.
 */
export type ClassificationRule =
  | 'keyword'
  | 'keyword_clause'
  | 'echo'
  | 'keyword_reason'
  | 'fuzzy'
  | 'phrase'
  | 'removal'
  | 'wrong_number'
  | 'ambiguous'
  | 'none';

/**
 * Extra keywords per intent, e.g. the custom keywords configured in Twilio Advanced Opt-Out. They add
 * to the built-in sets (never removing STOP, START or HELP) and match as whole messages after folding:
 * `match: 'exact'` when typed verbatim (case aside), `'folded'` otherwise, with `language: 'custom'`.
 * They never set `providerBlocks` (Twilio's default filter does not know them) and the `carrier` policy
 * ignores them; under `reasonable` a custom opt-out keyword also counts as a clause ("unsub please").
 * A keyword without letters or digits, or one that another intent already uses, is a configuration
 * error (`ConsentError` `CONFIG`).
 *
 * @example
 * createClassifier({ keywords: { optOut: ['UNSUB', 'REMOVE ME'], help: ['SUPPORT'] } });
 */
export interface CustomKeywords {
  readonly optOut?: readonly string[];
  readonly optIn?: readonly string[];
  readonly help?: readonly string[];
}

/** Options of {@link classifyMessage} and {@link createClassifier}. */
export interface ClassifyOptions {
  /** Defaults to `reasonable`. */
  readonly policy?: Policy;
  /**
   * Keyword and phrase sets to use besides English, which is always on: `es`, `fr`. Region subtags
   * are accepted (`es-MX`); an unknown language is a configuration error (`ConsentError` `CONFIG`).
   */
  readonly languages?: readonly string[];
  /** Custom keywords, added to the built-in ones (see {@link CustomKeywords}). */
  readonly keywords?: CustomKeywords;
}

/**
 * The verdict on one inbound message. Results are frozen and may be shared between calls.
 *
 * @example
 * { intent: 'opt_out', match: 'exact', keyword: 'STOP', language: 'en', providerBlocks: true, rule: 'keyword' }
 * { intent: 'opt_out', match: 'phrase', keyword: 'stop texting me', language: 'en', providerBlocks: false, rule: 'phrase' }
 * { intent: 'opt_out', match: 'phrase', keyword: "i'm not dwight", language: 'en', providerBlocks: false, rule: 'wrong_number', wrongNumber: true }
 * { intent: 'none', match: null, providerBlocks: false, rule: 'ambiguous', needsReview: true }   // "not interested"
 */
export interface Classification {
  readonly intent: Intent;
  readonly match: MatchKind | null;
  /** The rule that decided this verdict (`keyword`, `echo`, `fuzzy`, `phrase`, `removal`, `wrong_number`, …). */
  readonly rule: ClassificationRule;
  /**
   * The keyword that matched, in its listed spelling (`STOP`, `OPT OUT`, `ARRET`, or a custom keyword as
   * configured), or the folded words of a matched phrase (`stop texting me`). Absent for `none`.
   */
  readonly keyword?: string;
  /** Which set matched: `en`, `es`, `fr`, or `custom` for a custom keyword. Absent for `none`. */
  readonly language?: string;
  /**
   * True exactly when Twilio's default filter acts on this body (the `carrier` policy matches), whatever
   * policy was chosen: Twilio has then already blocked or unblocked the sender and sent its own reply.
   */
  readonly providerBlocks: boolean;
  /**
   * Set (only under `reasonable`) when the message might be a revocation but is too unclear to apply
   * automatically, e.g. "not interested", "no", a lone 🛑. The intent stays `none`; a person should look.
   */
  readonly needsReview?: boolean;
  /**
   * Set (only under `reasonable`, on an opt-out) when the person says the number is not theirs: "wrong
   * number", "I'm not Dwight", "no Carla here". Whoever answers never consented, so it is an opt-out;
   * the flag lets an app mark the lead's phone as wrong.
   */
  readonly wrongNumber?: true;
}
