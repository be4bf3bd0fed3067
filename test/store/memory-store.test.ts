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
    }),
  });
});
