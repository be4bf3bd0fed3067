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
 * - `phrase` — a plain-language revocation found by the `reasonable` policy.
 */
export type MatchKind = 'exact' | 'folded' | 'phrase';

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
 * { intent: 'opt_out', match: 'exact', keyword: 'STOP', language: 'en', providerBlocks: true }
 * { intent: 'opt_out', match: 'phrase', keyword: 'stop texting me', language: 'en', providerBlocks: false }
 * { intent: 'none', match: null, providerBlocks: false, needsReview: true }   // "wrong number"
 */
export interface Classification {
  readonly intent: Intent;
  readonly match: MatchKind | null;
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
   * automatically, e.g. "wrong number", "no", a lone 🛑. The intent stays `none`; a person should look.
   */
  readonly needsReview?: boolean;
}
