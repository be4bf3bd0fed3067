import { omitUndefined } from '../helpers/omit-undefined.js';
import { toInstant } from '../helpers/time.js';
import type { ConsentContext } from '../ledger/context.js';
import type { E164 } from '../phone.js';
import type { StoredStatus } from '../store/contract.js';
import type { CrmAdapter, CrmConsentChange, CrmConsentValue, CrmContact } from './adapter.js';
import { CrmRequestError, toCrmError } from './errors.js';
import type { CrmSetup } from './options.js';
import { type CrmCorrection, desiredCrmValue } from './options.js';
import { crmWriteKey } from './sync.js';

/** Options of `consent.reconcile()`. */
export interface ReconcileOptions {
  /**
   * Only re-check what changed since this moment (ISO 8601 or Date): CRM contacts updated since
   * (when the adapter can filter so) and ledger statuses whose last event was recorded since. The
   * hourly job passes the start of its previous run; without it everything is checked.
   *
   * Cost: the store has no "changed since" query, so the ledger side still pages through the
   * tenant's opted-out (and, with opt-ins, opted-in) statuses, 500 per `listStatuses` call, and
   * filters them in memory; only the numbers changed since are looked up in the CRM.
   */
  readonly since?: string | Date;
  readonly tenantId?: string;
  /** Report drift without writing to the CRM. */
  readonly dryRun?: boolean;
  /** Give up (throw) after this many failed CRM requests (default 10). */
  readonly maxFailures?: number;
}

/** What `reconcile()` found and did. */
export interface ReconcileResult {
  readonly tenantId: string;
  /** CRM contacts compared with the ledger. */
  readonly contactsChecked: number;
  /** Ledger numbers whose contacts were looked up. */
  readonly numbersChecked: number;
  /** Contacts already holding the ledger's value. */
  readonly inStep: number;
  /** Contacts whose field was corrected (or would be, in a dry run). */
  readonly corrected: number;
  /** Contacts opted out in the CRM with no status in the ledger: run `importFromCrm()` for them. */
  readonly crmOnlyOptOuts: number;
  /** Contacts whose phone is not a valid number. */
  readonly invalidPhones: number;
  /** Every correction, with the contact id (also passed to `crmSync.onCorrection`). */
  readonly corrections: readonly CrmCorrection[];
  /** CRM requests that failed (the walk went on). */
  readonly failures: readonly {
    readonly contactId?: string;
    readonly phone?: string;
    readonly error: string;
  }[];
}

const PAGE = 100;
const STATUS_PAGE = 500;

/**
 * Re-checks the CRM against the ledger and corrects drift, such as a web form that set the field back
 * to opted-in after an SMS opt-out. Two walks:
 * 1. CRM side (adapters with `listContacts`): every contact (or every contact updated since `since`)
 *    is matched to its number's ledger status in bulk; a contact whose field differs from what the
 *    sync would write is rewritten.
 * 2. Ledger side: opted-out numbers (and opted-in ones when opt-ins propagate) whose contacts the
 *    first walk did not cover — all of them when the adapter cannot list, otherwise those whose
 *    status changed since `since` — are looked up by phone and corrected the same way.
 * A correction is logged with the contact id (returned, and passed to `onCorrection`), never written
 * to the ledger as a consent event: the person's consent did not change, the CRM was wrong.
 *
 * Store reads: one `getStatuses` per CRM page; a number's full status (`getStatus`, for the cause of
 * the correction) only when one of its contacts is to be corrected.
 */
export async function runReconcile(
  context: ConsentContext,
  crm: CrmSetup,
  options: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const tenantId = context.tenantOf(options);
  const adapter = crm.crmOf(tenantId);
  const since = options.since === undefined ? undefined : toInstant(options.since, 'since');
  const state = createReconcileState(
    context,
    crm,
    tenantId,
    options.dryRun === true,
    options.maxFailures ?? 10,
  );
  if (!adapter) return state.result();

  const covered = new Set<E164>();
  if (adapter.listContacts) {
    await walkCrm(state, adapter, adapter.listContacts.bind(adapter), since, covered);
    if (since === undefined) return state.result();
  }
  await walkLedger(state, adapter, since, covered);
  return state.result();
}

async function walkCrm(
  state: ReconcileState,
  adapter: CrmAdapter,
  list: NonNullable<CrmAdapter['listContacts']>,
  since: string | undefined,
  covered: Set<E164>,
): Promise<void> {
  const { context, crm, tenantId } = state;
  let cursor: string | undefined;
  do {
    const page = await list(omitUndefined({ limit: PAGE, cursor, updatedSince: since }));
    const phones = new Map<CrmContact, E164>();
    for (const contact of page.contacts) {
      const phone = context.tryNormalize(contact.phone);
      if (phone === null) state.tally.invalidPhones++;
      else phones.set(contact, phone);
    }
    const unique = [...new Set(phones.values())];
    const statuses = await context.store.getStatuses(tenantId, unique);
    // The full status (its cause and since) is read only for a number that has a contact to correct.
    const full = new Map<E164, Promise<StoredStatus | null>>();
    const statusOf = (phone: E164) => () => {
      let status = full.get(phone);
      if (!status) {
        status = context.store.getStatus(tenantId, phone);
        full.set(phone, status);
      }
      return status;
    };
    for (const [contact, phone] of phones) {
      state.tally.contactsChecked++;
      covered.add(phone);
      const value = statuses.get(phone);
      if (value === undefined || value === 'unknown') {
        if (contact.smsConsent === 'opted_out') state.tally.crmOnlyOptOuts++;
        continue;
      }
      const desired = desiredCrmValue({ status: value }, crm.options);
      if (desired !== undefined) await state.check(adapter, contact, phone, desired, statusOf(phone));
    }
    cursor = page.next;
  } while (cursor !== undefined);
}

async function walkLedger(
  state: ReconcileState,
  adapter: CrmAdapter,
  since: string | undefined,
  covered: ReadonlySet<E164>,
): Promise<void> {
  const { context, crm, tenantId } = state;
  const values = crm.options.optIns ? (['opted_out', 'opted_in'] as const) : (['opted_out'] as const);
  for (const value of values) {
    let after: string | undefined;
    do {
      const page = await context.store.listStatuses(
        tenantId,
        omitUndefined({ status: value, limit: STATUS_PAGE, after }),
      );
      for (const status of page.items) {
        if (covered.has(status.phone)) continue;
        if (since !== undefined && (status.lastEvent?.recordedAt ?? '') < since) continue;
        state.tally.numbersChecked++;
        let contacts: readonly CrmContact[];
        try {
          contacts = await adapter.findContactsByPhone(status.phone);
        } catch (error) {
          state.fail(error, { phone: status.phone });
          continue;
        }
        const desired = desiredCrmValue(status, crm.options);
        for (const contact of contacts) {
          state.tally.contactsChecked++;
          if (desired !== undefined) {
            await state.check(adapter, contact, status.phone, desired, async () => status);
          }
        }
      }
      after = page.next;
    } while (after !== undefined);
  }
}

interface ReconcileState {
  readonly context: ConsentContext;
  readonly crm: CrmSetup;
  readonly tenantId: string;
  readonly tally: {
    contactsChecked: number;
    numbersChecked: number;
    inStep: number;
    crmOnlyOptOuts: number;
    invalidPhones: number;
  };
  /**
   * Compares one contact with the value its number's status calls for and corrects it when it
   * drifted; `statusOf` (the full status, for the correction's cause) is called only then.
   */
  check(
    adapter: CrmAdapter,
    contact: CrmContact,
    phone: E164,
    desired: 'opted_in' | 'opted_out',
    statusOf: () => Promise<StoredStatus | null>,
  ): Promise<void>;
  /** Counts a failed request; throws once there were too many. */
  fail(error: unknown, where: { contactId?: string; phone?: string }): void;
  result(): ReconcileResult;
}

function createReconcileState(
  context: ConsentContext,
  crm: CrmSetup,
  tenantId: string,
  dryRun: boolean,
  maxFailures: number,
): ReconcileState {
  const tally = { contactsChecked: 0, numbersChecked: 0, inStep: 0, crmOnlyOptOuts: 0, invalidPhones: 0 };
  const corrections: CrmCorrection[] = [];
  const failures: { contactId?: string; phone?: string; error: string }[] = [];

  function fail(error: unknown, where: { contactId?: string; phone?: string }): void {
    const wrapped = toCrmError(error, 'reconcile');
    failures.push({ ...where, error: wrapped.message });
    if (failures.length >= maxFailures) {
      throw new CrmRequestError(
        `reconcile gave up after ${failures.length} failed CRM requests; last: ${wrapped.message}`,
        { cause: error },
      );
    }
  }

  async function check(
    adapter: CrmAdapter,
    contact: CrmContact,
    phone: E164,
    desired: 'opted_in' | 'opted_out',
    statusOf: () => Promise<StoredStatus | null>,
  ): Promise<void> {
    let current: CrmConsentValue | undefined = contact.smsConsent;
    if (current === undefined && adapter.getSmsConsent) {
      try {
        current = await adapter.getSmsConsent(contact);
      } catch (error) {
        fail(error, { contactId: contact.id, phone });
        return;
      }
    }
    if (current === desired) {
      tally.inStep++;
      return;
    }
    const status = await statusOf();
    // The status may have changed since the bulk read: write what it calls for now.
    const value = desiredCrmValue(status, crm.options);
    if (!status || value === undefined) return;
    if (current === value) {
      tally.inStep++;
      return;
    }
    const change: CrmConsentChange = omitUndefined({
      tenantId,
      phone,
      status: value,
      reason: 'reconcile',
      since: status.since,
      ...(status.cause ? { eventId: status.cause.id, source: status.cause.source } : {}),
    });
    if (!dryRun) {
      try {
        await adapter.setSmsConsent(contact, change, {
          idempotencyKey: crmWriteKey(adapter, change, contact.id),
        });
      } catch (error) {
        fail(error, { contactId: contact.id, phone });
        return;
      }
    }
    const correction: CrmCorrection = {
      tenantId,
      phone,
      contactId: contact.id,
      from: current === undefined ? 'unknown' : current === null ? 'unset' : current,
      to: value,
      ...(status.cause ? { causeEventId: status.cause.id } : {}),
      at: context.clock.now().toISOString(),
    };
    corrections.push(correction);
    try {
      crm.options.onCorrection?.(correction);
    } catch (error) {
      crm.options.onError(error);
    }
  }

  return {
    context,
    crm,
    tenantId,
    tally,
    check,
    fail,
    result: () => ({ tenantId, ...tally, corrected: corrections.length, corrections, failures }),
  };
}
