export {
  type Classification,
  type ClassificationRule,
  type ClassifyOptions,
  type CustomKeywords,
  classifyMessage,
  createClassifier,
  DEFAULT_KEYWORDS,
  foldText,
  type Intent,
  type MatchKind,
  type Policy,
} from './classify/index.js';
export type { ApplyOutcome, EventDraft } from './consent/apply.js';
export {
  type AuditFinding,
  type AuditProblem,
  type AuditResult,
  type ChainHead,
  hashEvent,
  sealEvent,
  verifyChain,
} from './consent/audit.js';
export type { AuditKey, CheckpointSignature } from './consent/audit-key.js';
export type {
  AuditTrail,
  CheckpointSchedule,
  PeriodicCheckpointOptions,
  VerifyAuditTrailOptions,
} from './consent/audit-trail.js';
export type {
  BackfillOptions,
  BackfillProgress,
  BackfillResult,
  HistoryMessage,
  HistorySource,
} from './consent/backfill.js';
export { type Checkpoint, verifyCheckpointSignature } from './consent/checkpoint.js';
export {
  type ComposeState,
  type ComposeTexts,
  composeState,
  DEFAULT_COMPOSE_TEXTS,
} from './consent/compose.js';
export { describeEvent, explainStatus, formatUtc } from './consent/explain.js';
export { type CsvFormulas, EXPORT_COLUMNS, type ExportFormat, type OptOutRecord } from './consent/export.js';
export { type Clock, createIdGenerator, type IdGenerator, systemClock } from './consent/ids.js';
export type { InboundMessage, RecordInput, TimeInput } from './consent/inputs.js';
export type { ConsentIntegrations, IntegrationOptions } from './consent/integrations.js';
export {
  CONFIRMATION_WINDOW_MS,
  type ConsentChange,
  type ConsentManager,
  type ConsentManagerOptions,
  createConsentManager,
  DEFAULT_OPT_OUT_CONFIRMATION,
  DEFAULT_TENANT,
  type InboundResult,
  type PartitionOptions,
  type RecordResult,
  type ReplyTexts,
  type SendCheck,
  type SendOptions,
  type TenantOption,
} from './consent/manager.js';
export type { NumberHead } from './consent/merkle.js';
export type { RecipientPartition } from './consent/queries.js';
export {
  compareEvents,
  type FoldableEvent,
  type FoldResult,
  foldConsent,
  liftsOptOut,
} from './consent/rules.js';
export {
  CONSENT_SOURCES,
  type ConsentAction,
  type ConsentEvent,
  type ConsentEvidence,
  type ConsentSource,
  type ConsentStatus,
  type ConsentStatusValue,
  type NotAppliedReason,
  type UnsealedEvent,
} from './consent/types.js';
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
} from './crm/adapter.js';
export { CrmRequestError, type CrmRequestErrorDetails, parseRetryAfter } from './crm/errors.js';
export type { CrmImportOptions, CrmImportResult } from './crm/import.js';
export { CRM_SYNC_JOB, type CrmCorrection, type CrmSyncOptions } from './crm/options.js';
export { createRateLimiter, type RateLimiter, type RateLimiterOptions } from './crm/rate-limit.js';
export type { ReconcileOptions, ReconcileResult } from './crm/reconcile.js';
export type { CrmSyncFailure, CrmSyncResult, CrmSyncRunOptions } from './crm/sync.js';
export {
  ConsentError,
  type ConsentErrorCode,
  ERROR_CODES,
  InvalidPhoneNumberError,
  type InvalidPhoneReason,
  OptedOutError,
  ValidationError,
} from './errors.js';
export { type GuardableMessage, type GuardSendOptions, guardSend } from './guard-send.js';
export {
  type CountryCode,
  type E164,
  isE164,
  type NormalizeOptions,
  normalizePhone,
  tryNormalizePhone,
} from './phone.js';
export { federalHolidays, isBusinessDay, revocationDueBy } from './review/business-days.js';
export type { ResolveReviewInput, ResolveReviewResult, ReviewsOptions } from './review/queue.js';
export type {
  NewReview,
  Review,
  ReviewClassification,
  ReviewDecision,
  ReviewPage,
  ReviewQuery,
  ReviewResolution,
} from './review/types.js';
export type {
  ClaimJobsOptions,
  ConsentStore,
  KeyClaim,
  LedgerCursor,
  NewOutboxJob,
  NumberState,
  OutboxJob,
  PendingConfirmation,
  PhonePaging,
  PhoneTransaction,
  StatusPage,
  StatusWrite,
  StoredStatus,
} from './store/contract.js';
export {
  createMemoryStore,
  type MemoryConsentStore,
  type MemoryStatusRow,
  type MemoryStoreInternals,
  type MemoryTenantData,
} from './store/memory.js';
