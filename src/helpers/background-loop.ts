/** A background loop: `start()` runs the work now and then every interval; `stop()` waits for it. */
export interface BackgroundLoop {
  /** Starts the loop (a second call does nothing). The timer does not keep the process alive. */
  start(): void;
  /** Stops the loop and resolves once the round in progress, if any, has finished. */
  stop(): Promise<void>;
  /** Whether the loop is started. */
  readonly running: boolean;
}

/**
 * Runs `work` in a loop: at once, then `intervalMs` after each round ends (rounds never overlap).
 * A round that throws is reported to `onError` and the loop goes on.
 */
export function createBackgroundLoop(
  work: () => Promise<unknown>,
  options: { readonly intervalMs: number; readonly onError: (error: unknown) => void },
): BackgroundLoop {
  let active = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let round: Promise<void> | undefined;

  function schedule(ms: number): void {
    timer = setTimeout(tick, ms);
    timer.unref?.();
  }

  function tick(): void {
    timer = undefined;
    round = (async () => {
      try {
        await work();
      } catch (error) {
        options.onError(error);
      }
    })();
    void round.then(() => {
      round = undefined;
      if (active) schedule(options.intervalMs);
    });
  }

  return {
    start() {
      if (active) return;
      active = true;
      if (!round) schedule(0);
    },
    async stop() {
      active = false;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await round;
    },
    get running() {
      return active;
    },
  };
}
