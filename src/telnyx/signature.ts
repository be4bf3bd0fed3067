import { ConsentError } from '../errors.js';
import { decodeBase64 } from '../webhooks/parse.js';

/** Telnyx's default replay window: a signature older or newer than this is refused. */
export const TELNYX_TOLERANCE_SECONDS = 300;

/** What {@link verifyTelnyxSignature} checks. */
export interface TelnyxSignatureInput {
  /**
   * The account's public key, base64 as Mission Control shows it (Account Settings → Keys &
   * Credentials → Public Key); several while rotating.
   */
  readonly publicKey: string | readonly string[];
  /** The raw body exactly as received. */
  readonly rawBody: string | Uint8Array;
  /** The `telnyx-signature-ed25519` header. */
  readonly signature: string | null | undefined;
  /** The `telnyx-timestamp` header (Unix seconds). */
  readonly timestamp: string | null | undefined;
  /** Largest distance between the timestamp and now, in seconds (default 300). */
  readonly toleranceSeconds?: number;
  /** Now (default the system clock); inject it in tests. */
  readonly now?: Date;
}

/** A Web Crypto key (the global `CryptoKey` type is not in every lib setting). */
type VerifyKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

const encoder = new TextEncoder();
const keys = new Map<string, Promise<VerifyKey>>();

/**
 * Checks a Telnyx webhook signature: Ed25519 (Web Crypto, so it runs on every runtime) over
 * `timestamp|body` with the account's public key, and the timestamp within the tolerance so a
 * captured request cannot be replayed later. Throws `ConsentError` with code `INVALID_SIGNATURE`
 * whose message names what failed (missing header, malformed signature, stale timestamp, no key
 * matched); resolves when one of the keys verifies.
 *
 * Scheme: https://developers.telnyx.com/docs/messaging/messages/receiving-webhooks (signature
 * verification) and the official `telnyx` package's `TelnyxWebhook.verify`.
 *
 * @example
 * await verifyTelnyxSignature({ publicKey, rawBody, signature: request.headers.get('telnyx-signature-ed25519'), timestamp: request.headers.get('telnyx-timestamp') });
 */
export async function verifyTelnyxSignature(input: TelnyxSignatureInput): Promise<void> {
  const { signature, timestamp } = input;
  if (!signature) throw invalid('Missing telnyx-signature-ed25519 header');
  if (!timestamp) throw invalid('Missing telnyx-timestamp header');
  const seconds = /^\d+$/.test(timestamp) ? Number(timestamp) : Number.NaN;
  if (!Number.isSafeInteger(seconds))
    throw invalid(`Malformed telnyx-timestamp ${JSON.stringify(timestamp)}`);
  const tolerance = input.toleranceSeconds ?? TELNYX_TOLERANCE_SECONDS;
  const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
  // Written so that a tolerance that is not a number (NaN) refuses rather than admits every replay.
  if (!(Math.abs(now - seconds) <= tolerance)) {
    throw invalid(
      `telnyx-timestamp ${timestamp} is more than ${tolerance} s from now (${now}): a replay or a skewed clock`,
    );
  }
  const signatureBytes = decodeBase64(signature);
  if (signatureBytes?.length !== 64)
    throw invalid('Malformed telnyx-signature-ed25519: expected 64 bytes in base64');
  const body = typeof input.rawBody === 'string' ? encoder.encode(input.rawBody) : input.rawBody;
  const prefix = encoder.encode(`${timestamp}|`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  for (const key of publicKeys(input.publicKey)) {
    if (await crypto.subtle.verify('Ed25519', await key, signatureBytes, signed)) return;
  }
  throw invalid('telnyx-signature-ed25519 does not match the body for any configured public key');
}

/** The configured keys, imported once each. */
function publicKeys(publicKey: string | readonly string[]): Promise<VerifyKey>[] {
  const list = typeof publicKey === 'string' ? [publicKey] : publicKey;
  return list.map((encoded) => {
    let key = keys.get(encoded);
    if (!key) {
      const raw = decodeBase64(encoded);
      if (raw?.length !== 32) {
        throw new ConsentError(
          'CONFIG',
          'A Telnyx public key must be 32 bytes in base64, as Mission Control shows it',
        );
      }
      key = crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
      keys.set(encoded, key);
    }
    return key;
  });
}

function invalid(message: string): ConsentError {
  return new ConsentError('INVALID_SIGNATURE', message);
}
