import type { ConsentEvent, Review } from 'sms-consent';
import type { Message } from './data.js';

/** One line of a thread: a text, or a consent event shown between the texts. */
export type TimelineEntry =
  | { readonly kind: 'message'; readonly message: Message; readonly confirmation: boolean }
  | { readonly kind: 'event'; readonly event: ConsentEvent }
  | { readonly kind: 'review'; readonly review: Review };

/**
 * The thread in the person's order: the texts by time, each consent event right after the text that
 * caused it (same message id), and events with no text of their own (a form, an admin, a refused
 * delivery) at their own time; a text waiting for review gets a marker right after it.
 */
export function buildTimeline(
  messages: readonly Message[],
  events: readonly ConsentEvent[],
  confirmationText: string,
  reviews: readonly Review[] = [],
): TimelineEntry[] {
  const reviewOf = new Map(
    reviews.flatMap((review) => (review.messageId ? [[review.messageId, review]] : [])),
  );
  const bySid = new Map<string, ConsentEvent[]>();
  const loose: ConsentEvent[] = [];
  const sids = new Set(messages.flatMap((message) => (message.sid ? [message.sid] : [])));
  for (const event of events) {
    const sid = event.evidence.messageId;
    if (sid !== undefined && sids.has(sid) && event.source !== 'admin') {
      const list = bySid.get(sid) ?? [];
      list.push(event);
      bySid.set(sid, list);
    } else loose.push(event);
  }
  const entries: { readonly at: number; readonly order: number; readonly entry: TimelineEntry }[] = [];
  const sorted = [...messages].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const message of sorted) {
    const at = Date.parse(message.at);
    const confirmation = message.direction === 'outbound' && message.body === confirmationText;
    entries.push({ at, order: entries.length, entry: { kind: 'message', message, confirmation } });
    for (const event of bySid.get(message.sid ?? '') ?? []) {
      entries.push({ at, order: entries.length, entry: { kind: 'event', event } });
    }
    const review = reviewOf.get(message.sid ?? '');
    if (review) entries.push({ at, order: entries.length, entry: { kind: 'review', review } });
  }
  for (const event of loose) {
    entries.push({
      at: Date.parse(event.recordedAt),
      order: entries.length,
      entry: { kind: 'event', event },
    });
  }
  return entries.sort((a, b) => a.at - b.at || a.order - b.order).map(({ entry }) => entry);
}

/** What a consent event did, in the words of the thread. */
export function eventLabel(event: ConsentEvent): string {
  if (!event.applied) {
    const from = event.source === 'form' ? 'Form opt-in' : `Opt-in from ${event.source}`;
    return `${from} refused: only a text from the person lifts an opt-out`;
  }
  if (event.action === 'opt_in') return 'Opted in';
  if (event.source === 'delivery_error')
    return `Opted out: Twilio refused a delivery (error ${event.evidence.errorCode ?? 21610})`;
  if (event.source === 'admin') return `Opted out by ${event.evidence.actor ?? 'an admin'} after review`;
  return 'Opted out';
}
