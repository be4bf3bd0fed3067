import type { Checkpoint } from '../consent/checkpoint.js';
import type { NumberHead } from '../consent/merkle.js';
import type { PhonePaging } from '../store/contract.js';
import { read, type StoreContext, write } from './context.js';

/**
 * Copies every number's head into the checkpoint's snapshot with one INSERT … SELECT: one statement,
 * so one consistent snapshot of committed heads, taken without locking a status row.
 */
export async function snapshotHeads(
  context: StoreContext,
  tenantId: string,
  checkpointId: string,
): Promise<{ numbers: number; events: number }> {
  const { t } = context;
  const [row] = await write<{ numbers: string | number; events: string | number | null }>(
    context,
    `WITH copied AS (
       INSERT INTO ${t.checkpointHeads} (tenant_id, checkpoint_id, phone, seq, hash)
       SELECT tenant_id, $2, phone, head_seq, head_hash FROM ${t.statuses}
       WHERE tenant_id = $1 AND head_seq IS NOT NULL
       RETURNING seq)
     SELECT count(*) AS numbers, sum(seq) AS events FROM copied`,
    [tenantId, checkpointId],
  );
  // The snapshot is read back at once, page by page: without fresh statistics on the rows just
  // copied, the planner sorts the whole rest of the snapshot for every page instead of walking the
  // primary key. (A role that does not own the table gets a warning, not an error.)
  await write(context, `ANALYZE ${t.checkpointHeads}`, []);
  return { numbers: Number(row?.numbers ?? 0), events: Number(row?.events ?? 0) };
}

/** A page of a snapshot's heads by phone. */
export async function readSnapshot(
  context: StoreContext,
  tenantId: string,
  checkpointId: string,
  options: PhonePaging,
): Promise<NumberHead[]> {
  const rows = await read<{ phone: string; seq: string | number; hash: string }>(
    context,
    `SELECT phone, seq, hash FROM ${context.t.checkpointHeads}
     WHERE tenant_id = $1 AND checkpoint_id = $2 AND phone > $3 ORDER BY tenant_id, checkpoint_id, phone LIMIT $4`,
    [tenantId, checkpointId, options.after ?? '', Math.max(0, Math.floor(options.limit))],
  );
  return rows.map((row) => ({ phone: row.phone, seq: Number(row.seq), hash: row.hash }));
}

/** Keeps a checkpoint; a second save of the same id fails on the primary key. */
export async function saveCheckpoint(context: StoreContext, checkpoint: Checkpoint): Promise<void> {
  await write(
    context,
    `INSERT INTO ${context.t.checkpoints} (tenant_id, id, at, body) VALUES ($1, $2, $3, $4::text::jsonb)`,
    [checkpoint.tenantId, checkpoint.id, checkpoint.at, JSON.stringify(checkpoint)],
  );
}

/** The tenant's checkpoints, newest first. */
export async function listCheckpoints(
  context: StoreContext,
  tenantId: string,
  options: { readonly limit: number },
): Promise<Checkpoint[]> {
  const rows = await read<{ body: Checkpoint | string }>(
    context,
    `SELECT body FROM ${context.t.checkpoints} WHERE tenant_id = $1 ORDER BY at DESC, id DESC LIMIT $2`,
    [tenantId, Math.max(0, Math.floor(options.limit))],
  );
  return rows.map((row) => (typeof row.body === 'string' ? (JSON.parse(row.body) as Checkpoint) : row.body));
}
