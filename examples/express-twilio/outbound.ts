import { randomBytes } from 'node:crypto';
import type { ConsentManager } from 'sms-consent';
import { type GuardedTwilioClient, guardTwilioClient } from 'sms-consent/twilio';

/** What the compose box sends through. */
export interface OutboundParams {
  to: string;
  from: string;
  body: string;
  statusCallback?: string;
}

/** The sender of the demo: the real Twilio client when configured, else a local stand-in. */
export interface Outbound {
  readonly mode: 'twilio' | 'stand-in';
  /** The tenant's number the demo sends from (and simulated texts are sent to). */
  readonly from: string;
  /** The guarded client: refuses opted-out recipients before any network call. */
  readonly client: GuardedTwilioClient<OutboundParams, { readonly sid: string }>;
}

/** Twilio's magic test number, used as the demo's own number when none is configured. */
export const DEMO_NUMBER = '+15005550006';

/** Twilio credentials from the environment, when all three are set. */
export interface TwilioCredentials {
  readonly accountSid: string;
  readonly authToken: string;
  readonly from: string;
}

/**
 * Builds the sender: with credentials, the official `twilio` client (imported only then, as an
 * optional dependency); without, a stand-in that answers like Twilio without any network call.
 * Either way every send goes through `guardTwilioClient`.
 */
export async function createOutbound(
  consent: ConsentManager,
  credentials?: TwilioCredentials,
): Promise<Outbound> {
  if (credentials) {
    const { default: twilio } = await import('twilio');
    const client = twilio(credentials.accountSid, credentials.authToken);
    return { mode: 'twilio', from: credentials.from, client: guardTwilioClient(client, consent) };
  }
  const standIn = {
    messages: {
      async create(_params: OutboundParams) {
        return { sid: `SM${randomBytes(16).toString('hex')}` };
      },
    },
  };
  return { mode: 'stand-in', from: DEMO_NUMBER, client: guardTwilioClient(standIn, consent) };
}
