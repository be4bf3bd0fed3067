const LOWER = /[a-z]/;
// A capital that does not open the text or a sentence, and is not the pronoun "I".
const INNER_CAPITAL =
  /(?<![.!?\n]\s*|^\s*|^[^A-Za-z]*)(?<![A-Za-z])(?!I(?![A-Za-z]))[A-Z]|(?<=[A-Za-z])[A-Z]/;

/**
 * Whether `body` is written in mixed case: lower-case letters and a capital that is not just the one a
 * sentence starts with ("Not bernadette" is written in one case, "I'm not Amy" in mixed case). Rules
 * that read capitals as signals (a name, a keyword shouted) use them only in mixed-case messages.
 */
export function isMixedCase(body: string): boolean {
  return LOWER.test(body) && INNER_CAPITAL.test(body);
}
