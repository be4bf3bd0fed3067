import { omitUndefined } from '../helpers/omit-undefined.js';
import type { ConsentStore } from '../store/contract.js';
import type { ChainHead } from './audit.js';
import {
  type AuditKey,
  type CheckpointSignature,
  type ResolvedAuditKey,
  resolveAuditKey,
} from './audit-key.js';
import type { Clock, IdGenerator } from './ids.js';
import { createMerkleBuilder, leafHash, type NumberHead } from './merkle.js';
import { readAhead } from './read-ahead.js';

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

/** Snapshot heads read per page. */
const PAGE = 5000;

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

/** The heads of a stored snapshot, streamed in phone order a page at a time. */
export function snapshotHeads(
  store: ConsentStore,
  tenantId: string,
  checkpointId: string,
): AsyncGenerator<NumberHead> {
  return readAhead<NumberHead>(PAGE, (last) =>
    store.readSnapshot(tenantId, checkpointId, omitUndefined({ limit: PAGE, after: last?.phone })),
  );
}

/** The Merkle root of a stored snapshot. */
export async function snapshotRoot(store: ConsentStore, tenantId: string, checkpointId: string) {
  const builder = createMerkleBuilder();
  for await (const head of snapshotHeads(store, tenantId, checkpointId)) builder.add(leafHash(head));
  return { root: builder.root(), numbers: builder.size };
}

/**
 * Takes a checkpoint: the store copies every number's head in one atomic snapshot (writers go on),
 * the Merkle root is computed over it as it streams, and the signed checkpoint is saved with the ledger.
 */
export async function takeCheckpoint(
  parts: { readonly store: ConsentStore; readonly clock: Clock; readonly ids: IdGenerator },
  tenantId: string,
  key: ResolvedAuditKey | undefined,
): Promise<Checkpoint> {
  const { store } = parts;
  const id = parts.ids('cpt');
  const at = parts.clock.now().toISOString();
  const legacy = await store.getChainHead(tenantId);
  const counted = await store.snapshotHeads(tenantId, id);
  const { root } = await snapshotRoot(store, tenantId, id);
  const body: Omit<Checkpoint, 'signature'> = {
    version: 1,
    id,
    tenantId,
    at,
    numbers: counted.numbers,
    events: counted.events + (legacy?.seq ?? 0),
    root,
    ...(legacy ? { legacy } : {}),
  };
  const signature = key?.sign?.(checkpointPayload(body));
  const checkpoint: Checkpoint = { ...body, ...(signature ? { signature } : {}) };
  await store.saveCheckpoint(checkpoint);
  return checkpoint;
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
