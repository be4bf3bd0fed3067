/**
 * `sms-consent/store`: what a storage adapter author implements and writes events with. The root
 * entry exports only `ConsentStore` and `createMemoryStore`; every type the contract's methods take
 * and return lives here, with the memory store's raw data (for tests that look past the adapter) and
 * the sealing helpers an adapter's own tests write events with. Prove an adapter with
 * `runConsentStoreTests` from `sms-consent/testing`.
 *
 * @module
 */
export { type AuditResult, type ChainHead, hashEvent, sealEvent, verifyChain } from '../consent/audit.js';
export type { Checkpoint } from '../consent/checkpoint.js';
export { type Clock, createIdGenerator, type IdGenerator } from '../consent/ids.js';
export type { NumberHead } from '../consent/merkle.js';
export type {
  ConsentAction,
  ConsentEvent,
  ConsentEvidence,
  ConsentSource,
  ConsentStatus,
  ConsentStatusValue,
  NotAppliedReason,
  UnsealedEvent,
} from '../consent/types.js';
export type {
  NewReview,
  Review,
  ReviewClassification,
  ReviewDecision,
  ReviewPage,
  ReviewQuery,
  ReviewResolution,
} from '../review/types.js';
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
} from './contract.js';
export {
  createMemoryStore,
  type MemoryConsentStore,
  type MemoryStatusRow,
  type MemoryStoreInternals,
  type MemoryTenantData,
} from './memory.js';
