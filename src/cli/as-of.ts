import { type OptOutRecord, toOptOutRecord } from '../consent/export.js';
import { foldConsent } from '../consent/rules.js';
import type { ConsentEvent } from '../consent/types.js';
import { readWholeLedger } from '../ledger/verify.js';
import type { E164 } from '../phone.js';
import type { ConsentStore } from '../store/contract.js';

/** How often (in events read) `onRead` hears about progress. */
const PROGRESS_EVERY = 1000;

/**
 * The opted-out numbers of a tenant as they stood at `asOf`: for each number, the fold of its events
 * that occurred at or before that instant (the same rules as the live status, so an event recorded
 * late but dated before `asOf` counts). Reads the whole ledger in `seq` order, keeps the events up to
 * `asOf` per number, then yields one record per opted-out number, ordered by phone like the live
 * export. `onRead` hears the number of events read every 1,000 events and at the end.
 */
export async function* optOutsAsOf(
  store: ConsentStore,
  tenantId: string,
  asOf: Date,
  onRead?: (events: number) => void,
): AsyncGenerator<OptOutRecord> {
  const limit = asOf.getTime();
  const byPhone = new Map<E164, ConsentEvent[]>();
  let read = 0;
  for await (const event of readWholeLedger(store, tenantId)) {
    if (++read % PROGRESS_EVERY === 0) onRead?.(read);
    if (Date.parse(event.occurredAt) > limit) continue;
    const events = byPhone.get(event.phone);
    if (events) events.push(event);
    else byPhone.set(event.phone, [event]);
  }
  onRead?.(read);
  const phones = [...byPhone.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const phone of phones) {
    const { status, cause, lastEvent } = foldConsent(byPhone.get(phone) ?? []);
    if (status !== 'opted_out' || !cause) continue;
    yield toOptOutRecord({
      tenantId,
      phone,
      status,
      since: cause.occurredAt,
      cause,
      ...(lastEvent ? { lastEvent } : {}),
    });
  }
}
