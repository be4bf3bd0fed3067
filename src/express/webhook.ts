import type { Request, RequestHandler } from 'express';
import { ConsentError } from '../errors.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import type { ConsentManager, InboundResult, RecordResult } from '../manager/manager.js';
import { serveExchange } from '../node/exchange.js';
import { type TwilioWebhookMethod, twilioMethod, twilioSpec } from '../twilio/handler.js';
import type { TwilioInboundMessage } from '../twilio/inbound.js';
import type { TwilioStatusCallback } from '../twilio/status-callback.js';
import { type CoreOptions, createWebhookEntry } from '../webhooks/core.js';
import type { ExchangeEntry } from '../webhooks/exchange.js';
import type {
  ProviderEvent,
  WebhookInboundEvent,
  WebhookStatusEvent,
  WebhookTenantContext,
} from '../webhooks/types.js';
import { expressExchange } from './exchange.js';

/** What a `tenant` function learns about a request, to pick the tenant it belongs to. */
export interface TenantContext {
  /** Which handler asks. */
  readonly kind: 'inbound' | 'status';
  /** The tenant's own number: `To` of an inbound message, `From` of a status callback (when sent). */
  readonly number?: string;
  /** `AccountSid`, when sent. */
  readonly accountSid?: string;
  /** `MessagingServiceSid`, when sent. */
  readonly messagingServiceSid?: string;
  readonly request: Request;
}

/**
 * Maps a request to a tenant id. Returning `undefined` (or `''`) is a configuration error: the
 * request is answered 500 (Twilio retries) and reported to `onError`, never recorded under a guessed
 * tenant. Without a `tenant` option every request goes to the manager's default tenant.
 */
export type TenantResolver = (context: TenantContext) => string | undefined | Promise<string | undefined>;

/** What `onInbound` receives. */
export interface InboundWebhookEvent {
  readonly message: TwilioInboundMessage;
  /**
   * What the manager recorded. `duplicate` is true for a retry of a message already handled;
   * `reply`, when present, is the confirmation `handleInbound` claimed, which the answer carries
   * unless `onInbound` sends it itself (`consent.sendReply`).
   */
  readonly result: InboundResult;
  readonly tenantId: string | undefined;
  readonly request: Request;
}

/** What `onStatus` receives. */
export interface StatusWebhookEvent {
  readonly callback: TwilioStatusCallback;
  /** The opt-out recorded for error 21610, or null when the callback changed nothing. */
  readonly recorded: RecordResult | null;
  readonly tenantId: string | undefined;
  readonly request: Request;
}

/** Options of {@link createTwilioWebhook}. */
export interface TwilioWebhookOptions {
  /** The consent manager that records what the webhooks report. */
  readonly consent: Pick<ConsentManager, 'handleInbound' | 'sendReply' | 'releaseReply' | 'record'>;
  /** The auth token of the Twilio account that signs the webhooks. */
  readonly authToken: string;
  /**
   * The origin Twilio calls, e.g. `https://app.example.com` (plus any path prefix a proxy strips),
   * or the allow-list of them when the app answers on several; the request's path and query are
   * appended, and a request signed for any other URL is refused. Set it in production: without it
   * the request's own `Host` header names the URL, so a request Twilio signed for another app of the
   * same account can be replayed here.
   */
  readonly publicUrl?: string | readonly string[];
  /**
   * Let `X-Forwarded-Proto` and `X-Forwarded-Host` pick which `publicUrl` the request came through;
   * a forwarded origin outside `publicUrl` is refused (403). Requires `publicUrl`.
   */
  readonly trustProxy?: boolean;
  /** A fixed tenant id, or a function mapping a request to one (by `To` number or `AccountSid`). */
  readonly tenant?: string | TenantResolver;
  /**
   * The method the inbound webhook is configured with (default `POST`). Any other method is answered
   * 405 and records nothing; `GET` also admits HEAD, with the fields from the URL alone.
   */
  readonly method?: TwilioWebhookMethod;
  /** The method of the status callback (default `POST`), with the same rules as `method`. */
  readonly statusMethod?: TwilioWebhookMethod;
  /** Largest body accepted, in bytes (default 100 KiB); larger ones get 413. */
  readonly maxBodyBytes?: number;
  /**
   * Milliseconds the body may take to arrive once the handler starts reading it (default 10 000;
   * Twilio sends its small body at once). A slower upload is answered 408 and its connection closed,
   * so stalled uploads are not held for Node's `requestTimeout` (300 s by default).
   */
  readonly bodyTimeoutMs?: number;
  /**
   * Runs after an inbound text is recorded and before the answer: store the message in the app.
   * Throwing answers 500 so Twilio retries (recording is idempotent: the retry is a `duplicate`).
   */
  readonly onInbound?: (event: InboundWebhookEvent) => void | Promise<void>;
  /** Runs after a status callback is handled; throwing answers 500 so Twilio retries. */
  readonly onStatus?: (event: StatusWebhookEvent) => void | Promise<void>;
  /** Receives failures answered with 500 (default `console.error`). */
  readonly onError?: (error: unknown, request: Request) => void;
}

/** The two Express handlers of {@link createTwilioWebhook}. */
export interface TwilioWebhook {
  /** For the number's (or Messaging Service's) "A message comes in" webhook. */
  readonly inbound: RequestHandler;
  /** For the status callback URL of outbound messages. */
  readonly status: RequestHandler;
}

const WHERE = 'createTwilioWebhook';

/**
 * Creates the Twilio webhook handlers for Express 4 and 5: the webhook core of
 * `twilioHandler` (`sms-consent/twilio`), read straight from Express's request. Each reads its own body
 * (form-encoded, or JSON signed through the URL's `bodySHA256`, at most `maxBodyBytes`; for a
 * webhook configured with `method: 'GET'`, the query string and never a body), checks
 * `X-Twilio-Signature` against the URL Twilio called as `twilio.validateRequest` does, validates
 * the fields and records through the consent manager:
 * - `inbound` answers TwiML: empty `<Response/>`, or the one opt-out confirmation as a `<Message>`
 *   when Twilio did not confirm the opt-out itself (the one `handleInbound` claimed, so a retried
 *   webhook never sends a second one). A duplicate `MessageSid` records nothing new.
 * - `status` records an opt-out for `ErrorCode=21610`; other statuses change nothing.
 *
 * Answers: 403 bad or missing signature, or a JSON body without `bodySHA256` (nothing recorded),
 * 405 a method the webhook is not configured for, 400 malformed fields (the message names them),
 * 408 body too slow (`bodyTimeoutMs`), 413 too large, 415 unsupported content type, 500 store
 * failure (Twilio retries), 200 once recorded.
 *
 * @example
 * const hook = createTwilioWebhook({ consent, authToken: process.env.TWILIO_AUTH_TOKEN!, publicUrl: 'https://app.example.com' });
 * app.post('/twilio/inbound', hook.inbound);
 * app.post('/twilio/status', hook.status);
 */
export function createTwilioWebhook(options: TwilioWebhookOptions): TwilioWebhook {
  const { authToken } = options;
  if (typeof authToken !== 'string' || authToken === '') {
    throw new ConsentError('CONFIG', `${WHERE}: authToken is required to check Twilio signatures`);
  }
  const core = coreOptions(options);
  const inboundSpec = twilioSpec(
    { authToken, method: twilioMethod(options.method, 'method', WHERE) },
    WHERE,
    'inbound',
  );
  const statusSpec = twilioSpec(
    { authToken, method: twilioMethod(options.statusMethod, 'statusMethod', WHERE) },
    WHERE,
    'status',
  );
  return {
    inbound: expressHandler(createWebhookEntry(inboundSpec, core, WHERE)),
    status: expressHandler(createWebhookEntry(statusSpec, core, WHERE)),
  };
}

/** An exchange entry as an Express handler. */
function expressHandler(entry: ExchangeEntry<Request>): RequestHandler {
  const reportError = (error: unknown) => console.error('sms-consent: Twilio webhook failed', error);
  return (req, res) => serveExchange(entry, expressExchange(req), req, res, reportError);
}

/** The core's options from this API's: the same names, with the hooks given this API's events. */
function coreOptions(options: TwilioWebhookOptions): CoreOptions<Request> {
  const { tenant, onInbound, onStatus } = options;
  return omitUndefined({
    consent: options.consent,
    publicUrl: options.publicUrl,
    trustProxy: options.trustProxy,
    maxBodyBytes: options.maxBodyBytes,
    bodyTimeoutMs: options.bodyTimeoutMs,
    onError: options.onError,
    tenant:
      tenant === undefined || typeof tenant === 'string'
        ? tenant
        : (context: WebhookTenantContext<Request>, event: ProviderEvent) =>
            tenant(
              omitUndefined({
                kind: context.kind,
                number: context.number,
                accountSid: context.accountId,
                messagingServiceSid: messagingServiceOf(event),
                request: context.request,
              }),
            ),
    onInbound:
      onInbound &&
      (({ message, result, tenantId, request }: WebhookInboundEvent<Request>) =>
        // twilioSpec's inbound events carry the whole TwilioInboundMessage.
        onInbound({ message: message as TwilioInboundMessage, result, tenantId, request })),
    onStatus:
      onStatus &&
      (({
        status: { optedOut: _optedOut, ...callback },
        recorded,
        tenantId,
        request,
      }: WebhookStatusEvent<Request>) => onStatus({ callback, recorded, tenantId, request })),
  });
}

/** The `MessagingServiceSid` a Twilio event carries, for the tenant function. */
function messagingServiceOf(event: ProviderEvent): string | undefined {
  if (event.kind === 'inbound') return (event.message as TwilioInboundMessage).messagingServiceSid;
  if (event.kind === 'status') return (event.status as Partial<TwilioStatusCallback>).messagingServiceSid;
  return undefined;
}
