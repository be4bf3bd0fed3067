import { editDistance } from './alignment.js';
import { isSlidTyping } from './keyboard.js';

/**
 * Misspelt keywords standing alone ("Qiut", "Unsubsribe", "Sotp", "Xtop", "Quiiit"): the `fuzzy` rule.
 * A word is a clear misspelling of a keyword of four or more letters when it is one edit away (a letter
 * inserted, dropped, replaced or two neighbours swapped), or the same once doubled letters are squeezed;
 * keywords of nine or more letters ("unsubscribe") allow two edits, shorter keywords ("end") only the
 * doubled letters ("Enddd"), and so does a hand that slid one
 * key to the same side for two letters ("Stio" for STOP; see `isSlidTyping`). Words that are everyday
 * English and could be the whole reply ("step", "shop", "quiet") are never guesses, and neither is a
 * word as close to an opt-in or help keyword, nor the keyword's own opposite: "subscribe" and
 * "resubscribe" are not a misspelt "unsubscribe" (two edits, both on its negating prefix). The past
 * tense of STOP or UNSUBSCRIBE alone ("Stopped") counts too: the person says it is done. A word two
 * edits from a short keyword, or the unfinished start of one ("St", at least half of it), is only
 * flagged for review.
 */

/**
 * Everyday words within reach of an opt-out keyword that make sense as a whole reply. Words that do
 * not ("quite", "stoop", "quiz" sent alone) are read as the misspelling they most likely are.
 */
const EVERYDAY: ReadonlySet<string> = new Set(
  'step steps shop shops top tops spot stay stat stir stops quiet quits cancer candle'.split(' '),
);
// Words that are a keyword with a letter doubled: "Stoop please" is about the porch.
const DOUBLED_WORDS: ReadonlySet<string> = new Set(['stoop']);
const LONG_KEYWORD = 9;
// A keyword that negates a word of its own: "unsubscribe" is "subscribe" undone.
const NEGATED = /^un([a-z]{4,})$/;
// "Stopped", "Unsubscribed": said alone, the person reports having done what they ask.
const INFLECTED = /^(stop|unsubscribe|optout|quit)(?:ped|ted|d|ed)$/;
// Digits typed for the letters they look like: `ST0P`.
const LOOKALIKE: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '5': 's' };
const MIN_KEYWORD = 4;
// Starts of keywords that are words of their own, never an unfinished keyword.
const PREFIX_WORDS: ReadonlySet<string> = new Set(['can']);

/** How a word relates to the opt-out keywords. */
export type FuzzyVerdict =
  | { readonly kind: 'clear'; readonly keyword: string }
  | { readonly kind: 'weak' }
  | { readonly kind: 'none' };

const NO_MATCH: FuzzyVerdict = Object.freeze({ kind: 'none' });
const WEAK: FuzzyVerdict = Object.freeze({ kind: 'weak' });

/**
 * Judges one folded word against `optOut` keywords (folded, single words) and `others` (opt-in and help
 * keywords, which a guess must not be as close to).
 */
export function judgeFuzzy(
  typed: string,
  optOut: readonly string[],
  others: readonly string[],
): FuzzyVerdict {
  // The keyword-clause and fuzzy rules judge the same word of a one-word message in turn.
  if (typed === last.typed && optOut === last.optOut && others === last.others) return last.verdict;
  const verdict = judge(typed, optOut, others);
  last = { typed, optOut, others, verdict };
  return verdict;
}

let last: {
  readonly typed: string;
  readonly optOut: readonly string[];
  readonly others: readonly string[];
  readonly verdict: FuzzyVerdict;
} = { typed: '', optOut: [], others: [], verdict: NO_MATCH };

function judge(typed: string, optOut: readonly string[], others: readonly string[]): FuzzyVerdict {
  const word = withLetters(typed);
  if (word.length < 2 || word.length > 16 || !/^[a-z]+$/.test(word) || EVERYDAY.has(word)) return NO_MATCH;
  if (
    others.some(
      (other) =>
        other.length >= MIN_KEYWORD &&
        Math.abs(other.length - word.length) <= 1 &&
        editDistance(word, other, 1) <= 1,
    )
  ) {
    return NO_MATCH;
  }
  const inflected = INFLECTED.exec(word);
  if (inflected !== null && optOut.includes(inflected[1] ?? ''))
    return { kind: 'clear', keyword: inflected[1] ?? '' };
  let weak = false;
  const squeezed = squeeze(word);
  // A shorter keyword is too near everyday words for an edit, but a doubled letter is only a stutter
  // of it: "Enddd", "Eend".
  if (squeezed !== word && squeezed.length < MIN_KEYWORD && optOut.includes(squeezed)) {
    return { kind: 'clear', keyword: squeezed };
  }
  for (const { keyword, squeezed: squeezedKeyword, base } of prepared(optOut)) {
    const near = Math.abs(keyword.length - squeezed.length) <= 2;
    const allowed = keyword.length >= LONG_KEYWORD ? 2 : 1;
    const clear =
      squeezed === squeezedKeyword ||
      (near && editDistance(word, keyword, allowed) <= allowed) ||
      isSlidTyping(word, keyword);
    if (
      !clear &&
      !isTruncation(word, keyword) &&
      !(near && word.length >= 3 && editDistance(squeezed, keyword, 2) <= 2)
    ) {
      continue;
    }
    // Only a word within reach is asked whether it is the keyword's opposite (the dearer test).
    if (base !== undefined && isOpposite(word, keyword, base)) continue;
    if (clear) return { kind: 'clear', keyword };
    weak = true;
  }
  return weak ? WEAK : NO_MATCH;
}

/**
 * Whether `typed`, judged a clear misspelling of `keyword`, is a slip of the fingers that makes no
 * word: neighbouring letters swapped ("sotp"), letters doubled ("stooop"), digits for letters
 * ("st0p"), no vowel left ("stp"), or a long keyword ("unsubscibe"). Beside other words ("Sotp please") only such a slip is read as the
 * keyword: a letter replaced, added or dropped makes everyday words and names ("Quite thanks", "Quiz
 * please", "Hi Quin"), and "Stopped thanks" may say the texts stopped.
 */
export function isTypingSlip(typed: string, keyword: string): boolean {
  const word = withLetters(typed);
  if (DOUBLED_WORDS.has(word)) return false;
  if (keyword.length >= LONG_KEYWORD || squeeze(word) === squeeze(keyword)) return true;
  // A dropped vowel leaves no word: "stp", "stpp".
  if (!/[aeiouy]/.test(word) && /[aeiouy]/.test(keyword)) return true;
  if (word.length !== keyword.length) return false;
  let first = 0;
  while (first < word.length && word[first] === keyword[first]) first++;
  return (
    first + 1 < word.length &&
    word[first] === keyword[first + 1] &&
    word[first + 1] === keyword[first] &&
    word.slice(first + 2) === keyword.slice(first + 2)
  );
}

/** `typed` with digits next to letters read as the letters they look like: `st0p` → `stop`. */
function withLetters(typed: string): string {
  return /[a-z][0-9]|[0-9][a-z]/.test(typed)
    ? typed.replace(/[0135]/g, (digit) => LOOKALIKE[digit] ?? digit)
    : typed;
}

/** A keyword of at least {@link MIN_KEYWORD} letters as the loop reads it, worked out once per list. */
interface PreparedKeyword {
  readonly keyword: string;
  readonly squeezed: string;
  /** What the keyword negates ("subscribe" for "unsubscribe"), if it is a negation. */
  readonly base: string | undefined;
}

// Keyword lists are compiled once per classifier, so their preparation is kept by list.
const preparedLists = new WeakMap<readonly string[], readonly PreparedKeyword[]>();

function prepared(optOut: readonly string[]): readonly PreparedKeyword[] {
  let list = preparedLists.get(optOut);
  if (list === undefined) {
    list = optOut
      .filter((keyword) => keyword.length >= MIN_KEYWORD)
      .map((keyword) => ({ keyword, squeezed: squeeze(keyword), base: NEGATED.exec(keyword)?.[1] }));
    preparedLists.set(optOut, list);
  }
  return list;
}

/**
 * Whether `word` is nearer to `keyword` with its negating prefix dropped (`base`) or turned around
 * ("subscribe", "resubscribe" for "unsubscribe") than to the keyword itself: the opposite request,
 * never a guess at it. A dropped letter of the prefix ("usubscribe") is as near to both, and stays one.
 */
function isOpposite(word: string, keyword: string, base: string): boolean {
  const toOpposite = Math.min(editDistance(word, base, 1), editDistance(word, `re${base}`, 1));
  return toOpposite <= 1 && toOpposite < editDistance(word, keyword, 2);
}

/**
 * Whether `word` is the start of `keyword`, at least half of it, sent before it was finished ("St",
 * "Canc"), and not a word of its own ("can").
 */
function isTruncation(word: string, keyword: string): boolean {
  return (
    word.length < keyword.length &&
    word.length * 2 >= keyword.length &&
    keyword.startsWith(word) &&
    !PREFIX_WORDS.has(word)
  );
}

/** Runs of one letter squeezed to one: `quiiit` → `quit`, `stopall` → `stopal`. */
export function squeeze(word: string): string {
  if (!hasDoubledLetter(word)) return word;
  let result = '';
  for (let index = 0; index < word.length; index++) {
    if (word[index] !== word[index - 1]) result += word[index];
  }
  return result;
}

function hasDoubledLetter(word: string): boolean {
  for (let index = 1; index < word.length; index++) {
    if (word.charCodeAt(index) === word.charCodeAt(index - 1)) return true;
  }
  return false;
}
