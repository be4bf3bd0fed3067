import { z } from 'zod';
import { mustBe, parseConfig } from '../helpers/config.js';

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** Sustained requests per second. */
  readonly requestsPerSecond: number;
  /**
   * Requests that may go out back to back (default: one second's worth). Never more than `burst`
   * requests start within any `burst / requestsPerSecond` seconds.
   */
  readonly burst?: number;
  /** Milliseconds clock (default `Date.now`); tests inject a virtual one. */
  readonly now?: () => number;
  /** Waits `ms` milliseconds (default a timer); tests inject one that advances the virtual clock. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A rate limiter: `take()` resolves when a request may go out. */
export interface RateLimiter {
  /** Waits for a turn and uses it. Callers are served in call order. */
  take(): Promise<void>;
  /** Makes everyone wait `ms` more before the next request (a 429's `Retry-After`). */
  pause(ms: number): void;
}

const optionsSchema = z.object({
  requestsPerSecond: z.number(mustBe('requestsPerSecond', 'a positive number')).positive(),
  burst: z.number(mustBe('burst', 'a number of at least 1')).min(1).optional(),
});

/** Waits with a timer. */
export const sleepFor = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * A sliding-window rate limiter shared by every request of one CRM account: at most `burst`
 * requests start in any window of `burst / requestsPerSecond` seconds (5 per second by default for
 * 5 per second), which is how APIs such as ActiveCampaign count. Unlike a token limiter it never lets
 * a refilled burst follow a full one inside the same second. Waiters are served first come, first
 * served; `pause` holds everyone back after a 429. A `requestsPerSecond` that is not a positive number,
 * or a `burst` below 1, is a `ConsentError` of code `CONFIG`.
 *
 * @example
 * const limiter = createRateLimiter({ requestsPerSecond: 5 });
 * await limiter.take(); // then send the request
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { requestsPerSecond: rate } = parseConfig(optionsSchema, options, 'createRateLimiter');
  const burst = Math.max(1, Math.floor(options.burst ?? rate));
  const windowMs = (burst / rate) * 1000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepFor;
  /** Start times of the last `burst` requests, oldest first. */
  const starts: number[] = [];
  let pausedUntil = Number.NEGATIVE_INFINITY;
  let queue: Promise<void> = Promise.resolve();

  async function acquire(): Promise<void> {
    for (;;) {
      const at = now();
      const oldest = starts.length < burst ? Number.NEGATIVE_INFINITY : (starts[0] as number);
      const wait = Math.max(pausedUntil - at, oldest + windowMs - at);
      if (wait <= 0) {
        starts.push(at);
        if (starts.length > burst) starts.shift();
        return;
      }
      await sleep(Math.ceil(wait));
    }
  }

  return {
    take() {
      const turn = queue.then(acquire);
      queue = turn.catch(() => undefined);
      return turn;
    },
    pause(ms) {
      pausedUntil = Math.max(pausedUntil, now() + ms);
    },
  };
}
