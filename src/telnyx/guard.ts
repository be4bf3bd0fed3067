import { type GuardClientOptions, type GuardConsent, onlyFields, runGuardedSend } from '../guard-client.js';
import { TELNYX_BLOCKED_BY_STOP } from './events.js';

/** The `messages.send` parameters the guard reads; everything else is passed through. */
export interface GuardableTelnyxMessage {
  /** The recipient, in any format the manager normalizes; Telnyx receives it as E.164. */
  readonly to: string;
  readonly from?: string;
  /** The text; the one pending opt-out confirmation passes only as exactly this, as plain text. */
  readonly text?: string;
}

/**
 * The part of a Telnyx client the guard wraps: `client.messages.send` (the official `telnyx`
 * client, `new Telnyx({ apiKey })`, fits; so does anything of the same shape).
 */
export interface TelnyxMessagesClient<P extends GuardableTelnyxMessage, O, R> {
  readonly messages: { send(params: P, options?: O): PromiseLike<R> };
}

/** A Telnyx client whose `messages.send` checks consent first. */
export interface GuardedTelnyxClient<P extends GuardableTelnyxMessage, O, R> {
  readonly messages: {
    /**
     * Sends like `client.messages.send`, to the normalized recipient. Rejects with `OptedOutError`
     * before any network call when the recipient opted out (the one pending confirmation passes
     * once), and when Telnyx answers 40300 "Blocked due to STOP message".
     */
    send(params: P, options?: O): Promise<R>;
  };
}

/** Options of {@link guardTelnyxClient}. */
export type GuardTelnyxClientOptions = GuardClientOptions;

/**
 * The parameters a plain text may carry: no `media_urls`, `subject` (MMS) or `send_at` (the
 * confirmation goes at once).
 */
const PLAIN_TEXT: ReadonlySet<string> = new Set([
  'to',
  'from',
  'text',
  'type',
  'messaging_profile_id',
  'webhook_url',
  'webhook_failover_url',
  'use_profile_webhooks',
  'encoding',
  'auto_detect',
]);

/**
 * Wraps a Telnyx client so that nothing reaches a number that opted out: `messages.send`
 * normalizes `to`, checks with `consent.sendChecked` before the request, and when Telnyx refuses with
 * 40300 (the recipient texted STOP to the messaging profile:
 * https://developers.telnyx.com/docs/messaging/messages/error-codes) records the opt-out
 * (`source: 'delivery_error'`) and rejects with `OptedOutError` whose `cause` is Telnyx's error.
 *
 * @example
 * const sms = guardTelnyxClient(new Telnyx({ apiKey }), consent);
 * await sms.messages.send({ to: lead.phone, from: '+18005550100', text: 'See you at 3' });
 */
export function guardTelnyxClient<P extends GuardableTelnyxMessage, O, R>(
  client: TelnyxMessagesClient<P, O, R>,
  consent: GuardConsent,
  options: GuardTelnyxClientOptions = {},
): GuardedTelnyxClient<P, O, R> {
  return {
    messages: {
      send: (params, requestOptions) =>
        runGuardedSend(consent, options, {
          provider: 'Telnyx',
          method: 'messages.send',
          digitsAreInternational: false,
          recipients: [params?.to],
          confirmationText: onlyFields(params, PLAIN_TEXT) ? params.text : undefined,
          from: params.from,
          send: ([to]) =>
            Promise.resolve(
              requestOptions === undefined
                ? client.messages.send({ ...params, to })
                : client.messages.send({ ...params, to }, requestOptions),
            ),
          optedOutCode: telnyxOptedOutCode,
        }),
    },
  };
}

/** 40300 in the `errors` of Telnyx's error body (the SDK's `APIError.error`), or as a `code`. */
function telnyxOptedOutCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const body = (error as { error?: unknown }).error;
  const errors =
    typeof body === 'object' && body !== null ? (body as { errors?: unknown }).errors : undefined;
  const codes = Array.isArray(errors)
    ? errors.map((entry) =>
        typeof entry === 'object' && entry !== null ? (entry as { code?: unknown }).code : undefined,
      )
    : [(error as { code?: unknown }).code];
  return codes.some((code) => Number(code) === TELNYX_BLOCKED_BY_STOP) ? TELNYX_BLOCKED_BY_STOP : undefined;
}
