import type { KeywordEntry } from './compile.js';
import { isIdiomaticStop, isNegated } from './guards.js';

/**
 * A keyword used as a command inside a longer message, the `keyword_clause` rule. A reason, a refusal,
 * an insult, an emoji or a signature does not cancel it ("Nope not interested STOP", "Hell no. End",
 * "End, moved away", "end cancel quit"). Two shapes:
 * - a clause made only of opt-out keywords (with courtesy words around them: "stop please");
 * - a message that ends with an opt-out keyword after a refusal ("no thanks stop"), or that ends or
 *   starts with one written in capitals in a message that is not ("I am not Delores STOP");
 * - a message that starts with one followed by another keyword or by words that start a new thought
 *   or only stress it ("Quit I have no money", "STOP NO TEXTS", "Quit again!").
 * Negations that govern the keyword ("don't stop") and idioms ("the bus stop", "at the END") stay
 * guarded; a weak keyword (CANCEL, END, QUIT) beside a question ("Cancel. Can we do Friday?") only
 * flags the message for review.
 */
export interface KeywordLookup {
  /** The keyword entry a folded word is, also when repeated within the word (`stopstop`). */
  readonly wordEntry: (word: string) => KeywordEntry | undefined;
  readonly negators: ReadonlySet<string>;
}

const REFUSALS: ReadonlySet<string> = new Set(
  'no nope nah interested thanks thx off alone already again donate donating'.split(' '),
);
// Words after a leading keyword that start a new thought or only stress it: "Quit I have no money",
// "STOP NO TEXTS", "Quit again!".
const NEW_THOUGHT: ReadonlySet<string> = new Set(
  "i i'm im i've ive i'll we no nope not wrong who fuck again forever already immediately asap permanently".split(
    ' ',
  ),
);
const STRONG_PRECEDERS: ReadonlySet<string> = new Set(
  "a an the my your his her our their this that its to i i'll ill we he she it they you u will would should could can can't cant won't wont don't dont not never bus pit rest full".split(
    ' ',
  ),
);

/** A clause whose words are all opt-out keywords: the entry of its first, or `undefined`. */
export function keywordOnlyClause(words: readonly string[], lookup: KeywordLookup): KeywordEntry | undefined {
  let first: KeywordEntry | undefined;
  for (const word of words) {
    const entry = lookup.wordEntry(word);
    if (entry?.intent !== 'opt_out') return undefined;
    first ??= entry;
  }
  return first;
}

/**
 * The opt-out keyword at the start or end of `clauses` that is used as a command (see the module
 * comment), given the raw `body` for its capitals, or `undefined`.
 */
export function edgeCommand(clauses: string, body: string, lookup: KeywordLookup): KeywordEntry | undefined {
  const mixedCase = /[a-z]/.test(body) && /[A-Z]/.test(body);
  const lastSpace = clauses.lastIndexOf(' ');
  if (lastSpace > 0) {
    const last = clauses.slice(lastSpace + 1);
    const entry = lookup.wordEntry(last);
    if (entry?.intent === 'opt_out') {
      const before = clauses.slice(0, lastSpace).trimEnd();
      const previous = before.slice(before.lastIndexOf(' ') + 1);
      const command =
        previous === '|' ||
        REFUSALS.has(previous) ||
        (mixedCase && !STRONG_PRECEDERS.has(previous) && endsInCapitals(body, last));
      if (command && !isNegated(clauses, lastSpace + 1, lookup.negators)) return entry;
    }
  }
  const firstSpace = clauses.indexOf(' ');
  if (firstSpace > 0) {
    const first = clauses.slice(0, firstSpace);
    const entry = lookup.wordEntry(first);
    if (entry?.intent === 'opt_out' && !isIdiomaticStop(clauses, 0, lookup.negators)) {
      const next = clauses.slice(firstSpace + 1).split(' ', 1)[0] ?? '';
      const command =
        lookup.wordEntry(next)?.intent === 'opt_out' ||
        NEW_THOUGHT.has(next) ||
        (mixedCase && !entry.weak && startsInCapitals(body, first));
      if (command) return entry;
    }
  }
  return undefined;
}

function endsInCapitals(body: string, word: string): boolean {
  const match = /([A-Za-z]+)[^A-Za-z]*$/.exec(body);
  return match?.[1] === match?.[1]?.toUpperCase() && match?.[1]?.toLowerCase() === word;
}

function startsInCapitals(body: string, word: string): boolean {
  const match = /^[^A-Za-z]*([A-Za-z]+)/.exec(body);
  return match?.[1] === match?.[1]?.toUpperCase() && match?.[1]?.toLowerCase() === word;
}
