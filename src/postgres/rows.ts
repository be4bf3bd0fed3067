import type { ConsentEvent, ConsentStatusValue, NotAppliedReason } from '../consent/types.js';
import type { E164 } from '../phone.js';
import type { NewOutboxJob, OutboxJob, StoredStatus } from '../store/contract.js';
import { isoText } from './schema.js';

/**
 * SQL building one event (table alias `a`) as a JSON object with the core's field names. Timestamps
 * come back as the exact ISO text the core sealed, so re-hashing a read event gives its hash.
 */
export function eventJson(a: string): string {
  return `json_build_object('id', ${a}.id, 'tenantId', ${a}.tenant_id, 'phone', ${a}.phone, 'action', ${a}.action,
    'source', ${a}.source, 'occurredAt', ${isoText(`${a}.occurred_at`)}, 'recordedAt', ${isoText(`${a}.recorded_at`)},
    'applied', ${a}.applied, 'reason', ${a}.reason, 'idempotencyKey', ${a}.idempotency_key, 'evidence', ${a}.evidence,
    'seq', ${a}.seq, 'prevHash', ${a}.prev_hash, 'hash', ${a}.hash, 'mac', ${a}.mac, 'chain', ${a}.chain)`;
}

/** An event as {@link eventJson} builds it (absent optional fields are null). */
export type EventJson = Omit<ConsentEvent, 'reason' | 'idempotencyKey' | 'mac' | 'chain'> & {
  readonly reason: NotAppliedReason | null;
  readonly idempotencyKey: string | null;
  readonly mac?: string | null;
  readonly chain?: 'tenant' | 'number';
};

/** Turns a row's JSON event into a {@link ConsentEvent}, leaving absent fields absent. */
export function toEvent(json: EventJson | string): ConsentEvent {
  const { reason, idempotencyKey, seq, mac, chain, ...rest } = (
    typeof json === 'string' ? JSON.parse(json) : json
  ) as EventJson;
  return {
    ...rest,
    seq: Number(seq),
    ...(reason === null ? {} : { reason }),
    ...(idempotencyKey === null ? {} : { idempotencyKey }),
    ...(mac == null ? {} : { mac }),
    ...(chain === 'tenant' ? { chain } : {}),
  };
}

/**
 * An event as the write statements take it: one row of a JSON array they unpack with
 * `json_to_recordset(…) AS alias({@link EVENT_ROW_COLUMNS})`, the evidence inline.
 */
export function eventRow(event: ConsentEvent): object {
  return {
    seq: event.seq,
    id: event.id,
    phone: event.phone,
    action: event.action,
    source: event.source,
    occurred_at: event.occurredAt,
    recorded_at: event.recordedAt,
    applied: event.applied,
    reason: event.reason ?? null,
    idempotency_key: event.idempotencyKey ?? null,
    evidence: event.evidence,
    prev_hash: event.prevHash,
    hash: event.hash,
    mac: event.mac ?? null,
  };
}

/** The columns of an {@link eventRow}. */
export const EVENT_ROW_COLUMNS = `seq bigint, id text, phone text, action text, source text, occurred_at timestamptz,
  recorded_at timestamptz, applied boolean, reason text, idempotency_key text, evidence jsonb, prev_hash text,
  hash text, mac text`;

/** An outbox job as the write statements take it, like {@link eventRow}. */
export function jobRow(job: NewOutboxJob): object {
  return {
    id: job.id,
    tenant_id: job.tenantId,
    phone: job.phone,
    kind: job.kind,
    event_id: job.eventId,
    created_at: job.createdAt,
  };
}

/** The columns of a {@link jobRow}. */
export const JOB_ROW_COLUMNS =
  'id text, tenant_id text, phone text, kind text, event_id text, created_at timestamptz';

/**
 * `JSON.stringify` escapes an unpaired UTF-16 surrogate (`\ud83d`; paired ones it writes as they
 * are), and PostgreSQL refuses the escape in a `json` parameter. An escape preceded by an even
 * number of backslashes is one such surrogate, not text that merely reads `\ud83d`.
 */
const ESCAPED_SURROGATE = /(?<=(?:^|[^\\])(?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

/**
 * Rows as the JSON text of a write statement's parameter. An unpaired surrogate becomes U+FFFD, as
 * `pg` sends it in a text parameter, so a row is stored alike through JSON and through text. An
 * event's texts never hold one: they were refused when appended, since the change would break the
 * event's hash.
 */
export function jsonRows(rows: readonly object[]): string {
  const text = JSON.stringify(rows);
  return text.includes('\\ud') ? text.replace(ESCAPED_SURROGATE, '\uFFFD') : text;
}

/** Columns of a status row joined with its cause and last event (aliases s, c, l). */
export function statusColumns(): string {
  return `s.tenant_id, s.phone, s.status, ${isoText('s.since')} AS since, s.confirmation_text,
    ${isoText('s.confirmation_until')} AS confirmation_until,
    CASE WHEN c.id IS NULL THEN NULL ELSE ${eventJson('c')} END AS cause,
    CASE WHEN l.id IS NULL THEN NULL ELSE ${eventJson('l')} END AS last_event`;
}

/** The joins that go with {@link statusColumns}. */
export function statusJoins(events: string): string {
  return `LEFT JOIN ${events} c ON c.tenant_id = s.tenant_id AND c.id = s.cause_event_id
    LEFT JOIN ${events} l ON l.tenant_id = s.tenant_id AND l.id = s.last_event_id`;
}

/** A row selected with {@link statusColumns}. */
export interface StatusRow {
  readonly tenant_id: string;
  readonly phone: string;
  readonly status: ConsentStatusValue;
  readonly since: string | null;
  readonly confirmation_text: string | null;
  readonly confirmation_until: string | null;
  readonly cause: EventJson | string | null;
  readonly last_event: EventJson | string | null;
}

/** Turns a {@link StatusRow} into a {@link StoredStatus}. */
export function toStoredStatus(row: StatusRow): StoredStatus {
  return {
    tenantId: row.tenant_id,
    phone: row.phone as E164,
    status: row.status,
    ...(row.since === null ? {} : { since: row.since }),
    ...(row.cause === null ? {} : { cause: toEvent(row.cause) }),
    ...(row.last_event === null ? {} : { lastEvent: toEvent(row.last_event) }),
    ...(row.confirmation_text === null || row.confirmation_until === null
      ? {}
      : { confirmation: { text: row.confirmation_text, until: row.confirmation_until } }),
  };
}

/** Columns of an outbox job (table alias `a`), timestamps as ISO text. */
export function jobColumns(a: string): string {
  return `${a}.id, ${a}.tenant_id, ${a}.phone, ${a}.kind, ${a}.event_id, ${isoText(`${a}.created_at`)} AS created_at,
    ${a}.state, ${a}.attempts, ${isoText(`${a}.available_at`)} AS available_at, ${a}.last_error, ${a}.lease_token,
    ${isoText(`${a}.lease_until`)} AS lease_until`;
}

/** A row selected with {@link jobColumns}. */
export interface JobRow {
  readonly id: string;
  readonly tenant_id: string;
  readonly phone: string;
  readonly kind: string;
  readonly event_id: string;
  readonly created_at: string;
  readonly state: OutboxJob['state'];
  readonly attempts: number;
  readonly available_at: string;
  readonly last_error: string | null;
  readonly lease_token: string | null;
  readonly lease_until: string | null;
}

/** Turns a {@link JobRow} into an {@link OutboxJob}. */
export function toJob(row: JobRow): OutboxJob {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    phone: row.phone as E164,
    kind: row.kind,
    eventId: row.event_id,
    createdAt: row.created_at,
    state: row.state,
    attempts: Number(row.attempts),
    availableAt: row.available_at,
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    ...(row.lease_token === null ? {} : { leaseToken: row.lease_token }),
    ...(row.lease_until === null ? {} : { leaseUntil: row.lease_until }),
  };
}
