import type { Clock } from '../consent/ids.js';

/** A clock that stands still until told to move: for tests with no sleeps. */
export interface FixedClock extends Clock {
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void;
  /** Sets the clock to a moment. */
  set(moment: Date | string | number): void;
}

/**
 * Creates a {@link FixedClock} starting at `start` (default 2026-01-01T00:00:00Z).
 *
 * @example
 * const clock = createFixedClock('2026-03-02T14:03:22Z');
 * const consent = createConsentManager({ store: createMemoryStore(), clock });
 * clock.advance(6 * 60_000);
 */
export function createFixedClock(start: Date | string | number = '2026-01-01T00:00:00Z'): FixedClock {
  let now = new Date(start).getTime();
  if (Number.isNaN(now)) throw new RangeError(`createFixedClock: invalid start ${String(start)}`);
  return {
    now: () => new Date(now),
    advance(ms) {
      now += ms;
    },
    set(moment) {
      now = new Date(moment).getTime();
    },
  };
}
