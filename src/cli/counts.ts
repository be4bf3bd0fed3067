import { tableNames } from '../postgres/schema.js';
import type { CliStore } from './store.js';

/**
 * Totals for progress bars, read with one SQL count (the store interface pages but does not count).
 * Undefined when the count fails: the progress then shows no percentage or ETA.
 */
export async function countOptOuts(cli: CliStore, tenantId: string): Promise<number | undefined> {
  const t = tableNames(cli.store.schema);
  return count(cli, `SELECT count(*) AS n FROM ${t.statuses} WHERE tenant_id = $1 AND status = 'opted_out'`, [
    tenantId,
  ]);
}

/** The number of events of a tenant's ledger (its last `seq`). */
export async function countEvents(cli: CliStore, tenantId: string): Promise<number | undefined> {
  const t = tableNames(cli.store.schema);
  return count(cli, `SELECT coalesce(max(seq), 0) AS n FROM ${t.events} WHERE tenant_id = $1`, [tenantId]);
}

async function count(cli: CliStore, sql: string, params: readonly unknown[]): Promise<number | undefined> {
  try {
    const [row] = await cli.query<{ n: number | string | bigint }>(sql, params);
    const value = Number(row?.n);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
