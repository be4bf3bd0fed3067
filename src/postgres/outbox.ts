import type { E164 } from '../phone.js';
import type { ClaimJobsOptions, OutboxJob } from '../store/contract.js';
import { compareJobs } from '../store/job-order.js';
import { read, type StoreContext, write } from './context.js';
import { type JobRow, jobColumns, toJob } from './rows.js';

/** Clears the pending confirmation in one conditional UPDATE: of concurrent callers, one sees its row. */
export async function consumeConfirmation(
  context: StoreContext,
  tenantId: string,
  phone: E164,
  text: string,
  now: string,
): Promise<boolean> {
  const rows = await write(
    context,
    `UPDATE ${context.t.statuses} SET confirmation_text = NULL, confirmation_until = NULL, updated_at = now()
     WHERE tenant_id = $1 AND phone = $2 AND confirmation_text = $3 AND confirmation_until >= $4::timestamptz
     RETURNING 1`,
    [tenantId, phone, text, now],
  );
  return rows.length === 1;
}

/** Leases due jobs with `FOR UPDATE SKIP LOCKED`, so concurrent workers never pick the same row. */
export async function claimJobs(context: StoreContext, options: ClaimJobsOptions): Promise<OutboxJob[]> {
  const { t } = context;
  const leaseUntil = new Date(Date.parse(options.now) + options.leaseMs).toISOString();
  const params: unknown[] = [
    options.now,
    Math.max(0, Math.floor(options.limit)),
    options.leaseToken,
    leaseUntil,
  ];
  let filters = '';
  if (options.kind !== undefined) {
    params.push(options.kind);
    filters = `AND kind = $${params.length}`;
  }
  if (options.tenantId !== undefined) {
    params.push(options.tenantId);
    filters += ` AND tenant_id = $${params.length}`;
  }
  const rows = await write<JobRow>(
    context,
    `WITH picked AS (
       SELECT id FROM ${t.jobs}
       WHERE state = 'pending' AND available_at <= $1::timestamptz
         AND (lease_until IS NULL OR lease_until <= $1::timestamptz) ${filters}
       ORDER BY available_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
     UPDATE ${t.jobs} j SET lease_token = $3, lease_until = $4::timestamptz FROM picked WHERE j.id = picked.id
     RETURNING ${jobColumns('j')}`,
    params,
  );
  return rows.map(toJob).sort(compareJobs);
}

/** Deletes a finished job if the caller still holds its lease. */
export async function completeJob(
  context: StoreContext,
  jobId: string,
  leaseToken: string,
): Promise<boolean> {
  const rows = await write(
    context,
    `DELETE FROM ${context.t.jobs} WHERE id = $1 AND lease_token = $2 RETURNING id`,
    [jobId, leaseToken],
  );
  return rows.length === 1;
}

/** Releases a failed job for a later attempt (or marks it dead) if the caller still holds its lease. */
export async function retryJob(
  context: StoreContext,
  jobId: string,
  leaseToken: string,
  outcome: { readonly availableAt: string; readonly error: string; readonly dead?: boolean },
): Promise<boolean> {
  const rows = await write(
    context,
    `UPDATE ${context.t.jobs} SET attempts = attempts + 1, available_at = $3::timestamptz, last_error = $4, state = $5,
       lease_token = NULL, lease_until = NULL
     WHERE id = $1 AND lease_token = $2 RETURNING id`,
    [jobId, leaseToken, outcome.availableAt, outcome.error, outcome.dead ? 'dead' : 'pending'],
  );
  return rows.length === 1;
}

/** Jobs in one state, of one tenant or all, oldest first. */
export async function listJobs(
  context: StoreContext,
  options: { readonly state: OutboxJob['state']; readonly tenantId?: string; readonly limit: number },
): Promise<OutboxJob[]> {
  const params: unknown[] = [options.state, Math.max(0, Math.floor(options.limit))];
  let tenantFilter = '';
  if (options.tenantId !== undefined) {
    params.push(options.tenantId);
    tenantFilter = `AND j.tenant_id = $${params.length}`;
  }
  const rows = await read<JobRow>(
    context,
    `SELECT ${jobColumns('j')} FROM ${context.t.jobs} j WHERE j.state = $1 ${tenantFilter}
     ORDER BY j.available_at, j.id LIMIT $2`,
    params,
  );
  return rows.map(toJob);
}
