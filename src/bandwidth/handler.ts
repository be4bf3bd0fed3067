import { createWebhookHandler, type ProviderSpec } from '../webhooks/core.js';
import { parseJsonBody } from '../webhooks/parse.js';
import { emptyAnswer } from '../webhooks/respond.js';
import type { WebhookHandler, WebhookHandlerOptions } from '../webhooks/types.js';
import { type BandwidthCredentials, credentialList, verifyBandwidthCredentials } from './credentials.js';
import { parseBandwidthWebhook } from './events.js';

/** Options of {@link bandwidthHandler}. */
export interface BandwidthHandlerOptions extends WebhookHandlerOptions {
  /** The callback credentials set on the Bandwidth application; several while rotating. */
  readonly credentials: BandwidthCredentials | readonly BandwidthCredentials[];
}

/**
 * The Bandwidth messaging callback as a Fetch-API handler, for the application's callback URL:
 * checks the HTTP Basic callback credentials (403 when they fail, nothing recorded), records every
 * `message-received` event of the batch and every `message-failed` with error 4775 as a
 * delivery-error opt-out. Bandwidth delivers at least once and retries for 24 hours until a 2xx: a
 * redelivered event records nothing twice, and a store failure answers 500 so it comes back.
 * Answers an empty 200.
 *
 * @example
 * export const POST = bandwidthHandler({ consent, credentials: { username: 'bandwidth', password: process.env.BW_CALLBACK_PASSWORD! } });
 */
export function bandwidthHandler(options: BandwidthHandlerOptions): WebhookHandler {
  const credentials = credentialList(options.credentials);
  const spec: ProviderSpec = {
    provider: 'bandwidth',
    methods: ['POST'],
    contentTypes: ['application/json'],
    answersReply: false,
    verify: ({ header }) => {
      verifyBandwidthCredentials(header('authorization'), credentials);
      return undefined;
    },
    parse: ({ body }) => parseBandwidthWebhook(parseJsonBody(body?.text ?? '', 'Bandwidth callback')),
    respond: () => emptyAnswer(200),
  };
  return createWebhookHandler(spec, options, 'bandwidthHandler');
}
