import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { AuditProblem, AuditResult } from '../../consent/audit.js';
import type { Checkpoint } from '../../consent/checkpoint.js';
import { ConsentError } from '../../errors.js';
import { parseCheckpoint } from '../../ledger/audit-trail.js';
import { validate } from '../args.js';
import { readCliAuditKey } from '../audit-key.js';
import type { Command } from '../command.js';
import { formatCount } from '../output.js';
import { createCliManager } from '../store.js';

const PROBLEMS: Readonly<Record<AuditProblem, string>> = {
  hash_mismatch: 'its content no longer matches its hash (changed after it was recorded)',
  chain_mismatch: 'it does not link to the event before it (an event was replaced or reordered)',
  sequence_gap: 'an event is missing before it',
  duplicate_seq: 'another event has the same place in the chain (two writers appended at once)',
  head_mismatch:
    'the chain does not end at its sealed head (its newest events were removed, or the head moved)',
  status_mismatch: 'the status row disagrees with the events of the number',
  mac_invalid: 'its MAC is wrong (written without the audit key)',
  mac_missing: 'it has no MAC and is not covered by the checkpoint (written without the audit key)',
  truncated: 'events that existed at the checkpoint are missing',
  checkpoint_mismatch: 'it differs from what the checkpoint committed to (rewritten)',
  signature_invalid: 'the checkpoint signature does not verify',
};

const optionsSchema = z.object({
  'all-tenants': z.boolean().default(false),
  checkpoint: z.string().min(1, 'must not be empty').optional(),
  'public-key': z.string().min(1, 'must not be empty').optional(),
});

/** `verify`: checks the audit trail of the ledger (against a checkpoint); exit code 1 when it is broken. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Verify the audit trail of the ledger (exit 1 when broken)',
  usage: '[--checkpoint <file>] [--public-key <pem>]',
  help: `Walks every number's audit chain and checks each event's hash and its link to the one before,
that the chain ends at its sealed head and that the status row is the fold of its events, so an
edited, removed or reordered event and a changed status row are found. Prints where the trail breaks
and exits with code 1 when it does.

With --checkpoint, also proves the ledger is a faithful extension of that checkpoint (a file from
"sms-consent checkpoint" kept outside the database): every event that existed then is still there,
unchanged. Its signature is checked with SMS_CONSENT_AUDIT_KEY (HMAC) or --public-key (Ed25519);
with SMS_CONSENT_AUDIT_KEY every event's MAC is checked too.

Options:
  --checkpoint <file>   the checkpoint JSON to verify against (its tenant is verified)
  --public-key <pem>    Ed25519 public key (PEM file) to check the checkpoint signature with
  --all-tenants         verify every tenant of the store instead of --tenant`,
  options: {
    'all-tenants': { type: 'boolean' },
    checkpoint: { type: 'string' },
    'public-key': { type: 'string' },
  },
  async run({ globals, values, out, env, openStore }) {
    const options = validate(optionsSchema, values, 'verify');
    if (options.checkpoint && options['all-tenants']) {
      throw new ConsentError(
        'INVALID_INPUT',
        '--checkpoint verifies the one tenant of the checkpoint, not --all-tenants',
      );
    }
    const checkpoint = options.checkpoint ? await readCheckpoint(options.checkpoint) : undefined;
    const auditKey = await readCliAuditKey({
      env,
      ...(options['public-key'] ? { publicKeyFile: options['public-key'] } : {}),
    });
    const cli = await openStore();
    const consent = createCliManager(cli, globals, undefined, auditKey);
    const tenants = checkpoint
      ? [checkpoint.tenantId]
      : options['all-tenants']
        ? await cli.store.listTenants()
        : [globals.tenant];
    const results: (AuditResult & { tenantId: string })[] = [];
    for (const tenantId of tenants) {
      results.push({
        tenantId,
        ...(await consent.verifyAuditTrail({ tenantId, ...(checkpoint ? { checkpoint } : {}) })),
      });
    }
    const ok = results.every((result) => result.ok);
    const lines = results.flatMap((result) => describe(result, checkpoint));
    if (results.length === 0) lines.push('No tenant has any events.');
    out.result(options['all-tenants'] ? { ok, tenants: results } : results[0], lines);
    return ok ? 0 : 1;
  },
};

async function readCheckpoint(path: string): Promise<Checkpoint> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConsentError('INVALID_INPUT', `--checkpoint: cannot read ${path}`, { cause: error });
  }
  try {
    return parseCheckpoint(JSON.parse(text));
  } catch (error) {
    throw new ConsentError('INVALID_INPUT', `--checkpoint: ${path} is not a checkpoint`, { cause: error });
  }
}

function describe(result: AuditResult & { tenantId: string }, checkpoint: Checkpoint | undefined): string[] {
  const checked = `${formatCount(result.checked)} event${result.checked === 1 ? '' : 's'}`;
  const against = checkpoint
    ? ` against checkpoint ${checkpoint.id} of ${checkpoint.at} (root ${checkpoint.root}, signature ${result.signature ?? 'none'})`
    : '';
  if (result.ok || !result.brokenAt)
    return [`Audit trail intact for tenant ${result.tenantId}${against}: ${checked} verified.`];
  const lines = [`Audit trail BROKEN for tenant ${result.tenantId}${against}; ${checked} verified.`];
  for (const finding of result.findings ?? [result.brokenAt]) {
    const where = finding.phone ? `${finding.phone} ` : finding.seq === 0 ? 'checkpoint ' : 'tenant chain ';
    const event =
      finding.seq > 0 ? `event #${finding.seq}${finding.eventId ? ` (${finding.eventId})` : ''}` : '';
    lines.push(`  ${where}${event}: ${PROBLEMS[finding.problem]}`);
  }
  return lines;
}
