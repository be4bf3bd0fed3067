import { type AlignmentCosts, alignmentDistance } from './alignment.js';

/**
 * Typing slips on a phone's QWERTY keyboard. A thumb that lands on the key next to the one it meant
 * ("Xtop", "Emd"), or brushes a neighbour on the way ("Stoip"), makes a likelier typo than an unrelated
 * letter, so {@link keyboardDistance} charges such slips half an edit.
 */

const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
// Rows are offset by about half a key: a key touches two keys of the row above and two of the row below.
const ROW_SHIFT = [0, 0.5, 1];

const POSITIONS: ReadonlyMap<string, { readonly row: number; readonly column: number }> = buildPositions();
const NEIGHBOURS: ReadonlyMap<string, ReadonlySet<string>> = buildNeighbours(POSITIONS);

function buildPositions(): Map<string, { row: number; column: number }> {
  const position = new Map<string, { row: number; column: number }>();
  ROWS.forEach((keys, row) => {
    for (let index = 0; index < keys.length; index++) {
      position.set(keys.charAt(index), { row, column: index + (ROW_SHIFT[row] ?? 0) });
    }
  });
  return position;
}

function buildNeighbours(
  position: ReadonlyMap<string, { readonly row: number; readonly column: number }>,
): Map<string, Set<string>> {
  const neighbours = new Map<string, Set<string>>();
  for (const [key, at] of position) {
    const near = new Set<string>();
    for (const [other, there] of position) {
      if (other === key) continue;
      const rows = Math.abs(there.row - at.row);
      const columns = Math.abs(there.column - at.column);
      if ((rows === 0 && columns === 1) || (rows === 1 && columns <= 0.5)) near.add(other);
    }
    neighbours.set(key, near);
  }
  return neighbours;
}

/** Whether two letters sit next to each other on a QWERTY keyboard. */
export function areNeighbours(a: string, b: string): boolean {
  return NEIGHBOURS.get(a)?.has(b) ?? false;
}

const MAX_SLID_LETTERS = 2;

/**
 * Whether `typed` is `intended` typed by a hand that slid one key sideways for a letter or two: the
 * same length, every wrong letter (at most two) on a key next to the right one, all on the same side
 * ("stio" for "stop": `o` and `p` each typed one key to the left). Slips to both sides ("drop" for
 * "stop") are not a slid hand.
 */
export function isSlidTyping(typed: string, intended: string): boolean {
  if (typed.length !== intended.length) return false;
  let slips = 0;
  let side = 0;
  for (let index = 0; index < typed.length; index++) {
    const letter = typed.charAt(index);
    const meant = intended.charAt(index);
    if (letter === meant) continue;
    if (++slips > MAX_SLID_LETTERS || !areNeighbours(letter, meant)) return false;
    const offset = Math.sign((POSITIONS.get(letter)?.column ?? 0) - (POSITIONS.get(meant)?.column ?? 0));
    if (offset === 0 || (side !== 0 && offset !== side)) return false;
    side = offset;
  }
  return slips > 0;
}

const KEYBOARD_COSTS: AlignmentCosts = {
  substitution: (typed, index, intended, wanted) => {
    const letter = typed.charAt(index);
    const meant = intended.charAt(wanted);
    return letter === meant ? 0 : areNeighbours(letter, meant) ? 1 : 2;
  },
  insertion: (typed, index) => {
    const letter = typed.charAt(index);
    return areNeighbours(letter, typed.charAt(index - 1)) || areNeighbours(letter, typed.charAt(index + 1))
      ? 1
      : 2;
  },
  unit: 2,
};

/**
 * The edit distance between `typed` and `intended` in which a substitution by a neighbouring key, or an
 * inserted letter next to a neighbour of one it follows or precedes ("stoip": `i` beside `o`), costs
 * half; insertions, deletions, other substitutions and swaps of neighbours cost one. Returns a number
 * of edits (halves allowed), or `limit + 0.5` as soon as it must exceed `limit`.
 */
export function keyboardDistance(typed: string, intended: string, limit: number): number {
  // Computed in half edits, so that every cost is an integer.
  const cap = Math.round(limit * 2);
  const distance = alignmentDistance(typed, intended, cap, KEYBOARD_COSTS);
  return distance > cap ? limit + 0.5 : distance / 2;
}
