/** Deadlines watched by one shared timer; see {@link createDeadlineTimer}. */
export interface DeadlineTimer {
  /**
   * Calls `onExpire` once, at the first tick at or after `at` (a `performance.now()` time), unless
   * {@link DeadlineTimer.cancel} is called first. One callback is one deadline: adding it again moves
   * it. `onExpire` must not throw (the deadlines expiring on the same tick would be skipped).
   */
  add(at: number, onExpire: () => void): void;
  /** Forgets the deadline of `onExpire`; nothing happens if it has already expired or was never added. */
  cancel(onExpire: () => void): void;
  /** How many deadlines are pending. */
  readonly size: number;
}

/**
 * Many deadlines on one coarse timer instead of a `setTimeout` each: every `tickMs` the timer settles
 * the deadlines that have passed, so a deadline fires between its time and one tick later, never
 * before. The timer is unref'd (it never keeps a process alive) and stops at the first tick that
 * finds nothing pending; adding a deadline starts it again.
 *
 * @example
 * const deadlines = createDeadlineTimer(100);
 * const onExpire = () => finish(timedOut);
 * deadlines.add(performance.now() + timeoutMs, onExpire);
 * // when the work is done first:
 * deadlines.cancel(onExpire);
 */
export function createDeadlineTimer(tickMs: number): DeadlineTimer {
  const pending = new Map<() => void, number>();
  let ticker: ReturnType<typeof setInterval> | undefined;

  const tick = () => {
    const now = performance.now();
    const expired: (() => void)[] = [];
    for (const [onExpire, at] of pending) {
      if (at <= now) expired.push(onExpire);
    }
    for (const onExpire of expired) pending.delete(onExpire);
    if (pending.size === 0) {
      clearInterval(ticker);
      ticker = undefined;
    }
    for (const onExpire of expired) onExpire();
  };

  return {
    add(at, onExpire) {
      pending.set(onExpire, at);
      if (ticker === undefined) {
        ticker = setInterval(tick, tickMs);
        ticker.unref();
      }
    },
    cancel(onExpire) {
      pending.delete(onExpire);
    },
    get size() {
      return pending.size;
    },
  };
}

/**
 * How often the Node body reader's shared timer looks for reads past their deadline: a 408 comes
 * at most this much after `bodyTimeoutMs`.
 */
export const BODY_DEADLINE_TICK_MS = 100;

/** The deadlines of every Node body read in the process. */
export const bodyDeadlines: DeadlineTimer = createDeadlineTimer(BODY_DEADLINE_TICK_MS);
