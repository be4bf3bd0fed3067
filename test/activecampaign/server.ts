import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local ActiveCampaign API v3 (node:http on 127.0.0.1, ephemeral port) following the documented
 * request and response shapes the adapter relies on:
 * - `Api-Token` header required (403 otherwise);
 * - `GET /api/3/contacts` with `phone` (prefix match on the phone as typed), `search` (the value
 *   anywhere in the names, phone or email, case-insensitive: "Filter contacts that match the given
 *   value in the contact names, organization, phone or email", List all contacts, API v3; that the
 *   match is a substring one is an assumption), `filters[updated_after]`, `ids[]` (repeated), `limit`
 *   (default 20, max 100) and `offset`; `meta.total` is a string;
 * - `GET /api/3/contacts/{id}`, `GET /api/3/contacts/{id}/fieldValues`;
 * - `PUT /api/3/contacts/{id}` with `{"contact":{"fieldValues":[{"field","value"}]}}` (422 for an
 *   unknown field);
 * - `GET /api/3/fieldValues` with `filters[fieldid]`, `filters[val]`, `limit`, `offset`;
 * - injected failures (a 429 burst with `Retry-After`, 5xx) and an optional requests-per-second cap.
 */
export interface FakeActiveCampaign {
  readonly url: string;
  readonly token: string;
  /** Adds a contact with its phone as typed and custom field values; returns its id. */
  addContact(contact: {
    phone: string;
    email?: string;
    firstName?: string;
    lastName?: string;
    fields?: Record<string, string>;
  }): string;
  /** A contact's field value straight from the "database", or null. */
  fieldValue(contactId: string, field: string): string | null;
  /** Sets a field as a web form would (bumps `udate`). */
  setFieldValue(contactId: string, field: string, value: string): void;
  /** The next requests get these answers instead of being served. */
  failNext(...responses: { status: number; headers?: Record<string, string>; body?: unknown }[]): void;
  /** Every request received. */
  readonly requests: { method: string; path: string; query: URLSearchParams; apiToken: string | undefined }[];
  close(): Promise<void>;
}

interface StoredContact {
  id: string;
  email: string;
  phone: string;
  firstName: string;
  lastName: string;
  cdate: string;
  udate: string;
}

interface StoredFieldValue {
  id: string;
  contact: string;
  field: string;
  value: string;
  cdate: string;
  udate: string;
}

export async function startFakeActiveCampaign(
  options: { fields?: readonly string[]; token?: string; now?: () => number } = {},
): Promise<FakeActiveCampaign> {
  const token = options.token ?? 'test-token-0123456789';
  const fields = new Set(options.fields ?? ['7']);
  const now = options.now ?? Date.now;
  const contacts = new Map<string, StoredContact>();
  const values = new Map<string, StoredFieldValue>();
  const injected: { status: number; headers?: Record<string, string>; body?: unknown }[] = [];
  const requests: FakeActiveCampaign['requests'] = [];
  let nextContact = 1;
  let nextValue = 1;
  const stamp = () => new Date(now()).toISOString().replace('Z', '-00:00');

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const links = (id: string) => ({
    fieldValues: `/api/3/contacts/${id}/fieldValues`,
    contactLists: `/api/3/contacts/${id}/contactLists`,
  });
  const present = (contact: StoredContact) => ({
    ...contact,
    orgid: '0',
    deleted: '0',
    links: links(contact.id),
  });
  const presentValue = (value: StoredFieldValue) => ({
    ...value,
    owner: value.contact,
    links: { owner: `/api/3/contacts/${value.contact}`, field: `/api/3/fields/${value.field}` },
  });
  const paging = (query: URLSearchParams) => {
    const limit = Math.min(100, Math.max(1, Number(query.get('limit') ?? 20)));
    const offset = Math.max(0, Number(query.get('offset') ?? 0));
    return { limit, offset };
  };
  const setValue = (contactId: string, field: string, value: string) => {
    const key = `${contactId}:${field}`;
    const existing = values.get(key);
    values.set(
      key,
      existing
        ? { ...existing, value, udate: stamp() }
        : { id: String(nextValue++), contact: contactId, field, value, cdate: stamp(), udate: stamp() },
    );
    const contact = contacts.get(contactId);
    if (contact) contact.udate = stamp();
  };

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const apiToken = req.headers['api-token'];
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      apiToken: typeof apiToken === 'string' ? apiToken : undefined,
    });
    const body = await readBody(req);
    const fault = injected.shift();
    if (fault) return json(res, fault.status, fault.body ?? { message: 'injected' }, fault.headers);
    if (apiToken !== token)
      return json(res, 403, { message: 'You are not authorized to access this resource' });

    const parts = url.pathname.replace(/^\/api\/3\//, '').split('/');
    const query = url.searchParams;
    if (req.method === 'GET' && parts[0] === 'contacts' && parts.length === 1) {
      const phone = query.get('phone');
      const search = query.get('search')?.toLowerCase() ?? null;
      const updatedAfter = query.get('filters[updated_after]');
      const ids = query.getAll('ids[]');
      const matching = [...contacts.values()].filter(
        (contact) =>
          (phone === null || contact.phone.startsWith(phone)) &&
          (search === null ||
            [contact.firstName, contact.lastName, contact.email, contact.phone].some((value) =>
              value.toLowerCase().includes(search),
            )) &&
          (ids.length === 0 || ids.includes(contact.id)) &&
          (updatedAfter === null || Date.parse(contact.udate) >= Date.parse(updatedAfter)),
      );
      const { limit, offset } = paging(query);
      return json(res, 200, {
        scoredContacts: [],
        contacts: matching.slice(offset, offset + limit).map(present),
        meta: { total: String(matching.length), page_input: { limit, offset, search: null, sort: null } },
      });
    }
    if (parts[0] === 'contacts' && parts[1] !== undefined) {
      const contact = contacts.get(parts[1]);
      if (!contact) return json(res, 404, { message: `No Result found for Subscriber with id ${parts[1]}` });
      const own = () =>
        [...values.values()].filter((value) => value.contact === contact.id).map(presentValue);
      if (req.method === 'GET' && parts.length === 2)
        return json(res, 200, { contact: present(contact), fieldValues: own() });
      if (req.method === 'GET' && parts[2] === 'fieldValues') return json(res, 200, { fieldValues: own() });
      if (req.method === 'PUT' && parts.length === 2) {
        let parsed: { contact?: { fieldValues?: { field?: unknown; value?: unknown }[] } };
        try {
          parsed = JSON.parse(body);
        } catch {
          return json(res, 400, { errors: [{ title: 'Malformed JSON', code: 'malformed' }] });
        }
        const updates = parsed.contact?.fieldValues;
        if (!Array.isArray(updates))
          return json(res, 422, {
            errors: [{ title: 'contact is required', source: { pointer: '/data/attributes/contact' } }],
          });
        for (const update of updates) {
          if (!fields.has(String(update.field))) {
            return json(res, 422, {
              errors: [
                {
                  title: 'Field not found',
                  detail: `No field with id ${String(update.field)}`,
                  source: { pointer: '/data/attributes/fieldValues' },
                },
              ],
            });
          }
        }
        for (const update of updates) setValue(contact.id, String(update.field), String(update.value));
        return json(res, 200, { fieldValues: own(), contact: present(contact) });
      }
    }
    if (req.method === 'GET' && parts[0] === 'fieldValues' && parts.length === 1) {
      const fieldId = query.get('filters[fieldid]');
      const val = query.get('filters[val]');
      const matching = [...values.values()].filter(
        (value) => (fieldId === null || value.field === fieldId) && (val === null || value.value === val),
      );
      const { limit, offset } = paging(query);
      return json(res, 200, {
        fieldValues: matching.slice(offset, offset + limit).map(presentValue),
        meta: { total: String(matching.length) },
      });
    }
    return json(res, 404, { message: 'Not Found' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => json(res, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    addContact({ phone, email, firstName, lastName, fields: initial = {} }) {
      const id = String(nextContact++);
      contacts.set(id, {
        id,
        email: email ?? `lead${id}@example.com`,
        phone,
        firstName: firstName ?? 'Lead',
        lastName: lastName ?? id,
        cdate: stamp(),
        udate: stamp(),
      });
      for (const [field, value] of Object.entries(initial)) setValue(id, field, value);
      return id;
    },
    fieldValue: (contactId, field) => values.get(`${contactId}:${field}`)?.value ?? null,
    setFieldValue: (contactId, field, value) => setValue(contactId, field, value),
    failNext: (...responses) => {
      injected.push(...responses);
    },
    close: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
