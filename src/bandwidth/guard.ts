import { type GuardClientOptions, type GuardConsent, onlyFields, runGuardedSend } from '../guard-client.js';

/** The `createMessage` request fields the guard reads; everything else is passed through. */
export interface GuardableBandwidthMessage {
  /** The recipients (a `Set` in `bandwidth-sdk`'s types, an array on the wire); each is checked. */
  readonly to: Iterable<string>;
  readonly from?: string;
  /** The text; the one pending confirmation passes only as exactly this, to one recipient, as plain text. */
  readonly text?: string;
}

/**
 * The part of a Bandwidth client the guard wraps: `MessagesApi#createMessage(accountId, request)`
 * of `bandwidth-sdk` (`new MessagesApi(new Configuration({ clientId, clientSecret }))`), or anything
 * of the same shape.
 */
export interface BandwidthMessagesClient<P extends GuardableBandwidthMessage, O, R> {
  createMessage(accountId: string, request: P, options?: O): Promise<R>;
}

/** A Bandwidth `MessagesApi` whose `createMessage` checks consent first. */
export interface GuardedBandwidthClient<P extends GuardableBandwidthMessage, O, R> {
  /**
   * Sends like `MessagesApi#createMessage`, to the normalized recipients. Rejects with
   * `OptedOutError` before any network call when any recipient opted out (the one pending
   * confirmation passes once, to a single recipient).
   */
  createMessage(accountId: string, request: P, options?: O): Promise<R>;
}

/** Options of {@link guardBandwidthClient}. */
export type GuardBandwidthClientOptions = GuardClientOptions;

/** A plain text: no `media`, and nothing but routing and bookkeeping fields. */
const PLAIN_TEXT: ReadonlySet<string> = new Set([
  'applicationId',
  'to',
  'from',
  'text',
  'tag',
  'priority',
  'expiration',
]);

/**
 * Wraps a Bandwidth `MessagesApi` so that nothing reaches a number that opted out: each `to` is
 * normalized and checked with `consent.sendChecked` before the request. Bandwidth accepts a send
 * to an opted-out recipient (202) and reports the carrier's refusal, 4775, later in a
 * `message-failed` callback, which `bandwidthHandler` records; so by default no error of the send
 * itself is taken for an opt-out (`isOptedOutError` can name one; it counts for a single recipient).
 * https://dev.bandwidth.com/docs/messaging/errors
 *
 * @example
 * const messages = guardBandwidthClient(new MessagesApi(config), consent);
 * await messages.createMessage(accountId, { applicationId, to: new Set([lead.phone]), from: '+18005550100', text: 'See you at 3' });
 */
export function guardBandwidthClient<P extends GuardableBandwidthMessage, O, R>(
  client: BandwidthMessagesClient<P, O, R>,
  consent: GuardConsent,
  options: GuardBandwidthClientOptions = {},
): GuardedBandwidthClient<P, O, R> {
  return {
    createMessage: (accountId, request, requestOptions) => {
      const given = request?.to;
      const recipients = typeof given === 'string' ? [given] : given ? [...given] : [];
      return runGuardedSend(consent, options, {
        provider: 'Bandwidth',
        method: 'createMessage',
        digitsAreInternational: false,
        recipients,
        confirmationText: onlyFields(request, PLAIN_TEXT) ? request.text : undefined,
        from: request.from,
        send: (to) => {
          // Keep the caller's container: the SDK's types say Set, its serializer writes an array.
          const sent = { ...request, to: given instanceof Set ? new Set(to) : [...to] };
          return requestOptions === undefined
            ? client.createMessage(accountId, sent)
            : client.createMessage(accountId, sent, requestOptions);
        },
        optedOutCode: () => undefined,
      });
    },
  };
}
