import { createIdGenerator } from '../../consent/ids.js';
import type { E164 } from '../../phone.js';
import type { NewReview, ReviewResolution } from '../../review/types.js';
import { NOW, PHONE } from './fixtures.js';
import type { GroupKit } from './types.js';

/** A review of {@link PHONE} due at `dueBy`, keyed `key`. */
function newReview(
  ids: ReturnType<typeof createIdGenerator>,
  key: string,
  dueBy: string,
  tenantId = 'default',
): NewReview {
  return {
    id: ids('rev'),
    tenantId,
    phone: PHONE,
    key,
    messageId: key,
    body: 'Not interested',
    from: '(415) 555-2671',
    to: '+18005550100',
    receivedAt: NOW,
    dueBy,
    classification: { intent: 'none', match: null },
    createdAt: NOW,
  };
}

function resolution(decision: ReviewResolution['decision'], actor: string): ReviewResolution {
  return { decision, actor, resolvedAt: NOW };
}

/** The review queue: idempotent by key, tenant-scoped, paged oldest due first, resolved once. */
export function reviewTests({ define, expect, writers }: GroupKit): void {
  define('queues a message once per key, under concurrent calls too', async ({ store, inspector }) => {
    const ids = createIdGenerator();
    const attempts = Array.from({ length: Math.min(writers, 50) }, () =>
      store.addReview(newReview(ids, 'msg:SM1', '2026-03-16T14:00:00.000Z')),
    );
    const results = await Promise.all(attempts);
    expect(results.filter((result) => result.added)).toHaveLength(1);
    const first = results.find((result) => result.added)?.review;
    for (const result of results) expect(result.review).toEqual(first);
    expect(first).toMatchObject({ state: 'open', body: 'Not interested', from: '(415) 555-2671' });
    expect((await store.listReviews('default', { limit: 100 })).items).toEqual([first]);
    expect(await store.getReview('default', first?.id ?? '')).toEqual(first);
    if (inspector?.reviews) {
      expect(await inspector.reviews('default')).toEqual([{ id: first?.id, key: 'msg:SM1', state: 'open' }]);
    }
  });

  define('keeps each tenant’s reviews to itself', async ({ store }) => {
    const ids = createIdGenerator();
    const { review } = await store.addReview(newReview(ids, 'msg:SM1', '2026-03-16T14:00:00.000Z', 'firm-a'));
    const other = await store.addReview(newReview(ids, 'msg:SM1', '2026-03-16T14:00:00.000Z', 'firm-b'));
    expect(other.added).toBe(true);
    expect(other.review.id).not.toBe(review.id);
    expect(await store.getReview('firm-b', review.id)).toBeNull();
    expect(await store.resolveReview('firm-b', review.id, resolution('opt_out', 'mallory'))).toBeNull();
    expect((await store.getReview('firm-a', review.id))?.state).toBe('open');
    expect((await store.listReviews('firm-c', { limit: 10 })).items).toEqual([]);
    expect((await store.listReviews('firm-a', { limit: 10 })).items.map((item) => item.id)).toEqual([
      review.id,
    ]);
  });

  define('pages reviews oldest due first, by state and due date', async ({ store }) => {
    const ids = createIdGenerator();
    const due = (day: number) => `2026-03-${String(day).padStart(2, '0')}T14:00:00.000Z`;
    const days = [20, 12, 16, 12, 25, 13, 19, 12, 30, 14, 17];
    const queued = [];
    for (const [index, day] of days.entries()) {
      queued.push((await store.addReview(newReview(ids, `msg:SM${index}`, due(day)))).review);
    }
    const expected = [...queued].sort((a, b) =>
      a.dueBy === b.dueBy ? (a.id < b.id ? -1 : 1) : a.dueBy < b.dueBy ? -1 : 1,
    );
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await store.listReviews('default', { limit: 3, ...(after ? { after } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((item) => item.id));
      after = page.next;
    } while (after !== undefined);
    expect(seen).toEqual(expected.map((review) => review.id));

    const resolvedId = expected[1]?.id ?? '';
    await store.resolveReview('default', resolvedId, resolution('not_opt_out', 'ana'));
    const open = await store.listReviews('default', { state: 'open', dueBefore: due(16), limit: 100 });
    expect(open.items.map((item) => item.id)).toEqual(
      expected
        .filter((review) => review.dueBy < due(16) && review.id !== resolvedId)
        .map((review) => review.id),
    );
    const resolved = await store.listReviews('default', { state: 'resolved', limit: 100 });
    expect(resolved.items.map((item) => item.id)).toEqual([resolvedId]);
  });

  define(
    'resolves a review once; an opt-out replaces a dismissal, never the other way',
    async ({ store, inspector }) => {
      const ids = createIdGenerator();
      const { review } = await store.addReview(newReview(ids, 'msg:SM1', '2026-03-16T14:00:00.000Z'));
      const actors = Array.from({ length: Math.min(writers, 40) }, (_, index) => `admin-${index}`);
      const outcomes = await Promise.all(
        actors.map((actor) => store.resolveReview('default', review.id, resolution('not_opt_out', actor))),
      );
      const winner = outcomes[0]?.resolution?.actor;
      expect(actors).toContain(winner);
      for (const outcome of outcomes) expect(outcome?.resolution?.actor).toBe(winner);
      expect((await store.getReview('default', review.id))?.resolution?.actor).toBe(winner);
      if (inspector?.reviews) {
        expect(await inspector.reviews('default')).toEqual([
          { id: review.id, key: 'msg:SM1', state: 'resolved', decision: 'not_opt_out' },
        ]);
      }

      const optOut = { ...resolution('opt_out', 'ben'), eventId: 'evt_x' };
      expect((await store.resolveReview('default', review.id, optOut))?.resolution).toEqual(optOut);
      const again = await store.resolveReview('default', review.id, resolution('not_opt_out', 'cy'));
      expect(again?.resolution).toEqual(optOut);
      expect(await store.resolveReview('default', 'rev_missing', optOut)).toBeNull();
    },
  );

  define('handleInbound queues an undecided text with the ten-business-day deadline', async ({ consent }) => {
    const message = {
      from: '(415) 555-2671',
      to: '+18005550100',
      body: 'Not interested',
      messageId: 'SMreview1',
      receivedAt: '2026-03-02T13:00:00.000Z',
    };
    const first = await consent.handleInbound(message);
    const again = await consent.handleInbound(message);
    expect(first.needsReview).toBe(true);
    expect(again.review).toEqual(first.review);
    // Monday 2 March 2026 + 10 business days (no federal holiday between) = Monday 16 March.
    expect(first.review).toMatchObject({
      phone: PHONE as E164,
      dueBy: '2026-03-16T13:00:00.000Z',
      state: 'open',
    });
    const { items } = await consent.reviews({ state: 'open' });
    expect(items).toEqual([first.review]);
    const resolved = await consent.resolveReview(first.review?.id ?? '', {
      decision: 'opt_out',
      actor: 'ana',
    });
    expect(resolved.event).toMatchObject({ source: 'admin', occurredAt: message.receivedAt });
    expect((await consent.canSend(PHONE)).allowed).toBe(false);
    expect((await consent.reviews({ state: 'open' })).items).toEqual([]);
  });
}
