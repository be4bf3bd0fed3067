import type { KeywordEntry } from './compile.js';
import { isIdiomaticStop } from './guards.js';
import { isMixedCase } from './letter-case.js';
import { mayBeName } from './not-a-name.js';

/**
 * A keyword used as a command inside a longer message, the `keyword_clause` rule. A reason, a refusal,
 * an insult, an emoji or a signature does not cancel it ("Nope not interested STOP", "Hell no. End",
 * "End, moved away", "end cancel quit"). Two shapes:
 * - a clause made only of opt-out keywords (with courtesy words around them: "stop please");
 * - a message that ends with an opt-out keyword after a refusal ("no thanks stop", "go away stop"), or that ends or
 *   starts with one written in capitals in a message that is not ("I am not Delores STOP"), or that
 *   is a stray key and a keyword ("J stop");
 * - a message that starts with one followed by another keyword or by words that start a new thought
 *   or only stress it ("Quit I gave last month", "STOP NO TEXTS", "Quit again, third time"), or a
 *   short message of a keyword and stray keys ("Quit G") or, after STOP, a word that is not its
 *   object ("Stop Dude"),
 *   or QUIT and the sender's name, capitalised ("Quit Lou Marsh", "Quit ACME"), or a strong keyword
 *   and nothing but the texts it points at ("Stop this", "Stop all these").
 * Negations that govern the keyword ("don't stop") and idioms ("the bus stop", "at the END") stay
 * guarded; a weak keyword (CANCEL, END, QUIT) beside a question ("Cancel. Can we do Friday?") only
 * flags the message for review.
 */
export interface KeywordLookup {
  /** The keyword entry a folded word is, also when repeated within the word (`stopstop`). */
  readonly wordEntry: (word: string) => KeywordEntry | undefined;
  /** Whether a folded word is a clear misspelling of an opt-out keyword (see `judgeFuzzy`). */
  readonly misspelt: (word: string) => boolean;
  readonly negators: ReadonlySet<string>;
}

// Words that may join keywords in a clause of keywords: "Quit and stop".
const JOINERS: ReadonlySet<string> = new Set(['and', 'or', 'n', 'so', 'then', 'also']);
// What may follow a leading STOP in a short message and still be its object rather than a new word.
const OBJECTS: ReadonlySet<string> = new Set(
  'it me my us our your ur the this that these those them him her his all everything a an'.split(' '),
);
// Two-letter words that are words, not stray keys: "Quit G" is a command, "Quit it" is not read here.
const SHORT_WORDS: ReadonlySet<string> = new Set(
  'it me my up at by on in to so of ok us we he no go do be is as an or if am'.split(' '),
);
// Letters that stand for words in texts ("u stop" is "you stop", "o stop" is "oh stop", "k" is "okay").
const LETTER_WORDS: ReadonlySet<string> = new Set('a b c i k n o r u y'.split(' '));
const SHORT_MESSAGE = 3;
// Misspelt keywords are read in short clauses of keywords only ("STOP QUIT STOPP").
const MAX_MISSPELT_CLAUSE = 6;

const REFUSALS: ReadonlySet<string> = new Set(
  'no nope nah interested thanks thx already again donate donating'.split(' '),
);
// "Go away stop": a keyword after a dismissal ends the message as one. Not after any 'away' ("Right
// away stop", "Get away cancel" are plans; "away end" is the football), 'off' ("Time off cancel",
// "Lights off stop") or 'alone' ("Home alone end"). A profane one anywhere ("Oh fuck off stop",
// "Fuck right off stop"); the others at the start of their clause, after a few words of stress.
const DISMISSAL = new RegExp(
  [
    '(?:^| )(?:fuck|f|eff|frick|piss|bugger|naff|bog|sod)(?: right| the fuck| tf)? off$',
    '|(?:^|\\| )(?:(?:oh|ok|okay|omg|god|pls|plz|seriously|just|please|now) ){0,2}(?:',
    '(?:go|stay|keep|back)(?: far| right| tf| the fuck| the hell)? away',
    '|(?:back|buzz|bug|shove|lay)(?: the fuck| tf| the hell)? off|knock it off',
    '|(?:leave|let) (?:me|us|him|her|them|(?:my|our) [a-z]+) (?:the (?:fuck|hell|f) |tf )?alone',
    ')$',
  ].join(''),
);
const DISMISSAL_ENDS: ReadonlySet<string> = new Set(['away', 'off', 'alone']);
// Words after a leading keyword that start a new thought or only stress it: "Quit I gave last month",
// "STOP NO TEXTS", "Quit again, third time".
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

// Weak keywords whose object may be the sender: "Quit Acme" asks Acme to stop. CANCEL and END take
// events instead ("Cancel Friday", "End Game"), and strong keywords need no object to be read.
const NAMED_OBJECT: ReadonlySet<string> = new Set(['quit']);
const MAX_NAME_WORDS = 3;
// After a strong keyword, the whole rest pointing at the texts themselves: "Stop this", "STOP all these".
// "Stop it" and "stop that" are what people say to each other, and stay with the ambiguity rules.
const THE_TEXTS = /^(?:all (?:of )?)?(?:this|these)$/;
const TIME_WORD =
  /^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|march|april|may|june|july|august|september|october|november|december)$/;

/**
 * Whether the words after a leading keyword are a name, as a sender's is written: one to three words
 * that may be names (not everyday words, days or months), each capitalised in the raw `body` (`Tom
 * Roche`, `DJW`), in a message of one clause written in mixed case.
 */
function isSenderName(rest: readonly string[], body: string): boolean {
  if (rest.length === 0 || rest.length > MAX_NAME_WORDS || rest.includes('|') || !isMixedCase(body)) {
    return false;
  }
  if (!rest.every((word) => mayBeName(word) && !TIME_WORD.test(word))) return false;
  const written = body.match(/[A-Za-z]+/g) ?? [];
  if (written.length !== rest.length + 1) return false;
  return written.slice(1).every((word) => word.charAt(0) !== word.charAt(0).toLowerCase());
}

/** A clause whose words are all opt-out keywords: the entry of its first, or `undefined`. */
export function keywordOnlyClause(words: readonly string[], lookup: KeywordLookup): KeywordEntry | undefined {
  let first: KeywordEntry | undefined;
  for (const word of words) {
    const entry = lookup.wordEntry(word);
    if (entry === undefined) continue;
    if (entry.intent !== 'opt_out') return undefined;
    first ??= entry;
  }
  if (first === undefined) return undefined;
  const misspellings = words.length <= MAX_MISSPELT_CLAUSE;
  for (let index = 0; index < words.length; index++) {
    const word = words[index] ?? '';
    if (lookup.wordEntry(word) !== undefined) continue;
    const inner = index > 0 && index < words.length - 1;
    if (!((inner && JOINERS.has(word)) || (misspellings && lookup.misspelt(word)))) return undefined;
  }
  return first;
}

/**
 * The opt-out keyword at the start or end of `clauses` that is used as a command (see the module
 * comment), given the raw `body` for its capitals, or `undefined`.
 */
export function edgeCommand(clauses: string, body: string, lookup: KeywordLookup): KeywordEntry | undefined {
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
        (DISMISSAL_ENDS.has(previous) && DISMISSAL.test(before)) ||
        (before === previous && isStrayKey(previous)) ||
        (!STRONG_PRECEDERS.has(previous) && endsInCapitals(body, last) && isMixedCase(body));
      if (command && !governedByNegation(before, lookup.negators)) return entry;
    }
  }
  const firstSpace = clauses.indexOf(' ');
  if (firstSpace > 0) {
    const first = clauses.slice(0, firstSpace);
    const entry = lookup.wordEntry(first);
    if (entry?.intent === 'opt_out' && !isIdiomaticStop(clauses, 0, lookup.negators)) {
      const next = clauses.slice(firstSpace + 1).split(' ', 1)[0] ?? '';
      const rest = clauses.slice(firstSpace + 1).split(' ');
      const command =
        lookup.wordEntry(next)?.intent === 'opt_out' ||
        NEW_THOUGHT.has(next) ||
        (!entry.weak && startsInCapitals(body, first) && isMixedCase(body)) ||
        (rest.length < SHORT_MESSAGE && !rest.includes('|') && isStray(rest, entry.weak)) ||
        (NAMED_OBJECT.has(first) && isSenderName(rest, body)) ||
        (!entry.weak && THE_TEXTS.test(rest.join(' ')));
      if (command) return entry;
    }
  }
  return undefined;
}

/**
 * Whether the words `before` a keyword end in a negation that governs it: "don't stop", "never ever
 * stop". A refusal further back does not ("Nope not interested STOP").
 */
function governedByNegation(before: string, negators: ReadonlySet<string>): boolean {
  const words = before.split(' ');
  const previous = words[words.length - 1] ?? '';
  if (negators.has(previous)) return true;
  return (previous === 'ever' || previous === 'just') && negators.has(words[words.length - 2] ?? '');
}

/**
 * Whether the words after a leading keyword of a short message are stray: keys hit by mistake ("Quit
 * G", "Quit 3g"), or after a strong keyword anything but its object ("Stop Dude").
 */
function isStray(rest: readonly string[], weak: boolean): boolean {
  if (rest.every((word) => word.length <= 2 && !SHORT_WORDS.has(word))) return true;
  return !weak && !OBJECTS.has(rest[0] ?? '');
}

/** A single letter hit before the keyword ("J stop", "G Quit"), not one that stands for a word ("u", "r"). */
function isStrayKey(word: string): boolean {
  return word.length === 1 && word >= 'a' && word <= 'z' && !LETTER_WORDS.has(word);
}

function endsInCapitals(body: string, word: string): boolean {
  const match = /([A-Za-z]+)[^A-Za-z]*$/.exec(body);
  return match?.[1] === match?.[1]?.toUpperCase() && match?.[1]?.toLowerCase() === word;
}

function startsInCapitals(body: string, word: string): boolean {
  const match = /^[^A-Za-z]*([A-Za-z]+)/.exec(body);
  return match?.[1] === match?.[1]?.toUpperCase() && match?.[1]?.toLowerCase() === word;
}
