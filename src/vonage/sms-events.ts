import { z } from 'zod';
import { international, parsePayload } from '../webhooks/parse.js';
import type { ProviderEvent } from '../webhooks/types.js';
import { VONAGE_OPTED_OUT } from './events.js';

const text = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a single text value') });
const phone = () => text().trim().min(1, 'is required').max(200, 'is too long');
const id = () => text().trim().min(1, 'is required').max(200, 'is too long');
/** `2020-01-01 12:00:00`, UTC, as the SMS API writes `message-timestamp`. */
const timestamp = () =>
  text()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}$/, 'must be a time like 2020-01-01 12:00:00')
    .optional();

const inboundSchema = z.object({
  msisdn: phone(),
  to: phone(),
  messageId: id(),
  text: text().max(100_000, 'is too long').optional(),
  type: text().trim().max(20).optional(),
  'message-timestamp': timestamp(),
  'api-key': text().max(200).optional(),
  concat: text().optional(),
});

const receiptSchema = z.object({
  msisdn: phone(),
  to: text().trim().max(200).optional(),
  messageId: id(),
  status: text()
    .trim()
    .regex(/^[a-z_-]{1,40}$/i, 'must be an SMS API status such as delivered or failed'),
  'err-code': text()
    .trim()
    .regex(/^\d{1,9}$/, 'must be a number')
    .optional(),
  'api-key': text().max(200).optional(),
});

/**
 * Parses a Vonage SMS API webhook (the legacy API's parameters, from a GET query, a POST form or a
 * POST-JSON body): an inbound SMS (`msisdn` the sender, `to`, `messageId`, `text`, `type`,
 * `message-timestamp`) or a delivery receipt (`msisdn` the recipient, `status`, `err-code`; a code
 * in `optedOutCodes`, by default 9, "the user has requested not to receive messages from the
 * sending number", is an opt-out). A binary message has no text and is ignored. Each part of a
 * concatenated message (`concat=true`) arrives on its own with its own `messageId` and is recorded
 * as its own text: the API sends no whole message to wait for.
 * Inbound: https://developer.vonage.com/en/api/sms#inbound-sms; receipts:
 * https://developer.vonage.com/en/messaging/sms/guides/delivery-receipts and
 * https://developer.vonage.com/en/opt-out-assist/guides/messaging-opted-out-numbers
 */
export function parseVonageSmsWebhook(
  params: Readonly<Record<string, unknown>>,
  optedOutCodes: readonly number[] = [VONAGE_OPTED_OUT],
): ProviderEvent {
  if (params.status !== undefined || params['err-code'] !== undefined) {
    const parsed = parsePayload(receiptSchema, params, 'Vonage SMS delivery receipt');
    const errorCode = parsed['err-code'] === undefined ? undefined : Number(parsed['err-code']);
    return {
      kind: 'status',
      status: {
        messageId: parsed.messageId,
        status: parsed.status.toLowerCase(),
        to: international(parsed.msisdn),
        optedOut: errorCode !== undefined && optedOutCodes.includes(errorCode),
        ...(errorCode === undefined ? {} : { errorCode }),
        ...(parsed.to ? { from: international(parsed.to) } : {}),
        ...(parsed['api-key'] ? { accountId: parsed['api-key'] } : {}),
      },
    };
  }
  const parsed = parsePayload(inboundSchema, params, 'Vonage SMS API inbound message');
  const type = parsed.type?.toLowerCase();
  if (type === 'binary') return { kind: 'ignored', type: 'binary' };
  const receivedAt = parsed['message-timestamp'];
  return {
    kind: 'inbound',
    message: {
      from: international(parsed.msisdn),
      to: international(parsed.to),
      body: parsed.text ?? '',
      messageId: parsed.messageId,
      ...(receivedAt ? { receivedAt: `${receivedAt.replace(' ', 'T')}Z` } : {}),
      ...(parsed['api-key'] ? { accountId: parsed['api-key'] } : {}),
    },
    ...(parsed['api-key'] ? { accountId: parsed['api-key'] } : {}),
  };
}
