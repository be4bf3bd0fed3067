import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign,
  timingSafeEqual,
  verify,
} from 'node:crypto';
import { ConsentError } from '../errors.js';

/**
 * The keys of the audit trail, from the app's configuration (never stored in the database).
 * - `secret`: an HMAC-SHA256 key (at least 16 bytes; 32 random bytes recommended). Every sealed
 *   event carries a MAC of its hash, and checkpoints are signed with it when there is no `privateKey`.
 * - `privateKey`: an Ed25519 private key (PEM or `KeyObject`): checkpoints are signed with it, so an
 *   auditor holding only the public key can check them.
 * - `publicKey`: an Ed25519 public key, to check checkpoint signatures without the private key
 *   (derived from `privateKey` when absent).
 * A string or bytes alone is the `secret`.
 */
export type AuditKey =
  | string
  | Uint8Array
  | {
      readonly secret?: string | Uint8Array;
      readonly privateKey?: string | KeyObject;
      readonly publicKey?: string | KeyObject;
    };

/** A checkpoint's signature: the algorithm, which key made it (a fingerprint) and the value (base64). */
export interface CheckpointSignature {
  readonly alg: 'Ed25519' | 'HMAC-SHA256';
  /** First 16 hex digits of SHA-256 over the public key (SPKI DER) or over the HMAC key: names the key, reveals nothing. */
  readonly keyId: string;
  readonly value: string;
}

/** An {@link AuditKey} ready to use. */
export interface ResolvedAuditKey {
  /** The MAC of an event's hash; absent without a secret. */
  readonly mac?: (hash: string) => string;
  /** Signs a checkpoint's payload; absent without a secret or a private key. */
  readonly sign?: (payload: string) => CheckpointSignature;
  /** Whether a signature verifies; undefined when this key cannot check that kind of signature. */
  verify(signature: CheckpointSignature, payload: string): boolean | undefined;
}

const MAC_DOMAIN = 'sms-consent/event-mac/v1\n';
const MIN_SECRET_BYTES = 16;

/**
 * Checks and prepares the audit key.
 *
 * @throws ConsentError `CONFIG` for a short secret or a key that is not Ed25519.
 */
export function resolveAuditKey(key: AuditKey): ResolvedAuditKey {
  const parts = typeof key === 'string' || key instanceof Uint8Array ? { secret: key } : key;
  const secret = parts.secret === undefined ? undefined : Buffer.from(parts.secret);
  if (secret !== undefined && secret.length < MIN_SECRET_BYTES) {
    throw new ConsentError('CONFIG', `auditKey secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  const privateKey = parts.privateKey === undefined ? undefined : ed25519(parts.privateKey, 'private');
  const publicKey =
    parts.publicKey !== undefined
      ? ed25519(parts.publicKey, 'public')
      : privateKey && createPublicKey(privateKey);
  if (!secret && !publicKey) throw new ConsentError('CONFIG', 'auditKey needs a secret or an Ed25519 key');
  const hmacKeyId = secret && fingerprint(Buffer.concat([Buffer.from('sms-consent/hmac-key\n'), secret]));
  const edKeyId = publicKey && fingerprint(publicKey.export({ type: 'spki', format: 'der' }));
  const hmac = (payload: string) => secret && createHmac('sha256', secret).update(payload).digest();
  return {
    ...(secret ? { mac: (hash: string) => (hmac(MAC_DOMAIN + hash) as Buffer).toString('hex') } : {}),
    ...(privateKey && edKeyId
      ? {
          sign: (payload: string) => ({
            alg: 'Ed25519' as const,
            keyId: edKeyId,
            value: sign(null, Buffer.from(payload), privateKey).toString('base64'),
          }),
        }
      : secret && hmacKeyId
        ? {
            sign: (payload: string) => ({
              alg: 'HMAC-SHA256' as const,
              keyId: hmacKeyId,
              value: (hmac(payload) as Buffer).toString('base64'),
            }),
          }
        : {}),
    verify(signature, payload) {
      if (signature.alg === 'Ed25519') {
        if (!publicKey || signature.keyId !== edKeyId) return publicKey ? false : undefined;
        return verify(null, Buffer.from(payload), publicKey, Buffer.from(signature.value, 'base64'));
      }
      if (!secret) return undefined;
      const expected = hmac(payload) as Buffer;
      const given = Buffer.from(signature.value, 'base64');
      return (
        signature.keyId === hmacKeyId && given.length === expected.length && timingSafeEqual(given, expected)
      );
    },
  };
}

/** Whether an event's MAC is the one `key` gives its hash (constant time). */
export function macMatches(key: ResolvedAuditKey, hash: string, mac: string): boolean {
  const expected = Buffer.from(key.mac?.(hash) ?? '', 'hex');
  const given = Buffer.from(mac, 'hex');
  return expected.length > 0 && given.length === expected.length && timingSafeEqual(given, expected);
}

function ed25519(key: string | KeyObject, type: 'private' | 'public'): KeyObject {
  let object: KeyObject;
  try {
    object =
      typeof key === 'string' ? (type === 'private' ? createPrivateKey(key) : createPublicKey(key)) : key;
  } catch (error) {
    throw new ConsentError('CONFIG', `auditKey ${type}Key is not a readable key`, { cause: error });
  }
  if (object.asymmetricKeyType !== 'ed25519' || object.type !== type) {
    throw new ConsentError('CONFIG', `auditKey ${type}Key must be an Ed25519 ${type} key`);
  }
  return object;
}

function fingerprint(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}
