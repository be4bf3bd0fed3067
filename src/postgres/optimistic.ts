import type { ChainHead } from '../consent/audit.js';
import type { E164 } from '../phone.js';
import type { PhoneTransaction } from '../store/contract.js';
import type { Driver, Statement } from './client.js';
import { isChainConflict, isOutcomeUnknown, isRetryable } from './failures.js';
import { CHAIN_SEQ_INDEX_VERSION, POSTGRES_SCHEMA_VERSION } from './migrations.js';
import type { TableNames } from './schema.js';
import { versionSubquery } from './schema-version.js';
import {
  type BufferedWrites,
  createNumberTransaction,
  type KnownChain,
  type NumberReads,
  parameters,
  writeParts,
} from './transaction.js';

/** A key claim the callback made, to be sent with the write. */
interface Claim {
  readonly key: string;
  readonly eventId: string;
}

/** What an optimistic write committed: the callback's result and the number's chain after it. */
export interface Written<T> {
  readonly result: T;
  readonly chain: KnownChain | undefined;
}

/** The answer of the optimistic statement. */
interface WriteAnswer {
  readonly version: unknown;
  readonly written: string | number;
}

/**
 * Runs one number's transaction in one statement and one round trip, assuming the number's chain is
 * `known` (what this process last wrote or read of it; a number it never saw is assumed to have no
 * events and no status row). The callback runs against that assumption, every key it claims counts
 * as claimed, and its writes go out as one statement that takes the number's advisory lock, checks
 * the assumption against the status row (and, for a number assumed new, against its events), claims
 * the keys and writes events, status row and jobs only if all of that holds. The unique index on
 * the number chain's places is the arbiter: a writer that committed the same place after this
 * statement's snapshot makes it fail with nothing written.
 *
 * Answers undefined when the assumption did not hold (another writer moved the head, a key was
 * already claimed, the callback wrote no event or failed on the assumed chain): nothing was written,
 * and the caller runs the transaction again the locked way, which reads what the database holds.
 */
export async function optimisticWrite<T>(
  driver: Driver,
  t: TableNames,
  number: WrittenNumber,
  known: KnownChain | undefined,
  fn: (tx: PhoneTransaction) => Promise<T>,
  checkVersion: (rows: readonly unknown[]) => void,
): Promise<Written<T> | undefined> {
  const claims: Claim[] = [];
  const reads: NumberReads = {
    // Never asked: the chain is given, so events and head are never read.
    prefetch: async () => undefined,
    async claim(key, eventId) {
      claims.push({ key, eventId });
      return { claimed: eventId, events: null, head: null };
    },
    // Never asked: every claim succeeds here, and one that does not sends the write back.
    owner: async () => undefined,
  };
  const assumed = known ?? { events: [], head: null };
  const pending = createNumberTransaction(reads, number.tenantId, number.phone, assumed);
  let result: T;
  try {
    result = await fn(pending.tx);
  } catch {
    // Perhaps only the assumed chain made it fail: the locked run decides on the real one.
    return undefined;
  }
  const statement = optimisticStatement(t, number, pending.writes(), claims, assumed.head);
  if (!statement) return undefined;
  let rows: WriteAnswer[];
  try {
    rows = await driver.write<WriteAnswer>(statement);
  } catch (error) {
    const cause = error instanceof Error ? error.cause : undefined;
    // Nothing was written: a lost place on the chain, or a failure the locked run retries.
    if (isChainConflict(cause) || isRetryable(error)) return undefined;
    // Perhaps written: with a key claimed, the locked run finds out (a landed write owns the key,
    // and the run answers its duplicate); without one, running it again could record it twice.
    if (isOutcomeUnknown(error) && claims.length > 0) return undefined;
    throw error;
  }
  checkVersion(rows);
  if (Number(rows[0]?.written ?? 0) === 0) return undefined;
  return { result, chain: pending.chain() };
}

/**
 * Statement texts by schema and shape. A text built anew is a fresh 3 kB string that the statement
 * name lookup hashes and `pg` compares with the prepared statement's text on every write; the one
 * kept here is the same string object each time (its hash kept, compared by identity).
 */
const texts = new Map<string, string>();

/** The number a one-statement write is for, and the key of its advisory lock (none: no lock). */
interface WrittenNumber {
  readonly tenantId: string;
  readonly phone: E164;
  readonly lockKey: string | undefined;
}

/**
 * {@link buildOptimisticStatement} with the text of its shape taken from {@link texts}: the text is
 * a function of the schema and of which parts the statement has, the values fill the parameters.
 */
export function optimisticStatement(
  t: TableNames,
  number: WrittenNumber,
  writes: BufferedWrites,
  claims: readonly Claim[],
  assumed: ChainHead | null,
): Statement | undefined {
  const built = buildOptimisticStatement(t, number, writes, claims, assumed);
  if (!built) return undefined;
  const shape = [
    t.schema,
    assumed === null ? 'new' : 'known',
    number.lockKey === undefined ? 'unlocked' : 'locked',
    claims.length,
    writes.appended.length,
    writes.statusWrite === undefined ? 'head' : 'status',
    writes.jobs.length,
  ].join(' ');
  let text = texts.get(shape);
  if (text === undefined) {
    if (texts.size >= 1000) texts.clear();
    text = built.text;
    texts.set(shape, text);
  }
  return { text, params: built.params };
}

/**
 * The statement of {@link optimisticWrite}, or none when the callback appended no event (a write
 * without an event has no place on the chain to collide on, so it goes the locked way) or claimed
 * more than one key (of two claims, one could be taken and the other committed for an event never
 * written: the locked way lets the callback see each claim's answer).
 */
export function buildOptimisticStatement(
  t: TableNames,
  number: WrittenNumber,
  writes: BufferedWrites,
  claims: readonly Claim[],
  assumed: ChainHead | null,
): Statement | undefined {
  if (writes.appended.length === 0 || claims.length > 1) return undefined;
  const values: unknown[] = [number.tenantId, number.phone];
  const param = parameters(values);
  const row = `SELECT 1 FROM ${t.statuses} WHERE tenant_id = $1 AND phone = $2`;
  // A number assumed new has no status row and no event at all: a status row can be deleted by raw
  // SQL, and a number whose history is only on the legacy tenant chain has no place to collide on.
  const fits =
    assumed === null
      ? `NOT EXISTS (${row}) AND NOT EXISTS (SELECT 1 FROM ${t.events} WHERE tenant_id = $1 AND phone = $2)`
      : `EXISTS (${row} AND head_seq = ${param(assumed.seq)}::bigint AND head_hash = ${param(assumed.hash)}::text)`;
  // The lock comes first: every row below is written only after the guard, so under the lock.
  const lock =
    number.lockKey === undefined
      ? ''
      : `, pg_advisory_xact_lock(hashtextextended(${param(number.lockKey)}, 0))`;
  const parts = [`guard AS (SELECT ${versionSubquery(t)} AS version, ${fits} AS fits${lock})`];
  // A schema a team's own tool has not yet taken to the unique index goes the locked way: without
  // the index, a writer behind the lock (whose snapshot predates the commit it waited for) would fork.
  let gate = `(SELECT fits AND coalesce(version, 0) BETWEEN ${CHAIN_SEQ_INDEX_VERSION} AND ${POSTGRES_SCHEMA_VERSION} FROM guard)`;
  if (claims.length > 0) {
    parts.push(`claim AS (
      INSERT INTO ${t.keys} (tenant_id, key, event_id)
      SELECT $1, k.key, k.event_id FROM unnest(${param(claims.map((claim) => claim.key))}::text[],
        ${param(claims.map((claim) => claim.eventId))}::text[]) AS k(key, event_id)
      WHERE ${gate}
      ON CONFLICT DO NOTHING RETURNING 1)`);
    gate = `((SELECT count(*) FROM claim) = ${claims.length})`;
  }
  parts.push(...writeParts(t, writes, param, gate));
  return {
    text: `WITH ${parts.join(',\n')}
      SELECT (SELECT version FROM guard) AS version, (SELECT count(*) FROM appended) AS written`,
    params: values,
  };
}

/** The chains of the numbers this process wrote or read last, at most `size` of them. */
export interface ChainCache {
  /** False for a cache of size 0: the store then writes every transaction the locked way. */
  readonly enabled: boolean;
  get(key: string): KnownChain | undefined;
  set(key: string, chain: KnownChain | undefined): void;
  delete(key: string): void;
}

/** A {@link ChainCache} that forgets the least recently used number first. */
export function createChainCache(size: number): ChainCache {
  const chains = new Map<string, KnownChain>();
  return {
    enabled: size > 0,
    get(key) {
      const chain = chains.get(key);
      if (chain !== undefined) {
        chains.delete(key);
        chains.set(key, chain);
      }
      return chain;
    },
    set(key, chain) {
      chains.delete(key);
      if (chain === undefined || size <= 0) return;
      chains.set(key, chain);
      if (chains.size > size) chains.delete(chains.keys().next().value as string);
    },
    delete(key) {
      chains.delete(key);
    },
  };
}
