import { verifyTenantLedger } from '../../ledger/verify.js';
import type { E164 } from '../../phone.js';
import { expectFoldMatches, OTHER as OTHER_NUMBER, PHONE } from './fixtures.js';
import type { GroupKit } from './types.js';

/** Many writers at once: nothing lost, one unbroken chain, the status row the fold of the ledger. */
export function concurrencyTests({ define, expect, writers }: GroupKit): void {
  define(`${writers} concurrent STOP/START on one number lose nothing`, async (context) => {
    const { store, consent, inspector } = context;
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
    const events = await expectFoldMatches(expect, context, 'default', PHONE);
    expect(events).toHaveLength(writers);
    expect(new Set(events.map((event) => event.seq)).size).toBe(writers);
    if (inspector) expect(await inspector.events('default')).toHaveLength(writers);
    expect(await verifyTenantLedger(store, 'default')).toEqual({ ok: true, checked: writers });
  });

  define('concurrent writers on many numbers keep every chain unbroken', async (context) => {
    const { store, consent, inspector } = context;
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
    expect(await verifyTenantLedger(store, 'default')).toEqual({ ok: true, checked: 100 });
    if (inspector) {
      const raw = await inspector.events('default');
      const states = await store.readNumberStates('default', { limit: 100 });
      for (const phone of phones) {
        const chain = raw.filter((event) => event.phone === phone);
        expect(chain.map((event) => event.seq)).toEqual(Array.from({ length: 5 }, (_, index) => index + 1));
        expect(states.find((state) => state.phone === phone)?.head?.hash).toBe(chain.at(-1)?.hash);
      }
    }
    for (const phone of phones) await expectFoldMatches(expect, context, 'default', phone);
  });

  define(
    'a transaction held open on one number does not hold up another number',
    async ({ store, consent }) => {
      let release = (): void => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let entered = (): void => undefined;
      const inside = new Promise<void>((resolve) => {
        entered = resolve;
      });
      const open = store.transact('default', PHONE, async (tx) => {
        await tx.events();
        entered();
        await held;
        return 'held';
      });
      await inside;
      // Would never resolve if anything tenant-wide were locked: the other transaction is still open.
      const other = await consent.record({ phone: OTHER_NUMBER, action: 'opt_out', source: 'api' });
      expect(other.event.seq).toBe(1);
      release();
      expect(await open).toBe('held');
    },
    { concurrentTransactions: true },
  );
}
