import { editDistance } from './alignment.js';
import { judgeFuzzy, squeeze } from './fuzzy.js';
import { keyboardDistance } from './keyboard.js';
import { splitOn } from './words.js';

/**
 * Instruction echoes: campaigns say "Reply Stop2End to stop", and people echo or mangle it
 * (`Cancel2Stop`, `end to stop`, `STOP=END`, `Quit 2 Stop`, `Quig2End`). Two different opt-out keywords
 * joined by a connector — a digit, `to`, or nothing once punctuation is gone — are an opt-out: the `echo`
 * rule. A digit joins even a misspelt keyword to a correct one; a lone keyword with a trailing digit
 * (`QUIT2`) is an echo when it is the whole message. Joined in one word (`stop2end`) or by a digit, the
 * echo counts wherever it stands; spelt out with spaces (`stop to end`), only as a clause of its own.
 * A message that is nothing but the echo may be mangled further: a half split off by a space
 * (`Quitr 2end`), the same keyword twice (`End2End`), a half typed with neighbouring keys (`Wyiy2End`,
 * `Quit2Wbd`), or a keyword glued by a digit to a stub of up to four letters (`Quit2Eg`): nobody
 * writes `keyword2xyz` for anything but the instruction, save textspeak for a time (`cancel2day`).
 */
export interface EchoKeywords {
  /** Folded single-word opt-out keywords. */
  readonly optOut: ReadonlySet<string>;
  /** The same, as a list for the fuzzy reading. */
  readonly optOutList: readonly string[];
  /** The first letters of `optOut`. */
  readonly initials: ReadonlySet<string>;
  /** Opt-in and help keywords, which a misspelt half must not be as close to. */
  readonly others: readonly string[];
}

const MAX_WINDOW = 4;
const HAS_DIGIT = /[0-9]/;
const SPELT_TO = /^([a-z]+?)to([a-z]+)$/;
// Short words that are one edit from END or QUIT but are just words: never a misspelt half.
const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  'and an any in on at it is to too the then than so go do no not'.split(' '),
);
const DIGIT_JOINED = /^([a-z]+)[0-9]+(?:to)?([a-z]*)[0-9]*$/;
// "Stopped to cancel": the first keyword inflected.
const INFLECTION = /^(?:ped|ted|ed)(?=to)/;
// Words before an echo that quote the instruction: "Type stop to end".
const INSTRUCTION: ReadonlySet<string> = new Set(['text', 'txt', 'reply', 'send', 'type']);
// `to` (also typed `tto`, `too`, `2to`) between two keywords.
const TO_CONNECTOR = /^(?:[0-9]*t+o+|[0-9]+)/;
const MAX_STUB = 4;
// Half edits a keyboard reading may spend: three slips to neighbouring keys.
const KEYBOARD_BUDGET = 1.5;
// Textspeak after a digit that makes "cancel2day" a time, not a mangled keyword.
const TEXTSPEAK: ReadonlySet<string> = new Set('day dae nite nyt moro mrw mro nd'.split(' '));

/** The echo in `clauses` (words of `toWords`), as its words, or `undefined`. */
export function findEcho(clauses: string, keywords: EchoKeywords): string | undefined {
  if (!mayEcho(clauses, keywords)) return undefined;
  const parts = splitOn(clauses, ' | ');
  for (const clause of parts) {
    const tokens = splitOn(clause, ' ');
    for (let start = 0; start < tokens.length; start++) {
      // Only windows that start with a keyword, hold a digit, or are the whole message can echo.
      const head = tokens[start] ?? '';
      const leading =
        keywords.initials.has(head.charAt(0)) &&
        keywords.optOutList.some((keyword) => head.startsWith(keyword));
      let digit = false;
      let text = '';
      for (let size = 1; size <= MAX_WINDOW && start + size <= tokens.length; size++) {
        const token = tokens[start + size - 1] ?? '';
        text += token;
        digit ||= HAS_DIGIT.test(token);
        const quoted = start === 1 && size === tokens.length - 1 && INSTRUCTION.has(tokens[0] ?? '');
        const whole = (size === tokens.length || quoted) && parts.length === 1;
        if (!(leading || digit || whole)) continue;
        const kind = echoKind(text, keywords, whole, size > 1, digit);
        if (kind === undefined) continue;
        if (kind === 'plain' && size > 1 && size !== tokens.length && !quoted) continue;
        return tokens.slice(start, start + size).join(' ');
      }
    }
  }
  return undefined;
}

/**
 * The cheap test first: an echo has a digit, or two keywords, or is a short message (where one half
 * may be misspelt).
 */
function mayEcho(clauses: string, keywords: EchoKeywords): boolean {
  if (HAS_DIGIT.test(clauses)) return true;
  let spaces = 0;
  for (
    let index = clauses.indexOf(' ');
    index >= 0 && spaces <= MAX_WINDOW;
    index = clauses.indexOf(' ', index + 1)
  ) {
    spaces++;
  }
  if (spaces < MAX_WINDOW) return true;
  let found = 0;
  for (const keyword of keywords.optOutList) {
    for (let index = clauses.indexOf(keyword); index >= 0; index = clauses.indexOf(keyword, index + 1)) {
      if (++found >= 2) return true;
    }
  }
  return false;
}

/** `digit` when joined by a digit, `plain` when by `to` or nothing; `hasDigit` whether `text` has one. */
function echoKind(
  text: string,
  keywords: EchoKeywords,
  whole: boolean,
  spaced: boolean,
  hasDigit: boolean,
): 'digit' | 'plain' | undefined {
  const digit = hasDigit ? DIGIT_JOINED.exec(text) : null;
  if (digit !== null) {
    const [, first = '', second = ''] = digit;
    if (second === '') return whole && isKeywordLike(first, keywords) ? 'digit' : undefined;
    const exactFirst = keywords.optOut.has(first);
    const exactSecond = keywords.optOut.has(second);
    if (exactFirst && exactSecond) return first !== second || whole ? 'digit' : undefined;
    // Across spaces, halves glued from several words are not read as misspellings, unless they are
    // the whole message.
    if (spaced && !whole) return undefined;
    const tolerance = whole ? 'lenient' : 'connected';
    if (exactFirst && isMisspelt(second, keywords, tolerance)) return 'digit';
    if (exactSecond && isMisspelt(first, keywords, tolerance)) return 'digit';
    // Both halves misspelt only in one word: across spaces that reads any two short words ("sure 3 can").
    if (
      whole &&
      !spaced &&
      isMisspelt(first, keywords, 'connected') &&
      isMisspelt(second, keywords, 'connected')
    ) {
      return 'digit';
    }
    if (whole && !spaced && ((exactFirst && isStub(second)) || (exactSecond && isStub(first)))) {
      return 'digit';
    }
    return undefined;
  }
  for (const first of keywords.optOutList) {
    if (!text.startsWith(first)) continue;
    let rest = text.slice(first.length).replace(INFLECTION, '');
    const connector = TO_CONNECTOR.exec(rest)?.[0];
    if (connector !== undefined && keywords.optOut.has(rest.slice(connector.length))) {
      rest = rest.slice(connector.length);
    }
    if (rest !== first && keywords.optOut.has(rest)) return 'plain';
    // Spelt out in a clause of its own, a misspelt half still echoes: "Stop to mend", and after a
    // connector even a short word typed for the keyword does: "Cancel to and".
    const half = rest.slice(connector?.length ?? 0);
    if (whole && isMisspelt(half, keywords, connector === undefined ? 'bare' : 'lenient')) {
      return 'plain';
    }
  }
  if (!whole) return undefined;
  const to = SPELT_TO.exec(text);
  const [, before = '', after = ''] = to ?? [];
  if (
    keywords.optOut.has(after) &&
    !keywords.optOut.has(before) &&
    isMisspelt(before, keywords, 'connected')
  ) {
    return 'plain';
  }
  return undefined;
}

function isKeywordLike(word: string, keywords: EchoKeywords): boolean {
  return keywords.optOut.has(word) || judgeFuzzy(word, keywords.optOutList, keywords.others).kind === 'clear';
}

/** A stub half: a few letters, not textspeak for a time. */
function isStub(word: string): boolean {
  return word.length <= MAX_STUB && !TEXTSPEAK.has(word);
}

/**
 * How far off a half may be: `connected` halves (joined by a digit or `to`) may be further off than
 * `bare` ones, and `lenient` ones (the whole message is the echo, with its connector) may be short
 * function words typed for the keyword ("Cancel to and").
 */
type Tolerance = 'bare' | 'connected' | 'lenient';

/**
 * Next to a correct keyword, a half may be further off than a word alone: one edit from any keyword,
 * everyday words included ("Shop2End", "Quit2bend"); with a connector, two from one of four letters
 * or more ("Wuut2End"), a slip to a neighbouring key counting half ("Wyiy2End", "Quit2Wbd"). Short
 * function words ("and", "on") are words, not slips, unless the tolerance is `lenient`.
 */
function isMisspelt(word: string, keywords: EchoKeywords, tolerance: Tolerance): boolean {
  if (
    word.length < 2 ||
    (tolerance !== 'lenient' && FUNCTION_WORDS.has(word)) ||
    keywords.others.some((other) => editDistance(word, other, 1) <= 1)
  )
    return false;
  const squeezed = squeeze(word);
  return keywords.optOutList.some((keyword) => {
    const allowed = tolerance !== 'bare' && keyword.length >= 4 && word.length >= 3 ? 2 : 1;
    // Read by keys, two edits shrink to three neighbouring slips: "ago" (two slips and a dropped
    // letter from STOP, 2) stays a word.
    const byKeys = Math.min(allowed, KEYBOARD_BUDGET);
    return (
      editDistance(squeezed, keyword, allowed) <= allowed ||
      keyboardDistance(squeezed, keyword, byKeys) <= byKeys ||
      keyboardDistance(word, keyword, 1) <= 1
    );
  });
}
