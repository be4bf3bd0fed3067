import { ConsentError } from '../errors.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import { toIso } from '../helpers/time.js';
import type { ConsentContext } from '../ledger/context.js';
import type { E164 } from '../phone.js';
import type { CrmSetup } from './options.js';

/** Options of `consent.importFromCrm()`. */
export interface CrmImportOptions {
  readonly tenantId?: string;
  /**
   * Also import over a number the ledger holds as opted in (default false: such a number is a
   * conflict, reported and left alone — the CRM field may predate the person's SMS opt-in, and an
   * import dated now would silently revoke it).
   */
  readonly overrideOptIns?: boolean;
  /**
   * When the imported opt-outs are dated (default now: the CRM does not say when they happened); not
   * before 2000 nor in the future (a `ValidationError`, code `INVALID_INPUT`).
   */
  readonly occurredAt?: string | Date;
  /** Called after every page, for progress bars. */
  readonly onProgress?: (progress: { readonly contacts: number; readonly imported: number }) => void;
}

/** What `importFromCrm()` did. */
export interface CrmImportResult {
  readonly tenantId: string;
  /** Contacts opted out in the CRM. */
  readonly contacts: number;
  /** Opt-outs recorded in the ledger (`source: 'crm'`). */
  readonly imported: number;
  /** Contacts whose number the ledger already holds as opted out. */
  readonly alreadyOptedOut: number;
  /** Imported before (same contact): nothing new recorded. */
  readonly duplicates: number;
  /** Numbers the ledger holds as opted in: left alone unless `overrideOptIns`. */
  readonly conflicts: readonly { readonly contactId: string; readonly phone: E164 }[];
  /** Contacts whose phone is not a valid number. */
  readonly invalidPhones: readonly { readonly contactId: string; readonly phone: string }[];
}

const PAGE = 100;

/**
 * Imports the opt-outs recorded only in the CRM: every contact whose SMS consent field already says
 * opted out becomes an opt-out in the ledger (`source: 'crm'`, the contact id as evidence), once per
 * contact (idempotency key `crm:<adapter>:<contact id>:opted_out`), so running it again records
 * nothing new. Needs the adapter's `listContacts`.
 */
export async function runCrmImport(
  context: ConsentContext,
  crm: CrmSetup,
  options: CrmImportOptions = {},
): Promise<CrmImportResult> {
  const tenantId = context.tenantOf(options);
  const adapter = crm.crmOf(tenantId);
  if (!adapter?.listContacts) {
    throw new ConsentError(
      'CONFIG',
      adapter
        ? `importFromCrm: the ${adapter.name} adapter cannot list contacts (no listContacts)`
        : `importFromCrm: no CRM is configured for tenant ${tenantId} (a fixed crm serves only the tenants in crmTenants)`,
    );
  }
  // The same range as every other way in: not before 2000, not in the future.
  const occurredAt =
    options.occurredAt === undefined
      ? context.clock.now().toISOString()
      : toIso(options.occurredAt, 'occurredAt', context.clock.now());
  const tally = { contacts: 0, imported: 0, alreadyOptedOut: 0, duplicates: 0 };
  const conflicts: { contactId: string; phone: E164 }[] = [];
  const invalidPhones: { contactId: string; phone: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await adapter.listContacts(omitUndefined({ limit: PAGE, smsConsent: 'opted_out', cursor }));
    const optedOut = page.contacts.filter((contact) => contact.smsConsent === 'opted_out');
    const phones = new Map(
      optedOut.map((contact) => [contact, context.tryNormalize(contact.phone)] as const),
    );
    const known = [...new Set([...phones.values()].filter((phone): phone is E164 => phone !== null))];
    const statuses = await context.store.getStatuses(tenantId, known);
    for (const [contact, phone] of phones) {
      tally.contacts++;
      if (phone === null) {
        invalidPhones.push({ contactId: contact.id, phone: contact.phone });
        continue;
      }
      const status = statuses.get(phone);
      if (status === 'opted_out') {
        tally.alreadyOptedOut++;
        continue;
      }
      if (status === 'opted_in' && options.overrideOptIns !== true) {
        conflicts.push({ contactId: contact.id, phone });
        continue;
      }
      const outcome = await context.write({
        tenantId,
        phone,
        action: 'opt_out',
        source: 'crm',
        occurredAt,
        evidence: {
          contactId: contact.id,
          note: `Imported from ${adapter.name}: the contact's SMS consent field was opted out`,
        },
        idempotencyKey: `crm:${adapter.name}:${contact.id}:opted_out`,
      });
      if (outcome.duplicate) tally.duplicates++;
      else tally.imported++;
      statuses.set(phone, outcome.status.status);
    }
    options.onProgress?.({ contacts: tally.contacts, imported: tally.imported });
    cursor = page.next;
  } while (cursor !== undefined);
  return { tenantId, ...tally, conflicts, invalidPhones };
}
