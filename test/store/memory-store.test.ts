import { createMemoryStore } from 'sms-consent';
import { runConsentStoreTests } from 'sms-consent/testing';
import { describe, expect, test } from 'vitest';
import { memoryInspector, memoryTamperer } from './memory-tamperer.js';

describe('memory store conformance', () => {
  runConsentStoreTests({
    test,
    expect,
    createStore: () => createMemoryStore(),
    inspect: memoryInspector,
    tamper: memoryTamperer,
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
    expect(skipped.filter((name) => !name.startsWith('audit: '))).toEqual([
      'ledger: the raw rows agree with what the adapter reads back',
      'outbox: jobs commit with their event and are leased to one worker',
      'outbox: concurrent workers never receive the same job',
    ]);
    // Without a tamperer, every tampering test of the audit group is skipped, none silently passes.
    expect(skipped.filter((name) => name.startsWith('audit: '))).toHaveLength(10);
    expect(ran).toContain('audit: an Ed25519 checkpoint is checked with the public key alone');
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
