import { type GuardClientOptions, type GuardConsent, onlyFields, runGuardedSend } from '../guard-client.js';
import type { E164 } from '../phone.js';

/** `messages.create` in object form: the fields the guard reads; everything else is passed through. */
export interface PlivoMessageParams {
  readonly src?: string;
  /** The recipient, E.164 with or without `+` as Plivo takes it; several joined with `<` are each checked. */
  readonly dst: string;
  readonly text?: string;
  readonly type?: string;
  readonly powerpackUUID?: string;
  readonly [field: string]: unknown;
}

/** How `messages.create` sends: one object, or `(src, dst, text, optionalParams, powerpackUUID)`. */
export interface PlivoCreate<R> {
  (params: PlivoMessageParams): Promise<R>;
  (src: string, dst: string, text: string, optionalParams?: object, powerpackUUID?: string): Promise<R>;
}

/** `messages.create` as the official client types it (its object form shares the first parameter). */
type PlivoClientCreate<R> = (
  src: string,
  dst: string,
  text: string,
  optionalParams?: object,
  powerpackUUID?: string,
) => Promise<R>;

/**
 * The part of a Plivo client the guard wraps: `client.messages.create` (the official
 * `new plivo.Client(authId, authToken)` fits; so does anything of the same shape).
 */
export interface PlivoMessagesClient<R> {
  readonly messages: { create: PlivoClientCreate<R> };
}

/** A Plivo client whose `messages.create` checks consent first. */
export interface GuardedPlivoClient<R> {
  readonly messages: {
    /**
     * Sends like `client.messages.create`, in either form, to the normalized recipients. Rejects
     * with `OptedOutError` before any network call when any recipient opted out (the one pending
     * confirmation passes once, to a single recipient, as plain text).
     */
    create: PlivoCreate<R>;
  };
}

/** Options of {@link guardPlivoClient}. */
export type GuardPlivoClientOptions = GuardClientOptions;

/** A plain SMS: no media, WhatsApp template, interactive or location content. */
const PLAIN_TEXT: ReadonlySet<string> = new Set([
  'src',
  'dst',
  'text',
  'type',
  'url',
  'method',
  'log',
  'powerpackUUID',
  'trackable',
  'messageExpiry',
  'dlt_entity_id',
  'dlt_template_id',
  'dlt_template_category',
]);

/**
 * Wraps a Plivo client so that nothing reaches a number that opted out: `messages.create` (object
 * or positional form) normalizes each `dst` (several joined with `<`) and runs
 * `consent.sendChecked` before the request. Plivo accepts a send to a number that texted STOP
 * and reports error 200 later in the status callback, which `plivoHandler` records
 * (https://www.plivo.com/docs/messaging/concepts/dnd-service); so by default no error of the send
 * itself is taken for an opt-out (`isOptedOutError` can name one; it counts for a single recipient).
 *
 * @example
 * const sms = guardPlivoClient(new plivo.Client(authId, authToken), consent);
 * await sms.messages.create({ src: '+18005550100', dst: lead.phone, text: 'See you at 3' });
 */
export function guardPlivoClient<R>(
  client: PlivoMessagesClient<R>,
  consent: GuardConsent,
  options: GuardPlivoClientOptions = {},
): GuardedPlivoClient<R> {
  const create = (...args: [PlivoMessageParams] | Parameters<PlivoClientCreate<R>>): Promise<R> => {
    const [first, dst, text, optionalParams, powerpackUUID] = args as [
      string | PlivoMessageParams,
      string | undefined,
      string | undefined,
      object | undefined,
      string | undefined,
    ];
    const objectForm = args.length === 1 && typeof first === 'object' && first !== null;
    const params: Record<string, unknown> = objectForm
      ? { ...first }
      : { ...(optionalParams ?? {}), src: first, dst, text, powerpackUUID };
    const given = params.dst;
    const recipients = typeof given === 'string' ? given.split('<') : [given];
    const joined = (to: readonly E164[]) =>
      to.map((phone, index) => sameStyle(recipients[index], phone)).join('<');
    return runGuardedSend(consent, options, {
      provider: 'Plivo',
      method: 'messages.create',
      digitsAreInternational: true,
      recipients,
      confirmationText:
        onlyFields(params, PLAIN_TEXT) &&
        (params.type === undefined || params.type === 'sms') &&
        typeof params.text === 'string'
          ? params.text
          : undefined,
      from: params.src,
      send: (to) =>
        objectForm
          ? // The official client tells the forms apart by the number of arguments.
            Reflect.apply(client.messages.create, client.messages, [
              { ...(first as PlivoMessageParams), dst: joined(to) },
            ])
          : client.messages.create(
              first as string,
              joined(to),
              text as string,
              optionalParams,
              powerpackUUID,
            ),
      optedOutCode: () => undefined,
    });
  };
  return { messages: { create: create as PlivoCreate<R> } };
}

/** The normalized number written as the caller wrote it: with `+`, or E.164 digits without. */
function sameStyle(original: unknown, phone: E164): string {
  return typeof original === 'string' && original.trim().startsWith('+') ? phone : phone.slice(1);
}
