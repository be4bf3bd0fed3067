import { createCrmSetup } from '../crm/options.js';
import { auditKeyOf, createAuditTrail } from '../ledger/audit-trail.js';
import {
  claimConfirmation,
  releaseReply,
  sendCheck,
  sendChecked,
  sendReply,
} from '../ledger/confirmation.js';
import {
  explainNumber,
  exportOptOutLines,
  historyOf,
  partitionRecipients,
  statusOf,
} from '../ledger/queries.js';
import { createReviewQueue } from '../ledger/reviews.js';
import { createContext } from './context.js';
import { handleInbound } from './inbound.js';
import { createIntegrations } from './integrations.js';
import { createListeners } from './listeners.js';
import { recordChange } from './record.js';
import type { ConsentManager, ConsentManagerOptions } from './types.js';

export type {
  ConsentChange,
  ConsentManager,
  ConsentManagerOptions,
  InboundResult,
  PartitionOptions,
  RecordResult,
  SendCheck,
  SendOptions,
  TenantOption,
} from './types.js';

/**
 * Creates the consent manager: records inbound texts and other consent changes in the store's
 * ledger, answers whether a number may be texted, explains and exports.
 *
 * This is the composition root: the CRM set-up, the listeners and the audit key are resolved from
 * the options, the one context (store, clock, ids, classifier, normalization, tenant rule, replies,
 * writer) is built from them, and every operation below is a module taking that context.
 *
 * @example
 * const consent = createConsentManager({ store: createMemoryStore(), defaultCountry: 'US' });
 * await consent.handleInbound({ from: '+14155552671', to: '+18005550100', body: 'STOP', messageId: 'SM1' });
 * await consent.canSend('(415) 555-2671'); // { allowed: false, status: 'opted_out', reason: 'opted_out' }
 */
export function createConsentManager(options: ConsentManagerOptions): ConsentManager {
  const crm = createCrmSetup(options, options.jobsFor);
  const listeners = createListeners(options);
  const auditKey = auditKeyOf(options.auditKey);
  const context = createContext(options, {
    jobsFor: crm.jobsFor,
    mac: auditKey?.mac,
    onWritten: listeners.notify,
  });
  const { store, normalize, tenantOf } = context;
  const reviews = createReviewQueue(context);

  return {
    normalize,
    handleInbound: (message) => handleInbound(context, reviews, message),
    record: (input) => recordChange(context, input),
    getStatus: async (phone, value) => statusOf(store, tenantOf(value), normalize(phone)),
    canSend: async (phone, value) => sendCheck(context, tenantOf(value), normalize(phone), value?.body),
    async assertCanSend(phone, value) {
      await claimConfirmation(context, tenantOf(value), normalize(phone), value?.body);
    },
    sendChecked: async (phone, value, send) => {
      const key = normalize(phone);
      return sendChecked(context, tenantOf(value), key, value?.body, () => send(key));
    },
    sendReply: (result, send) => sendReply(context, result, send),
    releaseReply: (result) => releaseReply(context, result),
    partitionRecipients: async (phones, value) =>
      partitionRecipients(
        store,
        tenantOf(value),
        phones,
        context.normalizeOptions,
        value?.alreadyNormalized === true,
      ),
    history: async (phone, value) => historyOf(store, tenantOf(value), normalize(phone)),
    explain: async (phone, value) => explainNumber(store, tenantOf(value), normalize(phone)),
    exportOptOuts: ({ format, pageSize = 1000, formulas = 'neutralize', ...value }) =>
      exportOptOutLines(store, tenantOf(value), format, pageSize, formulas),
    ...createAuditTrail(context, auditKey),
    ...createIntegrations(context, crm, reviews),
    reviews: (value) => reviews.reviews(value),
    resolveReview: (reviewId, input) => reviews.resolveReview(reviewId, input),
    onChange: (listener) => listeners.add(listener),
  };
}
