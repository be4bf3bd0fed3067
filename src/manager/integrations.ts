import { type CrmImportOptions, type CrmImportResult, runCrmImport } from '../crm/import.js';
import type { CrmSetup } from '../crm/options.js';
import { type ReconcileOptions, type ReconcileResult, runReconcile } from '../crm/reconcile.js';
import { type CrmSyncResult, type CrmSyncRunOptions, runCrmSync } from '../crm/sync.js';
import { ConsentError } from '../errors.js';
import { createBackgroundLoop } from '../helpers/background-loop.js';
import {
  type BackfillOptions,
  type BackfillResult,
  type HistorySource,
  runBackfill,
} from '../ledger/backfill.js';
import type { ConsentContext } from '../ledger/context.js';
import type { ReviewQueue } from '../ledger/reviews.js';

/** The CRM and history operations of the consent manager. */
export interface ConsentIntegrations {
  /**
   * Works the CRM outbox once: claims the due `crm_sync` jobs under a lease, writes each number's
   * current status to every CRM contact with that number, and completes them; failures are retried
   * with backoff (honouring `Retry-After`) and, after `crmSync.maxAttempts`, kept as `dead` jobs.
   */
  sync(options?: CrmSyncRunOptions): Promise<CrmSyncResult>;
  /** Runs `sync()` in the background: now, then `crmSync.intervalMs` after each round. */
  start(): void;
  /** Stops the background sync; resolves when the round in progress has finished. */
  stop(): Promise<void>;
  /** Re-checks the CRM against the ledger and corrects drift (see `ReconcileOptions`). */
  reconcile(options?: ReconcileOptions): Promise<ReconcileResult>;
  /** Records the opt-outs found only in the CRM (`source: 'crm'`); needs the adapter's `listContacts`. */
  importFromCrm(options?: CrmImportOptions): Promise<CrmImportResult>;
  /** Replays message history through the rules of live handling (see `BackfillOptions`). */
  backfill(source: HistorySource, options?: BackfillOptions): Promise<BackfillResult>;
}

/** The CRM sync, reconcile and import of a manager, and its history backfill, on its context. */
export function createIntegrations(
  context: ConsentContext,
  crm: CrmSetup,
  reviews: Pick<ReviewQueue, 'queue'>,
): ConsentIntegrations {
  const requireCrm = (what: string): void => {
    if (!crm.configured) {
      throw new ConsentError('CONFIG', `${what}: no CRM configured (pass crm to createConsentManager)`);
    }
  };
  const sync = async (run?: CrmSyncRunOptions) => {
    requireCrm('sync');
    return runCrmSync(context, crm, run);
  };
  const loop = createBackgroundLoop(() => sync(), {
    intervalMs: crm.options.intervalMs,
    onError: crm.options.onError,
  });
  return {
    sync,
    start() {
      requireCrm('start');
      loop.start();
    },
    stop: () => loop.stop(),
    async reconcile(run) {
      requireCrm('reconcile');
      return runReconcile(context, crm, run);
    },
    async importFromCrm(run) {
      requireCrm('importFromCrm');
      return runCrmImport(context, crm, run);
    },
    backfill: (source, run) => runBackfill(context, reviews, source, run),
  };
}
