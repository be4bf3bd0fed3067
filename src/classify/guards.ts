import { CLAUSE_BREAK } from './words.js';

const NEGATION_WINDOW = 4;
const QUESTION_WORDS: ReadonlySet<string> = new Set(['how', 'why', 'what', 'como', 'comment', 'pourquoi']);
const YOU: ReadonlySet<string> = new Set(['you', 'u', 'ya', "y'all"]);
const CONDITIONAL: ReadonlySet<string> = new Set(['if', 'unless']);

/**
 * Whether the phrase starting at `index` of `clauses` is negated by one of the four words before it in
 * the same clause: "don't stop texting me", "I don't want to opt out". Requests and threats that merely
 * contain a negator are not negations: "why don't you stop texting me", "can't you stop…", "if you
 * don't stop…", "I don't know how to unsubscribe".
 */
export function isNegated(clauses: string, index: number, negators: ReadonlySet<string>): boolean {
  const before = lastWords(clauses.slice(0, index).trimEnd(), NEGATION_WINDOW + 2);
  for (let distance = 1; distance <= NEGATION_WINDOW; distance++) {
    const word = before[before.length - distance];
    if (word === undefined || word === CLAUSE_BREAK || QUESTION_WORDS.has(word)) return false;
    if (!negators.has(word)) continue;
    const previous = before[before.length - distance - 1];
    const next = before[before.length - distance + 1];
    if (previous !== undefined && QUESTION_WORDS.has(previous)) return false;
    if (next !== undefined && YOU.has(next)) return false;
    const beforePrevious = before[before.length - distance - 2];
    if (
      previous !== undefined &&
      YOU.has(previous) &&
      beforePrevious !== undefined &&
      CONDITIONAL.has(beforePrevious)
    )
      return false;
    return true;
  }
  return false;
}

/**
 * The last `count` words of `text` split at single spaces, as `text.split(' ')` ends (all of it when
 * there are fewer): a split of the whole text before a phrase cost more than the rest of the check.
 */
export function lastWords(text: string, count: number): string[] {
  let start = text.length;
  for (let found = 0; found < count; found++) {
    start = text.lastIndexOf(' ', start - 1);
    if (start <= 0) return text.split(' ');
  }
  return text.slice(start + 1).split(' ');
}

const TEMPORARY_COMMON = [
  'until',
  'till',
  'til',
  'before',
  'after',
  'today',
  'tonight',
  'tomorrow',
  'yet',
  'while',
  'during',
  'back',
  'about',
  'unless',
  'when',
  'here',
  'there',
  'at (?:work|night|school|this hour|this time)',
  '(?:this|so|too) (?:early|late|morning|afternoon|evening|week|weekend|often|much)',
  'on (?:weekends?|the weekend|sundays|saturdays|weekdays)',
  'for (?:a|the|now|today|tonight|tomorrow|this|that)',
  'in the (?:morning|evening|night)',
];
const TEMPORARY: Readonly<Record<'negative' | 'imperative', RegExp>> = {
  negative: new RegExp(`^ (?:${[...TEMPORARY_COMMON, 'now', 'right now', 'rn'].join('|')})(?![^ ])`),
  imperative: new RegExp(`^ (?:${TEMPORARY_COMMON.join('|')})(?![^ ])`),
};

const SUBJECTS: ReadonlySet<string> = new Set(['you', 'u', 'they', 'he', 'she', 'it', 'we']);

/**
 * Whether the words around a phrase make it temporary, partial or a statement rather than a request
 * ("don't text me until 5", "stop texting me at work", "you don't text me enough"): such a message is
 * flagged for review rather than applied. `start` and `end` delimit the phrase in `clauses`.
 */
export function isTemporary(
  clauses: string,
  start: number,
  end: number,
  kind: 'negative' | 'imperative',
): boolean {
  if (TEMPORARY[kind].test(clauses.slice(end, end + 40))) return true;
  if (kind !== 'negative') return false;
  const before = clauses.slice(Math.max(0, start - 8), start).trimEnd();
  return SUBJECTS.has(before.slice(before.lastIndexOf(' ') + 1));
}

const STOP_FOLLOWERS: ReadonlySet<string> = new Set(
  'by in over at off for on round around through to and from being there here sign signs light lights watch loss gap motion request button the a your'.split(
    ' ',
  ),
);
const STOP_PRECEDERS: ReadonlySet<string> = new Set(
  "a the my your his her our their next last first final one bus pit rest truck full quick short each every this that its non i i'll ill we we'll he she it they rain i'd gonna should could might may will would let's lets".split(
    ' ',
  ),
);
const CONTACT_ING: ReadonlySet<string> = new Set(
  'texting txting texing messaging msging contacting spamming bothering bugging harassing harrassing pestering calling emailing sending receiving getting'.split(
    ' ',
  ),
);
const SCHEDULE_QUESTION = /(?:^| )(?:when|what time|how late|what hours|until when)(?= )/;

/**
 * Whether an English "stop" at `index` of `clauses` is ordinary language rather than a request to stop
 * texting: negated ("don't stop", "can't stop laughing"), a visit ("stop by", "stop in at 3"), another
 * activity ("stop serving lunch"), a noun ("the bus stop", "stop sign"), a plan of the sender's own
 * ("I'll stop at the store"), or a question about opening hours ("when do you stop…").
 */
export function isIdiomaticStop(clauses: string, index: number, negators: ReadonlySet<string>): boolean {
  if (isNegated(clauses, index, negators)) return true;
  const clauseStart = clauses.lastIndexOf(` ${CLAUSE_BREAK} `, index) + 1;
  if (SCHEDULE_QUESTION.test(clauses.slice(clauseStart, index))) return true;
  const before = clauses.slice(clauseStart, index).trimEnd();
  const previous = before.slice(before.lastIndexOf(' ') + 1);
  if (STOP_PRECEDERS.has(previous)) return true;
  const after = clauses.slice(index).split(' ', 2)[1];
  if (after === undefined || after === CLAUSE_BREAK) return false;
  if (STOP_FOLLOWERS.has(after)) return true;
  return after.endsWith('ing') && !CONTACT_ING.has(after);
}

// What people quit besides texts: "quit my job", "I want to quit school", "you quit?".
const QUIT_PRECEDERS: ReadonlySet<string> = new Set(['to', 'you', 'u', 'never', 'finally']);
const QUIT_OBJECTS: ReadonlySet<string> = new Set(
  'my his her their our ur your job jobs work school college smoking drinking vaping team band class gym'.split(
    ' ',
  ),
);

/**
 * Whether an English "quit" at `index` of `clauses` is ordinary language: as for "stop" (see
 * {@link isIdiomaticStop}), or a job, school or habit being quit ("I quit my job", "want to quit").
 */
export function isIdiomaticQuit(clauses: string, index: number, negators: ReadonlySet<string>): boolean {
  if (isIdiomaticStop(clauses, index, negators)) return true;
  const clauseStart = clauses.lastIndexOf(` ${CLAUSE_BREAK} `, index) + 1;
  const before = clauses.slice(clauseStart, index).trimEnd();
  if (QUIT_PRECEDERS.has(before.slice(before.lastIndexOf(' ') + 1))) return true;
  const after = clauses.slice(index).split(' ', 2)[1];
  return after !== undefined && QUIT_OBJECTS.has(after);
}
