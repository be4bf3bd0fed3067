/**
 * Reports, not requests: "my sister unsubscribed last week", "he opted out", "my husband cancelled his
 * subscription" tell what someone else did; they are reviewed, never applied. A phrase counts as a
 * report when the words just before it in its clause name another person as its subject.
 */
// People a text may speak of: relatives, friends and the roles whose word someone passes on.
const PEOPLE = [
  'sister|brother|wife|husband|mom|mum|mother|dad|father|son|daughter|kid|kids|child|children|friend',
  '|partner|boyfriend|girlfriend|fiance|fiancee|aunt|uncle|grandma|grandpa|grandmother|grandfather',
  '|cousin|roommate|neighbor|neighbour|boss|family|parents|spouse',
  '|coach|doctor|doc|dr|teacher|trainer|nurse|principal|therapist|counselor|counsellor|judge|police|officer',
].join('');

const OTHER_PERSON = new RegExp(
  `(?:^| )(?:he|she|they|someone|somebody|(?:my|our|his|her|their) (?:[a-z]+ )?(?:${PEOPLE}))(?: (?:already|just|also|has|had|have))*$`,
);

// Someone else's words quoted in the clause before: "Coach said: stop all contact", "Doctor's
// orders: …", "Concussion protocol: …". The speaker is named: not "That being said", "Enough said",
// "Like you said", "Whatever the ad says", nor the person's own lawyer speaking to the sender ("My
// lawyer advised: cease and desist").
const QUOTED_BY = new RegExp(
  `(?:^| )(?:(?:my|the|his|her|our|their|your) )?(?:he|she|they|someone|${PEOPLE})(?:'s)? (?:said|says|advised|recommends|recommended|suggested)$` +
    "|^(?:[a-z']+ ){1,2}(?:orders|protocol)$",
);

/**
 * Whether the phrase at `index` of `clauses` follows another person as its subject, or starts its
 * clause after another clause that quotes someone ("Coach said | stop all contact").
 */
export function isReport(clauses: string, index: number): boolean {
  const clauseStart = clauses.lastIndexOf('| ', index) + 1;
  const subject = clauses.slice(clauseStart, index).trim();
  if (OTHER_PERSON.test(subject)) return true;
  if (clauseStart === 0 || subject !== '') return false;
  const before = clauses.slice(0, clauseStart - 2).trimEnd();
  const previous = before.slice(before.lastIndexOf('| ') + 1).trim();
  return QUOTED_BY.test(previous);
}
