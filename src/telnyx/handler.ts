import { ConsentError } from '../errors.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import { createWebhookHandler, type ProviderSpec } from '../webhooks/core.js';
import { parseJsonBody } from '../webhooks/parse.js';
import { emptyAnswer } from '../webhooks/respond.js';
import { secretList } from '../webhooks/secrets.js';
import type { WebhookHandler, WebhookHandlerOptions } from '../webhooks/types.js';
import { parseTelnyxWebhook } from './events.js';
import { verifyTelnyxSignature } from './signature.js';

/** Options of {@link telnyxHandler}. */
export interface TelnyxHandlerOptions extends WebhookHandlerOptions {
  /** The account's public key (base64, from Mission Control); several while rotating. */
  readonly publicKey: string | readonly string[];
  /** Replay window for `telnyx-timestamp`, in seconds (default 300). */
  readonly toleranceSeconds?: number;
  /** The clock the timestamp is checked against (default the system clock). */
  readonly clock?: { now(): Date };
}

/**
 * The Telnyx messaging webhook as a Fetch-API handler, for the messaging profile's webhook URL:
 * checks the Ed25519 signature over `timestamp|body` (403 when it fails, nothing recorded), then
 * records `message.received` texts and `message.finalized` error 40300 ("Blocked due to STOP
 * message") as a delivery-error opt-out. Answers an empty 200; 5xx makes Telnyx retry. Telnyx blocks
 * and answers its own STOP keywords, so `reply` in `onInbound` is only set for opt-outs it did not
 * catch (plain-language ones): send it with `consent.sendReply` (or `guardSend`); one `onInbound`
 * did not send is put back for the send guard.
 *
 * @example
 * export const POST = telnyxHandler({ consent, publicKey: process.env.TELNYX_PUBLIC_KEY! });
 */
export function telnyxHandler(options: TelnyxHandlerOptions): WebhookHandler {
  const publicKey = secretList(options.publicKey, 'publicKey', 'telnyxHandler');
  const clock = options.clock ?? { now: () => new Date() };
  const { toleranceSeconds } = options;
  // No age is greater than NaN: a NaN (an unset environment variable) would accept any replay.
  if (
    toleranceSeconds !== undefined &&
    (typeof toleranceSeconds !== 'number' || !Number.isFinite(toleranceSeconds) || toleranceSeconds < 0)
  ) {
    throw new ConsentError(
      'CONFIG',
      `telnyxHandler: toleranceSeconds must be a number of seconds, got ${typeof toleranceSeconds === 'number' ? toleranceSeconds : JSON.stringify(toleranceSeconds)}`,
    );
  }
  const spec: ProviderSpec = {
    provider: 'telnyx',
    methods: ['POST'],
    contentTypes: ['application/json'],
    answersReply: false,
    verify: ({ header, body }) =>
      verifyTelnyxSignature(
        omitUndefined({
          publicKey,
          rawBody: body?.bytes ?? new Uint8Array(0),
          signature: header('telnyx-signature-ed25519'),
          timestamp: header('telnyx-timestamp'),
          now: clock.now(),
          toleranceSeconds: options.toleranceSeconds,
        }),
      ).then(() => undefined),
    parse: ({ body }) => [parseTelnyxWebhook(parseJsonBody(body?.text ?? '', 'Telnyx webhook'))],
    respond: () => emptyAnswer(200),
  };
  return createWebhookHandler(spec, options, 'telnyxHandler');
}
