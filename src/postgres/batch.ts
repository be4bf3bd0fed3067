import type { E164 } from '../phone.js';
import type { Session, Statement } from './client.js';
import { EVENT_ROW_COLUMNS, eventRow, JOB_ROW_COLUMNS, jobRow, jsonRows } from './rows.js';
import type { TableNames } from './schema.js';
import {
  type BufferedWrites,
  type ClaimAnswer,
  eventsSubquery,
  headSubquery,
  type NumberReads,
  type Prefetch,
} from './transaction.js';

/** One read a number's transaction is waiting for, until the batch's next round goes out. */
type Request =
  | { readonly kind: 'prefetch'; readonly phone: E164; readonly done: Settle<Prefetch | undefined> }
  | {
      readonly kind: 'claim';
      readonly phone: E164;
      readonly key: string;
      readonly eventId: string;
      readonly prefetch: boolean;
      readonly done: Settle<ClaimAnswer | undefined>;
    }
  | { readonly kind: 'owner'; readonly key: string; readonly done: Settle<string | undefined> };

interface Settle<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * The reads of many numbers' transactions in one database transaction, sent together: every read
 * asked for while the callbacks run up to their next wait leaves in one round of at most three
 * statements (prefetches, key claims with their prefetch, owners of taken keys), so a batch of a
 * thousand numbers costs a few round trips instead of a thousand. The statements' texts are fixed
 * (the numbers travel as JSON), so each is prepared once per connection.
 */
export function createBatchReads(
  session: Session,
  t: TableNames,
  tenantId: string,
): (phone: E164) => NumberReads {
  let queued: Request[] = [];
  let scheduled = false;

  const ask = <T>(make: (done: Settle<T>) => Request): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queued.push(make({ resolve, reject }));
      if (!scheduled) {
        scheduled = true;
        // After every callback that can run without the database has reached its next read.
        setImmediate(() => {
          scheduled = false;
          const round = queued;
          queued = [];
          send(round).catch((error: unknown) => {
            for (const request of round) request.done.reject(error);
          });
        });
      }
    });

  async function send(round: readonly Request[]): Promise<void> {
    const prefetches = round.filter((request) => request.kind === 'prefetch');
    const claims = round.filter((request) => request.kind === 'claim');
    const owners = round.filter((request) => request.kind === 'owner');
    await Promise.all([
      prefetches.length > 0 &&
        session
          .query<Prefetch & { i: number }>(
            `SELECT r.i, ${eventsSubquery(t, 'r.phone')} AS events, ${headSubquery(t, 'r.phone')} AS head
             FROM unnest($2::text[]) WITH ORDINALITY AS r(phone, i)`,
            [tenantId, prefetches.map((request) => request.phone)],
          )
          .then((rows) => answer(prefetches, rows, (row) => row)),
      claims.length > 0 &&
        session
          .query<ClaimAnswer & { i: number }>(
            // Joined on the event id, unique per claim: two claims of one key in a round get one winner.
            `WITH r AS (
               SELECT * FROM json_to_recordset($2::json) AS r(i int, phone text, key text, event_id text, prefetch boolean)),
             claim AS (
               INSERT INTO ${t.keys} (tenant_id, key, event_id) SELECT $1, r.key, r.event_id FROM r ORDER BY r.i
               ON CONFLICT DO NOTHING RETURNING event_id)
             SELECT r.i, c.event_id AS claimed,
               CASE WHEN c.event_id IS NOT NULL AND r.prefetch THEN ${eventsSubquery(t, 'r.phone')} END AS events,
               CASE WHEN c.event_id IS NOT NULL AND r.prefetch THEN ${headSubquery(t, 'r.phone')} END AS head
             FROM r LEFT JOIN claim c ON c.event_id = r.event_id`,
            [
              tenantId,
              JSON.stringify(
                claims.map((request, index) => ({
                  i: index + 1,
                  phone: request.phone,
                  key: request.key,
                  event_id: request.eventId,
                  prefetch: request.prefetch,
                })),
              ),
            ],
          )
          .then((rows) => answer(claims, rows, (row) => row)),
      owners.length > 0 &&
        session
          .query<{ i: number; event_id: string | null }>(
            `SELECT r.i, k.event_id FROM unnest($2::text[]) WITH ORDINALITY AS r(key, i)
             LEFT JOIN ${t.keys} k ON k.tenant_id = $1 AND k.key = r.key`,
            [tenantId, owners.map((request) => request.key)],
          )
          .then((rows) => answer(owners, rows, (row) => row.event_id ?? undefined)),
    ]);
  }

  return (phone) => ({
    prefetch: () => ask((done) => ({ kind: 'prefetch', phone, done })),
    claim: (key, eventId, prefetch) =>
      ask((done) => ({ kind: 'claim', phone, key, eventId, prefetch, done })),
    owner: (key) => ask((done) => ({ kind: 'owner', key, done })),
  });
}

/** Hands each request its row (`i` counts the requests from 1). */
function answer<R extends { readonly done: Settle<never> }, Row extends { i: number | string }>(
  requests: readonly R[],
  rows: readonly Row[],
  value: (row: Row) => unknown,
): void {
  const byIndex = new Map(rows.map((row) => [Number(row.i), row]));
  requests.forEach((request, index) => {
    const row = byIndex.get(index + 1);
    (request.done as Settle<unknown>).resolve(row === undefined ? undefined : value(row));
  });
}

/** A number's status row as the batch write takes it (JSON). */
interface StatusJson {
  readonly phone: E164;
  readonly status: string;
  readonly since: string | null;
  readonly cause_event_id: string | null;
  readonly last_event_id: string | null;
  readonly confirmation_text: string | null;
  readonly confirmation_until: string | null;
  readonly head_seq: number | null;
  readonly head_hash: string | null;
}

/**
 * Every number's buffered writes as one statement with a fixed text: the events, the status rows
 * (three kinds: a head move alone, a status that keeps the pending confirmation, one that replaces
 * it) and the jobs, each a JSON array. What it writes per number is what the single-number write
 * of `createPhoneTransaction` writes.
 */
export function batchWriteStatement(
  t: TableNames,
  tenantId: string,
  numbers: ReadonlyMap<E164, BufferedWrites>,
): Statement | undefined {
  const events: object[] = [];
  const heads: { phone: E164; head_seq: number; head_hash: string }[] = [];
  const keeping: StatusJson[] = [];
  const replacing: StatusJson[] = [];
  const jobs: object[] = [];
  for (const [phone, { appended, statusWrite, jobs: queued }] of numbers) {
    for (const event of appended) events.push(eventRow(event));
    const last = appended.at(-1);
    if (statusWrite) {
      const row: StatusJson = {
        phone,
        status: statusWrite.status,
        since: statusWrite.since ?? null,
        cause_event_id: statusWrite.causeEventId ?? null,
        last_event_id: statusWrite.lastEventId ?? null,
        confirmation_text: statusWrite.confirmation?.text ?? null,
        confirmation_until: statusWrite.confirmation?.until ?? null,
        head_seq: last?.seq ?? null,
        head_hash: last?.hash ?? null,
      };
      (statusWrite.confirmation === undefined ? keeping : replacing).push(row);
    } else if (last) {
      heads.push({ phone, head_seq: last.seq, head_hash: last.hash });
    }
    for (const job of queued) jobs.push(jobRow(job));
  }
  if (events.length + heads.length + keeping.length + replacing.length + jobs.length === 0) return undefined;
  const statusColumns = `phone text, status text, since timestamptz, cause_event_id text, last_event_id text,
    confirmation_text text, confirmation_until timestamptz, head_seq bigint, head_hash text`;
  const statusInsert = (alias: string, param: string, keep: boolean) => `${alias} AS (
    INSERT INTO ${t.statuses} AS cur (tenant_id, phone, status, since, cause_event_id, last_event_id,
      confirmation_text, confirmation_until, head_seq, head_hash)
    SELECT $1, s.phone, s.status, s.since, s.cause_event_id, s.last_event_id, s.confirmation_text,
      s.confirmation_until, s.head_seq, s.head_hash
    FROM json_to_recordset(${param}::json) AS s(${statusColumns})
    ON CONFLICT (tenant_id, phone) DO UPDATE SET status = EXCLUDED.status, since = EXCLUDED.since,
      cause_event_id = EXCLUDED.cause_event_id, last_event_id = EXCLUDED.last_event_id,
      head_seq = coalesce(EXCLUDED.head_seq, cur.head_seq), head_hash = coalesce(EXCLUDED.head_hash, cur.head_hash),
      ${
        keep
          ? ''
          : 'confirmation_text = EXCLUDED.confirmation_text, confirmation_until = EXCLUDED.confirmation_until,'
      }
      updated_at = now())`;
  return {
    text: `WITH appended AS (
      INSERT INTO ${t.events} (tenant_id, seq, id, phone, action, source, occurred_at, recorded_at, applied, reason,
        idempotency_key, evidence, prev_hash, hash, mac)
      SELECT $1, e.seq, e.id, e.phone, e.action, e.source, e.occurred_at, e.recorded_at, e.applied, e.reason,
        e.idempotency_key, e.evidence, e.prev_hash, e.hash, e.mac
      FROM json_to_recordset($2::json) AS e(${EVENT_ROW_COLUMNS})),
    heads AS (
      INSERT INTO ${t.statuses} (tenant_id, phone, status, head_seq, head_hash)
      SELECT $1, h.phone, 'unknown', h.head_seq, h.head_hash
      FROM json_to_recordset($3::json) AS h(phone text, head_seq bigint, head_hash text)
      ON CONFLICT (tenant_id, phone) DO UPDATE SET head_seq = EXCLUDED.head_seq, head_hash = EXCLUDED.head_hash),
    ${statusInsert('keeping', '$4', true)},
    ${statusInsert('replacing', '$5', false)},
    jobs AS (
      INSERT INTO ${t.jobs} (id, tenant_id, phone, kind, event_id, created_at, available_at)
      SELECT j.id, j.tenant_id, j.phone, j.kind, j.event_id, j.created_at, j.created_at
      FROM json_to_recordset($6::json) AS j(${JOB_ROW_COLUMNS}))
    SELECT 1`,
    params: [
      tenantId,
      jsonRows(events),
      jsonRows(heads),
      jsonRows(keeping),
      jsonRows(replacing),
      jsonRows(jobs),
    ],
  };
}
