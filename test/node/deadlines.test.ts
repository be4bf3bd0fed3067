import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { BODY_DEADLINE_TICK_MS, bodyDeadlines, createDeadlineTimer } from '../../src/node/deadlines.js';
import { abandoned, type NodeRequest, readNodeBody } from '../../src/node/read-body.js';
import type { BodyOutcome } from '../../src/webhooks/body.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A request whose body arrives only as the test writes it. */
function streamedRequest(): PassThrough & NodeRequest {
  return Object.assign(new PassThrough(), { headers: {} }) as unknown as PassThrough & NodeRequest;
}

/** The outcome once settled, `undefined` while the read is pending. */
function watch(read: Promise<BodyOutcome>): { readonly outcome: BodyOutcome | undefined } {
  const seen: { outcome: BodyOutcome | undefined } = { outcome: undefined };
  read.then((outcome) => {
    seen.outcome = outcome;
  });
  return seen;
}

describe('createDeadlineTimer', () => {
  test('calls a deadline once, at the first tick at or after its time, never before', () => {
    const deadlines = createDeadlineTimer(100);
    const onExpire = vi.fn();
    deadlines.add(performance.now() + 250, onExpire);
    vi.advanceTimersByTime(249);
    expect(onExpire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    expect(onExpire).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1_000);
    expect(onExpire).toHaveBeenCalledTimes(1);
  });

  test('never calls a cancelled deadline', () => {
    const deadlines = createDeadlineTimer(100);
    const onExpire = vi.fn();
    deadlines.add(performance.now() + 50, onExpire);
    deadlines.cancel(onExpire);
    vi.advanceTimersByTime(1_000);
    expect(onExpire).not.toHaveBeenCalled();
    expect(deadlines.size).toBe(0);
  });

  test('runs one unref’d timer for all its deadlines, stopped once nothing is pending', () => {
    const deadlines = createDeadlineTimer(100);
    const before = vi.getTimerCount();
    const spy = vi.spyOn(globalThis, 'setInterval');
    const callbacks = Array.from({ length: 20 }, () => vi.fn());
    for (const [index, onExpire] of callbacks.entries())
      deadlines.add(performance.now() + index * 10, onExpire);
    expect(spy).toHaveBeenCalledTimes(1);
    const ticker = spy.mock.results[0]?.value as NodeJS.Timeout | undefined;
    expect(ticker?.hasRef()).toBe(false);
    expect(vi.getTimerCount()).toBe(before + 1);
    vi.advanceTimersByTime(200);
    for (const onExpire of callbacks) expect(onExpire).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(before);
    spy.mockRestore();
  });

  test('starts again for a deadline added after it stopped', () => {
    const deadlines = createDeadlineTimer(100);
    deadlines.add(performance.now() + 10, () => {});
    vi.advanceTimersByTime(100);
    const onExpire = vi.fn();
    deadlines.add(performance.now() + 10, onExpire);
    vi.advanceTimersByTime(100);
    expect(onExpire).toHaveBeenCalledTimes(1);
  });
});

describe('readNodeBody deadline', () => {
  const limits = { maxBytes: 64, timeoutMs: 250 };

  test('answers a slow body 408 after its deadline, within one tick of it', async () => {
    const req = streamedRequest();
    const read = watch(readNodeBody(req, limits));
    req.write('From=%2B1');
    await vi.advanceTimersByTimeAsync(limits.timeoutMs - 1);
    expect(read.outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(BODY_DEADLINE_TICK_MS);
    expect(read.outcome).toEqual({
      ok: false,
      refusal: { status: 408, message: 'The body did not arrive within 250 ms' },
    });
    expect(abandoned.has(req)).toBe(true);
    expect(bodyDeadlines.size).toBe(0);
  });

  test('leaves a read that finished before its deadline as it settled', async () => {
    const req = streamedRequest();
    const read = watch(readNodeBody(req, limits));
    req.end('Body=hi');
    await vi.advanceTimersByTimeAsync(0);
    const settled = read.outcome;
    expect(settled?.ok).toBe(true);
    expect(bodyDeadlines.size).toBe(0);
    await vi.advanceTimersByTimeAsync(limits.timeoutMs * 4);
    expect(read.outcome).toBe(settled);
    expect(abandoned.has(req)).toBe(false);
  });

  test('gives each of many concurrent reads its own outcome', async () => {
    const requests = Array.from({ length: 60 }, () => streamedRequest());
    const reads = requests.map((req) => watch(readNodeBody(req, limits)));
    for (const [index, req] of requests.entries()) {
      if (index % 3 === 0) req.end(`Body=${index}`);
      else if (index % 3 === 1) req.write('x'.repeat(limits.maxBytes + 1));
      else req.write('Body=slow');
    }
    await vi.advanceTimersByTimeAsync(0);
    for (const [index, read] of reads.entries()) {
      if (index % 3 === 0) expect(read.outcome).toMatchObject({ ok: true, body: { text: `Body=${index}` } });
      else if (index % 3 === 1) expect(read.outcome).toMatchObject({ ok: false, refusal: { status: 413 } });
      else expect(read.outcome).toBeUndefined();
    }
    expect(bodyDeadlines.size).toBe(20);
    await vi.advanceTimersByTimeAsync(limits.timeoutMs + BODY_DEADLINE_TICK_MS);
    for (const [index, read] of reads.entries()) {
      const status = read.outcome?.ok === false ? read.outcome.refusal.status : 200;
      expect(status).toBe(index % 3 === 0 ? 200 : index % 3 === 1 ? 413 : 408);
    }
    expect(bodyDeadlines.size).toBe(0);
  });
});
