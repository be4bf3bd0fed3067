import { ConsentError } from '../errors.js';

const SPECIAL = /[.*+?^${}()|[\]\\]/g;
const ANCHOR_SYNTAX = /[ ']/g;

/** `text` as a regular expression that matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(SPECIAL, '\\$&');
}

/**
 * An alternation of literal `words`, longest first (so `stopall` is tried before `stop`), each turned
 * into a source by `toSource` after escaping.
 */
export function alternation(words: Iterable<string>, toSource: (escaped: string) => string = String): string {
  const sorted = [...new Set(words)].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  return `(?:${sorted.map((word) => toSource(escapeRegExp(word))).join('|')})`;
}

/**
 * A source written over folded words (`don't text`) made to match raw text instead: a space becomes
 * any run of separators, an apostrophe an optional straight or curly one.
 */
export function rawSource(source: string): string {
  return source.replace(ANCHOR_SYNTAX, (char) => (char === ' ' ? '[^a-z0-9]+' : "['\\u2018\\u2019\\u201B]?"));
}

/**
 * One alternation of `sources` grouped by their first (literal, lower-case) character, so that a
 * regular expression engine tries only the alternatives that can start where it stands.
 */
export function byFirstCharacter(sources: readonly string[]): string {
  const groups = new Map<string, string[]>();
  for (const source of sources) {
    const first = source.charAt(0);
    if (!/^[a-z0-9]$/.test(first))
      throw new ConsentError('CONFIG', `An anchor must start with a letter: ${source}`);
    groups.set(first, [...(groups.get(first) ?? []), source.slice(1)]);
  }
  return `(?:${[...groups].map(([first, rests]) => `${first}(?:${rests.join('|')})`).join('|')})`;
}
