import type { Classification } from '../classify/index.js';
import type { Clock, IdGenerator } from '../consent/ids.js';
import type { ConsentEvent } from '../consent/types.js';
import type { CrmAdapter, CrmResolver } from '../crm/adapter.js';
import type { CrmContext } from '../crm/context.js';
import { type CrmImportOptions, type CrmImportResult, runCrmImport } from '../crm/import.js';
import { type CrmSyncOptions, crmJobsFor, crmResolver, resolveCrmSyncOptions } from '../crm/options.js';
import { type ReconcileOptions, type ReconcileResult, runReconcile } from '../crm/reconcile.js';
import { type CrmSyncResult, type CrmSyncRunOptions, runCrmSync } from '../crm/sync.js';
import { ConsentError } from '../errors.js';
import { createBackgroundLoop } from '../helpers/background-loop.js';
import {
  type BackfillContext,
  type BackfillOptions,
  type BackfillResult,
  type HistorySource,
  runBackfill,
} from '../ledger/backfill.js';
import type { ApplyOutcome, EventDraft } from '../ledger/write.js';
import { type NormalizeOptions, tryNormalizePhone } from '../phone.js';
import type { ConsentStore } from '../store/contract.js';

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

/** The manager options the integrations read. */
export interface IntegrationOptions {
  /**
   * The CRM to keep in step, or a function picking each tenant's CRM. A fixed adapter serves only
   * the tenants of `crmTenants`; a function returning `undefined` means the tenant has no CRM.
   */
  readonly crm?: CrmAdapter | CrmResolver;
  /**
   * The tenants a fixed `crm` adapter belongs to (default `['default']`). Tenancy fails closed: the
   * changes of any other tenant enqueue no CRM job and are never written to this adapter's account.
   * Only with a fixed adapter (a CONFIG error with a function, which decides itself).
   *
   * @example
   * createConsentManager({ store, crm: createActiveCampaignCrm({ ... }), crmTenants: ['bay-dental'] });
   */
  readonly crmTenants?: readonly string[];
  readonly crmSync?: CrmSyncOptions;
  readonly jobsFor?: (event: ConsentEvent, changed: boolean) => readonly string[];
}

/** The manager's parts the integrations use. */
export interface IntegrationParts {
  readonly store: ConsentStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly classify: (body: string) => Classification;
  readonly normalizeOptions: NormalizeOptions;
  readonly defaultTenant: string;
  readonly apply: (draft: EventDraft) => Promise<ApplyOutcome>;
  readonly queueReview: BackfillContext['queueReview'];
}

/**
 * Builds the CRM sync, reconcile, import and backfill of a manager, plus the outbox job kinds its
 * writes enqueue (the app's `jobsFor` and `crm_sync`).
 */
export function createIntegrations(
  parts: IntegrationParts,
  options: IntegrationOptions,
): {
  readonly methods: ConsentIntegrations;
  readonly jobsFor: ((event: ConsentEvent, changed: boolean) => readonly string[]) | undefined;
} {
  const resolved = resolveCrmSyncOptions(options.crmSync);
  const fixed = typeof options.crm === 'object' ? options.crm : undefined;
  const crmOf = crmResolver(options.crm, options.crmTenants);
  const context: CrmContext = {
    store: parts.store,
    clock: parts.clock,
    ids: parts.ids,
    crmOf,
    options: { ...resolved, batchSize: resolved.batchSize ?? fixed?.batchSize },
    normalize: (raw) => tryNormalizePhone(raw, parts.normalizeOptions),
    apply: parts.apply,
  };
  const requireCrm = (what: string): void => {
    if (options.crm === undefined) {
      throw new ConsentError('CONFIG', `${what}: no CRM configured (pass crm to createConsentManager)`);
    }
  };
  const sync = async (run?: CrmSyncRunOptions) => {
    requireCrm('sync');
    return runCrmSync(context, run);
  };
  const loop = createBackgroundLoop(() => sync(), {
    intervalMs: resolved.intervalMs,
    onError: resolved.onError,
  });
  return {
    jobsFor: crmJobsFor(options.crm, crmOf, resolved, options.jobsFor),
    methods: {
      sync,
      start() {
        requireCrm('start');
        loop.start();
      },
      stop: () => loop.stop(),
      async reconcile(run) {
        requireCrm('reconcile');
        return runReconcile(context, { ...run, tenantId: run?.tenantId ?? parts.defaultTenant });
      },
      async importFromCrm(run) {
        requireCrm('importFromCrm');
        return runCrmImport(context, { ...run, tenantId: run?.tenantId ?? parts.defaultTenant });
      },
      backfill: (source, run) =>
        runBackfill(
          {
            classify: parts.classify,
            normalize: (raw) => tryNormalizePhone(raw, parts.normalizeOptions),
            apply: parts.apply,
            queueReview: parts.queueReview,
            defaultTenant: parts.defaultTenant,
            now: () => parts.clock.now(),
          },
          source,
          run,
        ),
    },
  };
}
