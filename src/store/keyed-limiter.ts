import type { Release } from './keyed-mutex.js';

/** Thrown by {@link KeyedLimiter.acquire} when no turn came within the deadline. */
export class TurnTimeoutError extends Error {
  constructor(key: string, timeoutMs: number) {
    super(`no turn for ${key} within ${timeoutMs} ms`);
    this.name = 'TurnTimeoutError';
  }
}

/** At most `limit` holders per key at once; the others wait in arrival order. */
export interface KeyedLimiter {
  /** Resolves with a release once a turn is free; rejects with {@link TurnTimeoutError} after `timeoutMs` (> 0). */
  acquire(key: string, timeoutMs?: number): Promise<Release>;
}

interface Waiter {
  readonly grant: () => void;
}

/** Creates a {@link KeyedLimiter}; idle keys take no memory. `limit` 1 is a mutex. */
export function createKeyedLimiter(limit: number): KeyedLimiter {
  const states = new Map<string, { active: number; readonly waiting: Waiter[] }>();
  const releaseOf = (key: string): Release => {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const state = states.get(key);
      if (!state) return;
      const next = state.waiting.shift();
      if (next) next.grant();
      else if (--state.active === 0) states.delete(key);
    };
  };
  return {
    acquire(key, timeoutMs) {
      let state = states.get(key);
      if (!state) {
        state = { active: 0, waiting: [] };
        states.set(key, state);
      }
      if (state.active < limit) {
        state.active++;
        return Promise.resolve(releaseOf(key));
      }
      const queue = state.waiting;
      return new Promise<Release>((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        // A granted turn is handed over as is (`active` unchanged): the releaser's slot becomes ours.
        const waiter: Waiter = {
          grant: () => {
            if (timer !== undefined) clearTimeout(timer);
            resolve(releaseOf(key));
          },
        };
        queue.push(waiter);
        if (timeoutMs !== undefined && timeoutMs > 0) {
          timer = setTimeout(() => {
            const index = queue.indexOf(waiter);
            if (index >= 0) queue.splice(index, 1);
            reject(new TurnTimeoutError(key, timeoutMs));
          }, timeoutMs);
        }
      });
    },
  };
}
