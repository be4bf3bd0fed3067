import { hasUnsafeCharacter } from './safe-characters.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Curly and modifier apostrophes, acute accent and prime, so "don’t" reads as "don't".
const APOSTROPHE_LIKE = /[\u2018\u2019\u201B\u02BC\u02B9\u00B4\u2032]/g;
// Zero-width spaces and joiners, BOM, soft hyphen, variation selectors, bidi controls, tag characters.
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
const COMBINING_MARK = /\p{M}/gu;
const NON_ASCII = /[\u0080-\uFFFF]/;
const SURROUNDING_NON_WORD = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;
const WHITESPACE_RUN = /\s+/g;

/**
 * Folds everything except the surrounding-strip and whitespace collapse of {@link foldText}: line
 * breaks survive so that quoted lines and clauses can still be told apart.
 *
 * The order matters for idempotence: invisible characters go before case mapping (the Greek final
 * sigma looks at its neighbours), NFKC runs again after case mapping (some lower-case forms have
 * compatibility decompositions), and marks are stripped from the canonical decomposition.
 */
export function foldLines(body: string): string {
  if (!NON_ASCII.test(body)) return body.toLowerCase();
  const text = body
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(APOSTROPHE_LIKE, "'")
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .toLowerCase()
    .normalize('NFKC')
    .normalize('NFD')
    .replace(COMBINING_MARK, '')
    .normalize('NFC');
  // Second passes: NFKC yields some invisible and apostrophe-like characters of its own (ŉ → ʼn).
  return text.replace(INVISIBLE, '').replace(APOSTROPHE_LIKE, "'");
}

const CURLY_APOSTROPHE = /[\u2018\u2019\u201B]/g;

/**
 * A cheaper {@link foldLines} for the classifier: for a text without unsafe characters (see
 * {@link hasUnsafeCharacter}) it only lower-cases and straightens apostrophes. The result may differ
 * from `foldLines` in its symbols, but {@link toWords} cuts both into the same words and clauses.
 */
export function foldForWords(body: string): string {
  if (!NON_ASCII.test(body)) return body.toLowerCase();
  if (!hasUnsafeCharacter(body)) return body.replace(CURLY_APOSTROPHE, "'").toLowerCase();
  return foldLines(body);
}

/**
 * Folds a message body for keyword matching (DESIGN §3): Unicode NFKC (full-width letters become
 * ASCII), zero-width and other invisible format characters removed (BOM included), accents folded
 * (`ARRÊT` → `arret`), case folded to lower case, curly apostrophes made straight, surrounding
 * whitespace, punctuation, quotes and emoji stripped, inner whitespace (CRLF too) collapsed to one
 * space. Lone surrogates become U+FFFD. Never throws; idempotent.
 *
 * The result is for comparison, not for display: it drops combining marks of every script.
 *
 * @example
 * foldText('  ＳＴＯＰ!! 🛑 ') // 'stop'
 * foldText('Arrêt')          // 'arret'
 * foldText('Opt-Out\r\n')    // 'opt-out'
 */
export function foldText(body: string): string {
  const text = typeof body === 'string' ? body : '';
  return foldLines(text).replace(SURROUNDING_NON_WORD, '').replace(WHITESPACE_RUN, ' ');
}
