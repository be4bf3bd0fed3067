import { judgeFuzzy } from './fuzzy.js';

/**
 * Instruction echoes: campaigns say "Reply Stop2End to stop", and people echo or mangle it
 * (`Cancel2Stop`, `end to stop`, `STOP=END`, `Quit 2 Stop`, `Quir2End`). Two different opt-out keywords
 * joined by a connector — a digit, `to`, or nothing once punctuation is gone — are an opt-out: the `echo`
 * rule. A digit joins even a misspelt keyword to a correct one; a lone keyword with a trailing digit
 * (`QUIT2`) is an echo when it is the whole message. Joined in one word (`stop2end`) or by a digit, the
 * echo counts wherever it stands; spelt out with spaces (`stop to end`), only as a clause of its own.
 */
export interface EchoKeywords {
  /** Folded single-word opt-out keywords. */
  readonly optOut: ReadonlySet<string>;
  /** The same, as a list for the fuzzy reading. */
  readonly optOutList: readonly string[];
  /** Opt-in and help keywords, which a misspelt half must not be as close to. */
  readonly others: readonly string[];
}

const MAX_WINDOW = 3;
const DIGIT_JOINED = /^([a-z]+)([0-9])([a-z]*)$/;

/** The echo in `clauses` (words of `toWords`), as its words, or `undefined`. */
export function findEcho(clauses: string, keywords: EchoKeywords): string | undefined {
  const parts = clauses.split(' | ');
  for (const clause of parts) {
    const tokens = clause.split(' ');
    for (let start = 0; start < tokens.length; start++) {
      for (let size = 1; size <= MAX_WINDOW && start + size <= tokens.length; size++) {
        const window = tokens.slice(start, start + size);
        const whole = size === tokens.length && parts.length === 1;
        const spaced = size > 1;
        const kind = echoKind(window.join(''), keywords, whole);
        if (kind === undefined) continue;
        if (kind === 'plain' && spaced && size !== tokens.length) continue;
        return window.join(' ');
      }
    }
  }
  return undefined;
}

/** `digit` when joined by a digit, `plain` when by `to` or nothing. */
function echoKind(text: string, keywords: EchoKeywords, whole: boolean): 'digit' | 'plain' | undefined {
  const digit = DIGIT_JOINED.exec(text);
  if (digit !== null) {
    const [, first = '', , second = ''] = digit;
    if (second === '') return whole && keywords.optOut.has(first) ? 'digit' : undefined;
    const exactFirst = keywords.optOut.has(first);
    const exactSecond = keywords.optOut.has(second);
    if (exactFirst && exactSecond) return first === second ? undefined : 'digit';
    if (exactFirst && isMisspelt(second, keywords)) return 'digit';
    if (exactSecond && isMisspelt(first, keywords)) return 'digit';
    return undefined;
  }
  for (const first of keywords.optOut) {
    if (!text.startsWith(first)) continue;
    let rest = text.slice(first.length);
    if (rest.startsWith('to') && keywords.optOut.has(rest.slice(2))) rest = rest.slice(2);
    if (rest !== first && keywords.optOut.has(rest)) return 'plain';
  }
  return undefined;
}

function isMisspelt(word: string, keywords: EchoKeywords): boolean {
  if (word.length < 3) return false;
  const verdict = judgeFuzzy(word, keywords.optOutList, keywords.others);
  if (verdict.kind === 'clear') return true;
  // A three-letter keyword ("end") one letter off, next to a digit and a keyword: "Quit2Ebd".
  return keywords.optOutList.some(
    (keyword) => keyword.length === 3 && word.length === 3 && differsByOne(word, keyword),
  );
}

function differsByOne(a: string, b: string): boolean {
  let differences = 0;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) differences++;
  return differences === 1;
}
