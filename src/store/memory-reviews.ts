import { assertTenantId } from '../helpers/tenant-id.js';
import type { NewReview, Review, ReviewPage, ReviewQuery, ReviewResolution } from '../review/types.js';
import type { ConsentStore } from './contract.js';
import { reviewCursor, supersedes } from './review-order.js';

/** The review queue of the memory store: per tenant, reviews by id and the id of each key. */
export interface MemoryReviewData {
  readonly byId: Map<string, Review>;
  readonly byKey: Map<string, string>;
}

/** The memory store's review queue methods, on maps the store owns. */
export function createMemoryReviews(
  tenants: Map<string, MemoryReviewData>,
): Pick<ConsentStore, 'addReview' | 'getReview' | 'listReviews' | 'resolveReview'> {
  const of = (tenantId: string): MemoryReviewData => {
    let data = tenants.get(tenantId);
    if (!data) {
      data = { byId: new Map(), byKey: new Map() };
      tenants.set(tenantId, data);
    }
    return data;
  };
  return {
    async addReview(review: NewReview) {
      assertTenantId(review.tenantId);
      const data = of(review.tenantId);
      const existing = data.byKey.get(review.key);
      const stored = existing === undefined ? undefined : data.byId.get(existing);
      if (stored) return { added: false, review: stored };
      const added: Review = { ...review, state: 'open' };
      data.byId.set(review.id, added);
      data.byKey.set(review.key, review.id);
      return { added: true, review: added };
    },
    async getReview(tenantId, reviewId) {
      assertTenantId(tenantId);
      return tenants.get(tenantId)?.byId.get(reviewId) ?? null;
    },
    async listReviews(tenantId, query: ReviewQuery): Promise<ReviewPage> {
      assertTenantId(tenantId);
      const all = [...(tenants.get(tenantId)?.byId.values() ?? [])]
        .filter(
          (review) =>
            (query.state === undefined || review.state === query.state) &&
            (query.dueBefore === undefined || Date.parse(review.dueBy) < Date.parse(query.dueBefore)) &&
            (query.after === undefined || reviewCursor(review) > query.after),
        )
        .sort((a, b) => (reviewCursor(a) < reviewCursor(b) ? -1 : 1));
      const limit = Math.max(0, Math.floor(query.limit));
      const items = all.slice(0, limit);
      const last = items.at(-1);
      return all.length > limit && last ? { items, next: reviewCursor(last) } : { items };
    },
    async resolveReview(tenantId, reviewId, resolution: ReviewResolution) {
      assertTenantId(tenantId);
      const data = tenants.get(tenantId);
      const review = data?.byId.get(reviewId);
      if (!data || !review) return null;
      if (!supersedes(review, resolution)) return review;
      const resolved: Review = { ...review, state: 'resolved', resolution };
      data.byId.set(reviewId, resolved);
      return resolved;
    },
  };
}
