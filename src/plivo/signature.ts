import { ConsentError } from '../errors.js';
import { hmacBase64 } from '../webhooks/hmac.js';
import { constantTimeEqual } from '../webhooks/secrets.js';

/** Form parameters of a Plivo webhook: a repeated name carries every value. */
export type PlivoParams = Readonly<Record<string, string | readonly string[]>>;

/** What {@link verifyPlivoSignature} checks. */
export interface PlivoSignatureInput {
  /** The auth token of the Plivo account (or subaccount); several while rotating. */
  readonly authToken: string | readonly string[];
  /** `GET` or `POST`. */
  readonly method: string;
  /** The full URL Plivo called, query included. */
  readonly url: string;
  /** The form parameters of a POST; with a GET, any given are signed as part of the query. */
  readonly params?: PlivoParams;
  /** `X-Plivo-Signature-V3`: one signature, or several separated by commas. */
  readonly signature: string | null | undefined;
  /** `X-Plivo-Signature-V3-Nonce`. */
  readonly nonce: string | null | undefined;
}

/**
 * Checks a Plivo V3 signature: base64 HMAC-SHA256, keyed with the auth token, of the URL Plivo
 * called (query sorted by name) followed, for a POST, by every parameter sorted by name as
 * name + value, then `.` and the nonce; `X-Plivo-Signature-V3` may carry several signatures, any one
 * matching is enough. Exactly as the official `plivo` package's `validateV3Signature`. Throws
 * `ConsentError` (`INVALID_SIGNATURE`) naming what failed.
 *
 * Scheme: https://www.plivo.com/docs/messaging/concepts/signature-validation and the `plivo`
 * package's `utils/v3Security.js`.
 *
 * @example
 * await verifyPlivoSignature({ authToken, method: 'POST', url, params, signature: request.headers.get('x-plivo-signature-v3'), nonce: request.headers.get('x-plivo-signature-v3-nonce') });
 */
export async function verifyPlivoSignature(input: PlivoSignatureInput): Promise<void> {
  if (!input.signature) throw invalid('Missing X-Plivo-Signature-V3 header');
  if (!input.nonce) throw invalid('Missing X-Plivo-Signature-V3-Nonce header');
  const method = input.method.toUpperCase();
  if (method !== 'GET' && method !== 'POST')
    throw invalid(`Plivo signs GET and POST requests, not ${method}`);
  const base = `${signedUrl(method, input.url, input.params ?? {})}.${input.nonce}`;
  const given = input.signature.split(',');
  for (const token of typeof input.authToken === 'string' ? [input.authToken] : input.authToken) {
    const expected = await hmacBase64('SHA-256', token, base);
    // Every candidate is compared, so the time taken does not tell which one matched.
    let matched = false;
    for (const candidate of given) matched = constantTimeEqual(candidate, expected) || matched;
    if (matched) return;
  }
  throw invalid(
    'X-Plivo-Signature-V3 does not match the URL, parameters and nonce for any configured auth token',
  );
}

/** The loose URI grammar of the `uri-parser` package the official helper parses with. */
const URI =
  /^(?:(?![^:@]+:[^:@/]*@)([^:/?#.]+):)?(?:\/\/)?((?:(([^:@]*)(?::([^:@]*))?)?@)?([^:/?#]*)(?::(\d*))?)(((\/(?:[^?#](?![^?#/]*\.[^?#/.]+(?:[?#]|$)))*\/?)?([^?#/]*))(?:\?([^#]*))?(?:#(.*))?)/;

/** The string Plivo signs, before the nonce: see {@link verifyPlivoSignature}. */
export function signedUrl(method: 'GET' | 'POST', url: string, params: PlivoParams): string {
  const match = URI.exec(url) ?? [];
  const protocol = match[1] ?? '';
  const host = match[6] ?? '';
  const port = match[7] ?? '';
  const path = match[9] ?? '';
  let base = `${protocol === '' ? 'http' : protocol}://${port === '' ? host : `${host}:${port}`}`;
  if (base.endsWith('/')) base = base.slice(0, -1);
  if (path) {
    const trimmed = path.trim();
    base += trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  }
  const query = sortedQuery(match[12] ?? '', method === 'GET' ? params : {});
  const hasParams = method === 'POST' && Object.keys(params).length > 0;
  if (query.length > 0 || hasParams) base += `?${query}`;
  if (query.length > 0 && hasParams) base += '.';
  return method === 'POST' ? base + sortedParams(params) : base;
}

/** The query decoded the `querystring` way and re-joined as name=value, sorted by name then value. */
function sortedQuery(query: string, extra: PlivoParams): string {
  const values = new Map<string, string[]>();
  if (query !== '') {
    for (const pair of query.split('&')) {
      const equals = pair.indexOf('=');
      const name = unescapeQuery(equals === -1 ? pair : pair.slice(0, equals));
      const value = equals === -1 ? '' : unescapeQuery(pair.slice(equals + 1));
      if (name === '' && value === '' && equals === -1) continue;
      const list = values.get(name);
      if (list) list.push(value);
      else values.set(name, [value]);
    }
  }
  // Parameters given with a GET are signed as part of the query, as the official helper merges them.
  for (const [name, value] of Object.entries(extra)) {
    const list = values.get(name) ?? [];
    list.push(...(typeof value === 'string' ? [value] : value));
    values.set(name, list);
  }
  const parts: string[] = [];
  for (const name of [...values.keys()].sort()) {
    for (const value of (values.get(name) as string[]).sort()) parts.push(`${name}=${value}`);
  }
  return parts.join('&');
}

function sortedParams(params: PlivoParams): string {
  let data = '';
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    if (typeof value === 'string') data += name + value;
    else if (value) for (const item of [...value].sort()) data += name + item;
  }
  return data;
}

/** `querystring.unescape`: `+` is a space, then percent-decoding, malformed escapes kept as they are. */
function unescapeQuery(text: string): string {
  const spaced = text.replaceAll('+', ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced.replace(/%([0-9a-f]{2})/gi, (sequence, hex: string) => {
      const code = Number.parseInt(hex, 16);
      return code < 0x80 ? String.fromCharCode(code) : sequence;
    });
  }
}

function invalid(message: string): ConsentError {
  return new ConsentError('INVALID_SIGNATURE', message);
}
