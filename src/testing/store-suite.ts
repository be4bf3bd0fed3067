import { sealEvent } from '../consent/audit.js';
import { createIdGenerator } from '../consent/ids.js';
import { createConsentManager } from '../consent/manager.js';
import { foldConsent } from '../consent/rules.js';
import type { ConsentEvent, ConsentStatusValue } from '../consent/types.js';
import type { E164 } from '../phone.js';
import type { ConsentStore, OutboxJob } from '../store/contract.js';
import { createFixedClock } from './clock.js';

/** The parts of a test runner the suite needs (vitest, jest, node:test with an expect library). */
export interface SuiteRunner {
  /** Registers a test; the suite's titles start with the group name. */
  readonly test: (name: string, fn: () => Promise<void>) => void;
  /** Jest/vitest-style `expect`. */
  // biome-ignore lint/suspicious/noExplicitAny: the suite works with any expect implementation
  readonly expect: (actual: unknown) => any;
}

/** Raw reads of what an adapter wrote, bypassing its own getters (raw SQL for a database). */
export interface StoreInspector {
  /** Every event of the tenant in `seq` order. */
  events(tenantId: string): Promise<ConsentEvent[]>;
  /** The status row of one number, or null. */
  status(
    tenantId: string,
    phone: E164,
  ): Promise<{ status: ConsentStatusValue; causeEventId?: string } | null>;
  /** How many idempotency keys the tenant holds. */
  keyCount(tenantId: string): Promise<number>;
  /** Every outbox job. */
  jobs(): Promise<OutboxJob[]>;
}

/** The groups of {@link runConsentStoreTests}; each can be switched off. */
export type StoreSuiteGroup =
  | 'ledger'
  | 'idempotency'
  | 'ordering'
  | 'concurrency'
  | 'tenants'
  | 'reads'
  | 'confirmation'
  | 'outbox';

/** Options of {@link runConsentStoreTests}. */
export interface StoreSuiteOptions<S extends ConsentStore> extends SuiteRunner {
  /** A fresh, empty store for every test. The suite closes it at the end of the test. */
  readonly createStore: () => S | Promise<S>;
  /** Independent reads of the store's data; strongly recommended. */
  readonly inspect?: (store: S) => StoreInspector;
  /** Groups to leave out. */
  readonly skip?: readonly StoreSuiteGroup[];
  /** Writers in the concurrency group (default 200). */
  readonly concurrency?: number;
}

const PHONE = '+14155552671' as E164;
const OTHER = '+14155550123' as E164;

/**
 * The conformance suite of the {@link ConsentStore} contract: registers one test per rule with the
 * runner you pass, so any adapter can prove itself in its own test files.
 *
 * @example
 * import { expect, test } from 'vitest';
 * import { runConsentStoreTests } from 'sms-consent/testing';
 * runConsentStoreTests({ test, expect, createStore: () => createMyStore() });
 */
export function runConsentStoreTests<S extends ConsentStore>(options: StoreSuiteOptions<S>): void {
  const { expect } = options;
  const skipped = new Set(options.skip ?? []);
  const writers = options.concurrency ?? 200;

  function group(name: StoreSuiteGroup, title: string, body: (context: Context<S>) => Promise<void>): void {
    if (skipped.has(name)) return;
    options.test(`${name}: ${title}`, async () => {
      const store = await options.createStore();
      const clock = createFixedClock('2026-03-02T14:00:00Z');
      const consent = createConsentManager({ store, clock, defaultCountry: 'US' });
      try {
        await body({ store, consent, clock, inspector: options.inspect?.(store) });
      } finally {
        await store.close();
      }
    });
  }

  async function expectFoldMatches(store: S, tenantId: string, phone: E164): Promise<ConsentEvent[]> {
    const events = await store.getEvents(tenantId, phone);
    const fold = foldConsent(events);
    const status = await store.getStatus(tenantId, phone);
    expect(status?.status ?? 'unknown').toBe(fold.status);
    expect(status?.cause?.id).toBe(fold.cause?.id);
    return events;
  }

  group('ledger', 'appends the event and its status row together', async ({ store, consent, inspector }) => {
    const { event } = await consent.record({
      phone: PHONE,
      action: 'opt_out',
      source: 'admin',
      actor: 'ops',
    });
    const status = await store.getStatus('default', PHONE);
    expect(status?.status).toBe('opted_out');
    expect(status?.cause?.id).toBe(event.id);
    expect(status?.since).toBe(event.occurredAt);
    expect(await store.getEvent('default', event.id)).toEqual(event);
    if (inspector) {
      expect(await inspector.events('default')).toEqual([event]);
      expect(await inspector.status('default', PHONE)).toMatchObject({
        status: 'opted_out',
        causeEventId: event.id,
      });
    }
  });

  group('ledger', 'a failed transaction leaves nothing behind', async ({ store, inspector }) => {
    const ids = createIdGenerator();
    const attempt = store.transact('default', PHONE, async (tx) => {
      const event = draftEvent(ids('evt'), PHONE, 'opt_out');
      expect(await tx.claimKey('msg:SM-fail', event.id)).toEqual({ claimed: true });
      await tx.append(sealEvent(event, await tx.chainHead()));
      await tx.putStatus({
        status: 'opted_out',
        since: event.occurredAt,
        causeEventId: event.id,
        lastEventId: event.id,
      });
      await tx.enqueue({
        id: ids('job'),
        tenantId: 'default',
        phone: PHONE,
        kind: 'crm_sync',
        eventId: event.id,
        createdAt: event.occurredAt,
      });
      throw new Error('fails after every write');
    });
    await expect(attempt).rejects.toThrow();
    expect(await store.getEvents('default', PHONE)).toEqual([]);
    expect(await store.getStatus('default', PHONE)).toBeNull();
    expect(await store.readLedger('default', { afterSeq: 0, limit: 10 })).toEqual([]);
    expect(await store.listJobs({ state: 'pending', limit: 10 })).toEqual([]);
    const retry = await store.transact('default', PHONE, (tx) => tx.claimKey('msg:SM-fail', 'evt_retry'));
    expect(retry).toEqual({ claimed: true });
    if (inspector) {
      expect(await inspector.events('default')).toEqual([]);
      expect(await inspector.status('default', PHONE)).toBeNull();
      expect(await inspector.jobs()).toEqual([]);
    }
  });

  group('ledger', 'refuses an event that does not follow the chain head', async ({ store, consent }) => {
    await consent.record({ phone: PHONE, action: 'opt_out', source: 'admin' });
    const ids = createIdGenerator();
    const attempt = store.transact('default', OTHER, async (tx) => {
      const head = await tx.chainHead();
      await tx.append(
        sealEvent(
          draftEvent(ids('evt'), OTHER, 'opt_out'),
          head ? { seq: head.seq + 1, hash: head.hash } : null,
        ),
      );
    });
    await expect(attempt).rejects.toThrow();
    expect(await store.getEvents('default', OTHER)).toEqual([]);
  });

  group(
    'ledger',
    'reads the ledger in seq order, paged, and verifies as a chain',
    async ({ store, consent, clock }) => {
      for (let index = 0; index < 25; index++) {
        clock.advance(1000);
        await consent.record({
          phone: `+1415555${String(1000 + index)}`,
          action: index % 3 ? 'opt_out' : 'opt_in',
          source: 'api',
        });
      }
      const first = await store.readLedger('default', { afterSeq: 0, limit: 10 });
      const rest = await store.readLedger('default', { afterSeq: 10, limit: 100 });
      expect(first.map((event) => event.seq)).toEqual(range(1, 10));
      expect(rest.map((event) => event.seq)).toEqual(range(11, 25));
      expect(await consent.verifyAuditTrail()).toEqual({ ok: true, checked: 25 });
    },
  );

  group('ledger', 'keeps hostile evidence text exactly as the core sealed it', async ({ store, consent }) => {
    const body = `STOP\u0000 \uD800 ＳＴＯＰ 🛑 e\u0301 ${'x'.repeat(1600)}`;
    const { event } = await consent.record({
      phone: PHONE,
      action: 'opt_out',
      source: 'import',
      evidence: { body, note: 'line one\r\nline "two"', messageId: 'SM\u0000x' },
    });
    expect(event.evidence.body).toBe(body.replace('\u0000', '\uFFFD').replace('\uD800', '\uFFFD'));
    expect(await store.getEvent('default', event.id)).toEqual(event);
    expect(await consent.verifyAuditTrail()).toEqual({ ok: true, checked: 1 });
  });

  group('ledger', 'offers no way to change or delete an event', async ({ store }) => {
    const names = allMethodNames(store).filter((name) => /^(update|delete|remove|edit|set|put)/i.test(name));
    expect(names).toEqual([]);
  });

  group('idempotency', 'the same key twice records one event', async ({ store, consent, inspector }) => {
    const first = await consent.handleInbound({
      from: PHONE,
      to: '+18005550100',
      body: 'STOP',
      messageId: 'SM1',
    });
    const second = await consent.handleInbound({
      from: PHONE,
      to: '+18005550100',
      body: 'STOP',
      messageId: 'SM1',
    });
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.event?.id).toBe(first.event?.id);
    expect(await store.getEvents('default', PHONE)).toHaveLength(1);
    if (inspector) expect(await inspector.keyCount('default')).toBe(1);
  });

  group(
    'idempotency',
    'concurrent claims of one key: exactly one wins',
    async ({ store, consent, inspector }) => {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          consent.record({
            phone: index % 2 ? PHONE : OTHER,
            action: 'opt_out',
            source: 'api',
            idempotencyKey: 'same-key',
          }),
        ),
      );
      const winners = results.filter((result) => !result.duplicate);
      expect(winners).toHaveLength(1);
      for (const result of results) expect(result.event.id).toBe(winners[0]?.event.id);
      const ledger = await store.readLedger('default', { afterSeq: 0, limit: 100 });
      expect(ledger).toHaveLength(1);
      if (inspector) expect(await inspector.keyCount('default')).toBe(1);
    },
  );

  group('idempotency', 'keys are scoped by tenant', async ({ consent }) => {
    const a = await consent.record({
      phone: PHONE,
      action: 'opt_out',
      source: 'api',
      idempotencyKey: 'k',
      tenantId: 'a',
    });
    const b = await consent.record({
      phone: PHONE,
      action: 'opt_out',
      source: 'api',
      idempotencyKey: 'k',
      tenantId: 'b',
    });
    expect(a.duplicate).toBe(false);
    expect(b.duplicate).toBe(false);
  });

  group('ordering', 'a late older STOP does not override a newer START', async ({ store, consent }) => {
    await consent.handleInbound({
      from: PHONE,
      body: 'START',
      messageId: 'SM-start',
      receivedAt: '2026-03-02T10:05:00Z',
    });
    const late = await consent.handleInbound({
      from: PHONE,
      body: 'STOP',
      messageId: 'SM-stop',
      receivedAt: '2026-03-02T10:00:00Z',
    });
    expect(late.changed).toBe(false);
    expect((await store.getStatus('default', PHONE))?.status).toBe('opted_in');
    await expectFoldMatches(store, 'default', PHONE);
  });

  group(
    'ordering',
    'the status row is the fold of the ledger after every write',
    async ({ store, consent }) => {
      const script: [string, string][] = [
        ['STOP', '2026-03-02T10:00:00Z'],
        ['START', '2026-03-02T09:00:00Z'],
        ['START', '2026-03-02T11:00:00Z'],
        ['STOP', '2026-03-02T10:30:00Z'],
        ['STOP', '2026-03-02T11:00:00Z'],
      ];
      for (const [index, [body, receivedAt]] of script.entries()) {
        await consent.handleInbound({ from: PHONE, body, messageId: `SM${index}`, receivedAt });
        await expectFoldMatches(store, 'default', PHONE);
      }
      await consent.record({
        phone: PHONE,
        action: 'opt_in',
        source: 'form',
        occurredAt: '2026-03-02T12:00:00Z',
      });
      const events = await expectFoldMatches(store, 'default', PHONE);
      expect(foldConsent(events).status).toBe('opted_out');
    },
  );

  group(
    'concurrency',
    `${writers} concurrent STOP/START on one number lose nothing`,
    async ({ store, consent }) => {
      await Promise.all(
        Array.from({ length: writers }, (_, index) =>
          consent.handleInbound({
            from: PHONE,
            body: index % 3 === 0 ? 'START' : 'STOP',
            messageId: `SM${index}`,
            receivedAt: new Date(Date.UTC(2026, 2, 2, 10, 0, 0, (index * 7919) % writers)).toISOString(),
          }),
        ),
      );
      const events = await expectFoldMatches(store, 'default', PHONE);
      expect(events).toHaveLength(writers);
      expect(new Set(events.map((event) => event.seq)).size).toBe(writers);
      expect(await consent.verifyAuditTrail()).toEqual({ ok: true, checked: writers });
    },
  );

  group(
    'concurrency',
    'concurrent writers on many numbers keep one unbroken chain',
    async ({ store, consent }) => {
      const phones = Array.from({ length: 20 }, (_, index) => `+1415555${String(2000 + index)}` as E164);
      await Promise.all(
        Array.from({ length: 100 }, (_, index) =>
          consent.record({
            phone: phones[index % phones.length] ?? PHONE,
            action: index % 4 ? 'opt_out' : 'opt_in',
            source: 'api',
          }),
        ),
      );
      expect(await consent.verifyAuditTrail()).toEqual({ ok: true, checked: 100 });
      for (const phone of phones) await expectFoldMatches(store, 'default', phone);
    },
  );

  group('tenants', 'one tenant never sees another tenant’s data', async ({ store, consent }) => {
    const { event } = await consent.record({
      phone: PHONE,
      action: 'opt_out',
      source: 'admin',
      tenantId: 'firm-a',
    });
    expect(await store.getStatus('firm-b', PHONE)).toBeNull();
    expect((await store.getStatuses('firm-b', [PHONE])).size).toBe(0);
    expect((await store.listStatuses('firm-b', { limit: 10 })).items).toEqual([]);
    expect(await store.getEvents('firm-b', PHONE)).toEqual([]);
    expect(await store.getEvent('firm-b', event.id)).toBeNull();
    expect(await store.readLedger('firm-b', { afterSeq: 0, limit: 10 })).toEqual([]);
    expect((await consent.canSend(PHONE, { tenantId: 'firm-b' })).allowed).toBe(true);
    expect((await consent.canSend(PHONE, { tenantId: 'firm-a' })).allowed).toBe(false);
    const second = await consent.record({
      phone: PHONE,
      action: 'opt_out',
      source: 'admin',
      tenantId: 'firm-b',
    });
    expect(second.event.seq).toBe(1);
    expect((await store.listTenants()).sort()).toEqual(['firm-a', 'firm-b']);
  });

  group('reads', 'reads many numbers at once', async ({ store, consent }) => {
    const phones = Array.from({ length: 30 }, (_, index) => `+1415555${String(3000 + index)}` as E164);
    for (const [index, phone] of phones.entries()) {
      if (index % 3 === 2) continue;
      await consent.record({ phone, action: index % 3 === 0 ? 'opt_out' : 'opt_in', source: 'api' });
    }
    const statuses = await store.getStatuses('default', [...phones, '+14155559999' as E164]);
    for (const [index, phone] of phones.entries()) {
      expect(statuses.get(phone)).toBe(
        index % 3 === 0 ? 'opted_out' : index % 3 === 1 ? 'opted_in' : undefined,
      );
    }
    expect(statuses.size).toBe(20);
  });

  group('reads', 'pages statuses by phone and by status value', async ({ store, consent }) => {
    const phones = Array.from({ length: 23 }, (_, index) => `+1415555${String(4000 + index)}` as E164);
    for (const [index, phone] of [...phones].reverse().entries()) {
      await consent.record({ phone, action: index % 2 ? 'opt_in' : 'opt_out', source: 'api' });
    }
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await store.listStatuses('default', {
        status: 'opted_out',
        limit: 5,
        ...(after ? { after } : {}),
      });
      expect(page.items.length).toBeLessThanOrEqual(5);
      for (const item of page.items) {
        expect(item.status).toBe('opted_out');
        expect(item.cause?.action).toBe('opt_out');
        seen.push(item.phone);
      }
      after = page.next;
    } while (after !== undefined);
    const expected = (await store.listStatuses('default', { limit: 100 })).items
      .filter((item) => item.status === 'opted_out')
      .map((item) => item.phone);
    expect(seen).toEqual([...seen].sort());
    expect(seen).toEqual(expected);
    expect(seen).toHaveLength(12);
  });

  group(
    'confirmation',
    'the pending confirmation is used up exactly once',
    async ({ store, consent, clock }) => {
      const inbound = await consent.handleInbound({
        from: PHONE,
        body: 'please stop texting me',
        messageId: 'SM-phrase',
      });
      expect(inbound.reply).toBeTypeOf('string');
      const text = inbound.reply as string;
      const now = clock.now().toISOString();
      expect(await store.consumeConfirmation('default', PHONE, 'Big sale!', now)).toBe(false);
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.consumeConfirmation('default', PHONE, text, now)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.consumeConfirmation('default', PHONE, text, now)).toBe(false);
    },
  );

  group('confirmation', 'the confirmation expires after its window', async ({ store, consent, clock }) => {
    const inbound = await consent.handleInbound({ from: PHONE, body: 'Stop.', messageId: 'SM-folded' });
    clock.advance(5 * 60_000 + 1);
    expect(
      await store.consumeConfirmation('default', PHONE, inbound.reply ?? '', clock.now().toISOString()),
    ).toBe(false);
  });

  group(
    'outbox',
    'jobs commit with their event and are leased to one worker',
    async ({ store, inspector }) => {
      await writeWithJobs(store, 3);
      expect(await store.listJobs({ state: 'pending', limit: 10 })).toHaveLength(3);
      if (inspector) expect(await inspector.jobs()).toHaveLength(3);
      const now = '2026-03-02T14:00:00.000Z';
      const first = await store.claimJobs({ limit: 2, leaseMs: 60_000, now, leaseToken: 'w1' });
      const second = await store.claimJobs({ limit: 10, leaseMs: 60_000, now, leaseToken: 'w2' });
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
      expect(
        await store.retryJob(failing.id, 'w5', { availableAt: later, error: 'gave up', dead: true }),
      ).toBe(true);
      expect((await store.listJobs({ state: 'dead', limit: 10 })).map((candidate) => candidate.id)).toEqual([
        failing.id,
      ]);
    },
  );

  group('outbox', 'claims can be limited to one tenant', async ({ store }) => {
    await writeWithJobs(store, 2);
    const ids = createIdGenerator();
    await store.transact('other', PHONE, async (tx) => {
      const event = sealEvent(
        { ...draftEvent(ids('evt'), PHONE, 'opt_out'), tenantId: 'other' },
        await tx.chainHead(),
      );
      await tx.append(event);
      await tx.putStatus({
        status: 'opted_out',
        since: event.occurredAt,
        causeEventId: event.id,
        lastEventId: event.id,
      });
      await tx.enqueue({
        id: ids('job'),
        tenantId: 'other',
        phone: PHONE,
        kind: 'crm_sync',
        eventId: event.id,
        createdAt: event.occurredAt,
      });
    });
    const now = '2026-03-02T14:00:00.000Z';
    const claimed = await store.claimJobs({
      limit: 10,
      leaseMs: 60_000,
      now,
      leaseToken: 'w1',
      tenantId: 'other',
    });
    expect(claimed.map((job) => job.tenantId)).toEqual(['other']);
    const rest = await store.claimJobs({ limit: 10, leaseMs: 60_000, now, leaseToken: 'w2' });
    expect(rest.map((job) => job.tenantId)).toEqual(['default', 'default']);
  });

  group('outbox', 'concurrent workers never receive the same job', async ({ store }) => {
    await writeWithJobs(store, 40);
    const now = '2026-03-02T14:00:00.000Z';
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        store.claimJobs({ limit: 10, leaseMs: 60_000, now, leaseToken: `w${index}` }),
      ),
    );
    const ids = claims.flat().map((job) => job.id);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
  });
}

interface Context<S extends ConsentStore> {
  readonly store: S;
  readonly consent: ReturnType<typeof createConsentManager>;
  readonly clock: ReturnType<typeof createFixedClock>;
  readonly inspector: StoreInspector | undefined;
}

function draftEvent(id: string, phone: E164, action: 'opt_out' | 'opt_in') {
  return {
    id,
    tenantId: 'default',
    phone,
    action,
    source: 'api' as const,
    occurredAt: '2026-03-02T14:00:00.000Z',
    recordedAt: '2026-03-02T14:00:00.000Z',
    applied: true,
    evidence: {},
  };
}

async function writeWithJobs(store: ConsentStore, count: number): Promise<void> {
  const ids = createIdGenerator();
  for (let index = 0; index < count; index++) {
    const phone = `+1415555${String(5000 + index)}` as E164;
    await store.transact('default', phone, async (tx) => {
      const event = sealEvent(draftEvent(ids('evt'), phone, 'opt_out'), await tx.chainHead());
      await tx.append(event);
      await tx.putStatus({
        status: 'opted_out',
        since: event.occurredAt,
        causeEventId: event.id,
        lastEventId: event.id,
      });
      await tx.enqueue({
        id: ids('job'),
        tenantId: 'default',
        phone,
        kind: 'crm_sync',
        eventId: event.id,
        createdAt: '2026-03-02T13:59:00.000Z',
      });
    });
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}

function allMethodNames(value: object): string[] {
  const names = new Set<string>();
  for (
    let current: object | null = value;
    current && current !== Object.prototype;
    current = Object.getPrototypeOf(current)
  ) {
    for (const name of Object.getOwnPropertyNames(current)) names.add(name);
  }
  return [...names];
}
