import { type Classification, type ClassifyOptions, createClassifier } from '../classify/index.js';
import { ConsentError, OptedOutError, ValidationError } from '../errors.js';
import { type CountryCode, type E164, isCountryCode, normalizePhone } from '../phone.js';
import type { ConsentStore } from '../store/contract.js';
import { type ApplyOutcome, applyEvent, type EventDraft } from './apply.js';
import type { AuditResult } from './audit.js';
import { compactEvidence, inboundEvidence, inboundMessageKey } from './evidence.js';
import { explainStatus } from './explain.js';
import type { ExportFormat } from './export.js';
import { type Clock, createIdGenerator, type IdGenerator, systemClock } from './ids.js';
import {
  type InboundMessage,
  parseInboundMessage,
  parseRecordInput,
  type RecordInput,
  toIso,
} from './inputs.js';
import { type ConsentIntegrations, createIntegrations, type IntegrationOptions } from './integrations.js';
import {
  exportOptOutLines,
  partitionRecipients,
  type RecipientPartition,
  verifyTenantLedger,
} from './queries.js';
import { compareEvents } from './rules.js';
import { DEFAULT_TENANT } from './tenant.js';
import type {
  ConsentEvent,
  ConsentSource,
  ConsentStatus,
  ConsentStatusValue,
  NotAppliedReason,
} from './types.js';

export { DEFAULT_TENANT };

/** How long the one FCC-allowed confirmation may follow an opt-out (47 CFR 64.1200(a)(12)). */
export const CONFIRMATION_WINDOW_MS = 5 * 60 * 1000;

/** Replies the manager hands back for the app to send. `false` turns one off. */
export interface ReplyTexts {
  /** Sent once after an opt-out the provider did not confirm itself. No marketing allowed. */
  readonly optOutConfirmation?: string | false;
  /** Sent after an opt-in keyword the provider did not confirm itself. */
  readonly optInConfirmation?: string | false;
  /** Sent after a help request the provider did not answer itself. */
  readonly help?: string | false;
}

/** The default confirmation: no marketing, says how to come back. */
export const DEFAULT_OPT_OUT_CONFIRMATION =
  'You have been unsubscribed and will receive no more messages from us. Reply START to resubscribe.';

/** A status change, as `onChange` listeners receive it (after the commit). */
export interface ConsentChange {
  readonly tenantId: string;
  readonly phone: E164;
  readonly previous: ConsentStatusValue;
  readonly status: ConsentStatus;
  readonly event: ConsentEvent;
}

/** Options of {@link createConsentManager}. */
export interface ConsentManagerOptions extends IntegrationOptions {
  readonly store: ConsentStore;
  /** Classification policy for inbound texts (default `reasonable`). */
  readonly policy?: ClassifyOptions['policy'];
  /** Extra keyword languages, e.g. `['es', 'fr']` (English is always on). */
  readonly languages?: ClassifyOptions['languages'];
  /** Custom keywords, added to the defaults. */
  readonly keywords?: ClassifyOptions['keywords'];
  /** Country of national-format numbers such as "(415) 555-2671". */
  readonly defaultCountry?: CountryCode;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly replies?: ReplyTexts;
  /** Called after every status change; errors it throws go to `onError`. */
  readonly onChange?: (change: ConsentChange) => void | Promise<void>;
  /** Receives errors of listeners (default: `console.error`). */
  readonly onError?: (error: unknown) => void;
  /** Outbox job kinds to enqueue with every applied change (the CRM sync sets `crm_sync`). */
  readonly jobsFor?: (event: ConsentEvent, changed: boolean) => readonly string[];
}

/** Options every per-number call takes. */
export interface TenantOption {
  readonly tenantId?: string;
}

/** What `handleInbound` decided about one text. */
export interface InboundResult extends Classification {
  /** Whether the number's status changed. */
  readonly changed: boolean;
  /** The provider delivered this message id before: nothing new was recorded. */
  readonly duplicate: boolean;
  readonly status: ConsentStatus;
  /** Text the app must send back now (the one allowed confirmation), if any. */
  readonly reply?: string;
  /** The event recorded (or, for a duplicate, recorded the first time). */
  readonly event?: ConsentEvent;
}

/** What `record` did. */
export interface RecordResult {
  readonly event: ConsentEvent;
  readonly applied: boolean;
  readonly reason?: NotAppliedReason;
  readonly changed: boolean;
  readonly duplicate: boolean;
  readonly status: ConsentStatus;
}

/** Whether a message may go out. */
export interface SendCheck {
  readonly allowed: boolean;
  readonly status: ConsentStatusValue;
  /** `opted_out` when refused; `opt_out_confirmation` when only the one confirmation is let through. */
  readonly reason?: 'opted_out' | 'opt_out_confirmation';
}

/** Options of `canSend` and `assertCanSend`. */
export interface SendOptions extends TenantOption {
  /** The text about to be sent: lets the one pending opt-out confirmation through. */
  readonly body?: string;
}

/** Options of `partitionRecipients`. */
export interface PartitionOptions extends TenantOption {
  /**
   * The numbers come from a store of keys this library normalized: inputs already in canonical E.164
   * form (`+` and digits) are looked up as they are instead of being parsed and validated again, which
   * makes a million-number check take about a second. Other inputs are still fully normalized.
   */
  readonly alreadyNormalized?: boolean;
}

/** The consent manager: every operation of the library on one store. */
export interface ConsentManager extends ConsentIntegrations {
  handleInbound(message: InboundMessage): Promise<InboundResult>;
  record(input: RecordInput): Promise<RecordResult>;
  getStatus(phone: string, options?: TenantOption): Promise<ConsentStatus>;
  canSend(phone: string, options?: SendOptions): Promise<SendCheck>;
  assertCanSend(phone: string, options?: SendOptions): Promise<void>;
  partitionRecipients(phones: Iterable<string>, options?: PartitionOptions): Promise<RecipientPartition>;
  history(phone: string, options?: TenantOption): Promise<ConsentEvent[]>;
  explain(phone: string, options?: TenantOption): Promise<string>;
  exportOptOuts(
    options: TenantOption & { readonly format: ExportFormat; readonly pageSize?: number },
  ): AsyncIterable<string>;
  verifyAuditTrail(options?: TenantOption): Promise<AuditResult>;
  /** Adds a change listener; returns the function that removes it. */
  onChange(listener: (change: ConsentChange) => void | Promise<void>): () => void;
  /** Normalizes with the manager's default country. */
  normalize(phone: string): E164;
  readonly store: ConsentStore;
  readonly clock: Clock;
  /**
   * Writes an already validated event, with no checks of its source: for this library's own
   * integrations (backfill, CRM import). Applications call `record` or `handleInbound`.
   * @internal
   */
  apply(draft: EventDraft): Promise<ApplyOutcome>;
}

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
  const tenantOf = (value?: TenantOption): string => value?.tenantId ?? DEFAULT_TENANT;
  const integrations = createIntegrations(
    {
      store,
      clock,
      ids,
      classify,
      normalizeOptions,
      defaultTenant: DEFAULT_TENANT,
      apply: (draft) => apply(draft),
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
      classification: { intent, match: 'exact', keyword: message.body.trim(), providerBlocks: true },
      source: 'provider',
    };
  }

  const manager: ConsentManager = {
    store,
    clock,
    normalize,
    apply: (draft) => apply(draft),
    ...integrations.methods,

    async handleInbound(input) {
      const message = looksLikeInbound(input) ? input : parseInboundMessage(input);
      const tenantId = tenantOf(message);
      const phone = normalize(message.from);
      const { classification, source } = classifyInbound(message);
      const { intent, providerBlocks } = classification;
      if (intent !== 'opt_out' && intent !== 'opt_in') {
        const reply =
          intent === 'help' && !providerBlocks && replies.help !== false ? replies.help : undefined;
        return {
          ...classification,
          changed: false,
          duplicate: false,
          status: await statusOf(tenantId, phone),
          ...(reply === undefined ? {} : { reply }),
        };
      }
      const outcome = await apply(
        {
          tenantId,
          phone,
          action: intent,
          source,
          occurredAt:
            message.receivedAt === undefined
              ? clock.now().toISOString()
              : toIso(message.receivedAt, 'receivedAt', clock.now()),
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
      refuseImpersonation(parsed);
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

    partitionRecipients: (phones, value) =>
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

    exportOptOuts: ({ format, pageSize = 1000, ...value }) =>
      exportOptOutLines(store, tenantOf(value), format, pageSize),

    verifyAuditTrail: (value) => verifyTenantLedger(store, tenantOf(value)),

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
    typeof message.from === 'string' &&
    typeof message.body === 'string' &&
    message.body.length <= 100_000 &&
    (message.messageId === undefined || isNonEmpty(message.messageId, 500)) &&
    (message.tenantId === undefined || isNonEmpty(message.tenantId, 200)) &&
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
 * (the only sources that lift an opt-out) must name the message that proves it, and a refused
 * delivery can only ever opt out.
 */
function refuseImpersonation(input: RecordInput): void {
  if ((input.source === 'sms' || input.source === 'provider') && !input.evidence?.messageId) {
    throw new ValidationError(
      `Invalid record input: source '${input.source}' needs evidence.messageId (the person's own text); use handleInbound for inbound texts`,
      [{ path: 'evidence.messageId', message: `required with source '${input.source}'` }],
    );
  }
  if (input.source === 'delivery_error' && input.action === 'opt_in') {
    throw new ValidationError('Invalid record input: a delivery error can only opt out, not opt in', [
      { path: 'action', message: "must be 'opt_out' with source 'delivery_error'" },
    ]);
  }
}
