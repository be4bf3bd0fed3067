/**
 * An opt-out keyword with its reason right after it, a complaint about how many texts come: glued by
 * the textspeak digit for "too" (`Stop2manytexts`, `Quit2muchspam and no thanks`, `Stop2many!`), or
 * spelt out at the start of a clause (`Stop too many texts`, `Quit 2 many msgs`): the `keyword_reason`
 * rule. The keyword is the command and the rest says why; nothing in everyday talk glues a keyword to
 * "2many". The complaint must name the texts, or (glued) end its clause, so that "stop too many times"
 * and "stop2many times" (how often someone stopped) stay what they are; a glued tail must cut
 * completely into the words below, so that "stop2manyppl" is not read; a negation before it still
 * governs it ("don't stop2manytexts"). "2" followed by anything but a word of volume is "to"
 * ("stop2text you back"), a purpose, and is never read here.
 *
 * The other reason a keyword carries glued on is permanence, by the digit for "for": `Stop4good pls`,
 * `Unsubscribe4ever thank u`. That one only at the start of a clause, where the keyword is a command:
 * "I quit4good" is someone telling of their smoking. (A message that is nothing but `Stop4good` is
 * already an echo.)
 */

const TOO: ReadonlySet<string> = new Set(['2', 'too', 'to']);
const VOLUME: ReadonlySet<string> = new Set(['many', 'much']);
// What may follow the volume word: the texts themselves and the small words around them.
const AFTER_VOLUME: ReadonlySet<string> = new Set(
  [
    'texts txts msgs messages sms spam calls emails ads notifications alerts',
    'me us my of from you your ur these those the all',
  ]
    .join(' ')
    .split(' '),
);
const MESSAGES: ReadonlySet<string> = new Set(
  'texts txts msgs messages sms spam calls emails ads notifications alerts'.split(' '),
);
const PERMANENCE: ReadonlySet<string> = new Set(['ever', 'good']);
const GLUED = /(?<![^ ])([a-z]+)2([a-z]+)(?![^ ])/g;
// A keyword glued to permanence at the start of a clause: "stop4good", "unsubscribe4ever".
const GLUED_FOR = /(?:^|\| )([a-z]+)4([a-z]+)(?![^ ])/g;
const MAX_PIECE = 13;
const MAX_TAIL = 40;

/** The keyword and its reason found in `clauses`, with where they start, or `undefined`. */
export function findKeywordReason(
  clauses: string,
  optOut: ReadonlySet<string>,
): { readonly phrase: string; readonly index: number } | undefined {
  if (clauses.includes('4')) {
    GLUED_FOR.lastIndex = 0;
    for (let found = GLUED_FOR.exec(clauses); found !== null; found = GLUED_FOR.exec(clauses)) {
      const [, keyword = '', tail = ''] = found;
      if (!optOut.has(keyword) || !PERMANENCE.has(tail)) continue;
      const index = found.index + found[0].length - keyword.length - tail.length - 1;
      return { phrase: `${keyword}4${tail}`, index };
    }
  }
  // The cheap test first: every complaint about volume has a word of volume.
  if (!clauses.includes('many') && !clauses.includes('much')) return undefined;
  if (clauses.includes('2')) {
    GLUED.lastIndex = 0;
    for (let found = GLUED.exec(clauses); found !== null; found = GLUED.exec(clauses)) {
      const [word, keyword = '', tail = ''] = found;
      if (!optOut.has(keyword) || !isVolumeTail(tail)) continue;
      // Only the volume glued on: the texts must follow, or nothing in its clause.
      if (VOLUME.has(tail) && !standsAlone(wordAfter(clauses, found.index + word.length))) continue;
      return { phrase: word, index: found.index };
    }
  }
  let start = 0;
  for (const clause of clauses.split(' | ')) {
    const tokens = clause.split(' ');
    const [keyword = '', too = '', volume = '', next = ''] = tokens;
    if (optOut.has(keyword) && TOO.has(too) && VOLUME.has(volume) && MESSAGES.has(next)) {
      return { phrase: tokens.slice(0, 4).join(' '), index: start };
    }
    start += clause.length + 3;
  }
  return undefined;
}

/** The word of `clauses` after the space at `end`, `''` at the end. */
function wordAfter(clauses: string, end: number): string {
  const space = clauses.indexOf(' ', end + 1);
  return clauses.slice(end + 1, space < 0 ? undefined : space);
}

/** Whether a glued complaint followed by `next` stands: nothing after it in its clause, or the texts. */
function standsAlone(next: string): boolean {
  return next === '' || next === '|' || MESSAGES.has(next);
}

/** Whether `tail` is a word of volume followed by nothing but {@link AFTER_VOLUME} words: "manytexts". */
function isVolumeTail(tail: string): boolean {
  if (tail.length > MAX_TAIL) return false;
  for (const volume of VOLUME) {
    if (tail.startsWith(volume) && cuts(tail, volume.length)) return true;
  }
  return false;
}

/** Whether `text` from `start` cuts completely into {@link AFTER_VOLUME} words. */
function cuts(text: string, start: number): boolean {
  if (start === text.length) return true;
  for (let end = Math.min(text.length, start + MAX_PIECE); end > start; end--) {
    if (AFTER_VOLUME.has(text.slice(start, end)) && cuts(text, end)) return true;
  }
  return false;
}
