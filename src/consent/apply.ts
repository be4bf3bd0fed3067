import { ConsentError, ValidationError } from '../errors.js';
import { forEachLimit } from '../helpers/each-limit.js';
import type { E164 } from '../phone.js';
import type { ConsentStore, PendingConfirmation, PhoneTransaction, StatusWrite } from '../store/contract.js';
import { sealEvent } from './audit.js';
import type { Clock, IdGenerator } from './ids.js';
import { foldConsent } from './rules.js';
import type {
  ConsentAction,
  ConsentEvent,
  ConsentEvidence,
  ConsentSource,
  ConsentStatus,
  ConsentStatusValue,
  NotAppliedReason,
  UnsealedEvent,
} from './types.js';

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

/** What {@link applyInTransaction} decided: a new event, or the event that holds the draft's key. */
type TransactionOutcome =
  | { readonly duplicateOf: string }
  | {
      readonly event: ConsentEvent;
      readonly changed: boolean;
      readonly previous: ConsentStatusValue;
      readonly status: ConsentStatus;
      readonly effect: { readonly applied: boolean; readonly reason?: NotAppliedReason };
      readonly confirmation: PendingConfirmation | null | undefined;
    };

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
  assertStorableKey(draft);
  const outcome = await store.transact(draft.tenantId, draft.phone, (tx) =>
    applyInTransaction(tx, ids, clock, { ...draft, evidence }, id, hooks),
  );
  return finish(store, draft, outcome);
}

/**
 * {@link applyEvent} for many numbers' drafts at once (`groups`: each one number's drafts, in the
 * order to write them) through the store's `transactMany`: one transaction per tenant for the whole
 * batch, each number's drafts written one after another as `applyEvent` would. The outcomes come
 * in the order of the drafts, group by group.
 */
export async function applyEvents(
  store: ConsentStore,
  ids: IdGenerator,
  clock: Clock,
  groups: readonly (readonly EventDraft[])[],
  hooks: ApplyHooks = {},
): Promise<ApplyOutcome[][]> {
  if (!store.transactMany) throw new ConsentError('CONFIG', 'applyEvents needs a store with transactMany');
  const prepared = groups.map((drafts) =>
    drafts.map((draft) => {
      assertStorableKey(draft);
      return { draft: { ...draft, evidence: storableEvidence(draft.evidence) }, id: ids('evt') };
    }),
  );
  const byTenant = new Map<string, number[]>();
  prepared.forEach((drafts, index) => {
    const tenantId = drafts[0]?.draft.tenantId;
    if (tenantId === undefined) return;
    const indexes = byTenant.get(tenantId) ?? [];
    indexes.push(index);
    byTenant.set(tenantId, indexes);
  });
  const written: TransactionOutcome[][] = groups.map(() => []);
  for (const [tenantId, indexes] of byTenant) {
    const phones = indexes.map((index) => prepared[index]?.[0]?.draft.phone as E164);
    const outcomes = await store.transactMany<TransactionOutcome[]>(tenantId, phones, async (tx) => {
      const drafts = prepared[indexes[phones.indexOf(tx.phone)] as number] ?? [];
      const results: TransactionOutcome[] = [];
      for (const { draft, id } of drafts)
        results.push(await applyInTransaction(tx, ids, clock, draft, id, hooks));
      return results;
    });
    indexes.forEach((index, position) => {
      written[index] = outcomes[position] ?? [];
    });
  }
  // A duplicate costs two reads (its event and status): eight at a time, as separate writes would.
  const finished: ApplyOutcome[][] = written.map(() => []);
  const pending = written.flatMap((outcomes, index) =>
    outcomes.map((outcome, position) => ({ index, position, outcome })),
  );
  await forEachLimit(pending, 8, async ({ index, position, outcome }) => {
    const draft = groups[index]?.[position] as EventDraft;
    (finished[index] as ApplyOutcome[])[position] = await finish(store, draft, outcome);
  });
  return finished;
}

function assertStorableKey(draft: EventDraft): void {
  if (draft.idempotencyKey !== undefined && hasUnstorable(draft.idempotencyKey)) {
    throw new ValidationError('Invalid idempotency key: it contains NUL or an unpaired surrogate', [
      { path: 'idempotencyKey', message: 'contains NUL or an unpaired surrogate' },
    ]);
  }
}

/** The body of a write's transaction (see {@link applyEvent}); `draft.evidence` is already storable. */
async function applyInTransaction(
  tx: PhoneTransaction,
  ids: IdGenerator,
  clock: Clock,
  draft: EventDraft,
  id: string,
  hooks: ApplyHooks,
): Promise<TransactionOutcome> {
  if (draft.idempotencyKey !== undefined) {
    const claim = await tx.claimKey(draft.idempotencyKey, id);
    if (!claim.claimed) return { duplicateOf: claim.eventId };
  }
  const existing = await tx.events();
  const before = foldConsent(existing);
  const candidate = { ...draft, id, recordedAt: clock.now().toISOString() };
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
}

/** The outcome of a committed write; a duplicate is looked up and checked against the draft. */
async function finish(
  store: ConsentStore,
  draft: EventDraft,
  outcome: TransactionOutcome,
): Promise<ApplyOutcome> {
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
