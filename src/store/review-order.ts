import type { Review, ReviewResolution } from '../review/types.js';

/**
 * The paging key of a review: `dueBy` (fixed-width ISO text, so text order is time order), a space,
 * then the id. Every store orders and pages reviews by it.
 */
export function reviewCursor(review: Pick<Review, 'dueBy' | 'id'>): string {
  return `${review.dueBy} ${review.id}`;
}

/** Splits a cursor made by {@link reviewCursor}; null when it is not one. */
export function parseReviewCursor(cursor: string): { readonly dueBy: string; readonly id: string } | null {
  const space = cursor.indexOf(' ');
  if (space < 0) return null;
  return { dueBy: cursor.slice(0, space), id: cursor.slice(space + 1) };
}

/**
 * Whether `resolution` may replace the state of `review`: an open review takes any resolution; a
 * `not_opt_out` one only gives way to an `opt_out` (recorded meanwhile); an `opt_out` never changes.
 */
export function supersedes(review: Review, resolution: ReviewResolution): boolean {
  if (review.state === 'open') return true;
  return review.resolution?.decision === 'not_opt_out' && resolution.decision === 'opt_out';
}
