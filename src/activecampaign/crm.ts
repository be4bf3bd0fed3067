import { z } from 'zod';
import type { CrmAdapter, CrmConsentValue, CrmContact, CrmContactPage } from '../crm/adapter.js';
import { CrmRequestError } from '../crm/errors.js';
import { createRateLimiter } from '../crm/rate-limit.js';
import { ConsentError } from '../errors.js';
import { mustBe, parseConfig } from '../helpers/config.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import { type CountryCode, type E164, tryNormalizePhone } from '../phone.js';
import {
  type ActiveCampaignQueryValue,
  type ActiveCampaignRequest,
  createActiveCampaignRequest,
  defaultClientParts,
  type FetchLike,
} from './client.js';
import { activeCampaignPhoneQueries, activeCampaignPhoneSearch, countryOf } from './phone-queries.js';

/** Options of {@link createActiveCampaignCrm}. */
export interface ActiveCampaignCrmOptions {
  /** Your account's API URL, `https://{account}.api-us1.com` (Settings › Developer); `/api/3` optional. */
  readonly baseUrl: string;
  /** An API token of the account, sent as the `Api-Token` header. */
  readonly apiToken: string;
  /** Id of the custom contact field that holds SMS consent (a dropdown or text field). */
  readonly field: string | number;
  /** The field's values for each status (default `opted_in` / `opted_out`). */
  readonly values?: { readonly optedIn?: string; readonly optedOut?: string };
  /** A `fetch` implementation (default the global one). */
  readonly fetch?: FetchLike;
  /** Country of phones typed in national form when listing contacts (lookups use the number's own). */
  readonly defaultCountry?: CountryCode;
  /** The `phone=` prefix queries of a lookup (default {@link activeCampaignPhoneQueries}). */
  readonly phoneQueries?: (phone: E164) => readonly string[];
  /**
   * The `search=` terms of a lookup, which find the formats no prefix query covers (default
   * {@link activeCampaignPhoneSearch}: the number's last three digits). Return `[]` to search
   * by prefix only.
   */
  readonly phoneSearch?: (phone: E164) => readonly string[];
  /**
   * Requests per second for the whole account (default 5, ActiveCampaign's limit). Every adapter
   * on one account should share one limit: create one adapter per account.
   */
  readonly requestsPerSecond?: number;
  /** Retries of a 429, 5xx or network failure within one call (default 3). */
  readonly maxRetries?: number;
  /** Longest `Retry-After` waited within a call; a longer one is left to the outbox (default 10 s). */
  readonly maxRetryWaitMs?: number;
  /** Per-request timeout (default 30 s). */
  readonly timeoutMs?: number;
  /** Jobs per sync round (default 20: a number takes several requests at 5 per second). */
  readonly batchSize?: number;
  /** Milliseconds clock of the rate limiter (tests inject a virtual one). */
  readonly now?: () => number;
  /** How the adapter waits (tests inject one that advances their virtual clock). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** An ActiveCampaign contact as API v3 returns it (the fields this adapter reads). */
interface AcContact {
  readonly id: string;
  readonly phone?: string | null;
}

/** A custom field value as API v3 returns it. */
interface AcFieldValue {
  readonly contact: string;
  readonly field: string;
  readonly value: string | null;
}

const PAGE_LIMIT = 100;

const count = (name: string, min: number) =>
  z
    .number(mustBe(name, `a number of at least ${min}`))
    .min(min)
    .optional();

/** What {@link createActiveCampaignCrm} checks before it talks to the account. */
const optionsSchema = z.object({
  baseUrl: z
    .string({ error: 'baseUrl must be the account API URL (https://…)' })
    .regex(/^https?:\/\//)
    .refine((url) => URL.canParse(url)),
  apiToken: z.string({ error: 'apiToken is required' }).min(1),
  // A custom field id, given as a number or as the digits ActiveCampaign shows.
  field: z.coerce.string().regex(/^\d+$/, mustBe('field', 'a custom field id')),
  maxRetries: count('maxRetries', 0),
  maxRetryWaitMs: count('maxRetryWaitMs', 0),
  timeoutMs: count('timeoutMs', 1),
  batchSize: count('batchSize', 1),
});

/**
 * The {@link CrmAdapter} for ActiveCampaign (API v3). ActiveCampaign has no SMS-consent attribute,
 * so consent lives in a custom contact field (`field`, values `opted_in` / `opted_out` unless
 * `values` says otherwise):
 * - lookups query `GET /api/3/contacts?phone=` — a prefix match on the phone as typed — with every
 *   variant of {@link activeCampaignPhoneQueries}, then `GET /api/3/contacts?search=` with the
 *   number's last digits ({@link activeCampaignPhoneSearch}), which finds a phone typed in any other
 *   format (`+1 415-555-2671`, `4155 552 671`); they page through each (`limit`/`offset`,
 *   `meta.total`), normalize every hit and keep exact E.164 matches only;
 * - writes are `PUT /api/3/contacts/{id}` with `{"contact":{"fieldValues":[{"field","value"}]}}`;
 * - reads are `GET /api/3/contacts/{id}/fieldValues`;
 * - listing pages `GET /api/3/contacts` (with `filters[updated_after]` for `updatedSince`), and the
 *   consent filter pages `GET /api/3/fieldValues?filters[fieldid]=…&filters[val]=…`, then reads the
 *   page's contacts in one `GET /api/3/contacts?ids[]=…&ids[]=…` (two requests per page).
 * All requests share a rate limiter (at most 5 in any second); 429 and 503 are retried after `Retry-After`.
 * ActiveCampaign takes no idempotency key: the writes are idempotent by nature.
 *
 * @example
 * const crm = createActiveCampaignCrm({
 *   baseUrl: 'https://acme.api-us1.com', apiToken: process.env.AC_API_TOKEN!, field: 12,
 * });
 * const consent = createConsentManager({ store, crm, defaultCountry: 'US' });
 * consent.start();
 */
export function createActiveCampaignCrm(options: ActiveCampaignCrmOptions): CrmAdapter {
  const { field } = parseConfig(optionsSchema, options, 'createActiveCampaignCrm');
  const fetchImpl = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
  if (!fetchImpl) throw new ConsentError('CONFIG', 'createActiveCampaignCrm: no fetch available; pass one');
  const optedIn = options.values?.optedIn ?? 'opted_in';
  const optedOut = options.values?.optedOut ?? 'opted_out';
  const requestsPerSecond = options.requestsPerSecond ?? 5;
  const now = options.now ?? defaultClientParts.now;
  const sleep = options.sleep ?? defaultClientParts.sleep;
  const request: ActiveCampaignRequest = createActiveCampaignRequest({
    baseUrl: options.baseUrl,
    apiToken: options.apiToken,
    fetch: fetchImpl,
    limiter: createRateLimiter({ requestsPerSecond, now, sleep }),
    maxRetries: options.maxRetries ?? 3,
    maxRetryWaitMs: options.maxRetryWaitMs ?? 10_000,
    timeoutMs: options.timeoutMs ?? 30_000,
    now,
    sleep,
  });
  const queriesOf = options.phoneQueries ?? activeCampaignPhoneQueries;
  const searchesOf = options.phoneSearch ?? ((phone: E164) => activeCampaignPhoneSearch(phone));
  const consentOf = (raw: string | null | undefined): CrmConsentValue =>
    raw === optedOut ? 'opted_out' : raw === optedIn ? 'opted_in' : null;

  async function contactsPage(query: Record<string, ActiveCampaignQueryValue>) {
    const body = (await request('GET', 'contacts', { query })) as {
      contacts?: AcContact[];
      meta?: { total?: string | number };
    } | null;
    return { contacts: body?.contacts ?? [], total: Number(body?.meta?.total ?? 0) };
  }

  async function* contactsMatching(filter: Record<string, string>): AsyncGenerator<AcContact> {
    for (let offset = 0; ; offset += PAGE_LIMIT) {
      const page = await contactsPage({ ...filter, limit: PAGE_LIMIT, offset });
      yield* page.contacts;
      if (page.contacts.length < PAGE_LIMIT || offset + PAGE_LIMIT >= page.total) return;
    }
  }

  const toContact = (contact: AcContact, smsConsent?: CrmConsentValue): CrmContact =>
    omitUndefined({ id: String(contact.id), phone: contact.phone ?? '', smsConsent });

  return {
    name: 'activecampaign',
    rateLimit: { requestsPerSecond },
    batchSize: Math.floor(options.batchSize ?? 20),

    async findContactsByPhone(phone) {
      const country = countryOf(phone) ?? options.defaultCountry;
      const found = new Map<string, CrmContact>();
      const filters = [
        ...queriesOf(phone).map((query) => ({ phone: query })),
        ...searchesOf(phone).map((term) => ({ search: term })),
      ];
      for (const filter of filters) {
        for await (const contact of contactsMatching(filter)) {
          if (found.has(String(contact.id)) || !contact.phone) continue;
          const normalized = tryNormalizePhone(contact.phone, country ? { defaultCountry: country } : {});
          if (normalized === phone) found.set(String(contact.id), toContact(contact));
        }
      }
      return [...found.values()];
    },

    async setSmsConsent(contact, change) {
      await request('PUT', `contacts/${encodeURIComponent(contact.id)}`, {
        body: {
          contact: { fieldValues: [{ field, value: change.status === 'opted_out' ? optedOut : optedIn }] },
        },
      });
    },

    async getSmsConsent(contact) {
      const body = (await request('GET', `contacts/${encodeURIComponent(contact.id)}/fieldValues`)) as {
        fieldValues?: AcFieldValue[];
      } | null;
      const value = body?.fieldValues?.find((entry) => String(entry.field) === field)?.value;
      return consentOf(value);
    },

    async listContacts({ cursor, limit, updatedSince, smsConsent }): Promise<CrmContactPage> {
      const offset = cursor === undefined ? 0 : Number(cursor);
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new CrmRequestError(`ActiveCampaign: invalid cursor ${cursor}`, { retryable: false });
      }
      const pageLimit = Math.max(1, Math.min(PAGE_LIMIT, limit));
      if (smsConsent === undefined) {
        const page = await contactsPage(
          omitUndefined({ limit: pageLimit, offset, 'filters[updated_after]': updatedSince }),
        );
        const end = offset + page.contacts.length;
        return {
          contacts: page.contacts.map((contact) => toContact(contact)),
          total: page.total,
          ...(page.contacts.length > 0 && end < page.total ? { next: String(end) } : {}),
        };
      }
      const body = (await request('GET', 'fieldValues', {
        query: {
          'filters[fieldid]': field,
          'filters[val]': smsConsent === 'opted_out' ? optedOut : optedIn,
          limit: pageLimit,
          offset,
        },
      })) as { fieldValues?: AcFieldValue[]; meta?: { total?: string | number } } | null;
      const values = (body?.fieldValues ?? []).filter((entry) => consentOf(entry.value) === smsConsent);
      const total = Number(body?.meta?.total ?? 0);
      const ids = [...new Set(values.map((entry) => String(entry.contact)))];
      const byId = new Map<string, AcContact>();
      if (ids.length > 0) {
        // One request for the page's contacts: `ids[]` repeated (List all contacts, API v3).
        const found = await contactsPage({ 'ids[]': ids, limit: ids.length });
        for (const contact of found.contacts) byId.set(String(contact.id), contact);
      }
      // Should the filter ever come back short, the missing contacts are read one by one as before.
      for (const id of ids.filter((each) => !byId.has(each))) {
        const found = (await request('GET', `contacts/${encodeURIComponent(id)}`)) as {
          contact?: AcContact;
        } | null;
        if (found?.contact) byId.set(id, found.contact);
      }
      const contacts = ids.flatMap((id) => {
        const contact = byId.get(id);
        return contact ? [toContact(contact, smsConsent)] : [];
      });
      const end = offset + (body?.fieldValues?.length ?? 0);
      return {
        contacts,
        total,
        ...((body?.fieldValues?.length ?? 0) > 0 && end < total ? { next: String(end) } : {}),
      };
    },
  };
}
