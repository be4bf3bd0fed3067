import { toWords } from './words.js';

/** Question marks as people type them: ASCII, full-width, Arabic, the emoji and the interrobangs. */
const QUESTION_MARKS = '?？؟❓❔⁇⁈⁉‽';
/** A sentence that is a question: the text since the last sentence end, up to its question mark. */
const QUESTION = new RegExp(`[^.!\\n${QUESTION_MARKS}]*[${QUESTION_MARKS}]`, 'g');
/** Faces that laugh, wink or play dead laughing: with one, a one-word instruction may be a joke. */
const JOKE = /😂|🤣|😆|😅|😹|😜|😝|😛|😉|🙃|💀/;

/**
 * Whether a match (`words`, folded words as the rules read them) is asked or laughed off in
 * `unquoted` (the folded text, quoted lines dropped): the sentence that holds it is a question
 * ("Delete?", "Should I stop all contact?"), or the text laughs ("Blocked 😂"). A question in
 * another sentence does not count ("Stop all contact. Who is this?").
 */
export function isAskedOrJoked(unquoted: string, words: string): boolean {
  if (JOKE.test(unquoted)) return true;
  QUESTION.lastIndex = 0;
  for (let found = QUESTION.exec(unquoted); found !== null; found = QUESTION.exec(unquoted)) {
    if (` ${toWords(found[0]).joined} `.includes(` ${words} `)) return true;
  }
  return false;
}
