import type { InboundMessage } from '../consent/inputs.js';
import type { ConsentManager, InboundResult, RecordResult } from '../manager/manager.js';

/** The providers with a webhook handler. */
export type WebhookProvider = 'twilio' | 'telnyx' | 'plivo' | 'vonage' | 'bandwidth';

/** What a `tenant` function learns about a request, to pick the tenant it belongs to. */
export interface WebhookTenantContext {
  readonly provider: WebhookProvider;
  /** Which kind of webhook asks. */
  readonly kind: 'inbound' | 'status';
  /** The tenant's own number: `to` of an inbound message, `from` of a status callback (when sent). */
  readonly number?: string;
  /** The provider's account, application or profile id, when the webhook carries one. */
  readonly accountId?: string;
  readonly request: Request;
}

/**
 * Maps a request to a tenant id. Returning `undefined` (or `''`) fails closed: the request is
 * answered 500 (the provider retries) and reported to `onError`, never recorded under a guessed tenant.
 */
export type WebhookTenantResolver = (
  context: WebhookTenantContext,
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
export interface WebhookInboundEvent {
  readonly provider: WebhookProvider;
  readonly message: ProviderInbound;
  /**
   * What the manager recorded. `duplicate` is true for a redelivery. `reply`, when present, is the
   * one opt-out (or HELP/START) confirmation the app must send itself; send it through `guardSend`
   * or a guarded client, which lets exactly that text through once.
   */
  readonly result: InboundResult;
  readonly tenantId: string | undefined;
  readonly request: Request;
}

/** What `onStatus` receives. */
export interface WebhookStatusEvent {
  readonly provider: WebhookProvider;
  readonly status: ProviderStatus;
  /** The opt-out recorded for a "recipient opted out" error, or null when the callback changed nothing. */
  readonly recorded: RecordResult | null;
  readonly tenantId: string | undefined;
  readonly request: Request;
}

/** The manager methods a webhook handler uses. */
export type WebhookConsent = Pick<ConsentManager, 'handleInbound' | 'assertCanSend' | 'record'>;

/** Options every provider's handler takes. */
export interface WebhookHandlerOptions {
  /** The consent manager that records what the webhooks report. */
  readonly consent: WebhookConsent;
  /**
   * The origin the provider calls, e.g. `https://app.example.com` (plus any path prefix a proxy
   * strips); the request's path and query are appended. Set it behind a TLS-terminating proxy or
   * tunnel. Without it the request's own URL is used (`allowedHosts` applies).
   */
  readonly publicUrl?: string;
  /**
   * Host names (with port when not the default) the request's own URL may carry when there is no
   * `publicUrl`; another `Host` is refused with 403, so a request signed for another app of the same
   * account cannot be replayed here. Forwarded headers are never trusted.
   */
  readonly allowedHosts?: readonly string[];
  /** A fixed tenant id, or a function mapping a request to one (by number or account). */
  readonly tenant?: string | WebhookTenantResolver;
  /** Largest body accepted, in bytes (default 100 KiB); larger ones get 413. */
  readonly maxBodyBytes?: number;
  /** How long the body may take to arrive, in ms (default 10 000); slower gets 408. */
  readonly bodyTimeoutMs?: number;
  /**
   * Runs after an inbound text is recorded and before the answer. Throwing answers 500 so the
   * provider retries (recording is idempotent: the retry is a `duplicate`).
   */
  readonly onInbound?: (event: WebhookInboundEvent) => void | Promise<void>;
  /** Runs after a status callback is handled; throwing answers 500 so the provider retries. */
  readonly onStatus?: (event: WebhookStatusEvent) => void | Promise<void>;
  /** Receives failures answered with 500 (default `console.error`). */
  readonly onError?: (error: unknown, request: Request) => void;
}

/** A Fetch-API webhook handler: `export const POST = handler` in a Next.js route works as is. */
export type WebhookHandler = (request: Request) => Promise<Response>;
