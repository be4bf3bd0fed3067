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
 * One alternation of `sources` as a trie of their literal starts (the letters and digits each begins
 * with), so that a regular-expression engine standing at a word reads each letter once and drops the
 * alternatives it rules out, instead of trying every alternative that shares a first letter in turn:
 * `stop|strike|spam` becomes `s(?:t(?:op|rike)|pam)`. Where a source is nothing but its literal start,
 * the longer sources under it are dropped: they can only match where it does. Sources are single
 * alternatives that start with a letter or digit; the expression only tells whether one matches.
 */
export function byLiteralStart(sources: readonly string[]): string {
  const root: LiteralNode = { children: new Map(), rests: [] };
  for (const source of sources) {
    const start = literalStart(source);
    if (start === 0) throw new ConsentError('CONFIG', `An anchor must start with a letter: ${source}`);
    let node = root;
    for (const char of source.slice(0, start)) {
      let child = node.children.get(char);
      if (child === undefined) {
        child = { children: new Map(), rests: [] };
        node.children.set(char, child);
      }
      node = child;
    }
    node.rests.push(source.slice(start));
  }
  return literalSource(root);
}

interface LiteralNode {
  readonly children: Map<string, LiteralNode>;
  /** What follows the literal starts that end at this node. */
  readonly rests: string[];
}

const LITERAL = /^[a-z0-9]*/;
const QUANTIFIER = /^[?*{]/;

/** The length of the letters and digits every match of `source` starts with. */
function literalStart(source: string): number {
  const length = LITERAL.exec(source)?.[0].length ?? 0;
  // A quantifier makes the last of them optional ("colou?r").
  return length > 0 && QUANTIFIER.test(source.slice(length)) ? length - 1 : length;
}

function literalSource(node: LiteralNode): string {
  if (node.rests.includes('')) return '';
  const alternatives = [
    ...[...node.children].map(([char, child]) => `${char}${literalSource(child)}`),
    ...node.rests,
  ];
  return alternatives.length === 1 ? (alternatives[0] as string) : `(?:${alternatives.join('|')})`;
}
