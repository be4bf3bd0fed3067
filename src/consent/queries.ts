import { InvalidPhoneNumberError } from '../errors.js';
import { type E164, isE164, type NormalizeOptions, normalizePhone } from '../phone.js';
import type { ConsentStore } from '../store/contract.js';
import { type AuditResult, startChainWalk } from './audit.js';
import {
  type CsvFormulas,
  type ExportFormat,
  exportRows,
  type OptOutRecord,
  toOptOutRecord,
} from './export.js';
import type { ConsentEvent } from './types.js';

/** Events per `readLedger` page. */
const LEDGER_PAGE = 1000;

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
      const page = await store.listStatuses(tenantId, {
        status: 'opted_out',
        limit: pageSize,
        ...(after === undefined ? {} : { after }),
      });
      for (const status of page.items) yield toOptOutRecord(status);
      after = page.next;
    } while (after !== undefined);
  }
  return exportRows(records(), format, formulas);
}

/** The whole ledger of a tenant in `seq` order, read a page at a time. */
export async function* readWholeLedger(store: ConsentStore, tenantId: string): AsyncGenerator<ConsentEvent> {
  let afterSeq = 0;
  for (;;) {
    const page = await store.readLedger(tenantId, { afterSeq, limit: LEDGER_PAGE });
    yield* page;
    const last = page.at(-1);
    if (!last || page.length < LEDGER_PAGE) return;
    afterSeq = last.seq;
  }
}

/**
 * Verifies a tenant's whole audit trail on a live store: every event's hash and link (see
 * `verifyChain`), and that the ledger ends at the sealed chain head the store keeps apart from the
 * events (`head_mismatch` otherwise), so removing the newest events is found too. Events appended
 * while it reads are verified as well; it never reports them as a mismatch.
 */
export async function verifyTenantLedger(store: ConsentStore, tenantId: string): Promise<AuditResult> {
  const walk = startChainWalk();
  // Every event up to a head read before the ledger is committed, so it must all be there.
  let head = await store.getChainHead(tenantId);
  for (;;) {
    for (;;) {
      const page = await store.readLedger(tenantId, { afterSeq: walk.last?.seq ?? 0, limit: LEDGER_PAGE });
      for (const event of page) {
        const failed = walk.check(event);
        if (failed) return failed;
      }
      if (page.length < LEDGER_PAGE) break;
    }
    const lastSeq = walk.last?.seq ?? 0;
    if (lastSeq < (head?.seq ?? 0)) return walk.finish(head);
    const latest = await store.getChainHead(tenantId);
    // A head past the ledger means appends committed while it was read: read those too.
    if ((latest?.seq ?? 0) <= lastSeq) return walk.finish(latest);
    head = latest;
  }
}
