import { createHash, createHmac, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import type { Express } from 'express';
import type { ConsentManager } from 'sms-consent';
import { bandwidthHandler } from 'sms-consent/bandwidth';
import { toNodeHandler } from 'sms-consent/node';
import { plivoHandler, plivoSignedUrl } from 'sms-consent/plivo';
import { type TelnyxHandlerOptions, telnyxHandler } from 'sms-consent/telnyx';
import { vonageHandler } from 'sms-consent/vonage';

/** The providers the compose box can simulate a text through. */
export const DEMO_PROVIDERS = [
  { id: 'twilio', label: 'Twilio' },
  { id: 'telnyx', label: 'Telnyx' },
  { id: 'plivo', label: 'Plivo' },
  { id: 'vonage', label: 'Vonage' },
  { id: 'bandwidth', label: 'Bandwidth' },
] as const;

export type DemoProvider = (typeof DEMO_PROVIDERS)[number]['id'];

/** What every provider handler's `onInbound` receives (the same for all of them). */
export type InboundEvent = Parameters<NonNullable<TelnyxHandlerOptions['onInbound']>>[0];

/** The providers whose webhook this module serves (Twilio's is the demo's main path, in demo.ts). */
export type OtherProvider = Exclude<DemoProvider, 'twilio'>;

/** True when `value` names one of {@link DEMO_PROVIDERS}. */
export function isDemoProvider(value: unknown): value is DemoProvider {
  return DEMO_PROVIDERS.some((provider) => provider.id === value);
}

/** A text to deliver as a provider's signed inbound webhook. */
export interface SimulatedText {
  readonly from: string;
  readonly to: string;
  readonly body: string;
}

/** Delivers simulated texts to the provider routes of the demo. */
export interface ProviderWebhooks {
  /** Signs `text` with the provider's scheme and posts it to `/<provider>/webhook`; resolves to the answer. */
  simulate(provider: OtherProvider, text: SimulatedText): Promise<Response>;
}

/** Where each provider's handler listens. */
export const webhookPath = (provider: OtherProvider) => `/${provider}/webhook`;

/**
 * Mounts Telnyx, Plivo, Vonage and Bandwidth handlers on the app, each with demo credentials made
 * at start-up (an Ed25519 key pair, an auth token, a signature secret, Basic credentials), and
 * signs simulated texts the way each provider signs its webhooks, so a STOP through any of them
 * takes the same path a real one would: signature check, parsing, the manager, the answer.
 */
export function mountProviderWebhooks(
  app: Express,
  options: {
    readonly consent: ConsentManager;
    readonly publicUrl: string;
    readonly localUrl: string;
    readonly onInbound: (event: InboundEvent) => Promise<void>;
  },
): ProviderWebhooks {
  const { consent, publicUrl, onInbound } = options;
  const telnyxKeys = generateKeyPairSync('ed25519');
  const telnyxPublicKey = Buffer.from(
    telnyxKeys.publicKey.export({ format: 'jwk' }).x as string,
    'base64url',
  ).toString('base64');
  const plivoAuthToken = randomBytes(20).toString('hex');
  const vonageSecret = randomBytes(24).toString('hex');
  const bandwidth = { username: 'demo-callbacks', password: randomBytes(16).toString('hex') };

  const common = { consent, publicUrl, onInbound };
  app.post(webhookPath('telnyx'), toNodeHandler(telnyxHandler({ ...common, publicKey: telnyxPublicKey })));
  app.post(webhookPath('plivo'), toNodeHandler(plivoHandler({ ...common, authToken: plivoAuthToken })));
  app.post(webhookPath('vonage'), toNodeHandler(vonageHandler({ ...common, signatureSecret: vonageSecret })));
  app.post(webhookPath('bandwidth'), toNodeHandler(bandwidthHandler({ ...common, credentials: bandwidth })));

  /** The request the provider would send for `text`, signed with its scheme. */
  function signedRequest(provider: OtherProvider, text: SimulatedText): RequestInit {
    const digits = (phone: string) => phone.replace(/^\+/, '');
    switch (provider) {
      case 'telnyx': {
        // https://developers.telnyx.com/docs/messaging/messages/receiving-webhooks
        const body = JSON.stringify({
          data: {
            record_type: 'event',
            id: randomUUID(),
            event_type: 'message.received',
            occurred_at: new Date().toISOString(),
            payload: {
              record_type: 'message',
              direction: 'inbound',
              id: randomUUID(),
              type: 'SMS',
              from: { phone_number: text.from },
              to: [{ phone_number: text.to }],
              text: text.body,
              received_at: new Date().toISOString(),
            },
          },
        });
        const timestamp = String(Math.floor(Date.now() / 1000));
        const signature = sign(null, Buffer.from(`${timestamp}|${body}`), telnyxKeys.privateKey);
        return {
          headers: {
            'Content-Type': 'application/json',
            'telnyx-timestamp': timestamp,
            'telnyx-signature-ed25519': signature.toString('base64'),
          },
          body,
        };
      }
      case 'plivo': {
        // https://www.plivo.com/docs/messaging/concepts/signature-validation (V3)
        const params = {
          From: digits(text.from),
          To: digits(text.to),
          Text: text.body,
          Type: 'sms',
          MessageUUID: randomUUID(),
        };
        const nonce = randomBytes(10).toString('hex');
        const url = `${publicUrl}${webhookPath('plivo')}`;
        const signature = createHmac('sha256', plivoAuthToken)
          .update(`${plivoSignedUrl('POST', url, params)}.${nonce}`)
          .digest('base64');
        return {
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            'X-Plivo-Signature-V3': signature,
            'X-Plivo-Signature-V3-Nonce': nonce,
          },
          body: new URLSearchParams(params).toString(),
        };
      }
      case 'vonage': {
        // Messages API signed webhook: https://developer.vonage.com/en/messages/concepts/signed-webhooks
        const body = JSON.stringify({
          channel: 'sms',
          message_uuid: randomUUID(),
          to: digits(text.to),
          from: digits(text.from),
          timestamp: new Date().toISOString(),
          text: text.body,
          message_type: 'text',
        });
        const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const claims = {
          iat: Math.floor(Date.now() / 1000),
          jti: randomUUID(),
          iss: 'Vonage',
          payload_hash: createHash('sha256').update(body).digest('hex'),
          api_key: 'demo',
          application_id: randomUUID(),
        };
        const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
        const jwt = `${unsigned}.${createHmac('sha256', vonageSecret).update(unsigned).digest('base64url')}`;
        return { headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${jwt}` }, body };
      }
      case 'bandwidth': {
        // https://dev.bandwidth.com/docs/messaging/webhooks (callback credentials, HTTP Basic)
        const now = new Date().toISOString();
        const body = JSON.stringify([
          {
            type: 'message-received',
            time: now,
            description: 'Incoming message received',
            to: text.to,
            message: {
              id: randomUUID(),
              owner: text.to,
              applicationId: 'demo-application',
              time: now,
              segmentCount: 1,
              direction: 'in',
              to: [text.to],
              from: text.from,
              text: text.body,
            },
          },
        ]);
        const basic = Buffer.from(`${bandwidth.username}:${bandwidth.password}`).toString('base64');
        return { headers: { 'Content-Type': 'application/json', Authorization: `Basic ${basic}` }, body };
      }
    }
  }

  return {
    simulate: (provider, text) =>
      fetch(`${options.localUrl}${webhookPath(provider)}`, {
        method: 'POST',
        ...signedRequest(provider, text),
      }),
  };
}
