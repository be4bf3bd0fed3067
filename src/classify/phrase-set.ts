/**
 * After a phrase, what makes it a temporary or partial request rather than a revocation ("don't text me
 * until 5"): `negative` for "don't …" forms, where "now" is temporary too and a subject before them
 * ("you don't text me enough") makes them a statement; `imperative` for "stop …".
 */
export type TemporaryGuard = 'negative' | 'imperative';

/**
 * One plain-language revocation: a regular-expression source over the words of a message as `toWords`
 * writes them (lower case, accents folded, straight apostrophes, one space between words, ` | ` between
 * clauses), matched as whole words.
 */
export interface PhrasePattern {
  readonly source: string;
  readonly temporary?: TemporaryGuard;
  /** The rule a match reports (see `ClassificationRule`); `phrase` unless it is removal wording. */
  readonly rule?: 'removal';
  /**
   * `review`: a match whose sentence is a question or laughs only flags it for review (see
   * `askedSentences`). For wording that is an instruction only when stated ("Delete",
   * "Stop all contact"), not asked or joked ("Delete?", "Should I stop all contact?", "Delete 😂").
   */
  readonly question?: 'review';
}

/** The phrase rules of one language, for the `reasonable` policy. */
export interface PhraseSet {
  readonly patterns: readonly PhrasePattern[];
  /** Words that negate a following phrase ("don't stop texting me" keeps the texts coming). */
  readonly negators: readonly string[];
  /** Courtesy words stripped from both ends of a clause before keyword lookup ("stop please"). */
  readonly courtesy: readonly string[];
  /** Whole clauses that revoke by themselves ("go away"). */
  readonly loneClauses: readonly string[];
  /**
   * The hot-path prefilter: word beginnings, and pairs of consecutive words (`no more`), of which every
   * phrase, lone clause, keyword clause and anywhere-ambiguity of the set contains at least one. A body
   * with none of them (and no standalone text) is `none` without folding. Words are regular-expression
   * sources matched case-insensitively as word beginnings (`stop` also finds `stopped`, so list only
   * the shortest), an apostrophe standing for a straight or curly one. Fewer anchors scan faster. They
   * may over-match, never under-match: the tests compare classification with and without the prefilter.
   */
  readonly anchors: { readonly words: readonly string[]; readonly pairs: readonly string[] };
}

/** An alternation of regular-expression sources. */
export const any = (...alternatives: readonly string[]): string => `(?:${alternatives.join('|')})`;
/** Words given as space-separated lines. */
export const words = (...lines: readonly string[]): readonly string[] => lines.join(' ').split(' ');
/** Every `first second` pair of the space-separated `firsts` and `seconds`. */
export const pairs = (firsts: string, seconds: string): readonly string[] =>
  firsts.split(' ').flatMap((first) => seconds.split(' ').map((second) => `${first} ${second}`));
