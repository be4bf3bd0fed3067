import { createIdGenerator } from '../../consent/ids.js';
import type { OutboxJob } from '../../store/contract.js';
import { NOW, writeWithJobs } from './fixtures.js';
import type { GroupKit } from './types.js';

/** Outbox jobs: committed with their event, leased to one worker, retried, parked when dead. */
export function outboxTests({ define, expect }: GroupKit): void {
  define('jobs commit with their event and are leased to one worker', async ({ store, inspector }) => {
    await writeWithJobs(store, createIdGenerator(), 3);
    expect(await store.listJobs({ state: 'pending', limit: 10 })).toHaveLength(3);
    if (inspector) expect(await inspector.jobs()).toHaveLength(3);
    const first = await store.claimJobs({ limit: 2, leaseMs: 60_000, now: NOW, leaseToken: 'w1' });
    const second = await store.claimJobs({ limit: 10, leaseMs: 60_000, now: NOW, leaseToken: 'w2' });
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(1);
    expect(new Set([...first, ...second].map((job) => job.id)).size).toBe(3);
    const later = '2026-03-02T14:01:00.001Z';
    const reclaimed = await store.claimJobs({ limit: 10, leaseMs: 60_000, now: later, leaseToken: 'w3' });
    expect(reclaimed).toHaveLength(3);
    const job = first[0] as OutboxJob;
    expect(await store.completeJob(job.id, 'w1')).toBe(false);
    expect(await store.completeJob(job.id, 'w3')).toBe(true);
    const failing = reclaimed.find((candidate) => candidate.id !== job.id) as OutboxJob;
    expect(await store.retryJob(failing.id, 'w1', { availableAt: later, error: 'stale' })).toBe(false);
    expect(
      await store.retryJob(failing.id, 'w3', {
        availableAt: '2026-03-02T15:00:00.000Z',
        error: 'CRM down',
      }),
    ).toBe(true);
    const [retried] = (await store.listJobs({ state: 'pending', limit: 10 })).filter(
      (candidate) => candidate.id === failing.id,
    );
    expect(retried).toMatchObject({
      attempts: 1,
      lastError: 'CRM down',
      availableAt: '2026-03-02T15:00:00.000Z',
    });
    const early = await store.claimJobs({
      limit: 10,
      leaseMs: 60_000,
      now: '2026-03-02T14:30:00.000Z',
      leaseToken: 'w4',
    });
    expect(early.map((candidate) => candidate.id)).not.toContain(failing.id);
    const dueAgain = await store.claimJobs({
      limit: 10,
      leaseMs: 60_000,
      now: '2026-03-02T15:00:00.000Z',
      leaseToken: 'w5',
    });
    expect(dueAgain.map((candidate) => candidate.id)).toContain(failing.id);
    expect(await store.retryJob(failing.id, 'w5', { availableAt: later, error: 'gave up', dead: true })).toBe(
      true,
    );
    expect((await store.listJobs({ state: 'dead', limit: 10 })).map((candidate) => candidate.id)).toEqual([
      failing.id,
    ]);
  });

  define('concurrent workers never receive the same job', async ({ store }) => {
    await writeWithJobs(store, createIdGenerator(), 40);
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        store.claimJobs({ limit: 10, leaseMs: 60_000, now: NOW, leaseToken: `w${index}` }),
      ),
    );
    const ids = claims.flat().map((job) => job.id);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
  });
}
