import { omitUndefined } from '../helpers/omit-undefined.js';
import { decodeForm, queryParams } from '../twilio/params.js';
import { escapeXml } from '../twilio/twiml.js';
import {
  createWebhookHandler,
  decodedOnce,
  type ProviderSpec,
  type WebhookRequest,
} from '../webhooks/core.js';
import { xmlAnswer } from '../webhooks/respond.js';
import { secretList } from '../webhooks/secrets.js';
import type { ProviderInbound, WebhookHandler, WebhookHandlerOptions } from '../webhooks/types.js';
import { parsePlivoWebhook } from './events.js';
import { verifyPlivoSignature } from './signature.js';

/** Options of {@link plivoHandler}. */
export interface PlivoHandlerOptions extends WebhookHandlerOptions {
  /** The auth token of the Plivo account that signs the webhooks; several while rotating. */
  readonly authToken: string | readonly string[];
}

const EMPTY_XML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * The Plivo messaging webhook as a Fetch-API handler, for the application's message URL and the
 * status callback URL alike (POST form or GET). Checks the V3 signature (403 when it fails, nothing
 * recorded), records inbound texts, and records a status callback with error 200 (the recipient
 * texted STOP) as a delivery-error opt-out. Inbound texts answer Plivo XML: empty, or the one
 * opt-out confirmation as a `<Message>` when Plivo's own STOP handling did not catch the opt-out
 * (claimed from the send guard, so a redelivery never sends it twice).
 *
 * @example
 * export const POST = plivoHandler({ consent, authToken: process.env.PLIVO_AUTH_TOKEN!, publicUrl: 'https://app.example.com' });
 */
export function plivoHandler(options: PlivoHandlerOptions): WebhookHandler {
  const authToken = secretList(options.authToken, 'authToken', 'plivoHandler');
  const decodeParams = (input: WebhookRequest) =>
    input.body === undefined ? queryParams(input.url) : decodeForm(input.body.text);
  const paramsOf = (input: WebhookRequest) => decodedOnce(input, decodeParams);
  const spec: ProviderSpec = {
    provider: 'plivo',
    methods: ['POST', 'GET'],
    contentTypes: ['', 'application/x-www-form-urlencoded'],
    answersReply: true,
    verify: async (input) => {
      await verifyPlivoSignature(
        omitUndefined({
          authToken,
          method: input.method,
          url: input.url,
          params: input.body === undefined ? undefined : paramsOf(input),
          signature: input.header('x-plivo-signature-v3'),
          nonce: input.header('x-plivo-signature-v3-nonce'),
        }),
      );
      return undefined;
    },
    parse: (input) => [parsePlivoWebhook(paramsOf(input))],
    respond: ({ events, replies }) => {
      const event = events[0];
      const reply = replies[0];
      return xmlAnswer(
        event?.kind === 'inbound' && reply !== undefined ? replyXml(event.message, reply) : EMPTY_XML,
      );
    },
  };
  return createWebhookHandler(spec, options, 'plivoHandler');
}

/** Plivo XML sending `text` back to the sender (https://www.plivo.com/docs/messaging/xml/message). */
function replyXml(message: ProviderInbound, text: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Message src="${escapeXml(message.to)}" dst="${escapeXml(message.from)}" type="sms">${escapeXml(text)}</Message></Response>`;
}
