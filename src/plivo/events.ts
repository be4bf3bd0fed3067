import { z } from 'zod';
import { omitUndefined } from '../helpers/omit-undefined.js';
import { international, parsePayload } from '../webhooks/parse.js';
import type { ProviderEvent } from '../webhooks/types.js';

/**
 * Plivo's error code for a send to a number that texted STOP to the sending number ("Do Not
 * Disturb": https://www.plivo.com/docs/messaging/concepts/dnd-service).
 */
export const PLIVO_OPTED_OUT = 200;

const text = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a single text value') });
const phone = () => text().trim().min(1, 'is required').max(200, 'is too long');
const uuid = () => text().trim().min(1, 'is required').max(200, 'is too long');

const inboundSchema = z.object({
  MessageUUID: uuid(),
  From: phone(),
  To: phone(),
  Text: text().max(100_000, 'is too long'),
  Type: text().max(20).optional(),
});

const statusSchema = z.object({
  MessageUUID: uuid(),
  Status: text()
    .trim()
    .regex(/^[a-z_-]{1,40}$/i, 'must be a Plivo message status such as delivered or failed'),
  To: phone(),
  From: text().trim().max(200).optional(),
  ErrorCode: text()
    .trim()
    .regex(/^\d{0,9}$/, 'must be a number')
    .optional(),
});

/**
 * Parses the parameters of a Plivo messaging webhook: an inbound message (message URL of the
 * application: `From`, `To`, `Text`, `MessageUUID`) or a delivery status callback (`Status`,
 * `ErrorCode`; error 200 is an opt-out). Malformed fields throw a `ValidationError` naming them.
 * Fields: https://www.plivo.com/docs/messaging/api/message/receive-an-sms and the message status
 * callback of https://www.plivo.com/docs/messaging/api/message/send-a-message
 */
export function parsePlivoWebhook(params: Readonly<Record<string, unknown>>): ProviderEvent {
  if (params.Status !== undefined && params.Text === undefined) {
    const parsed = parsePayload(statusSchema, params, 'Plivo message status callback');
    const errorCode = parsed.ErrorCode ? Number(parsed.ErrorCode) : undefined;
    return {
      kind: 'status',
      status: omitUndefined({
        messageId: parsed.MessageUUID,
        status: parsed.Status.toLowerCase(),
        to: international(parsed.To),
        optedOut: errorCode === PLIVO_OPTED_OUT,
        errorCode,
        ...(parsed.From ? { from: international(parsed.From) } : {}),
      }),
    };
  }
  const parsed = parsePayload(inboundSchema, params, 'Plivo inbound message');
  return {
    kind: 'inbound',
    message: {
      from: international(parsed.From),
      to: international(parsed.To),
      body: parsed.Text,
      messageId: parsed.MessageUUID,
    },
  };
}
