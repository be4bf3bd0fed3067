/**
 * `sms-consent/crm`: what a CRM adapter author implements and builds with. The root entry exports
 * only `CrmAdapter`, `CrmResolver` and `CrmRequestError`; the contract's other types, the retry and
 * rate-limit helpers the ActiveCampaign adapter uses, and the types of the manager's CRM operations
 * live here. Prove an adapter with `runCrmAdapterTests` from `sms-consent/testing`.
 *
 * @module
 */
export type {
  CrmAdapter,
  CrmConsentChange,
  CrmConsentValue,
  CrmContact,
  CrmContactPage,
  CrmListOptions,
  CrmRateLimit,
  CrmResolver,
  CrmWriteOptions,
} from './adapter.js';
export { CrmRequestError, type CrmRequestErrorDetails, parseRetryAfter } from './errors.js';
export type { CrmImportOptions, CrmImportResult } from './import.js';
export { CRM_SYNC_JOB, type CrmCorrection, type CrmSyncOptions } from './options.js';
export { createRateLimiter, type RateLimiter, type RateLimiterOptions } from './rate-limit.js';
export type { ReconcileOptions, ReconcileResult } from './reconcile.js';
export type { CrmSyncFailure, CrmSyncResult, CrmSyncRunOptions } from './sync.js';
