import type { ChainHead } from '../consent/audit.js';
import type { ConsentEvent } from '../consent/types.js';
import { ConsentError } from '../errors.js';
import type { E164 } from '../phone.js';

/**
 * The check every adapter's `PhoneTransaction.append` makes: the event MUST follow `head` (its
 * `seq` is the head's `seq + 1` and its `prevHash` the head's hash) and belong to the transaction's
 * (tenant, phone). `head` is the last event appended in this transaction, else the locked chain
 * head; `undefined` means `chainHead()` was never called.
 *
 * @throws ConsentError `STORE_FAILURE` when the event may not be appended.
 */
export function assertAppendable(
  event: ConsentEvent,
  head: ChainHead | null | undefined,
  tenantId: string,
  phone: E164,
): void {
  if (head === undefined) throw new ConsentError('STORE_FAILURE', 'append() before chainHead()');
  if (event.seq !== (head?.seq ?? 0) + 1 || event.prevHash !== (head?.hash ?? null)) {
    throw new ConsentError('STORE_FAILURE', `event ${event.id} does not follow the chain head`);
  }
  if (event.tenantId !== tenantId || event.phone !== phone) {
    throw new ConsentError('STORE_FAILURE', `event ${event.id} belongs to another transaction`);
  }
}
