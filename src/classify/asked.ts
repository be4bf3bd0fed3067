import { toWords } from './words.js';

/** Question marks as people type them: ASCII, full-width, Arabic, the emoji and the interrobangs. */
const QUESTION_MARKS = '?？؟❓❔⁇⁈⁉‽';
const QUESTION_MARK = new RegExp(`[${QUESTION_MARKS}]`);
/**
 * A sentence and the run of marks that ends it. The two classes are disjoint, so the split is one
 * pass without backtracking whatever the text (a question found by scanning back from each mark was
 * quadratic on long texts without one).
 */
const SENTENCE = new RegExp(`[^.!\\n${QUESTION_MARKS}]+[.!\\n${QUESTION_MARKS}]*`, 'g');
/** Faces that laugh: with one, a one-word instruction may be a joke. (🙃 and 😉 are more often sarcasm.) */
const LAUGH = /😂|🤣|😆|😹/;

/**
 * The sentences of `unquoted` (the folded text, quoted lines dropped) that ask a question or laugh,
 * as folded words with a space at each end: a match is asked when one of them holds it (see
 * {@link isAsked}). "Delete?", "Delete!?", "Should I stop all contact?", "Blocked 😂"; a question in
 * another sentence does not count ("Stop all contact. Who is this?").
 */
export function askedSentences(unquoted: string): readonly string[] {
  const asked: string[] = [];
  for (const sentence of unquoted.match(SENTENCE) ?? []) {
    if (QUESTION_MARK.test(sentence) || LAUGH.test(sentence)) asked.push(` ${toWords(sentence).joined} `);
  }
  return asked;
}

/** Whether `words` (a match, folded words as the rules read them) lies in one of the `asked` sentences. */
export function isAsked(asked: readonly string[], words: string): boolean {
  const needle = ` ${words} `;
  return asked.some((sentence) => sentence.includes(needle));
}
