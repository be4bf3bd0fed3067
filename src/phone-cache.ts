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
  // Recency order lives in a queue of (key, stamp) beside the Map: evicting through
  // `entries.keys().next()` would skip every tombstone the Map keeps at its front, which made each
  // eviction cost O(capacity) under a stream of distinct keys. A queued pair whose stamp no longer
  // matches its entry was superseded by a later use and is skipped.
  let queueKeys: string[] = [];
  let queueStamps: number[] = [];
  let head = 0;

  function touch(key: string, entry: V): void {
    entry.stamp = ++clock;
    queueKeys.push(key);
    queueStamps.push(entry.stamp);
    // Uses without evictions only add pairs: drop the superseded ones once they outnumber the live.
    if (queueKeys.length - head > 2 * capacity + 1024) compact();
  }

  function compact(): void {
    const keys: string[] = [];
    const stamps: number[] = [];
    for (let index = head; index < queueKeys.length; index++) {
      const key = queueKeys[index] as string;
      const stamp = queueStamps[index] as number;
      if (entries.get(key)?.stamp === stamp) {
        keys.push(key);
        stamps.push(stamp);
      }
    }
    queueKeys = keys;
    queueStamps = stamps;
    head = 0;
  }

  function evictOldest(): void {
    while (head < queueKeys.length) {
      const key = queueKeys[head] as string;
      const stamp = queueStamps[head] as number;
      head++;
      if (entries.get(key)?.stamp === stamp) {
        entries.delete(key);
        break;
      }
    }
    if (head > 1024 && head * 2 > queueKeys.length) compact();
  }

  return {
    get(key) {
      const entry = entries.get(key);
      if (entry !== undefined && clock - entry.stamp >= promoteAfter) touch(key, entry);
      return entry;
    },
    set(key, entry) {
      entries.set(key, entry);
      touch(key, entry);
      if (entries.size > capacity) evictOldest();
    },
    clear() {
      entries.clear();
      queueKeys = [];
      queueStamps = [];
      head = 0;
    },
    get size() {
      return entries.size;
    },
  };
}
