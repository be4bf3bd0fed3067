import { verifyTenantLedger } from '../../consent/queries.js';
import type { E164 } from '../../phone.js';
import { expectFoldMatches, PHONE } from './fixtures.js';
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

  define('concurrent writers on many numbers keep one unbroken chain', async (context) => {
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
      expect(raw.map((event) => event.seq)).toEqual(Array.from({ length: 100 }, (_, index) => index + 1));
      expect(raw.at(-1)?.hash).toBe((await store.getChainHead('default'))?.hash);
    }
    for (const phone of phones) await expectFoldMatches(expect, context, 'default', phone);
  });
}
