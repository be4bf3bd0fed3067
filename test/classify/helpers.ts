import type { Classification } from '../../src/classify/index.js';

/** The verdict for a body that is ordinary conversation. */
export const NONE: Classification = { intent: 'none', match: null, providerBlocks: false };

/** The verdict for a body a person should look at. */
export const REVIEW: Classification = {
  intent: 'none',
  match: null,
  providerBlocks: false,
  needsReview: true,
};

/** What Twilio's default filter does with a default keyword. */
export function providerBlocked(intent: Classification['intent'], keyword: string): Classification {
  return { intent, match: 'exact', keyword, language: 'en', providerBlocks: true };
}

/** A keyword matched after folding, which Twilio does not act on. */
export function folded(intent: Classification['intent'], keyword: string, language = 'en'): Classification {
  return { intent, match: 'folded', keyword, language, providerBlocks: false };
}

/** A plain-language opt-out found by the `reasonable` policy. */
export function phrase(keyword: string, language = 'en'): Classification {
  return { intent: 'opt_out', match: 'phrase', keyword, language, providerBlocks: false };
}
