import type {
  CrmAdapter,
  CrmConsentChange,
  CrmConsentValue,
  CrmContact,
  CrmContactPage,
  CrmListOptions,
} from '../crm/adapter.js';
import { CrmRequestError } from '../crm/errors.js';
import { type CountryCode, tryNormalizePhone } from '../phone.js';

/** A contact as the fake CRM stores it. */
export interface FakeCrmContact {
  readonly id: string;
  /** As typed: any format. */
  readonly phone: string;
  readonly smsConsent: CrmConsentValue;
  /** Last change, epoch milliseconds. */
  readonly updatedAt: number;
}

/** One write the fake CRM received through `setSmsConsent`. */
export interface FakeCrmWrite {
  readonly contactId: string;
  readonly value: 'opted_in' | 'opted_out';
  readonly idempotencyKey: string;
  readonly change: CrmConsentChange;
}

/** Options of {@link createFakeCrm}. */
export interface FakeCrmOptions {
  /** Country of phones typed in national form (default `US`). */
  readonly defaultCountry?: CountryCode;
  /** Milliseconds clock for `updatedAt` (default `Date.now`); pass the manager's test clock. */
  readonly now?: () => number;
  /** Adapter name (default `fake`). */
  readonly name?: string;
}

/** The in-memory CRM: a {@link CrmAdapter} plus controls for tests. */
export interface FakeCrm extends CrmAdapter {
  getSmsConsent(contact: CrmContact): Promise<CrmConsentValue>;
  listContacts(options: CrmListOptions): Promise<CrmContactPage>;
  /** Adds a contact with its phone as typed; returns its id. */
  addContact(contact: {
    readonly phone: string;
    readonly smsConsent?: CrmConsentValue;
    readonly id?: string;
  }): string;
  /** Sets a contact's field as a person or a web form would (not through the adapter). */
  setField(contactId: string, value: CrmConsentValue): void;
  /** A contact, or undefined. */
  contact(contactId: string): FakeCrmContact | undefined;
  /** Every contact, by id. */
  contacts(): FakeCrmContact[];
  /** Every write received, oldest first. */
  readonly writes: readonly FakeCrmWrite[];
  /** Requests received (every adapter call counts one). */
  readonly requests: number;
  /**
   * Makes calls fail: `failure` returns the error for a call (or undefined to let it through);
   * `null` heals the CRM. Simulates outages, 429s with `retryAfterMs`, flaky networks.
   */
  setFailure(failure: ((call: string) => Error | undefined) | null): void;
}

/**
 * An in-memory CRM that follows the {@link CrmAdapter} contract (proved by `runCrmAdapterTests`):
 * phones are stored as typed and matched after normalization, the consent field is written
 * idempotently, contacts page by offset. For testing apps and the sync without a real CRM.
 *
 * @example
 * const crm = createFakeCrm({ now: () => clock.now().getTime() });
 * crm.addContact({ phone: '(415) 555-2671' });
 * const consent = createConsentManager({ store: createMemoryStore(), crm, clock, defaultCountry: 'US' });
 */
export function createFakeCrm(options: FakeCrmOptions = {}): FakeCrm {
  const country = options.defaultCountry ?? 'US';
  const now = options.now ?? Date.now;
  const stored = new Map<string, FakeCrmContact>();
  const writes: FakeCrmWrite[] = [];
  let requests = 0;
  let nextId = 1;
  let failure: ((call: string) => Error | undefined) | null = null;

  function call(name: string): void {
    requests++;
    const error = failure?.(name);
    if (error) throw error;
  }

  function existing(contactId: string): FakeCrmContact {
    const contact = stored.get(contactId);
    if (!contact)
      throw new CrmRequestError(`fake CRM: no contact ${contactId}`, { status: 404, retryable: false });
    return contact;
  }

  const toContact = (contact: FakeCrmContact): CrmContact => ({
    id: contact.id,
    phone: contact.phone,
    smsConsent: contact.smsConsent,
  });

  const crm: FakeCrm = {
    name: options.name ?? 'fake',
    rateLimit: { requestsPerSecond: 1000 },
    batchSize: 50,
    get writes() {
      return writes;
    },
    get requests() {
      return requests;
    },

    addContact({ phone, smsConsent = null, id }) {
      const contactId = id ?? String(nextId++);
      stored.set(contactId, { id: contactId, phone, smsConsent, updatedAt: now() });
      return contactId;
    },
    setField(contactId, value) {
      stored.set(contactId, { ...existing(contactId), smsConsent: value, updatedAt: now() });
    },
    contact: (contactId) => stored.get(contactId),
    contacts: () => [...stored.values()],
    setFailure(next) {
      failure = next;
    },

    async findContactsByPhone(phone) {
      call('findContactsByPhone');
      return [...stored.values()]
        .filter((contact) => tryNormalizePhone(contact.phone, { defaultCountry: country }) === phone)
        .map(toContact);
    },
    async setSmsConsent(contact, change, { idempotencyKey }) {
      call('setSmsConsent');
      const current = existing(contact.id);
      writes.push({ contactId: contact.id, value: change.status, idempotencyKey, change });
      if (current.smsConsent !== change.status) {
        stored.set(contact.id, { ...current, smsConsent: change.status, updatedAt: now() });
      }
    },
    async getSmsConsent(contact) {
      call('getSmsConsent');
      return existing(contact.id).smsConsent;
    },
    async listContacts({ cursor, limit, updatedSince, smsConsent }: CrmListOptions): Promise<CrmContactPage> {
      call('listContacts');
      const since = updatedSince === undefined ? undefined : Date.parse(updatedSince);
      const all = [...stored.values()]
        .filter((contact) => since === undefined || contact.updatedAt >= since)
        .filter((contact) => smsConsent === undefined || contact.smsConsent === smsConsent)
        .sort((a, b) => compareIds(a.id, b.id));
      const offset = cursor === undefined ? 0 : Number(cursor);
      const page = all.slice(offset, offset + limit);
      const end = offset + page.length;
      return {
        contacts: page.map(toContact),
        total: all.length,
        ...(end < all.length ? { next: String(end) } : {}),
      };
    },
  };
  return crm;
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
