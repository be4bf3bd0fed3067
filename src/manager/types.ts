import type { Classification, ClassifyOptions } from '../classify/index.js';
import type { AuditKey } from '../consent/audit-key.js';
import type { CsvFormulas, ExportFormat } from '../consent/export.js';
import type { Clock, IdGenerator } from '../consent/ids.js';
import type { InboundMessage, RecordInput } from '../consent/inputs.js';
import type { ConsentEvent, ConsentStatus, ConsentStatusValue, NotAppliedReason } from '../consent/types.js';
import type { CrmManagerOptions } from '../crm/options.js';
import type { AuditTrail } from '../ledger/audit-trail.js';
import type { ReplyTexts, SendCheck } from '../ledger/confirmation.js';
import type { RecipientPartition } from '../ledger/queries.js';
import type { ResolveReviewInput, ResolveReviewResult, ReviewsOptions } from '../ledger/reviews.js';
import type { JobsFor } from '../ledger/write.js';
import type { CountryCode, E164 } from '../phone.js';
import type { Review, ReviewPage } from '../review/types.js';
import type { ConsentStore } from '../store/contract.js';
import type { ConsentIntegrations } from './integrations.js';

/** A status change, as `onChange` listeners receive it (after the commit). */
export interface ConsentChange {
  readonly tenantId: string;
  readonly phone: E164;
  readonly previous: ConsentStatusValue;
  readonly status: ConsentStatus;
  readonly event: ConsentEvent;
  /**
   * Set when the text that caused the change said the number is not the person's ("wrong number",
   * "I'm not Dwight"), so that an app can flag the lead's phone as wrong. Also in `event.evidence`.
   */
  readonly wrongNumber?: true;
}

/** Options of `createConsentManager`. */
export interface ConsentManagerOptions extends CrmManagerOptions {
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
  readonly jobsFor?: JobsFor;
  /**
   * Keys of the audit trail, from the app's configuration (never stored in the database): with a
   * secret every sealed event carries a MAC and checkpoints are signed; with an Ed25519 key pair the
   * checkpoints' signatures can be checked with the public key alone. See `AuditKey`.
   */
  readonly auditKey?: AuditKey;
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
  /**
   * Text the app must send back now, if any. The one opt-out confirmation is already claimed for this
   * result (in the store, in the opt-out's own write): of concurrent deliveries of one STOP exactly
   * one result carries it, and a redelivery while it is claimed carries none (it is sent, or being
   * sent). Send it with `sendReply` (or the send guard with this body), or put it back with
   * `releaseReply`; the claim lasts as long as this process, within the five-minute window.
   */
  readonly reply?: string;
  /** The event recorded (or, for a duplicate, recorded the first time). */
  readonly event?: ConsentEvent;
  /** The review a `needsReview` text is queued as (the same one when the provider delivers it again). */
  readonly review?: Review;
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

/** Options of `canSend` and `assertCanSend`. */
export interface SendOptions extends TenantOption {
  /**
   * The text about to be sent: lets the one opt-out confirmation through (the claim this manager's
   * `handleInbound` holds, or one put back in the store).
   */
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
export interface ConsentManager extends ConsentIntegrations, AuditTrail {
  handleInbound(message: InboundMessage): Promise<InboundResult>;
  /**
   * Records a consent change that is not an inbound text (admin, form, CRM, import, api). An `sms` or
   * `provider` event needs `evidence.messageId`, and an opt-in from them `evidence.body` that
   * classifies as an opt-in under the manager's policy; otherwise a `ValidationError`.
   */
  record(input: RecordInput): Promise<RecordResult>;
  getStatus(phone: string, options?: TenantOption): Promise<ConsentStatus>;
  canSend(phone: string, options?: SendOptions): Promise<SendCheck>;
  assertCanSend(phone: string, options?: SendOptions): Promise<void>;
  /**
   * Sends through the send guard: `send` (given the normalized number) runs only when
   * `assertCanSend(phone, options)` passes; when it fails after the one opt-out confirmation was let
   * through, that confirmation is put back, so a retry can still send it (within its window, while
   * the number is still opted out by the same opt-out). `guardSend` and `guardTwilioClient` send this way.
   *
   * @example
   * await consent.sendChecked(lead.phone, { body: result.reply }, (to) => sms.send({ to, body: result.reply }));
   */
  sendChecked<T>(phone: string, options: SendOptions, send: (phone: E164) => Promise<T>): Promise<T>;
  /**
   * Sends the reply of a `handleInbound` result: `send` gets the normalized number and the text. The
   * opt-out confirmation the result claimed goes out with no store call and only once; when `send`
   * fails it is put back (as `releaseReply` does), so a redelivery of the same text or a retry
   * through `sendChecked` can still send it. An opt-in or help reply goes through the send guard.
   * Resolves to what `send` returned, or undefined without calling it when there is nothing to send
   * (no reply, a claim already sent or put back, its window over, a reply the guard refuses).
   *
   * @example
   * const result = await consent.handleInbound(message);
   * await consent.sendReply(result, (to, body) => sms.send({ to, body }));
   */
  sendReply<T>(
    result: InboundResult,
    send: (phone: E164, body: string) => Promise<T>,
  ): Promise<T | undefined>;
  /**
   * Puts back the opt-out confirmation a `handleInbound` result claimed when it will not be sent
   * (the answer that would carry it failed, the app sends it elsewhere): it is pending in the store
   * again, within its window and while the number is still opted out by that opt-out, for a
   * redelivery of the same text or `sendChecked` with that body. True when it is pending again;
   * false when the result holds no claim (none, sent, already put back, window over).
   *
   * @example
   * const result = await consent.handleInbound(message);
   * if (!(await deliver(result.reply))) await consent.releaseReply(result);
   */
  releaseReply(result: InboundResult): Promise<boolean>;
  partitionRecipients(phones: Iterable<string>, options?: PartitionOptions): Promise<RecipientPartition>;
  history(phone: string, options?: TenantOption): Promise<ConsentEvent[]>;
  explain(phone: string, options?: TenantOption): Promise<string>;
  /**
   * Streams the tenant's opted-out numbers as CSV or JSON lines. CSV fields that would run as a
   * spreadsheet formula are neutralized unless `formulas: 'raw'` (a formula can run when the file is opened).
   */
  exportOptOuts(
    options: TenantOption & {
      readonly format: ExportFormat;
      readonly pageSize?: number;
      readonly formulas?: CsvFormulas;
    },
  ): AsyncIterable<string>;
  /**
   * The review queue: texts the classifier could not decide (`needsReview`), oldest due first, each
   * with `dueBy`, the FCC deadline of ten business days after it arrived. Paged (`next` → `after`).
   *
   * @example
   * const { items } = await consent.reviews({ state: 'open', dueBefore: new Date() }); // overdue
   */
  reviews(options?: ReviewsOptions): Promise<ReviewPage>;
  /**
   * Decides one review. `opt_out` records an admin opt-out citing the message, effective when the
   * message arrived (when the person asked), and `explain()` says so; `not_opt_out` dismisses it.
   * Resolving again the same way changes nothing; an `opt_out` decision is final.
   *
   * @example
   * await consent.resolveReview(review.id, { decision: 'opt_out', actor: 'ana@example.com' });
   */
  resolveReview(reviewId: string, input: ResolveReviewInput): Promise<ResolveReviewResult>;
  /** Adds a change listener; returns the function that removes it. */
  onChange(listener: (change: ConsentChange) => void | Promise<void>): () => void;
  /** Normalizes with the manager's default country. */
  normalize(phone: string): E164;
}

export type { ReplyTexts, SendCheck };
