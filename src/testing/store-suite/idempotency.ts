import { sealEvent } from '../../consent/audit.js';
import { createIdGenerator } from '../../consent/ids.js';
import type { E164 } from '../../phone.js';
import { draftEvent, OTHER, PHONE, writeOptOut } from './fixtures.js';
import type { GroupKit } from './types.js';

/** Idempotency keys: claimed atomically, once per tenant. */
export function idempotencyTests({ define, expect }: GroupKit): void {
  define('the same key twice records one event', async ({ store, consent, inspector }) => {
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

  define(
    'concurrent claims of one key from different numbers: exactly one wins',
    async ({ store, inspector }) => {
      const ids = createIdGenerator();
      // Different numbers take different (tenant, phone) locks: only the key claim can serialize them.
      const claims = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          store.transact('default', (index % 2 ? PHONE : OTHER) as E164, async (tx) => {
            const id = ids('evt');
            const claim = await tx.claimKey('same-key', id);
            if (claim.claimed)
              await tx.append(sealEvent(draftEvent(id, tx, 'opt_out'), await tx.chainHead()));
            return { id, claim };
          }),
        ),
      );
      const winners = claims.filter(({ claim }) => claim.claimed);
      expect(winners).toHaveLength(1);
      const winner = winners[0]?.id;
      for (const { claim } of claims) if (!claim.claimed) expect(claim.eventId).toBe(winner);
      const ledger = await store.readLedger('default', { limit: 100 });
      expect(ledger.map((event) => event.id)).toEqual([winner]);
      if (inspector) expect(await inspector.keyCount('default')).toBe(1);
    },
  );

  define('keys are scoped by tenant', async ({ consent }) => {
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

  define(
    'a transaction that fails on its second key claim leaves its first key unclaimed',
    async ({ store, inspector }) => {
      const ids = createIdGenerator();
      await store.transact('default', OTHER, async (tx) => {
        expect(await tx.claimKey('msg:taken', 'evt_taken')).toEqual({ claimed: true });
        await writeOptOut(tx, ids);
      });
      // A number this store never wrote: its first write may be sent before anything is read.
      const attempt = store.transact('default', PHONE, async (tx) => {
        await tx.claimKey('msg:free', 'evt_both');
        const second = await tx.claimKey('msg:taken', 'evt_both');
        await writeOptOut(tx, ids);
        if (!second.claimed) throw new Error('the second message was recorded before');
      });
      await expect(attempt).rejects.toThrow('recorded before');
      expect(await store.getEvents('default', PHONE)).toEqual([]);
      if (inspector) expect(await inspector.keyCount('default')).toBe(1);
      const again = await store.transact('default', PHONE, (tx) => tx.claimKey('msg:free', 'evt_later'));
      expect(again).toEqual({ claimed: true });
    },
  );
}
