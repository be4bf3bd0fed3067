import type { E164 } from '../phone.js';
import type { ConsentStore, PhoneTransaction } from '../store/contract.js';
import { createKeyedMutex } from '../store/keyed-mutex.js';
import { createDriver, type PostgresClient } from './client.js';
import type { StoreContext } from './context.js';
import { withRetry } from './failures.js';
import { type MigrationResult, migrateSchema } from './migrations.js';
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
} from './reads.js';
import { addReview, getReview, listReviews, resolveReview } from './reviews.js';
import { tableNames } from './schema.js';
import { createPhoneTransaction, PHONE_LOCK_SQL, phoneLockKey } from './transaction.js';

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
  /** Phone numbers per statement in `getStatuses` (default 50,000). */
  readonly statusChunkSize?: number;
  /**
   * `pg` only: run statements as named prepared statements, parsed and planned once per connection
   * (default true). Turn off behind a pooler that cannot keep them (PgBouncer before 1.21 in
   * transaction mode).
   */
  readonly preparedStatements?: boolean;
  /**
   * `pg` Pool only (default true): commit with `synchronous_commit = off`, releasing the tenant's
   * chain lock without waiting for the disk, then wait for the WAL flush before resolving. Writers
   * of one tenant then share fsyncs instead of taking turns for them; a call still resolves only
   * once its commit is durable. `false` commits synchronously.
   */
  readonly groupCommit?: boolean;
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
 * process sharing the database are serialized per number; the tenant's audit chain head is a locked
 * row; idempotency keys are claimed with `INSERT … ON CONFLICT DO NOTHING`. Transient failures are
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
  const driver = createDriver(options.client, {
    preparedStatements: options.preparedStatements ?? true,
    groupCommit: options.groupCommit ?? true,
  });
  const context: StoreContext = {
    driver,
    t,
    retry: {
      maxRetries: Math.max(0, options.maxRetries ?? 3),
      baseDelayMs: Math.max(0, options.retryDelayMs ?? 10),
    },
    statusChunkSize: Math.max(1, options.statusChunkSize ?? 50_000),
  };
  // With a pool, callers of one number queue here instead of each holding a connection while they
  // wait for the database lock; the advisory lock still serializes across processes.
  const local = driver.concurrent ? createKeyedMutex() : undefined;

  async function transact<T>(
    tenantId: string,
    phone: E164,
    fn: (tx: PhoneTransaction) => Promise<T>,
  ): Promise<T> {
    const key = phoneLockKey(t.schema, tenantId, phone);
    const release = await local?.acquire(key);
    try {
      return await withRetry(context.retry, () =>
        driver.transaction(
          async (session) => {
            const pending = createPhoneTransaction(session, t, tenantId, phone);
            const result = await fn(pending.tx);
            pending.flush();
            return result;
          },
          // PGlite is one in-process connection: its transactions already run one at a time.
          driver.exclusive ? undefined : { text: PHONE_LOCK_SQL, params: [key] },
        ),
      );
    } finally {
      release?.();
    }
  }

  return {
    schema: t.schema,
    migrate: () => withRetry(context.retry, () => migrateSchema(driver, t)),
    transact,
    getStatus: (tenantId, phone) => getStatus(context, tenantId, phone),
    getStatuses: (tenantId, phones) => getStatuses(context, tenantId, phones),
    listStatuses: (tenantId, listOptions) => listStatuses(context, tenantId, listOptions),
    getEvents: (tenantId, phone) => getEvents(context, tenantId, phone),
    getEvent: (tenantId, eventId) => getEvent(context, tenantId, eventId),
    readLedger: (tenantId, ledgerOptions) => readLedger(context, tenantId, ledgerOptions),
    getChainHead: (tenantId) => getChainHead(context, tenantId),
    consumeConfirmation: (tenantId, phone, text, now) =>
      consumeConfirmation(context, tenantId, phone, text, now),
    claimJobs: (claimOptions) => claimJobs(context, claimOptions),
    completeJob: (jobId, leaseToken) => completeJob(context, jobId, leaseToken),
    retryJob: (jobId, leaseToken, outcome) => retryJob(context, jobId, leaseToken, outcome),
    listJobs: (listOptions) => listJobs(context, listOptions),
    listTenants: () => listTenants(context),
    addReview: (review) => addReview(context, review),
    getReview: (tenantId, reviewId) => getReview(context, tenantId, reviewId),
    listReviews: (tenantId, query) => listReviews(context, tenantId, query),
    resolveReview: (tenantId, reviewId, resolution) => resolveReview(context, tenantId, reviewId, resolution),
    // The client belongs to the caller: the store opened nothing it could release.
    async close() {},
  };
}
