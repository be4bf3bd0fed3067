import type { Classification, ClassificationRule, MatchKind } from './types.js';

/** The verdict for ordinary conversation. */
export const NONE: Classification = Object.freeze({
  intent: 'none',
  match: null,
  providerBlocks: false,
  rule: 'none',
});

/** The verdict for a message a person should look at. */
export const REVIEW: Classification = Object.freeze({
  intent: 'none',
  match: null,
  providerBlocks: false,
  rule: 'ambiguous',
  needsReview: true,
});

/** An opt-out found by the `reasonable` policy, frozen like every result. */
export function optOut(
  match: MatchKind,
  keyword: string,
  language: string,
  rule: ClassificationRule,
  wrongNumber = false,
): Classification {
  return Object.freeze({
    intent: 'opt_out',
    match,
    keyword,
    language,
    providerBlocks: false,
    rule,
    ...(wrongNumber ? { wrongNumber: true as const } : {}),
  });
}
