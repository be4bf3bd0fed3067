import { z } from 'zod';
import { deliveryErrorKey, UNSUBSCRIBED_RECIPIENT_ERROR } from '../consent/evidence.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import type { ConsentManager, RecordResult, TenantOption } from '../manager/manager.js';
import { field, integerText, parseParams, sid, type TwilioParamsInput } from './params.js';

/** Twilio's error code for a send to a recipient who texted STOP: "Attempt to send to unsubscribed recipient". */
export const TWILIO_UNSUBSCRIBED_RECIPIENT: number = UNSUBSCRIBED_RECIPIENT_ERROR;

/** A message status callback from Twilio, validated. */
export interface TwilioStatusCallback {
  /** `MessageSid` of the outbound message. */
  readonly messageId: string;
  /** `MessageStatus`, lower-cased: queued, sent, delivered, undelivered, failed, … */
  readonly status: string;
  /** `ErrorCode`, when the message failed. */
  readonly errorCode?: number;
  /** `To`: the recipient (the lead). */
  readonly to: string;
  /** `From`: the tenant's number (absent for some Messaging Service callbacks). */
  readonly from?: string;
  /** `AccountSid`, when sent. */
  readonly accountId?: string;
  /** `MessagingServiceSid`, when sent. */
  readonly messagingServiceSid?: string;
}

const statusSchema = z.object({
  MessageSid: sid(['SM', 'MM']),
  MessageStatus: field()
    .trim()
    .regex(/^[a-z_-]{1,40}$/i, 'must be a Twilio message status such as delivered or failed'),
  ErrorCode: integerText().optional(),
  To: field().trim().min(1, 'is required').max(200, 'is too long'),
  From: field().trim().max(200, 'is too long').optional(),
  AccountSid: sid(['AC']).optional(),
  MessagingServiceSid: sid(['MG']).optional(),
});

/**
 * Validates the parameters of a Twilio message status callback. Missing or malformed fields throw
 * a `ValidationError` naming each field.
 *
 * @example
 * const callback = parseTwilioStatusCallback(req.body);
 * if (callback.errorCode === 21610) await recordDeliveryFailure(consent, callback);
 */
export function parseTwilioStatusCallback(params: TwilioParamsInput): TwilioStatusCallback {
  const parsed = parseParams(statusSchema, params, 'status callback');
  return omitUndefined({
    messageId: parsed.MessageSid,
    status: parsed.MessageStatus.toLowerCase(),
    errorCode: parsed.ErrorCode,
    to: parsed.To,
    ...(parsed.From ? { from: parsed.From } : {}),
    accountId: parsed.AccountSid,
    messagingServiceSid: parsed.MessagingServiceSid,
  });
}

/**
 * Records what a status callback proves about consent: error 21610 means Twilio holds an opt-out
 * for the recipient, so the ledger records one (`source: 'delivery_error'`), once per `MessageSid`.
 * Any other status or error changes nothing and resolves to null.
 *
 * @example
 * await recordDeliveryFailure(consent, parseTwilioStatusCallback(params), { tenantId: 'acme' });
 */
export async function recordDeliveryFailure(
  consent: Pick<ConsentManager, 'record'>,
  callback: TwilioStatusCallback,
  options: TenantOption = {},
): Promise<RecordResult | null> {
  if (callback.errorCode !== TWILIO_UNSUBSCRIBED_RECIPIENT) return null;
  return consent.record(
    omitUndefined({
      phone: callback.to,
      action: 'opt_out',
      source: 'delivery_error',
      idempotencyKey: deliveryErrorKey(callback.messageId),
      evidence: omitUndefined({
        errorCode: TWILIO_UNSUBSCRIBED_RECIPIENT,
        messageId: callback.messageId,
        to: callback.to,
        from: callback.from,
        accountId: callback.accountId,
      }),
      tenantId: options.tenantId,
    }),
  );
}
