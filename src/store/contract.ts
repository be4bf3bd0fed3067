import type { ChainHead } from '../consent/audit.js';
import type { Checkpoint } from '../consent/checkpoint.js';
import type { NumberHead } from '../consent/merkle.js';
import type { ConsentEvent, ConsentStatus, ConsentStatusValue } from '../consent/types.js';
import type { E164 } from '../phone.js';
import type { NewReview, Review, ReviewPage, ReviewQuery, ReviewResolution } from '../review/types.js';

/**
 * The one FCC-allowed confirmation text after an opt-out the provider did not confirm itself, pending
 * on the status row once a claimed one was put back (its send failed): the send guard, or a
 * redelivery of the opt-out, takes exactly this body, once, until `until`. An opt-out's own write
 * claims it in its transaction and never stores it.
 */
export interface PendingConfirmation {
  readonly text: string;
  /** ISO 8601 UTC; five minutes after the opt-out. */
  readonly until: string;
}

/** What a transaction writes as the status row of its number. */
export interface StatusWrite {
  readonly status: ConsentStatusValue;
  readonly since?: string;
  readonly causeEventId?: string;
  readonly lastEventId?: string;
  /** Set to put a claimed confirmation back; `null` clears one; absent keeps what is there. */
  readonly confirmation?: PendingConfirmation | null;
}

/** A stored status with what the send guard needs. */
export interface StoredStatus extends ConsentStatus {
  readonly confirmation?: PendingConfirmation;
}

/** Outcome of {@link PhoneTransaction.claimKey}. */
export type KeyClaim = { readonly claimed: true } | { readonly claimed: false; readonly eventId: string };

/** A durable job for the CRM sync (or any other follow-up of a change). */
export interface NewOutboxJob {
  readonly id: string;
  readonly tenantId: string;
  readonly phone: E164;
  /** What the job does, e.g. `crm_sync`. */
  readonly kind: string;
  /** The event that caused it. */
  readonly eventId: string;
  /** ISO 8601 UTC. */
  readonly createdAt: string;
}

/** A job as the outbox keeps it. */
export interface OutboxJob extends NewOutboxJob {
  /** `pending` jobs are claimed by workers; `dead` ones failed too often and wait for a person. */
  readonly state: 'pending' | 'dead';
  readonly attempts: number;
  /** ISO 8601 UTC: not claimed before this. */
  readonly availableAt: string;
  readonly lastError?: string;
  /** Set while a worker holds the job; only that worker may complete or retry it. */
  readonly leaseToken?: string;
  /** ISO 8601 UTC: the lease ends; after it another worker may claim the job. */
  readonly leaseUntil?: string;
}

/**
 * The writes of one (tenant, phone), applied together or not at all.
 *
 * Rules every adapter MUST follow:
 * - Everything written through one transaction becomes visible at once when `transact` resolves, and
 *   none of it when the callback or the commit throws.
 * - `claimKey` MUST be atomic: of any number of concurrent transactions claiming the same key in one
 *   tenant, exactly one receives `{ claimed: true }`; the others wait for it to commit and then
 *   receive `{ claimed: false, eventId }` naming its event (or claim it themselves if it rolled back).
 *   A check followed by an insert is not atomic.
 * - `chainHead` returns the head of this number's chain as the store keeps it apart from the events
 *   (with the status row), not derived from the newest stored event. It MUST NOT lock anything beyond
 *   what `transact` holds for the number: no tenant-wide lock, counter or head is in the write path.
 * - `append` MUST refuse an event whose `seq` is not the head's `seq + 1` or whose `prevHash` is not
 *   the head's hash, and MUST move the number's head to it in the same atomic step as the event. The
 *   ledger is append-only: no adapter offers an update or delete of an event.
 */
export interface PhoneTransaction {
  readonly tenantId: string;
  readonly phone: E164;
  /** This number's events, in any order. */
  events(): Promise<ConsentEvent[]>;
  /** Claims an idempotency key for `eventId` (see the rules above). */
  claimKey(key: string, eventId: string): Promise<KeyClaim>;
  /** The head of this number's chain (its newest event), or null before its first. */
  chainHead(): Promise<ChainHead | null>;
  /** Appends a sealed event (after `chainHead`). */
  append(event: ConsentEvent): Promise<void>;
  /** Replaces the status row of this number. */
  putStatus(row: StatusWrite): Promise<void>;
  /** Adds a job to the outbox, committed with the event that caused it. */
  enqueue(job: NewOutboxJob): Promise<void>;
}

/** Paging through the statuses of a tenant, ordered by phone. */
export interface StatusPage {
  readonly items: readonly StoredStatus[];
  /** Pass as `after` for the next page; absent on the last page. */
  readonly next?: string;
}

/**
 * A number's stored state as the audit reads it: its status row and the chain head kept with it
 * (null for a number that has only events of a migrated tenant chain).
 */
export interface NumberState {
  readonly phone: E164;
  readonly status: ConsentStatusValue;
  readonly since?: string;
  readonly causeEventId?: string;
  readonly lastEventId?: string;
  readonly head: ChainHead | null;
}

/** Where `readLedger` resumes: the last event the previous page ended with. */
export type LedgerCursor = Pick<ConsentEvent, 'phone' | 'seq' | 'id' | 'chain'>;

/** Paging through a tenant's rows ordered by phone. */
export interface PhonePaging {
  /** Only phones after this one. */
  readonly after?: string;
  readonly limit: number;
}

/** How a worker claims outbox jobs. */
export interface ClaimJobsOptions {
  readonly limit: number;
  /** How long the lease lasts; an unfinished job is claimable again after it. */
  readonly leaseMs: number;
  /** ISO 8601 UTC: the worker's now. */
  readonly now: string;
  /** Unique per claim; only its holder may complete or retry the job. */
  readonly leaseToken: string;
  readonly kind?: string;
  /** Only jobs of this tenant (every tenant when omitted). */
  readonly tenantId?: string;
}

/**
 * Storage for the consent ledger, the status of every number, idempotency keys and the outbox.
 * Every method returns a Promise.
 *
 * Tenant scoping fails closed: every method that takes a `tenantId` (and every `PhoneTransaction`)
 * MUST read and write only that tenant's rows and MUST NOT return another tenant's, whatever ids it
 * is given. The exceptions are stated on the methods themselves: the outbox worker methods
 * `claimJobs` and `listJobs` work across every tenant when no `tenantId` is given (and only on that
 * tenant's jobs when one is); `completeJob` and `retryJob` act on the job their lease token names;
 * `listTenants` lists every tenant.
 *
 * One tenant-id rule for every method: a tenant id is a string of 1 to 200 UTF-16
 * code units with no NUL and no unpaired surrogate. Every method that takes a `tenantId` (reads
 * included, and `claimJobs`/`listJobs` when one is given) MUST reject any other value with a
 * `ValidationError` (code `INVALID_INPUT`) before it reads or writes anything, so a bad id fails closed
 * in every store instead of reading an empty tenant.
 *
 * Rules every adapter MUST follow (proved by `runConsentStoreTests` from `sms-consent/testing`):
 * - `transact(tenant, phone, fn)` MUST serialize transactions of the same (tenant, phone): while one
 *   runs, another for the same number waits, across every process that shares the store. Under
 *   any number of concurrent writers no event is lost and the status row always equals the fold of
 *   the ledger.
 * - The event, its status row, its idempotency claim and its outbox jobs MUST be committed in one
 *   atomic step: after a failure nothing of the transaction is visible.
 * - Transient failures (lost connection, serialization failure, deadlock) MAY be retried by
 *   re-running `fn` from the start; `fn` is written to be re-run. (The PostgreSQL store also runs `fn`
 *   first against the chain it last saw and commits that run only if the chain has not moved; else
 *   the run is discarded, nothing of it written, and `fn` runs again on what the database holds.)
 *   Other failures MUST reject with a
 *   `ConsentError` (code `STORE_FAILURE`) carrying the original error as `cause`.
 * - Transactions of different numbers MUST NOT wait on each other: nothing tenant-wide is locked,
 *   counted or updated in the write path. (A store on one connection, as PGlite or a single `pg`
 *   Client, runs one transaction at a time by design; the suite's `serialTransactions` says so.)
 * - Under concurrent `claimJobs`, a job MUST be handed to exactly one worker until its lease ends.
 */
export interface ConsentStore {
  /** Runs `fn` in a transaction that holds the (tenant, phone) lock. */
  transact<T>(tenantId: string, phone: E164, fn: (tx: PhoneTransaction) => Promise<T>): Promise<T>;
  /**
   * Optional (bulk writers such as `backfill` use it when present): runs `fn` once per number, each
   * with its own {@link PhoneTransaction} and every number's lock held, all in ONE atomic transaction:
   * everything of every number becomes visible at once, or nothing when any callback or the commit
   * throws. What holds for `transact` holds for each number (serialized with every other writer of
   * it, append rules, claims). `phones` are distinct; the results come in their order. A store that
   * offers it spends a few round trips on the whole batch instead of a few per number.
   */
  transactMany?<T>(
    tenantId: string,
    phones: readonly E164[],
    fn: (tx: PhoneTransaction) => Promise<T>,
  ): Promise<T[]>;
  /** The status of one number, with the events it points to; null when the ledger has none. */
  getStatus(tenantId: string, phone: E164): Promise<StoredStatus | null>;
  /** The status of many numbers at once (absent: unknown). One or few round trips, not one per number. */
  getStatuses(tenantId: string, phones: readonly E164[]): Promise<Map<E164, ConsentStatusValue>>;
  /** Statuses of a tenant ordered by phone, optionally only one status value. */
  listStatuses(
    tenantId: string,
    options: { readonly status?: ConsentStatusValue; readonly after?: string; readonly limit: number },
  ): Promise<StatusPage>;
  /** The events of one number, in any order. */
  getEvents(tenantId: string, phone: E164): Promise<ConsentEvent[]>;
  /** One event by id, or null. */
  getEvent(tenantId: string, eventId: string): Promise<ConsentEvent | null>;
  /**
   * A page of the tenant's whole ledger in ledger order: first the events of a migrated tenant chain
   * (`chain: 'tenant'`) by `seq`, then every number's chain by phone, `seq` and id. Pass the last
   * event read as `after` for the next page; a short page is the last.
   */
  readLedger(
    tenantId: string,
    options: { readonly after?: LedgerCursor; readonly limit: number },
  ): Promise<ConsentEvent[]>;
  /** Every number's status row with its chain head, ordered by phone, paged. */
  readNumberStates(tenantId: string, options: PhonePaging): Promise<NumberState[]>;
  /**
   * The head of the tenant chain of a ledger written before per-number chains (schema 1 or 2), frozen when
   * the store was migrated and kept apart from the events; null for a tenant that has none.
   * Read-only: it MUST NOT lock anything.
   */
  getChainHead(tenantId: string): Promise<ChainHead | null>;
  /**
   * Copies the chain head of every number of the tenant into a snapshot named `checkpointId`, in one
   * atomic step: every head of one consistent moment, none half-written, while writers go on. Returns
   * how many numbers and events (the sum of their heads' `seq`) it holds. The snapshot is kept
   * append-only, like the ledger.
   */
  snapshotHeads(tenantId: string, checkpointId: string): Promise<{ numbers: number; events: number }>;
  /** A page of a snapshot's heads ordered by phone (empty for an unknown checkpoint). */
  readSnapshot(tenantId: string, checkpointId: string, options: PhonePaging): Promise<NumberHead[]>;
  /** Keeps a sealed checkpoint with the ledger (append-only: a second save of one id MUST fail). */
  saveCheckpoint(checkpoint: Checkpoint): Promise<void>;
  /** The tenant's checkpoints, newest first. */
  listCheckpoints(tenantId: string, options: { readonly limit: number }): Promise<Checkpoint[]>;
  /**
   * Uses up the pending confirmation of a number. Of concurrent callers with the same `text` before
   * its `until`, exactly one MUST receive true; every later call receives false.
   */
  consumeConfirmation(tenantId: string, phone: E164, text: string, now: string): Promise<boolean>;
  /**
   * Leases up to `limit` pending jobs whose `availableAt` has passed and whose lease, if any, has
   * ended, oldest first. With `tenantId`, only that tenant's jobs; without it, jobs of every tenant
   * (a worker serving all tenants).
   */
  claimJobs(options: ClaimJobsOptions): Promise<OutboxJob[]>;
  /** Removes a finished job; false when the lease was lost (another worker owns it now). */
  completeJob(jobId: string, leaseToken: string): Promise<boolean>;
  /** Releases a failed job for a later attempt, or marks it `dead`; false when the lease was lost. */
  retryJob(
    jobId: string,
    leaseToken: string,
    outcome: { readonly availableAt: string; readonly error: string; readonly dead?: boolean },
  ): Promise<boolean>;
  /** Jobs of a tenant (every tenant when omitted) in one state, oldest first, for reports. */
  listJobs(options: {
    readonly state: OutboxJob['state'];
    readonly tenantId?: string;
    readonly limit: number;
  }): Promise<OutboxJob[]>;
  /** Every tenant that has an event. */
  listTenants(): Promise<string[]>;
  /**
   * Queues a message for a person to review. MUST be idempotent by (`tenantId`, `key`): of any number
   * of concurrent calls with one key exactly one receives `added: true`; every call resolves to the
   * review stored under that key (the first one's), never a second copy.
   */
  addReview(review: NewReview): Promise<{ readonly added: boolean; readonly review: Review }>;
  /** One review of the tenant by id, or null. */
  getReview(tenantId: string, reviewId: string): Promise<Review | null>;
  /**
   * The tenant's reviews ordered by `dueBy`, then `id` (oldest due first), optionally in one state
   * and due before an instant; keyset-paged through `after`/`next`.
   */
  listReviews(tenantId: string, query: ReviewQuery): Promise<ReviewPage>;
  /**
   * Resolves a review in one conditional step: it sets the resolution of an open review, and an
   * `opt_out` resolution also replaces a `not_opt_out` one (an opt-out is recorded by then and the
   * review must say so); nothing replaces an `opt_out` resolution. Of concurrent callers on an open
   * review exactly one MUST win. Resolves to the review as stored afterwards (compare its resolution
   * with yours), or null when the tenant has no review with that id.
   */
  resolveReview(tenantId: string, reviewId: string, resolution: ReviewResolution): Promise<Review | null>;
  /** Releases connections the store opened itself. */
  close(): Promise<void>;
}
