/** Options of {@link createTokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens added per second (the sustained request rate). */
  readonly ratePerSecond: number;
  /** Most tokens held at once: how many requests may go out back to back (default: `ratePerSecond`). */
  readonly burst?: number;
  /** Milliseconds clock (default `Date.now`); tests inject a virtual one. */
  readonly now?: () => number;
  /** Waits `ms` milliseconds (default a timer); tests inject one that advances the virtual clock. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A token bucket: `take()` resolves when a request may go out. */
export interface TokenBucket {
  /** Waits for a token and uses it. Callers are served in call order. */
  take(): Promise<void>;
  /** Makes everyone wait `ms` more before the next request (a 429's `Retry-After`). */
  pause(ms: number): void;
}

/** Waits with a timer. */
export const sleepFor = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * A token bucket rate limiter shared by every request of one CRM account: it starts full (`burst`
 * requests at once), then refills at `ratePerSecond`. Waiters are served first come, first served.
 *
 * @example
 * const bucket = createTokenBucket({ ratePerSecond: 5 });
 * await bucket.take(); // then send the request
 */
export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const rate = options.ratePerSecond;
  if (!(rate > 0) || !Number.isFinite(rate)) {
    throw new RangeError(`createTokenBucket: ratePerSecond must be a positive number, got ${rate}`);
  }
  const capacity = Math.max(1, options.burst ?? rate);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepFor;
  let tokens = capacity;
  let updatedAt = now();
  let pausedUntil = 0;
  let queue: Promise<void> = Promise.resolve();

  function refill(): void {
    const at = now();
    tokens = Math.min(capacity, tokens + ((at - updatedAt) / 1000) * rate);
    updatedAt = at;
  }

  async function acquire(): Promise<void> {
    for (;;) {
      const waitPause = pausedUntil - now();
      if (waitPause > 0) {
        await sleep(waitPause);
        continue;
      }
      refill();
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - tokens) / rate) * 1000));
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
      tokens = 0;
      updatedAt = now();
    },
  };
}
