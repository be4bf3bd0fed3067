import type { InboundMessage } from '../consent/inputs.js';
import type { ConsentManager, InboundResult, RecordResult } from '../manager/manager.js';

/** The providers with a webhook handler. */
export type WebhookProvider = 'twilio' | 'telnyx' | 'plivo' | 'vonage' | 'bandwidth';

/**
 * What a `tenant` function learns about a request, to pick the tenant it belongs to. `R` is the
 * request the hooks see: a Fetch `Request` for the Fetch handlers.
 */
export interface WebhookTenantContext<R = Request> {
  readonly provider: WebhookProvider;
  /** Which kind of webhook asks. */
  readonly kind: 'inbound' | 'status';
  /** The tenant's own number: `to` of an inbound message, `from` of a status callback (when sent). */
  readonly number?: string;
  /** The provider's account, application or profile id, when the webhook carries one. */
  readonly accountId?: string;
  /**
   * The request, built on first read (a getter on the context's prototype, so `{ ...context }`
   * leaves it out: read it, or destructure it).
   */
  readonly request: R;
}

/**
 * Maps a request to a tenant id. Returning `undefined` (or `''`) fails closed: the request is
 * answered 500 (the provider retries) and reported to `onError`, never recorded under a guessed tenant.
 */
export type WebhookTenantResolver<R = Request> = (
  context: WebhookTenantContext<R>,
) => string | undefined | Promise<string | undefined>;

/** An inbound text, parsed from any provider's webhook. */
export interface ProviderInbound extends InboundMessage {
  readonly from: string;
  readonly to: string;
  readonly body: string;
  /** The provider's message id: the idempotency key, so a redelivery records nothing twice. */
  readonly messageId: string;
}

/** A delivery status callback, parsed from any provider's webhook. */
export interface ProviderStatus {
  /** The provider's id of the outbound message. */
  readonly messageId: string;
  /** The provider's status word, lower-cased (delivered, failed, …). */
  readonly status: string;
  /** The recipient (the lead). */
  readonly to: string;
  /** The tenant's number, when sent. */
  readonly from?: string;
  /** The provider's error code, when the message failed. */
  readonly errorCode?: number;
  /** True when the error code means the recipient opted out at the provider (Twilio 21610 and the like). */
  readonly optedOut: boolean;
  readonly accountId?: string;
}

/** One thing a webhook reports: an inbound text, a status callback, or an event this library ignores. */
export type ProviderEvent =
  | { readonly kind: 'inbound'; readonly message: ProviderInbound; readonly accountId?: string }
  | { readonly kind: 'status'; readonly status: ProviderStatus }
  | { readonly kind: 'ignored'; readonly type: string };

/** What `onInbound` receives. */
export interface WebhookInboundEvent<R = Request> {
  readonly provider: WebhookProvider;
  readonly message: ProviderInbound;
  /**
   * What the manager recorded. `duplicate` is true for a redelivery. `reply`, when present, is the
   * one opt-out (or HELP/START) confirmation; the opt-out one is claimed for this result. Where the
   * answer does not carry it (all but Twilio and Plivo), send it with `consent.sendReply(result,
   * send)` or through `guardSend` or a guarded client, which let exactly that text through once; one
   * that `onInbound` did not send is put back when it returns, for the send guard to send later.
   */
  readonly result: InboundResult;
  readonly tenantId: string | undefined;
  /**
   * The request, built on first read (a getter on the context's prototype, so `{ ...context }`
   * leaves it out: read it, or destructure it).
   */
  readonly request: R;
}

/** What `onStatus` receives. */
export interface WebhookStatusEvent<R = Request> {
  readonly provider: WebhookProvider;
  readonly status: ProviderStatus;
  /** The opt-out recorded for a "recipient opted out" error, or null when the callback changed nothing. */
  readonly recorded: RecordResult | null;
  readonly tenantId: string | undefined;
  /**
   * The request, built on first read (a getter on the context's prototype, so `{ ...context }`
   * leaves it out: read it, or destructure it).
   */
  readonly request: R;
}

/** The manager methods a webhook handler uses. */
export type WebhookConsent = Pick<ConsentManager, 'handleInbound' | 'sendReply' | 'releaseReply' | 'record'>;

/** Options every provider's handler takes. */
export interface WebhookHandlerOptions<R = Request> {
  /** The consent manager that records what the webhooks report. */
  readonly consent: WebhookConsent;
  /**
   * The origin the provider calls, e.g. `https://app.example.com` (plus any path prefix a proxy
   * strips), or the list of them when the app answers on several; the request's path and query are
   * appended, and a request signed for any other URL is refused (403). Set it in production, and
   * behind any TLS-terminating proxy or tunnel: without it the request's own URL is used, so a
   * request the provider signed for another app of the same account could be replayed here.
   */
  readonly publicUrl?: string | readonly string[];
  /**
   * Let `X-Forwarded-Proto` and `X-Forwarded-Host` pick which `publicUrl` the request came through;
   * a forwarded origin outside `publicUrl` is refused (403). Requires `publicUrl`. Without it,
   * forwarded headers are never read: they are whatever the caller sent.
   */
  readonly trustProxy?: boolean;
  /** A fixed tenant id, or a function mapping a request to one (by number or account). */
  readonly tenant?: string | WebhookTenantResolver<R>;
  /** Largest body accepted, in bytes (default 100 KiB); larger ones get 413. */
  readonly maxBodyBytes?: number;
  /**
   * How long the body may take to arrive, in ms (default 10 000); slower gets 408. On Node
   * (`toNodeHandler`, Express) one shared timer watches the deadline: the 408 comes up to 100 ms late.
   */
  readonly bodyTimeoutMs?: number;
  /**
   * Runs after an inbound text is recorded and before the answer. Throwing answers 500 so the
   * provider retries (recording is idempotent: the retry is a `duplicate`).
   */
  readonly onInbound?: (event: WebhookInboundEvent<R>) => void | Promise<void>;
  /** Runs after a status callback is handled; throwing answers 500 so the provider retries. */
  readonly onStatus?: (event: WebhookStatusEvent<R>) => void | Promise<void>;
  /** Receives failures answered with 500 (default `console.error`). */
  readonly onError?: (error: unknown, request: R) => void;
}

/** A Fetch-API webhook handler: `export const POST = handler` in a Next.js route works as is. */
export type WebhookHandler = (request: Request) => Promise<Response>;
