import { encodeBase64 } from './parse.js';

type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

const encoder = new TextEncoder();
const keys = new Map<string, Promise<HmacKey>>();

/** HMAC of `data` keyed with `secret`, in base64 (Web Crypto, so it runs on every runtime). */
export async function hmacBase64(
  hash: 'SHA-256' | 'SHA-512' | 'SHA-1',
  secret: string,
  data: string | Uint8Array,
): Promise<string> {
  return encodeBase64(await hmac(hash, secret, data));
}

/** HMAC of `data` keyed with `secret`, as bytes; keys are imported once per secret. */
export async function hmac(
  hash: 'SHA-256' | 'SHA-512' | 'SHA-1',
  secret: string,
  data: string | Uint8Array,
): Promise<Uint8Array> {
  const id = `${hash}:${secret}`;
  let key = keys.get(id);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash }, false, ['sign']);
    keys.set(id, key);
  }
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  return new Uint8Array(await crypto.subtle.sign('HMAC', await key, bytes));
}

/** SHA-256 of `data` as lower-case hex. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
