import type { Intent, MatchKind } from '../classify/index.js';
import type { E164 } from '../phone.js';

/** What the classifier said about a message it could not decide, as the review queue keeps it. */
export interface ReviewClassification {
  readonly intent: Intent;
  readonly match: MatchKind | null;
  readonly keyword?: string;
  readonly language?: string;
  readonly rule?: string;
}

/** How an admin decided a review: the message was a revocation (`opt_out`) or it was not. */
export type ReviewDecision = 'opt_out' | 'not_opt_out';

/** A review as it is queued, before anyone decides it. */
export interface NewReview {
  /** Prefixed, time-ordered (`rev_…`). */
  readonly id: string;
  readonly tenantId: string;
  /** The person's number, normalized. */
  readonly phone: E164;
  /**
   * Once per tenant: `msg:<provider message id>`, or a digest of the message when it has no id. A
   * second queueing with the same key is a no-op.
   */
  readonly key: string;
  readonly messageId?: string;
  readonly body: string;
  /** The number as the provider sent it. */
  readonly from: string;
  readonly to?: string;
  /** When the message arrived, ISO 8601 UTC: when the person asked. */
  readonly receivedAt: string;
  /** The FCC deadline: ten business days after `receivedAt`, ISO 8601 UTC. */
  readonly dueBy: string;
  readonly classification: ReviewClassification;
  /** When the review was queued, ISO 8601 UTC. */
  readonly createdAt: string;
}

/** How a review was resolved. */
export interface ReviewResolution {
  readonly decision: ReviewDecision;
  /** Who decided (an email, a user id). */
  readonly actor: string;
  readonly note?: string;
  /** ISO 8601 UTC. */
  readonly resolvedAt: string;
  /** The admin opt-out recorded for an `opt_out` decision. */
  readonly eventId?: string;
}

/** A message in the review queue. */
export interface Review extends NewReview {
  readonly state: 'open' | 'resolved';
  readonly resolution?: ReviewResolution;
}

/** Which reviews a list returns. */
export interface ReviewQuery {
  readonly state?: Review['state'];
  /** ISO 8601 UTC: only reviews due before this instant (e.g. now, for the overdue ones). */
  readonly dueBefore?: string;
  /** The `next` of the previous page. */
  readonly after?: string;
  readonly limit: number;
}

/** A page of reviews, oldest due first (ties by id). */
export interface ReviewPage {
  readonly items: readonly Review[];
  /** Pass as `after` for the next page; absent on the last page. */
  readonly next?: string;
}
