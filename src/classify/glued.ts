import type { Words } from './words.js';

/**
 * Words typed without spaces: a hashtag, a made-up address, a thumb that missed the space bar
 * ("stoptextingme", "#StopTexting", "Stopmessagingme.org", "removeme"). A word that starts with a
 * command and splits completely into words of requests ("stop" "calling" "me") is read as those words,
 * so the phrase rules see "stop calling me". The start must be a prefilter anchor (so the hot path
 * still passes the body), and every piece must come from the small vocabulary below: an ordinary word
 * that merely starts with "end" or "stop" ("endless", "stopwatch") never splits.
 */

const HEADS: readonly string[] = ['stop', 'quit', 'unsubscribe', 'remove', 'delete', 'cancel', 'end', 'opt'];
const PIECES: ReadonlySet<string> = new Set(
  [
    'me us my this that these them your the all any more anymore now please pls plz',
    'number phone cell from off out of list lists contact',
    'texting txting messaging msging calling emailing sending spamming contacting bothering',
    'texts text txts messages message msgs sms calls emails spam subscription',
  ]
    .join(' ')
    .split(' '),
);
const MIN_GLUED = 6;
const MAX_GLUED = 40;
const MAX_PIECE = 12;
const LETTERS = /^[a-z]+$/;
// What every glued word has: a head with a letter after it, at the start of a word.
const GLUED_START = new RegExp(`(?<![^ ])(?:${HEADS.join('|')})[a-z]`);

/**
 * `words` with every glued word split (see the module comment), or `words` itself when none is. Words
 * that are keywords as they stand (`optout`, `stopall`) are left whole.
 */
export function splitGluedWords(words: Words, isKeyword: (word: string) => boolean): Words {
  if (!GLUED_START.test(words.joined)) return words;
  if (!words.joined.split(' ').some((word) => isGlued(word) && !isKeyword(word))) return words;
  return { joined: splitWords(words.joined, isKeyword), clauses: splitWords(words.clauses, isKeyword) };
}

// A module function, not a closure per call: the hot path runs this for every message it reads.
function splitWords(text: string, isKeyword: (word: string) => boolean): string {
  return text
    .split(' ')
    .map((word) => (isGlued(word) && !isKeyword(word) ? (segment(word) ?? word) : word))
    .join(' ');
}

function isGlued(word: string): boolean {
  return (
    word.length >= MIN_GLUED &&
    word.length <= MAX_GLUED &&
    LETTERS.test(word) &&
    HEADS.some((head) => word.startsWith(head)) &&
    segment(word) !== undefined
  );
}

/** `word` cut into a head and pieces, spaced, or `undefined` when it does not cut completely. */
function segment(word: string): string | undefined {
  for (const head of HEADS) {
    if (!word.startsWith(head) || word.length === head.length) continue;
    const pieces = cutIntoPieces(word, head.length, new Set());
    if (pieces !== undefined) return [head, ...pieces].join(' ');
  }
  return undefined;
}

/**
 * `text` from `start` cut into pieces of {@link PIECES}, longest first at each point, or `undefined`.
 * `failed` remembers the offsets that cannot be cut, so the search stays linear in practice.
 */
function cutIntoPieces(text: string, start: number, failed: Set<number>): string[] | undefined {
  if (start === text.length) return [];
  if (failed.has(start)) return undefined;
  for (let end = Math.min(text.length, start + MAX_PIECE); end >= start + 2; end--) {
    const piece = text.slice(start, end);
    if (!PIECES.has(piece)) continue;
    const rest = cutIntoPieces(text, end, failed);
    if (rest !== undefined) return [piece, ...rest];
  }
  failed.add(start);
  return undefined;
}
