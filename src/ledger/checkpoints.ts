import type { ResolvedAuditKey } from '../consent/audit-key.js';
import type { Checkpoint } from '../consent/checkpoint.js';
import { checkpointPayload } from '../consent/checkpoint.js';
import type { Clock, IdGenerator } from '../consent/ids.js';
import { createMerkleBuilder, leafHash, type NumberHead } from '../consent/merkle.js';
import { readAhead } from '../consent/read-ahead.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import type { ConsentStore } from '../store/contract.js';

/** Snapshot heads read per page. */
const PAGE = 5000;

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
