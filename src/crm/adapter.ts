import type { ConsentSource } from '../consent/types.js';
import type { E164 } from '../phone.js';

/** The consent a CRM field holds: a value the adapter recognises, or `null` for unset or anything else. */
export type CrmConsentValue = 'opted_in' | 'opted_out' | null;

/** One CRM record that carries a phone number (a lead, a contact, a person). */
export interface CrmContact {
  /** The CRM's id of the record. */
  readonly id: string;
  /** The phone exactly as the CRM stores it (any format); the library normalizes it. */
  readonly phone: string;
  /** The SMS consent field, when the listing already carried it (saves a read). */
  readonly smsConsent?: CrmConsentValue;
}

/** What a CRM write sets: the number's current consent in the ledger. */
export interface CrmConsentChange {
  readonly tenantId: string;
  /** The normalized number every written contact shares. */
  readonly phone: E164;
  /** The value to write into the contact's SMS consent field. */
  readonly status: 'opted_out' | 'opted_in';
  /** When the ledger status began (ISO 8601 UTC). */
  readonly since?: string;
  /** The ledger event that caused the status. */
  readonly eventId?: string;
  /** Where that event came from (`sms`, `provider`, `crm`, …). */
  readonly source?: ConsentSource;
  /** `sync`: the outbox propagates a change; `reconcile`: drift found in the CRM is corrected. */
  readonly reason: 'sync' | 'reconcile';
}

/** Options of {@link CrmAdapter.setSmsConsent}. */
export interface CrmWriteOptions {
  /**
   * Stable for one (status, contact): a retry of the same write carries the same key. Adapters whose
   * API takes an idempotency key pass it on; for the others the write itself must be idempotent
   * (setting a field to a value is).
   */
  readonly idempotencyKey: string;
}

/** Options of {@link CrmAdapter.listContacts}. */
export interface CrmListOptions {
  /** Where the previous page ended (its `next`); absent for the first page. */
  readonly cursor?: string;
  /** Most contacts wanted in the page (the adapter may return fewer). */
  readonly limit: number;
  /** Only contacts changed at or after this moment (ISO 8601 UTC), when the CRM can filter so. */
  readonly updatedSince?: string;
  /**
   * Only contacts whose SMS consent field holds this value, each returned with `smsConsent` set.
   * An adapter MUST honour it (by the CRM's own filter, or by reading and filtering).
   */
  readonly smsConsent?: 'opted_in' | 'opted_out';
}

/** One page of {@link CrmAdapter.listContacts}. */
export interface CrmContactPage {
  readonly contacts: readonly CrmContact[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  readonly next?: string;
  /** How many contacts the whole listing holds, when the CRM says. */
  readonly total?: number;
}

/** The request budget a CRM grants, as the adapter declares it (the sync sizes its work by it). */
export interface CrmRateLimit {
  /** Sustained requests per second the CRM allows for the whole account. */
  readonly requestsPerSecond: number;
  /** Requests that may go out at once before the rate applies (default: one second's worth). */
  readonly burst?: number;
}

/**
 * A connector to one CRM account: finds every record with a phone number and writes its SMS consent
 * field. The consent manager drives it from a durable outbox (`consent.sync()`), `reconcile()` and
 * `importFromCrm()`; `runCrmAdapterTests` from `sms-consent/testing` proves an implementation.
 *
 * Rules every adapter MUST follow:
 * - `findContactsByPhone` returns **every** contact whose stored phone, normalized, equals `phone`,
 *   whatever format it was typed in, and no contact with another number (no prefix or fuzzy hits).
 * - `setSmsConsent` is idempotent: writing the same value twice leaves the contact as once.
 * - Failures reject with a `ConsentError` of code `CRM_FAILURE` (a `CrmRequestError` when the CRM
 *   answered), keeping the original error as `cause`; a `retryAfterMs` the CRM asked for is passed on.
 * - The adapter stays within `rateLimit` itself (it is shared by every caller of the account).
 *
 * @example
 * const consent = createConsentManager({ store, crm: createActiveCampaignCrm({ ... }) });
 * consent.start(); // syncs every opt-out to every contact with that number
 */
export interface CrmAdapter {
  /** A short name for logs and idempotency keys, e.g. `activecampaign`. */
  readonly name: string;
  /** What the CRM allows; the adapter enforces it, the sync sizes its concurrency by it. */
  readonly rateLimit: CrmRateLimit;
  /** How many jobs (or contacts per page) one round of work should take. */
  readonly batchSize: number;
  /** Every contact with this number (see the rules above). */
  findContactsByPhone(phone: E164): Promise<readonly CrmContact[]>;
  /** Writes the contact's SMS consent field. */
  setSmsConsent(contact: CrmContact, change: CrmConsentChange, options: CrmWriteOptions): Promise<void>;
  /** Reads the contact's SMS consent field; lets `reconcile` write only where the CRM drifted. */
  getSmsConsent?(contact: CrmContact): Promise<CrmConsentValue>;
  /** Pages through the CRM's contacts: needed by `reconcile` (CRM side) and `importFromCrm`. */
  listContacts?(options: CrmListOptions): Promise<CrmContactPage>;
}

/**
 * Picks the CRM of a tenant, for apps whose tenants each have their own CRM account; `undefined`
 * means the tenant has none (its jobs complete without a write).
 */
export type CrmResolver = (tenantId: string) => CrmAdapter | undefined;
