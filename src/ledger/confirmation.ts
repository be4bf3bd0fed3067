import type { Intent } from '../classify/index.js';
import type { Clock } from '../consent/ids.js';
import { foldConsent } from '../consent/rules.js';
import type { ConsentEvent } from '../consent/types.js';
import { OptedOutError } from '../errors.js';
import type { E164 } from '../phone.js';
import type { ConsentStore, PendingConfirmation, StoredStatus } from '../store/contract.js';
import type { WriteOutcome } from './write.js';

// The one home of the FCC rule "after an opt-out the provider did not confirm, exactly one
// confirmation may be sent, at once" (47 CFR 64.1200(a)(12)): which write allows it, which inbound
// result carries it, and how the send guard lets it through once.

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

/**
 * The text an inbound keyword's result carries: the pending opt-out confirmation when this event
 * is the one that opted the number out (a redelivery of it included), or the opt-in confirmation
 * after an opt-in the provider did not confirm; none when the provider answered the keyword itself.
 */
export function inboundReply(
  intent: Extract<Intent, 'opt_out' | 'opt_in'>,
  providerBlocks: boolean,
  outcome: WriteOutcome,
  replies: Replies,
): string | undefined {
  if (intent === 'opt_out') {
    const causedIt = outcome.status.cause?.id === outcome.event.id;
    return causedIt ? outcome.pendingConfirmation?.text : undefined;
  }
  const text = replies.optInConfirmation;
  return !providerBlocks && outcome.changed && text !== false ? text : undefined;
}

/** The reply to a help request, when the provider did not answer it itself. */
export function helpReply(providerBlocks: boolean, replies: Replies): string | undefined {
  return providerBlocks || replies.help === false ? undefined : replies.help;
}

/** Whether a message may go out. */
export interface SendCheck {
  readonly allowed: boolean;
  readonly status: 'opted_out' | 'opted_in' | 'unknown';
  /** `opted_out` when refused; `opt_out_confirmation` when only the one confirmation is let through. */
  readonly reason?: 'opted_out' | 'opt_out_confirmation';
}

type Parts = { readonly store: ConsentStore; readonly clock: Clock };

/** Whether `body` may go to the number now: anything when it has not opted out, else only the pending confirmation. */
export async function sendCheck(
  { store, clock }: Parts,
  tenantId: string,
  phone: E164,
  body: string | undefined,
): Promise<SendCheck> {
  return checkStored(await store.getStatus(tenantId, phone), body, clock.now());
}

function checkStored(stored: StoredStatus | null, body: string | undefined, now: Date): SendCheck {
  if (stored?.status !== 'opted_out') return { allowed: true, status: stored?.status ?? 'unknown' };
  const { confirmation } = stored;
  const isConfirmation =
    body !== undefined &&
    confirmation !== undefined &&
    confirmation.text === body &&
    now.getTime() <= Date.parse(confirmation.until);
  return isConfirmation
    ? { allowed: true, status: 'opted_out', reason: 'opt_out_confirmation' }
    : { allowed: false, status: 'opted_out', reason: 'opted_out' };
}

/** The one confirmation a send took (see {@link claimConfirmation}), to put back if the send fails. */
export interface ConfirmationClaim extends PendingConfirmation {
  /** The opt-out the confirmation answers. */
  readonly causeEventId: string | undefined;
}

/**
 * The send guard: throws `OptedOutError` unless `body` may go out. The one confirmation is used up
 * atomically in the store (of concurrent senders exactly one gets it through) and returned as the
 * claim {@link releaseConfirmation} puts back; undefined for an ordinary allowed send.
 */
export async function claimConfirmation(
  parts: Parts,
  tenantId: string,
  phone: E164,
  body: string | undefined,
): Promise<ConfirmationClaim | undefined> {
  const stored = await parts.store.getStatus(tenantId, phone);
  const check = checkStored(stored, body, parts.clock.now());
  if (!check.allowed) throw new OptedOutError(phone, tenantId);
  const confirmation = stored?.confirmation;
  if (check.reason !== 'opt_out_confirmation' || body === undefined || !confirmation) return undefined;
  const now = parts.clock.now().toISOString();
  if (!(await parts.store.consumeConfirmation(tenantId, phone, body, now))) {
    throw new OptedOutError(
      phone,
      tenantId,
      `${phone} has opted out of SMS; its one confirmation was already sent`,
    );
  }
  return { ...confirmation, causeEventId: stored?.cause?.id };
}

/**
 * Puts a claimed confirmation back after its send failed, so that a retry can still send the one
 * confirmation: in the number's transaction, and only while the number is still opted out by the
 * same opt-out and the window is open. True when it is pending again.
 */
export async function releaseConfirmation(
  parts: Parts,
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

/**
 * Sends through the guard: `send` runs only when {@link claimConfirmation} lets `body` out, and when
 * it fails after taking the one confirmation, the confirmation is put back before the error is
 * rethrown (a failure to put it back goes to `onReleaseError`; the send's error still wins).
 */
export async function sendChecked<T>(
  parts: Parts,
  tenantId: string,
  phone: E164,
  body: string | undefined,
  send: () => Promise<T>,
  onReleaseError: (error: unknown) => void = (error) =>
    console.error('sms-consent: could not put back the opt-out confirmation of a failed send', error),
): Promise<T> {
  const claim = await claimConfirmation(parts, tenantId, phone, body);
  try {
    return await send();
  } catch (error) {
    if (claim) await releaseConfirmation(parts, tenantId, phone, claim).catch(onReleaseError);
    throw error;
  }
}
