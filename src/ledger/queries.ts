import { explainStatus } from '../consent/explain.js';
import {
  type CsvFormulas,
  type ExportFormat,
  exportRows,
  type OptOutRecord,
  toOptOutRecord,
} from '../consent/export.js';
import { compareEvents } from '../consent/rules.js';
import type { ConsentEvent, ConsentStatus } from '../consent/types.js';
import { InvalidPhoneNumberError } from '../errors.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import { type E164, isE164, type NormalizeOptions, normalizePhone } from '../phone.js';
import type { ConsentStore } from '../store/contract.js';

/** The outcome of `partitionRecipients`. */
export interface RecipientPartition {
  readonly sendable: E164[];
  readonly blocked: E164[];
  readonly invalid: { readonly input: string; readonly reason: InvalidPhoneNumberError['reason'] }[];
}

/**
 * Splits raw numbers into sendable, blocked and invalid, deduplicated by E.164, asking the store
 * about all of them in one call (stores chunk as suits them). With `trustCanonical`, inputs already
 * in E.164 form skip parsing.
 */
export async function partitionRecipients(
  store: ConsentStore,
  tenantId: string,
  phones: Iterable<string>,
  normalizeOptions: NormalizeOptions,
  trustCanonical: boolean,
): Promise<RecipientPartition> {
  const invalid: RecipientPartition['invalid'] = [];
  const unique = new Set<E164>();
  for (const raw of phones) {
    if (trustCanonical && isE164(raw)) {
      unique.add(raw);
      continue;
    }
    try {
      unique.add(normalizePhone(raw, normalizeOptions));
    } catch (error) {
      if (!(error instanceof InvalidPhoneNumberError)) throw error;
      invalid.push({ input: raw, reason: error.reason });
    }
  }
  const all = [...unique];
  const statuses = await store.getStatuses(tenantId, all);
  const sendable: E164[] = [];
  const blocked: E164[] = [];
  for (const phone of all) (statuses.get(phone) === 'opted_out' ? blocked : sendable).push(phone);
  return { sendable, blocked, invalid };
}

/** Every opted-out number of a tenant as export lines, paging through the store by phone. */
export function exportOptOutLines(
  store: ConsentStore,
  tenantId: string,
  format: ExportFormat,
  pageSize: number,
  formulas: CsvFormulas,
): AsyncIterable<string> {
  async function* records(): AsyncGenerator<OptOutRecord> {
    let after: string | undefined;
    do {
      const page = await store.listStatuses(
        tenantId,
        omitUndefined({ status: 'opted_out', limit: pageSize, after }),
      );
      for (const status of page.items) yield toOptOutRecord(status);
      after = page.next;
    } while (after !== undefined);
  }
  return exportRows(records(), format, formulas);
}

/** The status of one number as the manager reports it: `unknown` without events, no send-guard state. */
export async function statusOf(store: ConsentStore, tenantId: string, phone: E164): Promise<ConsentStatus> {
  const stored = await store.getStatus(tenantId, phone);
  if (!stored) return { tenantId, phone, status: 'unknown' };
  // Without a pending confirmation the stored status is the public one as it is (a rest copy
  // costs about 0.2 µs on every text, most of which find no confirmation).
  if (!('confirmation' in stored)) return stored;
  const { confirmation: _confirmation, ...status } = stored;
  return status;
}

/** The ledger of one number, oldest first (the order the rules fold it in). */
export async function historyOf(store: ConsentStore, tenantId: string, phone: E164): Promise<ConsentEvent[]> {
  const events = await store.getEvents(tenantId, phone);
  return events.sort(compareEvents);
}

/** One sentence on why a number has its status: since when, by what. */
export async function explainNumber(store: ConsentStore, tenantId: string, phone: E164): Promise<string> {
  const status = await statusOf(store, tenantId, phone);
  return explainStatus(status, await store.getEvents(tenantId, phone));
}
