import type { ChainHead } from '../consent/audit.js';
import type { E164 } from '../phone.js';
import type { Driver, Statement } from './client.js';
import { storeFailure } from './failures.js';
import { CHAIN_SEQ_INDEX_VERSION, POSTGRES_SCHEMA_VERSION } from './migrations.js';
import type { TableNames } from './schema.js';
import { versionSubquery } from './schema-version.js';
import type { BufferedWrites } from './transaction.js';

/** One number's optimistic write, waiting to go out with the others ready at the same moment. */
export interface GroupMember {
  readonly tenantId: string;
  readonly phone: E164;
  /** The key of the number's advisory lock; none for a driver whose connection is the only writer. */
  readonly lockKey: string | undefined;
  /** The chain head the callback ran on: none for a number assumed new. */
  readonly assumed: ChainHead | null;
  readonly writes: BufferedWrites;
  /** The one idempotency key the callback claimed, if any. */
  readonly claim: { readonly key: string; readonly eventId: string } | undefined;
}

/**
 * What became of a member: the statement answered (with the schema version it read, and whether
 * this member's rows were written), or it failed. `shared` marks a failure of a statement that
 * carried other members too: any of them may have caused it.
 */
export type GroupOutcome =
  | { readonly kind: 'answered'; readonly version: unknown; readonly written: boolean }
  | { readonly kind: 'failed'; readonly error: unknown; readonly shared: boolean };

/** Sends optimistic writes, those that wait at the same moment together in one statement. */
export interface GroupWriter {
  write(member: GroupMember): Promise<GroupOutcome>;
}

/** The most members one statement carries: enough for any pool's worth of callers. */
const MAX_MEMBERS = 64;

/**
 * A {@link GroupWriter} that keeps at most `slots` statements in flight. A write that finds a slot
 * free goes out on the next turn of the event loop, with the writes made in the same turn; those
 * that arrive while every slot is busy wait and leave together when one frees. Under load every statement then carries several numbers, and the costs of a
 * statement and of its transaction (its start, the commit and its WAL flush, the round trip, and
 * in this process the pg queries and the pool checkout) are shared among them. Two members of one
 * number never share a statement: the later one waits for the next.
 */
export function createGroupWriter(driver: Driver, t: TableNames, slots: number): GroupWriter {
  const waiting: { member: GroupMember; settle: (outcome: GroupOutcome) => void }[] = [];
  let inFlight = 0;

  async function send(group: typeof waiting): Promise<void> {
    const settle = (outcome: (index: number) => GroupOutcome) => {
      for (const [index, entry] of group.entries()) entry.settle(outcome(index));
    };
    let row: { version: unknown; written: unknown } | undefined;
    try {
      [row] = await driver.write<{ version: unknown; written: unknown }>(
        groupStatement(
          t,
          group.map((entry) => entry.member),
        ),
      );
    } catch (error) {
      settle(() => ({ kind: 'failed', error, shared: group.length > 1 }));
      return;
    }
    const written = writtenMembers(row?.written);
    // Committed, but whose rows is unknown: every member gets the error, none runs again.
    if (written === undefined) {
      const error = storeFailure('The group write answered no list of its members', row?.written);
      settle(() => ({ kind: 'failed', error, shared: false }));
      return;
    }
    settle((index) => ({ kind: 'answered', version: row?.version, written: written.has(index + 1) }));
  }

  let scheduled = false;
  /** Runs {@link pump} once the writes this turn of the event loop makes are all waiting. */
  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    nextTurn(() => {
      scheduled = false;
      pump();
    });
  }

  function pump(): void {
    while (inFlight < slots && waiting.length > 0) {
      const group: typeof waiting = [];
      const numbers = new Set<string>();
      for (let index = 0; index < waiting.length && group.length < MAX_MEMBERS; ) {
        const entry = waiting[index] as (typeof waiting)[number];
        const number = JSON.stringify([entry.member.tenantId, entry.member.phone]);
        if (numbers.has(number)) {
          index++;
          continue;
        }
        numbers.add(number);
        group.push(entry);
        waiting.splice(index, 1);
      }
      inFlight++;
      void send(group).finally(() => {
        inFlight--;
        schedule();
      });
    }
  }

  return {
    write: (member) =>
      new Promise((settle) => {
        waiting.push({ member, settle });
        schedule();
      }),
  };
}

/**
 * After the callbacks of this turn of the event loop: when a statement's answer wakes its callers,
 * their next writes (still inside this turn) then leave together instead of the first one alone.
 */
const nextTurn: (run: () => void) => void =
  typeof globalThis.setImmediate === 'function'
    ? (run) => {
        globalThis.setImmediate(run);
      }
    : (run) => {
        setTimeout(run, 0);
      };

/**
 * The members (by place, from 1) whose rows the statement wrote. The statement answers them as text
 * ("1,6"), the same from every client: a member missed here would be answered as a duplicate of
 * its own write by the locked run.
 */
function writtenMembers(value: unknown): Set<number> | undefined {
  if (typeof value !== 'string') return undefined;
  return new Set(value === '' ? [] : value.split(',').map(Number));
}

/** Statement texts by schema: one text serves every group, its values are the members' columns. */
const texts = new Map<string, string>();

/**
 * The statement that writes a group of optimistic writes, each member all or nothing, in one
 * transaction. A member is written when:
 * - its advisory lock is free (`pg_try_advisory_xact_lock`, so a member whose number is busy never
 *   holds up the others: it is simply not written, and its caller goes the locked way);
 * - its number is as the member assumed: the status row holds the assumed head, or, for a number
 *   assumed new, there is no status row and no event at all (a status row can be deleted by raw SQL,
 *   and a number whose history is only on the legacy tenant chain has no place to collide on);
 * - the schema is at a version with the unique index on the number chains' places, which is the
 *   arbiter: a writer that committed the same place after this statement's snapshot makes the whole
 *   statement fail with nothing written;
 * - and the idempotency key it claims, if any, was not already claimed.
 *
 * Answers the schema version and the places of the members written.
 */
export function groupStatement(t: TableNames, members: readonly GroupMember[]): Statement {
  let text = texts.get(t.schema);
  if (text === undefined) {
    if (texts.size >= 1000) texts.clear();
    text = groupText(t);
    texts.set(t.schema, text);
  }
  return { text, params: groupParams(members), genericPlan: true };
}

function groupText(t: TableNames): string {
  const { events, statuses, keys, jobs } = t;
  const number = (alias: string, row: string) =>
    `${alias}.tenant_id = ${row}.tenant_id AND ${alias}.phone = ${row}.phone`;
  // Scalar subqueries with LIMIT: one index probe per member, never a scan of the whole tenant.
  return `WITH version AS (SELECT ${versionSubquery(t)} AS version),
input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[])
    WITH ORDINALITY AS i(tenant_id, phone, head_seq, head_hash, lock_key, key, event_id, n)),
guard AS (
  SELECT i.n, i.tenant_id, i.phone, i.key, i.event_id,
    (SELECT coalesce(version, 0) BETWEEN ${CHAIN_SEQ_INDEX_VERSION} AND ${POSTGRES_SCHEMA_VERSION} FROM version)
    AND (i.lock_key IS NULL OR pg_try_advisory_xact_lock(hashtextextended(i.lock_key, 0)))
    AND CASE WHEN i.head_seq IS NULL
      THEN (SELECT true FROM ${statuses} s WHERE ${number('s', 'i')} LIMIT 1) IS NULL
        AND (SELECT true FROM ${events} e WHERE ${number('e', 'i')} LIMIT 1) IS NULL
      ELSE (SELECT true FROM ${statuses} s WHERE ${number('s', 'i')}
        AND s.head_seq = i.head_seq AND s.head_hash = i.head_hash) IS NOT NULL
    END AS fits
  FROM input i),
claim AS (
  INSERT INTO ${keys} (tenant_id, key, event_id)
  SELECT g.tenant_id, g.key, g.event_id FROM guard g WHERE g.fits AND g.key IS NOT NULL
  ON CONFLICT DO NOTHING RETURNING tenant_id, key, event_id),
ok AS (
  SELECT g.n, g.tenant_id, g.phone FROM guard g
  WHERE g.fits AND (g.key IS NULL OR EXISTS (
    SELECT 1 FROM claim c WHERE c.tenant_id = g.tenant_id AND c.key = g.key AND c.event_id = g.event_id))),
appended AS (
  INSERT INTO ${events} (tenant_id, seq, id, phone, action, source, occurred_at, recorded_at, applied, reason,
    idempotency_key, evidence, prev_hash, hash, mac)
  SELECT ok.tenant_id, v.seq, v.id, ok.phone, v.action, v.source, v.occurred_at, v.recorded_at, v.applied, v.reason,
    v.idempotency_key, v.evidence::jsonb, v.prev_hash, v.hash, v.mac
  FROM unnest($8::bigint[], $9::bigint[], $10::text[], $11::text[], $12::text[], $13::timestamptz[],
    $14::timestamptz[], $15::boolean[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[])
    AS v(n, seq, id, action, source, occurred_at, recorded_at, applied, reason, idempotency_key, evidence, prev_hash,
      hash, mac)
  JOIN ok ON ok.n = v.n
  RETURNING tenant_id, phone),
status_set AS (
  INSERT INTO ${statuses} AS cur (tenant_id, phone, status, since, cause_event_id, last_event_id,
    confirmation_text, confirmation_until, head_seq, head_hash)
  SELECT ok.tenant_id, ok.phone, v.status, v.since, v.cause, v.last, v.ctext, v.cuntil, v.hseq, v.hhash
  FROM unnest($22::bigint[], $23::text[], $24::timestamptz[], $25::text[], $26::text[], $27::text[],
    $28::timestamptz[], $29::bigint[], $30::text[]) AS v(n, status, since, cause, last, ctext, cuntil, hseq, hhash)
  JOIN ok ON ok.n = v.n
  ON CONFLICT (tenant_id, phone) DO UPDATE SET status = EXCLUDED.status, since = EXCLUDED.since,
    cause_event_id = EXCLUDED.cause_event_id, last_event_id = EXCLUDED.last_event_id,
    confirmation_text = EXCLUDED.confirmation_text, confirmation_until = EXCLUDED.confirmation_until,
    head_seq = EXCLUDED.head_seq, head_hash = EXCLUDED.head_hash, updated_at = now()),
status_kept AS (
  INSERT INTO ${statuses} AS cur (tenant_id, phone, status, since, cause_event_id, last_event_id, head_seq, head_hash)
  SELECT ok.tenant_id, ok.phone, v.status, v.since, v.cause, v.last, v.hseq, v.hhash
  FROM unnest($31::bigint[], $32::text[], $33::timestamptz[], $34::text[], $35::text[], $36::bigint[], $37::text[])
    AS v(n, status, since, cause, last, hseq, hhash)
  JOIN ok ON ok.n = v.n
  ON CONFLICT (tenant_id, phone) DO UPDATE SET status = EXCLUDED.status, since = EXCLUDED.since,
    cause_event_id = EXCLUDED.cause_event_id, last_event_id = EXCLUDED.last_event_id,
    head_seq = EXCLUDED.head_seq, head_hash = EXCLUDED.head_hash, updated_at = now()),
head AS (
  INSERT INTO ${statuses} (tenant_id, phone, status, head_seq, head_hash)
  SELECT ok.tenant_id, ok.phone, 'unknown', v.hseq, v.hhash
  FROM unnest($38::bigint[], $39::bigint[], $40::text[]) AS v(n, hseq, hhash)
  JOIN ok ON ok.n = v.n
  ON CONFLICT (tenant_id, phone) DO UPDATE SET head_seq = EXCLUDED.head_seq, head_hash = EXCLUDED.head_hash),
queued AS (
  INSERT INTO ${jobs} (id, tenant_id, phone, kind, event_id, created_at, available_at)
  SELECT v.id, v.tenant_id, v.phone, v.kind, v.event_id, v.created_at, v.created_at
  FROM unnest($41::bigint[], $42::text[], $43::text[], $44::text[], $45::text[], $46::text[], $47::timestamptz[])
    AS v(n, id, tenant_id, phone, kind, event_id, created_at)
  JOIN ok ON ok.n = v.n)
SELECT (SELECT version FROM version) AS version,
  array_to_string(array(SELECT DISTINCT ok.n FROM ok JOIN appended a ON ${number('a', 'ok')} ORDER BY ok.n), ',')
    AS written`;
}

/** The statement's 47 parameters: one array per column, every member's rows in them. */
function groupParams(members: readonly GroupMember[]): unknown[] {
  const columns = (count: number): unknown[][] => Array.from({ length: count }, () => []);
  const input = columns(7);
  const events = columns(14);
  const set = columns(9);
  const kept = columns(7);
  const heads = columns(3);
  const queued = columns(7);
  const push = (target: unknown[][], row: readonly unknown[]) => {
    for (const [index, value] of row.entries()) (target[index] as unknown[]).push(value);
  };
  for (const [index, member] of members.entries()) {
    const n = index + 1;
    const { appended, statusWrite, jobs } = member.writes;
    push(input, [
      member.tenantId,
      member.phone,
      member.assumed?.seq ?? null,
      member.assumed?.hash ?? null,
      member.lockKey ?? null,
      member.claim?.key ?? null,
      member.claim?.eventId ?? null,
    ]);
    for (const event of appended)
      push(events, [
        n,
        event.seq,
        event.id,
        event.action,
        event.source,
        event.occurredAt,
        event.recordedAt,
        event.applied,
        event.reason ?? null,
        event.idempotencyKey ?? null,
        JSON.stringify(event.evidence),
        event.prevHash,
        event.hash,
        event.mac ?? null,
      ]);
    // Every member has an event (the callers send no other), so its last one is the new head.
    const last = appended.at(-1);
    const head = [last?.seq ?? null, last?.hash ?? null];
    if (statusWrite === undefined) push(heads, [n, ...head]);
    else {
      const row = [
        statusWrite.status,
        statusWrite.since ?? null,
        statusWrite.causeEventId ?? null,
        statusWrite.lastEventId ?? null,
      ];
      // A row without a confirmation keeps the one stored (see `putStatus`); one with it sets it.
      if (statusWrite.confirmation === undefined) push(kept, [n, ...row, ...head]);
      else
        push(set, [
          n,
          ...row,
          statusWrite.confirmation?.text ?? null,
          statusWrite.confirmation?.until ?? null,
          ...head,
        ]);
    }
    for (const job of jobs)
      push(queued, [n, job.id, job.tenantId, job.phone, job.kind, job.eventId, job.createdAt]);
  }
  return [...input, ...events, ...set, ...kept, ...heads, ...queued];
}
