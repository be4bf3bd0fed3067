// The Worker run by workerd in test/webhooks/workerd.test.ts: the Fetch handler on the memory store,
// plus a route that reads the consent status back, both in one isolate.
import { createConsentManager, createMemoryStore } from 'sms-consent';
import { twilioHandler } from 'sms-consent/twilio';
import { vonageHandler } from 'sms-consent/vonage';

interface Env {
  readonly TWILIO_AUTH_TOKEN: string;
}

const consent = createConsentManager({ store: createMemoryStore(), defaultCountry: 'US' });
let handler: ((request: Request) => Promise<Response>) | undefined;
let vonage: ((request: Request) => Promise<Response>) | undefined;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/status') {
      const status = await consent.getStatus(url.searchParams.get('phone') ?? '');
      return Response.json({ status: status.status, source: status.lastEvent?.source ?? null });
    }
    if (url.pathname === '/vonage') {
      // The SMS API's default "MD5 hash" signature: MD5, which Web Crypto lacks, in plain JavaScript.
      vonage ??= vonageHandler({
        consent,
        signatureSecret: env.TWILIO_AUTH_TOKEN,
        smsSignatureMethod: 'md5hash',
      });
      return vonage(request);
    }
    handler ??= twilioHandler({
      consent,
      authToken: env.TWILIO_AUTH_TOKEN,
      publicUrl: 'https://sms.example.com',
    });
    return handler(request);
  },
};
