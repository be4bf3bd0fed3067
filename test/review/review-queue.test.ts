import { createConsentManager, createMemoryStore, ValidationError } from 'sms-consent';
import { createFixedClock } from 'sms-consent/testing';
import { describe, expect, test } from 'vitest';

const LEAD = '+14155552671';
const FIRM = '+18005550100';

function setup() {
  const clock = createFixedClock('2026-03-02T14:03:22Z');
  const store = createMemoryStore();
  const consent = createConsentManager({ store, clock, defaultCountry: 'US' });
  return { clock, store, consent };
}

async function queued(
  consent: ReturnType<typeof setup>['consent'],
  body = 'Not interested',
  messageId = 'SM9',
) {
  const result = await consent.handleInbound({ from: LEAD, to: FIRM, body, messageId });
  if (!result.review) throw new Error(`${body} was not queued`);
  return result.review;
}

describe('review queue', () => {
  test('an undecided text changes nothing but waits in the queue with its FCC deadline', async () => {
    const { consent } = setup();
    const review = await queued(consent);
    expect(review).toMatchObject({
      state: 'open',
      body: 'Not interested',
      from: LEAD,
      to: FIRM,
      messageId: 'SM9',
      receivedAt: '2026-03-02T14:03:22.000Z',
      dueBy: '2026-03-16T14:03:22.000Z',
      classification: { intent: 'none', match: null },
    });
    expect((await consent.canSend(LEAD)).allowed).toBe(true);
    expect(await consent.history(LEAD)).toEqual([]);
    const plain = await consent.handleInbound({
      from: LEAD,
      to: FIRM,
      body: 'see you at 3',
      messageId: 'SM10',
    });
    expect(plain.review).toBeUndefined();
    expect((await consent.reviews()).items).toEqual([review]);
  });

  test('resolving as opt-out records an admin opt-out at the time the person asked, and explain says so', async () => {
    const { consent, clock } = setup();
    const review = await queued(consent, 'stop it');
    clock.advance(3 * 86_400_000);
    const result = await consent.resolveReview(review.id, {
      decision: 'opt_out',
      actor: 'ana@example.com',
      note: 'reads as stop',
    });
    expect(result.changed).toBe(true);
    expect(result.event).toMatchObject({
      action: 'opt_out',
      source: 'admin',
      occurredAt: '2026-03-02T14:03:22.000Z',
      recordedAt: '2026-03-05T14:03:22.000Z',
      evidence: { actor: 'ana@example.com', reviewId: review.id, messageId: 'SM9', body: 'stop it' },
    });
    expect(result.review.resolution).toMatchObject({ decision: 'opt_out', eventId: result.event?.id });
    expect((await consent.canSend(LEAD)).allowed).toBe(false);
    expect(await consent.explain(LEAD)).toBe(
      "Opted out since 2026-03-02 14:03:22 UTC: an admin by ana@example.com who reviewed the text 'stop it' (SM9) from +14155552671 to +18005550100 and resolved it as an opt-out ('reads as stop').",
    );
  });

  test('resolving twice the same way writes nothing new; an opt-out decision is final', async () => {
    const { consent } = setup();
    const review = await queued(consent);
    await consent.resolveReview(review.id, { decision: 'opt_out', actor: 'ana' });
    const again = await consent.resolveReview(review.id, { decision: 'opt_out', actor: 'ben' });
    expect(again.changed).toBe(false);
    expect(again.review.resolution?.actor).toBe('ana');
    expect(await consent.history(LEAD)).toHaveLength(1);
    await expect(consent.resolveReview(review.id, { decision: 'not_opt_out', actor: 'ben' })).rejects.toThrow(
      /opt-out stands/,
    );
  });

  test('a dismissed review can still become an opt-out; the queue then says so', async () => {
    const { consent } = setup();
    const review = await queued(consent);
    const dismissed = await consent.resolveReview(review.id, { decision: 'not_opt_out', actor: 'ana' });
    expect(dismissed.event).toBeUndefined();
    expect((await consent.canSend(LEAD)).allowed).toBe(true);
    const changed = await consent.resolveReview(review.id, { decision: 'opt_out', actor: 'ben' });
    expect(changed.review.resolution).toMatchObject({ decision: 'opt_out', actor: 'ben' });
    expect((await consent.canSend(LEAD)).allowed).toBe(false);
  });

  test('lists open and overdue reviews, oldest due first, in pages, per tenant', async () => {
    const { consent, clock } = setup();
    const first = await queued(consent, 'Not interested', 'SM1');
    clock.advance(86_400_000);
    const second = await queued(consent, 'stop it', 'SM2');
    await consent.handleInbound({ from: LEAD, body: 'Not interested', messageId: 'SM3', tenantId: 'other' });
    const page = await consent.reviews({ limit: 1 });
    expect(page.items).toEqual([first]);
    expect((await consent.reviews({ limit: 1, after: page.next ?? '' })).items).toEqual([second]);
    expect((await consent.reviews({ dueBefore: first.dueBy })).items).toEqual([]);
    clock.set('2026-03-16T20:00:00Z');
    expect((await consent.reviews({ state: 'open', dueBefore: clock.now() })).items).toEqual([first]);
    expect((await consent.reviews({ tenantId: 'other' })).items.map((item) => item.messageId)).toEqual([
      'SM3',
    ]);
  });

  test('bad input is a ValidationError, and another tenant cannot resolve a review', async () => {
    const { consent } = setup();
    const review = await queued(consent);
    await expect(
      consent.resolveReview(review.id, { decision: 'opt_out', actor: ' ' }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      consent.resolveReview(review.id, { decision: 'maybe' as 'opt_out', actor: 'ana' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      consent.resolveReview(review.id, { decision: 'opt_out', actor: 'ana', tenantId: 'other' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(consent.reviews({ dueBefore: 'not a date' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect((await consent.getStatus(LEAD)).status).toBe('unknown');
  });

  test('a text without a message id is queued once per content', async () => {
    const { consent } = setup();
    const message = { from: LEAD, body: 'Not interested', receivedAt: '2026-03-02T14:00:00Z' };
    const a = await consent.handleInbound(message);
    const b = await consent.handleInbound(message);
    expect(b.review).toEqual(a.review);
    expect((await consent.reviews()).items).toHaveLength(1);
  });
});

describe('backfill and import queue their review messages', () => {
  test('every undecided inbound text of the history is queued once, also across runs and live handling', async () => {
    const { consent } = setup();
    await consent.handleInbound({
      from: LEAD,
      to: FIRM,
      body: 'stop it',
      messageId: 'SMlive',
      receivedAt: '2026-02-01T10:00:00Z',
    });
    const history = [
      {
        id: 'SMlive',
        direction: 'inbound',
        from: LEAD,
        to: FIRM,
        body: 'stop it',
        sentAt: '2026-02-01T10:00:00Z',
      },
      {
        id: 'SMa',
        direction: 'inbound',
        from: '+14155550123',
        to: FIRM,
        body: 'Not interested',
        sentAt: '2026-02-20T10:00:00Z',
      },
      {
        id: 'SMb',
        direction: 'inbound',
        from: '+14155550124',
        to: FIRM,
        body: 'see you at 3',
        sentAt: '2026-02-20T11:00:00Z',
      },
      {
        id: 'SMc',
        direction: 'outbound',
        from: FIRM,
        to: '+14155550125',
        body: 'Not interested',
        sentAt: '2026-02-20T12:00:00Z',
      },
    ] as const;
    const first = await consent.backfill(history);
    expect(first).toMatchObject({ needsReview: 2, reviewsQueued: 1 });
    const again = await consent.backfill(history);
    expect(again).toMatchObject({ needsReview: 2, reviewsQueued: 0 });
    const { items } = await consent.reviews();
    expect(items.map((item) => [item.messageId, item.receivedAt, item.dueBy])).toEqual([
      ['SMlive', '2026-02-01T10:00:00.000Z', '2026-02-13T10:00:00.000Z'],
      ['SMa', '2026-02-20T10:00:00.000Z', '2026-03-06T10:00:00.000Z'],
    ]);
  });
});
