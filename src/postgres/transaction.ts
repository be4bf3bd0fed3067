import type { ChainHead } from '../consent/audit.js';
import type { ConsentEvent } from '../consent/types.js';
import { ConsentError } from '../errors.js';
import type { E164 } from '../phone.js';
import { assertAppendable } from '../store/append.js';
import type { NewOutboxJob, PhoneTransaction, StatusWrite } from '../store/contract.js';
import type { Session } from './client.js';
import { type EventJson, eventJson, toEvent } from './rows.js';
import type { TableNames } from './schema.js';
import { versionSubquery } from './schema-version.js';

/**
 * Serializes the transactions of one (tenant, phone) across every process sharing the database, and
 * reads the schema version in the same statement (see `createSchemaGuard`).
 */
export function phoneLockSql(t: TableNames): string {
  return `SELECT pg_advisory_xact_lock(hashtextextended($1, 0)), ${versionSubquery(t)} AS version`;
}

/** The advisory lock key text of one number; a hash collision only costs some needless waiting. */
export function phoneLockKey(schema: string, tenantId: string, phone: E164): string {
  return JSON.stringify(['sms-consent', schema, tenantId, phone]);
}

/** The chain head row as read. */
interface HeadJson {
  readonly seq: string | number;
  readonly hash: string | null;
}

/** The number's committed events and the locked chain head, read in one statement. */
interface Prefetch {
  readonly events: (EventJson | string)[] | string | null;
  readonly head: HeadJson | string | null;
}

/** A {@link PhoneTransaction} on one session, and the write that ends it. */
export interface PendingTransaction {
  readonly tx: PhoneTransaction;
  /** Hands what the callback appended, put and enqueued to the session as one statement sent with COMMIT. */
  flush(): void;
}

/**
 * The transaction object handed to `transact` callbacks. Reads and the key claim go to the database
 * at once; the event, status and job writes are kept until {@link PendingTransaction.flush}, which
 * sends them as one statement together with COMMIT, to keep the chain head locked for as short as possible.
 */
export function createPhoneTransaction(
  session: Session,
  t: TableNames,
  tenantId: string,
  phone: E164,
): PendingTransaction {
  const appended: ConsentEvent[] = [];
  const jobs: NewOutboxJob[] = [];
  let statusWrite: StatusWrite | undefined;
  // Under the number's lock its committed events cannot change, so they are read once per
  // transaction. The chain head is locked in the same statement as that read (and as a successful
  // key claim), so a typical write spends one round trip on claim, events and head together.
  let committed: ConsentEvent[] | undefined;
  let head: ChainHead | null | undefined;
  const eventsSubquery = `(SELECT json_agg(${eventJson('e')} ORDER BY e.seq) FROM ${t.events} e
    WHERE e.tenant_id = $1 AND e.phone = $2)`;
  const headSubquery = `(SELECT json_build_object('seq', h.seq, 'hash', h.hash) FROM ${t.heads} h
    WHERE h.tenant_id = $1 FOR UPDATE)`;

  function keep(row: Prefetch): void {
    const events =
      typeof row.events === 'string' ? (JSON.parse(row.events) as EventJson[]) : (row.events ?? []);
    committed = events.map(toEvent);
    const locked = typeof row.head === 'string' ? (JSON.parse(row.head) as HeadJson) : row.head;
    // A tenant without a head row yet gets one (and its lock) from chainHead().
    if (locked) head = Number(locked.seq) === 0 ? null : { seq: Number(locked.seq), hash: locked.hash ?? '' };
  }

  async function lockHead(): Promise<ChainHead | null> {
    const select = `SELECT seq, hash FROM ${t.heads} WHERE tenant_id = $1 FOR UPDATE`;
    let [row] = await session.query<HeadJson>(select, [tenantId]);
    if (!row) {
      await session.query(
        `INSERT INTO ${t.heads} (tenant_id, seq, hash) VALUES ($1, 0, NULL) ON CONFLICT DO NOTHING`,
        [tenantId],
      );
      [row] = await session.query<HeadJson>(select, [tenantId]);
    }
    const seq = Number(row?.seq ?? 0);
    return seq === 0 ? null : { seq, hash: row?.hash ?? '' };
  }

  const tx: PhoneTransaction = {
    tenantId,
    phone,
    async events() {
      if (committed === undefined) {
        const [row] = await session.query<Prefetch>(
          `SELECT ${eventsSubquery} AS events, ${headSubquery} AS head`,
          [tenantId, phone],
        );
        if (row) keep(row);
      }
      return [...(committed ?? []), ...appended];
    },
    async claimKey(key, eventId) {
      assertStorableText({ key, eventId }, 'idempotency key');
      const prefetch = committed === undefined;
      // CASE evaluates the events read and the head lock only when the claim succeeded.
      const [inserted] = await session.query<Prefetch & { claimed: string | null }>(
        `WITH claim AS (
           INSERT INTO ${t.keys} (tenant_id, key, event_id) VALUES ($1, $3, $4) ON CONFLICT DO NOTHING RETURNING event_id)
         SELECT c.claimed,
           CASE WHEN c.claimed IS NOT NULL AND $5::boolean THEN ${eventsSubquery} END AS events,
           CASE WHEN c.claimed IS NOT NULL AND $5::boolean THEN ${headSubquery} END AS head
         FROM (SELECT (SELECT event_id FROM claim) AS claimed) c`,
        [tenantId, phone, key, eventId, prefetch],
      );
      if (inserted && inserted.claimed !== null) {
        if (prefetch) keep(inserted);
        return { claimed: true };
      }
      // ON CONFLICT waited for a concurrent claimer to commit; this new statement sees its row.
      const [owner] = await session.query<{ event_id: string }>(
        `SELECT event_id FROM ${t.keys} WHERE tenant_id = $1 AND key = $2`,
        [tenantId, key],
      );
      if (!owner)
        throw new ConsentError('STORE_FAILURE', `Idempotency key ${key} conflicted but has no owner`);
      return { claimed: false, eventId: owner.event_id };
    },
    async chainHead() {
      if (head === undefined) head = await lockHead();
      const latest = appended.at(-1);
      return latest ? { seq: latest.seq, hash: latest.hash } : head;
    },
    async append(event) {
      assertAppendable(event, appended.at(-1) ?? head, tenantId, phone);
      assertExactTime(event.occurredAt, 'occurredAt');
      assertExactTime(event.recordedAt, 'recordedAt');
      assertStorableText(event, `event ${event.id}`);
      appended.push(event);
    },
    async putStatus(row) {
      if (row.since !== undefined) assertExactTime(row.since, 'since');
      if (row.confirmation) assertExactTime(row.confirmation.until, 'confirmation.until');
      statusWrite = row;
    },
    async enqueue(job) {
      assertExactTime(job.createdAt, 'createdAt');
      jobs.push(job);
    },
  };

  function flush(): void {
    const values: unknown[] = [tenantId, phone];
    const param = (value: unknown): string => {
      values.push(value);
      return `$${values.length}`;
    };
    const parts: string[] = [];
    const last = appended.at(-1);
    if (last) {
      const rows = appended.map(
        (event) =>
          `($1, ${param(event.seq)}::bigint, ${param(event.id)}::text, $2, ${param(event.action)}::text,
          ${param(event.source)}::text, ${param(event.occurredAt)}::timestamptz, ${param(event.recordedAt)}::timestamptz,
          ${param(event.applied)}::boolean, ${param(event.reason ?? null)}::text, ${param(event.idempotencyKey ?? null)}::text,
          ${param(JSON.stringify(event.evidence))}::text::jsonb, ${param(event.prevHash)}::text, ${param(event.hash)}::text)`,
      );
      parts.push(`appended AS (
        INSERT INTO ${t.events} (tenant_id, seq, id, phone, action, source, occurred_at, recorded_at, applied, reason,
          idempotency_key, evidence, prev_hash, hash)
        VALUES ${rows.join(', ')})`);
      parts.push(
        `head AS (UPDATE ${t.heads} SET seq = ${param(last.seq)}::bigint, hash = ${param(last.hash)}::text WHERE tenant_id = $1)`,
      );
    }
    if (statusWrite) {
      const keep = statusWrite.confirmation === undefined;
      const confirmation = statusWrite.confirmation ?? null;
      parts.push(`status AS (
        INSERT INTO ${t.statuses} AS cur (tenant_id, phone, status, since, cause_event_id, last_event_id,
          confirmation_text, confirmation_until)
        VALUES ($1, $2, ${param(statusWrite.status)}::text, ${param(statusWrite.since ?? null)}::timestamptz,
          ${param(statusWrite.causeEventId ?? null)}::text, ${param(statusWrite.lastEventId ?? null)}::text,
          ${param(confirmation?.text ?? null)}::text, ${param(confirmation?.until ?? null)}::timestamptz)
        ON CONFLICT (tenant_id, phone) DO UPDATE SET status = EXCLUDED.status, since = EXCLUDED.since,
          cause_event_id = EXCLUDED.cause_event_id, last_event_id = EXCLUDED.last_event_id,
          confirmation_text = CASE WHEN ${param(keep)}::boolean THEN cur.confirmation_text ELSE EXCLUDED.confirmation_text END,
          confirmation_until = CASE WHEN ${param(keep)}::boolean THEN cur.confirmation_until ELSE EXCLUDED.confirmation_until END,
          updated_at = now())`);
    }
    if (jobs.length > 0) {
      const rows = jobs.map(
        (job) =>
          `(${param(job.id)}::text, ${param(job.tenantId)}::text, ${param(job.phone)}::text, ${param(job.kind)}::text,
          ${param(job.eventId)}::text, ${param(job.createdAt)}::timestamptz)`,
      );
      parts.push(`jobs AS (
        INSERT INTO ${t.jobs} (id, tenant_id, phone, kind, event_id, created_at, available_at)
        SELECT j.id, j.tenant_id, j.phone, j.kind, j.event_id, j.created_at, j.created_at
        FROM (VALUES ${rows.join(', ')}) AS j(id, tenant_id, phone, kind, event_id, created_at))`);
    }
    if (parts.length > 0) session.withCommit({ text: `WITH ${parts.join(',\n')} SELECT 1`, params: values });
  }

  return { tx, flush };
}

/** NUL or an unpaired UTF-16 surrogate: PostgreSQL text cannot hold them, and pg would silently replace a surrogate. */
const UNPAIRED_SURROGATE = /\p{Cs}/u;
const NUL = String.fromCharCode(0);

/** Refuses strings PostgreSQL would reject or change, which would break the audit chain's hashes. */
function assertStorableText(value: unknown, what: string): void {
  const bad = (text: unknown): boolean =>
    typeof text === 'string'
      ? text.includes(NUL) || UNPAIRED_SURROGATE.test(text)
      : typeof text === 'object' && text !== null && Object.values(text).some(bad);
  if (bad(value)) {
    throw new ConsentError(
      'STORE_FAILURE',
      `${what} holds text PostgreSQL cannot store exactly (NUL or an unpaired surrogate)`,
    );
  }
}

/** Timestamps are stored as timestamptz (ms precision); only the core's canonical ISO text survives the trip exactly. */
function assertExactTime(value: string, field: string): void {
  const time = Date.parse(value);
  if (Number.isNaN(time) || new Date(time).toISOString() !== value) {
    throw new ConsentError(
      'STORE_FAILURE',
      `${field} ${JSON.stringify(value)} is not canonical ISO 8601 UTC with milliseconds (YYYY-MM-DDTHH:mm:ss.sssZ)`,
    );
  }
}
