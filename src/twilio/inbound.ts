import { z } from 'zod';
import type { InboundMessage } from '../consent/inputs.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import { field, integerText, paramsToRecord, parseParams, sid, type TwilioParamsInput } from './params.js';
import { plainInboundFields } from './plain-inbound.js';

/** An inbound Twilio message as the consent manager takes it, plus the Twilio fields apps often need. */
export interface TwilioInboundMessage extends InboundMessage {
  readonly from: string;
  readonly to: string;
  readonly body: string;
  /** `MessageSid`: the idempotency key, so a retried webhook records nothing twice. */
  readonly messageId: string;
  /** `AccountSid`. */
  readonly accountId: string;
  /** `NumMedia`: attachments of an MMS (0 when absent). */
  readonly numMedia: number;
  /** `MessagingServiceSid`, when the receiving number belongs to a Messaging Service. */
  readonly messagingServiceSid?: string;
  /** `OptOutType` (STOP, START or HELP), upper-cased; sent only with Advanced Opt-Out. */
  readonly optOutType?: string;
}

const LONGEST_BODY = 100_000;

/** The schema of Twilio's inbound fields: the one source of their rules and errors. */
export const inboundSchema = z.object({
  MessageSid: sid(['SM', 'MM']),
  AccountSid: sid(['AC']),
  From: field().trim().min(1, 'is required').max(200, 'is too long'),
  To: field().trim().min(1, 'is required').max(200, 'is too long'),
  Body: field().max(LONGEST_BODY, 'is too long'),
  NumMedia: integerText().optional(),
  MessagingServiceSid: sid(['MG']).optional(),
  OptOutType: field().trim().max(100, 'is too long').optional(),
});

/** Twilio's inbound fields as validated (before they are mapped to a {@link TwilioInboundMessage}). */
export type TwilioInboundFields = z.output<typeof inboundSchema>;

/**
 * Validates the parameters of Twilio's inbound message webhook (form fields or a JSON object) and
 * maps them to the consent manager's inbound message. Missing or malformed fields throw a
 * `ValidationError` whose message and `issues` name each field (`MessageSid must be SM or MM
 * followed by 32 hex digits`). Phone numbers are kept as sent: the manager normalizes them.
 *
 * @example
 * const message = parseTwilioInbound(new URLSearchParams(rawBody));
 * const result = await consent.handleInbound(message);
 */
export function parseTwilioInbound(params: TwilioParamsInput): TwilioInboundMessage {
  const record = params instanceof URLSearchParams ? paramsToRecord(params) : params;
  // The ordinary webhook skips zod's generic run; anything else, and every error, goes through it.
  const parsed = plainInboundFields(record) ?? parseParams(inboundSchema, record, 'inbound message');
  const optOutType = parsed.OptOutType?.toUpperCase();
  return omitUndefined({
    from: parsed.From,
    to: parsed.To,
    body: parsed.Body,
    messageId: parsed.MessageSid,
    accountId: parsed.AccountSid,
    numMedia: parsed.NumMedia ?? 0,
    messagingServiceSid: parsed.MessagingServiceSid,
    ...(optOutType ? { optOutType } : {}),
  });
}
