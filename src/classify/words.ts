/** Marks a clause break (sentence punctuation, comma, line break) in `Words.clauses`. */
export const CLAUSE_BREAK = '|';

/** A folded message cut into words, the form keyword sets and phrases are matched against. */
export interface Words {
  /** Every word in order, punctuation and emoji dropped: `opt-out!` → `opt out`. */
  readonly joined: string;
  /** The words again, with ` | ` between clauses: `stop | who is this`. */
  readonly clauses: string;
}

const QUOTED_LINE = /^[ \t]*>.*$/gm;
const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;
const NON_ASCII = /[\u0080-\uFFFF]/;
// Besides ¡ ¿: punctuation that NFKC turns into clause punctuation (‼ → !!), so that a text read
// without normalising (see foldForWords) cuts where its normalised form would.
const UNICODE_BREAKS: ReadonlySet<number> = new Set([
  0xa1, 0xbf, 0x2024, 0x2025, 0x2026, 0x203c, 0x2047, 0x2048, 0x2049, 0x2a74,
]);
const APOSTROPHE = 0x27;

/**
 * `text.split(separator)`, without a split when `separator` does not occur: most clauses the `reasonable`
 * rules look at are one clause, often of one word, and a split costs about ten times the search.
 */
export function splitOn(text: string, separator: string): string[] {
  return text.includes(separator) ? text.split(separator) : [text];
}

/** Drops quoted reply lines (`> Reply STOP to opt out`): words the sender did not write. */
export function dropQuotedLines(folded: string): string {
  return folded.includes('>') ? folded.replace(QUOTED_LINE, '') : folded;
}

/**
 * Cuts folded text into words (letters and digits; an apostrophe between two of them stays: `don't`)
 * and clauses (split at `. ! ? ; : ,`, line breaks, `¡ ¿ |`). Everything else separates words.
 */
export function toWords(folded: string): Words {
  if (!NON_ASCII.test(folded)) return asciiWords(folded);
  const words: string[] = [];
  let clauses = '';
  let pendingBreak = false;
  let start = -1;
  const length = folded.length;
  for (let index = 0; index <= length; ) {
    const code = index < length ? folded.charCodeAt(index) : 0x20;
    const width = code >= 0xd800 && code <= 0xdbff && index + 1 < length ? 2 : 1;
    const kind = classify(folded, index, code, width);
    if (kind === WORD || (kind === INNER_APOSTROPHE && start >= 0)) {
      if (start < 0) start = index;
    } else {
      if (start >= 0) {
        const word = folded.slice(start, index);
        if (clauses.length > 0) clauses += pendingBreak ? ` ${CLAUSE_BREAK} ` : ' ';
        clauses += word;
        words.push(word);
        pendingBreak = false;
        start = -1;
      }
      if (kind === BREAK && words.length > 0) pendingBreak = true;
    }
    index += width;
  }
  return { joined: words.join(' '), clauses };
}

/**
 * {@link toWords} of ASCII text in one pass: words are runs of lower-case letters and digits (an
 * apostrophe between two of them included), and the gap between two words is a clause break when it
 * holds clause punctuation. Gaps before the first word and after the last are dropped.
 */
function asciiWords(text: string): Words {
  let joined = '';
  let clauses = '';
  let start = -1;
  let pendingBreak = false;
  const length = text.length;
  for (let index = 0; index <= length; index++) {
    const code = index < length ? text.charCodeAt(index) : 0x20;
    if (isAsciiWordCharacter(code) || (code === APOSTROPHE && start >= 0 && isAsciiWordAt(text, index + 1))) {
      if (start < 0) start = index;
      continue;
    }
    if (start >= 0) {
      const word = text.slice(start, index);
      if (joined.length > 0) {
        joined += ' ';
        clauses += pendingBreak ? ` ${CLAUSE_BREAK} ` : ' ';
      }
      joined += word;
      clauses += word;
      pendingBreak = false;
      start = -1;
    }
    if (isAsciiBreak(code)) pendingBreak = true;
  }
  return { joined, clauses };
}

// a-z and 0-9: folded text has no capitals.
function isAsciiWordCharacter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39);
}

function isAsciiWordAt(text: string, index: number): boolean {
  return index < text.length && isAsciiWordCharacter(text.charCodeAt(index));
}

const WORD = 0;
const INNER_APOSTROPHE = 1;
const BREAK = 2;
const SEPARATOR = 3;

function classify(text: string, index: number, code: number, width: number): number {
  if (code < 0x80) {
    if ((code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a)) {
      return WORD;
    }
    if (code === APOSTROPHE) return isWordAt(text, index + 1) ? INNER_APOSTROPHE : SEPARATOR;
    return isAsciiBreak(code) ? BREAK : SEPARATOR;
  }
  if (UNICODE_BREAKS.has(code)) return BREAK;
  return LETTER_OR_NUMBER.test(text.slice(index, index + width)) ? WORD : SEPARATOR;
}

function isWordAt(text: string, index: number): boolean {
  if (index >= text.length) return false;
  const code = text.charCodeAt(index);
  return classify(text, index, code, code >= 0xd800 && code <= 0xdbff ? 2 : 1) === WORD;
}

// . ! ? ; : , line feed, carriage return and |
function isAsciiBreak(code: number): boolean {
  return (
    code === 0x2e ||
    code === 0x21 ||
    code === 0x3f ||
    code === 0x3b ||
    code === 0x3a ||
    code === 0x2c ||
    code === 0x0a ||
    code === 0x0d ||
    code === 0x7c
  );
}
