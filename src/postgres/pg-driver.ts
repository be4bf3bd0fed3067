import { createHash } from 'node:crypto';
import { createKeyedMutex } from '../store/keyed-mutex.js';
import type {
  Driver,
  DriverOptions,
  PgClientLike,
  PgPoolClientLike,
  PgPoolLike,
  PgQueryConfig,
  Session,
  Statement,
  TransactionSettings,
} from './client.js';
import { isConnectionLoss, statementFailure, storeFailure } from './failures.js';

/** Stable names for prepared statements: the same text gets the same name on every connection. */
function createStatementNames(): (text: string) => string {
  const names = new Map<string, string>();
  return (text) => {
    let name = names.get(text);
    if (name === undefined) {
      if (names.size >= 1000) names.clear();
      name = `sms_consent_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      names.set(text, name);
    }
    return name;
  };
}

async function runStatement<R>(
  client: PgClientLike,
  nameOf: ((text: string) => string) | undefined,
  text: string,
  params: readonly unknown[],
  idempotent: boolean,
): Promise<R[]> {
  try {
    const config = { text, values: [...params], ...(nameOf ? { name: nameOf(text) } : {}) };
    return (await client.query(config)).rows as R[];
  } catch (error) {
    throw statementFailure(error, idempotent);
  }
}

/** Statements of one transaction: after a lost connection the server rolled all of it back, so retry is safe. */
function pgSession(
  client: PgClientLike,
  nameOf: ((text: string) => string) | undefined,
  withCommit: Statement[],
  first: () => readonly unknown[],
): Session {
  return {
    firstRows: first,
    query: (text, params = []) => runStatement(client, nameOf, text, params, true),
    async exec(text) {
      try {
        await client.query({ text });
      } catch (error) {
        throw statementFailure(error, true);
      }
    },
    withCommit(statement) {
      withCommit.push(statement);
    },
  };
}

/**
 * Issues statements back to back: a pipelining client sends them all at once (one round trip);
 * any other client gets them one after the other, stopping at the first failure.
 */
async function sendTogether(
  client: PgClientLike,
  statements: readonly PgQueryConfig[],
): Promise<PromiseSettledResult<{ rows: unknown[]; command?: string }>[]> {
  if (client.pipeline === true)
    return Promise.allSettled(statements.map((statement) => client.query(statement)));
  const results: PromiseSettledResult<{ rows: unknown[]; command?: string }>[] = [];
  for (const statement of statements) {
    try {
      results.push({ status: 'fulfilled', value: await client.query(statement) });
    } catch (reason) {
      results.push({ status: 'rejected', reason });
      break;
    }
  }
  return results;
}

/** The error of a settled batch, if any; the first statement that failed explains the others. */
function firstFailure(results: readonly PromiseSettledResult<unknown>[]): unknown {
  const failed = results.find((result) => result.status === 'rejected');
  return failed === undefined ? undefined : (failed as PromiseRejectedResult).reason;
}

/** The driver's options for one transaction: without timeouts when it asks for none. */
function timed(options: DriverOptions, settings: TransactionSettings | undefined): DriverOptions {
  return settings?.untimed ? { ...options, lockTimeoutMs: 0, statementTimeoutMs: 0 } : options;
}

/** BEGIN with the transaction's settings, sent as one simple query (no parameters, so no round trip each). */
function beginText(options: DriverOptions): string {
  const settings = [
    ...(options.groupCommit ? ['SET LOCAL synchronous_commit = off'] : []),
    ...(options.lockTimeoutMs > 0 ? [`SET LOCAL lock_timeout = ${Math.floor(options.lockTimeoutMs)}`] : []),
    ...(options.statementTimeoutMs > 0
      ? [`SET LOCAL statement_timeout = ${Math.floor(options.statementTimeoutMs)}`]
      : []),
  ];
  return ['BEGIN', ...settings].join('; ');
}

/** pg's answer when a statement was refused before it was sent: nothing reached the server. */
const NOT_SENT = 'not queryable';

/**
 * BEGIN, `fn`, COMMIT on one connection; ROLLBACK after a failure. The first statement goes with
 * BEGIN, and the writes `fn` leaves for the commit go with COMMIT, so a pipelining client spends one
 * round trip on each pair.
 *
 * With `groupCommit` the COMMIT does not wait for the WAL flush, so the transaction's locks (above all
 * the tenant's chain head) are released at once; an empty transaction sent right after it then waits
 * for the flush, which covers the commit because WAL is flushed in order. The caller is answered only
 * after that, so nothing it was told is committed can be lost, while concurrent writers share fsyncs.
 */
async function inTransaction<T>(
  client: PgClientLike,
  nameOf: ((text: string) => string) | undefined,
  fn: (session: Session) => Promise<T>,
  options: DriverOptions & { readonly first?: Statement; readonly isLost: () => boolean },
): Promise<T> {
  const named = (statement: Statement): PgQueryConfig => ({
    text: statement.text,
    values: [...statement.params],
    ...(nameOf ? { name: nameOf(statement.text) } : {}),
  });
  const withCommit: Statement[] = [];
  let firstRows: readonly unknown[] = [];
  const session = pgSession(client, nameOf, withCommit, () => firstRows);
  const opening = await sendTogether(client, [
    { text: beginText(options) },
    ...(options.first ? [named(options.first)] : []),
  ]);
  let result: T;
  try {
    const failure = firstFailure(opening);
    if (failure !== undefined) throw statementFailure(failure, true);
    const answer = opening[1];
    if (answer?.status === 'fulfilled') firstRows = answer.value.rows;
    result = await fn(session);
  } catch (error) {
    if (!options.isLost()) await client.query({ text: 'ROLLBACK' }).catch(() => undefined);
    throw error;
  }
  if (options.isLost())
    throw storeFailure('Connection lost before COMMIT', new Error('Connection lost'), true);
  const closing = await sendTogether(client, [
    ...withCommit.map(named),
    { text: 'COMMIT' },
    ...(options.groupCommit ? [{ text: 'SELECT txid_current()' }] : []),
  ]);
  const writes = closing.slice(0, withCommit.length);
  const [commit, durable] = closing.slice(withCommit.length);
  const failure = firstFailure(writes) ?? (commit?.status === 'rejected' ? commit.reason : undefined);
  if (failure !== undefined) {
    const commitSent = commit !== undefined;
    // A write that failed before COMMIT was sent leaves the transaction open (aborted): end it.
    if (!commitSent && !options.isLost()) await client.query({ text: 'ROLLBACK' }).catch(() => undefined);
    const neverSent = failure instanceof Error && failure.message.includes(NOT_SENT);
    if (commitSent && !neverSent && isConnectionLoss(failure)) {
      throw storeFailure('Connection lost during COMMIT; the outcome is unknown', failure);
    }
    // Nothing was committed: a lost connection or a failed write rolled the transaction back.
    throw statementFailure(failure, true);
  }
  if (commit?.status === 'fulfilled' && commit.value.command === 'ROLLBACK') {
    throw storeFailure('The transaction was rolled back', new Error('COMMIT answered ROLLBACK'));
  }
  if (durable?.status === 'rejected') {
    throw storeFailure(
      'Committed, but the connection was lost before the commit was known durable',
      durable.reason,
    );
  }
  return result;
}

/** A `pg` Pool: every transaction on its own connection, checked out for its duration. */
export function pgPoolDriver(pool: PgPoolLike, options: DriverOptions): Driver {
  const nameOf = options.preparedStatements ? createStatementNames() : undefined;
  return {
    concurrent: true,
    exclusive: false,
    run: (text, params, idempotent) => runStatement(pool, nameOf, text, params, idempotent),
    async transaction(fn, first, settings) {
      let client: PgPoolClientLike;
      try {
        client = await pool.connect();
      } catch (error) {
        throw storeFailure('Could not get a PostgreSQL connection', error, isConnectionLoss(error));
      }
      // A checked-out client has no error listener of the pool's: without one, a dropped connection
      // would crash the process. A client that failed this way is destroyed, not returned.
      let lost: Error | undefined;
      const onError = (error: Error) => {
        lost = error;
      };
      client.on('error', onError);
      try {
        return await inTransaction(client, nameOf, fn, {
          ...timed(options, settings),
          ...(first ? { first } : {}),
          isLost: () => lost !== undefined,
        });
      } catch (error) {
        const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
        if (isConnectionLoss(cause)) lost ??= error as Error;
        throw error;
      } finally {
        client.off('error', onError);
        client.release(lost ?? false);
      }
    },
  };
}

/**
 * One connected `pg` Client: it carries one transaction at a time, so every statement waits its turn
 * and none lands inside another caller's transaction. Group commit gains nothing here and is off.
 */
export function pgClientDriver(client: PgClientLike, options: DriverOptions): Driver {
  const turns = createKeyedMutex();
  const exclusive = async <T>(work: () => Promise<T>): Promise<T> => {
    const release = await turns.acquire('connection');
    try {
      return await work();
    } finally {
      release();
    }
  };
  const nameOf = options.preparedStatements ? createStatementNames() : undefined;
  return {
    concurrent: false,
    exclusive: false,
    run: (text, params, idempotent) =>
      exclusive(() => runStatement(client, nameOf, text, params, idempotent)),
    transaction: (fn, first, settings) =>
      exclusive(() =>
        inTransaction(client, nameOf, fn, {
          ...timed(options, settings),
          ...(first ? { first } : {}),
          groupCommit: false,
          isLost: () => false,
        }),
      ),
  };
}
