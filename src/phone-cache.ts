/**
 * A bounded least-recently-used cache with lazy promotion, internal to sms-consent. A `Map` keeps
 * entries in (re)insertion order and the first one is evicted when full. A hit moves its entry to the
 * end (delete + set) only once it has drifted into the older half, so an entry read at least once
 * every `capacity / 2` insertions is never evicted, while the common hit costs one `Map.get`.
 */
export interface LruCache<V extends LruEntry> {
  /** The entry for `key`, counting as a use; `undefined` when absent. */
  get(key: string): V | undefined;
  /** Stores `entry` as the most recently used, evicting the least recently used when full. */
  set(key: string, entry: V): void;
  /** Drops every entry. */
  clear(): void;
  /** How many entries are held now (never more than the capacity). */
  readonly size: number;
}

/**
 * What a cached value carries for the cache's bookkeeping: the insertion clock when it last moved
 * to the end. Kept on the value itself so that a hit follows one pointer, not two.
 */
export interface LruEntry {
  stamp: number;
}

/**
 * Creates an {@link LruCache} holding at most `capacity` entries.
 *
 * @example
 * const cache = createLruCache<{ stamp: number; value: string }>(2);
 * cache.set('a', { stamp: 0, value: '1' });
 */
export function createLruCache<V extends LruEntry>(capacity: number): LruCache<V> {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`LRU capacity must be a positive integer, got ${capacity}`);
  }
  const entries = new Map<string, V>();
  const promoteAfter = Math.max(1, Math.floor(capacity / 2));
  let clock = 0;

  return {
    get(key) {
      const entry = entries.get(key);
      if (entry !== undefined && clock - entry.stamp >= promoteAfter) {
        entries.delete(key);
        entry.stamp = ++clock;
        entries.set(key, entry);
      }
      return entry;
    },
    set(key, entry) {
      entries.delete(key);
      entry.stamp = ++clock;
      entries.set(key, entry);
      if (entries.size > capacity) {
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
      }
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
