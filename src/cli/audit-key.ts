import { readFile } from 'node:fs/promises';
import type { AuditKey } from '../consent/audit-key.js';
import { ConsentError } from '../errors.js';

/** Where the CLI's audit key comes from: the secret in the environment, Ed25519 keys in PEM files. */
export interface CliKeySources {
  readonly env: NodeJS.ProcessEnv;
  /** `--signing-key FILE`: an Ed25519 private key (PEM) to sign checkpoints with. */
  readonly signingKeyFile?: string;
  /** `--public-key FILE`: an Ed25519 public key (PEM) to check checkpoint signatures with. */
  readonly publicKeyFile?: string;
}

/**
 * The audit key of a CLI run: `SMS_CONSENT_AUDIT_KEY` (the app's HMAC secret, so the CLI checks
 * the MACs the app wrote) and the PEM files given; undefined when there is none.
 */
export async function readCliAuditKey(sources: CliKeySources): Promise<AuditKey | undefined> {
  const secret = sources.env.SMS_CONSENT_AUDIT_KEY;
  const privateKey = sources.signingKeyFile && (await readPem(sources.signingKeyFile, '--signing-key'));
  const publicKey = sources.publicKeyFile && (await readPem(sources.publicKeyFile, '--public-key'));
  if (!secret && !privateKey && !publicKey) return undefined;
  return {
    ...(secret ? { secret } : {}),
    ...(privateKey ? { privateKey } : {}),
    ...(publicKey ? { publicKey } : {}),
  };
}

async function readPem(path: string, option: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ConsentError('CONFIG', `${option}: cannot read ${path}`, { cause: error });
  }
}
