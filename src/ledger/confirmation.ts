import type { Intent } from '../classify/index.js';
import type { Clock } from '../consent/ids.js';
import { foldConsent } from '../consent/rules.js';
import type { ConsentEvent } from '../consent/types.js';
import { OptedOutError } from '../errors.js';
import type { E164 } from '../phone.js';
import type { ConsentStore, PendingConfirmation, StoredStatus } from '../store/contract.js';
import type { WriteOutcome } from './write.js';

// The one home of the FCC rule "after an opt-out the provider did not confirm, exactly one
// confirmation may be sent, at once" (47 CFR 64.1200(a)(12)): which write allows it, how the inbound
// result that carries it claims it, how a claim is sent or put back, and how the send guard lets it
// through once.
//
// A claim is the store's consume: the opt-out's own write transaction decides the confirmation and
// never leaves it pending, so of concurrent redeliveries of one STOP exactly one result carries it.
// The manager then holds the claim in memory (see `createReplyClaims`) until it is sent (the webhook's
// answer, `sendReply`, the send guard with that body), put back (`releaseReply`, a failed send, a
// webhook answer that cannot carry it) or its window ends. Only a put-back confirmation is pending in
// the store, where a redelivery of the same text or the send guard can claim it again.

/** How long the one confirmation may follow an opt-out. */
export const CONFIRMATION_WINDOW_MS = 5 * 60 * 1000;

/** The default confirmation: no marketing, says how to come back. */
export const DEFAULT_OPT_OUT_CONFIRMATION =
  'You have been unsubscribed and will receive no more messages from us. Reply START to resubscribe.';

/** Replies the manager hands back for the app to send. `false` turns one off. */
export interface ReplyTexts {
  /** Sent once after an opt-out the provider did not confirm itself. No marketing allowed. */
  readonly optOutConfirmation?: string | false;
  /** Sent after an opt-in keyword the provider did not confirm itself. */
  readonly optInConfirmation?: string | false;
  /** Sent after a help request the provider did not answer itself. */
  readonly help?: string | false;
}

/** {@link ReplyTexts} with the defaults filled in. */
export type Replies = { readonly [K in keyof ReplyTexts]-?: string | false };

/** The manager's replies: the default opt-out confirmation, no opt-in or help reply. */
export function resolveReplies(replies: ReplyTexts | undefined): Replies {
  return {
    optOutConfirmation: replies?.optOutConfirmation ?? DEFAULT_OPT_OUT_CONFIRMATION,
    optInConfirmation: replies?.optInConfirmation ?? false,
    help: replies?.help ?? false,
  };
}

/**
 * The confirmation a write allows, decided inside its transaction: only for an opt-out that changed
 * the status, when the provider did not confirm it itself (`allowed`), and only within the window,
 * which runs from the opt-out itself, so a text delivered late gets none.
 */
export function confirmationFor(
  event: ConsentEvent,
  changed: boolean,
  text: string | false,
  now: Date,
): PendingConfirmation | undefined {
  if (!changed || text === false || event.action !== 'opt_out') return undefined;
  const until = Math.min(Date.parse(event.occurredAt), now.getTime()) + CONFIRMATION_WINDOW_MS;
  return until >= now.getTime() ? { text, until: new Date(until).toISOString() } : undefined;
}

/** The reply to a help request, when the provider did not answer it itself. */
export function helpReply(providerBlocks: boolean, replies: Replies): string | undefined {
  return providerBlocks || replies.help === false ? undefined : replies.help;
}

/** The one confirmation a result or a send claimed, to send or put back. */
export interface ConfirmationClaim extends PendingConfirmation {
  /** The opt-out the confirmation answers. */
  readonly causeEventId: string | undefined;
}

/**
 * The claims this manager holds, by tenant and number: each is the one confirmation an inbound
 * result claimed and nobody has sent or put back yet. At most one per number (a new claim needs a
 * new opt-out, which replaces it); a claim is gone once taken, and pruned once its window ended.
 */
export interface ReplyClaims {
  hold(tenantId: string, phone: E164, claim: ConfirmationClaim): void;
  /** The held claim when `fits` it, without taking it. */
  peek(
    tenantId: string,
    phone: E164,
    fits: (claim: ConfirmationClaim) => boolean,
  ): ConfirmationClaim | undefined;
  /** The held claim when `fits` it, taken: no one else can send it from here. */
  take(
    tenantId: string,
    phone: E164,
    fits: (claim: ConfirmationClaim) => boolean,
  ): ConfirmationClaim | undefined;
  /** Told of every write: a number no longer opted out gets no confirmation of the opt-out it left. */
  written(outcome: WriteOutcome): void;
}

/** The manager's claims, in memory: a claim lives for one process, as the result that carries it does. */
export function createReplyClaims(clock: Clock): ReplyClaims {
  const held = new Map<string, ConfirmationClaim>();
  const keyOf = (tenantId: string, phone: E164) => `${tenantId}\u0000${phone}`;
  const peek: ReplyClaims['peek'] = (tenantId, phone, fits) => {
    const claim = held.get(keyOf(tenantId, phone));
    return claim && fits(claim) ? claim : undefined;
  };
  return {
    hold(tenantId, phone, claim) {
      // Claims come in about the order their windows end: dropping the ended ones at the front
      // keeps the map to the last five minutes of unsent confirmations.
      const now = clock.now().getTime();
      for (const [key, old] of held) {
        if (Date.parse(old.until) >= now) break;
        held.delete(key);
      }
      const key = keyOf(tenantId, phone);
      held.delete(key);
      held.set(key, claim);
    },
    peek,
    take(tenantId, phone, fits) {
      const claim = peek(tenantId, phone, fits);
      if (claim) held.delete(keyOf(tenantId, phone));
      return claim;
    },
    written({ status }) {
      if (held.size > 0 && status.status !== 'opted_out') held.delete(keyOf(status.tenantId, status.phone));
    },
  };
}

type Parts = { readonly store: ConsentStore; readonly clock: Clock; readonly claims: ReplyClaims };

/**
 * The text an inbound keyword's result carries. For an opt-out: the one confirmation, claimed for
 * this result (held by the manager), when this event is the one that opted the number out — by its
 * own write, which claimed it in its transaction, or for a redelivery of it, by consuming the
 * confirmation a failed send put back; none when it is claimed already (sent, or being sent). For an
 * opt-in: the opt-in confirmation, when the provider did not confirm it.
 */
export async function inboundReply(
  parts: Parts,
  intent: Extract<Intent, 'opt_out' | 'opt_in'>,
  providerBlocks: boolean,
  outcome: WriteOutcome,
  replies: Replies,
): Promise<string | undefined> {
  if (intent === 'opt_in') {
    const text = replies.optInConfirmation;
    return !providerBlocks && outcome.changed && text !== false ? text : undefined;
  }
  const claim = outcome.claimedConfirmation
    ? { ...outcome.claimedConfirmation, causeEventId: outcome.event.id }
    : await reclaim(parts, providerBlocks, outcome);
  if (!claim) return undefined;
  parts.claims.hold(outcome.status.tenantId, outcome.status.phone, claim);
  return claim.text;
}

/** A redelivery of the opt-out takes the confirmation back when a failed send put it back. */
async function reclaim(
  parts: Parts,
  providerBlocks: boolean,
  outcome: WriteOutcome,
): Promise<ConfirmationClaim | undefined> {
  const pending = outcome.pendingConfirmation;
  if (providerBlocks || !outcome.duplicate || !pending || outcome.status.cause?.id !== outcome.event.id) {
    return undefined;
  }
  const { tenantId, phone } = outcome.status;
  const now = parts.clock.now().toISOString();
  const consumed = await parts.store.consumeConfirmation(tenantId, phone, pending.text, now);
  return consumed ? { ...pending, causeEventId: outcome.event.id } : undefined;
}

/** Whether a message may go out. */
export interface SendCheck {
  readonly allowed: boolean;
  readonly status: 'opted_out' | 'opted_in' | 'unknown';
  /** `opted_out` when refused; `opt_out_confirmation` when only the one confirmation is let through. */
  readonly reason?: 'opted_out' | 'opt_out_confirmation';
}

/** A held claim fits when it is `text` answering the opt-out `causeEventId`, and its window is open. */
function fits(text: string | undefined, causeEventId: string | undefined, now: Date) {
  return (claim: ConfirmationClaim) =>
    claim.text === text && claim.causeEventId === causeEventId && now.getTime() <= Date.parse(claim.until);
}

/** A held claim fits a send of `body` while the number is opted out by its opt-out. */
const fitsSend = (stored: StoredStatus, body: string | undefined, now: Date) =>
  fits(body, stored.cause?.id, now);

/**
 * Whether `body` may go to the number now: anything when it has not opted out, else only the one
 * confirmation, while this manager holds it or it is pending in the store.
 */
export async function sendCheck(
  parts: Parts,
  tenantId: string,
  phone: E164,
  body: string | undefined,
): Promise<SendCheck> {
  const stored = await parts.store.getStatus(tenantId, phone);
  const now = parts.clock.now();
  if (stored?.status !== 'opted_out') return { allowed: true, status: stored?.status ?? 'unknown' };
  return parts.claims.peek(tenantId, phone, fitsSend(stored, body, now)) || isPending(stored, body, now)
    ? CONFIRMATION_ONLY
    : REFUSED;
}

const CONFIRMATION_ONLY: SendCheck = { allowed: true, status: 'opted_out', reason: 'opt_out_confirmation' };
const REFUSED: SendCheck = { allowed: false, status: 'opted_out', reason: 'opted_out' };

function isPending(stored: StoredStatus, body: string | undefined, now: Date): boolean {
  const { confirmation } = stored;
  return (
    body !== undefined &&
    confirmation !== undefined &&
    confirmation.text === body &&
    now.getTime() <= Date.parse(confirmation.until)
  );
}

/**
 * The send guard: throws `OptedOutError` unless `body` may go out. The one confirmation is taken
 * from the claim this manager holds (no store write), else used up atomically in the store (of
 * concurrent senders exactly one gets it through), and returned as the claim
 * {@link releaseConfirmation} puts back; undefined for an ordinary allowed send.
 */
export async function claimConfirmation(
  parts: Parts,
  tenantId: string,
  phone: E164,
  body: string | undefined,
): Promise<ConfirmationClaim | undefined> {
  const stored = await parts.store.getStatus(tenantId, phone);
  if (stored?.status !== 'opted_out') return undefined;
  return claimFor(parts, stored, body, parts.clock.now());
}

/** The guard's claim for a number `stored` says is opted out: the held one, else one put back. */
async function claimFor(
  parts: Parts,
  stored: StoredStatus,
  body: string | undefined,
  now: Date,
): Promise<ConfirmationClaim> {
  const { tenantId, phone } = stored;
  const held = parts.claims.take(tenantId, phone, fitsSend(stored, body, now));
  if (held) return held;
  if (!isPending(stored, body, now)) throw new OptedOutError(phone, tenantId);
  const confirmation = stored.confirmation as PendingConfirmation;
  if (!(await parts.store.consumeConfirmation(tenantId, phone, body as string, now.toISOString()))) {
    throw new OptedOutError(
      phone,
      tenantId,
      `${phone} has opted out of SMS; its one confirmation was already sent`,
    );
  }
  return { ...confirmation, causeEventId: stored.cause?.id };
}

/**
 * Puts a claimed confirmation back after its send failed (or could not be made), so that a retry or
 * a redelivery can still send the one confirmation: in the number's transaction, and only while the
 * number is still opted out by the same opt-out and the window is open. True when it is pending again.
 */
export async function releaseConfirmation(
  parts: Pick<Parts, 'store' | 'clock'>,
  tenantId: string,
  phone: E164,
  claim: ConfirmationClaim,
): Promise<boolean> {
  if (parts.clock.now().getTime() > Date.parse(claim.until)) return false;
  return parts.store.transact(tenantId, phone, async (tx) => {
    const folded = foldConsent(await tx.events());
    if (folded.status !== 'opted_out' || folded.cause?.id !== claim.causeEventId || !folded.cause)
      return false;
    await tx.putStatus({
      status: folded.status,
      since: folded.cause.occurredAt,
      causeEventId: folded.cause.id,
      ...(folded.lastEvent ? { lastEventId: folded.lastEvent.id } : {}),
      confirmation: { text: claim.text, until: claim.until },
    });
    return true;
  });
}

type OnReleaseError = (error: unknown) => void;

const logReleaseError: OnReleaseError = (error) =>
  console.error('sms-consent: could not put back the opt-out confirmation of a failed send', error);

/**
 * Runs `send` for a claim (or an ordinary send, `claim` undefined); when it fails the claim is put
 * back before the error is rethrown (a failure to put it back goes to `onReleaseError`; the send's
 * error still wins).
 */
async function sendClaimed<T>(
  parts: Parts,
  tenantId: string,
  phone: E164,
  claim: ConfirmationClaim | undefined,
  send: () => Promise<T>,
  onReleaseError: OnReleaseError,
): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (claim) await releaseConfirmation(parts, tenantId, phone, claim).catch(onReleaseError);
    throw error;
  }
}

/**
 * Sends through the guard: `send` runs only when {@link claimConfirmation} lets `body` out, and when
 * it fails after taking the one confirmation, the confirmation is put back.
 */
export async function sendChecked<T>(
  parts: Parts,
  tenantId: string,
  phone: E164,
  body: string | undefined,
  send: () => Promise<T>,
  onReleaseError: OnReleaseError = logReleaseError,
): Promise<T> {
  const claim = await claimConfirmation(parts, tenantId, phone, body);
  return sendClaimed(parts, tenantId, phone, claim, send, onReleaseError);
}

/** What {@link sendReply} and {@link releaseReply} read of an inbound result. */
export interface ReplyResult {
  readonly intent: Intent;
  readonly reply?: string;
  readonly status: { readonly tenantId: string; readonly phone: E164 };
  readonly event?: { readonly id: string };
}

/** What {@link sendReply} and {@link releaseReply} key a result by, as every send is keyed. */
type ReplyParts = Parts & {
  readonly normalize: (phone: string) => E164;
  readonly tenantOf: (value?: { readonly tenantId?: unknown }) => string;
};

/**
 * The result's tenant and number, checked and normalized as any send's are: a result the app
 * rebuilt (or forged) with a raw number or another tenant meets the guard under the key it names.
 */
function resultKey(parts: ReplyParts, result: ReplyResult) {
  return { tenantId: parts.tenantOf(result.status), phone: parts.normalize(result.status.phone) };
}

/** The claim `result` carries, while this manager still holds it. */
const claimOf = (result: ReplyResult, now: Date) => fits(result.reply, result.event?.id, now);

/**
 * Sends an inbound result's reply. The opt-out confirmation goes out once: from the claim this
 * manager holds for the result (one status read, no store write), else, when it was put back,
 * from the store (used up atomically); when `send` fails it is put back again. An opt-in or help
 * reply goes through the guard. Undefined, without calling `send`, when there is nothing to send:
 * no reply, a confirmation already sent (or its window over, or the number no longer opted out by
 * that opt-out), or a reply the guard refuses.
 */
export async function sendReply<T>(
  parts: ReplyParts,
  result: ReplyResult,
  send: (phone: E164, body: string) => Promise<T>,
  onReleaseError: OnReleaseError = logReleaseError,
): Promise<T | undefined> {
  const { reply } = result;
  if (reply === undefined) return undefined;
  const { tenantId, phone } = resultKey(parts, result);
  const confirms = result.intent === 'opt_out';
  let claim: ConfirmationClaim | undefined;
  try {
    claim = confirms
      ? await replyClaim(parts, result, tenantId, phone)
      : await claimConfirmation(parts, tenantId, phone, reply);
  } catch (error) {
    if (error instanceof OptedOutError) return undefined;
    throw error;
  }
  if (confirms && !claim) return undefined;
  return sendClaimed(parts, tenantId, phone, claim, () => send(phone, reply), onReleaseError);
}

/**
 * The claim an opt-out result's reply goes out with, only while the number is still opted out by
 * that result's opt-out: the claim is this manager's memory, and another manager on the store may
 * have seen the number opt in (and out again, claiming a new confirmation of its own). The held
 * claim is taken before the status read, so a release racing this send finds nothing; it is held
 * again when the read fails. Without one, the confirmation a failed send put back in the store.
 */
async function replyClaim(
  parts: Parts,
  result: ReplyResult,
  tenantId: string,
  phone: E164,
): Promise<ConfirmationClaim | undefined> {
  const now = parts.clock.now();
  const held = parts.claims.take(tenantId, phone, claimOf(result, now));
  const stored = await parts.store.getStatus(tenantId, phone).catch((error: unknown) => {
    if (held) parts.claims.hold(tenantId, phone, held);
    throw error;
  });
  if (stored?.status !== 'opted_out' || stored.cause?.id !== result.event?.id) return undefined;
  return held ?? claimFor(parts, stored, result.reply, now);
}

/**
 * Puts back the opt-out confirmation an inbound result claimed and nobody sent: this manager no
 * longer holds it, and it is pending in the store again (see {@link releaseConfirmation}). False
 * when the result holds no claim any more (none, sent, already put back, window over) or the
 * number is no longer opted out by that opt-out.
 */
export async function releaseReply(parts: ReplyParts, result: ReplyResult): Promise<boolean> {
  if (result.intent !== 'opt_out' || result.reply === undefined) return false;
  const { tenantId, phone } = resultKey(parts, result);
  const claim = parts.claims.take(tenantId, phone, claimOf(result, parts.clock.now()));
  return claim ? releaseConfirmation(parts, tenantId, phone, claim) : false;
}
