import { sealEvent } from '../../consent/audit.js';
import { createIdGenerator } from '../../consent/ids.js';
import type { ConsentEvent } from '../../consent/types.js';
import { verifyTenantLedger } from '../../ledger/verify.js';
import { allMethodNames, draftEvent, OTHER, PHONE, range, writeOptOut } from './fixtures.js';
import type { GroupKit } from './types.js';

/** The ledger: atomic writes, the chain head, paged reads, exact round trips, append-only. */
export function ledgerTests({ define, expect }: GroupKit): void {
  define('appends the event and its status row together', async ({ store, consent, inspector }) => {
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

  // Reads hand out events (a status's cause, history); a store that hands out the objects it keeps,
  // or folds from, lets a careless caller rewrite the ledger: an admin opt-in then lifts a STOP.
  define('an event a read handed out cannot change what the next write folds', async ({ consent }) => {
    await consent.handleInbound({ from: PHONE, to: '+18005550100', body: 'STOP', messageId: 'SM-held' });
    const refused = await consent.record({ phone: PHONE, action: 'opt_in', source: 'admin' });
    expect(refused.status.status).toBe('opted_out');
    const cause = refused.status.cause as { action: string } | undefined;
    expect(cause?.action).toBe('opt_out');
    try {
      if (cause) cause.action = 'opt_in';
    } catch {
      // A frozen event (the memory store's) refuses the change: as good as a copy.
    }
    const again = await consent.record({ phone: PHONE, action: 'opt_in', source: 'admin' });
    expect(again.status.status).toBe('opted_out');
    const actions = (await consent.history(PHONE)).map((event) => event.action);
    expect([...actions].sort()).toEqual(['opt_in', 'opt_in', 'opt_out']);
  });

  define('a failed transaction leaves nothing behind', async ({ store, inspector }) => {
    const ids = createIdGenerator();
    const attempt = store.transact('default', PHONE, async (tx) => {
      expect(await tx.claimKey('msg:SM-fail', 'evt_failing')).toEqual({ claimed: true });
      await writeOptOut(tx, ids);
      throw new Error('fails after every write');
    });
    await expect(attempt).rejects.toThrow();
    expect(await store.getEvents('default', PHONE)).toEqual([]);
    expect(await store.getStatus('default', PHONE)).toBeNull();
    expect(await store.readLedger('default', { limit: 10 })).toEqual([]);
    expect(await store.readNumberStates('default', { limit: 10 })).toEqual([]);
    expect(await store.listJobs({ state: 'pending', limit: 10 })).toEqual([]);
    const retry = await store.transact('default', PHONE, (tx) => tx.claimKey('msg:SM-fail', 'evt_retry'));
    expect(retry).toEqual({ claimed: true });
    if (inspector) {
      expect(await inspector.events('default')).toEqual([]);
      expect(await inspector.status('default', PHONE)).toBeNull();
      expect(await inspector.jobs()).toEqual([]);
    }
  });

  define("refuses an event that does not follow its number's chain head", async ({ store, consent }) => {
    const { event: first } = await consent.record({ phone: PHONE, action: 'opt_out', source: 'admin' });
    const ids = createIdGenerator();
    const skipping = store.transact('default', PHONE, async (tx) => {
      const head = await tx.chainHead();
      expect(head).toEqual({ seq: 1, hash: first.hash });
      await tx.append(sealEvent(draftEvent(ids('evt'), tx, 'opt_out'), { seq: 2, hash: first.hash }));
    });
    await expect(skipping).rejects.toThrow();
    // Another number's chain is its own: PHONE's head does not continue it.
    const crossing = store.transact('default', OTHER, async (tx) => {
      expect(await tx.chainHead()).toBeNull();
      await tx.append(sealEvent(draftEvent(ids('evt'), tx, 'opt_out'), { seq: 1, hash: first.hash }));
    });
    await expect(crossing).rejects.toThrow();
    expect(await store.getEvents('default', OTHER)).toEqual([]);
    expect(await store.getEvents('default', PHONE)).toEqual([first]);
  });

  define(
    'reads the ledger by number and seq, paged, and every chain verifies',
    async ({ store, consent, clock }) => {
      const phones = range(0, 4).map((index) => `+1415555${String(1000 + index)}`);
      for (let index = 0; index < 25; index++) {
        clock.advance(1000);
        await consent.record({
          phone: phones[(index * 3) % phones.length] as string,
          action: index % 3 ? 'opt_out' : 'opt_in',
          source: 'api',
        });
      }
      const first = await store.readLedger('default', { limit: 7 });
      const rest = await store.readLedger('default', { after: first.at(-1) as ConsentEvent, limit: 100 });
      const places = [...first, ...rest].map((event) => `${event.phone}#${event.seq}`);
      expect(places).toEqual(phones.flatMap((phone) => range(1, 5).map((seq) => `${phone}#${seq}`)));
      expect(await store.readLedger('default', { after: rest.at(-1) as ConsentEvent, limit: 10 })).toEqual(
        [],
      );
      expect(await verifyTenantLedger(store, 'default')).toEqual({ ok: true, checked: 25 });
    },
  );

  define(
    "a number's head is its newest event, moved only by committed appends",
    async ({ store, consent, clock, inspector }) => {
      for (let index = 0; index < 3; index++) {
        clock.advance(1000);
        await consent.record({ phone: index % 2 ? PHONE : OTHER, action: 'opt_out', source: 'api' });
      }
      expect(await verifyTenantLedger(store, 'default')).toEqual({ ok: true, checked: 3 });
      const headOf = async (phone: string) =>
        (await store.readNumberStates('default', { limit: 10 })).find((state) => state.phone === phone)?.head;
      const newest = (await store.getEvents('default', OTHER)).find((event) => event.seq === 2);
      const head = { seq: 2, hash: newest?.hash };
      expect(await headOf(OTHER)).toEqual(head);
      expect((await headOf(PHONE))?.seq).toBe(1);
      if (inspector) {
        const raw = (await inspector.events('default')).filter((event) => event.phone === OTHER).at(-1);
        expect({ seq: raw?.seq, hash: raw?.hash }).toEqual(head);
      }
      const ids = createIdGenerator();
      const failed = store.transact('default', OTHER, async (tx) => {
        await writeOptOut(tx, ids);
        throw new Error('rolls back');
      });
      await expect(failed).rejects.toThrow();
      expect(await headOf(OTHER)).toEqual(head);
      expect(await store.getChainHead('default')).toBeNull();
    },
  );

  define('keeps hostile evidence text exactly as the core sealed it', async ({ store, consent }) => {
    const body = `STOP\u0000 \uD800 ＳＴＯＰ 🛑 e\u0301 ${'x'.repeat(1600)}`;
    const { event } = await consent.record({
      phone: PHONE,
      action: 'opt_out',
      source: 'import',
      evidence: { body, note: 'line one\r\nline "two"', messageId: 'SM\u0000x' },
    });
    expect(event.evidence.body).toBe(body.replace('\u0000', '\uFFFD').replace('\uD800', '\uFFFD'));
    expect(await store.getEvent('default', event.id)).toEqual(event);
    expect(await verifyTenantLedger(store, 'default')).toEqual({ ok: true, checked: 1 });
  });

  define(
    'the raw rows agree with what the adapter reads back',
    async ({ store, consent, clock, inspector }) => {
      for (let index = 0; index < 6; index++) {
        clock.advance(1000);
        await consent.record({
          phone: index % 2 ? PHONE : OTHER,
          action: index % 3 ? 'opt_out' : 'opt_in',
          source: 'api',
        });
      }
      const raw = (await inspector?.events('default')) ?? [];
      expect(raw).toEqual(await store.readLedger('default', { limit: 100 }));
      for (const phone of [PHONE, OTHER]) {
        const status = await store.getStatus('default', phone);
        expect(await inspector?.status('default', phone)).toMatchObject({
          status: status?.status,
          ...(status?.cause ? { causeEventId: status.cause.id } : {}),
        });
      }
    },
    { inspector: true },
  );

  define('offers no way to change or delete an event', async ({ store }) => {
    const names = allMethodNames(store).filter((name) => /^(update|delete|remove|edit|set|put)/i.test(name));
    expect(names).toEqual([]);
  });
}
