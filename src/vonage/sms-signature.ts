import { ConsentError } from '../errors.js';
import { hmac } from '../webhooks/hmac.js';
import { constantTimeEqual } from '../webhooks/secrets.js';
import { hmacMd5, md5 } from './md5.js';

/**
 * The SMS API signature methods the Vonage dashboard offers (Settings → API settings → signature
 * method), named like `AlgorithmTypes` of the official SDK: "MD5 hash" (the default), MD5 HMAC,
 * SHA1 HMAC, SHA-256 HMAC and SHA-512 HMAC.
 */
export type VonageSmsSignatureMethod = 'md5hash' | 'md5hmac' | 'sha1hmac' | 'sha256hmac' | 'sha512hmac';

const METHODS: readonly VonageSmsSignatureMethod[] = [
  'md5hash',
  'md5hmac',
  'sha1hmac',
  'sha256hmac',
  'sha512hmac',
];

/** What {@link verifyVonageSmsSignature} checks. */
export interface VonageSmsSignatureInput {
  /** The account's signature secret (not the API secret); several while rotating. */
  readonly signatureSecret: string | readonly string[];
  /** The signature method chosen in the dashboard. */
  readonly method: VonageSmsSignatureMethod;
  /** Every parameter of the webhook (query and body), `sig` and `timestamp` included. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Now (default the system clock), for the `timestamp` check. */
  readonly now?: Date;
  /** Refuse a `timestamp` further than this from now, in seconds (default 300): a replay or a wrong clock. */
  readonly toleranceSeconds?: number;
}

/** True when `value` names a signature method of the SMS API. */
export function isVonageSmsSignatureMethod(value: unknown): value is VonageSmsSignatureMethod {
  return METHODS.includes(value as VonageSmsSignatureMethod);
}

/**
 * Checks the `sig` parameter of a Vonage SMS API webhook (inbound SMS and delivery receipts of the
 * legacy SMS API, which carry no JWT): every parameter but `sig`, sorted by name, joined as
 * `&name=value` with `&` and `=` in values replaced by `_`; then the MD5 of that string followed by
 * the secret ("MD5 hash"), or its HMAC keyed with the secret; hex, compared case-insensitively in
 * constant time, as the official `@vonage/sms` `verifySignature` compares it. The signed `timestamp`
 * (Unix seconds) must lie within `toleranceSeconds` of now, so a captured request cannot be replayed
 * later. Throws `ConsentError` (`INVALID_SIGNATURE`) naming what failed.
 *
 * Scheme: https://developer.vonage.com/en/getting-started/concepts/signing-messages ("Verify
 * signatures on incoming messages" and "Manually generate a signature").
 *
 * @example
 * await verifyVonageSmsSignature({ signatureSecret, method: 'sha256hmac', params: Object.fromEntries(url.searchParams) });
 */
export async function verifyVonageSmsSignature(input: VonageSmsSignatureInput): Promise<void> {
  if (!isVonageSmsSignatureMethod(input.method)) {
    throw new ConsentError(
      'CONFIG',
      `Unknown Vonage SMS signature method ${JSON.stringify(input.method)}: expected one of ${METHODS.join(', ')}`,
    );
  }
  const { params } = input;
  const sig = params.sig;
  if (typeof sig !== 'string' || sig === '') {
    throw invalid('Missing sig parameter (enable signed webhooks for the SMS API in the Vonage account)');
  }
  const signed = signedString(params);
  const expected = sig.toLowerCase();
  let matched = false;
  for (const secret of typeof input.signatureSecret === 'string'
    ? [input.signatureSecret]
    : input.signatureSecret) {
    matched = constantTimeEqual(expected, await digest(input.method, secret, signed)) || matched;
  }
  if (!matched) {
    throw invalid(
      `The Vonage sig parameter does not match any configured signature secret (method ${input.method})`,
    );
  }
  const timestamp = params.timestamp;
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) {
    throw invalid('The signed Vonage webhook has no Unix timestamp parameter');
  }
  const tolerance = input.toleranceSeconds ?? 300;
  const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
  // Written so that a tolerance that is not a number (NaN) refuses rather than admits every replay.
  if (!(Math.abs(now - Number(timestamp)) <= tolerance)) {
    throw invalid(`The Vonage webhook was signed more than ${tolerance} s from now (timestamp ${timestamp})`);
  }
}

/** `&name=value` for every parameter but `sig`, sorted by name; a value that is not text cannot be checked. */
function signedString(params: Readonly<Record<string, unknown>>): string {
  let signed = '';
  for (const name of Object.keys(params).sort()) {
    if (name === 'sig') continue;
    // Names are signed as they are: one with '&' or '=' would let a captured sig be cut into other
    // parameters (`a=1&b` + `2` signs as `a` + `1`, `b` + `2`). Vonage's names have neither.
    if (/[&=]/.test(name)) {
      throw invalid(
        `The Vonage parameter name ${JSON.stringify(name)} contains & or =; its sig cannot be checked`,
      );
    }
    const value = params[name];
    if (typeof value !== 'string') {
      throw invalid(
        `The Vonage parameter ${JSON.stringify(name)} is not a single text value; its sig cannot be checked`,
      );
    }
    signed += `&${name}=${value.replace(/[&=]/g, '_')}`;
  }
  return signed;
}

async function digest(method: VonageSmsSignatureMethod, secret: string, signed: string): Promise<string> {
  switch (method) {
    case 'md5hash':
      return hex(md5(signed + secret));
    case 'md5hmac':
      return hex(hmacMd5(secret, signed));
    case 'sha1hmac':
      return hex(await hmac('SHA-1', secret, signed));
    case 'sha256hmac':
      return hex(await hmac('SHA-256', secret, signed));
    case 'sha512hmac':
      return hex(await hmac('SHA-512', secret, signed));
  }
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

function invalid(message: string): ConsentError {
  return new ConsentError('INVALID_SIGNATURE', message);
}
