import { type Classification, createClassifier } from '../classify/index.js';
import { compactEvidence, inboundEvidence, inboundMessageKey } from '../consent/evidence.js';
import { explainStatus } from '../consent/explain.js';
import { createIdGenerator, systemClock } from '../consent/ids.js';
import {
  INBOUND_KEYS,
  type InboundMessage,
  parseInboundMessage,
  parseRecordInput,
  type RecordInput,
} from '../consent/inputs.js';
import { compareEvents } from '../consent/rules.js';
import type { ConsentSource, ConsentStatus } from '../consent/types.js';
import { ConsentError, OptedOutError, ValidationError } from '../errors.js';
import { DEFAULT_TENANT } from '../helpers/tenant.js';
import { assertTenantId, tenantIdProblem } from '../helpers/tenant-id.js';
import { toIso } from '../helpers/time.js';
import { auditKeyOf, createAuditTrail } from '../ledger/audit-trail.js';
import { exportOptOutLines, partitionRecipients } from '../ledger/queries.js';
import { createReviewQueue } from '../ledger/reviews.js';
import { type ApplyOutcome, applyEvent, type EventDraft } from '../ledger/write.js';
import { type E164, isCountryCode, normalizePhone } from '../phone.js';
import { createIntegrations } from './integrations.js';
import type {
  ConsentChange,
  ConsentManager,
  ConsentManagerOptions,
  SendCheck,
  SendOptions,
  TenantOption,
} from './types.js';

export type {
  ConsentChange,
  ConsentManager,
  ConsentManagerOptions,
  InboundResult,
  PartitionOptions,
  RecordResult,
  ReplyTexts,
  SendCheck,
  SendOptions,
  TenantOption,
} from './types.js';
export { DEFAULT_TENANT };

/** How long the one FCC-allowed confirmation may follow an opt-out (47 CFR 64.1200(a)(12)). */
export const CONFIRMATION_WINDOW_MS = 5 * 60 * 1000;

/** The default confirmation: no marketing, says how to come back. */
export const DEFAULT_OPT_OUT_CONFIRMATION =
  'You have been unsubscribed and will receive no more messages from us. Reply START to resubscribe.';

/**
 * Creates the consent manager: records inbound texts and other consent changes in the store's
 * ledger, answers whether a number may be texted, explains and exports.
 *
 * @example
 * const consent = createConsentManager({ store: createMemoryStore(), defaultCountry: 'US' });
 * await consent.handleInbound({ from: '+14155552671', to: '+18005550100', body: 'STOP', messageId: 'SM1' });
 * await consent.canSend('(415) 555-2671'); // { allowed: false, status: 'opted_out', reason: 'opted_out' }
 */
export function createConsentManager(options: ConsentManagerOptions): ConsentManager {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? createIdGenerator(clock);
  const classify = createClassifier({
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.languages ? { languages: options.languages } : {}),
    ...(options.keywords ? { keywords: options.keywords } : {}),
  });
  const replies = {
    optOutConfirmation: options.replies?.optOutConfirmation ?? DEFAULT_OPT_OUT_CONFIRMATION,
    optInConfirmation: options.replies?.optInConfirmation ?? false,
    help: options.replies?.help ?? false,
  };
  if (options.defaultCountry !== undefined && !isCountryCode(options.defaultCountry)) {
    throw new ConsentError(
      'CONFIG',
      `defaultCountry ${JSON.stringify(options.defaultCountry)} is not an ISO 3166-1 alpha-2 country code libphonenumber knows (e.g. 'US', 'GB')`,
    );
  }
  const normalizeOptions = options.defaultCountry ? { defaultCountry: options.defaultCountry } : {};
  const listeners = new Set<(change: ConsentChange) => void | Promise<void>>();
  if (options.onChange) listeners.add(options.onChange);
  const reportError =
    options.onError ?? ((error: unknown) => console.error('sms-consent: change listener failed', error));

  const normalize = (phone: string): E164 => normalizePhone(phone, normalizeOptions);
  // One tenant-id rule for reads and writes: a bad id fails closed instead of reading an empty tenant.
  const tenantOf = (value?: TenantOption): string => {
    const tenantId = value?.tenantId ?? DEFAULT_TENANT;
    assertTenantId(tenantId);
    return tenantId;
  };
  const auditKey = auditKeyOf(options.auditKey);
  const auditTrail = createAuditTrail({ store, clock, ids }, tenantOf, auditKey);
  const reviewQueue = createReviewQueue({
    store,
    clock,
    ids,
    defaultTenant: DEFAULT_TENANT,
    apply: (draft) => apply(draft),
  });

  const integrations = createIntegrations(
    {
      store,
      clock,
      ids,
      classify,
      normalizeOptions,
      defaultTenant: DEFAULT_TENANT,
      apply: (draft) => apply(draft),
      queueReview: (message, classification) => reviewQueue.queue(message, classification),
    },
    options,
  );

  function notify(outcome: ApplyOutcome): void {
    if (outcome.duplicate || !outcome.changed) return;
    const change: ConsentChange = {
      tenantId: outcome.event.tenantId,
      phone: outcome.event.phone,
      previous: outcome.previous,
      status: outcome.status,
      event: outcome.event,
      ...(outcome.event.evidence.wrongNumber === true ? { wrongNumber: true as const } : {}),
    };
    for (const listener of listeners) {
      try {
        const result: unknown = listener(change);
        if (result instanceof Promise) result.catch(reportError);
      } catch (error) {
        reportError(error);
      }
    }
  }

  async function apply(draft: EventDraft, allowConfirmation = false): Promise<ApplyOutcome> {
    const confirmationText = replies.optOutConfirmation;
    const outcome = await applyEvent(store, ids, clock, draft, {
      confirmationFor: (event, changed) => {
        if (!allowConfirmation || !changed || confirmationText === false || event.action !== 'opt_out') {
          return undefined;
        }
        // The window runs from the opt-out itself: a text delivered late gets no confirmation.
        const now = clock.now().getTime();
        const until = Math.min(Date.parse(event.occurredAt), now) + CONFIRMATION_WINDOW_MS;
        return until >= now ? { text: confirmationText, until: new Date(until).toISOString() } : undefined;
      },
      ...(integrations.jobsFor ? { jobsFor: integrations.jobsFor } : {}),
      ...(auditKey?.mac ? { mac: auditKey.mac } : {}),
    });
    notify(outcome);
    return outcome;
  }

  async function getStatus(phone: string, value?: TenantOption): Promise<ConsentStatus> {
    return statusOf(tenantOf(value), normalize(phone));
  }

  async function statusOf(tenantId: string, key: E164): Promise<ConsentStatus> {
    const stored = await store.getStatus(tenantId, key);
    if (!stored) return { tenantId, phone: key, status: 'unknown' };
    const { confirmation: _confirmation, ...status } = stored;
    return status;
  }

  async function canSend(phone: string, value?: SendOptions): Promise<SendCheck> {
    return sendCheck(tenantOf(value), normalize(phone), value?.body);
  }

  async function sendCheck(tenantId: string, key: E164, body: string | undefined): Promise<SendCheck> {
    const stored = await store.getStatus(tenantId, key);
    if (stored?.status !== 'opted_out') return { allowed: true, status: stored?.status ?? 'unknown' };
    const { confirmation } = stored;
    const isConfirmation =
      body !== undefined &&
      confirmation !== undefined &&
      confirmation.text === body &&
      clock.now().getTime() <= Date.parse(confirmation.until);
    return isConfirmation
      ? { allowed: true, status: 'opted_out', reason: 'opt_out_confirmation' }
      : { allowed: false, status: 'opted_out', reason: 'opted_out' };
  }

  function classifyInbound(message: InboundMessage): {
    classification: Classification;
    source: ConsentSource;
  } {
    const classification = classify(message.body);
    const signal = message.optOutType?.trim().toUpperCase();
    const intent =
      signal === 'STOP' ? 'opt_out' : signal === 'START' ? 'opt_in' : signal === 'HELP' ? 'help' : undefined;
    if (intent === undefined) return { classification, source: 'sms' };
    if (intent === classification.intent) {
      return { classification: { ...classification, providerBlocks: true }, source: 'sms' };
    }
    return {
      classification: {
        intent,
        match: 'exact',
        keyword: message.body.trim(),
        providerBlocks: true,
        rule: 'keyword',
      },
      source: 'provider',
    };
  }

  const manager: ConsentManager = {
    normalize,
    ...integrations.methods,

    async handleInbound(input) {
      const message = looksLikeInbound(input) ? input : parseInboundMessage(input);
      const tenantId = tenantOf(message);
      const phone = normalize(message.from);
      const { classification, source } = classifyInbound(message);
      const { intent, providerBlocks } = classification;
      const receivedAt =
        message.receivedAt === undefined
          ? clock.now().toISOString()
          : toIso(message.receivedAt, 'receivedAt', clock.now());
      if (intent !== 'opt_out' && intent !== 'opt_in') {
        const reply =
          intent === 'help' && !providerBlocks && replies.help !== false ? replies.help : undefined;
        const review = classification.needsReview
          ? (await reviewQueue.queue({ ...message, tenantId, phone, receivedAt }, classification)).review
          : undefined;
        return {
          ...classification,
          changed: false,
          duplicate: false,
          status: await statusOf(tenantId, phone),
          ...(reply === undefined ? {} : { reply }),
          ...(review === undefined ? {} : { review }),
        };
      }
      const outcome = await apply(
        {
          tenantId,
          phone,
          action: intent,
          source,
          occurredAt: receivedAt,
          evidence: inboundEvidence(message, classification),
          ...(message.messageId === undefined
            ? {}
            : { idempotencyKey: inboundMessageKey(message.messageId) }),
        },
        !providerBlocks,
      );
      const reply =
        intent === 'opt_out'
          ? outcome.pendingConfirmation && outcome.status.cause?.id === outcome.event.id
            ? outcome.pendingConfirmation.text
            : undefined
          : !providerBlocks && outcome.changed && replies.optInConfirmation !== false
            ? replies.optInConfirmation
            : undefined;
      return {
        ...classification,
        changed: outcome.changed,
        duplicate: outcome.duplicate,
        status: outcome.status,
        event: outcome.event,
        ...(reply === undefined ? {} : { reply }),
      };
    },

    async record(input) {
      const parsed = parseRecordInput(input);
      refuseImpersonation(parsed, classify);
      const evidence = compactEvidence({ ...parsed.evidence, actor: parsed.actor ?? parsed.evidence?.actor });
      const outcome = await apply({
        tenantId: tenantOf(parsed),
        phone: normalize(parsed.phone),
        action: parsed.action,
        source: parsed.source,
        occurredAt:
          parsed.occurredAt === undefined
            ? clock.now().toISOString()
            : toIso(parsed.occurredAt, 'occurredAt', clock.now()),
        evidence,
        ...(parsed.idempotencyKey === undefined ? {} : { idempotencyKey: parsed.idempotencyKey }),
      });
      return {
        event: outcome.event,
        applied: outcome.applied,
        ...(outcome.reason ? { reason: outcome.reason } : {}),
        changed: outcome.changed,
        duplicate: outcome.duplicate,
        status: outcome.status,
      };
    },

    getStatus,
    canSend,

    async assertCanSend(phone, value) {
      const tenantId = tenantOf(value);
      const key = normalize(phone);
      const check = await sendCheck(tenantId, key, value?.body);
      if (!check.allowed) throw new OptedOutError(key, tenantId);
      if (check.reason !== 'opt_out_confirmation' || value?.body === undefined) return;
      if (!(await store.consumeConfirmation(tenantId, key, value.body, clock.now().toISOString()))) {
        throw new OptedOutError(
          key,
          tenantId,
          `${key} has opted out of SMS; its one confirmation was already sent`,
        );
      }
    },

    partitionRecipients: async (phones, value) =>
      partitionRecipients(
        store,
        tenantOf(value),
        phones,
        normalizeOptions,
        value?.alreadyNormalized === true,
      ),

    async history(phone, value) {
      const events = await store.getEvents(tenantOf(value), normalize(phone));
      return events.sort(compareEvents);
    },

    async explain(phone, value) {
      const tenantId = tenantOf(value);
      const status = await statusOf(tenantId, normalize(phone));
      return explainStatus(status, await store.getEvents(tenantId, status.phone));
    },

    exportOptOuts: ({ format, pageSize = 1000, formulas = 'neutralize', ...value }) =>
      exportOptOutLines(store, tenantOf(value), format, pageSize, formulas),

    ...auditTrail,

    reviews: (value) => reviewQueue.reviews(value),
    resolveReview: (reviewId, input) => reviewQueue.resolveReview(reviewId, input),

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return manager;
}

function looksLikeInbound(input: unknown): input is InboundMessage {
  if (typeof input !== 'object' || input === null) return false;
  const message = input as Record<string, unknown>;
  return (
    Object.keys(message).every((key) => INBOUND_KEYS.has(key)) &&
    typeof message.from === 'string' &&
    typeof message.body === 'string' &&
    message.body.length <= 100_000 &&
    (message.messageId === undefined || isNonEmpty(message.messageId, 500)) &&
    (message.tenantId === undefined || tenantIdProblem(message.tenantId) === undefined) &&
    (message.to === undefined || typeof message.to === 'string') &&
    (message.optOutType === undefined || typeof message.optOutType === 'string') &&
    (message.accountId === undefined || typeof message.accountId === 'string') &&
    (message.receivedAt === undefined ||
      message.receivedAt instanceof Date ||
      typeof message.receivedAt === 'string' ||
      typeof message.receivedAt === 'number')
  );
}

function isNonEmpty(value: unknown, maxLength: number): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= maxLength;
}

/**
 * `record` is for changes that do not come from the person's own text: an `sms` or `provider` event
 * (the only sources that lift an opt-out) must name the message that proves it; an opt-in from them
 * must also carry that message's body, and is refused unless the body classifies as an opt-in under
 * the manager's own policy (a made-up message id cannot lift an opt-out); a refused delivery can only
 * ever opt out.
 */
function refuseImpersonation(input: RecordInput, classify: (body: string) => Classification): void {
  const fromPerson = input.source === 'sms' || input.source === 'provider';
  if (fromPerson && !input.evidence?.messageId) {
    throw new ValidationError(
      `Invalid record input: source '${input.source}' needs evidence.messageId (the person's own text); use handleInbound for inbound texts`,
      [{ path: 'evidence.messageId', message: `required with source '${input.source}'` }],
    );
  }
  if (fromPerson && input.action === 'opt_in') {
    const body = input.evidence?.body;
    const problem =
      body === undefined
        ? `required for an opt-in with source '${input.source}'`
        : classify(body).intent === 'opt_in'
          ? undefined
          : "does not classify as an opt-in under the manager's policy";
    if (problem !== undefined) {
      throw new ValidationError(
        `Invalid record input: evidence.body ${problem} (only the person's own opt-in text lifts an opt-out); use handleInbound for inbound texts`,
        [{ path: 'evidence.body', message: problem }],
      );
    }
  }
  if (input.source === 'delivery_error' && input.action === 'opt_in') {
    throw new ValidationError('Invalid record input: a delivery error can only opt out, not opt in', [
      { path: 'action', message: "must be 'opt_out' with source 'delivery_error'" },
    ]);
  }
}
