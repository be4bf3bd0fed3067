/** Releases a lock taken with {@link KeyedMutex.acquire}. */
export type Release = () => void;

/** In-process locks by key: callers of the same key run one after another, in arrival order. */
export interface KeyedMutex {
  acquire(key: string): Promise<Release>;
}

/** Creates a {@link KeyedMutex}; idle keys take no memory. */
export function createKeyedMutex(): KeyedMutex {
  const tails = new Map<string, Promise<void>>();
  return {
    async acquire(key) {
      const previous = tails.get(key);
      let release!: Release;
      const current = new Promise<void>((resolve) => {
        release = () => {
          if (tails.get(key) === current) tails.delete(key);
          resolve();
        };
      });
      tails.set(key, current);
      if (previous) await previous;
      return release;
    },
  };
}
