import { createMemoryStore, type E164 } from 'sms-consent';
import { runConsentStoreTests } from 'sms-consent/testing';
import { describe, expect, test } from 'vitest';

describe('memory store conformance', () => {
  runConsentStoreTests({
    test,
    expect,
    createStore: () => createMemoryStore(),
    inspect: (store) => ({
      events: async (tenantId) => [...(store.internals.tenants.get(tenantId)?.events ?? [])],
      status: async (tenantId, phone: E164) =>
        store.internals.tenants.get(tenantId)?.statuses.get(phone) ?? null,
      keyCount: async (tenantId) => store.internals.tenants.get(tenantId)?.keys.size ?? 0,
      jobs: async () => [...store.internals.jobs.values()],
      reviews: async (tenantId) =>
        [...(store.internals.reviews.get(tenantId)?.byId.values() ?? [])].map((review) => ({
          id: review.id,
          key: review.key,
          state: review.state,
          ...(review.resolution ? { decision: review.resolution.decision } : {}),
        })),
    }),
  });
});

describe('runConsentStoreTests registration', () => {
  test('left-out groups and inspector-only tests go through the runner’s skip', () => {
    const ran: string[] = [];
    const skipped: string[] = [];
    const runner = Object.assign((name: string) => void ran.push(name), {
      skip: (name: string) => void skipped.push(name),
    });
    runConsentStoreTests({ test: runner, expect, createStore: () => createMemoryStore(), skip: ['outbox'] });
    expect(skipped).toEqual([
      'ledger: the raw rows agree with what the adapter reads back',
      'outbox: jobs commit with their event and are leased to one worker',
      'outbox: concurrent workers never receive the same job',
    ]);
    expect(ran.some((name) => name.startsWith('outbox: '))).toBe(false);
    expect(ran).toContain('tenants: outbox claims and lists with a tenantId return only that tenant’s jobs');
  });

  test('a runner without skip leaves those tests out', () => {
    const ran: string[] = [];
    runConsentStoreTests({
      test: (name) => void ran.push(name),
      expect,
      createStore: () => createMemoryStore(),
      skip: ['outbox'],
    });
    expect(ran.some((name) => name.startsWith('outbox: '))).toBe(false);
    expect(ran.length).toBeGreaterThan(10);
  });
});
