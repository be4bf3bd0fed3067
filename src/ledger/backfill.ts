import type { Classification } from '../classify/index.js';
import {
  compactEvidence,
  deliveryErrorKey,
  inboundEvidence,
  inboundMessageKey,
  UNSUBSCRIBED_RECIPIENT_ERROR,
} from '../consent/evidence.js';
import type { TimeInput } from '../consent/inputs.js';
import { forEachLimit } from '../helpers/each-limit.js';
import { groupByNumber } from '../helpers/group-by-number.js';
import { timeOf, toIso } from '../helpers/time.js';
import type { ConsentContext } from './context.js';
import type { ReviewMessage, ReviewQueue } from './reviews.js';
import type { EventDraft, WriteOutcome } from './write.js';

/**
 * One message of an SMS account's history, whatever the provider: what `backfill` replays. The
 * Twilio sources in `sms-consent/twilio` produce these.
 */
export interface HistoryMessage {
  /** The provider's message id (Twilio `sid`): the idempotency key, as with live handling. */
  readonly id: string;
  /** `inbound`: from the person; `outbound`: from the tenant (bodies are never classified). */
  readonly direction: 'inbound' | 'outbound';
  readonly from: string;
  readonly to: string;
  readonly body?: string | null;
  /** When it was sent or received (Twilio `date_sent`, else `date_created`). */
  readonly sentAt: TimeInput;
  /** Provider error of an outbound message; 21610 is evidence of an opt-out at `sentAt`. */
  readonly errorCode?: number | null;
  /** Provider account id (Twilio `AccountSid`), kept as evidence. */
  readonly accountId?: string;
  /** Tenant of the message (default: the `tenantId` option, else the default tenant). */
  readonly tenantId?: string;
}

/** A history source: any iterable of messages, in any order (streams welcome). */
export type HistorySource = Iterable<HistoryMessage> | AsyncIterable<HistoryMessage>;

/** Where a backfill is, as `onProgress` hears it. */
export interface BackfillProgress {
  /** `read`: scanning the source; `apply`: writing the consent events found, in time order. */
  readonly phase: 'read' | 'apply';
  /** Messages read so far. */
  readonly read: number;
  /** Consent events found so far (opt-outs, opt-ins, delivery errors). */
  readonly events: number;
  /** Events written or found already written. */
  readonly applied: number;
}

/** Options of `consent.backfill()`. */
export interface BackfillOptions {
  /** Tenant of messages that name none (default: the default tenant). */
  readonly tenantId?: string;
  /** Events per batch between progress reports, and per transaction with `transactMany` (default 500). */
  readonly batchSize?: number;
  /**
   * Numbers written at once (each number's events stay in time order); default 8 (numbers never wait
   * on each other). A store with `transactMany` (PostgreSQL, PGlite) writes each batch in one
   * transaction instead, and this has no effect.
   */
  readonly concurrency?: number;
  /** Progress after every 50,000 messages read and after every batch written; may be async. */
  readonly onProgress?: (progress: BackfillProgress) => void | Promise<void>;
  /** Stops between batches; run the backfill again to finish (it is idempotent). */
  readonly signal?: AbortSignal;
}

/** What a backfill did. Counts by intent are of inbound messages, as live handling would classify them. */
export interface BackfillResult {
  readonly read: number;
  readonly inbound: number;
  readonly outbound: number;
  /** Inbound messages by the classifier's intent. */
  readonly intents: {
    readonly opt_out: number;
    readonly opt_in: number;
    readonly help: number;
    readonly none: number;
  };
  /** Inbound messages left as `none` but flagged for a person to review. */
  readonly needsReview: number;
  /** Of those, reviews added to the queue now (the others were queued before: live or an earlier run). */
  readonly reviewsQueued: number;
  /** Outbound messages refused with 21610, recorded as opt-outs (`delivery_error`). */
  readonly deliveryErrors: number;
  /** Events written now. */
  readonly recorded: number;
  /** Events the ledger already had (same message id): live handling or an earlier backfill. */
  readonly duplicates: number;
  /** Events that changed a number's status when written. */
  readonly changed: number;
  /** Messages whose person's number is not a valid number (short codes, sender ids): skipped. */
  readonly invalidPhones: number;
  /** Messages without a readable time: skipped. */
  readonly invalidRecords: number;
}

/** A consent event found in the history, waiting for its turn in time order. */
interface Pending {
  readonly at: number;
  readonly order: number;
  readonly draft: EventDraft;
}

const READ_PROGRESS_EVERY = 50_000;

/**
 * Replays an account's message history through the rules of live handling: every inbound text is
 * classified by the manager's own classifier, and opt-outs and opt-ins are recorded from the `sms`
 * source with the live idempotency key `msg:<id>` — so messages handled live are duplicates here, and
 * a second run records nothing new. Outbound messages refused with 21610 become `delivery_error`
 * opt-outs keyed like the status callback (`twilio-status:<id>`); outbound bodies are never read.
 *
 * The source is read to the end first, keeping only the consent events (about 1% of a typical
 * history), which are then written in time order (ties keep the source's order), in batches, several
 * numbers at once but each number's events one after another. The ledger folds by `occurredAt`, so
 * the end state equals live handling of the same messages; an interrupted backfill run again ends in
 * the same state as an uninterrupted one.
 *
 * A consent event dated before 2000 or in the future (beyond five minutes of clock skew) throws the
 * `ValidationError` (code `INVALID_INPUT`) live handling and `record()` throw, before anything is
 * written: a START dated 2099 would otherwise outrank every later STOP.
 */
export async function runBackfill(
  context: Pick<ConsentContext, 'classify' | 'tryNormalize' | 'write' | 'writeMany' | 'tenantOf' | 'clock'>,
  reviewQueue: Pick<ReviewQueue, 'queue'>,
  source: HistorySource,
  options: BackfillOptions = {},
): Promise<BackfillResult> {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 500));
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
  const defaultTenant = context.tenantOf(options);
  const tally = {
    read: 0,
    inbound: 0,
    outbound: 0,
    needsReview: 0,
    reviewsQueued: 0,
    deliveryErrors: 0,
    recorded: 0,
    duplicates: 0,
    changed: 0,
    invalidPhones: 0,
    invalidRecords: 0,
  };
  const intents = { opt_out: 0, opt_in: 0, help: 0, none: 0 };
  const pending: Pending[] = [];
  const reviews: { readonly message: ReviewMessage; readonly classification: Classification }[] = [];
  const read: HistoryRead = {
    context,
    defaultTenant,
    now: context.clock.now(),
    tally,
    intents,
    pending,
    reviews,
  };
  const progress = async (phase: BackfillProgress['phase'], applied: number) =>
    options.onProgress?.({ phase, read: tally.read, events: pending.length, applied });

  for await (const message of source) {
    tally.read++;
    if (tally.read % READ_PROGRESS_EVERY === 0) await progress('read', 0);
    const found = message.direction === 'inbound' ? readInbound(read, message) : readOutbound(read, message);
    if (found) pending.push(found);
  }
  await progress('read', 0);
  options.signal?.throwIfAborted();

  pending.sort((a, b) => a.at - b.at || a.order - b.order);
  let applied = 0;
  for (let start = 0; start < pending.length; start += batchSize) {
    options.signal?.throwIfAborted();
    const batch = pending.slice(start, start + batchSize);
    const count = (outcome: WriteOutcome): void => {
      if (outcome.duplicate) tally.duplicates++;
      else tally.recorded++;
      if (outcome.changed) tally.changed++;
    };
    const groups = groupByNumber(batch.map((item) => item.draft));
    if (context.writeMany) {
      for (const outcome of (await context.writeMany(groups)).flat()) count(outcome);
    } else {
      await forEachLimit(groups, concurrency, async (drafts) => {
        for (const draft of drafts) count(await context.write(draft));
      });
    }
    applied += batch.length;
    await progress('apply', applied);
  }
  for (let start = 0; start < reviews.length; start += batchSize) {
    options.signal?.throwIfAborted();
    await forEachLimit(reviews.slice(start, start + batchSize), concurrency, async (item) => {
      const { added } = await reviewQueue.queue(item.message, item.classification);
      if (added) tally.reviewsQueued++;
    });
  }
  return { ...tally, intents };
}

/** What the read phase of a backfill fills in, message by message. */
interface HistoryRead {
  readonly context: Pick<ConsentContext, 'classify' | 'tryNormalize'>;
  readonly defaultTenant: string;
  /** The manager's clock at the start: what counts as the future. */
  readonly now: Date;
  readonly tally: { -readonly [K in Exclude<keyof BackfillResult, 'intents'>]: number };
  readonly intents: { -readonly [K in keyof BackfillResult['intents']]: number };
  readonly pending: Pending[];
  readonly reviews: { readonly message: ReviewMessage; readonly classification: Classification }[];
}

function readInbound(read: HistoryRead, message: HistoryMessage): Pending | undefined {
  read.tally.inbound++;
  const body = message.body ?? '';
  const classification = read.context.classify(body);
  read.intents[classification.intent]++;
  if (classification.needsReview) read.tally.needsReview++;
  const wanted = classification.intent === 'opt_out' || classification.intent === 'opt_in';
  if (!wanted && !classification.needsReview) return undefined;
  const phone = read.context.tryNormalize(message.from);
  if (phone === null) {
    read.tally.invalidPhones++;
    return undefined;
  }
  if (!wanted) {
    const at = timeOf(message.sentAt);
    if (at === undefined) read.tally.invalidRecords++;
    else {
      const receivedAt = new Date(at).toISOString();
      const tenantId = message.tenantId ?? read.defaultTenant;
      read.reviews.push({
        message: {
          tenantId,
          phone,
          messageId: message.id,
          body,
          from: message.from,
          to: message.to,
          receivedAt,
        },
        classification,
      });
    }
    return undefined;
  }
  return pendingEvent(read, message, {
    tenantId: message.tenantId ?? read.defaultTenant,
    phone,
    action: classification.intent,
    source: 'sms',
    evidence: inboundEvidence({ ...message, messageId: message.id, body }, classification),
    idempotencyKey: inboundMessageKey(message.id),
  });
}

function readOutbound(read: HistoryRead, message: HistoryMessage): Pending | undefined {
  read.tally.outbound++;
  if (Number(message.errorCode) !== UNSUBSCRIBED_RECIPIENT_ERROR) return undefined;
  read.tally.deliveryErrors++;
  const phone = read.context.tryNormalize(message.to);
  if (phone === null) {
    read.tally.invalidPhones++;
    return undefined;
  }
  return pendingEvent(read, message, {
    tenantId: message.tenantId ?? read.defaultTenant,
    phone,
    action: 'opt_out',
    source: 'delivery_error',
    evidence: compactEvidence({
      errorCode: UNSUBSCRIBED_RECIPIENT_ERROR,
      messageId: message.id,
      to: message.to,
      from: message.from,
      accountId: message.accountId,
    }),
    idempotencyKey: deliveryErrorKey(message.id),
  });
}

function pendingEvent(
  read: HistoryRead,
  message: HistoryMessage,
  draft: Omit<EventDraft, 'occurredAt'>,
): Pending | undefined {
  const at = timeOf(message.sentAt);
  if (at === undefined) {
    read.tally.invalidRecords++;
    return undefined;
  }
  const occurredAt = toIso(message.sentAt, `sentAt of message ${JSON.stringify(message.id)}`, read.now);
  return { at, order: read.pending.length, draft: { ...draft, occurredAt } };
}
