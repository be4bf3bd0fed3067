/**
 * Reports, not requests: "my sister unsubscribed last week", "he opted out", "my husband cancelled his
 * subscription" tell what someone else did; they are reviewed, never applied. A phrase counts as a
 * report when the words just before it in its clause name another person as its subject.
 */
const OTHER_PERSON = new RegExp(
  [
    '(?:^| )(?:he|she|they|someone|somebody|(?:my|our|his|her|their) (?:[a-z]+ )?',
    '(?:sister|brother|wife|husband|mom|mum|mother|dad|father|son|daughter|kid|kids|child|children|friend',
    '|partner|boyfriend|girlfriend|fiance|fiancee|aunt|uncle|grandma|grandpa|grandmother|grandfather',
    '|cousin|roommate|neighbor|neighbour|boss|family|parents|spouse))(?: (?:already|just|also|has|had|have))*$',
  ].join(''),
);

// Someone's words quoted in the clause before: "Coach said: stop all contact", "Doctor's orders: …".
const QUOTED_BY = /(?:^| )(?:said|says|orders|protocol|advice|advised|recommends|recommended|suggested)$/;
// The person quoting themselves is still asking: "I said: stop all contact", "We said, stop texting".
const SELF_QUOTED = /(?:^| )(?:i|we)(?: already| just| literally)? said$/;

/**
 * Whether the phrase at `index` of `clauses` follows another person as its subject, or starts its
 * clause after another clause that quotes someone ("Coach said | stop all contact").
 */
export function isReport(clauses: string, index: number): boolean {
  const clauseStart = clauses.lastIndexOf('| ', index) + 1;
  if (OTHER_PERSON.test(clauses.slice(clauseStart, index).trimEnd())) return true;
  if (clauseStart === 0 || clauses.slice(clauseStart, index).trim() !== '') return false;
  const before = clauses.slice(0, clauseStart - 2).trimEnd();
  const previous = before.slice(before.lastIndexOf('| ') + 1).trim();
  return QUOTED_BY.test(previous) && !SELF_QUOTED.test(previous);
}
