import type { ChainHead } from '../consent/audit.js';
import type { E164 } from '../phone.js';
import type { Driver, Statement } from './client.js';
import { storeFailure } from './failures.js';
import { CHAIN_SEQ_INDEX_VERSION, POSTGRES_SCHEMA_VERSION } from './migrations.js';
import { EVENT_ROW_COLUMNS, eventRow, JOB_ROW_COLUMNS, jobRow, jsonRows } from './rows.js';
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

/** Statement texts by schema: one text serves every group, its values are the members' rows. */
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
  SELECT * FROM json_to_recordset($1::json)
    AS i(n bigint, tenant_id text, phone text, head_seq bigint, head_hash text, lock_key text, key text, event_id text)),
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
    v.idempotency_key, v.evidence, v.prev_hash, v.hash, v.mac
  FROM json_to_recordset($2::json) AS v(n bigint, ${EVENT_ROW_COLUMNS})
  JOIN ok ON ok.n = v.n
  RETURNING tenant_id, phone),
status_set AS (
  INSERT INTO ${statuses} AS cur (tenant_id, phone, status, since, cause_event_id, last_event_id,
    confirmation_text, confirmation_until, head_seq, head_hash)
  SELECT ok.tenant_id, ok.phone, v.status, v.since, v.cause, v.last, v.ctext, v.cuntil, v.hseq, v.hhash
  FROM json_to_recordset($3::json) AS v(n bigint, status text, since timestamptz, cause text, last text, ctext text,
    cuntil timestamptz, hseq bigint, hhash text)
  JOIN ok ON ok.n = v.n
  ON CONFLICT (tenant_id, phone) DO UPDATE SET status = EXCLUDED.status, since = EXCLUDED.since,
    cause_event_id = EXCLUDED.cause_event_id, last_event_id = EXCLUDED.last_event_id,
    confirmation_text = EXCLUDED.confirmation_text, confirmation_until = EXCLUDED.confirmation_until,
    head_seq = EXCLUDED.head_seq, head_hash = EXCLUDED.head_hash, updated_at = now()),
status_kept AS (
  INSERT INTO ${statuses} AS cur (tenant_id, phone, status, since, cause_event_id, last_event_id, head_seq, head_hash)
  SELECT ok.tenant_id, ok.phone, v.status, v.since, v.cause, v.last, v.hseq, v.hhash
  FROM json_to_recordset($4::json)
    AS v(n bigint, status text, since timestamptz, cause text, last text, hseq bigint, hhash text)
  JOIN ok ON ok.n = v.n
  ON CONFLICT (tenant_id, phone) DO UPDATE SET status = EXCLUDED.status, since = EXCLUDED.since,
    cause_event_id = EXCLUDED.cause_event_id, last_event_id = EXCLUDED.last_event_id,
    head_seq = EXCLUDED.head_seq, head_hash = EXCLUDED.head_hash, updated_at = now()),
head AS (
  INSERT INTO ${statuses} (tenant_id, phone, status, head_seq, head_hash)
  SELECT ok.tenant_id, ok.phone, 'unknown', v.hseq, v.hhash
  FROM json_to_recordset($5::json) AS v(n bigint, hseq bigint, hhash text)
  JOIN ok ON ok.n = v.n
  ON CONFLICT (tenant_id, phone) DO UPDATE SET head_seq = EXCLUDED.head_seq, head_hash = EXCLUDED.head_hash),
queued AS (
  INSERT INTO ${jobs} (id, tenant_id, phone, kind, event_id, created_at, available_at)
  SELECT v.id, v.tenant_id, v.phone, v.kind, v.event_id, v.created_at, v.created_at
  FROM json_to_recordset($6::json) AS v(n bigint, ${JOB_ROW_COLUMNS})
  JOIN ok ON ok.n = v.n)
SELECT (SELECT version FROM version) AS version,
  array_to_string(array(SELECT DISTINCT ok.n FROM ok JOIN appended a ON ${number('a', 'ok')} ORDER BY ok.n), ',')
    AS written`;
}

/**
 * The statement's six parameters: per table, one JSON array of every member's rows (`n`: the
 * member's place), the evidence inline: pg sends six texts faster than an array per column. Texts
 * are stored as the locked way stores them (see {@link jsonRows}); a NUL fails the statement, as
 * it fails the locked way. The timestamps are canonical ISO strings.
 */
function groupParams(members: readonly GroupMember[]): string[] {
  const input: object[] = [];
  const events: object[] = [];
  const set: object[] = [];
  const kept: object[] = [];
  const heads: object[] = [];
  const queued: object[] = [];
  for (const [index, member] of members.entries()) {
    const n = index + 1;
    const { appended, statusWrite, jobs } = member.writes;
    input.push({
      n,
      tenant_id: member.tenantId,
      phone: member.phone,
      head_seq: member.assumed?.seq ?? null,
      head_hash: member.assumed?.hash ?? null,
      lock_key: member.lockKey ?? null,
      key: member.claim?.key ?? null,
      event_id: member.claim?.eventId ?? null,
    });
    for (const event of appended) events.push({ n, ...eventRow(event) });
    // Every member has an event (the callers send no other), so its last one is the new head.
    const last = appended.at(-1);
    const head = { n, hseq: last?.seq ?? null, hhash: last?.hash ?? null };
    if (statusWrite === undefined) heads.push(head);
    else {
      const row = {
        ...head,
        status: statusWrite.status,
        since: statusWrite.since ?? null,
        cause: statusWrite.causeEventId ?? null,
        last: statusWrite.lastEventId ?? null,
      };
      // A row without a confirmation keeps the one stored (see `putStatus`); one with it sets it.
      if (statusWrite.confirmation === undefined) kept.push(row);
      else
        set.push({
          ...row,
          ctext: statusWrite.confirmation?.text ?? null,
          cuntil: statusWrite.confirmation?.until ?? null,
        });
    }
    for (const job of jobs) queued.push({ n, ...jobRow(job) });
  }
  return [input, events, set, kept, heads, queued].map(jsonRows);
}
