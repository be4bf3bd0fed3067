/**
 * The optimal-string-alignment distance that both misspelling readings use: the cheapest way to turn
 * the `intended` word into the `typed` one by inserting, dropping and replacing letters and swapping
 * two neighbours, each at its own cost. {@link editDistance} charges one for each; `keyboardDistance`
 * charges less for slips to neighbouring keys. One loop, so that both readings stay the same algorithm.
 */

/** The costs of one reading, in whole units. */
export interface AlignmentCosts {
  /** The cost of typing `typed`'s letter at `index` where `intended` had its letter at `wanted`. */
  readonly substitution: (typed: string, index: number, intended: string, wanted: number) => number;
  /** The cost of typing `typed`'s letter at `index` where nothing was meant: at least one unit. */
  readonly insertion: (typed: string, index: number) => number;
  /** The cost of dropping a letter, and of swapping two neighbours. */
  readonly unit: number;
}

// Rows of the table, reused between calls (the readings run on the hot path and never nest).
let before = new Int32Array(32);
let previous = new Int32Array(32);
let current = new Int32Array(32);

/**
 * The distance from `intended` to `typed` under `costs`, or `cap + 1` as soon as it must exceed `cap`
 * (both in units).
 */
export function alignmentDistance(
  typed: string,
  intended: string,
  cap: number,
  costs: AlignmentCosts,
): number {
  const { unit } = costs;
  // Each letter of difference in length is an insertion or a drop, which costs at least 1.
  if (Math.abs(typed.length - intended.length) > cap) return cap + 1;
  if (letterBagDistance(typed, intended) > cap) return cap + 1;
  const columns = intended.length + 1;
  if (columns > current.length) {
    before = new Int32Array(columns * 2);
    previous = new Int32Array(columns * 2);
    current = new Int32Array(columns * 2);
  }
  for (let j = 0; j < columns; j++) previous[j] = j * unit;
  for (let i = 1; i <= typed.length; i++) {
    const insertion = costs.insertion(typed, i - 1);
    current[0] = (previous[0] as number) + insertion;
    let best = current[0] as number;
    for (let j = 1; j < columns; j++) {
      let value = Math.min(
        (previous[j] as number) + insertion,
        (current[j - 1] as number) + unit,
        (previous[j - 1] as number) + costs.substitution(typed, i - 1, intended, j - 1),
      );
      if (
        i > 1 &&
        j > 1 &&
        typed.charCodeAt(i - 1) === intended.charCodeAt(j - 2) &&
        typed.charCodeAt(i - 2) === intended.charCodeAt(j - 1)
      ) {
        value = Math.min(value, (before[j - 2] as number) + unit);
      }
      current[j] = value;
      if (value < best) best = value;
    }
    if (best > cap) return cap + 1;
    const spare = before;
    before = previous;
    previous = current;
    current = spare;
  }
  return Math.min(previous[columns - 1] as number, cap + 1);
}

// Letter counts of the bag bound, by code unit modulo 32 (letters of either case share a slot).
const bag = new Int32Array(32);

/**
 * A lower bound of every alignment distance, computed without the table: each edit takes at most one
 * letter out of the word and puts at most one in, for a cost of at least 1, and a swap changes neither, so
 * the edits are at least the letters `typed` has that `intended` lacks, and the other way round.
 * Letters that share a slot only lower the bound.
 */
function letterBagDistance(typed: string, intended: string): number {
  bag.fill(0);
  for (let index = 0; index < typed.length; index++) {
    const slot = typed.charCodeAt(index) & 31;
    bag[slot] = (bag[slot] as number) + 1;
  }
  for (let index = 0; index < intended.length; index++) {
    const slot = intended.charCodeAt(index) & 31;
    bag[slot] = (bag[slot] as number) - 1;
  }
  let extra = 0;
  let missing = 0;
  for (let slot = 0; slot < 32; slot++) {
    const count = bag[slot] as number;
    if (count > 0) extra += count;
    else missing -= count;
  }
  return Math.max(extra, missing);
}

const UNIT_COSTS: AlignmentCosts = {
  substitution: (typed, index, intended, wanted) =>
    typed.charCodeAt(index) === intended.charCodeAt(wanted) ? 0 : 1,
  insertion: () => 1,
  unit: 1,
};

/**
 * The optimal-string-alignment distance between `a` and `b` (insertions, deletions, substitutions and
 * swaps of neighbours each cost one), or `limit + 1` as soon as it must exceed `limit`.
 */
export function editDistance(a: string, b: string, limit: number): number {
  return alignmentDistance(a, b, limit, UNIT_COSTS);
}
