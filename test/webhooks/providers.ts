import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

/** A Telnyx-style Ed25519 key pair: the public key base64 as Mission Control shows it. */
export function telnyxKeyPair(): { publicKey: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x as string;
  return { publicKey: Buffer.from(x, 'base64url').toString('base64'), privateKey };
}

/** Signs a body as Telnyx does: Ed25519 over `timestamp|body`, base64. */
export function telnyxSign(privateKey: KeyObject, timestamp: string, body: string): string {
  return sign(null, Buffer.from(`${timestamp}|${body}`), privateKey).toString('base64');
}

/** A Telnyx `message.received` event. */
export function telnyxInbound(overrides: { text?: string; from?: string; id?: string } = {}): string {
  return JSON.stringify({
    data: {
      record_type: 'event',
      id: crypto.randomUUID(),
      event_type: 'message.received',
      occurred_at: '2026-12-01T12:00:00.000Z',
      payload: {
        record_type: 'message',
        direction: 'inbound',
        id: overrides.id ?? crypto.randomUUID(),
        type: 'SMS',
        messaging_profile_id: '0f512bda-ae1e-4597-8e11-e5f5686b97d3',
        from: {
          phone_number: overrides.from ?? '+14155552671',
          carrier: 'T-MOBILE USA, INC.',
          line_type: 'Wireless',
        },
        to: [{ phone_number: '+18005550100', status: 'delivered', carrier: 'TELNYX LLC', line_type: 'VoIP' }],
        cc: [],
        text: overrides.text ?? 'Hello',
        media: [],
        encoding: 'GSM-7',
        parts: 1,
        received_at: '2026-12-01T12:00:00.000Z',
      },
    },
    meta: { attempt: 1, delivered_to: 'https://sms.example.com/telnyx' },
  });
}

/** A Telnyx `message.finalized` event for a message to `to`, with the given error codes. */
export function telnyxFinalized(to: string, codes: readonly string[], id = crypto.randomUUID()): string {
  return JSON.stringify({
    data: {
      event_type: 'message.finalized',
      id: crypto.randomUUID(),
      occurred_at: '2026-12-01T12:00:00.000Z',
      payload: {
        id,
        direction: 'outbound',
        from: { phone_number: '+18005550100' },
        to: [{ phone_number: to, status: codes.length ? 'delivery_failed' : 'delivered' }],
        errors: codes.map((code) => ({
          code,
          title: code === '40300' ? 'Blocked due to STOP message' : 'Error',
        })),
        messaging_profile_id: '0f512bda-ae1e-4597-8e11-e5f5686b97d3',
      },
    },
  });
}
