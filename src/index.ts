// The root entry is the documented API (DESIGN §2) and the types its calls take and return. What a
// storage adapter author needs beyond `ConsentStore` lives in `sms-consent/store`, what a CRM adapter
// author needs beyond `CrmAdapter` in `sms-consent/crm`; fakes and conformance suites in
// `sms-consent/testing`; everything else is internal.
export { type Classification, classifyMessage, type Policy } from './classify/index.js';
export type { AuditResult } from './consent/audit.js';
export { type Checkpoint, verifyCheckpointSignature } from './consent/checkpoint.js';
export { type ComposeState, composeState } from './consent/compose.js';
export type { OptOutRecord } from './consent/export.js';
export type { InboundMessage, RecordInput } from './consent/inputs.js';
export type { ConsentEvent, ConsentSource, ConsentStatus, ConsentStatusValue } from './consent/types.js';
export type { CrmAdapter, CrmResolver } from './crm/adapter.js';
export { CrmRequestError } from './crm/errors.js';
export {
  ConsentError,
  type ConsentErrorCode,
  ERROR_CODES,
  InvalidPhoneNumberError,
  OptedOutError,
  ValidationError,
} from './errors.js';
export { guardSend } from './guard-send.js';
export type { BackfillResult, HistoryMessage } from './ledger/backfill.js';
export {
  type ConsentChange,
  type ConsentManager,
  type ConsentManagerOptions,
  createConsentManager,
  type InboundResult,
  type RecordResult,
  type SendCheck,
} from './manager/manager.js';
export { type CountryCode, type E164, normalizePhone, tryNormalizePhone } from './phone.js';
export type { Review } from './review/types.js';
export type { ConsentStore } from './store/contract.js';
export { createMemoryStore } from './store/memory.js';
