import { ConsentError } from '../errors.js';
import { hmac, sha256Hex } from '../webhooks/hmac.js';
import { constantTimeEqual } from '../webhooks/secrets.js';

/** The claims of a Vonage signed-webhook JWT this library reads. */
export interface VonageWebhookClaims {
  /** SHA-256 of the raw body, hex: ties the token to this body. */
  readonly payload_hash?: string;
  readonly iat?: number;
  readonly exp?: number;
  readonly nbf?: number;
  readonly api_key?: string;
  readonly application_id?: string;
  readonly [claim: string]: unknown;
}

/** What {@link verifyVonageSignature} checks. */
export interface VonageSignatureInput {
  /** The account's signature secret (Dashboard → Settings), not the API secret; several while rotating. */
  readonly signatureSecret: string | readonly string[];
  /** The `Authorization` header: `Bearer <jwt>`. */
  readonly authorization: string | null | undefined;
  /** The raw body exactly as received. */
  readonly rawBody: string | Uint8Array;
  /** Now (default the system clock), for `exp`, `nbf` and `maxAgeSeconds`. */
  readonly now?: Date;
  /** Refuse tokens whose `iat` is older than this many seconds (a replay); unset, only `exp` applies. */
  readonly maxAgeSeconds?: number;
}

const JWS = /^[a-zA-Z0-9\-_]+?\.[a-zA-Z0-9\-_]+?\.([a-zA-Z0-9\-_]+)?$/;
const decoder = new TextDecoder();

/**
 * Checks a Vonage Messages API signed webhook: the `Authorization: Bearer` JWT must be HS256-signed
 * with the signature secret (as the official `@vonage/jwt` `verifySignature` checks it, `exp` and
 * `nbf` included), and its `payload_hash` claim must equal the SHA-256 of the raw body, so a token
 * cannot be replayed with another body. Throws `ConsentError` (`INVALID_SIGNATURE`) naming what
 * failed; resolves to the claims.
 *
 * Scheme: https://developer.vonage.com/en/getting-started/concepts/webhooks#signed-webhooks and
 * https://developer.vonage.com/en/messages/concepts/signed-webhooks
 *
 * @example
 * await verifyVonageSignature({ signatureSecret, authorization: request.headers.get('authorization'), rawBody });
 */
export async function verifyVonageSignature(input: VonageSignatureInput): Promise<VonageWebhookClaims> {
  const claims = await verifyVonageJwt(input);
  if (typeof claims.payload_hash !== 'string') throw invalid('The Vonage JWT has no payload_hash claim');
  if (!constantTimeEqual(claims.payload_hash.toLowerCase(), await sha256Hex(input.rawBody))) {
    throw invalid('The payload_hash of the Vonage JWT does not match the body');
  }
  if (input.maxAgeSeconds !== undefined) {
    const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
    // Written so that a maximum age that is not a number (NaN) refuses rather than admits every replay.
    if (typeof claims.iat !== 'number' || !(now - claims.iat <= input.maxAgeSeconds)) {
      throw invalid(
        `The Vonage JWT was issued more than ${input.maxAgeSeconds} s ago (iat ${String(claims.iat)})`,
      );
    }
  }
  return claims;
}

/**
 * The JWT part of {@link verifyVonageSignature}: an HS256 token signed with one of the secrets,
 * not expired (`exp`) and already valid (`nbf`). Resolves to its claims.
 */
export async function verifyVonageJwt(
  input: Pick<VonageSignatureInput, 'signatureSecret' | 'authorization' | 'now'>,
): Promise<VonageWebhookClaims> {
  const header = input.authorization?.trim() ?? '';
  if (header === '')
    throw invalid('Missing Authorization header (a Vonage signed webhook carries Bearer <jwt>)');
  const token = /^bearer\s+/i.test(header) ? header.replace(/^bearer\s+/i, '') : header;
  if (!JWS.test(token)) throw invalid('The Authorization header does not carry a JWT');
  const [encodedHeader = '', encodedClaims = '', signature = ''] = token.split('.');
  const jose = parseSegment(encodedHeader);
  if (typeof jose !== 'object' || jose === null || Array.isArray(jose))
    throw invalid('The JWT header is not a JSON object');
  if ((jose as { alg?: unknown }).alg !== 'HS256') {
    throw invalid(
      `The Vonage JWT must be signed HS256, not ${JSON.stringify((jose as { alg?: unknown }).alg)}`,
    );
  }
  const signed = `${encodedHeader}.${encodedClaims}`;
  let matched = false;
  for (const secret of typeof input.signatureSecret === 'string'
    ? [input.signatureSecret]
    : input.signatureSecret) {
    matched = constantTimeEqual(signature, base64Url(await hmac('SHA-256', secret, signed))) || matched;
  }
  if (!matched) throw invalid('The Vonage JWT signature does not match any configured signature secret');
  const claims = parseSegment(encodedClaims);
  const object =
    typeof claims === 'object' && claims !== null && !Array.isArray(claims)
      ? (claims as VonageWebhookClaims)
      : {};
  const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (object.exp !== undefined && (typeof object.exp !== 'number' || now >= object.exp)) {
    throw invalid('The Vonage JWT has expired');
  }
  if (object.nbf !== undefined && (typeof object.nbf !== 'number' || object.nbf > now)) {
    throw invalid('The Vonage JWT is not valid yet (nbf)');
  }
  return object;
}

function parseSegment(segment: string): unknown {
  try {
    const base64 = segment.replaceAll('-', '+').replaceAll('_', '/');
    const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
    const bytes = Uint8Array.from(binary, (character) => character.charCodeAt(0));
    return JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function invalid(message: string): ConsentError {
  return new ConsentError('INVALID_SIGNATURE', message);
}
