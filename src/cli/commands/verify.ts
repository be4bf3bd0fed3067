import { z } from 'zod';
import type { AuditResult } from '../../consent/audit.js';
import { validate } from '../args.js';
import type { Command } from '../command.js';
import { formatCount } from '../output.js';
import { createCliManager } from '../store.js';

const PROBLEMS: Readonly<Record<NonNullable<AuditResult['brokenAt']>['problem'], string>> = {
  hash_mismatch: 'its content no longer matches its hash (changed after it was recorded)',
  chain_mismatch: 'it does not link to the event before it (an event was replaced or reordered)',
  sequence_gap: 'an event is missing before it',
  duplicate_seq: 'another event has the same sequence number (two writers appended at once)',
  head_mismatch: 'the ledger does not end at its sealed chain head (its newest events were removed)',
};

const optionsSchema = z.object({ 'all-tenants': z.boolean().default(false) });

/** `verify`: checks the audit chain of the ledger; exit code 1 when it is broken. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Verify the audit chain of the ledger (exit 1 when broken)',
  usage: '',
  help: `Walks the tenant's ledger in order and checks every event's hash and its link to the event
before it, so an edited, removed or reordered event is found. Prints where the chain breaks and exits
with code 1 when it does.

Options:
  --all-tenants   verify every tenant of the store instead of --tenant`,
  options: { 'all-tenants': { type: 'boolean' } },
  async run({ globals, values, out, openStore }) {
    const options = validate(optionsSchema, values, 'verify');
    const cli = await openStore();
    const consent = createCliManager(cli, globals);
    const tenants = options['all-tenants'] ? await cli.store.listTenants() : [globals.tenant];
    const results: (AuditResult & { tenantId: string })[] = [];
    for (const tenantId of tenants) {
      results.push({ tenantId, ...(await consent.verifyAuditTrail({ tenantId })) });
    }
    const ok = results.every((result) => result.ok);
    const lines = results.map(describe);
    if (results.length === 0) lines.push('No tenant has any events.');
    out.result(options['all-tenants'] ? { ok, tenants: results } : results[0], lines);
    return ok ? 0 : 1;
  },
};

function describe(result: AuditResult & { tenantId: string }): string {
  const checked = `${formatCount(result.checked)} event${result.checked === 1 ? '' : 's'}`;
  if (result.ok || !result.brokenAt)
    return `Audit trail intact for tenant ${result.tenantId}: ${checked} verified.`;
  const { seq, eventId, problem } = result.brokenAt;
  return `Audit trail BROKEN for tenant ${result.tenantId} at event #${seq}${eventId ? ` (${eventId})` : ''}: ${PROBLEMS[problem]}; ${checked} verified before it.`;
}
