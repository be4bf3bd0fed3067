import { z } from 'zod';
import { ConsentError } from '../errors.js';
import { parseConfig } from '../helpers/config.js';
import { constantTimeEqual } from '../webhooks/secrets.js';

/** The user name and password set as the callback credentials of a Bandwidth messaging application. */
export interface BandwidthCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * Checks the HTTP Basic `Authorization` header Bandwidth sends when the application has callback
 * credentials: it must name one of the configured user name and password pairs (several while
 * rotating). Every pair is compared in constant time. Throws `ConsentError` (`INVALID_SIGNATURE`)
 * naming what failed. Bandwidth signs nothing, so the credentials are the whole check: set them, and
 * use HTTPS. https://dev.bandwidth.com/docs/messaging/webhooks (callback authentication)
 *
 * @example
 * verifyBandwidthCredentials(request.headers.get('authorization'), [{ username: 'bw', password: process.env.BW_CALLBACK_PASSWORD! }]);
 */
export function verifyBandwidthCredentials(
  authorization: string | null | undefined,
  credentials: readonly BandwidthCredentials[],
): void {
  if (!authorization)
    throw invalid('Missing Authorization header (set callback credentials on the Bandwidth application)');
  const match = /^basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(authorization);
  if (!match) throw invalid('The Authorization header is not HTTP Basic credentials');
  let decoded: string;
  try {
    const binary = atob(match[1] as string);
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(
      Uint8Array.from(binary, (c) => c.charCodeAt(0)),
    );
  } catch {
    throw invalid('The Basic credentials are not valid base64 UTF-8');
  }
  const colon = decoded.indexOf(':');
  if (colon === -1) throw invalid('The Basic credentials have no user:password separator');
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  let matched = false;
  for (const pair of credentials) {
    const both = constantTimeEqual(username, pair.username) && constantTimeEqual(password, pair.password);
    matched = both || matched;
  }
  if (!matched) throw invalid('The Basic credentials match none of the configured callback credentials');
}

const REQUIRED = {
  error:
    'credentials are required: { username, password } (non-empty, no colon in the user name), or a list while rotating',
};
const pairSchema = z.object(
  {
    // Basic auth splits user and password at the first colon, so a user name cannot hold one.
    username: z
      .string(REQUIRED)
      .min(1)
      .refine((name) => !name.includes(':')),
    password: z.string(REQUIRED).min(1),
  },
  REQUIRED,
);
const credentialsSchema = z.array(pairSchema, REQUIRED).min(1);

/** The configured credentials, checked at start: an empty user name or password would let anyone in. */
export function credentialList(
  value: BandwidthCredentials | readonly BandwidthCredentials[] | undefined,
): readonly BandwidthCredentials[] {
  const list =
    value === undefined
      ? []
      : 'username' in value
        ? [value]
        : [...(value as readonly BandwidthCredentials[])];
  return parseConfig(credentialsSchema, list, 'bandwidthHandler');
}

function invalid(message: string): ConsentError {
  return new ConsentError('INVALID_SIGNATURE', message);
}
