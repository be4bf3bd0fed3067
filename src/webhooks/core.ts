import { deliveryErrorKey } from '../consent/evidence.js';
import { ConsentError, InvalidPhoneNumberError, ValidationError } from '../errors.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import type { InboundResult, RecordResult } from '../manager/manager.js';
import { mediaType, type RawBody, type Refusal } from './body.js';
import {
  EXCHANGE_ENTRY,
  type ExchangeEntry,
  fetchExchange,
  toResponse,
  type WebhookAnswer,
  type WebhookExchange,
} from './exchange.js';
import { textAnswer } from './respond.js';
import type {
  ProviderEvent,
  ProviderStatus,
  WebhookHandler,
  WebhookHandlerOptions,
  WebhookInboundEvent,
  WebhookProvider,
  WebhookStatusEvent,
  WebhookTenantContext,
} from './types.js';
import { createUrlResolver } from './url.js';

/** A request as a provider's spec sees it once read. */
export interface WebhookRequest {
  /** A header by its lower-case name, or null. */
  header(name: string): string | null;
  /** Upper-cased. */
  readonly method: string;
  /** The URL the provider called (see `publicUrl`). */
  readonly url: string;
  /** The raw body; undefined for GET and HEAD, whose fields are in the URL. */
  readonly body: RawBody | undefined;
  /** The media type of the body, lower-cased ('' when absent). */
  readonly type: string;
  /** What the spec decoded from this request, kept for `parse` once `verify` needed it (see {@link decodedOnce}). */
  decoded?: unknown;
}

/**
 * `decode(request)`, computed once per request: a spec's `verify` and `parse` see the same object,
 * so the fields a signature covers are decoded once (a `WeakMap` keyed by the request did the same
 * at about 0.3–0.6 µs a request, and made the garbage collector trace its entries).
 */
export function decodedOnce<T>(request: WebhookRequest, decode: (request: WebhookRequest) => T): T {
  if (request.decoded === undefined) request.decoded = decode(request);
  return request.decoded as T;
}

/** What the answer to a handled request is made from. */
export interface HandledRequest {
  readonly events: readonly ProviderEvent[];
  /** Per inbound event, the confirmation the answer must carry (only for a spec that `answersReply`). */
  readonly replies: readonly (string | undefined)[];
  readonly method: string;
}

/** What one provider adds to the shared core. */
export interface ProviderSpec {
  readonly provider: WebhookProvider;
  /** The HTTP methods the provider uses; others get 405. */
  readonly methods: readonly string[];
  /** Body media types accepted ('' for none given); others get 415. */
  readonly contentTypes: readonly string[];
  /**
   * Checks the signature or credentials; a refusal, or a `ConsentError` with code
   * `INVALID_SIGNATURE` (403), stops the request before anything is parsed.
   */
  verify(request: WebhookRequest): Refusal | undefined | Promise<Refusal | undefined>;
  /** Parses the fields; throws `ValidationError` (400) for malformed ones. */
  parse(request: WebhookRequest): readonly ProviderEvent[];
  /**
   * True when the provider sends what the webhook answers (TwiML, Plivo XML): the answer then
   * carries the confirmation `handleInbound` claimed, so a redelivery never sends it twice.
   */
  readonly answersReply: boolean;
  /** The success answer. */
  respond(handled: HandledRequest): WebhookAnswer;
}

const DEFAULT_MAX_BODY_BYTES = 100 * 1024;
const DEFAULT_BODY_TIMEOUT_MS = 10_000;

/**
 * What the core takes: a handler's options, with the request type `R` its hooks see (a Fetch
 * `Request` for the Fetch handlers, Express's own for `createTwilioWebhook`). The tenant function
 * also receives the parsed event, so an adapter can hand its own context a provider's extra fields.
 */
export interface CoreOptions<R> extends Omit<WebhookHandlerOptions<R>, 'tenant'> {
  readonly tenant?:
    | string
    | ((
        context: WebhookTenantContext<R>,
        event: ProviderEvent,
      ) => string | undefined | Promise<string | undefined>);
}

/**
 * The Fetch-API core every provider's handler is made of (see {@link createWebhookEntry}), as a
 * `(request: Request) => Promise<Response>` that also exposes its exchange entry to `toNodeHandler`.
 */
export function createWebhookHandler(
  spec: ProviderSpec,
  options: WebhookHandlerOptions,
  where: string,
): WebhookHandler {
  const { tenant } = options;
  // The user's tenant function sees the documented context only.
  const entry = createWebhookEntry<Request>(
    spec,
    typeof tenant === 'function' ? { ...options, tenant: (context) => tenant(context) } : options,
    where,
  );
  const handler: WebhookHandler = async (request) => toResponse(await entry(fetchExchange(request)));
  return Object.assign(handler, { [EXCHANGE_ENTRY]: entry });
}

/**
 * The core as an exchange entry: method and content-type checks, one read of the raw body (413 too
 * large, 408 too slow), the provider's signature check over exactly those bytes and the URL it
 * called (403, nothing recorded), parsing (400), tenant resolution (fails closed), recording
 * through the manager, and the answer. Store, tenant and hook failures answer 500 so the provider
 * retries; a redelivery is a duplicate and records nothing twice.
 */
export function createWebhookEntry<R>(
  spec: ProviderSpec,
  options: CoreOptions<R>,
  where: string,
): ExchangeEntry<R> {
  const { consent } = options;
  const methods = ['handleInbound', 'sendReply', 'releaseReply', 'record'] as const;
  if (methods.some((name) => typeof consent?.[name] !== 'function')) {
    throw new ConsentError('CONFIG', `${where}: consent must be a consent manager`);
  }
  const maxBytes = positiveInteger(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, 'maxBodyBytes', where);
  const timeoutMs = positiveInteger(options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS, 'bodyTimeoutMs', where);
  const limits = { maxBytes, timeoutMs };
  const urlsOf = createUrlResolver(options, where);
  const tenantOf = tenantResolver(options.tenant, where);
  const reportError =
    options.onError ??
    ((error: unknown) => console.error(`sms-consent: ${spec.provider} webhook failed; answered 500`, error));
  const allow = spec.methods.join(', ');
  const expected = spec.contentTypes.filter(Boolean).join(' or ');

  async function handle(exchange: WebhookExchange<R>, method: string): Promise<WebhookAnswer> {
    let body: RawBody | undefined;
    let type = '';
    if (method !== 'GET' && method !== 'HEAD') {
      type = mediaType(exchange.header('content-type'));
      if (!spec.contentTypes.includes(type)) {
        return textAnswer(415, `Unsupported Content-Type ${JSON.stringify(type)}: expected ${expected}`);
      }
      const encoding = exchange.header('content-encoding');
      if (encoding !== null && encoding.toLowerCase() !== 'identity') {
        return textAnswer(415, `Unsupported Content-Encoding ${JSON.stringify(encoding)}`);
      }
      const read = await exchange.readBody(limits);
      if (!read.ok) return refusalResponse(read.refusal);
      body = read.body;
    }
    const urls = urlsOf(exchange);
    if (!Array.isArray(urls)) return refusalResponse(urls as Refusal);
    const input = await verified(exchange, urls, method, body, type);
    if (!('url' in input)) return refusalResponse(input);
    const events = spec.parse(input);
    const results: InboundResult[] = [];
    try {
      for (const event of events) {
        if (event.kind === 'inbound') await inbound(event, exchange, results);
        else if (event.kind === 'status') await status(event, exchange);
      }
      return spec.respond({ events, replies: await repliesOf(results, exchange), method });
    } catch (error) {
      // The provider retries a failed request (a hook, or the store while answering): its
      // redelivery takes back what this one claimed.
      await Promise.all(
        results.map((result) =>
          consent.releaseReply(result).catch((failed) => reportError(failed, exchange.request())),
        ),
      );
      throw error;
    }
  }

  /**
   * The confirmation each result claimed, for an answer that carries it (TwiML, Plivo XML): sent by
   * answering, with no store write. One the answer cannot carry (a HEAD has no body; the other
   * providers never send an answer's text) and the app did not send in `onInbound` is put back, so a
   * later delivery, or the app's send guard, can still send it once. The opt-out is recorded by
   * then: a failure to put one back is reported, and the answer is still a success. A failure to
   * read the status for a carried one fails the request, which puts it back for the retry.
   */
  async function repliesOf(results: readonly InboundResult[], exchange: WebhookExchange<R>) {
    // Chatter, almost every text, has no reply: nothing to send or put back.
    if (results.every((result) => result.reply === undefined)) return results.map(() => undefined);
    const carries = spec.answersReply && exchange.method !== 'HEAD';
    return Promise.all(
      results.map(async (result) => {
        if (result.reply === undefined) return undefined;
        if (carries) return consent.sendReply(result, async (_phone, body) => body);
        await consent.releaseReply(result).catch((failed) => reportError(failed, exchange.request()));
        return undefined;
      }),
    );
  }

  /**
   * The request as the spec sees it, for the first candidate URL whose signature holds, or the
   * first candidate's refusal. Only a list of `publicUrl`s gives several candidates.
   */
  async function verified(
    exchange: WebhookExchange<R>,
    urls: readonly string[],
    method: string,
    body: RawBody | undefined,
    type: string,
  ): Promise<WebhookRequest | Refusal> {
    let first: Refusal | ConsentError | undefined;
    for (const url of urls) {
      // No `request` here: no spec reads it, and a literal with a getter is built through the
      // runtime (about 0.4 µs against a few ns), once per candidate URL of every request.
      const input: WebhookRequest = { header: (name) => exchange.header(name), method, url, body, type };
      let refusal: Refusal | ConsentError | undefined;
      try {
        refusal = await spec.verify(input);
      } catch (error) {
        if (!(error instanceof ConsentError && error.code === 'INVALID_SIGNATURE')) throw error;
        refusal = error;
      }
      if (refusal === undefined) return input;
      first ??= refusal;
    }
    if (first instanceof ConsentError) throw first;
    return first ?? { status: 403, message: 'No URL to check the signature against' };
  }

  /** Handles one inbound text; its result joins `results` at once, so a failing hook puts its claim back. */
  async function inbound(
    event: Extract<ProviderEvent, { kind: 'inbound' }>,
    exchange: WebhookExchange<R>,
    results: InboundResult[],
  ): Promise<void> {
    const { message } = event;
    const tenantId =
      tenantOf &&
      (await tenantOf(
        hookContext<WebhookTenantContext<R>>(exchange, {
          provider: spec.provider,
          kind: 'inbound',
          number: message.to,
          ...omitUndefined({ accountId: event.accountId }),
        }),
        event,
      ));
    const result = await consent.handleInbound(tenantId === undefined ? message : { ...message, tenantId });
    results.push(result);
    if (options.onInbound) {
      const context = hookContext<WebhookInboundEvent<R>>(exchange);
      context.provider = spec.provider;
      context.message = message;
      context.result = result;
      context.tenantId = tenantId;
      await options.onInbound(context);
    }
  }

  async function status(event: Extract<ProviderEvent, { kind: 'status' }>, exchange: WebhookExchange<R>) {
    const callback = event.status;
    const tenantId =
      tenantOf &&
      (await tenantOf(
        hookContext<WebhookTenantContext<R>>(exchange, {
          provider: spec.provider,
          kind: 'status',
          ...omitUndefined({ number: callback.from, accountId: callback.accountId }),
        }),
        event,
      ));
    const recorded = await recordOptedOut(callback, tenantId);
    if (options.onStatus) {
      const context = hookContext<WebhookStatusEvent<R>>(exchange);
      context.provider = spec.provider;
      context.status = callback;
      context.recorded = recorded;
      context.tenantId = tenantId;
      await options.onStatus(context);
    }
  }

  function recordOptedOut(
    callback: ProviderStatus,
    tenantId: string | undefined,
  ): Promise<RecordResult> | null {
    if (!callback.optedOut) return null;
    return consent.record({
      phone: callback.to,
      action: 'opt_out',
      source: 'delivery_error',
      idempotencyKey: statusKey(spec.provider, callback.messageId),
      evidence: omitUndefined({
        messageId: callback.messageId,
        to: callback.to,
        errorCode: callback.errorCode,
        from: callback.from,
        accountId: callback.accountId,
      }),
      ...omitUndefined({ tenantId }),
    });
  }

  return async (exchange) => {
    const method = exchange.method;
    if (!spec.methods.includes(method)) {
      return textAnswer(405, `Method ${method} not allowed: ${spec.provider} webhooks use ${allow}`, {
        Allow: allow,
      });
    }
    try {
      return await handle(exchange, method);
    } catch (error) {
      if (error instanceof ValidationError || error instanceof InvalidPhoneNumberError) {
        return textAnswer(400, error.message);
      }
      if (error instanceof ConsentError && error.code === 'INVALID_SIGNATURE') {
        return textAnswer(403, error.message);
      }
      reportError(error, exchange.request());
      return textAnswer(500, `Could not record the webhook; ${spec.provider} will retry`);
    }
  };
}

/**
 * What every hook context is made from: `request` is a getter of the class, building the request on
 * first read, not one on each context. A literal with its own getter is built through V8's runtime
 * and left a dictionary (0.7–0.9 µs in a loop, 2–3 µs a request in the server's profile), where a
 * context of this class with its fields stored one by one takes about 20 ns. The exchange is a
 * private field: logging or spreading a context never shows it (nor the body it holds).
 */
class HookContext {
  readonly #exchange: WebhookExchange<unknown>;

  constructor(exchange: WebhookExchange<unknown>) {
    this.#exchange = exchange;
  }

  get request(): unknown {
    return this.#exchange.request();
  }
}

/**
 * A hook context for this exchange: `fields` copied in, or none, for the caller to store them (a
 * copy costs about 0.1 µs, the stores a few ns; the hot path stores).
 */
function hookContext<C extends { readonly request: unknown }>(
  exchange: WebhookExchange<unknown>,
  fields?: Omit<C, 'request'>,
): { -readonly [K in keyof C]: C[K] } {
  const context = new HookContext(exchange) as unknown as { -readonly [K in keyof C]: C[K] };
  return fields === undefined ? context : Object.assign(context, fields);
}

/** The idempotency key of a delivery-error opt-out; Twilio's is shared with the guard and backfill. */
function statusKey(provider: WebhookProvider, messageId: string): string {
  return provider === 'twilio' ? deliveryErrorKey(messageId) : `${provider}-status:${messageId}`;
}

function refusalResponse(refusal: Refusal): WebhookAnswer {
  return textAnswer(refusal.status, refusal.message, refusal.headers);
}

function positiveInteger(value: number, name: string, where: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ConsentError('CONFIG', `${where}: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

type CoreTenant<R> = (context: WebhookTenantContext<R>, event: ProviderEvent) => Promise<string> | string;

/** The tenant function, or undefined for the manager's default tenant. A function finding none fails closed. */
function tenantResolver<R>(tenant: CoreOptions<R>['tenant'], where: string): CoreTenant<R> | undefined {
  if (tenant === undefined) return undefined;
  if (typeof tenant === 'string') {
    if (tenant === '')
      throw new ConsentError('CONFIG', `${where}: tenant must be a non-empty string or a function`);
    return () => tenant;
  }
  return async (context, event) => {
    const tenantId = await tenant(context, event);
    if (typeof tenantId === 'string' && tenantId !== '') return tenantId;
    throw new ConsentError(
      'CONFIG',
      `The tenant function found no tenant for this ${context.provider} ${context.kind} webhook (number ${context.number ?? 'unknown'}, account ${context.accountId ?? 'unknown'}); nothing was recorded`,
    );
  };
}
