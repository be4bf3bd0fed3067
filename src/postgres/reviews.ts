import { ConsentError } from '../errors.js';
import type { E164 } from '../phone.js';
import type { NewReview, Review, ReviewPage, ReviewQuery, ReviewResolution } from '../review/types.js';
import { parseReviewCursor, reviewCursor } from '../store/review-order.js';
import { read, type StoreContext, write } from './context.js';
import { isoText } from './schema.js';

interface ReviewRow {
  readonly tenant_id: string;
  readonly id: string;
  readonly key: string;
  readonly phone: string;
  readonly message_id: string | null;
  readonly body: string;
  readonly from_number: string;
  readonly to_number: string | null;
  readonly received_at: string;
  readonly due_by: string;
  readonly classification: Review['classification'] | string;
  readonly created_at: string;
  readonly state: Review['state'];
  readonly resolution: ReviewResolution | string | null;
}

const COLUMNS = `tenant_id, id, key, phone, message_id, body, from_number, to_number,
  ${isoText('received_at')} AS received_at, ${isoText('due_by')} AS due_by, classification,
  ${isoText('created_at')} AS created_at, state, resolution`;

/**
 * Queues a review with `INSERT … ON CONFLICT DO NOTHING` on (tenant, key): of concurrent callers one
 * inserts; the others wait for its commit and then read its row.
 */
export async function addReview(
  context: StoreContext,
  review: NewReview,
): Promise<{ added: boolean; review: Review }> {
  const { t } = context;
  const [inserted] = await write<ReviewRow>(
    context,
    `INSERT INTO ${t.reviews} (tenant_id, id, key, phone, message_id, body, from_number, to_number, received_at,
       due_by, classification, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::timestamptz, $10::timestamptz, $11::text::jsonb, $12::timestamptz)
     ON CONFLICT (tenant_id, key) DO NOTHING RETURNING ${COLUMNS}`,
    [
      review.tenantId,
      review.id,
      review.key,
      review.phone,
      review.messageId ?? null,
      review.body,
      review.from,
      review.to ?? null,
      review.receivedAt,
      review.dueBy,
      JSON.stringify(review.classification),
      review.createdAt,
    ],
  );
  if (inserted) return { added: true, review: toReview(inserted) };
  const [existing] = await read<ReviewRow>(
    context,
    `SELECT ${COLUMNS} FROM ${t.reviews} WHERE tenant_id = $1 AND key = $2`,
    [review.tenantId, review.key],
  );
  if (!existing)
    throw new ConsentError('STORE_FAILURE', `Review key ${review.key} conflicted but has no row`);
  return { added: false, review: toReview(existing) };
}

/** One review of a tenant, or null. */
export async function getReview(
  context: StoreContext,
  tenantId: string,
  reviewId: string,
): Promise<Review | null> {
  const [row] = await read<ReviewRow>(
    context,
    `SELECT ${COLUMNS} FROM ${context.t.reviews} WHERE tenant_id = $1 AND id = $2`,
    [tenantId, reviewId],
  );
  return row ? toReview(row) : null;
}

/** Keyset paging by (due_by, id). */
export async function listReviews(
  context: StoreContext,
  tenantId: string,
  query: ReviewQuery,
): Promise<ReviewPage> {
  const params: unknown[] = [tenantId];
  const filters = ['tenant_id = $1'];
  if (query.state !== undefined) {
    params.push(query.state);
    filters.push(`state = $${params.length}`);
  }
  if (query.dueBefore !== undefined) {
    params.push(query.dueBefore);
    filters.push(`due_by < $${params.length}::timestamptz`);
  }
  const after = query.after === undefined ? null : parseReviewCursor(query.after);
  if (after) {
    params.push(after.dueBy, after.id);
    filters.push(`(due_by, id) > ($${params.length - 1}::timestamptz, $${params.length}::text)`);
  }
  const limit = Math.max(0, Math.floor(query.limit));
  params.push(limit + 1);
  const rows = await read<ReviewRow>(
    context,
    `SELECT ${COLUMNS} FROM ${context.t.reviews} WHERE ${filters.join(' AND ')}
     ORDER BY due_by, id LIMIT $${params.length}`,
    params,
  );
  const items = rows.slice(0, limit).map(toReview);
  const last = items.at(-1);
  return rows.length > limit && last ? { items, next: reviewCursor(last) } : { items };
}

/** One conditional UPDATE (see the contract); then the row as it is. */
export async function resolveReview(
  context: StoreContext,
  tenantId: string,
  reviewId: string,
  resolution: ReviewResolution,
): Promise<Review | null> {
  const { t } = context;
  const [updated] = await write<ReviewRow>(
    context,
    `UPDATE ${t.reviews} SET state = 'resolved', resolution = $3::text::jsonb
     WHERE tenant_id = $1 AND id = $2
       AND (state = 'open' OR ($4::text = 'opt_out' AND resolution->>'decision' = 'not_opt_out'))
     RETURNING ${COLUMNS}`,
    [tenantId, reviewId, JSON.stringify(resolution), resolution.decision],
  );
  return updated ? toReview(updated) : getReview(context, tenantId, reviewId);
}

function toReview(row: ReviewRow): Review {
  const parse = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);
  const resolution = row.resolution === null ? null : parse(row.resolution);
  return {
    id: row.id,
    tenantId: row.tenant_id,
    phone: row.phone as E164,
    key: row.key,
    ...(row.message_id === null ? {} : { messageId: row.message_id }),
    body: row.body,
    from: row.from_number,
    ...(row.to_number === null ? {} : { to: row.to_number }),
    receivedAt: row.received_at,
    dueBy: row.due_by,
    classification: parse(row.classification),
    createdAt: row.created_at,
    state: row.state,
    ...(resolution === null ? {} : { resolution }),
  };
}
