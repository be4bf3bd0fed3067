import { describe, expect, test } from 'vitest';
import { forEachLimit } from '../../src/helpers/each-limit.js';

/** A promise resolved from outside, so the test decides when each piece of work ends. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('forEachLimit', () => {
  test('runs every item, never more than limit at once', async () => {
    const gates = Array.from({ length: 5 }, deferred);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const done = forEachLimit([0, 1, 2, 3, 4], 2, async (item) => {
      started.push(item);
      running++;
      most = Math.max(most, running);
      await gates[item]?.promise;
      running--;
    });
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    for (const gate of gates) {
      gate.resolve();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await done;
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  test('a limit below 1 still makes progress, and no items resolve at once', async () => {
    const seen: number[] = [];
    await forEachLimit([1, 2], 0, async (item) => {
      seen.push(item);
    });
    expect(seen).toEqual([1, 2]);
    await expect(forEachLimit([], 4, async () => {})).resolves.toBeUndefined();
  });

  test('rejects with the first failure', async () => {
    await expect(
      forEachLimit([1, 2, 3], 2, async (item) => {
        if (item === 2) throw new Error('two');
      }),
    ).rejects.toThrow('two');
  });
});
