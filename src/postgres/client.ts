import { ConsentError } from '../errors.js';
import { createKeyedMutex } from '../store/keyed-mutex.js';
import { isConnectionLoss, isRolledBack, storeFailure } from './failures.js';

/** What the store needs of a `pg` `Client` (also a client checked out of a pool). */
export interface PgClientLike {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** A client checked out of a `pg` `Pool`. */
export interface PgPoolClientLike extends PgClientLike {
  release(destroy?: Error | boolean): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
}

/** What the store needs of a `pg` `Pool`. */
export interface PgPoolLike extends PgClientLike {
  connect(): Promise<PgPoolClientLike>;
  readonly totalCount: number;
}

/** What the store needs of a PGlite transaction. */
export interface PGliteTransactionLike {
  query<T>(query: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(query: string): Promise<unknown>;
}

/** What the store needs of a PGlite instance (`@electric-sql/pglite` 0.5). */
export interface PGliteLike extends PGliteTransactionLike {
  transaction<T>(callback: (tx: PGliteTransactionLike) => Promise<T>): Promise<T>;
}

/** A `pg` `Pool` (recommended for servers), a connected `pg` `Client`, or a PGlite instance. */
export type PostgresClient = PgPoolLike | PgClientLike | PGliteLike;

/** Statements on one connection. */
export interface Session {
  query<R>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs several statements without parameters (migrations only). */
  exec(text: string): Promise<void>;
}

/** How the store reaches the database, whichever client it was given. */
export interface Driver {
  /** Runs one statement on its own; `idempotent` statements may be retried after a lost connection. */
  run<R>(text: string, params: readonly unknown[], idempotent: boolean): Promise<R[]>;
  /** Runs `fn` between BEGIN and COMMIT on one connection. Failures are `STORE_FAILURE`s (see failures.ts). */
  transaction<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  /** Whether concurrent transactions run on separate connections (a pool). */
  readonly concurrent: boolean;
}

function isPGlite(client: PostgresClient): client is PGliteLike {
  return (
    typeof (client as PGliteLike).transaction === 'function' &&
    typeof (client as PGliteLike).exec === 'function'
  );
}

function isPool(client: PostgresClient): client is PgPoolLike {
  return (
    typeof (client as PgPoolLike).connect === 'function' &&
    typeof (client as PgPoolLike).totalCount === 'number'
  );
}

/** Picks the driver for a client by its shape, so neither `pg` nor PGlite is imported at runtime. */
export function createDriver(client: PostgresClient): Driver {
  if (typeof client !== 'object' || client === null || typeof client.query !== 'function') {
    throw new ConsentError(
      'CONFIG',
      'createPostgresStore: `client` must be a pg Pool, a pg Client or a PGlite instance',
    );
  }
  if (isPGlite(client)) return pgliteDriver(client);
  if (isPool(client)) return poolDriver(client);
  return clientDriver(client);
}

function statementFailure(error: unknown, idempotent: boolean): ConsentError {
  return storeFailure(
    'PostgreSQL statement failed',
    error,
    isRolledBack(error) || (idempotent && isConnectionLoss(error)),
  );
}

/** A session whose failures are `STORE_FAILURE`s; inside a transaction a lost connection lost all of it, so retry is safe. */
function session(target: PgClientLike | PGliteTransactionLike, isPglite: boolean): Session {
  return {
    async query<R>(text: string, params: readonly unknown[] = []) {
      try {
        const result = await target.query(text, [...params]);
        return result.rows as R[];
      } catch (error) {
        throw statementFailure(error, true);
      }
    },
    async exec(text) {
      try {
        if (isPglite) await (target as PGliteTransactionLike).exec(text);
        else await target.query(text);
      } catch (error) {
        throw statementFailure(error, true);
      }
    },
  };
}

function poolDriver(pool: PgPoolLike): Driver {
  return {
    concurrent: true,
    async run(text, params, idempotent) {
      try {
        return (await pool.query(text, [...params])).rows as never[];
      } catch (error) {
        throw statementFailure(error, idempotent);
      }
    },
    async transaction(fn) {
      let client: PgPoolClientLike;
      try {
        client = await pool.connect();
      } catch (error) {
        throw storeFailure('Could not get a PostgreSQL connection', error, isConnectionLoss(error));
      }
      let lost: Error | undefined;
      const onError = (error: Error) => {
        lost = error;
      };
      client.on('error', onError);
      try {
        return await inTransaction(client, session(client, false), fn, () => lost !== undefined);
      } catch (error) {
        if (isConnectionLoss((error as { cause?: unknown }).cause ?? error)) lost ??= error as Error;
        throw error;
      } finally {
        client.off('error', onError);
        client.release(lost ?? false);
      }
    },
  };
}

/** BEGIN, `fn`, COMMIT; ROLLBACK after a failure. A lost connection during COMMIT leaves its outcome unknown. */
async function inTransaction<T>(
  client: PgClientLike,
  tx: Session,
  fn: (session: Session) => Promise<T>,
  isLost: () => boolean,
): Promise<T> {
  await tx.query('BEGIN');
  let result: T;
  try {
    result = await fn(tx);
  } catch (error) {
    if (!isLost()) await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  try {
    await client.query('COMMIT');
  } catch (error) {
    if (isConnectionLoss(error)) {
      throw storeFailure('The connection was lost during COMMIT; the outcome is unknown', error, false);
    }
    throw statementFailure(error, false);
  }
  return result;
}

function clientDriver(client: PgClientLike): Driver {
  // One connection carries one transaction at a time; every statement waits its turn so none lands
  // inside another caller's transaction.
  const turns = createKeyedMutex();
  const exclusive = async <T>(work: () => Promise<T>): Promise<T> => {
    const release = await turns.acquire('connection');
    try {
      return await work();
    } finally {
      release();
    }
  };
  const plain = session(client, false);
  return {
    concurrent: false,
    run: (text, params, idempotent) =>
      exclusive(async () => {
        try {
          return (await client.query(text, [...params])).rows as never[];
        } catch (error) {
          throw statementFailure(error, idempotent);
        }
      }),
    transaction: (fn) => exclusive(() => inTransaction(client, plain, fn, () => false)),
  };
}

function pgliteDriver(db: PGliteLike): Driver {
  return {
    concurrent: false,
    async run(text, params) {
      try {
        return (await db.query(text, [...params])).rows as never[];
      } catch (error) {
        throw statementFailure(error, false);
      }
    },
    async transaction(fn) {
      // PGlite's own transaction() holds its single connection exclusively until COMMIT or ROLLBACK.
      const state: { phase: 'begin' | 'body' | 'commit' } = { phase: 'begin' };
      try {
        return await db.transaction(async (tx) => {
          state.phase = 'body';
          const result = await fn(session(tx, true));
          state.phase = 'commit';
          return result;
        });
      } catch (error) {
        if (state.phase === 'body') throw error;
        throw statementFailure(error, false);
      }
    },
  };
}
