import { ValidationError } from '../errors.js';
import { recordProviderRefusal } from '../guard-send.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import type { ConsentManager } from '../manager/manager.js';
import { TWILIO_UNSUBSCRIBED_RECIPIENT } from './status-callback.js';

/** The parameters the guard reads from `messages.create`; everything else is passed through. */
export interface GuardableMessageParams {
  /** The recipient: any format the manager normalizes, optionally with a `whatsapp:` channel prefix. */
  readonly to: string;
  /**
   * The text; the one pending opt-out confirmation passes the guard only with exactly its text and
   * no other content parameter.
   */
  readonly body?: string;
  /** The sender number, kept as evidence when Twilio answers 21610. */
  readonly from?: string;
}

/**
 * The part of a Twilio client the guard wraps: `client.messages.create`. The official client
 * (`twilio(accountSid, authToken)`) fits, and so does any fake with the same shape.
 */
export interface TwilioMessagesClient<P extends GuardableMessageParams, R> {
  readonly messages: { create(params: P): Promise<R> };
}

/** A client whose `messages.create` checks consent first. */
export interface GuardedTwilioClient<P extends GuardableMessageParams, R> {
  readonly messages: {
    /**
     * Sends like `client.messages.create`, to the normalized recipient. Rejects with
     * `OptedOutError` before any network call when the recipient opted out (except the one pending
     * opt-out confirmation, which passes once), and when Twilio answers 21610.
     */
    create(params: P): Promise<R>;
  };
}

/** Options of {@link guardTwilioClient}. */
export interface GuardTwilioClientOptions {
  /** The tenant whose consent applies (default: the manager's default tenant). */
  readonly tenantId?: string;
  /**
   * Receives a failure to record the opt-out Twilio reported with 21610 (default `console.error`).
   * The send still rejects with `OptedOutError`; the next attempt gets 21610 again and records it.
   */
  readonly onRecordError?: (error: unknown) => void;
}

const CHANNEL_PREFIX = /^\s*(whatsapp):/i;

/**
 * The only `messages.create` parameters the opt-out confirmation may carry: the FCC allows one plain
 * text, sent at once, so no media, content template, schedule or other extra rides along with it.
 */
const PLAIN_TEXT_PARAMS: ReadonlySet<string> = new Set([
  'to',
  'from',
  'messagingServiceSid',
  'body',
  'statusCallback',
]);

/** True when `params` is a plain text message: only {@link PLAIN_TEXT_PARAMS} set. */
function isPlainText(params: GuardableMessageParams): boolean {
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && !PLAIN_TEXT_PARAMS.has(name)) return false;
  }
  return true;
}

/**
 * Wraps a Twilio client so that nothing can be sent to a number that opted out: `create` normalizes
 * `to`, checks `consent.assertCanSend(to, { body })` before any network call (through
 * `consent.sendChecked`, so a confirmation whose send failed is put back), and when Twilio itself
 * refuses the send with error 21610 (the recipient texted STOP to Twilio) records the opt-out
 * (`source: 'delivery_error'`) and rejects with `OptedOutError` whose `cause` is Twilio's error.
 * The one FCC-allowed confirmation after an opt-out passes once, when `body` is exactly that text
 * and the message is plain text (only `to`, `from`, `messagingServiceSid`, `body` and
 * `statusCallback`): with `mediaUrl`, `contentSid` or any other parameter it is refused like any
 * other send to that number.
 *
 * @example
 * const sms = guardTwilioClient(twilio(accountSid, authToken), consent, { tenantId: 'acme' });
 * try {
 *   await sms.messages.create({ to: lead.phone, from: '+18005550100', body: 'See you at 3' });
 * } catch (error) {
 *   if (error instanceof OptedOutError) showOptedOut(lead);
 *   else throw error;
 * }
 */
export function guardTwilioClient<P extends GuardableMessageParams, R>(
  client: TwilioMessagesClient<P, R>,
  consent: Pick<ConsentManager, 'normalize' | 'sendChecked' | 'record'>,
  options: GuardTwilioClientOptions = {},
): GuardedTwilioClient<P, R> {
  const tenant = omitUndefined({ tenantId: options.tenantId });
  const reportRecordError =
    options.onRecordError ??
    ((error: unknown) => console.error('sms-consent: could not record the opt-out of a 21610 answer', error));

  return {
    messages: {
      async create(params) {
        if (typeof params?.to !== 'string' || params.to.trim() === '') {
          throw new ValidationError('messages.create: `to` is required', [
            { path: 'to', message: 'is required' },
          ]);
        }
        const channel = CHANNEL_PREFIX.exec(params.to)?.[1]?.toLowerCase();
        const phone = consent.normalize(params.to);
        // Only a plain text may be the confirmation; anything richer is checked as an ordinary send.
        const confirmation = params.body !== undefined && isPlainText(params);
        const check = { ...tenant, ...(confirmation ? { body: params.body } : {}) };
        const to = channel ? `${channel}:${phone}` : phone;
        // Only a failure of Twilio itself may be its 21610; the guard's own refusal is not.
        let attempted = false;
        try {
          return await consent.sendChecked(phone, check, () => {
            attempted = true;
            return client.messages.create({ ...params, to });
          });
        } catch (error) {
          if (!attempted || !isUnsubscribedRecipient(error)) throw error;
          throw await recordProviderRefusal(consent, {
            phone,
            tenantId: options.tenantId,
            evidence: omitUndefined({ errorCode: TWILIO_UNSUBSCRIBED_RECIPIENT, to, from: params.from }),
            reason: `has unsubscribed at Twilio (error ${TWILIO_UNSUBSCRIBED_RECIPIENT})`,
            cause: error,
            reportRecordError,
          });
        }
      },
    },
  };
}

/** Twilio's RestException for 21610 (`code` 21610, `status` 400), or anything shaped like it. */
function isUnsubscribedRecipient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  return Number((error as { code?: unknown }).code) === TWILIO_UNSUBSCRIBED_RECIPIENT;
}
