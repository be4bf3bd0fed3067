import { z } from 'zod';
import { omitUndefined } from '../helpers/omit-undefined.js';
import { international, parsePayload } from '../webhooks/parse.js';
import type { ProviderEvent } from '../webhooks/types.js';

/**
 * The SMS API delivery receipt's `err-code` for a recipient who opted out of the sending number
 * (https://developer.vonage.com/en/opt-out-assist/guides/messaging-opted-out-numbers).
 */
export const VONAGE_OPTED_OUT = 9;

const phone = z.string().trim().min(1, 'is required').max(200, 'is too long');
const id = z.string().trim().min(1, 'is required').max(200, 'is too long');

const inboundSchema = z.object({
  message_uuid: id,
  channel: z.string().max(40).optional(),
  from: phone,
  to: phone,
  text: z.string().max(100_000).optional(),
  timestamp: z.string().max(100).optional(),
});

const statusSchema = z.object({
  message_uuid: id,
  to: phone,
  from: z.string().trim().max(200).optional(),
  status: z
    .string()
    .trim()
    .regex(/^[a-z_-]{1,40}$/i, 'must be a Vonage message status such as delivered or rejected'),
  error: z
    .object({ title: z.union([z.string(), z.number()]).optional(), type: z.string().optional() })
    .passthrough()
    .optional(),
});

/**
 * Parses a Vonage Messages API webhook (JSON): an inbound message (`message_uuid`, `from`, `to`,
 * `text`) or a message status (`status`, `error`). Error codes in `optedOutCodes` (the numeric
 * `error.title`, or the code after `#` in `error.type`) mark a status as an opt-out. Numbers come
 * without `+` and are read as international. Inbound: https://developer.vonage.com/en/api/messages#inbound-message
 * Status: https://developer.vonage.com/en/messages/concepts/messages-status-callbacks
 */
export function parseVonageWebhook(json: unknown, optedOutCodes: readonly number[] = []): ProviderEvent {
  const record = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  if (record.status !== undefined && record.message_type === undefined) {
    const parsed = parsePayload(statusSchema, json, 'Vonage message status webhook');
    const errorCode = codeOf(parsed.error);
    return {
      kind: 'status',
      status: omitUndefined({
        messageId: parsed.message_uuid,
        status: parsed.status.toLowerCase(),
        to: international(parsed.to),
        optedOut: errorCode !== undefined && optedOutCodes.includes(errorCode),
        errorCode,
        ...(parsed.from ? { from: international(parsed.from) } : {}),
      }),
    };
  }
  const parsed = parsePayload(inboundSchema, json, 'Vonage inbound message webhook');
  return {
    kind: 'inbound',
    message: {
      from: international(parsed.from),
      to: international(parsed.to),
      body: parsed.text ?? '',
      messageId: parsed.message_uuid,
      ...(parsed.timestamp ? { receivedAt: parsed.timestamp } : {}),
    },
  };
}

function codeOf(
  error: { title?: string | number | undefined; type?: string | undefined } | undefined,
): number | undefined {
  if (!error) return undefined;
  const fromTitle = Number(error.title);
  if (Number.isSafeInteger(fromTitle) && String(error.title).trim() !== '') return fromTitle;
  const fromType = Number(error.type?.split('#')[1]);
  return Number.isSafeInteger(fromType) && error.type?.includes('#') ? fromType : undefined;
}
