import type { ChainHead } from './audit.js';
import { type AuditKey, type CheckpointSignature, resolveAuditKey } from './audit-key.js';

/**
 * A signed commitment to every number's chain of a tenant at one moment: keep it outside the
 * database (an object store with a retention lock, an e-mail to compliance), then
 * `verifyAuditTrail({ checkpoint })` proves the ledger is a faithful extension of it.
 */
export interface Checkpoint {
  /** Format of this object; 1. */
  readonly version: 1;
  /** `cpt_…`, time-ordered. */
  readonly id: string;
  readonly tenantId: string;
  /** When it was taken, ISO 8601 UTC. */
  readonly at: string;
  /** Numbers with a chain. */
  readonly numbers: number;
  /** Events committed to: every number's chain length, plus a migrated tenant chain's. */
  readonly events: number;
  /** RFC 6962 Merkle root (hex) over the numbers' heads (phone, length, newest hash) in phone order. */
  readonly root: string;
  /** The frozen tenant chain head of a ledger migrated from schema 1 or 2, when there is one. */
  readonly legacy?: ChainHead;
  /** Present when the manager has an `auditKey`. */
  readonly signature?: CheckpointSignature;
}

/** The exact bytes a checkpoint's signature covers: every field but the signature, in a fixed order. */
export function checkpointPayload(checkpoint: Omit<Checkpoint, 'signature'>): string {
  return JSON.stringify([
    'sms-consent/checkpoint/v1',
    checkpoint.id,
    checkpoint.tenantId,
    checkpoint.at,
    checkpoint.numbers,
    checkpoint.events,
    checkpoint.root,
    checkpoint.legacy?.seq ?? 0,
    checkpoint.legacy?.hash ?? null,
  ]);
}

/**
 * Checks a checkpoint's signature with a key alone, as an auditor does: an Ed25519 public key (PEM)
 * for Ed25519 signatures, the HMAC secret for HMAC ones. True only when it verifies.
 *
 * @example
 * verifyCheckpointSignature(JSON.parse(file), { publicKey: readFileSync('audit-public.pem', 'utf8') });
 */
export function verifyCheckpointSignature(checkpoint: Checkpoint, key: AuditKey): boolean {
  if (!checkpoint.signature) return false;
  const { signature, ...body } = checkpoint;
  return resolveAuditKey(key).verify(signature, checkpointPayload(body)) === true;
}
