import { createHash, createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { LEAD } from './harness.js';

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

/** The SMS API signature methods, as the library names them. */
export type VonageSmsMethod = 'md5hash' | 'md5hmac' | 'sha1hmac' | 'sha256hmac' | 'sha512hmac';

/**
 * Signs SMS API parameters the way Vonage's "Manually generate a signature" steps describe (the
 * SDK's own signer builds another string, so tests sign from the documentation and check the
 * result with the official `@vonage/sms` verifier): sorted `&name=value` without `sig`, `&` and `=`
 * in values as `_`, then MD5 of string + secret, or an HMAC of the string; hex.
 */
export function vonageSmsSign(
  params: Readonly<Record<string, string>>,
  secret: string,
  method: VonageSmsMethod,
): string {
  let signed = '';
  for (const name of Object.keys(params).sort()) {
    if (name !== 'sig') signed += `&${name}=${(params[name] as string).replace(/[&=]/g, '_')}`;
  }
  if (method === 'md5hash')
    return createHash('md5')
      .update(signed + secret)
      .digest('hex');
  const hash = { md5hmac: 'md5', sha1hmac: 'sha1', sha256hmac: 'sha256', sha512hmac: 'sha512' }[method];
  return createHmac(hash, secret).update(signed).digest('hex');
}

/** A Vonage SMS API inbound SMS's parameters, before signing. */
export function vonageSmsInbound(
  timestamp: number,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    'api-key': 'abcd1234',
    msisdn: '14155552671',
    to: '18005550100',
    messageId: `${Math.floor(Math.random() * 1e15)}`,
    text: 'Hello',
    type: 'text',
    keyword: 'HELLO',
    'message-timestamp': '2026-12-01 12:00:00',
    timestamp: String(timestamp),
    nonce: crypto.randomUUID(),
    ...overrides,
  };
}

/** A Vonage SMS API delivery receipt's parameters, before signing (the documented example's fields). */
export function vonageSmsReceipt(
  timestamp: number,
  errCode: string,
  messageId: string = crypto.randomUUID(),
): Record<string, string> {
  return {
    msisdn: '14155552671',
    to: '18005550100',
    'network-code': '12345',
    messageId,
    price: '0.00000000',
    status: errCode === '0' ? 'delivered' : 'failed',
    scts: '2001011400',
    'err-code': errCode,
    'api-key': 'abcd1234',
    'message-timestamp': '2026-12-01 12:00:00',
    timestamp: String(timestamp),
    nonce: crypto.randomUUID(),
  };
}

/** A Bandwidth `message-received` callback event, as its messaging API posts it (in a JSON array). */
export function bandwidthReceived(text: string, id: string = crypto.randomUUID(), from = LEAD) {
  return {
    type: 'message-received',
    time: '2026-12-01T12:00:00.000Z',
    description: 'Incoming message received',
    to: '+18005550100',
    message: {
      id,
      time: '2026-12-01T12:00:00.000Z',
      to: ['+18005550100'],
      from,
      text,
      applicationId: '93de2206-9669-4e07-948d-329f4b722ee2',
      owner: '+18005550100',
      direction: 'in',
      segmentCount: 1,
    },
  };
}
