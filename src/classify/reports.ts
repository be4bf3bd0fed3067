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

/** Whether the phrase at `index` of `clauses` follows another person as its subject. */
export function isReport(clauses: string, index: number): boolean {
  const clauseStart = clauses.lastIndexOf('| ', index) + 1;
  return OTHER_PERSON.test(clauses.slice(clauseStart, index).trimEnd());
}
