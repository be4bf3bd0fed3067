import { z } from 'zod';
import { parsePayload } from '../webhooks/parse.js';
import type { ProviderEvent } from '../webhooks/types.js';

/**
 * Telnyx's delivery error for a recipient who texted STOP: "Blocked due to STOP message"
 * (https://developers.telnyx.com/docs/messaging/messages/advanced-opt-in-out).
 */
export const TELNYX_BLOCKED_BY_STOP = 40300;

const phone = z.string().trim().min(1, 'is required').max(200, 'is too long');
const address = z.object({ phone_number: phone });

const inboundSchema = z.object({
  data: z.object({
    event_type: z.literal('message.received'),
    occurred_at: z.string().optional(),
    payload: z.object({
      id: z.string().min(1, 'is required').max(200),
      from: address,
      to: z.array(address).min(1, 'must name the receiving number'),
      text: z.string().max(100_000).nullish(),
      received_at: z.string().nullish(),
      messaging_profile_id: z.string().max(200).nullish(),
    }),
  }),
});

const statusSchema = z.object({
  data: z.object({
    event_type: z.enum(['message.sent', 'message.finalized']),
    payload: z.object({
      id: z.string().min(1, 'is required').max(200),
      from: address.partial().optional(),
      to: z
        .array(address.extend({ status: z.string().max(100).optional() }))
        .min(1, 'must name the recipient'),
      errors: z
        .array(z.object({ code: z.union([z.string(), z.number()]).optional() }).passthrough())
        .nullish(),
      messaging_profile_id: z.string().max(200).nullish(),
    }),
  }),
});

const envelope = z.object({ data: z.object({ event_type: z.string().max(200) }) });

/**
 * Parses a Telnyx messaging webhook (API v2 JSON): `message.received` becomes an inbound text,
 * `message.sent` and `message.finalized` a status (error 40300 is an opt-out); any other event
 * type is ignored. Malformed payloads throw a `ValidationError` naming the fields.
 * Payloads: https://developers.telnyx.com/api-reference/callbacks/inbound-message and
 * https://developers.telnyx.com/api-reference/callbacks/delivery-update
 */
export function parseTelnyxWebhook(json: unknown): ProviderEvent {
  const type = parsePayload(envelope, json, 'Telnyx webhook').data.event_type;
  if (type === 'message.received') {
    const { data } = parsePayload(inboundSchema, json, 'Telnyx message.received webhook');
    const { payload } = data;
    const receivedAt = payload.received_at ?? data.occurred_at;
    const accountId = payload.messaging_profile_id ?? undefined;
    return {
      kind: 'inbound',
      message: {
        from: payload.from.phone_number,
        to: (payload.to[0] as { phone_number: string }).phone_number,
        body: payload.text ?? '',
        messageId: payload.id,
        ...(receivedAt ? { receivedAt } : {}),
        ...(accountId ? { accountId } : {}),
      },
      ...(accountId ? { accountId } : {}),
    };
  }
  if (type === 'message.sent' || type === 'message.finalized') {
    const { payload } = parsePayload(statusSchema, json, `Telnyx ${type} webhook`).data;
    const recipient = payload.to[0] as { phone_number: string; status?: string };
    const codes = (payload.errors ?? []).map((error) => Number(error.code)).filter(Number.isSafeInteger);
    const accountId = payload.messaging_profile_id ?? undefined;
    const from = payload.from?.phone_number;
    return {
      kind: 'status',
      status: {
        messageId: payload.id,
        status: (recipient.status ?? type).toLowerCase(),
        to: recipient.phone_number,
        optedOut: codes.includes(TELNYX_BLOCKED_BY_STOP),
        ...(codes[0] === undefined
          ? {}
          : { errorCode: codes.includes(TELNYX_BLOCKED_BY_STOP) ? TELNYX_BLOCKED_BY_STOP : codes[0] }),
        ...(from ? { from } : {}),
        ...(accountId ? { accountId } : {}),
      },
    };
  }
  return { kind: 'ignored', type };
}
