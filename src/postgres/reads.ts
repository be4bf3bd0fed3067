import type { ChainHead } from '../consent/audit.js';
import type { ConsentEvent, ConsentStatusValue } from '../consent/types.js';
import type { E164 } from '../phone.js';
import type { LedgerCursor, NumberState, PhonePaging, StatusPage, StoredStatus } from '../store/contract.js';
import { read, type StoreContext } from './context.js';
import {
  type EventJson,
  eventJson,
  type StatusRow,
  statusColumns,
  statusJoins,
  toEvent,
  toStoredStatus,
} from './rows.js';
import { isoText } from './schema.js';

/** The status row of one number with its cause and last event, or null. */
export async function getStatus(
  context: StoreContext,
  tenantId: string,
  phone: E164,
): Promise<StoredStatus | null> {
  const { t } = context;
  const [row] = await read<StatusRow>(
    context,
    `SELECT ${statusColumns()} FROM ${t.statuses} s ${statusJoins(t.events)} WHERE s.tenant_id = $1 AND s.phone = $2`,
    [tenantId, phone],
  );
  return row ? toStoredStatus(row) : null;
}

/** Statuses of many numbers: one statement per chunk of `statusChunkSize` numbers, an array parameter each. */
export async function getStatuses(
  context: StoreContext,
  tenantId: string,
  phones: readonly E164[],
): Promise<Map<E164, ConsentStatusValue>> {
  const result = new Map<E164, ConsentStatusValue>();
  for (let start = 0; start < phones.length; start += context.statusChunkSize) {
    const chunk = phones.slice(start, start + context.statusChunkSize);
    const rows = await read<{ phone: E164; status: ConsentStatusValue }>(
      context,
      `SELECT phone, status FROM ${context.t.statuses} WHERE tenant_id = $1 AND phone = ANY($2::text[])`,
      [tenantId, chunk],
    );
    for (const row of rows) result.set(row.phone, row.status);
  }
  return result;
}

/** Keyset paging through a tenant's statuses by phone; `next` is set when more rows follow. */
export async function listStatuses(
  context: StoreContext,
  tenantId: string,
  options: { readonly status?: ConsentStatusValue; readonly after?: string; readonly limit: number },
): Promise<StatusPage> {
  const { t } = context;
  const params: unknown[] = [tenantId];
  const filters = ['s.tenant_id = $1'];
  if (options.status !== undefined) {
    params.push(options.status);
    filters.push(`s.status = $${params.length}`);
  }
  if (options.after !== undefined) {
    params.push(options.after);
    filters.push(`s.phone > $${params.length}`);
  }
  const limit = Math.max(0, Math.floor(options.limit));
  params.push(limit + 1);
  const rows = await read<StatusRow>(
    context,
    `SELECT ${statusColumns()} FROM ${t.statuses} s ${statusJoins(t.events)}
     WHERE ${filters.join(' AND ')} ORDER BY s.phone LIMIT $${params.length}`,
    params,
  );
  const items = rows.slice(0, limit).map(toStoredStatus);
  const last = items.at(-1);
  return rows.length > limit && last ? { items, next: last.phone } : { items };
}

/** The events of one number in `seq` order. */
export async function getEvents(
  context: StoreContext,
  tenantId: string,
  phone: E164,
): Promise<ConsentEvent[]> {
  const rows = await read<{ event: EventJson | string }>(
    context,
    `SELECT ${eventJson('e')} AS event FROM ${context.t.events} e WHERE e.tenant_id = $1 AND e.phone = $2
     ORDER BY e.chain DESC, e.seq, e.id`,
    [tenantId, phone],
  );
  return rows.map((row) => toEvent(row.event));
}

/** One event of a tenant by id, or null. */
export async function getEvent(
  context: StoreContext,
  tenantId: string,
  eventId: string,
): Promise<ConsentEvent | null> {
  const [row] = await read<{ event: EventJson | string }>(
    context,
    `SELECT ${eventJson('e')} AS event FROM ${context.t.events} e WHERE e.tenant_id = $1 AND e.id = $2`,
    [tenantId, eventId],
  );
  return row ? toEvent(row.event) : null;
}

/**
 * A page of the tenant's ledger in ledger order: the tenant chain of a migrated ledger by seq, then
 * every number's chain by (phone, seq, id), keyset-paged from `after`.
 */
export async function readLedger(
  context: StoreContext,
  tenantId: string,
  options: { readonly after?: LedgerCursor; readonly limit: number },
): Promise<ConsentEvent[]> {
  const { t } = context;
  const limit = Math.max(0, Math.floor(options.limit));
  const { after } = options;
  const page: ConsentEvent[] = [];
  if (after === undefined || after.chain === 'tenant') {
    const rows = await read<{ event: EventJson | string }>(
      context,
      `SELECT ${eventJson('e')} AS event FROM ${t.events} e WHERE e.tenant_id = $1 AND e.chain = 'tenant'
         AND (e.seq, e.id) > ($2::bigint, $3::text) ORDER BY e.seq, e.id LIMIT $4`,
      [tenantId, after?.seq ?? 0, after?.id ?? '', limit],
    );
    page.push(...rows.map((row) => toEvent(row.event)));
    if (page.length === limit) return page;
  }
  const from = after === undefined || after.chain === 'tenant' ? undefined : after;
  const rows = await read<{ event: EventJson | string }>(
    context,
    `SELECT ${eventJson('e')} AS event FROM ${t.events} e WHERE e.tenant_id = $1 AND e.chain = 'number'
       AND (e.phone, e.seq, e.id) > ($2::text, $3::bigint, $4::text)
       ORDER BY e.tenant_id, e.phone, e.seq, e.id LIMIT $5`,
    [tenantId, from?.phone ?? '', from?.seq ?? 0, from?.id ?? '', limit - page.length],
  );
  page.push(...rows.map((row) => toEvent(row.event)));
  return page;
}

/** Status rows with their chain heads, by phone. */
export async function readNumberStates(
  context: StoreContext,
  tenantId: string,
  options: PhonePaging,
): Promise<NumberState[]> {
  const rows = await read<{
    phone: E164;
    status: ConsentStatusValue;
    since: string | null;
    cause_event_id: string | null;
    last_event_id: string | null;
    head_seq: string | number | null;
    head_hash: string | null;
  }>(
    context,
    `SELECT phone, status, ${isoText('since')} AS since, cause_event_id, last_event_id, head_seq, head_hash
     FROM ${context.t.statuses} WHERE tenant_id = $1 AND phone > $2 ORDER BY tenant_id, phone LIMIT $3`,
    [tenantId, options.after ?? '', Math.max(0, Math.floor(options.limit))],
  );
  return rows.map((row) => ({
    phone: row.phone,
    status: row.status,
    ...(row.since === null ? {} : { since: row.since }),
    ...(row.cause_event_id === null ? {} : { causeEventId: row.cause_event_id }),
    ...(row.last_event_id === null ? {} : { lastEventId: row.last_event_id }),
    head: row.head_seq === null ? null : { seq: Number(row.head_seq), hash: row.head_hash ?? '' },
  }));
}

/** The frozen tenant-chain head of a ledger migrated from schema 1 or 2, or null. */
export async function getChainHead(context: StoreContext, tenantId: string): Promise<ChainHead | null> {
  const [row] = await read<{ seq: string | number; hash: string | null }>(
    context,
    `SELECT seq, hash FROM ${context.t.heads} WHERE tenant_id = $1`,
    [tenantId],
  );
  const seq = Number(row?.seq ?? 0);
  return seq === 0 ? null : { seq, hash: row?.hash ?? '' };
}

/**
 * Every tenant with an event: a skip scan over the status rows' primary key (one index probe per
 * tenant, not a scan of every number), plus the tenants of migrated tenant chains.
 */
export async function listTenants(context: StoreContext): Promise<string[]> {
  const { t } = context;
  const rows = await read<{ tenant_id: string }>(
    context,
    `WITH RECURSIVE tenants AS (
       SELECT (SELECT min(tenant_id) FROM ${t.statuses}) AS tenant_id
       UNION ALL
       SELECT (SELECT min(s.tenant_id) FROM ${t.statuses} s WHERE s.tenant_id > tenants.tenant_id)
       FROM tenants WHERE tenants.tenant_id IS NOT NULL)
     SELECT tenant_id FROM tenants WHERE tenant_id IS NOT NULL
     UNION SELECT tenant_id FROM ${t.heads} WHERE seq > 0
     ORDER BY tenant_id`,
    [],
  );
  return rows.map((row) => row.tenant_id);
}
