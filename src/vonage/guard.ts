import { type GuardClientOptions, type GuardConsent, onlyFields, runGuardedSend } from '../guard-client.js';

/**
 * The SMS API's answer for a recipient on Vonage's barred list: "Number Barred. The number you are
 * trying to send messages to is blacklisted and may not receive them"
 * (https://developer.vonage.com/en/api-errors/sms).
 */
export const VONAGE_SMS_NUMBER_BARRED = 7;

/** A Messages API message as `messages.send` takes it: the fields the guard reads. */
export interface GuardableVonageMessage {
  /** The recipient: E.164 digits (Vonage wants no `+`); any format the manager normalizes. */
  readonly to: string;
  readonly from?: string;
  readonly text?: string;
  readonly channel?: string;
  readonly messageType?: string;
  readonly message_type?: string;
}

/** An SMS API message as `sms.send` takes it: the fields the guard reads. */
export interface GuardableVonageSms {
  readonly to: string;
  readonly from?: string;
  readonly text?: string;
  readonly type?: string;
}

/** `@vonage/messages`' `Messages` (or `vonage.messages` of `@vonage/server-sdk`): its `send`. */
export interface VonageMessagesClient<M extends object, R> {
  send(message: M): Promise<R>;
}

/** `@vonage/sms`' `SMS` (or `vonage.sms` of `@vonage/server-sdk`): its `send`. */
export interface VonageSmsClient<S, R> {
  send(params: S): Promise<R>;
}

/** Options of the Vonage guards. */
export type GuardVonageClientOptions = GuardClientOptions;

const MESSAGES_PLAIN_TEXT: ReadonlySet<string> = new Set([
  'to',
  'from',
  'text',
  'channel',
  'messageType',
  'message_type',
  'clientRef',
  'client_ref',
  'webhookUrl',
  'webhook_url',
  'webhookVersion',
  'webhook_version',
  'sms',
  'ttl',
]);

const SMS_PLAIN_TEXT: ReadonlySet<string> = new Set([
  'to',
  'from',
  'text',
  'type',
  'callback',
  'clientRef',
  'statusReportReq',
  'ttl',
  'accountRef',
  'entityId',
  'contentId',
]);

/**
 * Wraps the Messages API client so that nothing reaches a number that opted out: `send` normalizes
 * `to` and checks with `consent.sendChecked` before the request, and so for the `to` of every `failover`
 * message; a Messenger message, addressed to a page-scoped id rather than a number, passes unchecked. Vonage accepts a send to an opted-out
 * number (202) and reports it in a `rejected` status, which `vonageHandler` records with
 * `optedOutErrorCodes`; so by default no error of the send itself is taken for an opt-out.
 *
 * @example
 * const messages = guardVonageMessages(vonage.messages, consent);
 * await messages.send(new SMS({ to: '14155552671', from: '18005550100', text: 'See you at 3' }));
 */
export function guardVonageMessages<M extends object, R>(
  client: VonageMessagesClient<M, R>,
  consent: GuardConsent,
  options: GuardVonageClientOptions = {},
): VonageMessagesClient<M, R> {
  return {
    send: (sent) => {
      // The SDK's message types are a union of every channel's; the guard reads only these fields.
      const message = sent as GuardableVonageMessage;
      // Each failover message is a send of its own, to its own `to`: each is checked like the first.
      const failover = (sent as { failover?: unknown })?.failover;
      const fallbacks: unknown[] =
        failover === undefined ? [] : Array.isArray(failover) ? failover : [failover];
      const addressed = [message, ...fallbacks].map((entry) =>
        (entry as GuardableVonageMessage | null)?.channel === 'messenger' ? undefined : entry,
      );
      const checked = addressed.filter((entry) => entry !== undefined);
      if (checked.length === 0) return client.send(sent);
      const type = message?.messageType ?? message?.message_type;
      const plain =
        onlyFields(message, MESSAGES_PLAIN_TEXT) &&
        (message.channel ?? 'sms') === 'sms' &&
        (type ?? 'text') === 'text';
      return runGuardedSend(consent, options, {
        provider: 'Vonage',
        method: 'messages.send',
        digitsAreInternational: true,
        recipients: checked.map((entry) => (entry as GuardableVonageMessage | null)?.to),
        confirmationText: plain ? message.text : undefined,
        from: message.from,
        send: (phones) => {
          const digits = new Map<unknown, string | undefined>(
            checked.map((entry, index) => [entry, phones[index]?.slice(1)]),
          );
          const addressedTo = (entry: unknown) =>
            digits.has(entry) ? { ...(entry as object), to: digits.get(entry) } : entry;
          // Copied field by field, so a message class (`new SMS(...)`) keeps its own fields.
          return client.send({
            ...(addressedTo(sent) as M),
            ...(Array.isArray(failover) ? { failover: failover.map(addressedTo) } : {}),
          });
        },
        optedOutCode: () => undefined,
      });
    },
  };
}

/**
 * Wraps the SMS API client so that nothing reaches a number that opted out: `send` normalizes `to`
 * and checks with `consent.sendChecked` before the request, and when Vonage answers status 7 ("Number
 * Barred", the SDK's `MessageSendAllFailure`) records the opt-out (`source: 'delivery_error'`) and
 * rejects with `OptedOutError`. A send to a number that opted out at Vonage is otherwise accepted
 * and refused later with `err-code` 9 in the delivery receipt, which `vonageHandler` records.
 *
 * @example
 * const sms = guardVonageSms(vonage.sms, consent);
 * await sms.send({ to: '14155552671', from: '18005550100', text: 'See you at 3' });
 */
export function guardVonageSms<S, R>(
  client: VonageSmsClient<S, R>,
  consent: GuardConsent,
  options: GuardVonageClientOptions = {},
): VonageSmsClient<S, R> {
  return {
    send: (sent) => {
      const params = sent as GuardableVonageSms;
      return runGuardedSend(consent, options, {
        provider: 'Vonage',
        method: 'sms.send',
        digitsAreInternational: true,
        recipients: [params?.to],
        confirmationText:
          onlyFields(params, SMS_PLAIN_TEXT) && (params.type === undefined || params.type !== 'binary')
            ? params.text
            : undefined,
        from: params.from,
        send: ([to]) => client.send({ ...(sent as object), to: to?.slice(1) } as S),
        optedOutCode: barredCode,
      });
    },
  };
}

/**
 * `@vonage/server-sdk`'s `Vonage` (or any object with its `messages` and `sms`) with both send
 * paths guarded; see {@link guardVonageMessages} and {@link guardVonageSms}.
 *
 * @example
 * const guarded = guardVonageClient(new Vonage({ apiKey, apiSecret, applicationId, privateKey }), consent);
 * await guarded.sms.send({ to: '14155552671', from: '18005550100', text: 'See you at 3' });
 */
export function guardVonageClient<M extends object, R, S, Q>(
  client: { readonly messages: VonageMessagesClient<M, R>; readonly sms: VonageSmsClient<S, Q> },
  consent: GuardConsent,
  options: GuardVonageClientOptions = {},
): { readonly messages: VonageMessagesClient<M, R>; readonly sms: VonageSmsClient<S, Q> } {
  return {
    messages: guardVonageMessages(client.messages, consent, options),
    sms: guardVonageSms(client.sms, consent, options),
  };
}

/** Status 7 in the SMS API's answer (`MessageSendAllFailure#response.messages`). */
function barredCode(error: unknown): number | undefined {
  const response =
    typeof error === 'object' && error !== null ? (error as { response?: unknown }).response : undefined;
  const messages =
    typeof response === 'object' && response !== null
      ? (response as { messages?: unknown }).messages
      : undefined;
  if (!Array.isArray(messages)) return undefined;
  return messages.some(
    (message) => Number((message as { status?: unknown } | null)?.status) === VONAGE_SMS_NUMBER_BARRED,
  )
    ? VONAGE_SMS_NUMBER_BARRED
    : undefined;
}
