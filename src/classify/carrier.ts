import { DEFAULT_KEYWORDS } from './keywords.js';
import type { Classification, Intent } from './types.js';

const LONGEST_KEYWORD = Math.max(
  ...[...DEFAULT_KEYWORDS.optOut, ...DEFAULT_KEYWORDS.optIn, ...DEFAULT_KEYWORDS.help].map(
    (word) => word.length,
  ),
);

function exactResult(intent: Intent, keyword: string): Classification {
  return Object.freeze({
    intent,
    match: 'exact',
    keyword,
    language: 'en',
    providerBlocks: true,
    rule: 'keyword',
  });
}

const CARRIER_RESULTS: ReadonlyMap<string, Classification> = new Map([
  ...DEFAULT_KEYWORDS.optOut.map((word) => [word, exactResult('opt_out', word)] as const),
  ...DEFAULT_KEYWORDS.optIn.map((word) => [word, exactResult('opt_in', word)] as const),
  ...DEFAULT_KEYWORDS.help.map((word) => [word, exactResult('help', word)] as const),
]);

/**
 * White space as Twilio most likely trims it: ASCII and Unicode spaces and line breaks. The BOM
 * (U+FEFF) is deliberately not white space here — it is an invisible format character that Twilio is
 * not documented to remove; folding removes it under `standard`.
 */
function isSpace(code: number): boolean {
  return (
    code === 0x20 ||
    (code >= 0x09 && code <= 0x0d) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** `body` without surrounding white space, as Twilio's filter trims it (see {@link isSpace}). */
export function trimSpace(body: string): string {
  let start = 0;
  let end = body.length;
  while (start < end && isSpace(body.charCodeAt(start))) start++;
  while (end > start && isSpace(body.charCodeAt(end - 1))) end--;
  return start === 0 && end === body.length ? body : body.slice(start, end);
}

/**
 * What Twilio's default filter does with `body`: the result for the Twilio default keyword that the
 * whole trimmed body is (ASCII case-insensitively, nothing else folded), or `undefined`. A body longer
 * than the longest keyword is rejected after a cheap trim, before any folding or allocation.
 */
export function matchCarrier(body: string): Classification | undefined {
  let start = 0;
  let end = body.length;
  while (start < end && isSpace(body.charCodeAt(start))) start++;
  while (end > start && isSpace(body.charCodeAt(end - 1))) end--;
  const length = end - start;
  if (length === 0 || length > LONGEST_KEYWORD) return undefined;
  let upper = '';
  for (let index = start; index < end; index++) {
    let code = body.charCodeAt(index);
    if (code >= 0x61 && code <= 0x7a) code -= 0x20;
    else if (code < 0x41 || code > 0x5a) return undefined;
    upper += String.fromCharCode(code);
  }
  return CARRIER_RESULTS.get(upper);
}
