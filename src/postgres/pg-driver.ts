import { createHash } from 'node:crypto';
import { createKeyedMutex } from '../store/keyed-mutex.js';
import type {
  Driver,
  DriverOptions,
  FirstStatement,
  PgClientLike,
  PgPoolClientLike,
  PgPoolLike,
  PgQueryConfig,
  Session,
  Statement,
  TransactionSettings,
} from './client.js';
import { isConnectionLoss, outcomeUnknown, statementFailure, storeFailure } from './failures.js';

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

/**
 * Statements of one transaction: after a lost connection the server rolled all of it back, so retry
 * is safe. Each statement is sent at once (behind the opening statements on a pipelining client)
 * but resolves only after `opened`, so the body never sees an answer before the opening was checked.
 */
function pgSession(
  client: PgClientLike,
  nameOf: ((text: string) => string) | undefined,
  withCommit: Statement[],
  opened: () => Promise<void>,
): Session {
  return {
    async query<R>(text: string, params: readonly unknown[] = []) {
      const sent = runStatement<R>(client, nameOf, text, params, true);
      // Behind a failed opening this fails too (aborted transaction); the opening's error explains it.
      sent.catch(() => undefined);
      await opened();
      return sent;
    },
    async exec(text) {
      await opened();
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

/** The socket of a `pg` client, when it is one: its writes can be held back and sent together. */
interface Corkable {
  cork(): void;
  uncork(): void;
}

function socketOf(client: PgClientLike): Corkable | undefined {
  const stream = (client as { connection?: { stream?: Partial<Corkable> } }).connection?.stream;
  return typeof stream?.cork === 'function' && typeof stream.uncork === 'function'
    ? (stream as Corkable)
    : undefined;
}

/**
 * Runs `issue` (which queues statements on a pipelining client) with the client's socket corked, so
 * the statements leave in one write: pg writes each statement on its own, and on a busy machine
 * every write system call (and the wake-up of the server process it causes) costs more than
 * building the statements.
 */
function together<T>(client: PgClientLike, issue: () => T): T {
  const socket = client.pipeline === true ? socketOf(client) : undefined;
  socket?.cork();
  try {
    return issue();
  } finally {
    socket?.uncork();
  }
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
function beginText(options: DriverOptions, genericPlan = false): string {
  const settings = [
    ...(genericPlan ? ['SET LOCAL plan_cache_mode = force_generic_plan'] : []),
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
 * BEGIN, and so do the statements `fn` issues before its first answer (a pipelining client sends
 * them in one write, and the server runs them in order, after the lock); the writes `fn` leaves
 * for the commit go with COMMIT. A recorded STOP spends two round trips: BEGIN, lock and key claim
 * (which also reads the number's events and head), then the write with COMMIT.
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
  options: DriverOptions & { readonly first?: FirstStatement; readonly isLost: () => boolean },
): Promise<T> {
  const named = (statement: Statement): PgQueryConfig => ({
    text: statement.text,
    values: [...statement.params],
    ...(nameOf ? { name: nameOf(statement.text) } : {}),
  });
  const withCommit: Statement[] = [];
  const { first } = options;
  let opening: Promise<void> = Promise.resolve();
  const open = () => {
    opening = sendTogether(client, [{ text: beginText(options) }, ...(first ? [named(first)] : [])]).then(
      (answers) => {
        const failure = firstFailure(answers);
        if (failure !== undefined) throw statementFailure(failure, true);
        const answer = answers[1];
        if (first?.check && answer?.status === 'fulfilled') first.check(answer.value.rows);
      },
    );
    opening.catch(() => undefined);
  };
  const session = pgSession(client, nameOf, withCommit, () => opening);
  let result: T;
  try {
    if (client.pipeline === true) {
      // BEGIN, the lock and the body's first statements (the key claim) leave in one write.
      result = await together(client, () => {
        open();
        return fn(session);
      });
    } else {
      open();
      await opening;
      result = await fn(session);
    }
    await opening;
  } catch (error) {
    if (!options.isLost()) await client.query({ text: 'ROLLBACK' }).catch(() => undefined);
    throw error;
  }
  if (options.isLost())
    throw storeFailure('Connection lost before COMMIT', new Error('Connection lost'), true);
  const closing = await together(client, () =>
    sendTogether(client, [
      ...withCommit.map(named),
      { text: 'COMMIT' },
      ...(options.groupCommit ? [{ text: 'SELECT txid_current()' }] : []),
    ]),
  );
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
  assertCommitted(commit, durable);
  return result;
}

/**
 * One statement as its own transaction (see `Driver.write`): `BEGIN` with the settings, the statement
 * and `COMMIT` in one socket write, so a pipelining client spends one round trip, against two for
 * {@link inTransaction} (which waits for its opening before it sends the writes).
 */
async function writeAlone<R>(
  client: PgClientLike,
  nameOf: ((text: string) => string) | undefined,
  statement: Statement,
  options: DriverOptions & { readonly isLost: () => boolean },
): Promise<R[]> {
  const answers = await together(client, () =>
    sendTogether(client, [
      { text: beginText(options, statement.genericPlan) },
      {
        text: statement.text,
        values: [...statement.params],
        ...(nameOf ? { name: nameOf(statement.text) } : {}),
      },
      { text: 'COMMIT' },
      ...(options.groupCommit ? [{ text: 'SELECT txid_current()' }] : []),
    ]),
  );
  const [, written, commit, durable] = answers;
  const commitSent = commit !== undefined || client.pipeline === true;
  const failure = firstFailure(answers.slice(0, 3));
  if (failure !== undefined) {
    // Without pipelining the COMMIT was never sent after a failure: end the aborted transaction.
    if (commit === undefined && !options.isLost())
      await client.query({ text: 'ROLLBACK' }).catch(() => undefined);
    const neverSent = failure instanceof Error && failure.message.includes(NOT_SENT);
    // An error the server answered for BEGIN or the statement aborted the transaction, so its COMMIT
    // committed nothing. An answer that never came proves nothing: the server may have sent it and
    // committed, and the connection died before the answer arrived. With COMMIT sent (a pipelining
    // client sends it with the statement), a connection lost without such an error leaves the
    // outcome unknown, and running the write again could write it twice.
    const refused = answers
      .slice(0, 2)
      .some((answer) => answer.status === 'rejected' && isServerError(answer.reason));
    if (commitSent && commit?.status !== 'fulfilled' && !refused && !neverSent && isConnectionLoss(failure)) {
      throw outcomeUnknown(storeFailure('Connection lost during COMMIT; the outcome is unknown', failure));
    }
    throw statementFailure(failure, true);
  }
  assertCommitted(commit, durable);
  return (written as PromiseFulfilledResult<{ rows: unknown[] }>).value.rows as R[];
}

/**
 * After the writes went through: a `COMMIT` the server answered with `ROLLBACK` committed nothing,
 * and a lost answer to the group-commit probe leaves the commit's durability unknown.
 */
function assertCommitted(
  commit: PromiseSettledResult<{ command?: string }> | undefined,
  durable: PromiseSettledResult<unknown> | undefined,
): void {
  if (commit?.status === 'fulfilled' && commit.value.command === 'ROLLBACK') {
    throw storeFailure('The transaction was rolled back', new Error('COMMIT answered ROLLBACK'));
  }
  if (durable?.status === 'rejected') {
    throw storeFailure(
      'Committed, but the connection was lost before the commit was known durable',
      durable.reason,
    );
  }
}

/** An error the server sent (an ErrorResponse carries its severity), not one of the client or socket. */
function isServerError(error: unknown): boolean {
  return typeof (error as { severity?: unknown } | null)?.severity === 'string';
}

/** A `pg` Pool: every transaction on its own connection, checked out for its duration. */
export function pgPoolDriver(pool: PgPoolLike, options: DriverOptions): Driver {
  const nameOf = options.preparedStatements ? createStatementNames() : undefined;
  return {
    concurrent: true,
    exclusive: false,
    run: (text, params, idempotent) => runStatement(pool, nameOf, text, params, idempotent),
    transaction: (fn, first, settings) =>
      withConnection(pool, (client, isLost) =>
        inTransaction(client, nameOf, fn, {
          ...timed(options, settings),
          ...(first ? { first } : {}),
          isLost,
        }),
      ),
    write: (statement) =>
      withConnection(pool, (client, isLost) => writeAlone(client, nameOf, statement, { ...options, isLost })),
  };
}

/** Runs `work` on a connection checked out of `pool`, watching it for errors; releases it after. */
async function withConnection<T>(
  pool: PgPoolLike,
  work: (client: PgPoolClientLike, isLost: () => boolean) => Promise<T>,
): Promise<T> {
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
    return await work(client, () => lost !== undefined);
  } catch (error) {
    const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
    if (isConnectionLoss(cause)) lost ??= error as Error;
    throw error;
  } finally {
    client.off('error', onError);
    client.release(lost ?? false);
  }
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
    write: (statement) =>
      exclusive(() =>
        writeAlone(client, nameOf, statement, { ...options, groupCommit: false, isLost: () => false }),
      ),
  };
}
