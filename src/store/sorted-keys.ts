/**
 * A set of strings read in sorted order. Adding is O(1): new keys wait in an unsorted batch that is
 * sorted and merged into the ordered list when it is next read, so n keys added in any order cost
 * O(n log n) in all instead of the O(n²) of inserting each one into a sorted array.
 */
export interface SortedKeys<K extends string> {
  add(key: K): void;
  /** Every key in ascending (code unit) order. Do not change the array. */
  sorted(): readonly K[];
  readonly size: number;
}

/** Creates an empty {@link SortedKeys}. */
export function createSortedKeys<K extends string>(): SortedKeys<K> {
  let ordered: K[] = [];
  let added: K[] = [];
  return {
    add(key) {
      added.push(key);
    },
    sorted() {
      if (added.length > 0) {
        ordered = merge(ordered, added.sort(compare));
        added = [];
      }
      return ordered;
    },
    get size() {
      return ordered.length + added.length;
    },
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function merge<K extends string>(left: readonly K[], right: readonly K[]): K[] {
  const out: K[] = new Array(left.length + right.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < left.length && j < right.length) {
    out[k++] = (left[i] as K) <= (right[j] as K) ? (left[i++] as K) : (right[j++] as K);
  }
  while (i < left.length) out[k++] = left[i++] as K;
  while (j < right.length) out[k++] = right[j++] as K;
  return out;
}
