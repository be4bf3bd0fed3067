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
import { forEachLimit } from '../helpers/each-limit.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import type { E164 } from '../phone.js';
import type { ConsentStore, PendingConfirmation, PhoneTransaction } from '../store/contract.js';
import { confirmationFor } from './confirmation.js';

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
export interface WriteOutcome {
  /** The new event, or for a duplicate the event that claimed the key first. */
  readonly event: ConsentEvent;
  readonly duplicate: boolean;
  /** Whether the number's status value changed. */
  readonly changed: boolean;
  readonly applied: boolean;
  readonly reason?: NotAppliedReason;
  readonly previous: ConsentStatusValue;
  readonly status: ConsentStatus;
  /**
   * The one opt-out confirmation this write claimed in its transaction (an opt-out it caused, with
   * `confirm`): it is never pending in the store, so exactly one write's outcome carries it.
   */
  readonly claimedConfirmation?: PendingConfirmation;
  /** For a duplicate: the confirmation pending in the store (one a failed send put back), if any. */
  readonly pendingConfirmation?: PendingConfirmation;
}

/** The outbox job kinds an event enqueues (the one decision is `jobsFor` in `manager/context.ts`). */
export type JobsFor = (event: ConsentEvent, changed: boolean) => readonly string[];

/**
 * Writes one event. `confirm`: the event comes from a text the provider did not answer itself, so
 * an opt-out it causes claims the one confirmation (`claimedConfirmation`).
 */
export type Write = (draft: EventDraft, options?: { readonly confirm?: boolean }) => Promise<WriteOutcome>;

/** What the writer is built from, once per manager. */
export interface WriterParts {
  readonly store: ConsentStore;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  /** The opt-out confirmation text, or false for none. */
  readonly confirmation: string | false;
  readonly jobsFor?: JobsFor | undefined;
  /** The keyed MAC of a sealed event's hash (the manager's `auditKey`). */
  readonly mac?: ((hash: string) => string) | undefined;
  /** Told of every write after it committed (the manager's change listeners). */
  readonly onWritten?: ((outcome: WriteOutcome) => void) | undefined;
}

/** Many numbers' drafts at once: `groups` are each one number's drafts in order; outcomes come in the same shape. */
export type WriteMany = (groups: readonly (readonly EventDraft[])[]) => Promise<WriteOutcome[][]>;

/**
 * The batch writer of a store with `transactMany` (one transaction per tenant and batch, each
 * number's drafts written one after another as {@link createWriter}'s would be); undefined without.
 */
export function createBatchWriter(parts: WriterParts): WriteMany | undefined {
  const { store } = parts;
  const transactMany = store.transactMany?.bind(store);
  if (!transactMany) return undefined;
  return async (groups) => {
    const prepared = groups.map((drafts) =>
      drafts.map((draft) => {
        assertStorableKey(draft);
        return { ...draft, evidence: storableEvidence(draft.evidence), id: parts.ids('evt') };
      }),
    );
    const byTenant = new Map<string, number[]>();
    prepared.forEach((drafts, index) => {
      const tenantId = drafts[0]?.tenantId;
      if (tenantId === undefined) return;
      byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), index]);
    });
    const written: (WriteOutcome | { readonly duplicateOf: string })[][] = groups.map(() => []);
    for (const [tenantId, indexes] of byTenant) {
      const phones = indexes.map((index) => prepared[index]?.[0]?.phone as E164);
      const outcomes = await transactMany(tenantId, phones, async (tx) => {
        const drafts = prepared[indexes[phones.indexOf(tx.phone)] as number] ?? [];
        const results: (WriteOutcome | { readonly duplicateOf: string })[] = [];
        for (const draft of drafts) results.push(await writeInTransaction(parts, tx, draft, false));
        return results;
      });
      indexes.forEach((index, position) => {
        written[index] = outcomes[position] ?? [];
      });
    }
    // A duplicate costs two reads (its event and status): eight at a time, as separate writes would.
    const finished: WriteOutcome[][] = written.map(() => []);
    const pending = written.flatMap((outcomes, index) =>
      outcomes.map((outcome, position) => ({ index, position, outcome })),
    );
    await forEachLimit(pending, 8, async ({ index, position, outcome }) => {
      const draft = groups[index]?.[position] as EventDraft;
      const done =
        'duplicateOf' in outcome ? await duplicateOutcome(store, draft, outcome.duplicateOf) : outcome;
      (finished[index] as WriteOutcome[])[position] = done;
    });
    for (const outcome of finished.flat()) parts.onWritten?.(outcome);
    return finished;
  };
}

function assertStorableKey(draft: EventDraft): void {
  if (draft.idempotencyKey !== undefined && hasUnstorable(draft.idempotencyKey)) {
    throw new ValidationError('Invalid idempotency key: it contains NUL or an unpaired surrogate', [
      { path: 'idempotencyKey', message: 'contains NUL or an unpaired surrogate' },
    ]);
  }
}

/** The manager's one way to write an event: {@link writeEvent} with its hooks. */
export function createWriter(parts: WriterParts): Write {
  return async (draft, options) => {
    const outcome = await writeEvent(parts, draft, options?.confirm === true);
    parts.onWritten?.(outcome);
    return outcome;
  };
}

/**
 * Writes one event in the (tenant, phone) transaction: claims its idempotency key, folds it into the
 * ledger, seals it onto its number's audit chain, replaces the status row and enqueues its jobs, all or nothing.
 */
async function writeEvent(parts: WriterParts, draft: EventDraft, confirm: boolean): Promise<WriteOutcome> {
  assertStorableKey(draft);
  const candidate = { ...draft, evidence: storableEvidence(draft.evidence), id: parts.ids('evt') };
  const written = await parts.store.transact(draft.tenantId, draft.phone, (tx) =>
    writeInTransaction(parts, tx, candidate, confirm),
  );
  return 'duplicateOf' in written ? duplicateOutcome(parts.store, draft, written.duplicateOf) : written;
}

async function writeInTransaction(
  parts: WriterParts,
  tx: PhoneTransaction,
  draft: EventDraft & { readonly id: string },
  confirm: boolean,
): Promise<WriteOutcome | { readonly duplicateOf: string }> {
  const { ids, clock } = parts;
  if (draft.idempotencyKey !== undefined) {
    const claim = await tx.claimKey(draft.idempotencyKey, draft.id);
    if (!claim.claimed) return { duplicateOf: claim.eventId };
  }
  const existing = await tx.events();
  const before = foldConsent(existing);
  const candidate = { ...draft, recordedAt: clock.now().toISOString() };
  const after = foldConsent<Omit<UnsealedEvent, 'applied'>>([...existing, candidate]);
  const effect = after.effects.get(candidate) ?? { applied: true };
  const event = sealEvent(
    { ...candidate, applied: effect.applied, ...(effect.reason ? { reason: effect.reason } : {}) },
    await tx.chainHead(),
    parts.mac,
  );
  await tx.append(event);
  const pick = (chosen: Omit<UnsealedEvent, 'applied'> | undefined): ConsentEvent | undefined =>
    chosen === candidate ? event : (chosen as ConsentEvent | undefined);
  const cause = pick(after.cause);
  const lastEvent = pick(after.lastEvent);
  const changed = before.status !== after.status;
  // The confirmation an opt-out allows is claimed right here, in its transaction, so it is never
  // pending; null clears one a failed send put back once the number is no longer opted out.
  const claimed =
    confirm && after.status === 'opted_out'
      ? confirmationFor(event, changed, parts.confirmation, clock.now())
      : undefined;
  await tx.putStatus({
    status: after.status,
    ...(cause ? { since: cause.occurredAt, causeEventId: cause.id } : {}),
    ...(lastEvent ? { lastEventId: lastEvent.id } : {}),
    ...(after.status === 'opted_out' ? {} : { confirmation: null }),
  });
  for (const kind of parts.jobsFor?.(event, changed) ?? []) {
    await tx.enqueue({
      id: ids('job'),
      tenantId: draft.tenantId,
      phone: draft.phone,
      kind,
      eventId: event.id,
      createdAt: event.recordedAt,
    });
  }
  return {
    event,
    duplicate: false,
    changed,
    applied: effect.applied,
    ...(effect.reason ? { reason: effect.reason } : {}),
    previous: before.status,
    status: {
      tenantId: draft.tenantId,
      phone: draft.phone,
      status: after.status,
      ...(cause ? { since: cause.occurredAt, cause } : {}),
      ...(lastEvent ? { lastEvent } : {}),
    },
    ...omitUndefined({ claimedConfirmation: claimed }),
  };
}

/** The outcome of a draft whose idempotency key an earlier event claimed: that event, as it stands now. */
async function duplicateOutcome(
  store: ConsentStore,
  draft: EventDraft,
  eventId: string,
): Promise<WriteOutcome> {
  const event = await store.getEvent(draft.tenantId, eventId);
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
      `Idempotency key ${draft.idempotencyKey} points to missing event ${eventId}`,
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
