import { forEachLimit } from '../helpers/each-limit.js';
import { groupByNumber } from '../helpers/group-by-number.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import type { ConsentContext } from '../ledger/context.js';
import type { OutboxJob } from '../store/contract.js';
import type { CrmAdapter, CrmConsentChange } from './adapter.js';
import { CrmRequestError } from './errors.js';
import type { CrmSetup } from './options.js';
import { CRM_SYNC_JOB, desiredCrmValue, type ResolvedCrmSyncOptions } from './options.js';

/** Options of `consent.sync()`. */
export interface CrmSyncRunOptions {
  /** Most jobs this call takes (default: every job due now). */
  readonly limit?: number;
  /** Only this tenant's jobs (default: every tenant's, each written through its own CRM). */
  readonly tenantId?: string;
}

/** A job that failed in this run: retried later, or `dead` when it ran out of attempts. */
export interface CrmSyncFailure {
  readonly jobId: string;
  readonly tenantId: string;
  readonly phone: string;
  /** Failed attempts so far, this one included. */
  readonly attempts: number;
  readonly error: string;
  /** Out of attempts: kept in the outbox as `dead` (see `store.listJobs({ state: 'dead' })`). */
  readonly dead: boolean;
  /** When it will be tried again (ISO 8601 UTC); absent for a dead job. */
  readonly retryAt?: string;
}

/** What one `consent.sync()` did. */
export interface CrmSyncResult {
  /** Jobs claimed from the outbox. */
  readonly claimed: number;
  /** Jobs completed after writing the number's contacts. */
  readonly synced: number;
  /** Jobs completed with nothing to write (status not propagated, or no CRM for the tenant). */
  readonly skipped: number;
  /** Jobs released for a later attempt. */
  readonly retried: number;
  /** Jobs marked dead in this run. */
  readonly dead: number;
  /** Jobs whose lease ran out before they finished (another worker owns them now). */
  readonly leaseLost: number;
  /** Contact writes made. */
  readonly contactsWritten: number;
  readonly failures: readonly CrmSyncFailure[];
}

/**
 * The delay before retry number `attempt` (1 for the first retry): exponential from `baseDelayMs`,
 * capped at `maxDelayMs`, with equal jitter (between half and all of it) so that workers do not
 * retry in lock step. A `Retry-After` the CRM sent wins: the job waits at least that long.
 *
 * @example
 * retryDelayMs(3, new Error('down'), options); // between 2 s and 4 s with a 1 s base
 */
export function retryDelayMs(
  attempt: number,
  error: unknown,
  options: Pick<ResolvedCrmSyncOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential / 2 + (options.random() * exponential) / 2;
  const retryAfter = error instanceof CrmRequestError ? error.retryAfterMs : undefined;
  const chosen =
    retryAfter === undefined ? jittered : retryAfter + options.random() * Math.min(1000, retryAfter / 10);
  return Math.max(1, Math.round(chosen));
}

/**
 * Works the `crm_sync` outbox: claims due jobs under a lease, groups them by number, writes the
 * number's **current** ledger status to every CRM contact with that number, and completes them.
 * A failed number's jobs are released with backoff, or marked dead after `maxAttempts`.
 */
export async function runCrmSync(
  context: ConsentContext,
  crm: CrmSetup,
  run: CrmSyncRunOptions = {},
): Promise<CrmSyncResult> {
  const { store } = context;
  const { options } = crm;
  const totals = {
    claimed: 0,
    synced: 0,
    skipped: 0,
    retried: 0,
    dead: 0,
    leaseLost: 0,
    contactsWritten: 0,
  };
  const failures: CrmSyncFailure[] = [];
  const seen = new Set<string>();
  const limit = run.limit ?? Number.POSITIVE_INFINITY;
  const batchSize = options.batchSize ?? 50;

  while (totals.claimed < limit) {
    const jobs = await store.claimJobs(
      omitUndefined({
        kind: CRM_SYNC_JOB,
        limit: Math.min(batchSize, limit - totals.claimed),
        leaseMs: options.leaseMs,
        now: context.clock.now().toISOString(),
        leaseToken: context.ids('lease'),
        tenantId: run.tenantId,
      }),
    );
    if (jobs.length === 0) break;
    totals.claimed += jobs.length;
    const again = jobs.some((job) => seen.has(job.id));
    for (const job of jobs) seen.add(job.id);

    const groups = groupByNumber(jobs);
    const concurrency = options.concurrency ?? defaultConcurrency(crm, jobs[0]?.tenantId);
    await forEachLimit(groups, concurrency, async (group) => {
      const outcome = await syncNumber(context, crm, group);
      if (outcome.ok) {
        for (const job of group) {
          if (await store.completeJob(job.id, job.leaseToken ?? '')) {
            if (outcome.written === undefined) totals.skipped++;
            else totals.synced++;
          } else {
            totals.leaseLost++;
          }
        }
        totals.contactsWritten += outcome.written ?? 0;
        return;
      }
      for (const job of group) {
        const attempts = job.attempts + 1;
        const dead = attempts >= options.maxAttempts;
        const retryAt = new Date(
          context.clock.now().getTime() + retryDelayMs(attempts, outcome.error, options),
        ).toISOString();
        const message = describe(outcome.error);
        if (
          !(await store.retryJob(job.id, job.leaseToken ?? '', {
            availableAt: retryAt,
            error: message,
            dead,
          }))
        ) {
          totals.leaseLost++;
          continue;
        }
        if (dead) totals.dead++;
        else totals.retried++;
        failures.push({
          jobId: job.id,
          tenantId: job.tenantId,
          phone: job.phone,
          attempts,
          error: message,
          dead,
          ...(dead ? {} : { retryAt }),
        });
      }
    });
    if (again || jobs.length < batchSize) break;
  }
  return { ...totals, failures };
}

type NumberOutcome = { ok: true; written: number | undefined } | { ok: false; error: unknown };

/** Writes one number's status to its contacts; `written` undefined means there was nothing to write. */
async function syncNumber(
  context: ConsentContext,
  crm: CrmSetup,
  jobs: readonly OutboxJob[],
): Promise<NumberOutcome> {
  const { tenantId, phone } = jobs[0] as OutboxJob;
  const adapter = crm.crmOf(tenantId);
  if (!adapter) return { ok: true, written: undefined };
  try {
    const status = await context.store.getStatus(tenantId, phone);
    const value = desiredCrmValue(status, crm.options);
    if (!status || value === undefined) return { ok: true, written: undefined };
    const change: CrmConsentChange = omitUndefined({
      tenantId,
      phone,
      status: value,
      reason: 'sync',
      since: status.since,
      ...(status.cause ? { eventId: status.cause.id, source: status.cause.source } : {}),
    });
    const contacts = await adapter.findContactsByPhone(phone);
    for (const contact of contacts) {
      await adapter.setSmsConsent(contact, change, {
        idempotencyKey: crmWriteKey(adapter, change, contact.id),
      });
    }
    return { ok: true, written: contacts.length };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The idempotency key of one CRM write: the same status written to the same contact. */
export function crmWriteKey(adapter: CrmAdapter, change: CrmConsentChange, contactId: string): string {
  return `${adapter.name}:${change.eventId ?? change.phone}:${change.status}:${contactId}`;
}

function defaultConcurrency(crm: CrmSetup, tenantId: string | undefined): number {
  const adapter = tenantId === undefined ? undefined : crm.crmOf(tenantId);
  return Math.max(1, Math.min(8, Math.floor(adapter?.rateLimit.requestsPerSecond ?? 1)));
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}
