import { sealEvent } from '../../consent/audit.js';
import { createIdGenerator } from '../../consent/ids.js';
import { draftEvent, NOW, PHONE, writeWithJobs } from './fixtures.js';
import type { GroupKit } from './types.js';

/** Tenant scoping fails closed: no method gives one tenant another tenant's rows. */
export function tenantTests({ define, expect }: GroupKit): void {
  define('one tenant never sees another tenant’s data', async ({ store, consent, inspector }) => {
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
    expect(await store.readLedger('firm-b', { limit: 10 })).toEqual([]);
    expect(await store.readNumberStates('firm-b', { limit: 10 })).toEqual([]);
    expect((await consent.canSend(PHONE, { tenantId: 'firm-b' })).allowed).toBe(true);
    expect((await consent.canSend(PHONE, { tenantId: 'firm-a' })).allowed).toBe(false);
    if (inspector) {
      expect(await inspector.events('firm-b')).toEqual([]);
      expect(await inspector.status('firm-b', PHONE)).toBeNull();
      expect(await inspector.events('firm-a')).toEqual([event]);
    }
    const second = await consent.record({
      phone: PHONE,
      action: 'opt_out',
      source: 'admin',
      tenantId: 'firm-b',
    });
    expect(second.event.seq).toBe(1);
    const headOf = async (tenantId: string) =>
      (await store.readNumberStates(tenantId, { limit: 10 }))[0]?.head;
    expect(await headOf('firm-a')).toEqual({ seq: 1, hash: event.hash });
    expect(await headOf('firm-b')).toEqual({ seq: 1, hash: second.event.hash });
    expect((await store.listTenants()).sort()).toEqual(['firm-a', 'firm-b']);
    if (inspector) expect(await inspector.events('firm-b')).toEqual([second.event]);
  });

  define('a pending confirmation is used up only in its own tenant', async ({ store, consent, clock }) => {
    const inbound = await consent.handleInbound({
      from: PHONE,
      body: 'please stop texting me',
      messageId: 'SM-phrase',
      tenantId: 'firm-a',
    });
    const text = inbound.reply ?? '';
    expect(text).not.toBe('');
    // The result claimed it; put back, it is pending in the store.
    expect(await consent.releaseReply(inbound)).toBe(true);
    const now = clock.now().toISOString();
    expect(await store.consumeConfirmation('firm-b', PHONE, text, now)).toBe(false);
    expect(await store.consumeConfirmation('firm-a', PHONE, text, now)).toBe(true);
  });

  define(
    'transactions see only their tenant: events, key claims and the chain head',
    async ({ store, inspector }) => {
      const ids = createIdGenerator();
      const first = await store.transact('firm-a', PHONE, async (tx) => {
        const id = ids('evt');
        expect(await tx.claimKey('shared-key', id)).toEqual({ claimed: true });
        const event = sealEvent(draftEvent(id, tx, 'opt_out'), await tx.chainHead());
        await tx.append(event);
        return event;
      });
      const second = await store.transact('firm-b', PHONE, async (tx) => {
        expect(await tx.events()).toEqual([]);
        const id = ids('evt');
        expect(await tx.claimKey('shared-key', id)).toEqual({ claimed: true });
        const head = await tx.chainHead();
        expect(head).toBeNull();
        const event = sealEvent(draftEvent(id, tx, 'opt_out'), head);
        await tx.append(event);
        expect(await tx.events()).toEqual([event]);
        return event;
      });
      expect(second.seq).toBe(1);
      const again = await store.transact('firm-a', PHONE, async (tx) => {
        expect(await tx.events()).toEqual([first]);
        return tx.claimKey('shared-key', ids('evt'));
      });
      expect(again).toEqual({ claimed: false, eventId: first.id });
      if (inspector) {
        expect(await inspector.keyCount('firm-a')).toBe(1);
        expect(await inspector.keyCount('firm-b')).toBe(1);
        expect(await inspector.events('firm-b')).toEqual([second]);
      }
    },
  );

  define(
    'outbox claims and lists with a tenantId return only that tenant’s jobs',
    async ({ store, inspector }) => {
      const ids = createIdGenerator();
      await writeWithJobs(store, ids, 2, 'firm-a');
      await writeWithJobs(store, ids, 1, 'firm-b');
      const pendingOfA = await store.listJobs({ state: 'pending', tenantId: 'firm-a', limit: 10 });
      expect(pendingOfA.map((job) => job.tenantId)).toEqual(['firm-a', 'firm-a']);
      const claimed = await store.claimJobs({
        limit: 10,
        leaseMs: 60_000,
        now: NOW,
        leaseToken: 'w1',
        tenantId: 'firm-b',
      });
      expect(claimed.map((job) => job.tenantId)).toEqual(['firm-b']);
      expect(
        await store.claimJobs({ limit: 10, leaseMs: 60_000, now: NOW, leaseToken: 'w2', tenantId: 'none' }),
      ).toEqual([]);
      // Without a tenantId a worker serves every tenant (the outbox is cross-tenant by design).
      const rest = await store.claimJobs({ limit: 10, leaseMs: 60_000, now: NOW, leaseToken: 'w3' });
      expect(rest.map((job) => job.tenantId)).toEqual(['firm-a', 'firm-a']);
      if (inspector) {
        const raw = await inspector.jobs();
        expect(raw.filter((job) => job.leaseToken === 'w1').map((job) => job.tenantId)).toEqual(['firm-b']);
      }
    },
  );
}
