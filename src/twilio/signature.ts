import { createHash, createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { parse as parseQuery, stringify as stringifyQuery } from 'node:querystring';

/** Form parameters of a webhook: a repeated name carries every value. */
export type TwilioParams = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The HMAC Twilio signs with: the auth token's SHA-1 (default), or SHA-256 for SharedKey webhooks. */
export type TwilioSignatureAlgorithm = 'HMAC_SHA1' | 'HMAC_SHA256';

/** What {@link signTwilioRequest} signs. */
export interface TwilioSigningInput {
  /** The account auth token (or the SharedKey secret). */
  readonly authToken: string;
  /** The full URL Twilio requests: scheme, host, optional port, path and query. */
  readonly url: string;
  /** The form parameters of a form-encoded request; leave out for a JSON body. */
  readonly params?: TwilioParams;
  readonly algorithm?: TwilioSignatureAlgorithm;
}

/** What {@link validateTwilioSignature} checks. */
export interface TwilioSignatureInput extends TwilioSigningInput {
  /**
   * The raw request body. Needed when the URL carries `bodySHA256` (JSON webhooks): the body's
   * SHA-256 must equal it. Ignored for form-encoded requests.
   */
  readonly rawBody?: string | Uint8Array;
  /** The `X-Twilio-Signature` header; missing or empty never validates. */
  readonly signature: string | undefined;
}

/**
 * Computes the `X-Twilio-Signature` of a request exactly as Twilio does: base64 HMAC of the URL
 * followed by every parameter sorted by name, as name + value with no separator (a repeated name's
 * distinct values sorted, like the official helper). For a JSON body pass no params: the body is
 * covered by the URL's `bodySHA256` instead (see {@link twilioBodyHash}).
 *
 * Use it to sign test requests, or requests a demo sends to its own webhook.
 *
 * @example
 * const signature = signTwilioRequest({ authToken, url: 'https://app.example.com/twilio/inbound', params });
 * await fetch(url, { method: 'POST', headers: { 'X-Twilio-Signature': signature }, body: new URLSearchParams(params) });
 */
export function signTwilioRequest({
  authToken,
  url,
  params = {},
  algorithm = 'HMAC_SHA1',
}: TwilioSigningInput): string {
  return sign(authToken, url, params, algorithm);
}

function sign(
  authToken: string,
  url: string,
  params: TwilioParams,
  algorithm: TwilioSignatureAlgorithm,
): string {
  return hmacBase64(authToken, algorithm, signedText(url, params));
}

/** What Twilio signs: the URL, then every parameter sorted by name, as name + value. */
function signedText(url: string, params: TwilioParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    if (value === undefined) continue;
    if (typeof value === 'string') data += name + value;
    else for (const item of [...new Set(value)].sort()) data += name + item;
  }
  return data;
}

/** Key objects of the auth tokens in use; a few at most (rotation), so the cache is bounded small. */
const keys = new Map<string, KeyObject>();
const MAX_KEYS = 16;

/**
 * `createHmac(...).update(data).digest('base64')` with each token's key object made once instead
 * of on every request. Every token is kept, not only the last one used: during a rotation a
 * request signed with the second token is checked against both, and a one-entry cache made a new
 * key object for each of them on every request.
 */
function hmacBase64(authToken: string, algorithm: TwilioSignatureAlgorithm, data: string): string {
  let key = keys.get(authToken);
  if (key === undefined) {
    if (keys.size >= MAX_KEYS) keys.clear();
    key = createSecretKey(Buffer.from(authToken, 'utf8'));
    keys.set(authToken, key);
  }
  return createHmac(algorithm === 'HMAC_SHA256' ? 'sha256' : 'sha1', key)
    .update(data, 'utf8')
    .digest('base64');
}

/**
 * The hex SHA-256 of a raw body: the `bodySHA256` query parameter Twilio adds to the URL of a
 * webhook with a JSON body.
 */
export function twilioBodyHash(rawBody: string | Uint8Array): string {
  return createHash('sha256').update(rawBody).digest('hex');
}

/**
 * Checks a webhook's `X-Twilio-Signature` in constant time, exactly as the official `twilio` helpers
 * do (`validateRequest`, and `validateRequestWithBody` when the URL carries `bodySHA256`):
 * - the URL is tried as received, without and with its scheme's default port (Twilio may sign
 *   either), then as the WHATWG URL parser normalizes it, also with its query re-encoded the legacy
 *   `querystring` way;
 * - when the URL carries `bodySHA256`, the signature covers the URL alone and the raw body's
 *   SHA-256 must equal that parameter.
 *
 * The URL must be the one Twilio called: behind a TLS-terminating proxy, the public `https://` origin,
 * not the `http://` one the app sees.
 *
 * @returns true when the request was signed with `authToken`.
 * @example
 * const ok = validateTwilioSignature({ authToken, url: 'https://app.example.com/twilio/inbound', params, signature: req.get('X-Twilio-Signature') });
 */
export function validateTwilioSignature(input: TwilioSignatureInput): boolean {
  return twilioSignatureMatches([input.authToken], input);
}

/**
 * {@link validateTwilioSignature} for several auth tokens at once (rotation): true when any of them
 * signed the request. The one home of the check; the webhook handler calls it directly, so the text
 * each candidate URL signs is built once for all tokens and no input object is made per token.
 */
export function twilioSignatureMatches(
  authTokens: readonly string[],
  input: Omit<TwilioSignatureInput, 'authToken'>,
): boolean {
  const { signature, url } = input;
  if (!signature) return false;
  const given = Buffer.from(signature);
  const jsonBody = url.includes('bodySHA256');
  const params = jsonBody ? {} : (input.params ?? {});
  const algorithm = input.algorithm ?? 'HMAC_SHA1';
  const signedBy = (candidate: string): boolean => {
    const data = signedText(candidate, params);
    return authTokens.some((authToken) =>
      safeEqual(given, Buffer.from(hmacBase64(authToken, algorithm, data))),
    );
  };

  // The URL as received is always one of the first two candidates (its port is either default-less
  // or already there), so trying it first changes no outcome and usually settles it in one HMAC.
  let valid = signedBy(url);
  if (!valid) {
    for (const candidate of candidateUrls(url)) {
      if (candidate !== url && signedBy(candidate)) {
        valid = true;
        break;
      }
    }
  }
  if (!valid || !jsonBody) return valid;

  let expectedHash: string;
  try {
    expectedHash = new URL(url).searchParams.get('bodySHA256') ?? '';
  } catch {
    return false;
  }
  return safeEqual(Buffer.from(expectedHash), Buffer.from(twilioBodyHash(input.rawBody ?? '')));
}

/**
 * The URLs Twilio may have signed, in the official helper's order: as received without and with the
 * default port, then as the WHATWG parser normalizes it, also with the legacy `querystring` encoding.
 */
function* candidateUrls(url: string): Generator<string> {
  yield removePort(url);
  yield addPort(url);
  let normalized: string;
  try {
    normalized = new URL(url).toString();
  } catch {
    return;
  }
  const withoutPort = removePort(normalized);
  const withPort = addPort(normalized);
  yield withoutPort;
  yield withPort;
  yield withLegacyQuery(withoutPort);
  yield withLegacyQuery(withPort);
}

/** `timingSafeEqual` on equal lengths; the length of a digest is public, so comparing it first leaks nothing. */
function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

interface UrlParts {
  readonly scheme: string;
  readonly userInfo: string;
  readonly host: string;
  readonly port: string;
  readonly rest: string;
}

const URL_PREFIX = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i;

/** Splits a URL without normalizing it, so path and query keep the exact characters Twilio signed. */
function splitUrl(url: string): UrlParts | null {
  const match = URL_PREFIX.exec(url);
  if (!match) return null;
  const [prefix, scheme = '', authority = ''] = match;
  const userInfoEnd = authority.lastIndexOf('@');
  const hostAndPort = authority.slice(userInfoEnd + 1);
  // A colon starts the port only after the closing bracket of an IPv6 literal.
  const portStart = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1);
  return {
    scheme,
    userInfo: authority.slice(0, userInfoEnd + 1),
    host: portStart === -1 ? hostAndPort : hostAndPort.slice(0, portStart),
    port: portStart === -1 ? '' : hostAndPort.slice(portStart),
    rest: url.slice(prefix.length),
  };
}

function addPort(url: string): string {
  const parts = splitUrl(url);
  if (!parts || parts.port) return url;
  const port = parts.scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  return parts.scheme + parts.userInfo + parts.host + port + parts.rest;
}

function removePort(url: string): string {
  const parts = splitUrl(url);
  return parts ? parts.scheme + parts.userInfo + parts.host + parts.rest : url;
}

/** The query re-encoded as Node's legacy `querystring` does (`'` → `%27`), as some back ends signed it. */
function withLegacyQuery(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1 || queryStart === url.length - 1) return url;
  return `${url.slice(0, queryStart)}?${stringifyQuery(parseQuery(url.slice(queryStart + 1)))}`;
}
