import { z } from 'zod';
import { omitUndefined } from '../helpers/omit-undefined.js';
import { parsePayload } from '../webhooks/parse.js';
import type { ProviderEvent } from '../webhooks/types.js';

/**
 * Bandwidth's `errorCode` for a message the carrier rejected because the recipient opted out:
 * 4775 `destination-rejected-due-to-user-opt-out` (https://dev.bandwidth.com/docs/messaging/errors).
 */
export const BANDWIDTH_USER_OPT_OUT = 4775;

const phone = z.string().trim().min(1, 'is required').max(200, 'is too long');

const eventSchema = z.object({
  type: z.string().trim().min(1, 'is required').max(100),
  time: z.string().max(100).optional(),
  to: phone,
  errorCode: z.union([z.number().int(), z.string().regex(/^\d{1,9}$/)]).optional(),
  message: z.object({
    id: z.string().trim().min(1, 'is required').max(200, 'is too long'),
    from: z.string().trim().max(200).optional(),
    text: z.string().max(100_000).optional(),
    applicationId: z.string().max(200).optional(),
    owner: z.string().max(200).optional(),
  }),
});

/**
 * Parses a Bandwidth messaging callback (a JSON array of events): `message-received` becomes an
 * inbound text (the event's `to` is the tenant's number), `message-failed` and `message-delivered`
 * statuses (error 4775 is an opt-out); other types are ignored. Malformed events throw a
 * `ValidationError` naming the fields. https://dev.bandwidth.com/docs/messaging/webhooks
 */
export function parseBandwidthWebhook(json: unknown): ProviderEvent[] {
  const events = parsePayload(
    z.array(z.unknown()).min(1, 'must hold at least one event'),
    json,
    'Bandwidth callback',
  );
  return events.map((item, index) => {
    const type = typeof item === 'object' && item !== null ? (item as { type?: unknown }).type : undefined;
    if (type !== 'message-received' && type !== 'message-failed' && type !== 'message-delivered') {
      return { kind: 'ignored', type: String(type) };
    }
    const event = parsePayload(eventSchema, item, `Bandwidth ${type} event ${index}`);
    const accountId = event.message.applicationId;
    if (type === 'message-received') {
      const from = event.message.from;
      if (!from)
        parsePayload(
          z.object({ message: z.object({ from: phone }) }),
          item,
          `Bandwidth ${type} event ${index}`,
        );
      return {
        kind: 'inbound',
        message: {
          from: from as string,
          to: event.to,
          body: event.message.text ?? '',
          messageId: event.message.id,
          ...(event.time ? { receivedAt: event.time } : {}),
          ...(accountId ? { accountId } : {}),
        },
        ...(accountId ? { accountId } : {}),
      };
    }
    const errorCode = event.errorCode === undefined ? undefined : Number(event.errorCode);
    const from = event.message.owner ?? event.message.from;
    return {
      kind: 'status',
      status: omitUndefined({
        messageId: event.message.id,
        status: type === 'message-failed' ? 'failed' : 'delivered',
        to: event.to,
        optedOut: errorCode === BANDWIDTH_USER_OPT_OUT,
        errorCode,
        ...(from ? { from } : {}),
        ...(accountId ? { accountId } : {}),
      }),
    };
  });
}
