import { ConsentError } from '../errors.js';
import { pgClientDriver, pgPoolDriver } from './pg-driver.js';
import { pgliteDriver } from './pglite-driver.js';

/** A statement as `pg` takes it: `name` makes it a prepared statement on each connection. */
export interface PgQueryConfig {
  readonly text: string;
  readonly values?: unknown[];
  readonly name?: string;
}

/**
 * What the store needs of a `pg` `Client` (also a client checked out of a pool). A client created
 * with `pipeline: true` sends the statements the store issues together in one round trip.
 */
export interface PgClientLike {
  query(config: PgQueryConfig): Promise<{ rows: unknown[]; command?: string }>;
  /** Set by `pg` for clients created with `pipeline: true`: statements go out without waiting for earlier answers. */
  readonly pipeline?: boolean;
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
  /** pg's Pool emits `error` when an idle client loses its connection (a server restart). */
  on?(event: 'error', listener: (error: Error) => void): unknown;
  off?(event: 'error', listener: (error: Error) => void): unknown;
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

/** One statement with its parameters. */
export interface Statement {
  readonly text: string;
  readonly params: readonly unknown[];
  /**
   * Plan it once per connection, whatever the values (`plan_cache_mode = force_generic_plan` for
   * its transaction): for a statement whose best plan does not depend on them, and which the planner
   * would otherwise plan anew on every run because its arrays' lengths are unknown until then.
   */
  readonly genericPlan?: boolean;
}

/**
 * The statement a transaction opens with (sent with BEGIN), and what must hold of its rows. The
 * driver runs `check` before any statement of the transaction's body resolves and before COMMIT: a
 * `check` that throws rolls the transaction back and rejects it with that error.
 */
export interface FirstStatement extends Statement {
  check?(rows: readonly unknown[]): void;
}

/** Statements on one connection. */
export interface Session {
  query<R>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs several statements without parameters (migrations). */
  exec(text: string): Promise<void>;
  /**
   * Sends a write together with COMMIT (one round trip on a pipelining `pg` client). If it fails, the
   * transaction rolls back and `transaction()` rejects with its error.
   */
  withCommit(statement: Statement): void;
}

/** Per-transaction settings of {@link Driver.transaction}. */
export interface TransactionSettings {
  /** No lock or statement timeout (migrations, whose DDL may take long). */
  readonly untimed?: boolean;
}

/** How the store reaches the database, whichever client it was given. */
export interface Driver {
  /** Runs one statement on its own; `idempotent` statements may be retried after a lost connection. */
  run<R>(text: string, params: readonly unknown[], idempotent: boolean): Promise<R[]>;
  /**
   * Runs `first` (sent with BEGIN), then `fn`, between BEGIN and COMMIT on one connection, and
   * resolves once the commit is durable. On a pipelining `pg` client the statements `fn` issues
   * before the answer to BEGIN arrives go out in the same round trip (the server runs them after
   * `first`); none resolves before `first` was checked. Database failures reject as `STORE_FAILURE`s, marked
   * retryable when running `fn` again is safe.
   */
  transaction<T>(
    fn: (session: Session) => Promise<T>,
    first?: FirstStatement,
    settings?: TransactionSettings,
  ): Promise<T>;
  /**
   * Runs one statement as a transaction of its own, with the transactions' settings (lock and
   * statement timeouts): `BEGIN`, the statement and `COMMIT` leave together, one round trip on a
   * pipelining client. Rejects with a `STORE_FAILURE` whose `cause` is the database's error.
   */
  write<R>(statement: Statement): Promise<R[]>;
  /** Whether concurrent transactions run on separate connections (a pool). */
  readonly concurrent: boolean;
  /** Whether nothing but this driver can reach the database (PGlite), so cross-process locks are moot. */
  readonly exclusive: boolean;
}

/** How the `pg` drivers talk to the server. */
export interface DriverOptions {
  /** Named (prepared) statements, parsed and planned once per connection. */
  readonly preparedStatements: boolean;
  /** Commit without waiting for the WAL flush, then wait for it after the locks are released. */
  readonly groupCommit: boolean;
  /** `lock_timeout` of every transaction in ms; 0 leaves the server's setting. */
  readonly lockTimeoutMs: number;
  /** `statement_timeout` of every transaction in ms; 0 leaves the server's setting. */
  readonly statementTimeoutMs: number;
}

/** Whether the client is a PGlite instance (by its shape). */
export function isPGlite(client: PostgresClient): client is PGliteLike {
  return (
    typeof (client as PGliteLike).transaction === 'function' &&
    typeof (client as PGliteLike).exec === 'function'
  );
}

/** Whether the client is a `pg` Pool (by its shape). */
export function isPool(client: PostgresClient): client is PgPoolLike {
  return (
    typeof (client as PgPoolLike).connect === 'function' &&
    typeof (client as PgPoolLike).totalCount === 'number'
  );
}

/** Picks the driver for a client by its shape, so neither `pg` nor PGlite is imported at runtime. */
export function createDriver(client: PostgresClient, options: DriverOptions): Driver {
  if (typeof client !== 'object' || client === null || typeof client.query !== 'function') {
    throw new ConsentError(
      'CONFIG',
      'createPostgresStore: `client` must be a pg Pool, a pg Client or a PGlite instance',
    );
  }
  if (isPGlite(client)) return pgliteDriver(client);
  if (isPool(client)) return pgPoolDriver(client, options);
  return pgClientDriver(client as PgClientLike, options);
}
