import { z } from 'zod';
import type { CrmAdapter } from '../../crm/adapter.js';
import { omitUndefined } from '../../helpers/omit-undefined.js';
import { dateOption, UsageError, validate } from '../args.js';
import type { Command } from '../command.js';
import { countOptOuts } from '../counts.js';
import { activeCampaignFromEnv } from '../crm.js';
import { formatCount } from '../output.js';
import type { Progress } from '../progress.js';
import { createCliManager } from '../store.js';
import { CRM_ENV_HELP } from './sync.js';

const optionsSchema = z.object({
  since: dateOption.optional(),
  'dry-run': z.boolean().default(false),
  'max-failures': z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((value) => value > 0, 'must be at least 1')
    .optional(),
});

/** `reconcile`: corrects ActiveCampaign contacts whose consent field drifted from the ledger. */
export const reconcileCommand: Command = {
  name: 'reconcile',
  summary: 'Correct ActiveCampaign contacts that drifted from the ledger',
  usage: '[--since <date>] [--dry-run]',
  help: `Re-checks every ActiveCampaign contact against the ledger and rewrites the consent field where
it differs, e.g. after a web form set an opted-out lead back to opted_in. Corrections are listed with
the contact id; the ledger is not changed (the person's consent did not change, the CRM was wrong).
Exits with code 1 when CRM requests failed.

Options:
  --since <date>        only contacts and numbers changed since then (the start of the last run)
  --dry-run             report the drift without writing to the CRM
  --max-failures <n>    give up after this many failed CRM requests (default 10)

${CRM_ENV_HELP}`,
  options: { since: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'max-failures': { type: 'string' } },
  async run({ globals, values, positionals, out, env, openStore, progress }) {
    if (positionals.length > 0) {
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, 'reconcile');
    }
    const options = validate(optionsSchema, values, 'reconcile');
    const crm = activeCampaignFromEnv(env, {
      required: true,
      command: 'reconcile',
      country: globals.country,
    });
    if (!crm) throw new UsageError('reconcile needs ActiveCampaign', 'reconcile');
    const cli = await openStore();
    const bar = progress('reconcile');
    const numbers = await countOptOuts(cli, globals.tenant);
    const consent = createCliManager(cli, globals, observed(crm, bar, numbers));
    const result = await consent.reconcile(
      omitUndefined({
        tenantId: globals.tenant,
        dryRun: options['dry-run'],
        since: options.since,
        maxFailures: options['max-failures'],
      }),
    );
    const n = formatCount;
    bar.finish(`done: ${n(result.contactsChecked)} contacts checked, ${n(result.corrected)} corrected`);
    const verb = options['dry-run'] ? 'would correct' : 'corrected';
    out.result({ ...result, dryRun: options['dry-run'] }, [
      `Reconciled tenant ${result.tenantId}: ${n(result.contactsChecked)} contacts checked (${n(result.numbersChecked)} numbers looked up), ${n(result.inStep)} in step, ${verb} ${n(result.corrected)}.`,
      ...result.corrections.map(
        (correction) =>
          `  contact ${correction.contactId} (${correction.phone}): ${correction.from} -> ${correction.to}`,
      ),
      ...(result.crmOnlyOptOuts > 0
        ? [
            `  ${n(result.crmOnlyOptOuts)} contacts are opted out in the CRM only (no ledger status for their number).`,
          ]
        : []),
      ...(result.invalidPhones > 0
        ? [`  ${n(result.invalidPhones)} contacts have no valid phone number.`]
        : []),
      ...result.failures.map(
        (failure) =>
          `  failed: ${failure.contactId ? `contact ${failure.contactId}` : failure.phone}: ${failure.error}`,
      ),
    ]);
    return result.failures.length > 0 ? 1 : 0;
  },
};

/**
 * The adapter with its reads counted for the progress display: contact pages of the CRM walk
 * (their `total` gives the percentage) and the lookups of the ledger walk (of at most `numbers`).
 */
function observed(adapter: CrmAdapter, bar: Progress, numbers: number | undefined): CrmAdapter {
  let contacts = 0;
  let lookups = 0;
  const { listContacts } = adapter;
  return {
    name: adapter.name,
    rateLimit: adapter.rateLimit,
    batchSize: adapter.batchSize,
    setSmsConsent: (contact, change, options) => adapter.setSmsConsent(contact, change, options),
    ...(adapter.getSmsConsent ? { getSmsConsent: adapter.getSmsConsent.bind(adapter) } : {}),
    async findContactsByPhone(phone) {
      const found = await adapter.findContactsByPhone(phone);
      bar.update(
        omitUndefined({ phase: 'ledger numbers', done: ++lookups, noun: 'numbers', total: numbers }),
      );
      return found;
    },
    ...(listContacts
      ? {
          async listContacts(options) {
            const page = await listContacts.call(adapter, options);
            contacts += page.contacts.length;
            bar.update(
              omitUndefined({ phase: 'CRM contacts', done: contacts, noun: 'contacts', total: page.total }),
            );
            return page;
          },
        }
      : {}),
  };
}
