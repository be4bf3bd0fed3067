import type { Classification, ClassificationRule } from '../../src/classify/index.js';

/** The verdict for a body that is ordinary conversation. */
export const NONE: Classification = { intent: 'none', match: null, providerBlocks: false, rule: 'none' };

/** The verdict for a body a person should look at. */
export const REVIEW: Classification = {
  intent: 'none',
  match: null,
  providerBlocks: false,
  rule: 'ambiguous',
  needsReview: true,
};

/** What Twilio's default filter does with a default keyword. */
export function providerBlocked(intent: Classification['intent'], keyword: string): Classification {
  return { intent, match: 'exact', keyword, language: 'en', providerBlocks: true, rule: 'keyword' };
}

/** A keyword matched after folding, which Twilio does not act on. */
export function folded(intent: Classification['intent'], keyword: string, language = 'en'): Classification {
  return { intent, match: 'folded', keyword, language, providerBlocks: false, rule: 'keyword' };
}

/** A plain-language opt-out found by the `reasonable` policy, by the rule that found it. */
export function phrase(
  keyword: string,
  language = 'en',
  rule: ClassificationRule = 'phrase',
): Classification {
  return { intent: 'opt_out', match: 'phrase', keyword, language, providerBlocks: false, rule };
}

/** A removal or channel request ("remove me from your list"). */
export function removal(keyword: string, language = 'en'): Classification {
  return phrase(keyword, language, 'removal');
}

/** A keyword used as a command inside a longer message ("stop please", "Nope not interested STOP"). */
export function keywordClause(keyword: string, language = 'en'): Classification {
  return phrase(keyword, language, 'keyword_clause');
}

/** A misspelt keyword standing alone ("Qiut"), reported as the keyword it stands for. */
export function fuzzy(keyword: string): Classification {
  return { intent: 'opt_out', match: 'fuzzy', keyword, language: 'en', providerBlocks: false, rule: 'fuzzy' };
}

/** A wrong-number reply: an opt-out flagged `wrongNumber`. */
export function wrongNumber(keyword: string): Classification {
  return { ...phrase(keyword, 'en', 'wrong_number'), wrongNumber: true };
}

/** An instruction echo ("Stop2End"). */
export function echo(keyword: string): Classification {
  return phrase(keyword, 'en', 'echo');
}
