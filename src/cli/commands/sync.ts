import { z } from 'zod';
import { omitUndefined } from '../../helpers/omit-undefined.js';
import { UsageError, validate } from '../args.js';
import type { Command } from '../command.js';
import { activeCampaignFromEnv } from '../crm.js';
import { formatCount } from '../output.js';
import { createCliManager } from '../store.js';

const optionsSchema = z.object({
  limit: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((value) => value > 0, 'must be at least 1')
    .optional(),
});

/** The CRM settings, shown in the help of `sync` and `reconcile`. */
export const CRM_ENV_HELP = `ActiveCampaign is configured by environment variables:
  ACTIVECAMPAIGN_URL        the account's API URL, https://<account>.api-us1.com
  ACTIVECAMPAIGN_API_TOKEN  an API token (Settings > Developer)
  ACTIVECAMPAIGN_FIELD_ID   id of the custom contact field holding SMS consent (opted_in/opted_out)`;

/** `sync`: delivers the queued CRM updates once. */
export const syncCommand: Command = {
  name: 'sync',
  summary: 'Deliver queued consent changes to ActiveCampaign once',
  usage: '[--limit <n>]',
  help: `Works the CRM outbox once: every change waiting to be written (opt-outs recorded by the app,
by "record" or by "import") is written to every ActiveCampaign contact with that phone number.
Failed writes are retried on a later run with backoff; after many attempts they are kept as dead
jobs. Exits with code 1 when a write failed in this run. Run it on a schedule (cron) when the app
does not sync by itself.

Options:
  --limit <n>   most jobs to take in this run (default: all that are due)

${CRM_ENV_HELP}`,
  options: { limit: { type: 'string' } },
  async run({ globals, values, positionals, out, env, openStore }) {
    if (positionals.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, 'sync');
    const options = validate(optionsSchema, values, 'sync');
    const crm = activeCampaignFromEnv(env, { required: true, command: 'sync', country: globals.country });
    const consent = createCliManager(await openStore(), globals, crm);
    const result = await consent.sync(omitUndefined({ tenantId: globals.tenant, limit: options.limit }));
    const n = formatCount;
    out.result(result, [
      `CRM sync: ${n(result.claimed)} jobs taken, ${n(result.synced)} synced (${n(result.contactsWritten)} contact writes), ${n(result.skipped)} with nothing to write, ${n(result.retried)} to retry, ${n(result.dead)} dead, ${n(result.leaseLost)} taken over by another worker.`,
      ...result.failures.map(
        (failure) =>
          `  ${failure.phone} (tenant ${failure.tenantId}), attempt ${failure.attempts}: ${failure.error}${failure.dead ? ' [dead]' : failure.retryAt ? ` [retry at ${failure.retryAt}]` : ''}`,
      ),
    ]);
    return result.failures.length > 0 ? 1 : 0;
  },
};
