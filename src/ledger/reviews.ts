import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Classification } from '../classify/index.js';
import { compactEvidence } from '../consent/evidence.js';
import type { TimeInput } from '../consent/inputs.js';
import type { ConsentEvent, ConsentStatus } from '../consent/types.js';
import { ConsentError, ValidationError } from '../errors.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import { timeOf } from '../helpers/time.js';
import { parseOrThrow } from '../helpers/validation.js';
import type { E164 } from '../phone.js';
import { revocationDueBy } from '../review/business-days.js';
import type { Review, ReviewClassification, ReviewDecision, ReviewPage } from '../review/types.js';
import type { ConsentContext } from './context.js';
import { storableEvidence } from './write.js';

/** Options of `consent.reviews()`. */
export interface ReviewsOptions {
  readonly tenantId?: string;
  /** `open` (waiting for a person) or `resolved`; both when omitted. */
  readonly state?: Review['state'];
  /** Only reviews due before this instant: pass now for the overdue ones. */
  readonly dueBefore?: TimeInput;
  /** The `next` of the previous page. */
  readonly after?: string;
  /** Reviews per page (default 100, at most 1000). */
  readonly limit?: number;
}

/** What an admin decided about a review, as `consent.resolveReview()` takes it. */
export interface ResolveReviewInput {
  readonly tenantId?: string;
  /** `opt_out`: the message was a revocation; `not_opt_out`: it was not (dismiss). */
  readonly decision: ReviewDecision;
  /** Who decided (an email, a user id); kept in the record. */
  readonly actor: string;
  readonly note?: string;
}

/** What `consent.resolveReview()` did. */
export interface ResolveReviewResult {
  /** The review as stored now. */
  readonly review: Review;
  /** False when the review was already resolved this way (nothing new was written). */
  readonly changed: boolean;
  /** The admin opt-out recorded for an `opt_out` decision (effective when the message arrived). */
  readonly event?: ConsentEvent;
  /** The number's status after the decision. */
  readonly status?: ConsentStatus;
}

/** An inbound text the classifier flagged for review. */
export interface ReviewMessage {
  readonly tenantId: string;
  readonly phone: E164;
  readonly messageId?: string | undefined;
  readonly body: string;
  readonly from: string;
  readonly to?: string | undefined;
  /** ISO 8601 UTC. */
  readonly receivedAt: string;
}

/** The review queue of a manager. */
export interface ReviewQueue {
  /** Queues a message (idempotent by message id, else by its content); returns the stored review. */
  queue(
    message: ReviewMessage,
    classification: Classification,
  ): Promise<{ readonly added: boolean; readonly review: Review }>;
  reviews(options?: ReviewsOptions): Promise<ReviewPage>;
  resolveReview(reviewId: string, input: ResolveReviewInput): Promise<ResolveReviewResult>;
}

const resolveSchema = z.object({
  tenantId: z.unknown().optional(),
  decision: z.enum(['opt_out', 'not_opt_out']),
  actor: z.string().trim().min(1, 'name who decided').max(200),
  note: z.string().max(1000).optional(),
});

const reviewsSchema = z.object({
  tenantId: z.unknown().optional(),
  state: z.enum(['open', 'resolved']).optional(),
  dueBefore: z.union([z.date(), z.string().min(1), z.number().finite()]).optional(),
  after: z.string().max(500).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});

/**
 * The review queue: every inbound text the classifier could not decide (`needsReview`) is kept with
 * the FCC deadline (`dueBy`, ten business days after it arrived) until an admin decides it. An
 * `opt_out` decision records an admin opt-out citing the message, effective when it arrived.
 */
export function createReviewQueue(
  parts: Pick<ConsentContext, 'store' | 'clock' | 'ids' | 'tenantOf' | 'write'>,
): ReviewQueue {
  const { store } = parts;
  return {
    async queue(message, classification) {
      const text = storableEvidence(
        compactEvidence({
          body: message.body,
          from: message.from,
          to: message.to,
          messageId: message.messageId,
        }),
      );
      return store.addReview(
        omitUndefined({
          id: parts.ids('rev'),
          tenantId: message.tenantId,
          phone: message.phone,
          key: reviewKey(message),
          messageId: text.messageId,
          body: text.body ?? '',
          from: text.from ?? message.from,
          to: text.to,
          receivedAt: message.receivedAt,
          dueBy: revocationDueBy(new Date(message.receivedAt)).toISOString(),
          classification: reviewClassification(classification),
          createdAt: parts.clock.now().toISOString(),
        }),
      );
    },

    async reviews(options = {}) {
      const parsed = parseOrThrow(reviewsSchema, options, { heading: 'Invalid reviews input' });
      const dueBefore = parsed.dueBefore === undefined ? undefined : instant(parsed.dueBefore);
      const tenantId = parts.tenantOf(parsed);
      return store.listReviews(
        tenantId,
        omitUndefined({ limit: parsed.limit ?? 100, state: parsed.state, dueBefore, after: parsed.after }),
      );
    },

    resolveReview: (reviewId, input) => resolveOne(parts, reviewId, input),
  };
}

/**
 * Decides one review: `not_opt_out` dismisses it; `opt_out` records an admin opt-out citing the
 * message, effective when it arrived. An `opt_out` decision is final.
 */
async function resolveOne(
  parts: Pick<ConsentContext, 'store' | 'clock' | 'tenantOf' | 'write'>,
  reviewId: string,
  input: ResolveReviewInput,
): Promise<ResolveReviewResult> {
  const { store } = parts;
  const parsed = parseOrThrow(resolveSchema, input, { heading: 'Invalid resolveReview input' });
  const tenantId = parts.tenantOf(parsed);
  const review = await store.getReview(tenantId, reviewId);
  if (!review) {
    throw new ValidationError(`No review ${JSON.stringify(reviewId)} in tenant ${tenantId}`, [
      { path: 'reviewId', message: 'not found' },
    ]);
  }
  if (review.resolution?.decision === parsed.decision) return { review, changed: false };
  if (review.resolution?.decision === 'opt_out') {
    throw new ValidationError(
      `Review ${reviewId} was resolved as an opt-out by ${review.resolution.actor}: the opt-out stands (only a text from the person lifts it)`,
      [{ path: 'decision', message: 'already resolved as opt_out' }],
    );
  }
  const resolvedAt = parts.clock.now().toISOString();
  if (parsed.decision === 'not_opt_out') {
    const stored = await store.resolveReview(
      tenantId,
      reviewId,
      omitUndefined({ decision: 'not_opt_out', actor: parsed.actor, resolvedAt, note: parsed.note }),
    );
    return settled(stored, 'not_opt_out');
  }
  // The opt-out is written first, keyed by the review: if the resolution below fails, resolving
  // again finds it as a duplicate and finishes, so the queue never says opt-out without one.
  const outcome = await parts.write({
    tenantId,
    phone: review.phone,
    action: 'opt_out',
    source: 'admin',
    occurredAt: review.receivedAt,
    evidence: compactEvidence({
      actor: parsed.actor,
      note: parsed.note,
      reviewId: review.id,
      messageId: review.messageId,
      body: review.body,
      from: review.from,
      to: review.to,
    }),
    idempotencyKey: `review:${review.id}`,
  });
  const stored = await store.resolveReview(
    tenantId,
    reviewId,
    omitUndefined({
      decision: 'opt_out',
      actor: parsed.actor,
      resolvedAt,
      eventId: outcome.event.id,
      note: parsed.note,
    }),
  );
  return { ...settled(stored, 'opt_out'), event: outcome.event, status: outcome.status };
}

function settled(stored: Review | null, decision: ReviewDecision): ResolveReviewResult {
  if (!stored) throw new ConsentError('STORE_FAILURE', 'The review disappeared while it was resolved');
  if (stored.resolution?.decision !== decision) {
    throw new ValidationError(
      `Review ${stored.id} was resolved as ${stored.resolution?.decision} by ${stored.resolution?.actor} meanwhile`,
      [{ path: 'decision', message: 'resolved concurrently' }],
    );
  }
  return { review: stored, changed: true };
}

/** The idempotency key of a review: the message id, or a digest of the message when it has none. */
function reviewKey(message: ReviewMessage): string {
  if (message.messageId !== undefined) return `msg:${message.messageId}`;
  const digest = createHash('sha256')
    .update(JSON.stringify([message.phone, message.to ?? null, message.receivedAt, message.body]))
    .digest('hex');
  return `body:${digest}`;
}

function reviewClassification(classification: Classification): ReviewClassification {
  const extra = classification as Classification & { readonly rule?: string };
  return omitUndefined({
    intent: classification.intent,
    match: classification.match,
    keyword: classification.keyword,
    language: classification.language,
    ...(typeof extra.rule === 'string' ? { rule: extra.rule } : {}),
  });
}

function instant(value: TimeInput): string {
  const time = timeOf(value);
  if (time === undefined) {
    throw new ValidationError('Invalid reviews options: dueBefore is not a time', [
      { path: 'dueBefore', message: 'not a time' },
    ]);
  }
  return new Date(time).toISOString();
}
