import { isMixedCase } from './letter-case.js';
import { mayBeName } from './not-a-name.js';

/**
 * Wrong-number replies: the person who answers says the number is not theirs ("Wrong number, quit",
 * "I'm not Dwight", "this isn't Mark's phone", "no Carla here", "you've got the wrong guy"). Whoever
 * answers a text meant for someone else never consented, so these are opt-outs with `wrongNumber`: the
 * `wrong_number` rule. Two shapes:
 * - wording about the number or person being wrong ("wrong number", "wrong person", "not my number",
 *   "no one here by that name"), unless the sender reports a slip of their own ("I texted the wrong
 *   number");
 * - a denial of a name: "I'm not", "I am not", "this is not", "my name is not", "my name is Ann not",
 *   a clause that is "not" and a name, or "no" and a name and "here". The word must be able to be a
 *   name (see {@link mayBeName}); in a message written in mixed case it must also be capitalised there,
 *   and in one written all in one case it must end its clause (or be followed by a word that starts a
 *   new thought: "but", "so", "stop"…) and be the whole message or stand beside words about numbers,
 *   names or stopping, so that "I'm not sure" and "im not workin. once i get job" stay ordinary.
 */

const WRONG = new RegExp(
  [
    '(?<![^ ])(?:wrong (?:number|numbers|num|no|person|persons|people|name|guy|girl|lady|man|woman|phone',
    '|cell|contact|family|texter)|not the (?:right|correct) (?:number|person|phone)',
    '|not (?:my|his|her) (?:number|phone|cell)|(?:no one|nobody|noone|no body|no(?: such)? person)',
    '(?: here| at this number)? (?:by|with|named|called) (?:that|this|the) name)(?![^ ])',
  ].join(''),
);
const OWN_SLIP =
  /(?:^| )(?:i|i've|ive|i'd|we)(?: [a-z']+){0,2} (?:sent|texted|txted|called|dialed|dialled|typed|gave|put|wrote|entered|messaged|replied|got)(?: [a-z']+){0,3}$/;
const DENIAL = new RegExp(
  [
    "(?<![^ ])(?:(?:i'm|im|i am|iam|i ain't|i aint) not",
    "|this (?:is not|isn't|isnt|is'nt|ain't|aint|is no longer|number is not|number isn't|phone is not|phone isn't)",
    "|my name (?:is not|isn't|isnt|is'nt|ain't|aint|'s not|s not|is also not)|my names not",
    '|my name is (?:[a-z]+ ){1,2}(?:and |but )?not',
    '|(?<=^|\\| )not',
    "|(?<=^|\\| )(?:there is |there's |theres |there are )?no)",
    "(?: (?:fucking|fuckin|freaking|freakin|frickin|effing|f'ing|effin|named|called|even))?",
    " ([a-z]+)(?:'s)?(?= |$)",
  ].join(''),
  'g',
);
const THOUGHT_STARTERS: ReadonlySet<string> = new Set(
  "| but and so you u please pls here stop quit end cancel this my wrong i i'm im who go fuck lose take remove".split(
    ' ',
  ),
);
// In a message written in one case, a denial among other sentences counts only beside these words.
const CONTEXT =
  /(?<![^ ])(?:wrong|number|name|who|stop|quit|end|cancel|unsubscribe|remove|texts?|texting|messages?)(?![^ ])/;
// Every shape has one of these words: a cheap test before the others.
const HINT = /(?<![^ ])(?:wrong|not|isn't|isnt|is'nt|ain't|aint|name|names|no|nobody|noone)(?![^ ])/;
const NO_NAME_HERE = /^ (?:here|at this (?:number|phone)|on this (?:number|phone))(?= |$)/;

/** The wrong-number wording in `clauses` (words of `toWords`), given the raw `body`, or `undefined`. */
export function findWrongNumber(clauses: string, body: string): string | undefined {
  if (!HINT.test(clauses)) return undefined;
  const wrong = WRONG.exec(clauses);
  if (wrong !== null) {
    const clauseStart = clauses.lastIndexOf('| ', wrong.index) + 1;
    if (!OWN_SLIP.test(clauses.slice(clauseStart, wrong.index).trimEnd())) return wrong[0];
  }
  let mixedCase: boolean | undefined;
  DENIAL.lastIndex = 0;
  for (let found = DENIAL.exec(clauses); found !== null; found = DENIAL.exec(clauses)) {
    const name = found[1] ?? '';
    if (!mayBeName(name)) continue;
    const end = found.index + found[0].length;
    const after = clauses.slice(end);
    const denial = found[0];
    if (denial.startsWith('no ') || denial.startsWith('there')) {
      if (NO_NAME_HERE.test(after)) return `${denial}${after.match(NO_NAME_HERE)?.[0] ?? ''}`;
      continue;
    }
    if (denial.startsWith('my name')) return denial;
    mixedCase ??= isMixedCase(body);
    if (mixedCase) {
      if (isCapitalised(body, name)) return denial;
      continue;
    }
    const next = after.split(' ', 2)[1];
    const alone = !clauses.includes(' | ') || CONTEXT.test(clauses);
    if (alone && (next === undefined || THOUGHT_STARTERS.has(next))) return denial;
  }
  return undefined;
}

/** Whether `name` (folded) stands capitalised somewhere in `body`. */
function isCapitalised(body: string, name: string): boolean {
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${name}(?![\\p{L}\\p{N}])`, 'giu');
  for (let found = pattern.exec(body); found !== null; found = pattern.exec(body)) {
    const first = found[0].charAt(0);
    if (first !== first.toLowerCase()) return true;
  }
  return false;
}
