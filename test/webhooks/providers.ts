import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

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

/**
 * Signs a Plivo request the V3 way, written from Plivo's documentation (the SDK only validates):
 * HMAC-SHA256 of URL (query sorted) + sorted name+value pairs + '.' + nonce.
 */
export function plivoSign(
  authToken: string,
  url: string,
  params: Record<string, string>,
  nonce: string,
): string {
  const parsed = new URL(url);
  const query = [...parsed.searchParams].sort(([a, x], [b, y]) =>
    a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1,
  );
  const queryText = query.map(([name, value]) => `${name}=${value}`).join('&');
  const names = Object.keys(params).sort();
  let base = `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' && !url.endsWith('/') ? '' : parsed.pathname}`;
  if (queryText || names.length) base += `?${queryText}`;
  if (queryText && names.length) base += '.';
  for (const name of names) base += name + params[name];
  return createHmac('sha256', authToken).update(`${base}.${nonce}`).digest('base64');
}

/** The parameters of a Plivo inbound SMS. */
export function plivoInbound(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    From: '14155552671',
    To: '18005550100',
    Type: 'sms',
    Text: 'Hello',
    MessageUUID: crypto.randomUUID(),
    Units: '1',
    TotalRate: '0.00000',
    TotalAmount: '0.00000',
    MessageIntent: 'optout',
    ...overrides,
  };
}

/** A Vonage Messages API inbound SMS, as JSON. */
export function vonageInbound(overrides: { text?: string; uuid?: string } = {}): string {
  return JSON.stringify({
    channel: 'sms',
    message_uuid: overrides.uuid ?? crypto.randomUUID(),
    to: '18005550100',
    from: '14155552671',
    timestamp: '2026-12-01T12:00:00Z',
    text: overrides.text ?? 'Hello',
    sms: { num_messages: '1' },
    message_type: 'text',
  });
}
