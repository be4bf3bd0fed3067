import { ConsentError } from '../errors.js';
import { assertTenantId } from '../helpers/tenant-id.js';
import type { E164 } from '../phone.js';
import type { ConsentStore, PhoneTransaction } from '../store/contract.js';
import { batchWriteStatement, createBatchReads } from './batch.js';
import { listCheckpoints, readSnapshot, saveCheckpoint, snapshotHeads } from './checkpoints.js';
import { createDriver, isPGlite, isPool, type PgPoolLike, type PostgresClient } from './client.js';
import type { StoreContext } from './context.js';
import { holdFolder } from './embedded.js';
import { withRetry } from './failures.js';
import { createTransactionGates, defaultPerTenant } from './gates.js';
import { createGroupWriter } from './group-write.js';
import { type MigrationResult, migrateSchema } from './migrations.js';
import { createChainCache, optimisticWrite } from './optimistic.js';
import { claimJobs, completeJob, consumeConfirmation, listJobs, retryJob } from './outbox.js';
import {
  getChainHead,
  getEvent,
  getEvents,
  getStatus,
  getStatuses,
  listStatuses,
  listTenants,
  readLedger,
  readNumberStates,
} from './reads.js';
import { addReview, getReview, listReviews, resolveReview } from './reviews.js';
import { tableNames } from './schema.js';
import { createSchemaGuard } from './schema-version.js';
import { checkStoreNumbers } from './store-options.js';
import {
  type BufferedWrites,
  createNumberTransaction,
  createPhoneTransaction,
  type KnownChain,
  phoneLockKey,
  phoneLockSql,
  phonesLockSql,
} from './transaction.js';

/** Options of {@link createPostgresStore}. */
export interface PostgresStoreOptions {
  /**
   * A `pg` `Pool` (what servers with many app instances want), a connected `pg` `Client`, or a
   * PGlite instance. The store never closes it: whoever created it ends it.
   */
  readonly client: PostgresClient;
  /** Schema of the store's tables (default `sms_consent`): lower-case letters, digits and `_`. */
  readonly schema?: string;
  /** Retries after a transient failure: lost connection, serialization failure, deadlock (default 3). */
  readonly maxRetries?: number;
  /** Base delay of the jittered exponential backoff between retries, in ms (default 10). */
  readonly retryDelayMs?: number;
  /**
   * Numbers whose chain (events and head) the store keeps after writing or reading them (default
   * 10,000). A write to a number whose chain is known here, or to a number the database has never
   * seen, goes out as one statement in one round trip; when another writer moved the chain since,
   * nothing is written and the write goes the locked way (two round trips). 0 sends every write the
   * locked way.
   */
  readonly chainCacheSize?: number;
  /** Phone numbers per statement in `getStatuses` (default 50,000). */
  readonly statusChunkSize?: number;
  /**
   * `pg` only: run statements as named prepared statements, parsed and planned once per connection
   * (default true). Turn off behind a pooler that cannot keep them (PgBouncer before 1.21 in
   * transaction mode).
   */
  readonly preparedStatements?: boolean;
  /**
   * `pg` Pool only (default false): commit with `synchronous_commit = off`, then wait for the WAL
   * flush before resolving (a call still resolves only once its commit is durable). It releases the
   * number's lock before the disk answers, at the price of one more statement per write; with no
   * tenant-wide lock left in the write path, PostgreSQL's own grouping of concurrent commits does
   * as well, so it is off unless many writers hit the same numbers.
   */
  readonly groupCommit?: boolean;
  /**
   * Server only: `lock_timeout` of the store's transactions in ms (default 5000; 0 waits forever). A
   * write stuck behind a lock held elsewhere fails as a `STORE_FAILURE` instead of waiting, so a
   * webhook answers 5xx and the provider retries.
   */
  readonly lockTimeoutMs?: number;
  /** Server only: `statement_timeout` of the store's transactions in ms (default 5000; 0: none). */
  readonly statementTimeoutMs?: number;
  /**
   * `pg` Pool only: connections one tenant's transactions may hold at once (default the pool's `max`
   * less two; half of a pool of four or fewer), so one tenant's stalled writes cannot take every
   * connection from the others.
   */
  readonly maxConnectionsPerTenant?: number;
  /**
   * `pg` Pool only: how long a transaction waits in this process for its number's earlier writes and
   * a connection of its tenant before it fails as a `STORE_FAILURE` (default 15000: Twilio gives up
   * on a webhook after 15 s and retries it).
   */
  readonly queueTimeoutMs?: number;
  /**
   * `pg` Pool only: called when an idle pooled connection fails (the server restarted, a failover,
   * a network cut). The store listens for the pool's `error` event, without which Node would end
   * the process; the pool replaces the connection and the next transaction reconnects. Default:
   * a `console.warn`.
   */
  readonly onPoolError?: (error: Error) => void;
}

/** A {@link ConsentStore} on PostgreSQL or PGlite, plus the schema migration. */
export interface PostgresConsentStore extends ConsentStore {
  /** The schema the store's tables live in. */
  readonly schema: string;
  /**
   * Creates or upgrades the store's tables to the version this release expects. Run it at startup;
   * safe when many instances run it at once, and it never drops or rewrites data.
   */
  migrate(): Promise<MigrationResult>;
}

/**
 * The PostgreSQL {@link ConsentStore}: one SQL dialect on a real server (`pg`) and on embedded PGlite.
 * Every (tenant, phone) transaction takes a transaction-scoped advisory lock, so writers in every
 * process sharing the database are serialized per number, and nothing tenant-wide is locked (each
 * number's audit chain head lives in its status row); idempotency keys are claimed with `INSERT … ON CONFLICT DO NOTHING`. Transient failures are
 * retried; other failures reject with a `ConsentError` (`STORE_FAILURE`) and write nothing.
 *
 * @example
 * import pg from 'pg';
 * import { createPostgresStore } from 'sms-consent/postgres';
 * // pipeline: true (node-postgres pipelining) lets the store send BEGIN with its lock and its writes with COMMIT.
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, pipeline: true });
 * const store = createPostgresStore({ client: pool });
 * await store.migrate();
 * const consent = createConsentManager({ store, defaultCountry: 'US' });
 *
 * @example
 * import { PGlite } from '@electric-sql/pglite';
 * const store = createPostgresStore({ client: new PGlite('./.sms-consent/db') });
 * await store.migrate();
 */
export function createPostgresStore(options: PostgresStoreOptions): PostgresConsentStore {
  const t = tableNames(options.schema);
  const numbers = checkStoreNumbers({
    maxRetries: options.maxRetries,
    retryDelayMs: options.retryDelayMs,
    lockTimeoutMs: options.lockTimeoutMs,
    statementTimeoutMs: options.statementTimeoutMs,
    maxConnectionsPerTenant: options.maxConnectionsPerTenant,
    queueTimeoutMs: options.queueTimeoutMs,
    chainCacheSize: options.chainCacheSize,
    statusChunkSize: options.statusChunkSize,
  });
  const driver = createDriver(options.client, {
    preparedStatements: options.preparedStatements ?? true,
    groupCommit: options.groupCommit ?? false,
    lockTimeoutMs: numbers.lockTimeoutMs ?? 5000,
    statementTimeoutMs: numbers.statementTimeoutMs ?? 5000,
  });
  // A PGlite folder is one process's database: the store holds its lock until close().
  const releaseFolder = isPGlite(options.client) ? holdFolder(options.client) : undefined;
  const poolErrorListener = isPool(options.client)
    ? watchPool(options.client, options.onPoolError)
    : undefined;
  const context: StoreContext = {
    driver,
    t,
    retry: {
      maxRetries: numbers.maxRetries ?? 3,
      baseDelayMs: numbers.retryDelayMs ?? 10,
    },
    statusChunkSize: numbers.statusChunkSize ?? 50_000,
  };
  const local = driver.concurrent
    ? createTransactionGates({
        perTenant: numbers.maxConnectionsPerTenant ?? defaultPerTenant(options.client),
        queueTimeoutMs: numbers.queueTimeoutMs ?? 15_000,
      })
    : undefined;
  const schemaGuard = createSchemaGuard(driver, t);
  const chains = createChainCache(numbers.chainCacheSize ?? 10_000);
  // Two statements in flight carry a pool's optimistic writes: under load each carries several numbers.
  const groups = createGroupWriter(driver, t, driver.concurrent ? 2 : 1);
  const lockSql = phoneLockSql(t);
  const manyLockSql = phonesLockSql(t);
  const guarded =
    <A extends unknown[], R>(operation: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await schemaGuard.check();
      return operation(...args);
    };

  const checkVersion = (rows: readonly unknown[]): void =>
    schemaGuard.assert((rows[0] as { version?: unknown } | undefined)?.version);

  async function transact<T>(
    tenantId: string,
    phone: E164,
    fn: (tx: PhoneTransaction) => Promise<T>,
  ): Promise<T> {
    assertTenantId(tenantId);
    const key = phoneLockKey(t.schema, tenantId, phone);
    // On a server the lock statement reads the version too; PGlite's folder has no other writer.
    if (driver.exclusive) await schemaGuard.check();
    const release = await local?.enter(tenantId, key);
    try {
      // One round trip on the chain this process last saw; the locked way when it moved since.
      const number = { tenantId, phone, lockKey: driver.exclusive ? undefined : key };
      const written = chains.enabled
        ? await optimisticWrite(groups, number, chains.get(key), fn, checkVersion)
        : undefined;
      if (written) {
        chains.set(key, written.chain);
        return written.result;
      }
      chains.delete(key);
      let chain: KnownChain | undefined;
      const result = await withRetry(context.retry, () =>
        driver.transaction(
          async (session) => {
            const pending = createPhoneTransaction(session, t, tenantId, phone);
            const result = await fn(pending.tx);
            pending.flush();
            chain = pending.chain();
            return result;
          },
          // PGlite is one in-process connection: its transactions already run one at a time.
          driver.exclusive ? undefined : { text: lockSql, params: [key], check: checkVersion },
        ),
      );
      chains.set(key, chain);
      return result;
    } finally {
      release?.();
    }
  }

  async function transactMany<T>(
    tenantId: string,
    phones: readonly E164[],
    fn: (tx: PhoneTransaction) => Promise<T>,
  ): Promise<T[]> {
    assertTenantId(tenantId);
    if (new Set(phones).size !== phones.length)
      throw new ConsentError('STORE_FAILURE', 'transactMany: the numbers must be distinct');
    if (phones.length === 0) return [];
    const keys = phones.map((phone) => phoneLockKey(t.schema, tenantId, phone));
    if (driver.exclusive) await schemaGuard.check();
    const release = await local?.enterMany(tenantId, keys);
    for (const key of keys) chains.delete(key);
    try {
      return await withRetry(context.retry, () =>
        driver.transaction(
          async (session) => {
            const reads = createBatchReads(session, t, tenantId);
            const numbers = phones.map((phone) => createNumberTransaction(reads(phone), tenantId, phone));
            // The first failure in time is the cause (a rolled-back claim, which is retried); the
            // callbacks that read after it only see the aborted transaction.
            let cause: { readonly error: unknown } | undefined;
            const run = (tx: PhoneTransaction) =>
              fn(tx).catch((error: unknown) => {
                cause ??= { error };
                throw error;
              });
            // Every callback settles before the transaction ends: none may read on a released connection.
            const settled = await Promise.allSettled(numbers.map(({ tx }) => run(tx)));
            if (cause) throw cause.error;
            const writes = new Map(phones.map((phone, index) => [phone, numbers[index]?.writes()]));
            const statement = batchWriteStatement(t, tenantId, writes as Map<E164, BufferedWrites>);
            if (statement) session.withCommit(statement);
            return settled.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
          },
          driver.exclusive
            ? undefined
            : { text: manyLockSql, params: [[...keys].sort()], check: checkVersion },
        ),
      );
    } finally {
      release?.();
    }
  }

  return {
    schema: t.schema,
    migrate: async () => {
      schemaGuard.reset();
      return withRetry(context.retry, () => migrateSchema(driver, t));
    },
    transact,
    transactMany,
    getStatus: scoped(guarded((tenantId, phone) => getStatus(context, tenantId, phone))),
    getStatuses: scoped(guarded((tenantId, phones) => getStatuses(context, tenantId, phones))),
    listStatuses: scoped(guarded((tenantId, listOptions) => listStatuses(context, tenantId, listOptions))),
    getEvents: scoped(guarded((tenantId, phone) => getEvents(context, tenantId, phone))),
    getEvent: scoped(guarded((tenantId, eventId) => getEvent(context, tenantId, eventId))),
    readLedger: scoped(guarded((tenantId, ledgerOptions) => readLedger(context, tenantId, ledgerOptions))),
    readNumberStates: scoped(guarded((tenantId, paging) => readNumberStates(context, tenantId, paging))),
    getChainHead: scoped(guarded((tenantId) => getChainHead(context, tenantId))),
    snapshotHeads: scoped(
      guarded((tenantId, checkpointId) => snapshotHeads(context, tenantId, checkpointId)),
    ),
    readSnapshot: scoped(
      guarded((tenantId, checkpointId, paging) => readSnapshot(context, tenantId, checkpointId, paging)),
    ),
    saveCheckpoint: async (checkpoint) => {
      assertTenantId(checkpoint.tenantId);
      await schemaGuard.check();
      return saveCheckpoint(context, checkpoint);
    },
    listCheckpoints: scoped(
      guarded((tenantId, listOptions) => listCheckpoints(context, tenantId, listOptions)),
    ),
    consumeConfirmation: scoped(
      guarded((tenantId, phone, text, now) => consumeConfirmation(context, tenantId, phone, text, now)),
    ),
    claimJobs: async (claimOptions) => {
      if (claimOptions.tenantId !== undefined) assertTenantId(claimOptions.tenantId);
      await schemaGuard.check();
      return claimJobs(context, claimOptions);
    },
    completeJob: guarded((jobId: string, leaseToken: string) => completeJob(context, jobId, leaseToken)),
    retryJob: guarded((jobId: string, leaseToken: string, outcome: Parameters<ConsentStore['retryJob']>[2]) =>
      retryJob(context, jobId, leaseToken, outcome),
    ),
    listJobs: async (listOptions) => {
      if (listOptions.tenantId !== undefined) assertTenantId(listOptions.tenantId);
      await schemaGuard.check();
      return listJobs(context, listOptions);
    },
    listTenants: guarded(() => listTenants(context)),
    addReview: async (review) => {
      assertTenantId(review.tenantId);
      await schemaGuard.check();
      return addReview(context, review);
    },
    getReview: scoped(guarded((tenantId, reviewId) => getReview(context, tenantId, reviewId))),
    listReviews: scoped(guarded((tenantId, query) => listReviews(context, tenantId, query))),
    resolveReview: scoped(
      guarded((tenantId, reviewId, resolution) => resolveReview(context, tenantId, reviewId, resolution)),
    ),
    // The client belongs to the caller; the store releases only its hold on a PGlite folder's lock.
    async close() {
      releaseFolder?.();
      poolErrorListener?.();
    },
  };
}

/** A tenant-scoped read that applies the one tenant-id rule first, rejecting (never throwing) like the read. */
function scoped<A extends unknown[], R>(
  read: (tenantId: string, ...rest: A) => Promise<R>,
): (tenantId: string, ...rest: A) => Promise<R> {
  return async (tenantId, ...rest) => {
    assertTenantId(tenantId);
    return read(tenantId, ...rest);
  };
}

/** Listens for the pool's idle-client errors (see `onPoolError`); returns what stops listening. */
function watchPool(target: PgPoolLike, report?: (error: Error) => void): (() => void) | undefined {
  if (typeof target.on !== 'function') return undefined;
  const listener = (error: Error): void => {
    if (report) report(error);
    else
      console.warn(
        `sms-consent: an idle PostgreSQL connection failed (the pool replaces it): ${error.message}`,
      );
  };
  target.on('error', listener);
  return () => {
    target.off?.('error', listener);
  };
}
