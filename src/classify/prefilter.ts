import { alternation, byLiteralStart, escapeRegExp, rawSource } from './regex.js';
import { safeCharacterWidth } from './safe-characters.js';
import type { Policy } from './types.js';

/** What the hot-path prefilter of one classifier is compiled from (all in folded words). */
export interface PrefilterInput {
  readonly policy: Exclude<Policy, 'carrier'>;
  /** Every text that can match as a whole message or clause: keywords, ambiguous messages. */
  readonly standalone: readonly string[];
  /** `reasonable` only: see `PhraseSet.anchors`; sources, so custom words come escaped. */
  readonly anchorWords: readonly string[];
  readonly anchorPairs: readonly string[];
  /** `reasonable` only: characters that alone make a message ambiguous (`STOP_EMOJI`). */
  readonly reviewCharacters: readonly string[];
  /**
   * `reasonable` only: a short reply (see {@link isShortReply}) always takes the slow path, since the
   * fuzzy and echo rules read misspelt keywords that no anchor can list ("Qiut", "Sxop2end", "Sotp pls").
   */
  readonly singleWords: boolean;
  /**
   * `reasonable` only: courtesy words and phrases (`thanks`, `thank you`, `ok`). A body of nothing but
   * these, none of them a word of a keyword, is `none` however it is read (see `courtesyOnlyShape`).
   */
  readonly courtesy: readonly string[];
  /** Every keyword, folded: courtesy words that are also words of a keyword never skip. */
  readonly keywords: readonly string[];
}

const SINGLE_WORD_LENGTH = 24;
// Up to three ASCII words: a misspelt keyword with a digit ("Sotp 2") or courtesy words ("Sotp please").
const MAX_RUNS = 3;

const ASCII_WORD = /^[a-z0-9']+$/;
const NON_ASCII_OR_QUOTE = '[\\u0080-\\uFFFF>]';
const APOSTROPHE = 0x27;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
// Hashes are cut to 30 bits so that V8 keeps them as small integers: no allocation, fast set lookups.
const SMALL_INTEGER = 0x3fffffff;

/**
 * Compiles the hot-path prefilter: a function that is false only when the full classification would
 * certainly be `none` without review, deciding ordinary messages with one native regular-expression
 * scan and no folding. It says true when
 * - the first word is a word of some standalone text (keyword, ambiguous message) and so is every
 *   other word (one anchored expression over single words, linear time);
 * - under `reasonable`, an anchor word or pair begins somewhere (see `PhraseSet.anchors`);
 * - there is a quoted line marker (`>`), a non-ASCII character that folding could turn into letters,
 *   or (under `reasonable`) a stop-sign emoji.
 * Apostrophes may be straight or curly, as folding makes them straight.
 */
export function compilePrefilter(input: PrefilterInput): (body: string) => boolean {
  const standaloneWords = new Set(input.standalone.flatMap((text) => text.split(' ')));
  const standaloneHashes = new Set([...standaloneWords].map(hashWord));
  const shapeWord = alternation(
    [...standaloneWords].filter((word) => ASCII_WORD.test(word)),
    rawSource,
  );
  const shape = new RegExp(`^[^a-z0-9]*${shapeWord}(?:[^a-z0-9]+${shapeWord})*[^a-z0-9]*$`, 'i');
  const anchors = anchorSource(input.anchorWords, input.anchorPairs);
  // One scan finds anchors, quote markers and non-ASCII characters; `lastIndex` tells which it was.
  const hot = new RegExp(
    anchors === undefined ? NON_ASCII_OR_QUOTE : `${NON_ASCII_OR_QUOTE}|\\b${anchors}`,
    'gi',
  );
  const reviewPoints = new Set(input.reviewCharacters.map((character) => character.codePointAt(0)));
  const singleWords = input.singleWords;
  const keywordWords = new Set(input.keywords.flatMap((keyword) => keyword.split(' ')));
  const courtesy = input.courtesy.filter(
    (item) =>
      ASCII_WORD.test(item.replaceAll(' ', '')) && !item.split(' ').some((word) => keywordWords.has(word)),
  );
  const courtesyHashes = new Set(courtesy.map((item) => hashWord(item.split(' ')[0] ?? '')));
  const courtesyOnly = courtesyOnlyShape(courtesy);
  return (body) => {
    const first = firstWordHash(body);
    // A body of courtesy words alone has the shape of a standalone text, or is one short word: only
    // those are looked at again, so that ordinary messages starting with "ok" or "hey" pay nothing.
    if ((singleWords && isShortReply(body)) || (standaloneHashes.has(first) && shape.test(body))) {
      return !(courtesyHashes.has(first) && courtesyOnly?.test(body));
    }
    hot.lastIndex = 0;
    while (hot.test(body)) {
      const index = hot.lastIndex - 1;
      if (body.charCodeAt(index) < 0x80) return true;
      // A non-ASCII character came first: fine if safe and not a stop sign; then scan on after it.
      const width = safeCharacterWidth(body, index);
      if (width === 0 || reviewPoints.has(body.codePointAt(index))) return true;
      hot.lastIndex = index + width;
    }
    return false;
  };
}

/**
 * An expression for a raw body made of nothing but courtesy `items` ("Thank you!!", "ok thanks"), or
 * `undefined` when there are none. Between items any run of ASCII characters that are neither letters,
 * digits nor apostrophes; inside an item exactly one space. Such a body is read as clauses of courtesy
 * only, which the `reasonable` policy drops before any rule, and it is no keyword (its words are none):
 * `none` without review. A stop sign, a quote marker or any non-ASCII character makes it not match.
 */
function courtesyOnlyShape(items: readonly string[]): RegExp | undefined {
  if (items.length === 0) return undefined;
  const item = alternation(items);
  const gap = "[^a-z0-9'\\u0080-\\uFFFF>]";
  return new RegExp(`^${gap}*${item}(?:${gap}+${item})*${gap}*$`, 'i');
}

/** Anchor words and pairs (the second words of a pair grouped) as one alternation by literal start. */
function anchorSource(words: readonly string[], pairs: readonly string[]): string | undefined {
  const seconds = new Map<string, string[]>();
  for (const pair of pairs) {
    const [first = '', second = ''] = pair.split(' ');
    seconds.set(first, [...(seconds.get(first) ?? []), second]);
  }
  const sources = [
    ...words.map(rawSource),
    ...[...seconds].map(
      ([first, rest]) => `${rawSource(escapeRegExp(first))}[^a-z0-9]+${alternation(rest, rawSource)}`,
    ),
  ];
  return sources.length === 0 ? undefined : byLiteralStart(sources);
}

/**
 * The hash of the first word of a raw body as folding would spell it (ASCII lower case, inner straight
 * or curly apostrophes straight), computed without allocating. Collisions only cost a shape test.
 */
function firstWordHash(body: string): number {
  const length = body.length;
  let index = 0;
  while (index < length && !isAsciiAlphanumeric(body.charCodeAt(index))) index++;
  let hash = FNV_OFFSET;
  for (; index < length; index++) {
    const code = body.charCodeAt(index);
    if (isAsciiAlphanumeric(code)) {
      hash = Math.imul(hash ^ (code >= 0x41 && code <= 0x5a ? code + 0x20 : code), FNV_PRIME);
    } else if (isApostrophe(code) && index + 1 < length && isAsciiAlphanumeric(body.charCodeAt(index + 1))) {
      hash = Math.imul(hash ^ APOSTROPHE, FNV_PRIME);
    } else {
      break;
    }
  }
  return hash & SMALL_INTEGER;
}

/** {@link firstWordHash} of a folded word. */
function hashWord(word: string): number {
  let hash = FNV_OFFSET;
  for (let index = 0; index < word.length; index++)
    hash = Math.imul(hash ^ word.charCodeAt(index), FNV_PRIME);
  return hash & SMALL_INTEGER;
}

/**
 * Whether `body` is a short reply: at most {@link SINGLE_WORD_LENGTH} code units once trimmed, with at
 * most {@link MAX_RUNS} runs of ASCII letters and digits ("Sotp", "Sotp 2", "Sotp please"). The fuzzy
 * and echo rules read such a reply whole, so the prefilter always passes it; `classifyReasonably`
 * reads a misspelling with courtesy words around it only in such a reply, so the two always agree.
 */
export function isShortReply(body: string): boolean {
  if (body.length > SINGLE_WORD_LENGTH * 2) return false;
  let start = 0;
  let end = body.length;
  while (start < end && body.charCodeAt(start) <= 0x20) start++;
  while (end > start && body.charCodeAt(end - 1) <= 0x20) end--;
  if (end - start > SINGLE_WORD_LENGTH) return false;
  let runs = 0;
  let inside = false;
  for (let index = start; index < end; index++) {
    const alphanumeric = isAsciiAlphanumeric(body.charCodeAt(index));
    if (alphanumeric && !inside && ++runs > MAX_RUNS) return false;
    inside = alphanumeric;
  }
  return true;
}

function isApostrophe(code: number): boolean {
  return code === APOSTROPHE || code === 0x2018 || code === 0x2019 || code === 0x201b;
}

function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39);
}
