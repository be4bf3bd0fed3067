import { createWebhookHandler, type ProviderSpec } from '../webhooks/core.js';
import { parseJsonBody } from '../webhooks/parse.js';
import { emptyAnswer } from '../webhooks/respond.js';
import { secretList } from '../webhooks/secrets.js';
import type { WebhookHandler, WebhookHandlerOptions } from '../webhooks/types.js';
import { parseVonageWebhook } from './events.js';
import { verifyVonageSignature } from './signature.js';

/** Options of {@link vonageHandler}. */
export interface VonageHandlerOptions extends WebhookHandlerOptions {
  /** The account's signature secret (not the API secret); several while rotating. */
  readonly signatureSecret: string | readonly string[];
  /** Refuse tokens issued longer ago than this, in seconds (default 300: Vonage signs each delivery afresh). */
  readonly maxAgeSeconds?: number;
  /**
   * Messages API status error codes that mean the recipient opted out (default none: Vonage
   * documents the code for the SMS API's receipts, `err-code` 9, not for the Messages API).
   */
  readonly optedOutErrorCodes?: readonly number[];
  /** The clock tokens are checked against (default the system clock). */
  readonly clock?: { now(): Date };
}

/**
 * The Vonage Messages API webhook as a Fetch-API handler, for the application's inbound and status
 * URLs alike: checks the signed-webhook JWT (`Authorization: Bearer`, HS256 with the signature
 * secret, `payload_hash` equal to the body's SHA-256, issued within `maxAgeSeconds`; 403 when it
 * fails, nothing recorded), records inbound texts, and records statuses whose error code is in
 * `optedOutErrorCodes` as delivery-error opt-outs. Answers an empty 200 (Vonage retries anything
 * else). With Opt-Out Assist enabled Vonage blocks and answers STOP itself; without it nothing is
 * blocked at Vonage, and `reply` in `onInbound` is the confirmation to send through `guardSend`.
 *
 * @example
 * export const POST = vonageHandler({ consent, signatureSecret: process.env.VONAGE_SIGNATURE_SECRET! });
 */
export function vonageHandler(options: VonageHandlerOptions): WebhookHandler {
  const signatureSecret = secretList(options.signatureSecret, 'signatureSecret', 'vonageHandler');
  const clock = options.clock ?? { now: () => new Date() };
  const maxAgeSeconds = options.maxAgeSeconds ?? 300;
  const spec: ProviderSpec = {
    provider: 'vonage',
    methods: ['POST'],
    contentTypes: ['application/json'],
    answersReply: false,
    verify: async ({ header, body }) => {
      await verifyVonageSignature({
        signatureSecret,
        authorization: header('authorization'),
        rawBody: body?.bytes ?? new Uint8Array(0),
        now: clock.now(),
        maxAgeSeconds,
      });
      return undefined;
    },
    parse: ({ body }) => [
      parseVonageWebhook(parseJsonBody(body?.text ?? '', 'Vonage webhook'), options.optedOutErrorCodes ?? []),
    ],
    respond: () => emptyAnswer(200),
  };
  return createWebhookHandler(spec, options, 'vonageHandler');
}
