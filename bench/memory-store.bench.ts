import { createConsentManager, createMemoryStore, type E164 } from 'sms-consent';
import { type Bench, measure, ratio, seededRandom } from './harness.js';

const NUMBERS = 100_000;

/** 100,000 distinct numbers, once in ascending order and once shuffled (new numbers in random order). */
function makeNumbers(): { ascending: E164[]; shuffled: E164[] } {
  const ascending = Array.from({ length: NUMBERS }, (_, index) => `+1415${2_000_000 + index}` as E164);
  const shuffled = [...ascending];
  const random = seededRandom(7);
  for (let index = shuffled.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [shuffled[index], shuffled[other]] = [shuffled[other] as E164, shuffled[index] as E164];
  }
  return { ascending, shuffled };
}

async function optOutAll(phones: readonly E164[]): Promise<void> {
  const consent = createConsentManager({ store: createMemoryStore(), defaultCountry: 'US' });
  for (const phone of phones) await consent.record({ phone, action: 'opt_out', source: 'import' });
}

const bench: Bench = async () => {
  const { ascending, shuffled } = makeNumbers();
  // Baseline: new numbers arriving in phone order, which an insertion into a sorted array handles at its end.
  const inOrder = await measure(
    'record() of 100k new numbers, ascending',
    NUMBERS,
    () => optOutAll(ascending),
    1,
  );
  const random = await measure(
    'record() of 100k new numbers, random order',
    NUMBERS,
    () => optOutAll(shuffled),
    1,
  );
  return {
    title: 'Memory store: new numbers in random order',
    rows: [inOrder, random],
    notes: [`ratio random/ascending: ${ratio(random, inOrder)} (target >= 0.8: no quadratic insertion)`],
  };
};

export default bench;
