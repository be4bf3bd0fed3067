import type { ConsentEvent, ConsentStatus } from '../consent/types.js';
import { ConsentError } from '../errors.js';
import { DEFAULT_TENANT } from '../helpers/tenant.js';
import type { JobsFor } from '../ledger/write.js';
import type { CrmAdapter, CrmResolver } from './adapter.js';

/** The outbox job kind of a CRM sync. */
export const CRM_SYNC_JOB = 'crm_sync';

/** A drift `reconcile` corrected in the CRM: logged with the contact id, never as a consent event. */
export interface CrmCorrection {
  readonly tenantId: string;
  readonly phone: string;
  readonly contactId: string;
  /** What the CRM held: a value, or `unknown` when the adapter cannot read it. */
  readonly from: 'opted_in' | 'opted_out' | 'unset' | 'unknown';
  readonly to: 'opted_in' | 'opted_out';
  /** The ledger event that justifies the value written. */
  readonly causeEventId?: string;
  /** When the correction was written (ISO 8601 UTC). */
  readonly at: string;
}

/** How the manager keeps the CRM in step (option `crmSync` of `createConsentManager`). */
export interface CrmSyncOptions {
  /** Propagate opt-outs (default true). */
  readonly optOuts?: boolean;
  /**
   * Propagate opt-ins too (default false): consent given to one sender is not consent for every
   * campaign, so by default the CRM only ever learns opt-outs.
   */
  readonly optIns?: boolean;
  /** Attempts before a job is marked `dead` (kept and reported, never dropped); default 20. */
  readonly maxAttempts?: number;
  /** First retry delay; doubles each attempt (default 1 s). */
  readonly baseDelayMs?: number;
  /** Longest retry delay (default 30 min). With the defaults a job survives ~2.5 h of outage or more. */
  readonly maxDelayMs?: number;
  /** How long a worker holds claimed jobs before another may take them (default 5 min). */
  readonly leaseMs?: number;
  /** Jobs claimed per round (default: the adapter's `batchSize`). */
  readonly batchSize?: number;
  /** Numbers synced at once (default: the adapter's requests per second, at most 8). */
  readonly concurrency?: number;
  /** Pause of the background loop when the outbox is empty (default 5 s). */
  readonly intervalMs?: number;
  /** Jitter source in [0, 1) (default `Math.random`); tests pin it. */
  readonly random?: () => number;
  /** Told of every drift `reconcile` corrects (the returned result lists them too). */
  readonly onCorrection?: (correction: CrmCorrection) => void;
  /** Receives failures of the background loop (default `console.error`). */
  readonly onError?: (error: unknown) => void;
}

/** The options of `createConsentManager` that set up its CRM. */
export interface CrmManagerOptions {
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
}

/** A manager's CRM, resolved once from its options. */
export interface CrmSetup {
  /** Whether a `crm` was given at all (sync, reconcile and import need one). */
  readonly configured: boolean;
  /** The CRM of a tenant, failing closed (see {@link crmResolver}). */
  readonly crmOf: CrmResolver;
  readonly options: ResolvedCrmSyncOptions;
  /** The one decision of what a written event enqueues: the app's own kinds plus `crm_sync`. */
  readonly jobsFor: JobsFor | undefined;
}

/** Resolves the CRM options of a manager once; `own` is the app's `jobsFor`. */
export function createCrmSetup(options: CrmManagerOptions, own: JobsFor | undefined): CrmSetup {
  const resolved = resolveCrmSyncOptions(options.crmSync);
  const fixed = typeof options.crm === 'object' ? options.crm : undefined;
  const crmOf = crmResolver(options.crm, options.crmTenants);
  return {
    configured: options.crm !== undefined,
    crmOf,
    options: { ...resolved, batchSize: resolved.batchSize ?? fixed?.batchSize },
    jobsFor: crmJobsFor(options.crm, crmOf, resolved, own),
  };
}

/** {@link CrmSyncOptions} with every default filled in. */
export interface ResolvedCrmSyncOptions {
  readonly optOuts: boolean;
  readonly optIns: boolean;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly leaseMs: number;
  readonly batchSize: number | undefined;
  readonly concurrency: number | undefined;
  readonly intervalMs: number;
  readonly random: () => number;
  readonly onCorrection: ((correction: CrmCorrection) => void) | undefined;
  readonly onError: (error: unknown) => void;
}

/** Fills in defaults and checks the numbers; a bad value is a `CONFIG` error at construction. */
export function resolveCrmSyncOptions(options: CrmSyncOptions = {}): ResolvedCrmSyncOptions {
  const positive = (name: keyof CrmSyncOptions, value: number | undefined, fallback: number) => {
    const chosen = value ?? fallback;
    if (!Number.isFinite(chosen) || chosen <= 0) {
      throw new ConsentError('CONFIG', `crmSync.${name} must be a positive number, got ${chosen}`);
    }
    return chosen;
  };
  return {
    optOuts: options.optOuts ?? true,
    optIns: options.optIns ?? false,
    maxAttempts: Math.floor(positive('maxAttempts', options.maxAttempts, 20)),
    baseDelayMs: positive('baseDelayMs', options.baseDelayMs, 1000),
    maxDelayMs: positive('maxDelayMs', options.maxDelayMs, 30 * 60 * 1000),
    leaseMs: positive('leaseMs', options.leaseMs, 5 * 60 * 1000),
    batchSize:
      options.batchSize === undefined ? undefined : Math.floor(positive('batchSize', options.batchSize, 1)),
    concurrency:
      options.concurrency === undefined
        ? undefined
        : Math.floor(positive('concurrency', options.concurrency, 1)),
    intervalMs: positive('intervalMs', options.intervalMs, 5000),
    random: options.random ?? Math.random,
    onCorrection: options.onCorrection,
    onError: options.onError ?? ((error) => console.error('sms-consent: CRM sync failed', error)),
  };
}

/**
 * The adapter of a tenant, failing closed: a fixed adapter serves only the tenants in `tenants`
 * (default `['default']`) and every other tenant has no CRM, so one tenant's changes never reach
 * another tenant's CRM account. A resolver function picks each tenant's CRM itself.
 *
 * @example
 * crmResolver(crm, ['firm-a'])('firm-b'); // undefined: firm-b has no CRM
 */
export function crmResolver(
  crm: CrmAdapter | CrmResolver | undefined,
  tenants: readonly string[] | undefined = undefined,
): CrmResolver {
  if (crm === undefined) return () => undefined;
  if (typeof crm === 'function') {
    if (tenants !== undefined) {
      throw new ConsentError(
        'CONFIG',
        'crmTenants applies to a fixed crm adapter; a crm function picks the CRM of each tenant itself',
      );
    }
    return crm;
  }
  const served = new Set(tenants ?? [DEFAULT_TENANT]);
  for (const tenant of served) {
    if (typeof tenant !== 'string' || tenant === '') {
      throw new ConsentError('CONFIG', `crmTenants must hold tenant ids, got ${JSON.stringify(tenant)}`);
    }
  }
  return (tenantId) => (served.has(tenantId) ? crm : undefined);
}

/**
 * The value the CRM should hold for a ledger status, or undefined when nothing is to be written:
 * opted-out numbers always (when opt-outs propagate), opted-in ones only when opt-ins propagate.
 */
export function desiredCrmValue(
  status: Pick<ConsentStatus, 'status'> | null | undefined,
  options: Pick<ResolvedCrmSyncOptions, 'optIns' | 'optOuts'>,
): 'opted_out' | 'opted_in' | undefined {
  if (status?.status === 'opted_out') return options.optOuts ? 'opted_out' : undefined;
  if (status?.status === 'opted_in') return options.optIns ? 'opted_in' : undefined;
  return undefined;
}

/**
 * The outbox job kinds an applied event enqueues: the app's own (`jobsFor`) plus `crm_sync` when the
 * event's tenant may have a CRM — for every applied opt-out (a repeated STOP re-asserts the CRM
 * field), and for opt-ins that changed the status when opt-ins propagate. With a fixed adapter only
 * the tenants it serves (`crmTenants`) get `crm_sync` jobs; with a resolver function every tenant
 * does, and the resolver decides at sync time. Undefined when there is nothing to enqueue.
 */
function crmJobsFor(
  crm: CrmAdapter | CrmResolver | undefined,
  crmOf: CrmResolver,
  sync: Pick<ResolvedCrmSyncOptions, 'optIns' | 'optOuts'>,
  own: JobsFor | undefined,
): JobsFor | undefined {
  if (crm === undefined) return own;
  const hasCrm = typeof crm === 'function' ? () => true : (tenantId: string) => crmOf(tenantId) !== undefined;
  const wanted = (event: ConsentEvent, changed: boolean): boolean =>
    event.applied &&
    (event.action === 'opt_out' ? sync.optOuts : sync.optIns && changed) &&
    hasCrm(event.tenantId);
  return (event, changed) => {
    const kinds = own?.(event, changed) ?? [];
    return wanted(event, changed) && !kinds.includes(CRM_SYNC_JOB) ? [...kinds, CRM_SYNC_JOB] : kinds;
  };
}
