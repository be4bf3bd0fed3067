import type { ChainHead } from '../consent/audit.js';
import type { ConsentEvent } from '../consent/types.js';
import { ConsentError } from '../errors.js';
import type { E164 } from '../phone.js';
import { assertAppendable } from '../store/append.js';
import type { NewOutboxJob, PhoneTransaction, StatusWrite } from '../store/contract.js';
import type { Session, Statement } from './client.js';
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

/** {@link phoneLockSql} for many numbers: the locks are taken in the order of the (sorted) key array. */
export function phonesLockSql(t: TableNames): string {
  return `SELECT (SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtextextended(k, 0))
    FROM unnest($1::text[]) AS k) AS taken) AS locked, ${versionSubquery(t)} AS version`;
}

/** The advisory lock key text of one number; a hash collision only costs some needless waiting. */
export function phoneLockKey(schema: string, tenantId: string, phone: E164): string {
  return JSON.stringify(['sms-consent', schema, tenantId, phone]);
}

/** The number's chain head as its status row keeps it. */
interface HeadJson {
  readonly seq: string | number | null;
  readonly hash: string | null;
}

/** The number's committed events and its chain head, read in one statement. */
export interface Prefetch {
  readonly events: (EventJson | string)[] | string | null;
  readonly head: HeadJson | string | null;
}

/** A key claim's answer: `claimed` is the event id when the key was ours, with the prefetch if asked. */
export type ClaimAnswer = Prefetch & { readonly claimed: string | null };

/**
 * How one number's transaction reads: with statements of its own ({@link directReads}), or through
 * the shared statements of a batch of numbers (`createBatchReads`).
 */
export interface NumberReads {
  /** The number's committed events and head. */
  prefetch(): Promise<Prefetch | undefined>;
  /** Claims `key` for `eventId`; with `prefetch`, a successful claim also reads events and head. */
  claim(key: string, eventId: string, prefetch: boolean): Promise<ClaimAnswer | undefined>;
  /** The event that holds `key`, read by a new statement (so it sees a concurrent claimer's commit). */
  owner(key: string): Promise<string | undefined>;
}

/** What a number's transaction keeps for its commit. */
export interface BufferedWrites {
  readonly appended: readonly ConsentEvent[];
  readonly statusWrite: StatusWrite | undefined;
  readonly jobs: readonly NewOutboxJob[];
}

/** SQL of the number's events (`phone`: the SQL of its phone; `$1` is the tenant), as one JSON array. */
export function eventsSubquery(t: TableNames, phone: string): string {
  return `(SELECT json_agg(${eventJson('e')} ORDER BY e.chain DESC, e.seq) FROM ${t.events} e
    WHERE e.tenant_id = $1 AND e.phone = ${phone})`;
}

/** SQL of the number's chain head as its status row keeps it. */
export function headSubquery(t: TableNames, phone: string): string {
  return `(SELECT json_build_object('seq', s.head_seq, 'hash', s.head_hash) FROM ${t.statuses} s
    WHERE s.tenant_id = $1 AND s.phone = ${phone})`;
}

/** A number's reads as statements of its own on `session`. */
export function directReads(session: Session, t: TableNames, tenantId: string, phone: E164): NumberReads {
  return {
    async prefetch() {
      const [row] = await session.query<Prefetch>(
        `SELECT ${eventsSubquery(t, '$2')} AS events, ${headSubquery(t, '$2')} AS head`,
        [tenantId, phone],
      );
      return row;
    },
    async claim(key, eventId, prefetch) {
      // CASE evaluates the events read and the head only when the claim succeeded.
      const [answer] = await session.query<ClaimAnswer>(
        `WITH claim AS (
           INSERT INTO ${t.keys} (tenant_id, key, event_id) VALUES ($1, $3, $4) ON CONFLICT DO NOTHING RETURNING event_id)
         SELECT c.claimed,
           CASE WHEN c.claimed IS NOT NULL AND $5::boolean THEN ${eventsSubquery(t, '$2')} END AS events,
           CASE WHEN c.claimed IS NOT NULL AND $5::boolean THEN ${headSubquery(t, '$2')} END AS head
         FROM (SELECT (SELECT event_id FROM claim) AS claimed) c`,
        [tenantId, phone, key, eventId, prefetch],
      );
      return answer;
    },
    async owner(key) {
      const [row] = await session.query<{ event_id: string }>(
        `SELECT event_id FROM ${t.keys} WHERE tenant_id = $1 AND key = $2`,
        [tenantId, key],
      );
      return row?.event_id;
    },
  };
}

/** A {@link PhoneTransaction} on one session, and the write that ends it. */
export interface PendingTransaction {
  readonly tx: PhoneTransaction;
  /** Hands what the callback appended, put and enqueued to the session as one statement sent with COMMIT. */
  flush(): void;
  /** The number's chain with this transaction's events, if the transaction read it. */
  chain(): KnownChain | undefined;
}

/**
 * The transaction object handed to `transact` callbacks. Reads and the key claim go to the database
 * at once; the event, status and job writes are kept until {@link PendingTransaction.flush}, which
 * sends them as one statement together with COMMIT. Nothing of the tenant is locked: the number's
 * chain head lives in its status row, and the number's advisory lock already serializes its writers.
 */
export function createPhoneTransaction(
  session: Session,
  t: TableNames,
  tenantId: string,
  phone: E164,
): PendingTransaction {
  const { tx, writes, chain } = createNumberTransaction(
    directReads(session, t, tenantId, phone),
    tenantId,
    phone,
  );
  return {
    tx,
    chain,
    flush() {
      const statement = writeStatement(t, tenantId, phone, writes());
      if (statement) session.withCommit(statement);
    },
  };
}

/**
 * A {@link PhoneTransaction} that reads through `reads` and keeps its writes for the caller to send
 * (see {@link BufferedWrites}). Under the number's lock its committed events and head cannot change,
 * so they are read once per transaction, in the same statement as a successful key claim: a typical
 * write spends one round trip on claim, events and head together.
 */
export function createNumberTransaction(
  reads: NumberReads,
  tenantId: string,
  phone: E164,
  known?: KnownChain,
): { readonly tx: PhoneTransaction; writes(): BufferedWrites; chain(): KnownChain | undefined } {
  const appended: ConsentEvent[] = [];
  const jobs: NewOutboxJob[] = [];
  let statusWrite: StatusWrite | undefined;
  let committed: readonly ConsentEvent[] | undefined = known?.events;
  let head: ChainHead | null | undefined = known?.head;
  // Events of a known chain are the chain cache's own: the callback (and through it the caller, as a
  // status's cause) gets copies, so a change made to one cannot reach the fold of a later write
  // (`chain()` copies what goes into the cache the same way).
  let cached = known !== undefined;

  function keep(row: Prefetch | undefined): void {
    const events =
      typeof row?.events === 'string' ? (JSON.parse(row.events) as EventJson[]) : (row?.events ?? []);
    committed = events.map(toEvent);
    cached = false;
    const stored = typeof row?.head === 'string' ? (JSON.parse(row.head) as HeadJson) : row?.head;
    head = stored?.seq == null ? null : { seq: Number(stored.seq), hash: stored.hash ?? '' };
  }

  const tx: PhoneTransaction = {
    tenantId,
    phone,
    async events() {
      if (committed === undefined) keep(await reads.prefetch());
      const before = cached ? (committed ?? []).map((event) => ({ ...event })) : (committed ?? []);
      return [...before, ...appended];
    },
    async claimKey(key, eventId) {
      assertStorableText({ key, eventId }, 'idempotency key');
      const prefetch = committed === undefined;
      const answer = await reads.claim(key, eventId, prefetch);
      if (answer && answer.claimed !== null) {
        if (prefetch) keep(answer);
        return { claimed: true };
      }
      // ON CONFLICT waited for a concurrent claimer to commit; this new statement sees its row.
      const owner = await reads.owner(key);
      if (owner === undefined)
        throw new ConsentError('STORE_FAILURE', `Idempotency key ${key} conflicted but has no owner`);
      return { claimed: false, eventId: owner };
    },
    async chainHead() {
      if (head === undefined) keep(await reads.prefetch());
      const latest = appended.at(-1);
      return latest ? { seq: latest.seq, hash: latest.hash } : (head ?? null);
    },
    async append(event) {
      assertAppendable(event, appended.at(-1) ?? head, tenantId, phone);
      if (event.chain !== undefined)
        throw new ConsentError('STORE_FAILURE', 'Only number-chain events are appended');
      assertExactTime(event.occurredAt, 'occurredAt');
      assertExactTime(event.recordedAt, 'recordedAt');
      assertStorableText(event, `event ${event.id}`);
      appended.push(event);
    },
    async putStatus(row) {
      if (row.since !== undefined) assertExactTime(row.since, 'since');
      if (row.confirmation) assertExactTime(row.confirmation.until, 'confirmation.until');
      // Only the last row is written: one that keeps the confirmation keeps what an earlier row of
      // this transaction set or cleared, as it would after that row's own commit.
      statusWrite =
        row.confirmation === undefined && statusWrite?.confirmation !== undefined
          ? { ...row, confirmation: statusWrite.confirmation }
          : row;
    },
    async enqueue(job) {
      assertExactTime(job.createdAt, 'createdAt');
      jobs.push(job);
    },
  };
  return {
    tx,
    writes: () => ({ appended, statusWrite, jobs }),
    chain: () =>
      committed === undefined || head === undefined
        ? undefined
        : {
            // Copies: the callback saw the committed events and the caller gets the appended ones
            // back (a status's cause, the written event), and may change them; a later fold may not.
            events: [...committed, ...appended].map((event) => ({ ...event })),
            head: appended.length > 0 ? headOf(appended.at(-1) as ConsentEvent) : head,
          },
  };
}

/** A number's committed events and chain head, as one writer last saw them. */
export interface KnownChain {
  readonly events: readonly ConsentEvent[];
  readonly head: ChainHead | null;
}

function headOf(event: ConsentEvent): ChainHead {
  return { seq: event.seq, hash: event.hash };
}

/** One number's buffered writes as one statement (events, status row with the head, jobs), or none. */
function writeStatement(
  t: TableNames,
  tenantId: string,
  phone: E164,
  writes: BufferedWrites,
): Statement | undefined {
  const values: unknown[] = [tenantId, phone];
  const parts = writeParts(t, writes, parameters(values));
  return parts.length > 0 ? { text: `WITH ${parts.join(',\n')} SELECT 1`, params: values } : undefined;
}

/** Adds a value to `values` and answers its placeholder. */
export function parameters(values: unknown[]): (value: unknown) => string {
  return (value) => {
    values.push(value);
    return `$${values.length}`;
  };
}

/** The CTEs that write a number's buffered writes (`$1` is the tenant, `$2` the phone). */
function writeParts(
  t: TableNames,
  { appended, statusWrite, jobs }: BufferedWrites,
  param: (value: unknown) => string,
): string[] {
  const parts: string[] = [];
  const last = appended.at(-1);
  if (last) {
    const rows = appended.map(
      (event) =>
        `($1::text, ${param(event.seq)}::bigint, ${param(event.id)}::text, $2::text, ${param(event.action)}::text,
        ${param(event.source)}::text, ${param(event.occurredAt)}::timestamptz, ${param(event.recordedAt)}::timestamptz,
        ${param(event.applied)}::boolean, ${param(event.reason ?? null)}::text, ${param(event.idempotencyKey ?? null)}::text,
        ${param(JSON.stringify(event.evidence))}::text::jsonb, ${param(event.prevHash)}::text, ${param(event.hash)}::text,
        ${param(event.mac ?? null)}::text)`,
    );
    parts.push(`appended AS (
      INSERT INTO ${t.events} (tenant_id, seq, id, phone, action, source, occurred_at, recorded_at, applied, reason,
        idempotency_key, evidence, prev_hash, hash, mac)
      VALUES ${rows.join(', ')})`);
  }
  if (last && !statusWrite) {
    // The head lives in the status row: an append without a status write still moves it.
    parts.push(`head AS (
      INSERT INTO ${t.statuses} (tenant_id, phone, status, head_seq, head_hash)
      VALUES ($1::text, $2::text, 'unknown'::text, ${param(last.seq)}::bigint, ${param(last.hash)}::text)
      ON CONFLICT (tenant_id, phone) DO UPDATE SET head_seq = EXCLUDED.head_seq, head_hash = EXCLUDED.head_hash)`);
  }
  if (statusWrite) {
    const headFrom = last ? 'EXCLUDED' : 'cur';
    const keep = statusWrite.confirmation === undefined;
    const confirmation = statusWrite.confirmation ?? null;
    const row = `($1::text, $2::text, ${param(statusWrite.status)}::text, ${param(statusWrite.since ?? null)}::timestamptz,
        ${param(statusWrite.causeEventId ?? null)}::text, ${param(statusWrite.lastEventId ?? null)}::text,
        ${param(confirmation?.text ?? null)}::text, ${param(confirmation?.until ?? null)}::timestamptz,
        ${last ? param(last.seq) : 'NULL'}::bigint, ${last ? param(last.hash) : 'NULL'}::text)`;
    parts.push(`status AS (
      INSERT INTO ${t.statuses} AS cur (tenant_id, phone, status, since, cause_event_id, last_event_id,
        confirmation_text, confirmation_until, head_seq, head_hash)
      VALUES ${row}
      ON CONFLICT (tenant_id, phone) DO UPDATE SET status = EXCLUDED.status, since = EXCLUDED.since,
        cause_event_id = EXCLUDED.cause_event_id, last_event_id = EXCLUDED.last_event_id,
        head_seq = ${headFrom}.head_seq, head_hash = ${headFrom}.head_hash,
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
  return parts;
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
