import type { E164 } from '../../phone.js';
import type { GroupKit } from './types.js';

/** Bulk and paged reads of statuses. */
export function readTests({ define, expect }: GroupKit): void {
  define('reads many numbers at once', async ({ store, consent }) => {
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

  define('pages statuses by phone and by status value', async ({ store, consent }) => {
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
    const all = (await store.listStatuses('default', { limit: 100 })).items;
    const expected = all.filter((item) => item.status === 'opted_out').map((item) => item.phone);
    expect(all.map((item) => item.phone)).toEqual([...phones].sort());
    expect(seen).toEqual([...seen].sort());
    expect(seen).toEqual(expected);
    expect(seen).toHaveLength(12);
    const fromMiddle = await store.listStatuses('default', { after: phones[10] ?? '', limit: 100 });
    expect(fromMiddle.items.map((item) => item.phone)).toEqual(phones.slice(11));
  });
}
