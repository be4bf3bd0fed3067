import { sealEvent } from '../consent/audit.js';
import type { Clock, IdGenerator } from '../consent/ids.js';
import { foldConsent } from '../consent/rules.js';
import type {
  ConsentAction,
  ConsentEvent,
  ConsentEvidence,
  ConsentSource,
  ConsentStatus,
  ConsentStatusValue,
  NotAppliedReason,
  UnsealedEvent,
} from '../consent/types.js';
import { ConsentError, ValidationError } from '../errors.js';
import type { E164 } from '../phone.js';
import type { ConsentStore, PendingConfirmation, StatusWrite } from '../store/contract.js';

/** A consent change about to be written. */
export interface EventDraft {
  readonly tenantId: string;
  readonly phone: E164;
  readonly action: ConsentAction;
  readonly source: ConsentSource;
  readonly occurredAt: string;
  readonly evidence: ConsentEvidence;
  readonly idempotencyKey?: string;
}

/** What writing a draft did. */
export interface ApplyOutcome {
  /** The new event, or for a duplicate the event that claimed the key first. */
  readonly event: ConsentEvent;
  readonly duplicate: boolean;
  /** Whether the number's status value changed. */
  readonly changed: boolean;
  readonly applied: boolean;
  readonly reason?: NotAppliedReason;
  readonly previous: ConsentStatusValue;
  readonly status: ConsentStatus;
  /** The confirmation the send guard still lets through for this number, if any. */
  readonly pendingConfirmation?: PendingConfirmation;
}

/** The follow-ups a write decides inside its transaction. */
export interface ApplyHooks {
  /** The confirmation to allow after this event, if any. */
  confirmationFor?(event: ConsentEvent, changed: boolean): PendingConfirmation | undefined;
  /** The outbox job kinds to enqueue for this event. */
  jobsFor?(event: ConsentEvent, changed: boolean): readonly string[];
  /** The keyed MAC of a sealed event's hash (the manager's `auditKey`). */
  mac?(hash: string): string;
}

/**
 * Writes one event in the (tenant, phone) transaction: claims its idempotency key, folds it into the
 * ledger, seals it onto its number's audit chain, replaces the status row and enqueues its jobs, all or nothing.
 */
export async function applyEvent(
  store: ConsentStore,
  ids: IdGenerator,
  clock: Clock,
  draft: EventDraft,
  hooks: ApplyHooks = {},
): Promise<ApplyOutcome> {
  const id = ids('evt');
  const evidence = storableEvidence(draft.evidence);
  if (draft.idempotencyKey !== undefined && hasUnstorable(draft.idempotencyKey)) {
    throw new ValidationError('Invalid idempotency key: it contains NUL or an unpaired surrogate', [
      { path: 'idempotencyKey', message: 'contains NUL or an unpaired surrogate' },
    ]);
  }
  const outcome = await store.transact(draft.tenantId, draft.phone, async (tx) => {
    if (draft.idempotencyKey !== undefined) {
      const claim = await tx.claimKey(draft.idempotencyKey, id);
      if (!claim.claimed) return { duplicateOf: claim.eventId };
    }
    const existing = await tx.events();
    const before = foldConsent(existing);
    const candidate = { ...draft, evidence, id, recordedAt: clock.now().toISOString() };
    const after = foldConsent<Omit<UnsealedEvent, 'applied'>>([...existing, candidate]);
    const effect = after.effects.get(candidate) ?? { applied: true };
    const event = sealEvent(
      { ...candidate, applied: effect.applied, ...(effect.reason ? { reason: effect.reason } : {}) },
      await tx.chainHead(),
      hooks.mac,
    );
    await tx.append(event);
    const pick = (chosen: Omit<UnsealedEvent, 'applied'> | undefined): ConsentEvent | undefined =>
      chosen === candidate ? event : (chosen as ConsentEvent | undefined);
    const cause = pick(after.cause);
    const lastEvent = pick(after.lastEvent);
    const changed = before.status !== after.status;
    const confirmation = after.status === 'opted_out' ? hooks.confirmationFor?.(event, changed) : null;
    const row: StatusWrite = {
      status: after.status,
      ...(cause ? { since: cause.occurredAt, causeEventId: cause.id } : {}),
      ...(lastEvent ? { lastEventId: lastEvent.id } : {}),
      ...(confirmation === undefined ? {} : { confirmation }),
    };
    await tx.putStatus(row);
    for (const kind of hooks.jobsFor?.(event, changed) ?? []) {
      await tx.enqueue({
        id: ids('job'),
        tenantId: draft.tenantId,
        phone: draft.phone,
        kind,
        eventId: event.id,
        createdAt: event.recordedAt,
      });
    }
    const status: ConsentStatus = {
      tenantId: draft.tenantId,
      phone: draft.phone,
      status: after.status,
      ...(cause ? { since: cause.occurredAt, cause } : {}),
      ...(lastEvent ? { lastEvent } : {}),
    };
    return { event, changed, previous: before.status, status, effect, confirmation };
  });

  if ('duplicateOf' in outcome) {
    const event = await store.getEvent(draft.tenantId, outcome.duplicateOf);
    if (event && (event.phone !== draft.phone || event.action !== draft.action)) {
      throw new ValidationError(
        `Idempotency key ${draft.idempotencyKey} already names event ${event.id} (${event.action} of ${event.phone}), not this ${draft.action} of ${draft.phone}`,
        [{ path: 'idempotencyKey', message: 'already used for a different event' }],
      );
    }
    const status = event && (await store.getStatus(draft.tenantId, event.phone));
    if (!event || !status) {
      throw new ConsentError(
        'STORE_FAILURE',
        `Idempotency key ${draft.idempotencyKey} points to missing event ${outcome.duplicateOf}`,
      );
    }
    const { confirmation, ...plain } = status;
    return {
      ...(confirmation ? { pendingConfirmation: confirmation } : {}),
      event,
      duplicate: true,
      changed: false,
      applied: event.applied,
      ...(event.reason ? { reason: event.reason } : {}),
      previous: status.status,
      status: plain,
    };
  }
  return {
    event: outcome.event,
    duplicate: false,
    changed: outcome.changed,
    applied: outcome.effect.applied,
    ...(outcome.effect.reason ? { reason: outcome.effect.reason } : {}),
    previous: outcome.previous,
    status: outcome.status,
    ...(outcome.confirmation ? { pendingConfirmation: outcome.confirmation } : {}),
  };
}

/** NUL and unpaired surrogates: no database can store them as they are, so none may enter a hash. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the characters this finds.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function hasUnstorable(text: string): boolean {
  UNSTORABLE.lastIndex = 0;
  return UNSTORABLE.test(text);
}

/**
 * Evidence as every store can keep it exactly: NUL characters and unpaired surrogates (from hostile or
 * broken message bodies) become U+FFFD, so an opt-out is never lost to a body the database refuses.
 */
export function storableEvidence(evidence: ConsentEvidence): ConsentEvidence {
  let cleaned: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(evidence)) {
    if (typeof value !== 'string' || !hasUnstorable(value)) continue;
    cleaned ??= { ...evidence };
    cleaned[key] = value.replace(UNSTORABLE, '\uFFFD');
  }
  return (cleaned as ConsentEvidence | undefined) ?? evidence;
}
