import type { Request, RequestHandler, Response } from 'express';
import { ConsentError, InvalidPhoneNumberError, ValidationError } from '../errors.js';
import { DEFAULT_BODY_TIMEOUT_MS } from '../http/webhook-body.js';
import type { ConsentManager, InboundResult, RecordResult } from '../manager/manager.js';
import { parseTwilioInbound, type TwilioInboundMessage } from '../twilio/inbound.js';
import {
  parseTwilioStatusCallback,
  recordDeliveryFailure,
  type TwilioStatusCallback,
} from '../twilio/status-callback.js';
import { EMPTY_TWIML, twimlResponse } from '../twilio/twiml.js';
import { claimReply } from '../webhooks/reply.js';
import { answer } from './answer.js';
import { createAuthenticator, type TwilioWebhookMethod, webhookMethod } from './authenticate.js';
import { createUrlResolver } from './url.js';

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
   * `reply`, when present, is the confirmation the answer carries unless it was already sent.
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
  readonly consent: Pick<ConsentManager, 'handleInbound' | 'assertCanSend' | 'record'>;
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

const DEFAULT_MAX_BODY_BYTES = 100 * 1024;

function positiveInteger(value: number, name: string): number {
  if (Number.isSafeInteger(value) && value > 0) return value;
  throw new ConsentError('CONFIG', `createTwilioWebhook: ${name} must be a positive integer, got ${value}`);
}

/**
 * Creates the Twilio webhook handlers for Express 5. Each reads its own body (form-encoded, or JSON
 * signed through the URL's `bodySHA256`, at most `maxBodyBytes`; for a webhook configured with
 * `method: 'GET'`, the query string and never a body), checks `X-Twilio-Signature` against the URL
 * Twilio called as `twilio.validateRequest` does, validates the fields and records through the
 * consent manager:
 * - `inbound` answers TwiML: empty `<Response/>`, or the one opt-out confirmation as a `<Message>`
 *   when Twilio did not confirm the opt-out itself (consumed from the send guard, so a retried
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
  const { consent, authToken } = options;
  if (typeof authToken !== 'string' || authToken === '') {
    throw new ConsentError('CONFIG', 'createTwilioWebhook: authToken is required to check Twilio signatures');
  }
  const limits = {
    maxBytes: positiveInteger(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, 'maxBodyBytes'),
    timeoutMs: positiveInteger(options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS, 'bodyTimeoutMs'),
  };
  const inboundMethod = webhookMethod(options.method, 'method');
  const statusMethod = webhookMethod(options.statusMethod, 'statusMethod');
  const authenticate = createAuthenticator({ authToken, limits, urlOf: createUrlResolver(options) });
  const tenantOf = tenantResolver(options.tenant);
  const reportError =
    options.onError ??
    ((error: unknown) => console.error('sms-consent: Twilio webhook failed; answered 500', error));

  function failed(req: Request, res: Response, error: unknown): void {
    if (error instanceof ValidationError) {
      answer(res, 400, error.message);
    } else if (error instanceof InvalidPhoneNumberError) {
      answer(res, 400, error.message);
    } else {
      reportError(error, req);
      answer(res, 500, 'Could not record the message; Twilio will retry');
    }
  }

  const inbound: RequestHandler = async (req, res) => {
    try {
      const body = await authenticate(req, res, inboundMethod);
      if (!body) return;
      const message = parseTwilioInbound(body.params);
      const tenantId =
        tenantOf &&
        (await tenantOf({
          kind: 'inbound',
          number: message.to,
          accountSid: message.accountId,
          ...(message.messagingServiceSid === undefined
            ? {}
            : { messagingServiceSid: message.messagingServiceSid }),
          request: req,
        }));
      const result = await consent.handleInbound(tenantId === undefined ? message : { ...message, tenantId });
      if (options.onInbound) await options.onInbound({ message, result, tenantId, request: req });
      // A HEAD answer has no body to carry the confirmation: leave it pending for the GET.
      const reply =
        req.method === 'HEAD' ? undefined : await claimReply(consent, result.reply, message.from, tenantId);
      answer(res, 200, twimlResponse(reply));
    } catch (error) {
      failed(req, res, error);
    }
  };

  const status: RequestHandler = async (req, res) => {
    try {
      const body = await authenticate(req, res, statusMethod);
      if (!body) return;
      const callback = parseTwilioStatusCallback(body.params);
      const tenantId =
        tenantOf &&
        (await tenantOf({
          kind: 'status',
          ...(callback.from === undefined ? {} : { number: callback.from }),
          ...(callback.accountId === undefined ? {} : { accountSid: callback.accountId }),
          ...(callback.messagingServiceSid === undefined
            ? {}
            : { messagingServiceSid: callback.messagingServiceSid }),
          request: req,
        }));
      const recorded = await recordDeliveryFailure(
        consent,
        callback,
        tenantId === undefined ? {} : { tenantId },
      );
      if (options.onStatus) await options.onStatus({ callback, recorded, tenantId, request: req });
      answer(res, 200, EMPTY_TWIML);
    } catch (error) {
      failed(req, res, error);
    }
  };

  return { inbound, status };
}

/**
 * The tenant function, or undefined when every request goes to the manager's default tenant. A
 * function that finds no tenant fails closed.
 */
function tenantResolver(tenant: TwilioWebhookOptions['tenant']): TenantResolver | undefined {
  if (tenant === undefined) return undefined;
  if (typeof tenant === 'string') return () => tenant;
  return async (context) => {
    const tenantId = await tenant(context);
    if (typeof tenantId === 'string' && tenantId !== '') return tenantId;
    throw new ConsentError(
      'CONFIG',
      `The tenant function found no tenant for this ${context.kind} request (number ${context.number ?? 'unknown'}, account ${context.accountSid ?? 'unknown'}); nothing was recorded`,
    );
  };
}
