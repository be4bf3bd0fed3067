import { randomBytes } from 'node:crypto';

/** A Twilio SID with the given prefix and 32 random hex digits. */
export function twilioSid(prefix: 'SM' | 'MM' | 'AC' | 'MG'): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

export const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
export const SERVICE_SID = 'MG0123456789abcdef0123456789abcdef';
export const OUR_NUMBER = '+18005550100';

/** The form fields of Twilio's inbound message webhook. */
export function inboundParams(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ToCountry: 'US',
    SmsMessageSid: 'unused',
    NumMedia: '0',
    MessageSid: twilioSid('SM'),
    AccountSid: ACCOUNT_SID,
    From: '+14155552671',
    To: OUR_NUMBER,
    Body: 'Hello',
    NumSegments: '1',
    ApiVersion: '2010-04-01',
    ...overrides,
  };
}

/** An error shaped like twilio's RestException for a send to an unsubscribed recipient. */
export function unsubscribedRecipientError(): Error & { status: number; code: number; moreInfo: string } {
  return Object.assign(new Error('Attempt to send to unsubscribed recipient'), {
    status: 400,
    code: 21610,
    moreInfo: 'https://www.twilio.com/docs/errors/21610',
  });
}
