import type {
  ConsentAction,
  ConsentEvent,
  ConsentSource,
  ConsentStatusValue,
  NotAppliedReason,
} from './types.js';

/** The sources whose opt-in lifts a prior opt-out: only the person, by text (or the provider relaying it). */
const LIFTING_SOURCES: ReadonlySet<ConsentSource> = new Set(['sms', 'provider']);

/** True when an opt-in from `source` may lift an opt-out. */
export function liftsOptOut(source: ConsentSource): boolean {
  return LIFTING_SOURCES.has(source);
}

/** The fields the fold needs; a stored {@link ConsentEvent} has them all. */
export type FoldableEvent = Pick<ConsentEvent, 'action' | 'source' | 'occurredAt' | 'recordedAt' | 'id'>;

/** The outcome of folding one number's ledger. */
export interface FoldResult<E extends FoldableEvent> {
  readonly status: ConsentStatusValue;
  /** The event that began the current status. */
  readonly cause?: E;
  /** The latest event by `occurredAt`. */
  readonly lastEvent?: E;
  /** For every event, whether it took effect where the fold placed it (keyed by event). */
  readonly effects: ReadonlyMap<E, { applied: boolean; reason?: NotAppliedReason }>;
}

const ACTION_ORDER: Record<ConsentAction, number> = { opt_in: 0, opt_out: 1 };

/**
 * The total order of the fold: by `occurredAt`; at the same instant an opt-in before an opt-out, so
 * the opt-out wins (the safe side) whatever order the events arrived or were listed in (the Twilio
 * Messages API lists newest first, to the second, so a START and a STOP sent in one second come
 * back reversed); then by `recordedAt` (the order the ledger learned of them) and by id, which is
 * time-ordered and unique in a ledger; last by source, so even events that share an id (never two
 * of one ledger) are ordered by everything the fold reads. The order depends only on the events, so
 * any arrival order of the same events folds to the same result.
 */
export function compareEvents(a: FoldableEvent, b: FoldableEvent): number {
  return (
    Date.parse(a.occurredAt) - Date.parse(b.occurredAt) ||
    ACTION_ORDER[a.action] - ACTION_ORDER[b.action] ||
    Date.parse(a.recordedAt) - Date.parse(b.recordedAt) ||
    compareText(a.id, b.id) ||
    compareText(a.source, b.source)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The consent rules as one pure function: folds a number's events, in {@link compareEvents} order,
 * into its status.
 * - any opt-out applies, from any source;
 * - an opt-in applies when the number is not opted out, or when it comes from the person by text
 *   (`sms` or `provider`); otherwise it is recorded but not applied (`requires_sms_opt_in`).
 *
 * @example
 * foldConsent(events).status // 'opted_out'
 */
export function foldConsent<E extends FoldableEvent>(events: Iterable<E>): FoldResult<E> {
  const ordered = [...events].sort(compareEvents);
  const effects = new Map<E, { applied: boolean; reason?: NotAppliedReason }>();
  let status: ConsentStatusValue = 'unknown';
  let cause: E | undefined;
  for (const event of ordered) {
    if (event.action === 'opt_out') {
      if (status !== 'opted_out') cause = event;
      status = 'opted_out';
      effects.set(event, { applied: true });
    } else if (status !== 'opted_out' || liftsOptOut(event.source)) {
      if (status !== 'opted_in') cause = event;
      status = 'opted_in';
      effects.set(event, { applied: true });
    } else {
      effects.set(event, { applied: false, reason: 'requires_sms_opt_in' });
    }
  }
  const lastEvent = ordered.at(-1);
  return {
    status,
    ...(cause === undefined ? {} : { cause }),
    ...(lastEvent === undefined ? {} : { lastEvent }),
    effects,
  };
}
