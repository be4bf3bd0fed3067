import { ConsentError, ValidationError } from '../errors.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import type { Refusal } from '../webhooks/body.js';
import {
  createWebhookHandler,
  decodedOnce,
  type ProviderSpec,
  type WebhookRequest,
} from '../webhooks/core.js';
import { xmlAnswer } from '../webhooks/respond.js';
import { secretList } from '../webhooks/secrets.js';
import type { ProviderEvent, WebhookHandler, WebhookHandlerOptions } from '../webhooks/types.js';
import { parseTwilioInbound } from './inbound.js';
import { decodeForm, queryParams } from './params.js';
import { type TwilioSignatureAlgorithm, twilioSignatureMatches } from './signature.js';
import { parseTwilioStatusCallback, TWILIO_UNSUBSCRIBED_RECIPIENT } from './status-callback.js';
import { EMPTY_TWIML, twimlResponse } from './twiml.js';

/**
 * The HTTP method a webhook is configured with in the Twilio console (or `StatusCallbackMethod`).
 * `POST` (Twilio's default): the fields are in the body, covered by the signature. `GET`: the fields
 * are in the query of the signed URL, and the body of a GET or HEAD is never read.
 */
export type TwilioWebhookMethod = 'POST' | 'GET';

/** Options of {@link twilioHandler}. */
export interface TwilioHandlerOptions extends WebhookHandlerOptions {
  /** The auth token that signs the webhooks; several while rotating (each is tried). */
  readonly authToken: string | readonly string[];
  /** `HMAC_SHA256` for webhooks signed with a SharedKey; default `HMAC_SHA1`. */
  readonly algorithm?: TwilioSignatureAlgorithm;
  /**
   * The HTTP method configured for this URL in the Twilio console: `'POST'` (default) or `'GET'`
   * (which admits HEAD). Any other method is refused with 405, so a captured GET URL and its
   * signature cannot be replayed as a POST, nor a POST webhook's URL as a GET.
   */
  readonly method?: TwilioWebhookMethod;
}

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/**
 * The Twilio webhook as a Fetch-API handler, `(request: Request) => Promise<Response>`, for the
 * "A message comes in" webhook and the status callback URL alike (a status callback carries
 * `MessageStatus`). It checks `X-Twilio-Signature` over the URL Twilio called and:
 * - for POST, the form parameters; a JSON body only through the URL's `bodySHA256`, which must
 *   equal the body's SHA-256 (a JSON body without it is refused: nothing would cover it);
 * - for GET and HEAD (a webhook configured as HTTP GET), the URL alone: the fields come from the
 *   query only and no body is read;
 * - any method other than the one configured (`method`, POST by default; GET admits HEAD) gets 405.
 *
 * Inbound texts answer TwiML: empty, or the one opt-out confirmation as a `<Message>` when Twilio
 * did not confirm the opt-out itself (the one `handleInbound` claimed, so a redelivery never sends a
 * second one; put back when the answer cannot carry it, as for HEAD or a failed request). A status
 * callback with error 21610 records a delivery-error opt-out.
 *
 * Answers: 403 bad or missing signature (nothing recorded), 400 malformed, 405, 408 body too slow,
 * 413 too large, 415 unsupported body, 500 store or tenant failure (Twilio retries), 200 otherwise.
 * Signatures: https://www.twilio.com/docs/usage/webhooks/webhooks-security
 *
 * @example
 * // app/api/twilio/route.ts (Next.js App Router)
 * export const POST = twilioHandler({ consent, authToken: process.env.TWILIO_AUTH_TOKEN!, publicUrl: 'https://app.example.com' });
 */
export function twilioHandler(options: TwilioHandlerOptions): WebhookHandler {
  return createWebhookHandler(twilioSpec(options, 'twilioHandler'), options, 'twilioHandler');
}

/** Which webhook a URL takes: both (told apart by `MessageStatus`), or only one (Express's two handlers). */
export type TwilioWebhookKind = 'any' | 'inbound' | 'status';

/** What {@link twilioSpec} needs of the options. */
export type TwilioSpecOptions = Pick<TwilioHandlerOptions, 'authToken' | 'algorithm' | 'method'>;

/** Twilio as a provider spec of the webhook core: every Twilio adapter is made of it. */
export function twilioSpec(
  options: TwilioSpecOptions,
  where: string,
  kind: TwilioWebhookKind = 'any',
): ProviderSpec {
  const tokens = secretList(options.authToken, 'authToken', where);
  const algorithm = options.algorithm ?? 'HMAC_SHA1';
  const method = twilioMethod(options.method, 'method', where);
  // decodeForm, not URLSearchParams: same result (it falls back to URLSearchParams on anything it
  // cannot decode the fast way, and a property test holds the two equal), and a 20-field webhook
  // decodes in about 5 µs against URLSearchParams' 6–7 µs.
  const decodeParams = (input: WebhookRequest) =>
    input.body === undefined ? queryParams(input.url) : decodeForm(input.body.text);
  const paramsOf = (input: WebhookRequest) => decodedOnce(input, decodeParams);

  return {
    provider: 'twilio',
    // HEAD is a GET without the answer's body.
    methods: method === 'GET' ? ['GET', 'HEAD'] : ['POST'],
    contentTypes: ['', FORM, JSON_TYPE],
    answersReply: true,

    verify(input): Refusal | undefined {
      const signature = input.header('x-twilio-signature') ?? undefined;
      if (!signature) return { status: 403, message: 'Missing X-Twilio-Signature header' };
      const json = input.type === JSON_TYPE;
      if (json && !hasBodyHash(input.url)) {
        return { status: 403, message: 'A JSON body is trusted only when the URL carries its bodySHA256' };
      }
      const signed = omitUndefined({
        url: input.url,
        signature,
        algorithm,
        // A JSON body is signed through its bodySHA256, never as form parameters.
        params: input.body === undefined || json ? undefined : paramsOf(input),
        rawBody: input.body?.bytes,
      });
      if (twilioSignatureMatches(tokens, signed)) return undefined;
      return {
        status: 403,
        message: `X-Twilio-Signature does not match ${input.url}; behind a proxy or tunnel, set publicUrl (and trustProxy)`,
      };
    },

    parse(input): readonly ProviderEvent[] {
      const params = input.type === JSON_TYPE ? jsonParams(input.body?.text ?? '') : paramsOf(input);
      if (kind === 'status' || (kind === 'any' && params.MessageStatus !== undefined)) {
        const callback = parseTwilioStatusCallback(params);
        return [
          {
            kind: 'status',
            status: { ...callback, optedOut: callback.errorCode === TWILIO_UNSUBSCRIBED_RECIPIENT },
          },
        ];
      }
      const message = parseTwilioInbound(params);
      return [{ kind: 'inbound', message, accountId: message.accountId }];
    },

    respond({ events, replies }) {
      return xmlAnswer(events[0]?.kind === 'inbound' ? twimlResponse(replies[0]) : EMPTY_TWIML);
    },
  };
}

/** The configured method: `POST` by default; anything else is a `CONFIG` error. */
export function twilioMethod(value: unknown, name: string, where: string): TwilioWebhookMethod {
  if (value === undefined) return 'POST';
  if (value === 'POST' || value === 'GET') return value;
  throw new ConsentError('CONFIG', `${where}: ${name} must be 'POST' or 'GET', got ${String(value)}`);
}

function hasBodyHash(url: string): boolean {
  try {
    return (new URL(url).searchParams.get('bodySHA256') ?? '') !== '';
  } catch {
    return false;
  }
}

function jsonParams(text: string): Readonly<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`Malformed JSON body: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError('Malformed JSON body: expected an object of Twilio fields');
  }
  return parsed as Record<string, unknown>;
}
